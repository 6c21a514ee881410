use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder,
};
use uuid::Uuid;

use super::entities::api_token::{self, Entity as ApiTokens};
use super::{all, one};
use crate::domain::user::ApiToken;

/// `last_used_at` is refreshed at most this often, so that token-authenticated reads do
/// not each turn into a write.
pub(super) const LAST_USED_RESOLUTION: Duration = Duration::minutes(1);

pub async fn insert(conn: &impl ConnectionTrait, token: ApiToken) -> Result<ApiToken, DbErr> {
    api_token::ActiveModel::from(token)
        .insert(conn)
        .await?
        .try_into()
}

/// The unrevoked token with this hash.
pub async fn find_active_by_hash(
    conn: &impl ConnectionTrait,
    token_hash: &str,
) -> Result<Option<ApiToken>, DbErr> {
    one(ApiTokens::find()
        .filter(api_token::Column::TokenHash.eq(token_hash))
        .filter(api_token::Column::RevokedAt.is_null())
        .one(conn)
        .await?)
}

pub async fn list_for_user(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
) -> Result<Vec<ApiToken>, DbErr> {
    all(ApiTokens::find()
        .filter(api_token::Column::UserId.eq(user_id))
        .order_by_desc(api_token::Column::CreatedAt)
        .all(conn)
        .await?)
}

/// Revokes the user's token; false when there is no such unrevoked token of theirs.
pub async fn revoke(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = ApiTokens::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(now))
        .filter(api_token::Column::Id.eq(id))
        .filter(api_token::Column::UserId.eq(user_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

pub async fn touch(conn: &impl ConnectionTrait, id: Uuid, now: DateTime<Utc>) -> Result<(), DbErr> {
    ApiTokens::update_many()
        .col_expr(api_token::Column::LastUsedAt, Expr::value(now))
        .filter(api_token::Column::Id.eq(id))
        .filter(
            Condition::any()
                .add(api_token::Column::LastUsedAt.is_null())
                .add(api_token::Column::LastUsedAt.lt(now - LAST_USED_RESOLUTION)),
        )
        .exec(conn)
        .await?;
    Ok(())
}

/// Whether `token` needs its `last_used_at` refreshed.
pub fn is_stale(token: &ApiToken, now: DateTime<Utc>) -> bool {
    token
        .last_used_at
        .is_none_or(|used| used < now - LAST_USED_RESOLUTION)
}
