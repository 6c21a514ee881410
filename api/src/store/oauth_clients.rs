//! The agents registered by RFC 7591 dynamic client registration.

use sea_orm::ActiveValue::Set;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};
use uuid::Uuid;

use super::entities::oauth_client::{self, Entity as OauthClients};
use crate::domain::oauth::Client;

pub async fn insert(conn: &impl ConnectionTrait, client: &Client) -> Result<(), DbErr> {
    let redirect_uris = serde_json::to_string(&client.redirect_uris)
        .map_err(|error| DbErr::Custom(format!("redirect URIs as JSON: {error}")))?;
    OauthClients::insert(oauth_client::ActiveModel {
        id: Set(client.id),
        name: Set(client.name.clone()),
        redirect_uris: Set(redirect_uris),
        created_at: Set(client.created_at),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

pub async fn find(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<Client>, DbErr> {
    let Some(row) = OauthClients::find_by_id(id).one(conn).await? else {
        return Ok(None);
    };
    let redirect_uris = serde_json::from_str(&row.redirect_uris)
        .map_err(|error| DbErr::Custom(format!("client {id}: stored redirect URIs: {error}")))?;
    Ok(Some(Client {
        id: row.id,
        name: row.name,
        redirect_uris,
        created_at: row.created_at,
    }))
}
