//! Notifications and their notification-center queries.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, TryInsertResult,
};
use uuid::Uuid;

use super::entities::notification::{self, Column, Entity as Notifications};
use super::{FetchedPage, PageSpec, one};
use crate::domain::notification::Notification;

/// Inserts a notification unless its user has one for the same task and due date.
/// Returns whether it was inserted.
pub async fn insert_unique(
    conn: &impl ConnectionTrait,
    notification: &Notification,
) -> Result<bool, DbErr> {
    let result = Notifications::insert(notification::ActiveModel::from(notification.clone()))
        .on_conflict_do_nothing_on([Column::TaskId, Column::DueAt, Column::UserId])
        .exec_without_returning(conn)
        .await?;
    Ok(matches!(result, TryInsertResult::Inserted(rows) if rows > 0))
}

/// Brings a user's reminder of a task and due date back as new and unread (its
/// reminder fired again after a snooze); returns it, if the user has it.
pub async fn revive(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    task_id: Uuid,
    due_at: DateTime<Utc>,
    at: DateTime<Utc>,
) -> Result<Option<Notification>, DbErr> {
    let revived = Notifications::update_many()
        .col_expr(Column::ReadAt, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(
            Column::ArchivedAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(Column::CreatedAt, Expr::value(at))
        .filter(Column::TaskId.eq(task_id))
        .filter(Column::DueAt.eq(due_at))
        .filter(Column::UserId.eq(user_id))
        .exec_with_returning(conn)
        .await?;
    one(revived.into_iter().next())
}

/// Deletes one of the user's notifications; returns whether it was theirs.
pub async fn delete_of_user(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    id: Uuid,
) -> Result<bool, DbErr> {
    let removed = Notifications::delete_many()
        .filter(Column::Id.eq(id))
        .filter(Column::UserId.eq(user_id))
        .exec(conn)
        .await?;
    Ok(removed.rows_affected == 1)
}

pub async fn find(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<Notification>, DbErr> {
    one(Notifications::find_by_id(id).one(conn).await?)
}

fn visible(user_id: Uuid, unread_only: bool) -> Condition {
    let mut condition = Condition::all()
        .add(Column::UserId.eq(user_id))
        .add(Column::ArchivedAt.is_null());
    if unread_only {
        condition = condition.add(Column::ReadAt.is_null());
    }
    condition
}

/// A page of the user's notifications, newest first, and when `page` asks, how
/// many are visible in all.
pub async fn list(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    unread_only: bool,
    after: Option<(DateTime<Utc>, Uuid)>,
    page: PageSpec,
) -> Result<FetchedPage<Notification>, DbErr> {
    let matching = Notifications::find().filter(visible(user_id, unread_only));
    let mut query = matching.clone();
    if let Some((at, id)) = after {
        query = query.filter(
            Expr::tuple([Expr::col(Column::CreatedAt), Expr::col(Column::Id)])
                .lt(Expr::tuple([Expr::val(at), Expr::val(id)])),
        );
    }
    let query = query
        .order_by_desc(Column::CreatedAt)
        .order_by_desc(Column::Id);
    super::fetch_page(conn, query, matching, page).await
}

pub async fn count(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    unread_only: bool,
) -> Result<u64, DbErr> {
    Notifications::find()
        .filter(visible(user_id, unread_only))
        .count(conn)
        .await
}

/// Marks the user's notification read (a no-op when it already is). False when the user
/// has no such notification.
pub async fn mark_read(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    id: Uuid,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let exists = Notifications::find()
        .filter(visible(user_id, false))
        .filter(Column::Id.eq(id))
        .count(conn)
        .await?
        > 0;
    if exists {
        Notifications::update_many()
            .col_expr(Column::ReadAt, Expr::value(at))
            .filter(Column::Id.eq(id))
            .filter(Column::ReadAt.is_null())
            .exec(conn)
            .await?;
    }
    Ok(exists)
}

pub async fn mark_all_read(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    at: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let result = Notifications::update_many()
        .col_expr(Column::ReadAt, Expr::value(at))
        .filter(visible(user_id, true))
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}

/// Removes the user's notifications from the notification center.
pub async fn clear(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    at: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let result = Notifications::update_many()
        .col_expr(Column::ArchivedAt, Expr::value(at))
        .filter(visible(user_id, false))
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}

/// Archives every notification created before `cutoff`.
pub async fn archive_before(
    conn: &impl ConnectionTrait,
    cutoff: DateTime<Utc>,
    at: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let result = Notifications::update_many()
        .col_expr(Column::ArchivedAt, Expr::value(at))
        .filter(Column::ArchivedAt.is_null())
        .filter(Column::CreatedAt.lt(cutoff))
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}
