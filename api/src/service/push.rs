//! Web Push subscriptions: the browsers and phones a user registered for reminders.

use uuid::Uuid;

use super::{Actor, ServiceError, ServiceResult, now};
use crate::domain::push::{EndpointPolicy, NewPushSubscription, PushSubscription};
use crate::store::{self, Db};

#[derive(Clone)]
pub struct PushService {
    db: Db,
    /// The server's VAPID public key (base64url, uncompressed P-256), which browsers
    /// subscribe with.
    public_key: String,
    policy: EndpointPolicy,
}

impl PushService {
    pub fn new(db: Db, public_key: String, policy: EndpointPolicy) -> Self {
        Self {
            db,
            public_key,
            policy,
        }
    }

    pub fn public_key(&self) -> &str {
        &self.public_key
    }

    /// Registers this browser for the actor's reminders. Registering an endpoint again
    /// (the same browser, maybe now signed in as someone else) moves it to the actor.
    pub async fn register(
        &self,
        actor: &Actor,
        input: NewPushSubscription,
    ) -> ServiceResult<PushSubscription> {
        actor.require_write()?;
        let input = input.validated(self.policy)?;
        let subscription = PushSubscription {
            id: Uuid::now_v7(),
            user_id: actor.user_id,
            endpoint: input.endpoint,
            p256dh: input.p256dh,
            auth: input.auth,
            device_name: input.device_name,
            created_at: now(),
            last_success_at: None,
        };
        Ok(store::push_subscriptions::upsert(self.db.writer(), subscription).await?)
    }

    pub async fn remove(&self, actor: &Actor, id: Uuid) -> ServiceResult<()> {
        actor.require_write()?;
        if store::push_subscriptions::delete_of_user(self.db.writer(), actor.user_id, id).await? {
            Ok(())
        } else {
            Err(ServiceError::NotFound("push subscription"))
        }
    }

    pub async fn list(&self, actor: &Actor) -> ServiceResult<Vec<PushSubscription>> {
        Ok(store::push_subscriptions::of_user(self.db.reader(), actor.user_id).await?)
    }
}
