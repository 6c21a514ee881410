use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use tokio::sync::OnceCell;
use uuid::Uuid;

use super::account::User;
use super::audit::{AuditEntryConnection, AuditFilter, audit_log};
use super::error::GqlResultExt;
use super::pagination::{self, Listing, listing, page_cost};
use super::project::{Label, Project, people};
use super::scalars::DateTime;
use super::{ContextExt, load_once, parse_id};
use crate::domain::project as project_domain;
use crate::domain::task as task_domain;
use crate::domain::user as account;
use crate::domain::{self, ValidationError};
use crate::service::pagination::Page;
use crate::service::tasks::{
    self as task_service, Completion, NewTask, Patch, RecurrenceSpec, TaskChanges, TaskPosition,
    TaskQuery,
};
use crate::store::tasks::{
    SubtaskProgress as StoreProgress, TaskFilter as StoreFilter, TaskOrder as StoreOrder,
    TaskOrderField as StoreOrderField,
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
    #[graphql(
        deprecation = "Use labelIds: a category is a label of that name, created if missing."
    )]
    pub category: Option<String>,
    pub due_at: Option<DateTime>,
    /// Due on the date of `dueAt` in the task's zone, without a time (default false);
    /// `dueAt` is stored as local midnight of that date.
    #[graphql(default)]
    pub all_day: bool,
    /// IANA name, e.g. "Europe/Berlin"; defaults to the user's.
    pub time_zone: Option<String>,
    pub recurrence: Option<RecurrenceInput>,
    pub remind_before_minutes: Option<i32>,
    /// Defaults to the parent's project for a subtask, else your Inbox.
    pub project_id: Option<ID>,
    /// Your own labels.
    pub label_ids: Option<Vec<ID>>,
    /// Makes the task a subtask of this top-level task, in its project.
    pub parent_id: Option<ID>,
    /// A member of the task's project.
    pub assignee_id: Option<ID>,
}

impl TryFrom<CreateTaskInput> for NewTask {
    type Error = async_graphql::Error;

    fn try_from(input: CreateTaskInput) -> async_graphql::Result<Self> {
        Ok(Self {
            title: input.title,
            description: input.description,
            priority: input.priority.map(Into::into),
            category: input.category,
            due_at: input.due_at.map(|d| d.0),
            all_day: input.all_day,
            time_zone: input.time_zone,
            recurrence: input.recurrence.map(Into::into),
            remind_before_minutes: input.remind_before_minutes,
            project_id: optional_id("input.projectId", input.project_id.as_ref())?,
            label_ids: ids(
                "input.labelIds",
                input.label_ids.as_deref().unwrap_or_default(),
            )?,
            parent_id: optional_id("input.parentId", input.parent_id.as_ref())?,
            assignee_id: optional_id("input.assigneeId", input.assignee_id.as_ref())?,
        })
    }
}

fn optional_id(field: &'static str, id: Option<&ID>) -> async_graphql::Result<Option<Uuid>> {
    id.map(|id| parse_id(field, id)).transpose()
}

fn ids(field: &'static str, ids: &[ID]) -> async_graphql::Result<Vec<Uuid>> {
    ids.iter().map(|id| parse_id(field, id)).collect()
}

/// Every field is optional; an explicit null clears it (`recurrence: null` makes the
/// task one-time, `timeZone: null` restores the default).
#[derive(InputObject)]
pub struct UpdateTaskInput {
    pub title: MaybeUndefined<String>,
    pub description: MaybeUndefined<String>,
    pub priority: MaybeUndefined<Priority>,
    #[graphql(
        deprecation = "Use labelIds. Setting it sets your labels on the task to the label of that name; null removes them."
    )]
    pub category: MaybeUndefined<String>,
    pub due_at: MaybeUndefined<DateTime>,
    /// Due on a date without a time; clearing `dueAt` ends it.
    pub all_day: Option<bool>,
    pub time_zone: MaybeUndefined<String>,
    pub recurrence: MaybeUndefined<RecurrenceInput>,
    pub remind_before_minutes: MaybeUndefined<i32>,
    /// Moves the task, with its subtasks, to another project you can edit.
    pub project_id: Option<ID>,
    /// Replaces your labels on the task (labels other members put there stay).
    pub label_ids: Option<Vec<ID>>,
    /// A member of the task's project; null unassigns.
    pub assignee_id: MaybeUndefined<ID>,
    /// Order among its parent's subtasks, ascending.
    pub position: Option<i32>,
}

fn patch<T, U>(value: MaybeUndefined<T>, map: impl FnOnce(T) -> U) -> Patch<U> {
    match value {
        MaybeUndefined::Undefined => Patch::Keep,
        MaybeUndefined::Null => Patch::Clear,
        MaybeUndefined::Value(v) => Patch::Set(map(v)),
    }
}

impl TryFrom<UpdateTaskInput> for TaskChanges {
    type Error = async_graphql::Error;

    fn try_from(input: UpdateTaskInput) -> async_graphql::Result<Self> {
        let title = match input.title {
            MaybeUndefined::Undefined => None,
            MaybeUndefined::Null => {
                return Err(super::error::to_graphql_error(
                    ValidationError::new("input.title", "a task needs a title").into(),
                ));
            }
            MaybeUndefined::Value(title) => Some(title),
        };
        let assignee_id = match &input.assignee_id {
            MaybeUndefined::Undefined => Patch::Keep,
            MaybeUndefined::Null => Patch::Clear,
            MaybeUndefined::Value(id) => Patch::Set(parse_id("input.assigneeId", id)?),
        };
        Ok(Self {
            project_id: optional_id("input.projectId", input.project_id.as_ref())?,
            label_ids: input
                .label_ids
                .as_deref()
                .map(|list| ids("input.labelIds", list))
                .transpose()?,
            assignee_id,
            position: input.position,
            title,
            description: patch(input.description, |d| d),
            priority: patch(input.priority, Into::into),
            category: patch(input.category, |c| c),
            due_at: patch(input.due_at, |d| d.0),
            all_day: input.all_day,
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
    #[graphql(deprecation = "Use labelIds: tasks with your label of this name.")]
    pub category: Option<String>,
    /// Tasks of this project (archived or not); without it, those of every project you
    /// are a member of that is not archived.
    pub project_id: Option<ID>,
    /// Tasks with every one of these labels.
    pub label_ids: Option<Vec<ID>>,
    pub assignee_id: Option<ID>,
    /// The subtasks of this task; without it, only top-level tasks are listed.
    pub parent_id: Option<ID>,
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

impl TryFrom<TaskFilter> for StoreFilter {
    type Error = async_graphql::Error;

    fn try_from(filter: TaskFilter) -> async_graphql::Result<Self> {
        Ok(Self {
            completed: filter.completed,
            priority: filter.priority.map(|p| domain::Priority::from(p).rank()),
            label_name: filter.category,
            project_id: optional_id("filter.projectId", filter.project_id.as_ref())?,
            label_ids: ids(
                "filter.labelIds",
                filter.label_ids.as_deref().unwrap_or_default(),
            )?,
            assignee_id: optional_id("filter.assigneeId", filter.assignee_id.as_ref())?,
            parent_id: optional_id("filter.parentId", filter.parent_id.as_ref())?,
            due_before: filter.due_before.map(|d| d.0),
            due_after: filter.due_after.map(|d| d.0),
            overdue: filter.overdue,
            recurring: filter.recurring,
            search: filter.search,
        })
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

/// A task, and the relations it shares with the tasks resolved with it.
pub struct Task(pub task_domain::Task, Arc<Related>);

/// What tasks resolved together (a page, a task's subtasks, one task) share: their
/// labels, projects, subtasks, progress and assignees, each loaded for all of them the
/// first time one of them asks. A page costs the same few statements whatever its size.
pub struct Related {
    task_ids: Vec<Uuid>,
    project_ids: Vec<Uuid>,
    assignee_ids: Vec<Uuid>,
    labels: OnceCell<HashMap<Uuid, Vec<project_domain::Label>>>,
    projects: OnceCell<HashMap<Uuid, Project>>,
    progress: OnceCell<HashMap<Uuid, StoreProgress>>,
    subtasks: OnceCell<Subtasks>,
    assignees: OnceCell<HashMap<Uuid, account::User>>,
}

/// The subtasks of the tasks of a batch, by parent, and the batch they form in turn.
type Subtasks = (HashMap<Uuid, Vec<task_domain::Task>>, Arc<Related>);

impl Related {
    fn of(tasks: &[task_domain::Task]) -> Self {
        let mut project_ids: Vec<Uuid> = tasks.iter().map(|task| task.project_id).collect();
        project_ids.sort_unstable();
        project_ids.dedup();
        Self {
            task_ids: tasks.iter().map(|task| task.id).collect(),
            project_ids,
            assignee_ids: tasks.iter().filter_map(|task| task.assignee_id).collect(),
            labels: OnceCell::new(),
            projects: OnceCell::new(),
            progress: OnceCell::new(),
            subtasks: OnceCell::new(),
            assignees: OnceCell::new(),
        }
    }
}

impl Task {
    pub fn one(task: task_domain::Task) -> Self {
        let related = Arc::new(Related::of(std::slice::from_ref(&task)));
        Self(task, related)
    }

    /// Tasks resolved together, sharing their relations.
    pub fn batch(tasks: Vec<task_domain::Task>) -> Vec<Self> {
        let related = Arc::new(Related::of(&tasks));
        tasks
            .into_iter()
            .map(|task| Self(task, Arc::clone(&related)))
            .collect()
    }

    async fn all_labels(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<&HashMap<Uuid, Vec<project_domain::Label>>> {
        load_once(&self.1.labels, || async {
            ctx.services().tasks.labels_of(&self.1.task_ids).await.gql()
        })
        .await
    }
}

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

    #[graphql(
        deprecation = "Categories are labels now: use labels. This is the first label's name."
    )]
    async fn category(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        let labels = self.all_labels(ctx).await?;
        Ok(labels
            .get(&self.0.id)
            .and_then(|labels| labels.first())
            .map(|label| label.name.clone()))
    }

    /// The project the task belongs to.
    async fn project(&self, ctx: &Context<'_>) -> async_graphql::Result<Project> {
        let actor = ctx.actor()?;
        let projects = load_once(&self.1.projects, || async {
            let found = ctx
                .services()
                .projects
                .get_many(actor, &self.1.project_ids)
                .await
                .gql()?;
            let projects = Project::batch(found.into_values().collect());
            Ok::<_, async_graphql::Error>(
                projects
                    .into_iter()
                    .map(|project| (project.id_value(), project))
                    .collect(),
            )
        })
        .await?;
        projects.get(&self.0.project_id).cloned().ok_or_else(|| {
            super::error::to_graphql_error(crate::service::ServiceError::NotFound("project"))
        })
    }

    /// The labels on the task, by name.
    async fn labels(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Label>> {
        let labels = self.all_labels(ctx).await?;
        Ok(labels
            .get(&self.0.id)
            .into_iter()
            .flatten()
            .cloned()
            .map(Label)
            .collect())
    }

    /// The task this one is a subtask of.
    async fn parent_id(&self) -> Option<ID> {
        self.0.parent_id.map(|id| ID(id.to_string()))
    }

    /// The task this one is a subtask of.
    async fn parent(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Task>> {
        let Some(parent) = self.0.parent_id else {
            return Ok(None);
        };
        let actor = ctx.actor()?;
        Box::pin(ctx.services().tasks.get(actor, parent))
            .await
            .gql()
            .map(|task| Some(Task::one(task)))
    }

    /// The subtasks, in their order.
    async fn subtasks(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Task>> {
        let (subtasks, related) = load_once(&self.1.subtasks, || async {
            let by_parent = ctx
                .services()
                .tasks
                .subtasks_of(&self.1.task_ids)
                .await
                .gql()?;
            let all: Vec<task_domain::Task> = by_parent.values().flatten().cloned().collect();
            Ok::<_, async_graphql::Error>((by_parent, Arc::new(Related::of(&all))))
        })
        .await?;
        Ok(subtasks
            .get(&self.0.id)
            .into_iter()
            .flatten()
            .map(|task| Task(task.clone(), Arc::clone(related)))
            .collect())
    }

    /// How many subtasks there are and how many are done.
    async fn subtask_progress(&self, ctx: &Context<'_>) -> async_graphql::Result<SubtaskProgress> {
        let progress = load_once(&self.1.progress, || async {
            ctx.services()
                .tasks
                .subtask_progress(&self.1.task_ids)
                .await
                .gql()
        })
        .await?;
        let progress = progress.get(&self.0.id).copied().unwrap_or_default();
        Ok(SubtaskProgress {
            done: progress.done,
            total: progress.total,
        })
    }

    /// Order among its parent's subtasks.
    async fn position(&self) -> i32 {
        self.0.position
    }

    /// The member of the project the task is assigned to: whom its reminder goes to.
    async fn assignee(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let Some(assignee) = self.0.assignee_id else {
            return Ok(None);
        };
        let assignees = load_once(&self.1.assignees, || people(ctx, &self.1.assignee_ids)).await?;
        Ok(assignees.get(&assignee).cloned().map(User))
    }

    /// For an all-day task, local midnight of its date in `timeZone`.
    async fn due_at(&self) -> Option<DateTime> {
        self.0.due_at.map(Into::into)
    }

    /// Due on a date without a time: overdue from the next day, reminded at the user's
    /// `allDayReminderTime`.
    async fn all_day(&self) -> bool {
        self.0.all_day
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

    /// The reminder was snoozed until then: it fires then, even past the due date.
    async fn snoozed_until(&self) -> Option<DateTime> {
        self.0.snoozed_until.map(Into::into)
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
    #[graphql(
        deprecation = "Use previousOccurrenceId: the occurrence whose completion created this one (not parentId, the task this is a subtask of)."
    )]
    async fn parent_task_id(&self) -> Option<ID> {
        self.0.parent_task_id.map(|id| ID(id.to_string()))
    }

    /// The occurrence whose completion created this one.
    async fn previous_occurrence_id(&self) -> Option<ID> {
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
            .map(|next| next.map(Task::one))
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

#[derive(SimpleObject)]
pub struct SubtaskProgress {
    pub done: i64,
    pub total: i64,
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
    async fn description(&self) -> Arc<str> {
        described(
            &self.recurrence,
            self.anchor.map(|anchor| anchor.date_naive()),
        )
    }
}

/// Descriptions worded lately, by rule and the date the series starts on (all that a
/// description depends on). Parsing and wording a rule cost more than all of a task's
/// other fields together, and a list shows the same few rules over and over
/// (docs/performance.md). Kept per thread, so that reading one takes no lock.
type Descriptions = HashMap<Box<str>, HashMap<Option<chrono::NaiveDate>, Arc<str>>>;

/// Descriptions kept per thread at most; when full, the thread starts afresh.
const MAX_DESCRIPTIONS: usize = 4096;

thread_local! {
    static DESCRIPTIONS: std::cell::RefCell<(Descriptions, usize)> = Default::default();
}

fn described(recurrence: &domain::Recurrence, starts_on: Option<chrono::NaiveDate>) -> Arc<str> {
    DESCRIPTIONS.with_borrow_mut(|(kept, count)| {
        if let Some(text) = kept
            .get(recurrence.rule())
            .and_then(|by_date| by_date.get(&starts_on))
        {
            return Arc::clone(text);
        }
        if *count >= MAX_DESCRIPTIONS {
            kept.clear();
            *count = 0;
        }
        let text: Arc<str> = recurrence.describe(starts_on).into();
        kept.entry(recurrence.rule().into())
            .or_default()
            .insert(starts_on, Arc::clone(&text));
        *count += 1;
        text
    })
}

pub struct CompleteTaskPayload(pub Completion);

#[Object]
impl CompleteTaskPayload {
    async fn task(&self) -> Task {
        Task::one(self.0.task.clone())
    }

    /// The next occurrence of a recurring task; null when the task is one-time or its
    /// series has ended.
    async fn next_occurrence(&self) -> Option<Task> {
        self.0.next_occurrence.clone().map(Task::one)
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
    listing(page.map_all(Task::batch), fields, std::convert::identity)
}

/// A page of the tasks the actor may see: `Query.tasks` and `Project.tasks`.
pub async fn list_tasks(
    ctx: &Context<'_>,
    filter: Option<TaskFilter>,
    order_by: Option<TaskOrder>,
    first: Option<i32>,
    after: Option<String>,
) -> async_graphql::Result<TaskConnection> {
    let actor = ctx.actor()?;
    let query = TaskQuery {
        filter: filter.unwrap_or_default().try_into()?,
        order: order_by.unwrap_or_default().into(),
        first,
        after: pagination::after(after.as_deref()).gql()?,
        count_total: pagination::wants_total_count(ctx),
    };
    let page = ctx.services().tasks.list(actor, &query).await.gql()?;
    Ok(task_connection(page, query.filter))
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::domain::{RecurrenceMode, RecurrencePreset};

    #[test]
    fn a_kept_description_is_the_one_the_rule_and_start_give() {
        let weekly = domain::Recurrence::from_stored(
            RecurrencePreset::Custom,
            "FREQ=WEEKLY;INTERVAL=2",
            RecurrenceMode::FromDueDate,
        )
        .unwrap();
        let monday = NaiveDate::from_ymd_opt(2027, 3, 1);
        let tuesday = NaiveDate::from_ymd_opt(2027, 3, 2);

        let first = described(&weekly, monday);
        assert_eq!(&*first, "Every 2 weeks on Monday");
        assert!(Arc::ptr_eq(&first, &described(&weekly, monday)), "kept");
        // Another start is another description, kept beside the first.
        assert_eq!(&*described(&weekly, tuesday), "Every 2 weeks on Tuesday");
        assert_eq!(&*described(&weekly, None), weekly.describe(None));
        assert!(Arc::ptr_eq(&first, &described(&weekly, monday)));
    }
}
