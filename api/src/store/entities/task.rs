use sea_orm::entity::prelude::*;

use crate::domain::{RecurrenceMode, RecurrencePreset};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tasks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub title: String,
    pub description: Option<String>,
    /// `domain::Priority::rank`.
    pub priority: Option<i16>,
    pub category: Option<String>,
    pub due_at: Option<DateTimeUtc>,
    pub time_zone: String,
    pub rrule: Option<String>,
    pub recurrence_preset: Option<RecurrencePreset>,
    pub recurrence_mode: Option<RecurrenceMode>,
    pub recurrence_anchor: Option<DateTimeUtc>,
    pub occurrence_number: i32,
    pub remind_before_minutes: Option<i32>,
    pub completed: bool,
    pub completed_at: Option<DateTimeUtc>,
    pub series_id: Option<Uuid>,
    #[sea_orm(unique)]
    pub parent_task_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub remind_at: Option<DateTimeUtc>,
    pub reminded_due_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
