//! What the task use cases take: new tasks, changes, listing queries, and the draft
//! that merges input with what is stored so the fields are checked together.

use chrono::{DateTime, SubsecRound, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

use super::super::pagination::Cursor;

use crate::domain::local_time::start_of_local_day;
use crate::domain::task::Task;
use crate::domain::{
    Priority, Recurrence, RecurrenceMode, RecurrencePreset, TaskFields, ValidationError,
};
use crate::store::tasks::{SortValue, TaskFilter, TaskOrder};

/// A change to one optional field: leave it, clear it, or set it.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Patch<T> {
    #[default]
    Keep,
    Clear,
    Set(T),
}

impl<T> Patch<T> {
    pub(super) fn resolve(self, current: Option<T>) -> Option<T> {
        match self {
            Self::Keep => current,
            Self::Clear => None,
            Self::Set(value) => Some(value),
        }
    }

    pub(super) fn is_keep(&self) -> bool {
        matches!(self, Self::Keep)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct RecurrenceSpec {
    pub preset: Option<RecurrencePreset>,
    pub rrule: Option<String>,
    pub mode: RecurrenceMode,
}

impl RecurrenceSpec {
    pub(super) fn resolve(&self) -> Result<Recurrence, ValidationError> {
        Recurrence::from_input(self.preset, self.rrule.as_deref(), self.mode)
    }
}

#[derive(Debug, Clone, Default)]
pub struct NewTask {
    pub title: String,
    pub description: Option<String>,
    pub priority: Option<Priority>,
    /// Deprecated: the label of this name, created if the user has none.
    pub category: Option<String>,
    /// Defaults to the parent's project for a subtask, else the user's Inbox.
    pub project_id: Option<Uuid>,
    /// The user's own labels.
    pub label_ids: Vec<Uuid>,
    /// Makes the task a subtask of this one.
    pub parent_id: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
    pub due_at: Option<DateTime<Utc>>,
    /// Due on the date of `due_at` (in the task's zone), without a time.
    pub all_day: bool,
    pub time_zone: Option<String>,
    pub recurrence: Option<RecurrenceSpec>,
    pub remind_before_minutes: Option<i32>,
}

/// Changes to a task; `Patch::Clear` clears a field. The title cannot be cleared.
#[derive(Debug, Clone, Default)]
pub struct TaskChanges {
    pub title: Option<String>,
    pub description: Patch<String>,
    pub priority: Patch<Priority>,
    /// Deprecated: setting it sets the user's labels on the task to the label of that
    /// name; clearing it removes them.
    pub category: Patch<String>,
    /// Moves the task (with its subtasks) to another project.
    pub project_id: Option<Uuid>,
    /// Replaces the user's own labels on the task.
    pub label_ids: Option<Vec<Uuid>>,
    pub assignee_id: Patch<Uuid>,
    /// Order among its parent's subtasks.
    pub position: Option<i32>,
    pub due_at: Patch<DateTime<Utc>>,
    /// Clearing the due date makes the task timed again.
    pub all_day: Option<bool>,
    /// Clearing the time zone returns the task to the default.
    pub time_zone: Patch<String>,
    /// Clearing the recurrence makes the task one-time.
    pub recurrence: Patch<RecurrenceSpec>,
    pub remind_before_minutes: Patch<i32>,
}

/// Where a task listing resumes: the sort value of the last task seen, then its id.
pub type TaskPosition = (SortValue, Uuid);

#[derive(Debug, Clone, Default)]
pub struct TaskQuery {
    pub filter: TaskFilter,
    pub order: TaskOrder,
    pub first: Option<i32>,
    pub after: Option<Cursor<TaskPosition>>,
    /// Whether to count every matching task too, with the page.
    pub count_total: bool,
}

/// The editable fields of a task after merging input with what is stored, validated
/// together because they constrain each other (a recurrence needs a due date).
pub(super) struct Draft {
    pub(super) title: String,
    pub(super) description: Option<String>,
    pub(super) priority: Option<Priority>,
    pub(super) due_at: Option<DateTime<Utc>>,
    pub(super) all_day: bool,
    pub(super) time_zone: Tz,
    pub(super) recurrence: Option<Recurrence>,
    pub(super) remind_before_minutes: Option<i32>,
}

impl Draft {
    /// Checks the fields against each other; `anchor` is the start of the series.
    pub(super) fn validate(&self, anchor: Option<DateTime<Utc>>) -> Result<(), ValidationError> {
        check_schedule(
            self.recurrence.as_ref(),
            anchor.or(self.due_at),
            self.time_zone,
        )
    }

    pub(super) fn write_to(self, task: &mut Task) {
        task.title = self.title;
        task.description = self.description;
        task.priority = self.priority.map(Priority::rank);
        task.due_at = self.due_at;
        task.all_day = self.all_day;
        task.time_zone = self.time_zone.name().to_owned();
        task.rrule = self.recurrence.as_ref().map(|r| r.rule().to_owned());
        task.recurrence_preset = self.recurrence.as_ref().map(Recurrence::preset);
        task.recurrence_mode = self.recurrence.as_ref().map(Recurrence::mode);
        task.remind_before_minutes = self.remind_before_minutes;
    }
}

/// When a new task happens: its due date, time zone and recurrence, checked together.
/// `createTask` and `recurrencePreview` both go through here, so they accept and refuse
/// the same input with the same errors.
pub(super) struct Schedule {
    pub due_at: Option<DateTime<Utc>>,
    pub all_day: bool,
    pub time_zone: Tz,
    pub recurrence: Option<Recurrence>,
}

impl Schedule {
    pub(super) fn resolve(
        due_at: Option<DateTime<Utc>>,
        all_day: bool,
        time_zone: Option<&str>,
        recurrence: Option<&RecurrenceSpec>,
        default_zone: Tz,
    ) -> Result<Self, ValidationError> {
        let time_zone = match time_zone {
            Some(name) => TaskFields::time_zone(name)?,
            None => default_zone,
        };
        let schedule = Self {
            due_at: due_date(due_at, all_day, time_zone)?,
            all_day,
            time_zone,
            recurrence: recurrence.map(RecurrenceSpec::resolve).transpose()?,
        };
        check_schedule(
            schedule.recurrence.as_ref(),
            schedule.due_at,
            schedule.time_zone,
        )?;
        let due_at = start_of_series(
            schedule.recurrence.as_ref(),
            schedule.due_at,
            schedule.time_zone,
        )?;
        Ok(Self { due_at, ..schedule })
    }
}

/// A due date as stored: to the second, and at the start of its local date when the task
/// is due all day (whatever time of that date the client sent).
pub(super) fn due_date(
    due_at: Option<DateTime<Utc>>,
    all_day: bool,
    time_zone: Tz,
) -> Result<Option<DateTime<Utc>>, ValidationError> {
    match (due_at, all_day) {
        (None, true) => Err(ValidationError::new(
            "allDay",
            "an all-day task needs a due date",
        )),
        (Some(due), true) => start_of_local_day(time_zone, due)
            .map(Some)
            .ok_or_else(|| ValidationError::new("dueAt", "the date has no start in this zone")),
        (due, false) => Ok(due.map(to_whole_seconds)),
    }
}

/// The first due date of a new series given `due_at`: the rule's first match on or after
/// it ([`Recurrence::first_due`]); `due_at` itself for a one-time task.
pub(super) fn start_of_series(
    recurrence: Option<&Recurrence>,
    due_at: Option<DateTime<Utc>>,
    time_zone: Tz,
) -> Result<Option<DateTime<Utc>>, ValidationError> {
    match (recurrence, due_at) {
        (Some(recurrence), Some(due_at)) => recurrence.first_due(due_at, time_zone).map(Some),
        _ => Ok(due_at),
    }
}

/// A recurrence needs a start (`anchor`, the first due date) and must fit it.
fn check_schedule(
    recurrence: Option<&Recurrence>,
    anchor: Option<DateTime<Utc>>,
    time_zone: Tz,
) -> Result<(), ValidationError> {
    if let Some(recurrence) = recurrence {
        let anchor = anchor
            .ok_or_else(|| ValidationError::new("dueAt", "a recurring task needs a due date"))?;
        recurrence.validate_schedule(anchor, time_zone)?;
    }
    Ok(())
}

/// A text field after a change: checked by `rule` when set, else kept or cleared.
pub(super) fn resolve_text(
    patch: Patch<String>,
    current: Option<String>,
    rule: fn(&str) -> Result<Option<String>, ValidationError>,
) -> Result<Option<String>, ValidationError> {
    match patch {
        Patch::Set(text) => rule(&text),
        other => Ok(other.resolve(current)),
    }
}

/// Due dates are kept to the second: recurrence rules produce whole seconds, and an
/// instance a fraction before its series start would be lost.
pub(super) fn to_whole_seconds(at: DateTime<Utc>) -> DateTime<Utc> {
    at.trunc_subsecs(0)
}
