//! Consumers and the dispatcher that hands them events, shared by the in-process bus
//! and the Dapr callback.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use tracing::Instrument as _;
use uuid::Uuid;

use crate::domain::delivery::Channel;
use crate::domain::event::{CloudEvent, EventError, topic};
use crate::service::{AuditService, DeliveryService, NotificationService};
use crate::store::StoreDbError;

/// A consumer could not apply a batch; none of it was applied, and all of it may be
/// delivered again.
#[derive(Debug, thiserror::Error)]
#[error("transient failure: {0}")]
pub struct ConsumerError(#[from] StoreDbError);

/// An event a consumer can never apply: retrying cannot help, so it is dropped.
#[derive(Debug)]
pub struct Rejected {
    pub event_id: Uuid,
    pub reason: EventError,
}

#[async_trait]
pub trait Consumer: Send + Sync {
    fn topic(&self) -> &'static str;
    /// Applies a batch of events in order, in one transaction, each at most once (by
    /// event id, so a batch delivered again changes nothing). Returns the events it
    /// rejected; every other event of the batch is applied. On error nothing is.
    async fn handle(&self, events: &[CloudEvent]) -> Result<Vec<Rejected>, ConsumerError>;
}

/// What became of one delivered event; maps onto Dapr's SUCCESS, RETRY and DROP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Retry,
    Drop,
}

/// What became of a batch: applied (except the events dropped as malformed), or to be
/// delivered again as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchOutcome {
    Applied { dropped: Vec<Uuid> },
    Retry,
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

    /// Hands one event to the consumers of its topic.
    pub async fn dispatch(&self, topic: &str, event: &CloudEvent) -> Outcome {
        match self
            .dispatch_batch(topic, std::slice::from_ref(event))
            .await
        {
            BatchOutcome::Applied { dropped } if dropped.is_empty() => Outcome::Success,
            BatchOutcome::Applied { .. } => Outcome::Drop,
            BatchOutcome::Retry => Outcome::Retry,
        }
    }

    /// Hands a batch of events of one topic, in order, to the consumers of that topic.
    pub async fn dispatch_batch(&self, topic: &str, events: &[CloudEvent]) -> BatchOutcome {
        let mut dropped = Vec::new();
        if events.is_empty() {
            return BatchOutcome::Applied { dropped };
        }
        for consumer in self.consumers.iter().filter(|c| c.topic() == topic) {
            let span = tracing::info_span!(
                "event.consume",
                otel.name = %format!("consume {topic}"),
                otel.kind = "consumer",
                events = events.len(),
                event_id = tracing::field::Empty,
            );
            if let [event] = events {
                span.record("event_id", tracing::field::display(event.id));
            }
            crate::telemetry::continue_traces(
                &span,
                events.iter().filter_map(|e| e.traceparent.as_deref()),
            );
            match consumer.handle(events).instrument(span).await {
                Ok(rejected) => {
                    for Rejected { event_id, reason } in rejected {
                        let total = self.count_drop(topic);
                        tracing::error!(%event_id, %topic, error = %reason, dropped_total = total, "event dropped");
                        dropped.push(event_id);
                    }
                }
                Err(error) => {
                    metrics::counter!(crate::metrics::CONSUMER_RETRIES, "topic" => topic_label(topic))
                        .increment(1);
                    tracing::warn!(events = events.len(), first_event_id = ?events.first().map(|e| e.id), %topic, %error, "events not applied; will retry");
                    return BatchOutcome::Retry;
                }
            }
        }
        BatchOutcome::Applied { dropped }
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

/// The topics consumed here, each a label value of its own in the consumer metrics.
const CONSUMED_TOPICS: [&str; 2] = [topic::AUDIT, topic::REMINDERS];
/// The label of anything else a sidecar might deliver.
const OTHER_TOPIC: &str = "other";

/// The topic as a metric label: ours by name, anything else under one label.
fn topic_label(topic: &str) -> &'static str {
    CONSUMED_TOPICS
        .into_iter()
        .find(|consumed| *consumed == topic)
        .unwrap_or(OTHER_TOPIC)
}

/// Registers the retry and drop series of every topic label at 0.
pub fn register_counters() {
    for topic in CONSUMED_TOPICS.into_iter().chain([OTHER_TOPIC]) {
        for counter in [
            crate::metrics::CONSUMER_RETRIES,
            crate::metrics::CONSUMER_DROPS,
        ] {
            crate::metrics::register_counter(counter, &[("topic", topic)]);
        }
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

    async fn handle(&self, events: &[CloudEvent]) -> Result<Vec<Rejected>, ConsumerError> {
        Ok(rejected(events, self.audit.apply_batch(events).await?))
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

    async fn handle(&self, events: &[CloudEvent]) -> Result<Vec<Rejected>, ConsumerError> {
        Ok(rejected(
            events,
            self.notifications.apply_reminders(events).await?,
        ))
    }
}

/// Queues the push or email deliveries of reminder events: a consumer per channel, so
/// that one channel's storage trouble does not hold up the other's retries.
pub struct DeliveryConsumer {
    channel: Channel,
    deliveries: DeliveryService,
}

impl DeliveryConsumer {
    pub fn new(channel: Channel, deliveries: DeliveryService) -> Self {
        Self {
            channel,
            deliveries,
        }
    }
}

#[async_trait]
impl Consumer for DeliveryConsumer {
    fn topic(&self) -> &'static str {
        topic::REMINDERS
    }

    async fn handle(&self, events: &[CloudEvent]) -> Result<Vec<Rejected>, ConsumerError> {
        Ok(rejected(
            events,
            self.deliveries.enqueue(self.channel, events).await?,
        ))
    }
}

/// The events whose outcome was an error, beside the error.
fn rejected<T>(events: &[CloudEvent], outcomes: Vec<Result<T, EventError>>) -> Vec<Rejected> {
    events
        .iter()
        .zip(outcomes)
        .filter_map(|(event, outcome)| {
            outcome.err().map(|reason| Rejected {
                event_id: event.id,
                reason,
            })
        })
        .collect()
}
