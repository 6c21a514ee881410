//! Consumers and the dispatcher that hands them events, shared by the in-process bus
//! and the Dapr callback.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use tracing::Instrument as _;

use crate::domain::event::{CloudEvent, topic};
use crate::service::{ApplyError, AuditService, NotificationService};

#[derive(Debug, thiserror::Error)]
pub enum ConsumerError {
    /// Worth retrying: storage or a dependency failed.
    #[error("transient failure: {0}")]
    Transient(String),
    /// Never applicable: retrying cannot help.
    #[error("malformed event: {0}")]
    Malformed(String),
}

#[async_trait]
pub trait Consumer: Send + Sync {
    fn topic(&self) -> &'static str;
    /// Applies the event. Must be idempotent by event id.
    async fn handle(&self, event: &CloudEvent) -> Result<(), ConsumerError>;
}

/// What became of a delivered event; maps onto Dapr's SUCCESS, RETRY and DROP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Retry,
    Drop,
}

#[derive(Clone, Default)]
pub struct Dispatcher {
    consumers: Vec<Arc<dyn Consumer>>,
    dropped: Arc<AtomicU64>,
}

impl Dispatcher {
    pub fn new(consumers: Vec<Arc<dyn Consumer>>) -> Self {
        Self {
            consumers,
            dropped: Arc::default(),
        }
    }

    pub async fn dispatch(&self, topic: &str, event: &CloudEvent) -> Outcome {
        for consumer in self.consumers.iter().filter(|c| c.topic() == topic) {
            let span = tracing::info_span!(
                "event.consume",
                otel.name = %format!("consume {topic}"),
                otel.kind = "consumer",
                event_id = %event.id,
                event_type = %event.event_type,
            );
            crate::telemetry::continue_trace(&span, event.traceparent.as_deref(), None);
            match consumer.handle(event).instrument(span).await {
                Ok(()) => {}
                Err(ConsumerError::Transient(error)) => {
                    metrics::counter!(crate::metrics::CONSUMER_RETRIES, "topic" => topic_label(topic))
                        .increment(1);
                    tracing::warn!(event_id = %event.id, %topic, %error, "event not applied; will retry");
                    return Outcome::Retry;
                }
                Err(ConsumerError::Malformed(error)) => {
                    let dropped = self.count_drop(topic);
                    tracing::error!(event_id = %event.id, %topic, %error, dropped_total = dropped, "event dropped");
                    return Outcome::Drop;
                }
            }
        }
        Outcome::Success
    }

    /// Counts an event dropped as malformed; returns the count since start-up.
    pub fn count_drop(&self, topic: &str) -> u64 {
        metrics::counter!(crate::metrics::CONSUMER_DROPS, "topic" => topic_label(topic))
            .increment(1);
        self.dropped.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// How many events were dropped as malformed since start-up.
    pub fn dropped_total(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

/// The topic as a metric label: ours by name, anything a sidecar might deliver besides
/// under one label.
fn topic_label(topic: &str) -> &'static str {
    match topic {
        topic::AUDIT => topic::AUDIT,
        topic::REMINDERS => topic::REMINDERS,
        _ => "other",
    }
}

/// Turns task events into audit entries.
pub struct AuditConsumer {
    audit: AuditService,
}

impl AuditConsumer {
    pub fn new(audit: AuditService) -> Self {
        Self { audit }
    }
}

#[async_trait]
impl Consumer for AuditConsumer {
    fn topic(&self) -> &'static str {
        topic::AUDIT
    }

    async fn handle(&self, event: &CloudEvent) -> Result<(), ConsumerError> {
        self.audit
            .apply(event)
            .await
            .map(|_| ())
            .map_err(apply_error)
    }
}

/// Turns reminder events into notifications.
pub struct ReminderConsumer {
    notifications: NotificationService,
}

impl ReminderConsumer {
    pub fn new(notifications: NotificationService) -> Self {
        Self { notifications }
    }
}

#[async_trait]
impl Consumer for ReminderConsumer {
    fn topic(&self) -> &'static str {
        topic::REMINDERS
    }

    async fn handle(&self, event: &CloudEvent) -> Result<(), ConsumerError> {
        self.notifications
            .apply_reminder(event)
            .await
            .map_err(apply_error)
    }
}

fn apply_error(error: ApplyError) -> ConsumerError {
    match error {
        ApplyError::Malformed(e) => ConsumerError::Malformed(e.to_string()),
        ApplyError::Storage(e) => ConsumerError::Transient(e.to_string()),
    }
}
