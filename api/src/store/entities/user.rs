use sea_orm::ActiveValue::Set;
use sea_orm::entity::prelude::*;

use crate::domain::user::User;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl From<Model> for User {
    fn from(row: Model) -> Self {
        Self {
            id: row.id,
            email: row.email,
            display_name: row.display_name,
            password_hash: row.password_hash,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

impl From<User> for ActiveModel {
    fn from(user: User) -> Self {
        Self {
            id: Set(user.id),
            email: Set(user.email),
            display_name: Set(user.display_name),
            password_hash: Set(user.password_hash),
            created_at: Set(user.created_at),
            updated_at: Set(user.updated_at),
        }
    }
}
