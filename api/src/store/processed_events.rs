//! The ledger of which events each consumer has applied: what makes a consumer
//! idempotent when the bus delivers an event again.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect, TryInsertResult,
};
use uuid::Uuid;

use super::entities::processed_event::{self, Column, Entity as ProcessedEvents};

/// Records that `consumer` applies `event_ids` in the caller's transaction, and returns
/// the ids it had not applied before: only those may be applied now.
///
/// A replica that marks the same events concurrently makes this fail (rather than
/// report them as new), so that the caller's transaction rolls back and the batch is
/// delivered again, when they read as applied.
pub async fn mark_processed(
    conn: &impl ConnectionTrait,
    consumer: &str,
    event_ids: &[Uuid],
    at: DateTime<Utc>,
) -> Result<HashSet<Uuid>, DbErr> {
    if event_ids.is_empty() {
        return Ok(HashSet::new());
    }
    let mut seen: HashSet<Uuid> = HashSet::new();
    let mut rest = event_ids;
    for length in super::id_chunks(event_ids.len()) {
        let (chunk, tail) = rest.split_at(length.min(rest.len()));
        rest = tail;
        seen.extend(
            ProcessedEvents::find()
                .select_only()
                .column(Column::EventId)
                .filter(Column::Consumer.eq(consumer))
                .filter(Column::EventId.is_in(chunk.iter().copied()))
                .into_tuple::<Uuid>()
                .all(conn)
                .await?,
        );
    }
    let fresh: HashSet<Uuid> = event_ids
        .iter()
        .copied()
        .filter(|id| !seen.contains(id))
        .collect();
    if fresh.is_empty() {
        return Ok(fresh);
    }
    let mut rows = fresh.iter().map(|&event_id| processed_event::ActiveModel {
        consumer: Set(consumer.to_owned()),
        event_id: Set(event_id),
        processed_at: Set(at),
    });
    let mut inserted = 0;
    for length in super::id_chunks(fresh.len()) {
        let result = ProcessedEvents::insert_many(rows.by_ref().take(length))
            .on_conflict_do_nothing_on([Column::Consumer, Column::EventId])
            .exec_without_returning(conn)
            .await?;
        inserted += match result {
            TryInsertResult::Inserted(rows) => rows,
            TryInsertResult::Empty | TryInsertResult::Conflicted => 0,
        };
    }
    if inserted != fresh.len() as u64 {
        return Err(DbErr::Custom(format!(
            "{consumer}: another process applied {} of these events meanwhile",
            fresh.len() as u64 - inserted.min(fresh.len() as u64)
        )));
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
