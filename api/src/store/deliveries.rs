//! Deliveries of reminders by push and email: queued once per event, channel and
//! target, claimed with a lease, and recorded attempt by attempt.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TryInsertResult,
};
use uuid::Uuid;

use super::entities::delivery::{self, Column, Entity as Deliveries};
use super::{Tx, all, name_of};
use crate::domain::delivery::{Delivery, DeliveryStatus};

/// Queues deliveries; one already queued for the same event, channel and target (a
/// redelivered event) is left as it is. Returns how many were queued.
pub async fn insert_unique(
    conn: &impl ConnectionTrait,
    deliveries: Vec<Delivery>,
) -> Result<u64, DbErr> {
    let mut queued = 0;
    let mut rows = deliveries.into_iter().map(delivery::ActiveModel::from);
    for length in super::statement_chunks(&vec![14; rows.len()]) {
        let result = Deliveries::insert_many(rows.by_ref().take(length))
            .on_conflict_do_nothing_on([Column::EventId, Column::Channel, Column::Target])
            .exec_without_returning(conn)
            .await?;
        if let TryInsertResult::Inserted(count) = result {
            queued += count;
        }
    }
    Ok(queued)
}

/// Claims up to `limit` pending deliveries due by `now`: counts the attempt and moves
/// their next attempt to `lease_until`, so that no other worker (here or on another
/// replica) takes them meanwhile, and a worker killed mid-send leaves them to be
/// claimed again when the lease ends. Rows another transaction holds are skipped.
pub async fn claim_due(
    tx: &Tx,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Delivery>, DbErr> {
    let mut due: Vec<Delivery> = all(Deliveries::find()
        .filter(Column::Status.eq(name_of(DeliveryStatus::Pending)))
        .filter(Column::NextAttemptAt.lte(now))
        .order_by_asc(Column::NextAttemptAt)
        .limit(limit)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .all(tx)
        .await?)?;
    if !due.is_empty() {
        Deliveries::update_many()
            .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
            .col_expr(Column::NextAttemptAt, Expr::value(lease_until))
            .col_expr(Column::UpdatedAt, Expr::value(now))
            .filter(Column::Id.is_in(due.iter().map(|delivery| delivery.id)))
            .exec(tx)
            .await?;
        for delivery in &mut due {
            delivery.attempts += 1;
            delivery.next_attempt_at = lease_until;
        }
    }
    Ok(due)
}

/// Records how an attempt ended.
pub async fn record(
    conn: &impl ConnectionTrait,
    id: Uuid,
    status: DeliveryStatus,
    next_attempt_at: DateTime<Utc>,
    last_error: Option<String>,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    Deliveries::update_many()
        .col_expr(Column::Status, Expr::value(name_of(status)))
        .col_expr(Column::NextAttemptAt, Expr::value(next_attempt_at))
        .col_expr(Column::LastError, Expr::value(last_error))
        .col_expr(Column::UpdatedAt, Expr::value(at))
        .filter(Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// When the earliest pending delivery is due, if any is pending.
pub async fn next_due(conn: &impl ConnectionTrait) -> Result<Option<DateTime<Utc>>, DbErr> {
    Deliveries::find()
        .select_only()
        .column(Column::NextAttemptAt)
        .filter(Column::Status.eq(name_of(DeliveryStatus::Pending)))
        .order_by_asc(Column::NextAttemptAt)
        .limit(1)
        .into_tuple::<DateTime<Utc>>()
        .one(conn)
        .await
}

/// The deliveries of one user's reminders of these tasks, oldest first.
pub async fn of_reminders(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    task_ids: &[Uuid],
) -> Result<Vec<Delivery>, DbErr> {
    all(Deliveries::find()
        .filter(Column::TaskId.is_in(task_ids.iter().copied()))
        .filter(Column::UserId.eq(user_id))
        .order_by_asc(Column::CreatedAt)
        .order_by_asc(Column::Id)
        .all(conn)
        .await?)
}

/// Every delivery of a user's reminders, for tests and tools: newest first.
pub async fn of_user(conn: &impl ConnectionTrait, user_id: Uuid) -> Result<Vec<Delivery>, DbErr> {
    all(Deliveries::find()
        .filter(Column::UserId.eq(user_id))
        .order_by_desc(Column::CreatedAt)
        .all(conn)
        .await?)
}
