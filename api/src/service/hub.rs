//! Live delivery to the open subscriptions of this process, one channel per connected
//! user, so an item wakes only its own user's subscribers. Notifications and task
//! changes both travel this way; on PostgreSQL the fan-out in `events::fanout` brings
//! items made on other replicas here.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::broadcast;
use uuid::Uuid;

/// A subscriber that falls this far behind misses the oldest items rather than stall
/// the others.
const PER_USER_CAPACITY: usize = 256;

pub struct UserHub<T>(Arc<Mutex<HashMap<Uuid, broadcast::Sender<T>>>>);

impl<T> Clone for UserHub<T> {
    fn clone(&self) -> Self {
        Self(Arc::clone(&self.0))
    }
}

impl<T> Default for UserHub<T> {
    fn default() -> Self {
        Self(Arc::default())
    }
}

impl<T: Clone> UserHub<T> {
    pub fn subscribe(&self, user_id: Uuid) -> broadcast::Receiver<T> {
        self.channels()
            .entry(user_id)
            .or_insert_with(|| broadcast::channel(PER_USER_CAPACITY).0)
            .subscribe()
    }

    pub fn publish(&self, user_id: Uuid, item: T) {
        let mut channels = self.channels();
        if let Some(sender) = channels.get(&user_id)
            && sender.send(item).is_err()
        {
            // Every subscriber of this user has gone.
            channels.remove(&user_id);
        }
    }

    fn channels(&self) -> MutexGuard<'_, HashMap<Uuid, broadcast::Sender<T>>> {
        // The map holds only senders; a panic elsewhere cannot leave it inconsistent.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn items_reach_only_their_own_user() {
        let hub = UserHub::<u32>::default();
        let (ada, bob) = (Uuid::now_v7(), Uuid::now_v7());
        let mut ada_rx = hub.subscribe(ada);
        let mut bob_rx = hub.subscribe(bob);
        hub.publish(ada, 1);
        hub.publish(bob, 2);
        assert_eq!(ada_rx.recv().await.ok(), Some(1));
        assert_eq!(bob_rx.recv().await.ok(), Some(2));
        assert!(ada_rx.try_recv().is_err());
    }
}
