//! The secret URL of each user's calendar feed.

use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::entities::calendar_feed::{self, Column, Entity as CalendarFeeds};

/// The user's feed token, if they have one.
pub async fn token_of(conn: &impl ConnectionTrait, user_id: Uuid) -> Result<Option<String>, DbErr> {
    Ok(CalendarFeeds::find_by_id(user_id)
        .one(conn)
        .await?
        .map(|row| row.token))
}

/// Gives the user `token` when they have none (or always, with `replace`); returns the
/// token in force afterwards, so that two first uses racing agree on one.
pub async fn set(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    token: String,
    replace: bool,
    at: DateTime<Utc>,
) -> Result<String, DbErr> {
    let row = calendar_feed::ActiveModel {
        user_id: Set(user_id),
        token: Set(token),
        created_at: Set(at),
    };
    let mut conflict = OnConflict::column(Column::UserId);
    if replace {
        conflict.update_columns([Column::Token, Column::CreatedAt]);
    } else {
        conflict.do_nothing();
    }
    CalendarFeeds::insert(row)
        .on_conflict(conflict)
        .exec_without_returning(conn)
        .await?;
    token_of(conn, user_id)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("the calendar feed just written".into()))
}

/// Whose feed `token` opens.
pub async fn user_of(conn: &impl ConnectionTrait, token: &str) -> Result<Option<Uuid>, DbErr> {
    Ok(CalendarFeeds::find()
        .filter(Column::Token.eq(token))
        .one(conn)
        .await?
        .map(|row| row.user_id))
}
