//! Publishes the outbox to the bus in order, marks what went out, and backs off while
//! the bus is unavailable. Events committed before a crash are published after restart,
//! because the outbox is the only place they were ever kept.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio_util::sync::CancellationToken;

use super::EventBus;
use crate::domain::event::CloudEvent;
use crate::service::Wakeup;
use crate::store::leader::Leadership;
use crate::store::{self, Db};

/// Events per batch. A consumer holds a whole batch in memory while it applies it (an
/// audit entry holds the task's two snapshots, parsed), so the batch bounds the memory a
/// backlog takes and how long a batch holds SQLite's one writer; docs/performance.md
/// has the peak RSS at several sizes.
const BATCH: u64 = 128;
/// The relay also polls, so rows committed by another replica are not left waiting.
const POLL: Duration = Duration::from_secs(1);
const BACKOFF_START: Duration = Duration::from_millis(100);
const BACKOFF_MAX: Duration = Duration::from_secs(30);
/// Only one replica relays at a time, so that each task's events stay in order.
const LEADER_LOCK_KEY: i64 = 0x746f_646f_7265_6c61;

pub struct Relay {
    db: Db,
    bus: Arc<dyn EventBus>,
    signal: Wakeup,
}

enum Step {
    /// Published everything there was.
    Drained,
    /// Published some; more may be waiting.
    Progressed,
    /// The bus or the database failed.
    Failed,
}

impl Relay {
    pub fn new(db: Db, bus: Arc<dyn EventBus>, signal: Wakeup) -> Self {
        Self { db, bus, signal }
    }

    pub async fn run(self, shutdown: CancellationToken) {
        let mut backoff = BACKOFF_START;
        let mut leadership: Option<Leadership> = None;
        // A batch in flight is finished (a use case must not stop inside its
        // transaction); whatever is still waiting stays in the outbox for the next start.
        while !shutdown.is_cancelled() {
            if leadership.is_none() {
                leadership = match self.db.try_lead(LEADER_LOCK_KEY).await {
                    Ok(Some(taken)) => {
                        tracing::info!("this replica relays the outbox");
                        Some(taken)
                    }
                    Ok(None) => None,
                    Err(error) => {
                        tracing::warn!(%error, "cannot ask for the relay leadership");
                        None
                    }
                };
                if leadership.is_none() {
                    tokio::select! {
                        () = shutdown.cancelled() => return,
                        () = tokio::time::sleep(POLL * 5) => continue,
                    }
                }
            }
            let pause = match self.publish_batch().await {
                Step::Progressed => {
                    backoff = BACKOFF_START;
                    continue;
                }
                Step::Drained => {
                    backoff = BACKOFF_START;
                    POLL
                }
                Step::Failed => {
                    let pause = backoff;
                    backoff = (backoff * 2).min(BACKOFF_MAX);
                    // The database may be what failed, taking the leader's session
                    // (and with it the lock) along.
                    if let Some(held) = leadership.as_mut()
                        && !held.is_held().await
                    {
                        leadership = None;
                    }
                    pause
                }
            };
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = self.signal.notified() => {}
                () = tokio::time::sleep(pause) => {}
            }
        }
    }

    async fn publish_batch(&self) -> Step {
        let rows = match store::outbox::pending(self.db.reader(), BATCH).await {
            Ok(rows) => rows,
            Err(error) => {
                tracing::warn!(%error, "cannot read the outbox");
                return Step::Failed;
            }
        };
        if rows.is_empty() {
            return Step::Drained;
        }
        let mut step = if rows.len() as u64 == BATCH {
            Step::Progressed
        } else {
            Step::Drained
        };
        let mut published = Vec::with_capacity(rows.len());
        let mut run = Run::default();
        for row in rows {
            let event: CloudEvent = match serde_json::from_str(&row.payload) {
                Ok(event) => event,
                Err(error) => {
                    // Cannot happen for rows this service wrote; never let one block the rest.
                    tracing::error!(seq = row.seq, %error, "unreadable outbox row skipped");
                    let _ = store::outbox::record_failure(
                        self.db.writer(),
                        row.seq,
                        &error.to_string(),
                    )
                    .await;
                    published.push(row.seq);
                    continue;
                }
            };
            if run.topic.as_deref().is_some_and(|topic| topic != row.topic)
                && !self.publish_run(&mut run, &mut published).await
            {
                step = Step::Failed;
                break;
            }
            run.push(row.topic, row.seq, event);
        }
        if !matches!(step, Step::Failed) && !self.publish_run(&mut run, &mut published).await {
            step = Step::Failed;
        }
        // Marked once per batch: a crash before this line publishes the batch again,
        // which idempotent consumers absorb, and a commit per event would halve the rate.
        if let Err(error) =
            store::outbox::mark_published(self.db.writer(), &published, Utc::now()).await
        {
            tracing::warn!(%error, "cannot mark events published; they will go out again");
            return Step::Failed;
        }
        step
    }

    /// Publishes a run of events of one topic as one batch and empties it; false when
    /// the bus refused it, after which the rows behind it must not overtake it.
    async fn publish_run(&self, run: &mut Run, published: &mut Vec<i64>) -> bool {
        let Some(topic) = run.topic.take() else {
            return true;
        };
        let seqs = std::mem::take(&mut run.seqs);
        let events = std::mem::take(&mut run.events);
        let (Some(&first_seq), Some(first_event)) = (seqs.first(), events.first()) else {
            return true;
        };
        if let Err(error) = self.bus.publish(&topic, &events).await {
            metrics::counter!(crate::metrics::OUTBOX_PUBLISH_FAILURES).increment(1);
            tracing::warn!(seq = first_seq, event_id = %first_event.id, events = events.len(), %error, "publish failed; will retry");
            let _ = store::outbox::record_failure(self.db.writer(), first_seq, &error.to_string())
                .await;
            return false;
        }
        tracing::debug!(%topic, events = events.len(), first_seq, "events published");
        published.extend(seqs);
        true
    }
}

/// Consecutive outbox rows of one topic, published together.
#[derive(Default)]
struct Run {
    topic: Option<String>,
    seqs: Vec<i64>,
    events: Vec<CloudEvent>,
}

impl Run {
    fn push(&mut self, topic: String, seq: i64, event: CloudEvent) {
        self.topic.get_or_insert(topic);
        self.seqs.push(seq);
        self.events.push(event);
    }
}
