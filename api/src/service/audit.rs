//! The audit trail: entries made from task events, and the history queries.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::pagination::{Cursor, Page, page_spec};
use super::{Actor, ApplyError, ServiceResult};

use super::hub::UserHub;
use crate::domain::audit::AuditEntry;
use crate::domain::event::{AuditAction, CloudEvent, EventError, Source, changed_fields};
use crate::store::audit::AuditFilter;
use crate::store::{self, Db, StoreDbError};

/// The name this consumer records applied events under.
const CONSUMER: &str = "audit";
const ORDERING: &str = "audit:AT:DESC";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    Recorded,
    /// Applied before: the same event delivered again changes nothing.
    Duplicate,
}

#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub filter: AuditFilter,
    pub first: Option<i32>,
    pub after: Option<Cursor<AuditPosition>>,
    /// Whether to count every matching entry too, with the page.
    pub count_total: bool,
}

/// Where the audit log resumes: newest first, by time and then id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPosition(DateTime<Utc>, Uuid);

/// PostgreSQL channel on which every replica learns of recorded task changes.
pub const TASK_CHANGES_CHANNEL: &str = "todo_task_changes";

/// A change to one of a user's tasks, as recorded in the audit trail: what the live
/// `taskChanges` subscription carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskChanged {
    /// Who made the change.
    pub user_id: Uuid,
    pub task_id: Uuid,
    /// Everyone to tell: the members of the task's project when the change was recorded
    /// (its maker alone for a change from before projects).
    #[serde(default)]
    pub recipients: Vec<Uuid>,
    pub action: AuditAction,
    pub source: Source,
    pub at: DateTime<Utc>,
}

#[derive(Clone)]
pub struct AuditService {
    db: Db,
    retention: Duration,
    changes: UserHub<TaskChanged>,
}

impl AuditService {
    pub fn new(db: Db, retention: Duration) -> Self {
        Self {
            db,
            retention,
            changes: UserHub::default(),
        }
    }

    /// Task changes for this process's live subscribers.
    pub fn changes(&self) -> &UserHub<TaskChanged> {
        &self.changes
    }

    /// Publishes a change that a replica recorded (from the fan-out).
    pub fn relay_from_fanout(&self, payload: &str) -> Result<(), serde_json::Error> {
        let change: TaskChanged = serde_json::from_str(payload)?;
        self.publish(change);
        Ok(())
    }

    fn publish(&self, change: TaskChanged) {
        for &recipient in &change.recipients {
            self.changes.publish(recipient, change.clone());
        }
    }

    /// Records the change an event describes, at most once per event.
    pub async fn apply(&self, event: &CloudEvent) -> Result<Applied, ApplyError> {
        let mut outcomes = self.apply_batch(std::slice::from_ref(event)).await?;
        Ok(outcomes.pop().unwrap_or(Ok(Applied::Duplicate))?)
    }

    /// Records the changes a batch of events describes, in one transaction and at most
    /// once per event; returns what became of each event, in order. On error nothing is
    /// recorded.
    pub async fn apply_batch(
        &self,
        events: &[CloudEvent],
    ) -> Result<Vec<Result<Applied, EventError>>, StoreDbError> {
        let records: Vec<Result<Record, EventError>> = events.iter().map(Record::of).collect();
        let ids: Vec<Uuid> = records
            .iter()
            .filter_map(|record| record.as_ref().ok().map(|r| r.event_id))
            .collect();
        let tx = self.db.begin_write().await?;
        let mut unapplied =
            store::processed_events::mark_processed(&tx, CONSUMER, &ids, Utc::now()).await?;
        let mut entries = Vec::new();
        let mut changes = Vec::new();
        let mut members: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        let mut outcomes = Vec::with_capacity(records.len());
        for record in records {
            let record = match record {
                Ok(record) => record,
                Err(error) => {
                    outcomes.push(Err(error));
                    continue;
                }
            };
            // `remove`, so that an event twice in one batch is recorded once.
            if !unapplied.remove(&record.event_id) {
                outcomes.push(Ok(Applied::Duplicate));
                continue;
            }
            let mut live = record.live;
            live.recipients = match record.entry.project_id {
                Some(project) => match members.entry(project) {
                    Entry::Occupied(known) => known.get().clone(),
                    Entry::Vacant(slot) => slot
                        .insert(store::projects::member_ids(&tx, project).await?)
                        .clone(),
                },
                None => vec![live.user_id],
            };
            let payload = serde_json::to_string(&live)
                .map_err(|e| StoreDbError::Custom(format!("a task change as JSON: {e}")))?;
            entries.push(record.entry);
            changes.push((live, payload));
            outcomes.push(Ok(Applied::Recorded));
        }
        store::audit::insert_many(&tx, entries).await?;
        // The same events that make the audit entries tell open pages about the changes.
        let payloads: Vec<&str> = changes
            .iter()
            .map(|(_, payload)| payload.as_str())
            .collect();
        let fanned_out = store::notify::notify_all(&tx, TASK_CHANGES_CHANNEL, &payloads).await?;
        tx.commit().await?;
        if !fanned_out {
            for (live, _) in changes {
                self.publish(live);
            }
        }
        Ok(outcomes)
    }

    /// The entries the actor may see, newest first: their own changes, and every change
    /// to the tasks of the projects they are a member of. Entries of deleted tasks stay
    /// listed.
    pub async fn list(
        &self,
        actor: &Actor,
        query: &AuditQuery,
    ) -> ServiceResult<Page<AuditEntry, AuditPosition>> {
        let page = page_spec(query.first, query.count_total)?;
        let after = query
            .after
            .clone()
            .map(|cursor| cursor.position_in(ORDERING))
            .transpose()?
            .map(|AuditPosition(at, id)| (at, id));
        let fetched =
            store::audit::list(self.db.reader(), actor.user_id, &query.filter, after, page).await?;
        Ok(Page::of(fetched, |entry| {
            Cursor::new(ORDERING, AuditPosition(entry.at, entry.id))
        }))
    }

    pub async fn count(&self, actor: &Actor, filter: &AuditFilter) -> ServiceResult<u64> {
        Ok(store::audit::count(self.db.reader(), actor.user_id, filter).await?)
    }

    /// Removes entries older than the retention period; returns how many.
    pub async fn purge_expired(&self, now: DateTime<Utc>) -> ServiceResult<u64> {
        let cutoff = now - self.retention;
        let removed = store::audit::purge_before(self.db.writer(), cutoff).await?;
        store::processed_events::purge_before(self.db.writer(), cutoff).await?;
        let outbox = store::outbox::purge_published(self.db.writer(), cutoff).await?;
        tracing::info!(removed, outbox_rows_removed = outbox, %cutoff, "audit retention ran");
        Ok(removed)
    }

    pub fn retention(&self) -> Duration {
        self.retention
    }
}

/// What one event records: its audit entry, and the live change it announces.
struct Record {
    event_id: Uuid,
    entry: AuditEntry,
    live: TaskChanged,
}

impl Record {
    fn of(event: &CloudEvent) -> Result<Self, EventError> {
        let change = event.task_change_data()?;
        let action = change.action;
        let changed = match (action, &change.before, &change.after) {
            (AuditAction::Update, Some(before), Some(after)) => {
                Some(serde_json::json!(changed_fields(before, after)))
            }
            _ => None,
        };
        let live = TaskChanged {
            user_id: change.user_id,
            task_id: change.task_id,
            recipients: Vec::new(),
            action,
            source: change.source,
            at: event.time,
        };
        let entry = AuditEntry {
            id: Uuid::now_v7(),
            event_id: event.id,
            user_id: change.user_id,
            action,
            entity_type: "Task".to_owned(),
            entity_id: change.task_id,
            before: change.before,
            after: change.after,
            changed_fields: changed,
            source: change.source,
            request_id: change.request_id,
            at: event.time,
            project_id: change.project_id,
            agent: change.agent,
        };
        Ok(Self {
            event_id: event.id,
            entry,
            live,
        })
    }
}
