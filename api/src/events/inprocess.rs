use async_trait::async_trait;

use super::{BatchOutcome, BusError, Dispatcher, EventBus};
use crate::domain::event::CloudEvent;

/// Delivers events to the consumers inside this process, a batch at a time, so that a
/// consumer applies a whole batch in one transaction.
pub struct InProcessBus {
    dispatcher: Dispatcher,
}

impl InProcessBus {
    pub fn new(dispatcher: Dispatcher) -> Self {
        Self { dispatcher }
    }
}

#[async_trait]
impl EventBus for InProcessBus {
    async fn publish(&self, topic: &str, events: &[CloudEvent]) -> Result<(), BusError> {
        match self.dispatcher.dispatch_batch(topic, events).await {
            // A dropped event is logged and counted by the dispatcher; retrying it would
            // only block the events behind it.
            BatchOutcome::Applied { .. } => Ok(()),
            BatchOutcome::Retry => Err(BusError::Unavailable(
                "a consumer asked to retry".to_owned(),
            )),
        }
    }
}
