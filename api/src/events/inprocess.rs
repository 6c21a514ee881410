use async_trait::async_trait;

use super::{BusError, Dispatcher, EventBus, Outcome};
use crate::domain::event::CloudEvent;

/// Delivers events to the consumers inside this process.
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
    async fn publish(&self, topic: &str, event: &CloudEvent) -> Result<(), BusError> {
        match self.dispatcher.dispatch(topic, event).await {
            // A dropped event is logged and counted by the dispatcher; retrying it would
            // only block the events behind it.
            Outcome::Success | Outcome::Drop => Ok(()),
            Outcome::Retry => Err(BusError::Unavailable(
                "a consumer asked to retry".to_owned(),
            )),
        }
    }
}
