use sea_orm::ActiveValue::Set;
use sea_orm::entity::prelude::*;

use crate::domain::user::RefreshToken;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "refresh_tokens")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub family_id: Uuid,
    #[sea_orm(unique)]
    pub token_hash: String,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub rotated_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl From<Model> for RefreshToken {
    fn from(row: Model) -> Self {
        Self {
            id: row.id,
            user_id: row.user_id,
            family_id: row.family_id,
            token_hash: row.token_hash,
            created_at: row.created_at,
            expires_at: row.expires_at,
            rotated_at: row.rotated_at,
            revoked_at: row.revoked_at,
        }
    }
}

impl From<RefreshToken> for ActiveModel {
    fn from(token: RefreshToken) -> Self {
        Self {
            id: Set(token.id),
            user_id: Set(token.user_id),
            family_id: Set(token.family_id),
            token_hash: Set(token.token_hash),
            created_at: Set(token.created_at),
            expires_at: Set(token.expires_at),
            rotated_at: Set(token.rotated_at),
            revoked_at: Set(token.revoked_at),
        }
    }
}
