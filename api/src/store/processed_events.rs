//! The ledger of which events each consumer has applied: what makes a consumer
//! idempotent when the bus delivers an event again.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, TryInsertResult};
use uuid::Uuid;

use super::entities::processed_event::{self, Column, Entity as ProcessedEvents};

/// Records that `consumer` applies `event_ids` in the caller's transaction, and returns
/// the ids it had not applied before: only those may be applied now.
///
/// One `INSERT … ON CONFLICT DO NOTHING RETURNING` per chunk both marks the events and
/// tells which were new. The unique key decides, so the lookup can never fall back to
/// scanning the ledger: a separate `SELECT … IN (…)`, prepared while the table was
/// still small, kept PostgreSQL's generic plan that filters every row of the consumer,
/// and slowed each batch as the ledger grew (docs/performance.md). A replica marking
/// the same events at the same moment waits for the other's transaction; once that
/// commits, the events read as applied here and are skipped.
pub async fn mark_processed(
    conn: &impl ConnectionTrait,
    consumer: &str,
    event_ids: &[Uuid],
    at: DateTime<Utc>,
) -> Result<HashSet<Uuid>, DbErr> {
    // In one order everywhere, so that two batches sharing events cannot deadlock.
    let mut unique = event_ids.to_vec();
    unique.sort_unstable();
    unique.dedup();
    let mut rows = unique.iter().map(|&event_id| processed_event::ActiveModel {
        consumer: Set(consumer.to_owned()),
        event_id: Set(event_id),
        processed_at: Set(at),
    });
    let mut fresh = HashSet::with_capacity(unique.len());
    for length in super::id_chunks(unique.len()) {
        let inserted = ProcessedEvents::insert_many(rows.by_ref().take(length))
            .on_conflict_do_nothing_on([Column::Consumer, Column::EventId])
            .exec_with_returning_keys(conn)
            .await?;
        if let TryInsertResult::Inserted(keys) = inserted {
            fresh.extend(keys.into_iter().map(|(_, event_id)| event_id));
        }
    }
    Ok(fresh)
}

/// Forgets what was applied before `cutoff`: a redelivery that old no longer happens.
pub async fn purge_before(
    conn: &impl ConnectionTrait,
    cutoff: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let removed = ProcessedEvents::delete_many()
        .filter(Column::ProcessedAt.lt(cutoff))
        .exec(conn)
        .await?;
    Ok(removed.rows_affected)
}
