//! The browsers and phones users registered for Web Push.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::entities::push_subscription::{self, Column, Entity as PushSubscriptions};
use crate::domain::push::PushSubscription;

/// Stores a subscription; an endpoint already known (the same browser subscribing
/// again, maybe for another account) takes the new owner, keys and name. Returns the
/// row as stored.
pub async fn upsert(
    conn: &impl ConnectionTrait,
    subscription: PushSubscription,
) -> Result<PushSubscription, DbErr> {
    let endpoint = subscription.endpoint.clone();
    PushSubscriptions::insert(push_subscription::ActiveModel::from(subscription))
        .on_conflict(
            OnConflict::column(Column::Endpoint)
                .update_columns([
                    Column::UserId,
                    Column::P256dh,
                    Column::Auth,
                    Column::DeviceName,
                ])
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    PushSubscriptions::find()
        .filter(Column::Endpoint.eq(endpoint))
        .one(conn)
        .await?
        .map(PushSubscription::from)
        .ok_or_else(|| DbErr::RecordNotFound("the push subscription just stored".to_owned()))
}

/// The user's subscriptions, oldest first.
pub async fn of_user(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
) -> Result<Vec<PushSubscription>, DbErr> {
    Ok(PushSubscriptions::find()
        .filter(Column::UserId.eq(user_id))
        .order_by_asc(Column::CreatedAt)
        .order_by_asc(Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(PushSubscription::from)
        .collect())
}

pub async fn find(
    conn: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<PushSubscription>, DbErr> {
    Ok(PushSubscriptions::find_by_id(id)
        .one(conn)
        .await?
        .map(PushSubscription::from))
}

/// Removes subscription `id` if it is the user's; returns whether it was.
pub async fn delete_of_user(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    id: Uuid,
) -> Result<bool, DbErr> {
    let removed = PushSubscriptions::delete_many()
        .filter(Column::Id.eq(id))
        .filter(Column::UserId.eq(user_id))
        .exec(conn)
        .await?;
    Ok(removed.rows_affected == 1)
}

/// Removes a subscription the push service said is gone.
pub async fn delete(conn: &impl ConnectionTrait, id: Uuid) -> Result<(), DbErr> {
    PushSubscriptions::delete_by_id(id).exec(conn).await?;
    Ok(())
}

pub async fn mark_success(
    conn: &impl ConnectionTrait,
    id: Uuid,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    PushSubscriptions::update_many()
        .col_expr(Column::LastSuccessAt, Expr::value(at))
        .filter(Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}
