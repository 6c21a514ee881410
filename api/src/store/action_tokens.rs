//! The one-time tokens behind the links of reminder emails; only their SHA-256 is kept.

use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::entities::action_token::{self, Column, Entity as ActionTokens};
use super::{from_name, name_of};
use crate::domain::email_action::ActionGrant;

pub async fn insert(
    conn: &impl ConnectionTrait,
    token_hash: String,
    grant: &ActionGrant,
) -> Result<(), DbErr> {
    ActionTokens::insert(action_token::ActiveModel {
        token_hash: Set(token_hash),
        user_id: Set(grant.user_id),
        task_id: Set(grant.task_id),
        action: Set(name_of(grant.action)),
        expires_at: Set(grant.expires_at),
        used_at: Set(None),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// What an unused, unexpired token allows.
pub async fn find_usable(
    conn: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<ActionGrant>, DbErr> {
    let row = ActionTokens::find_by_id(token_hash.to_owned())
        .filter(Column::UsedAt.is_null())
        .filter(Column::ExpiresAt.gt(now))
        .one(conn)
        .await?;
    row.map(|row| {
        Ok(ActionGrant {
            user_id: row.user_id,
            task_id: row.task_id,
            action: from_name(&row.action)?,
            expires_at: row.expires_at,
        })
    })
    .transpose()
}

/// Marks a usable token used; returns whether this call did (a second use, or a use
/// racing this one, finds it used).
pub async fn consume(
    conn: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let used = ActionTokens::update_many()
        .col_expr(Column::UsedAt, Expr::value(now))
        .filter(Column::TokenHash.eq(token_hash))
        .filter(Column::UsedAt.is_null())
        .filter(Column::ExpiresAt.gt(now))
        .exec(conn)
        .await?;
    Ok(used.rows_affected == 1)
}

/// Removes tokens past their expiry.
pub async fn purge_expired(conn: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, DbErr> {
    Ok(ActionTokens::delete_many()
        .filter(Column::ExpiresAt.lte(now))
        .exec(conn)
        .await?
        .rows_affected)
}
