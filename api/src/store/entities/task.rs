use sea_orm::IntoActiveModel as _;
use sea_orm::entity::prelude::*;

use super::{from_name, name_of};
use crate::domain::task::Task;

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
    // `category` stays in the table as it was before labels replaced it; nothing reads it.
    /// Set on every row; nullable only because SQLite cannot add a column that is not.
    pub project_id: Option<Uuid>,
    pub parent_id: Option<Uuid>,
    pub position: i32,
    pub assignee_id: Option<Uuid>,
    pub due_at: Option<DateTimeUtc>,
    pub time_zone: String,
    pub rrule: Option<String>,
    /// `domain::RecurrencePreset`, by name.
    pub recurrence_preset: Option<String>,
    /// `domain::RecurrenceMode`, by name.
    pub recurrence_mode: Option<String>,
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
    pub snoozed_until: Option<DateTimeUtc>,
    pub all_day: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl TryFrom<Model> for Task {
    type Error = DbErr;

    fn try_from(row: Model) -> Result<Self, DbErr> {
        Ok(Self {
            id: row.id,
            user_id: row.user_id,
            title: row.title,
            description: row.description,
            priority: row.priority,
            project_id: row
                .project_id
                .ok_or_else(|| DbErr::Custom(format!("task {} belongs to no project", row.id)))?,
            parent_id: row.parent_id,
            position: row.position,
            assignee_id: row.assignee_id,
            due_at: row.due_at,
            time_zone: row.time_zone,
            rrule: row.rrule,
            recurrence_preset: row
                .recurrence_preset
                .as_deref()
                .map(from_name)
                .transpose()?,
            recurrence_mode: row.recurrence_mode.as_deref().map(from_name).transpose()?,
            recurrence_anchor: row.recurrence_anchor,
            occurrence_number: row.occurrence_number,
            remind_before_minutes: row.remind_before_minutes,
            completed: row.completed,
            completed_at: row.completed_at,
            series_id: row.series_id,
            parent_task_id: row.parent_task_id,
            created_at: row.created_at,
            updated_at: row.updated_at,
            remind_at: row.remind_at,
            reminded_due_at: row.reminded_due_at,
            snoozed_until: row.snoozed_until,
            all_day: row.all_day,
        })
    }
}

impl From<Task> for Model {
    fn from(task: Task) -> Self {
        Self {
            id: task.id,
            user_id: task.user_id,
            title: task.title,
            description: task.description,
            priority: task.priority,
            project_id: Some(task.project_id),
            parent_id: task.parent_id,
            position: task.position,
            assignee_id: task.assignee_id,
            due_at: task.due_at,
            time_zone: task.time_zone,
            rrule: task.rrule,
            recurrence_preset: task.recurrence_preset.map(name_of),
            recurrence_mode: task.recurrence_mode.map(name_of),
            recurrence_anchor: task.recurrence_anchor,
            occurrence_number: task.occurrence_number,
            remind_before_minutes: task.remind_before_minutes,
            completed: task.completed,
            completed_at: task.completed_at,
            series_id: task.series_id,
            parent_task_id: task.parent_task_id,
            created_at: task.created_at,
            updated_at: task.updated_at,
            remind_at: task.remind_at,
            reminded_due_at: task.reminded_due_at,
            snoozed_until: task.snoozed_until,
            all_day: task.all_day,
        }
    }
}

impl From<Task> for ActiveModel {
    fn from(task: Task) -> Self {
        Model::from(task).into_active_model().reset_all()
    }
}
