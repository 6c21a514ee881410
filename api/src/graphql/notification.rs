use async_graphql::{Context, Enum, ID, Object, Subscription};
use tokio_stream::Stream;
use tokio_stream::StreamExt as _;
use tokio_stream::wrappers::BroadcastStream;

use std::sync::Arc;

use tokio::sync::OnceCell;

use super::ContextExt;
use super::error::GqlResultExt;
use super::load_once;
use super::pagination::{Listing, listing};
use super::scalars::DateTime;
use super::task::Task;
use crate::domain::notification;
use crate::service::ServiceError;
use crate::service::deliveries::DeliveriesByReminder;
use crate::service::notifications::NotificationPosition;
use crate::service::pagination::Page;

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "crate::domain::notification::NotificationKind")]
pub enum NotificationType {
    /// A task is due soon.
    Reminder,
    System,
    Action,
}

/// A notification, and the deliveries of the notifications resolved with it.
pub struct Notification(pub notification::Notification, Arc<Related>);

/// What notifications resolved together (a page) share: their reminders' deliveries,
/// loaded for all of them the first time one of them asks.
pub struct Related {
    notifications: Vec<notification::Notification>,
    deliveries: OnceCell<DeliveriesByReminder>,
}

impl Notification {
    pub fn one(notification: notification::Notification) -> Self {
        Self::batch(vec![notification]).remove(0)
    }

    /// Notifications resolved together, sharing their deliveries.
    pub fn batch(notifications: Vec<notification::Notification>) -> Vec<Self> {
        let related = Arc::new(Related {
            notifications: notifications.clone(),
            deliveries: OnceCell::new(),
        });
        notifications
            .into_iter()
            .map(|notification| Self(notification, Arc::clone(&related)))
            .collect()
    }
}

// `serial` for the reason `Task` is: only `task` waits on anything.
#[Object(serial)]
impl Notification {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    #[graphql(name = "type")]
    async fn kind(&self) -> NotificationType {
        self.0.kind.into()
    }

    async fn title(&self) -> &str {
        &self.0.title
    }

    async fn message(&self) -> Option<&str> {
        self.0.message.as_deref()
    }

    /// The task it is about, unless that task was deleted since.
    async fn task(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Task>> {
        let Some(task_id) = self.0.task_id else {
            return Ok(None);
        };
        let actor = ctx.actor()?;
        // Boxed for the reason `Task::history` is: it would size every field's future.
        match Box::pin(ctx.services().tasks.get(actor, task_id)).await {
            Ok(task) => Ok(Some(Task::one(task))),
            Err(ServiceError::NotFound(_)) => Ok(None),
            Err(error) => Err(error).gql(),
        }
    }

    async fn task_id(&self) -> Option<ID> {
        self.0.task_id.map(|id| ID(id.to_string()))
    }

    /// For reminders: the due date reminded of.
    async fn due_at(&self) -> Option<DateTime> {
        self.0.due_at.map(Into::into)
    }

    async fn read(&self) -> bool {
        self.0.read_at.is_some()
    }

    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }

    async fn read_at(&self) -> Option<DateTime> {
        self.0.read_at.map(Into::into)
    }

    /// Where a reminder went beyond the open pages: each push to a device and the
    /// email, with their attempts, oldest first. Empty for other notifications.
    async fn deliveries(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<super::reminders::Delivery>> {
        let (Some(task_id), Some(due_at)) = (self.0.task_id, self.0.due_at) else {
            return Ok(Vec::new());
        };
        let actor = ctx.actor()?;
        let related = &self.1;
        let deliveries = load_once(&related.deliveries, || async {
            ctx.services()
                .deliveries
                .of_notifications(actor, &related.notifications)
                .await
                .gql()
        })
        .await?;
        Ok(deliveries
            .get(&(task_id, due_at))
            .into_iter()
            .flatten()
            .cloned()
            .map(super::reminders::Delivery)
            .collect())
    }
}

/// What the notification center shows beside its edges.
pub struct NotificationListingFields {
    unread_only: bool,
    /// Counted with the page when the request selected it.
    total: Option<u64>,
}

#[Object]
impl NotificationListingFields {
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        if let Some(total) = self.total {
            return Ok(total);
        }
        let actor = ctx.actor()?;
        ctx.services()
            .notifications
            .count(actor, self.unread_only)
            .await
            .gql()
    }
}

pub type NotificationConnection =
    Listing<NotificationPosition, Notification, NotificationListingFields>;

/// A page of the notification center as a `NotificationConnection`.
pub fn notification_connection(
    page: Page<notification::Notification, NotificationPosition>,
    unread_only: bool,
) -> NotificationConnection {
    let fields = NotificationListingFields {
        unread_only,
        total: page.total_count,
    };
    listing(
        page.map_all(Notification::batch),
        fields,
        std::convert::identity,
    )
}

pub struct Subscription;

#[Subscription(name = "NotificationSubscription")]
impl Subscription {
    /// Every new notification of the connected user, live.
    async fn notifications(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl Stream<Item = Notification>> {
        let user_id = ctx.actor()?.user_id;
        let receiver = ctx.services().notifications.hub().subscribe(user_id);
        Ok(
            BroadcastStream::new(receiver).filter_map(move |item| match item {
                Ok(notification) if notification.user_id == user_id => {
                    Some(Notification::one(notification))
                }
                Ok(_) => None,
                Err(lagged) => {
                    tracing::warn!(%lagged, "a subscriber fell behind and missed notifications");
                    None
                }
            }),
        )
    }
}
