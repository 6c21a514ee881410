//! The ledger of which events each consumer has applied: what makes a consumer
//! idempotent when the bus delivers an event again.

use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, TryInsertResult};
use uuid::Uuid;

use super::entities::processed_event::{self, Column, Entity as ProcessedEvents};

/// Records that `consumer` applied `event_id`. False when it had already: the caller
/// must then not apply the event again.
pub async fn mark_processed(
    conn: &impl ConnectionTrait,
    consumer: &str,
    event_id: Uuid,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let row = processed_event::ActiveModel {
        consumer: Set(consumer.to_owned()),
        event_id: Set(event_id),
        processed_at: Set(at),
    };
    let result = ProcessedEvents::insert(row)
        .on_conflict_do_nothing_on([Column::Consumer, Column::EventId])
        .exec_without_returning(conn)
        .await?;
    Ok(matches!(result, TryInsertResult::Inserted(rows) if rows > 0))
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
