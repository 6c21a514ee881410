//! Reminders beyond the open pages: Web Push subscriptions, where each reminder went,
//! and snoozing.

use async_graphql::{Context, Enum, ID, InputObject, Object};

use super::error::GqlResultExt;
use super::scalars::DateTime;
use super::task::Task;
use super::{ContextExt, parse_id};
use crate::domain::reminder::Snooze;
use crate::domain::{delivery, push};

pub struct PushSubscription(pub push::PushSubscription);

/// A browser or phone that receives reminders by Web Push.
#[Object]
impl PushSubscription {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// What the person called it ("Firefox on my laptop").
    async fn device_name(&self) -> &str {
        &self.0.device_name
    }

    /// The push service's URL for this browser: the page compares it with its own
    /// subscription's to find "this device".
    async fn endpoint(&self) -> &str {
        &self.0.endpoint
    }

    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }

    /// When a reminder last reached its push service.
    async fn last_success_at(&self) -> Option<DateTime> {
        self.0.last_success_at.map(Into::into)
    }
}

/// As `PushManager.subscribe()` gives it (`subscription.toJSON()`).
#[derive(InputObject)]
pub struct PushSubscriptionInput {
    /// An https URL (loopback http only where the server allows it, for tests).
    pub endpoint: String,
    /// `keys.p256dh`, base64url.
    #[graphql(name = "p256dh")]
    pub p256dh: String,
    /// `keys.auth`, base64url.
    pub auth: String,
    /// 1 to 100 characters.
    pub device_name: String,
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "crate::domain::delivery::Channel")]
pub enum DeliveryChannel {
    /// Web Push to one registered browser or phone.
    Push,
    Email,
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "crate::domain::delivery::DeliveryStatus")]
pub enum DeliveryStatus {
    /// Not sent yet, or waiting to be tried again.
    Pending,
    Sent,
    /// Refused for good, or given up after repeated failures (see `lastError`).
    Failed,
    /// The push service said the subscription no longer exists; it was removed.
    Gone,
}

pub struct Delivery(pub delivery::Delivery);

/// A reminder on its way through one channel to one device or address.
#[Object]
impl Delivery {
    async fn channel(&self) -> DeliveryChannel {
        self.0.channel.into()
    }

    async fn status(&self) -> DeliveryStatus {
        self.0.status.into()
    }

    async fn attempts(&self) -> i32 {
        self.0.attempts
    }

    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }

    /// When it was last attempted (or queued, before the first attempt).
    async fn at(&self) -> DateTime {
        self.0.updated_at.into()
    }
}

#[derive(Default)]
pub struct ReminderQuery;

#[Object]
impl ReminderQuery {
    /// The server's VAPID public key (base64url, uncompressed P-256): the
    /// `applicationServerKey` browsers subscribe to Web Push with.
    async fn push_public_key(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        ctx.actor()?;
        Ok(ctx.services().push.public_key().to_owned())
    }
}

#[derive(Default)]
pub struct ReminderMutation;

#[Object]
impl ReminderMutation {
    /// Registers this browser for reminders by Web Push (turn `pushReminders` on in the
    /// preferences too). Registering the same endpoint again updates it.
    async fn register_push_subscription(
        &self,
        ctx: &Context<'_>,
        input: PushSubscriptionInput,
    ) -> async_graphql::Result<PushSubscription> {
        let actor = ctx.actor()?;
        let input = push::NewPushSubscription {
            endpoint: input.endpoint,
            p256dh: input.p256dh,
            auth: input.auth,
            device_name: input.device_name,
        };
        ctx.services()
            .push
            .register(actor, input)
            .await
            .gql_in("input")
            .map(PushSubscription)
    }

    async fn remove_push_subscription(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<bool> {
        let actor = ctx.actor()?;
        let id = parse_id("id", &id)?;
        ctx.services().push.remove(actor, id).await.gql()?;
        Ok(true)
    }

    async fn delete_notification(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<bool> {
        let actor = ctx.actor()?;
        let id = parse_id("id", &id)?;
        ctx.services().notifications.delete(actor, id).await.gql()?;
        Ok(true)
    }

    /// Snoozes the task's reminder for `minutes` or until `until` (give one): it fires
    /// again then, on every channel, even if the task is due by then. A new due date or
    /// completing the task ends the snooze.
    async fn snooze_task(
        &self,
        ctx: &Context<'_>,
        id: ID,
        minutes: Option<i32>,
        until: Option<DateTime>,
    ) -> async_graphql::Result<Task> {
        let actor = ctx.actor()?;
        let id = parse_id("id", &id)?;
        let snooze = Snooze::from_parts(minutes, until.map(|at| at.0))
            .map_err(|error| super::error::to_graphql_error(error.into()))?;
        ctx.services()
            .tasks
            .snooze(actor, id, snooze)
            .await
            .gql()
            .map(Task::one)
    }
}
