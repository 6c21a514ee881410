use sea_orm::ActiveValue::Set;
use sea_orm::entity::prelude::*;

use super::{from_name, name_of};
use crate::domain::delivery::Delivery;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deliveries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub event_id: Uuid,
    pub user_id: Uuid,
    pub task_id: Uuid,
    pub due_at: DateTimeUtc,
    pub title: String,
    /// `domain::delivery::Channel`, by name.
    pub channel: String,
    pub target: String,
    /// `domain::delivery::DeliveryStatus`, by name.
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub next_attempt_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub all_day: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl TryFrom<Model> for Delivery {
    type Error = DbErr;

    fn try_from(row: Model) -> Result<Self, DbErr> {
        Ok(Self {
            id: row.id,
            event_id: row.event_id,
            user_id: row.user_id,
            task_id: row.task_id,
            due_at: row.due_at,
            title: row.title,
            channel: from_name(&row.channel)?,
            target: row.target,
            status: from_name(&row.status)?,
            attempts: row.attempts,
            last_error: row.last_error,
            next_attempt_at: row.next_attempt_at,
            created_at: row.created_at,
            updated_at: row.updated_at,
            all_day: row.all_day,
        })
    }
}

impl From<Delivery> for ActiveModel {
    fn from(delivery: Delivery) -> Self {
        Self {
            id: Set(delivery.id),
            event_id: Set(delivery.event_id),
            user_id: Set(delivery.user_id),
            task_id: Set(delivery.task_id),
            due_at: Set(delivery.due_at),
            title: Set(delivery.title),
            channel: Set(name_of(delivery.channel)),
            target: Set(delivery.target),
            status: Set(name_of(delivery.status)),
            attempts: Set(delivery.attempts),
            last_error: Set(delivery.last_error),
            next_attempt_at: Set(delivery.next_attempt_at),
            created_at: Set(delivery.created_at),
            updated_at: Set(delivery.updated_at),
            all_day: Set(delivery.all_day),
        }
    }
}
