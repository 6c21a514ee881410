//! Agents' grants, the authorization codes that start them and the tokens that carry
//! them. Codes and tokens are stored as the SHA-256 of their secret.

use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::api_tokens::LAST_USED_RESOLUTION;
use super::entities::oauth_client::{self, Entity as OauthClients};
use super::entities::oauth_code::{self, Entity as OauthCodes};
use super::entities::oauth_grant::{self, Entity as OauthGrants};
use super::entities::oauth_token::{self, Entity as OauthTokens};
use crate::domain::oauth::{AuthorizationCode, Grant, RefreshState, TokenKind, parse_scopes};

/// A stored code: the domain's view of it, and the grant its exchange made.
pub struct StoredCode {
    pub code: AuthorizationCode,
    pub user_id: Uuid,
    pub grant_id: Option<Uuid>,
}

pub struct NewCode<'a> {
    pub code_hash: &'a str,
    pub client_id: Uuid,
    pub user_id: Uuid,
    pub redirect_uri: &'a str,
    pub code_challenge: &'a str,
    pub resource: &'a str,
    pub scopes: &'a str,
    pub expires_at: DateTime<Utc>,
}

pub async fn insert_code(conn: &impl ConnectionTrait, code: NewCode<'_>) -> Result<(), DbErr> {
    OauthCodes::insert(oauth_code::ActiveModel {
        code_hash: Set(code.code_hash.to_owned()),
        client_id: Set(code.client_id),
        user_id: Set(code.user_id),
        redirect_uri: Set(code.redirect_uri.to_owned()),
        code_challenge: Set(code.code_challenge.to_owned()),
        resource: Set(code.resource.to_owned()),
        scopes: Set(code.scopes.to_owned()),
        expires_at: Set(code.expires_at),
        redeemed_at: Set(None),
        grant_id: Set(None),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

pub async fn find_code(
    conn: &impl ConnectionTrait,
    code_hash: &str,
) -> Result<Option<StoredCode>, DbErr> {
    let Some(row) = OauthCodes::find_by_id(code_hash.to_owned())
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(StoredCode {
        code: AuthorizationCode {
            client_id: row.client_id.to_string(),
            redirect_uri: row.redirect_uri,
            code_challenge: row.code_challenge,
            resource: row.resource,
            scopes: stored_scopes(&row.scopes)?,
            expires_at: row.expires_at,
            used: row.redeemed_at.is_some(),
        },
        user_id: row.user_id,
        grant_id: row.grant_id,
    }))
}

/// Marks the code redeemed by `grant_id`, unless another exchange did first: whether
/// this one won.
pub async fn redeem_code(
    conn: &impl ConnectionTrait,
    code_hash: &str,
    grant_id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = OauthCodes::update_many()
        .col_expr(oauth_code::Column::RedeemedAt, Expr::value(now))
        .col_expr(oauth_code::Column::GrantId, Expr::value(grant_id))
        .filter(oauth_code::Column::CodeHash.eq(code_hash))
        .filter(oauth_code::Column::RedeemedAt.is_null())
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

pub struct NewGrant<'a> {
    pub id: Uuid,
    pub user_id: Uuid,
    pub client_id: Uuid,
    pub scopes: &'a str,
    pub resource: &'a str,
    pub created_at: DateTime<Utc>,
    pub refresh_expires_at: DateTime<Utc>,
}

pub async fn insert_grant(conn: &impl ConnectionTrait, grant: NewGrant<'_>) -> Result<(), DbErr> {
    OauthGrants::insert(oauth_grant::ActiveModel {
        id: Set(grant.id),
        user_id: Set(grant.user_id),
        client_id: Set(grant.client_id),
        scopes: Set(grant.scopes.to_owned()),
        resource: Set(grant.resource.to_owned()),
        created_at: Set(grant.created_at),
        last_used_at: Set(None),
        revoked_at: Set(None),
        refresh_generation: Set(0),
        refresh_expires_at: Set(grant.refresh_expires_at),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

pub struct NewToken<'a> {
    pub token_hash: &'a str,
    pub grant_id: Uuid,
    pub kind: TokenKind,
    pub generation: i32,
    pub expires_at: DateTime<Utc>,
}

pub async fn insert_tokens(
    conn: &impl ConnectionTrait,
    tokens: &[NewToken<'_>],
) -> Result<(), DbErr> {
    OauthTokens::insert_many(tokens.iter().map(|token| oauth_token::ActiveModel {
        token_hash: Set(token.token_hash.to_owned()),
        grant_id: Set(token.grant_id),
        kind: Set(<&str>::from(token.kind).to_owned()),
        generation: Set(token.generation),
        expires_at: Set(token.expires_at),
    }))
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// A live (not revoked) grant, its refresh state, and the token of `kind` with this
/// hash: the generation of a refresh token, the expiry of an access token.
pub struct FoundToken {
    pub grant: Grant,
    pub refresh: RefreshState,
    pub generation: i32,
    pub expires_at: DateTime<Utc>,
}

/// The token with this hash and its grant, revoked or not (the caller decides: a
/// revoked grant's refresh token is refused, with its reason).
pub async fn find_token(
    conn: &impl ConnectionTrait,
    token_hash: &str,
    kind: TokenKind,
) -> Result<Option<FoundToken>, DbErr> {
    let Some((token, Some(grant_row))) = OauthTokens::find_by_id(token_hash.to_owned())
        .filter(oauth_token::Column::Kind.eq(<&str>::from(kind)))
        .find_also_related(OauthGrants)
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    let client_name = client_name(conn, grant_row.client_id).await?;
    let refresh = RefreshState {
        generation: grant_row.refresh_generation,
        expires_at: grant_row.refresh_expires_at,
        revoked: grant_row.revoked_at.is_some(),
    };
    Ok(Some(FoundToken {
        grant: grant_of(grant_row, client_name)?,
        refresh,
        generation: token.generation,
        expires_at: token.expires_at,
    }))
}

async fn client_name(conn: &impl ConnectionTrait, client_id: Uuid) -> Result<String, DbErr> {
    OauthClients::find_by_id(client_id)
        .select_only()
        .column(oauth_client::Column::Name)
        .into_tuple::<String>()
        .one(conn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("OAuth client {client_id}")))
}

/// Moves the grant's refresh token on from `generation`, unless it was revoked or
/// another refresh did first: whether this one won.
pub async fn advance_refresh(
    conn: &impl ConnectionTrait,
    grant_id: Uuid,
    generation: i32,
    expires_at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = OauthGrants::update_many()
        .col_expr(
            oauth_grant::Column::RefreshGeneration,
            Expr::value(generation + 1),
        )
        .col_expr(
            oauth_grant::Column::RefreshExpiresAt,
            Expr::value(expires_at),
        )
        .filter(oauth_grant::Column::Id.eq(grant_id))
        .filter(oauth_grant::Column::RefreshGeneration.eq(generation))
        .filter(oauth_grant::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Tokens past their expiry, and codes past theirs by more than `code_margin` (a
/// replayed code is still recognised, and its grant revoked, within it): how many rows
/// went.
pub async fn delete_expired(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    code_margin: chrono::Duration,
) -> Result<u64, DbErr> {
    let tokens = OauthTokens::delete_many()
        .filter(oauth_token::Column::ExpiresAt.lt(now))
        .exec(conn)
        .await?;
    let codes = OauthCodes::delete_many()
        .filter(oauth_code::Column::ExpiresAt.lt(now - code_margin))
        .exec(conn)
        .await?;
    Ok(tokens.rows_affected + codes.rows_affected)
}

/// Revokes the grant (of `user_id`, when given) and deletes its tokens: whether a live
/// grant was revoked.
pub async fn revoke(
    conn: &impl ConnectionTrait,
    grant_id: Uuid,
    user_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let mut update = OauthGrants::update_many()
        .col_expr(oauth_grant::Column::RevokedAt, Expr::value(now))
        .filter(oauth_grant::Column::Id.eq(grant_id))
        .filter(oauth_grant::Column::RevokedAt.is_null());
    if let Some(user_id) = user_id {
        update = update.filter(oauth_grant::Column::UserId.eq(user_id));
    }
    let revoked = update.exec(conn).await?.rows_affected == 1;
    if revoked {
        OauthTokens::delete_many()
            .filter(oauth_token::Column::GrantId.eq(grant_id))
            .exec(conn)
            .await?;
    }
    Ok(revoked)
}

/// The user's live grants, newest first.
pub async fn list_for_user(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
) -> Result<Vec<Grant>, DbErr> {
    let rows = OauthGrants::find()
        .find_also_related(OauthClients)
        .filter(oauth_grant::Column::UserId.eq(user_id))
        .filter(oauth_grant::Column::RevokedAt.is_null())
        .order_by_desc(oauth_grant::Column::CreatedAt)
        .all(conn)
        .await?;
    rows.into_iter()
        .map(|(grant, client)| {
            let name = client.map(|client| client.name).unwrap_or_default();
            grant_of(grant, name)
        })
        .collect()
}

/// Records that the grant was used now, at most once a minute.
pub async fn touch(
    conn: &impl ConnectionTrait,
    grant: &Grant,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if grant
        .last_used_at
        .is_some_and(|used| used >= now - LAST_USED_RESOLUTION)
    {
        return Ok(());
    }
    OauthGrants::update_many()
        .col_expr(oauth_grant::Column::LastUsedAt, Expr::value(now))
        .filter(oauth_grant::Column::Id.eq(grant.id))
        .exec(conn)
        .await?;
    Ok(())
}

fn grant_of(row: oauth_grant::Model, client_name: String) -> Result<Grant, DbErr> {
    Ok(Grant {
        id: row.id,
        user_id: row.user_id,
        client_id: row.client_id,
        client_name,
        scopes: stored_scopes(&row.scopes)?,
        resource: row.resource,
        created_at: row.created_at,
        last_used_at: row.last_used_at,
    })
}

fn stored_scopes(scopes: &str) -> Result<Vec<crate::domain::user::Scope>, DbErr> {
    parse_scopes(Some(scopes))
        .map_err(|error| DbErr::Custom(format!("stored OAuth scopes {scopes:?}: {error}")))
}
