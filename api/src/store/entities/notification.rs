use sea_orm::ActiveValue::Set;
use sea_orm::entity::prelude::*;

use super::{from_name, name_of};
use crate::domain::notification::Notification;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    /// `domain::notification::NotificationKind`, by name.
    pub kind: String,
    pub title: String,
    pub message: Option<String>,
    pub task_id: Option<Uuid>,
    /// For reminders: the due date reminded of (with the task, the deduplication key).
    pub due_at: Option<DateTimeUtc>,
    pub read_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub archived_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl TryFrom<Model> for Notification {
    type Error = DbErr;

    fn try_from(row: Model) -> Result<Self, DbErr> {
        Ok(Self {
            id: row.id,
            user_id: row.user_id,
            kind: from_name(&row.kind)?,
            title: row.title,
            message: row.message,
            task_id: row.task_id,
            due_at: row.due_at,
            read_at: row.read_at,
            created_at: row.created_at,
            archived_at: row.archived_at,
        })
    }
}

impl From<Notification> for ActiveModel {
    fn from(notification: Notification) -> Self {
        Self {
            id: Set(notification.id),
            user_id: Set(notification.user_id),
            kind: Set(name_of(notification.kind)),
            title: Set(notification.title),
            message: Set(notification.message),
            task_id: Set(notification.task_id),
            due_at: Set(notification.due_at),
            read_at: Set(notification.read_at),
            created_at: Set(notification.created_at),
            archived_at: Set(notification.archived_at),
        }
    }
}
