use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::entities::user::{self, Entity as Users};
use crate::domain::user::User;

pub async fn find_by_email(
    conn: &impl ConnectionTrait,
    normalized_email: &str,
) -> Result<Option<User>, DbErr> {
    let row = Users::find()
        .filter(user::Column::Email.eq(normalized_email))
        .one(conn)
        .await?;
    Ok(row.map(User::from))
}

pub async fn find(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<User>, DbErr> {
    Ok(Users::find_by_id(id).one(conn).await?.map(User::from))
}

pub async fn insert(conn: &impl ConnectionTrait, user: User) -> Result<User, DbErr> {
    Ok(user::ActiveModel::from(user).insert(conn).await?.into())
}

/// The accounts with these ids (those that still exist), in one statement.
pub async fn find_many(conn: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<User>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = Users::find()
        .filter(user::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?;
    Ok(rows.into_iter().map(User::from).collect())
}
