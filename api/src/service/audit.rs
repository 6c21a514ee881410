//! The audit trail: entries made from task events, and the history queries.

use chrono::{DateTime, Duration, Utc};
use sea_orm::ActiveValue::Set;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::pagination::{decode_cursor, encode_cursor, page_size};
use super::{Actor, ServiceResult};
use crate::domain::event::{AuditAction, CloudEvent, EventError, changed_fields};
use crate::store::audit::AuditFilter;
use crate::store::entities::audit_entry;
use crate::store::{self, Db, StoreDbError};

/// The name this consumer records applied events under.
const CONSUMER: &str = "audit";
const ORDERING: &str = "audit:AT:DESC";

#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// The event can never be applied; retrying will not help.
    #[error(transparent)]
    Malformed(#[from] EventError),
    /// Storage failed; applying it again later may succeed.
    #[error("storage failed: {0}")]
    Storage(#[from] StoreDbError),
}

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
    pub after: Option<String>,
}

pub struct AuditPage {
    pub edges: Vec<(String, audit_entry::Model)>,
    pub has_next_page: bool,
}

#[derive(Serialize, Deserialize)]
struct Position(DateTime<Utc>, Uuid);

#[derive(Clone)]
pub struct AuditService {
    db: Db,
    retention: Duration,
}

impl AuditService {
    pub fn new(db: Db, retention: Duration) -> Self {
        Self { db, retention }
    }

    /// Records the change an event describes, at most once per event.
    pub async fn apply(&self, event: &CloudEvent) -> Result<Applied, ApplyError> {
        let change = event.task_change_data()?;
        let action = change.action;
        let changed = match (action, &change.before, &change.after) {
            (AuditAction::Update, Some(before), Some(after)) => {
                Some(serde_json::json!(changed_fields(before, after)))
            }
            _ => None,
        };
        let tx = self.db.begin_write().await?;
        if !store::audit::mark_processed(&tx, CONSUMER, event.id, Utc::now()).await? {
            tx.commit().await?;
            return Ok(Applied::Duplicate);
        }
        let entry = audit_entry::ActiveModel {
            id: Set(Uuid::now_v7()),
            event_id: Set(event.id),
            user_id: Set(change.user_id),
            action: Set(action.as_str().to_owned()),
            entity_type: Set("Task".to_owned()),
            entity_id: Set(change.task_id),
            before: Set(change.before),
            after: Set(change.after),
            changed_fields: Set(changed),
            source: Set(change.source.as_str().to_owned()),
            request_id: Set(change.request_id),
            at: Set(event.time),
        };
        store::audit::insert(&tx, entry).await?;
        tx.commit().await?;
        Ok(Applied::Recorded)
    }

    /// The actor's entries, newest first. Entries of deleted tasks stay listed.
    pub async fn list(&self, actor: &Actor, query: &AuditQuery) -> ServiceResult<AuditPage> {
        let limit = page_size(query.first)?;
        let after = query
            .after
            .as_deref()
            .map(|cursor| decode_cursor::<Position>(ORDERING, cursor))
            .transpose()?
            .map(|Position(at, id)| (at, id));
        let (rows, has_next_page) =
            store::audit::list(self.db.reader(), actor.user_id, &query.filter, after, limit)
                .await?;
        let edges = rows
            .into_iter()
            .map(|entry| {
                (
                    encode_cursor(ORDERING, &Position(entry.at, entry.id)),
                    entry,
                )
            })
            .collect();
        Ok(AuditPage {
            edges,
            has_next_page,
        })
    }

    pub async fn count(&self, actor: &Actor, filter: &AuditFilter) -> ServiceResult<u64> {
        Ok(store::audit::count(self.db.reader(), actor.user_id, filter).await?)
    }

    /// Removes entries older than the retention period; returns how many.
    pub async fn purge_expired(&self, now: DateTime<Utc>) -> ServiceResult<u64> {
        let cutoff = now - self.retention;
        let removed = store::audit::purge_before(self.db.writer(), cutoff).await?;
        let outbox = store::outbox::purge_published(self.db.writer(), cutoff).await?;
        tracing::info!(removed, outbox_rows_removed = outbox, %cutoff, "audit retention ran");
        Ok(removed)
    }

    pub fn retention(&self) -> Duration {
        self.retention
    }
}
