//! Events: the bus they travel on (in-process or Dapr pub/sub), the relay that
//! publishes the outbox, the consumers that apply them, the triggers that come in
//! beside them, and the fan-out that hands what any replica announced (notifications,
//! task changes) to this process's live subscribers.

pub mod dapr;
mod dispatch;
mod fanout;
mod inprocess;
mod relay;

use async_trait::async_trait;

pub use dispatch::{
    AuditConsumer, BatchOutcome, Consumer, ConsumerError, DeliveryConsumer, Dispatcher, Outcome,
    Rejected, ReminderConsumer, register_counters,
};
pub use fanout::Fanout;
pub use inprocess::InProcessBus;
pub use relay::Relay;

use crate::domain::event::CloudEvent;

#[derive(Debug, thiserror::Error)]
pub enum BusError {
    #[error("the event bus is unavailable: {0}")]
    Unavailable(String),
}

/// Work a scheduler outside the process triggers (Dapr's `reminder-cron` binding).
#[async_trait]
pub trait CronHandler: Send + Sync {
    async fn run(&self) -> Result<(), String>;
}

/// Where the relay publishes events. Delivery is at least once: consumers are
/// idempotent by event id.
#[async_trait]
pub trait EventBus: Send + Sync {
    /// Publishes events of one topic in order. On error any of them may have gone out;
    /// the relay publishes them all again.
    async fn publish(&self, topic: &str, events: &[CloudEvent]) -> Result<(), BusError>;
}
