use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object};

use super::ContextExt;
use super::audit::{AuditEntryConnection, AuditFilter, audit_log};
use super::error::GqlResultExt;
use super::pagination::listing;
use super::pagination::{Listing, page_cost};
use super::scalars::DateTime;
use crate::domain::task as task_domain;
use crate::domain::{self, ValidationError};
use crate::service::pagination::Page;
use crate::service::tasks::{
    self as task_service, Completion, NewTask, Patch, RecurrenceSpec, TaskChanges, TaskPosition,
};
use crate::store::tasks::{
    TaskFilter as StoreFilter, TaskOrder as StoreOrder, TaskOrderField as StoreOrderField,
};

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "crate::domain::Priority")]
pub enum Priority {
    Low,
    Normal,
    High,
    Urgent,
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "crate::domain::RecurrencePreset")]
pub enum RecurrencePreset {
    Daily,
    Weekdays,
    Weekly,
    Monthly,
    Yearly,
    Custom,
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
#[graphql(remote = "crate::domain::RecurrenceMode")]
pub enum RecurrenceMode {
    /// The next occurrence is the first instance of the rule after now; missed ones are
    /// skipped.
    #[default]
    FromDueDate,
    /// The rule restarts on the completion day at the task's usual time.
    FromCompletion,
}

/// Why a recurring series has no next occurrence.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "crate::domain::SeriesEnd")]
pub enum SeriesEnd {
    /// The rule's COUNT occurrences have all happened.
    CountReached,
    /// The next occurrence would fall after the rule's UNTIL.
    UntilPassed,
    /// The next occurrence would fall outside the supported years 1 to 9999.
    OutOfRange,
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum TaskOrderField {
    #[default]
    CreatedAt,
    DueAt,
    Priority,
    Title,
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum OrderDirection {
    Asc,
    #[default]
    Desc,
}

/// One of `preset` or `rrule`; preset CUSTOM needs `rrule`. A recurrence needs a due
/// date, which is the start of the series.
#[derive(InputObject)]
pub struct RecurrenceInput {
    pub preset: Option<RecurrencePreset>,
    /// RFC 5545 RRULE body, e.g. "FREQ=WEEKLY;BYDAY=MO,WE". At most hourly.
    pub rrule: Option<String>,
    #[graphql(default)]
    pub mode: RecurrenceMode,
}

impl From<RecurrenceInput> for RecurrenceSpec {
    fn from(input: RecurrenceInput) -> Self {
        Self {
            preset: input.preset.map(Into::into),
            rrule: input.rrule,
            mode: input.mode.into(),
        }
    }
}

#[derive(InputObject)]
pub struct CreateTaskInput {
    /// 1 to 200 characters after trimming.
    pub title: String,
    /// At most 2000 characters.
    pub description: Option<String>,
    pub priority: Option<Priority>,
    /// At most 50 characters.
    pub category: Option<String>,
    pub due_at: Option<DateTime>,
    /// IANA name, e.g. "Europe/Berlin"; defaults to the user's.
    pub time_zone: Option<String>,
    pub recurrence: Option<RecurrenceInput>,
    pub remind_before_minutes: Option<i32>,
}

impl From<CreateTaskInput> for NewTask {
    fn from(input: CreateTaskInput) -> Self {
        Self {
            title: input.title,
            description: input.description,
            priority: input.priority.map(Into::into),
            category: input.category,
            due_at: input.due_at.map(|d| d.0),
            time_zone: input.time_zone,
            recurrence: input.recurrence.map(Into::into),
            remind_before_minutes: input.remind_before_minutes,
        }
    }
}

/// Every field is optional; an explicit null clears it (`recurrence: null` makes the
/// task one-time, `timeZone: null` restores the default).
#[derive(InputObject)]
pub struct UpdateTaskInput {
    pub title: MaybeUndefined<String>,
    pub description: MaybeUndefined<String>,
    pub priority: MaybeUndefined<Priority>,
    pub category: MaybeUndefined<String>,
    pub due_at: MaybeUndefined<DateTime>,
    pub time_zone: MaybeUndefined<String>,
    pub recurrence: MaybeUndefined<RecurrenceInput>,
    pub remind_before_minutes: MaybeUndefined<i32>,
}

fn patch<T, U>(value: MaybeUndefined<T>, map: impl FnOnce(T) -> U) -> Patch<U> {
    match value {
        MaybeUndefined::Undefined => Patch::Keep,
        MaybeUndefined::Null => Patch::Clear,
        MaybeUndefined::Value(v) => Patch::Set(map(v)),
    }
}

impl TryFrom<UpdateTaskInput> for TaskChanges {
    type Error = ValidationError;

    fn try_from(input: UpdateTaskInput) -> Result<Self, Self::Error> {
        let title = match input.title {
            MaybeUndefined::Undefined => None,
            MaybeUndefined::Null => {
                return Err(ValidationError::new("title", "a task needs a title"));
            }
            MaybeUndefined::Value(title) => Some(title),
        };
        Ok(Self {
            title,
            description: patch(input.description, |d| d),
            priority: patch(input.priority, Into::into),
            category: patch(input.category, |c| c),
            due_at: patch(input.due_at, |d| d.0),
            time_zone: patch(input.time_zone, |tz| tz),
            recurrence: patch(input.recurrence, Into::into),
            remind_before_minutes: patch(input.remind_before_minutes, |m| m),
        })
    }
}

#[derive(InputObject, Default)]
pub struct TaskFilter {
    pub completed: Option<bool>,
    pub priority: Option<Priority>,
    pub category: Option<String>,
    /// Due strictly before this instant.
    pub due_before: Option<DateTime>,
    /// Due at or after this instant.
    pub due_after: Option<DateTime>,
    /// Open and past due.
    pub overdue: Option<bool>,
    pub recurring: Option<bool>,
    /// Case-insensitive substring of the title or description.
    pub search: Option<String>,
}

impl From<TaskFilter> for StoreFilter {
    fn from(filter: TaskFilter) -> Self {
        Self {
            completed: filter.completed,
            priority: filter.priority.map(|p| domain::Priority::from(p).rank()),
            category: filter.category,
            due_before: filter.due_before.map(|d| d.0),
            due_after: filter.due_after.map(|d| d.0),
            overdue: filter.overdue,
            recurring: filter.recurring,
            search: filter.search,
        }
    }
}

#[derive(InputObject, Default)]
pub struct TaskOrder {
    #[graphql(default)]
    pub field: TaskOrderField,
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl From<TaskOrder> for StoreOrder {
    fn from(order: TaskOrder) -> Self {
        Self {
            field: match order.field {
                TaskOrderField::CreatedAt => StoreOrderField::CreatedAt,
                TaskOrderField::DueAt => StoreOrderField::DueAt,
                TaskOrderField::Priority => StoreOrderField::Priority,
                TaskOrderField::Title => StoreOrderField::Title,
            },
            descending: order.direction == OrderDirection::Desc,
        }
    }
}

pub struct Task(pub task_domain::Task);

// `serial`: a task's fields are resolved one after another. Only `history` waits on
// anything, so resolving them concurrently would buy nothing and cost a
// `FuturesUnordered` per task (an allocation and a waker per field; docs/performance.md).
// Tasks in a list are still resolved concurrently.
#[Object(serial)]
impl Task {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn title(&self) -> &str {
        &self.0.title
    }

    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    async fn priority(&self) -> Option<Priority> {
        self.0
            .priority
            .and_then(domain::Priority::from_rank)
            .map(Into::into)
    }

    async fn category(&self) -> Option<&str> {
        self.0.category.as_deref()
    }

    async fn due_at(&self) -> Option<DateTime> {
        self.0.due_at.map(Into::into)
    }

    /// IANA time zone the recurrence is computed in.
    async fn time_zone(&self) -> &str {
        &self.0.time_zone
    }

    /// Null for a one-time task.
    async fn recurrence(&self) -> Option<Recurrence> {
        let recurrence = task_service::stored_recurrence(&self.0)?;
        let time_zone = task_service::stored_time_zone(&self.0);
        let anchor = self
            .0
            .recurrence_anchor
            .or(self.0.due_at)
            .map(|at| at.with_timezone(&time_zone));
        Some(Recurrence { recurrence, anchor })
    }

    /// Null means the user's preferred lead time.
    async fn remind_before_minutes(&self) -> Option<i32> {
        self.0.remind_before_minutes
    }

    /// When this occurrence's reminder is due: the due date minus the lead time (at once
    /// when that has passed). Null for done or overdue tasks, tasks without a due date,
    /// when reminders are off, or once the reminder was sent.
    async fn next_reminder_at(&self) -> Option<DateTime> {
        self.0.remind_at.map(Into::into)
    }

    async fn completed(&self) -> bool {
        self.0.completed
    }

    async fn completed_at(&self) -> Option<DateTime> {
        self.0.completed_at.map(Into::into)
    }

    /// The first task of the recurring series this one belongs to.
    async fn series_id(&self) -> Option<ID> {
        self.0.series_id.map(|id| ID(id.to_string()))
    }

    /// The occurrence whose completion created this one.
    async fn parent_task_id(&self) -> Option<ID> {
        self.0.parent_task_id.map(|id| ID(id.to_string()))
    }

    /// The occurrence that completing this one created, while it exists. After
    /// `uncompleteTask` it is null when that occurrence was removed (it was untouched)
    /// and set when it was kept because someone changed or completed it.
    async fn next_occurrence(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Task>> {
        let actor = ctx.actor()?;
        // Boxed, like `history`: an inline query would enlarge every field's future.
        Box::pin(ctx.services().tasks.next_occurrence(actor, self.0.id))
            .await
            .gql()
            .map(|next| next.map(Task))
    }

    /// 1 for the first occurrence of a series.
    async fn occurrence_number(&self) -> i32 {
        self.0.occurrence_number
    }

    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }

    async fn updated_at(&self) -> DateTime {
        self.0.updated_at.into()
    }

    /// Changes to this task, newest first.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn history(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<AuditEntryConnection> {
        let filter = AuditFilter {
            task_id: Some(ID(self.0.id.to_string())),
            ..AuditFilter::default()
        };
        // Boxed: async-graphql sizes every field's future of a type by its largest
        // resolver and copies one per field it resolves, so a query inline here would
        // make each scalar of a page of tasks move a future that large
        // (docs/performance.md).
        Box::pin(audit_log(ctx, Some(filter), first, after)).await
    }
}

pub struct Recurrence {
    recurrence: domain::Recurrence,
    anchor: Option<chrono::DateTime<chrono_tz::Tz>>,
}

impl Recurrence {
    pub fn new(
        recurrence: domain::Recurrence,
        anchor: Option<chrono::DateTime<chrono_tz::Tz>>,
    ) -> Self {
        Self { recurrence, anchor }
    }
}

#[Object]
impl Recurrence {
    async fn preset(&self) -> RecurrencePreset {
        self.recurrence.preset().into()
    }

    /// RFC 5545 RRULE body, e.g. "FREQ=WEEKLY;BYDAY=MO,WE".
    async fn rrule(&self) -> &str {
        self.recurrence.rule()
    }

    async fn mode(&self) -> RecurrenceMode {
        self.recurrence.mode().into()
    }

    /// Human text, e.g. "Every 2 weeks on Monday and Wednesday".
    async fn description(&self) -> String {
        self.recurrence.describe(self.anchor)
    }
}

pub struct CompleteTaskPayload(pub Completion);

#[Object]
impl CompleteTaskPayload {
    async fn task(&self) -> Task {
        Task(self.0.task.clone())
    }

    /// The next occurrence of a recurring task; null when the task is one-time or its
    /// series has ended.
    async fn next_occurrence(&self) -> Option<Task> {
        self.0.next_occurrence.clone().map(Task)
    }

    /// Why this completion ended the task's recurring series; null when a next
    /// occurrence exists or the task is one-time.
    async fn series_end(&self) -> Option<SeriesEnd> {
        self.0.series_end.map(Into::into)
    }
}

/// What a task listing shows beside its edges.
pub struct TaskListingFields {
    filter: StoreFilter,
    /// Counted with the page when the request selected it.
    total: Option<u64>,
}

#[Object]
impl TaskListingFields {
    /// All tasks matching the filter, across pages. Counted only when asked for.
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        if let Some(total) = self.total {
            return Ok(total);
        }
        let actor = ctx.actor()?;
        ctx.services().tasks.count(actor, &self.filter).await.gql()
    }
}

pub type TaskConnection = Listing<TaskPosition, Task, TaskListingFields>;

/// A page of tasks as the `TaskConnection` of `filter`.
pub fn task_connection(
    page: Page<task_domain::Task, TaskPosition>,
    filter: StoreFilter,
) -> TaskConnection {
    let fields = TaskListingFields {
        filter,
        total: page.total_count,
    };
    listing(page, fields, Task)
}
