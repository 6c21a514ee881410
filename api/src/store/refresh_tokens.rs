//! Refresh tokens of web sessions, by the hash of their secret.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::entities::refresh_token::{self, Entity as RefreshTokens};
use crate::domain::user::RefreshToken;

pub async fn insert(conn: &impl ConnectionTrait, token: RefreshToken) -> Result<(), DbErr> {
    refresh_token::ActiveModel::from(token).insert(conn).await?;
    Ok(())
}

/// The token with this hash, whatever its state: a rotated one is evidence of theft.
pub async fn find_by_hash(
    conn: &impl ConnectionTrait,
    token_hash: &str,
) -> Result<Option<RefreshToken>, DbErr> {
    Ok(RefreshTokens::find()
        .filter(refresh_token::Column::TokenHash.eq(token_hash))
        .one(conn)
        .await?
        .map(Into::into))
}

/// Marks the token exchanged, if nobody did so first (two requests racing with one
/// token): true for the one that won.
pub async fn mark_rotated(
    conn: &impl ConnectionTrait,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = RefreshTokens::update_many()
        .col_expr(refresh_token::Column::RotatedAt, Expr::value(now))
        .filter(refresh_token::Column::Id.eq(id))
        .filter(refresh_token::Column::RotatedAt.is_null())
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Ends every token of a family (sign-out, or a reused token); returns how many were
/// still unrevoked.
pub async fn revoke_family(
    conn: &impl ConnectionTrait,
    family_id: Uuid,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let result = RefreshTokens::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
        .filter(refresh_token::Column::FamilyId.eq(family_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}

/// Forgets tokens that expired before `now`: presented again, an unknown token is
/// refused just as an expired one is.
pub async fn purge_expired(conn: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let result = RefreshTokens::delete_many()
        .filter(refresh_token::Column::ExpiresAt.lt(now))
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}
