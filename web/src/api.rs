//! The GraphQL documents the UI sends, checked against `api/schema.graphql` at compile
//! time by cynic, and the one function that sends them.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::session;

#[cynic::schema("todo")]
pub mod schema {}

pub use cynic::{Id, MutationBuilder, QueryBuilder, SubscriptionBuilder};

/// An instant as the API writes it: RFC 3339 in UTC.
#[derive(cynic::Scalar, Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct DateTime(pub String);

#[derive(cynic::Scalar, Debug, Clone, PartialEq)]
#[cynic(graphql_type = "JSON")]
pub struct Json(pub serde_json::Value);

/// Written (`Display`) and parsed (`FromStr`) in lower case, as form values and in the
/// list's address; listed (`VARIANTS`) most pressing first, as the pickers show them.
#[derive(
    cynic::Enum,
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::Display,
    strum::EnumString,
    strum::VariantArray,
)]
#[strum(serialize_all = "lowercase")]
pub enum Priority {
    Urgent,
    High,
    Normal,
    Low,
}

impl Priority {
    pub fn label(self) -> &'static str {
        match self {
            Self::Low => "Low",
            Self::Normal => "Normal",
            Self::High => "High",
            Self::Urgent => "Urgent",
        }
    }

    /// Higher is more pressing; the server orders by the same rank.
    pub fn rank(self) -> u8 {
        match self {
            Self::Low => 1,
            Self::Normal => 2,
            Self::High => 3,
            Self::Urgent => 4,
        }
    }
}

#[derive(cynic::Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecurrencePreset {
    Daily,
    Weekdays,
    Weekly,
    Monthly,
    Yearly,
    Custom,
}

#[derive(cynic::Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecurrenceMode {
    FromDueDate,
    FromCompletion,
}

#[derive(cynic::Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationType {
    Reminder,
    System,
    Action,
}

/// Written and parsed in lower case as the share dialog's values.
#[derive(
    cynic::Enum,
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    strum::Display,
    strum::EnumString,
    strum::VariantArray,
)]
#[strum(serialize_all = "lowercase")]
pub enum ProjectRole {
    Owner,
    Editor,
    Viewer,
}

impl ProjectRole {
    pub fn label(self) -> &'static str {
        match self {
            Self::Owner => "Owner",
            Self::Editor => "Editor",
            Self::Viewer => "Viewer",
        }
    }
}

/// Written and parsed in lower case as the activity filter's values.
#[derive(
    cynic::Enum,
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    strum::Display,
    strum::EnumString,
    strum::VariantArray,
)]
#[strum(serialize_all = "lowercase")]
pub enum AuditAction {
    Create,
    Update,
    Complete,
    Uncomplete,
    Delete,
}

impl AuditAction {
    pub fn label(self) -> &'static str {
        match self {
            Self::Create => "Created",
            Self::Update => "Updated",
            Self::Complete => "Completed",
            Self::Uncomplete => "Reopened",
            Self::Delete => "Deleted",
        }
    }
}

/// Written and parsed in lower case as the activity filter's values.
#[derive(
    cynic::Enum,
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    strum::Display,
    strum::EnumString,
    strum::VariantArray,
)]
#[strum(serialize_all = "lowercase")]
pub enum AuditSource {
    Web,
    Graphql,
    Mcp,
    System,
    Reminder,
}

impl AuditSource {
    pub fn label(self) -> &'static str {
        match self {
            Self::Web => "Web",
            Self::Graphql => "GraphQL",
            Self::Mcp => "AI agent (MCP)",
            Self::System => "System",
            Self::Reminder => "Reminder action",
        }
    }

    /// Who acted, in the history's words: the service itself, or the user through a
    /// channel (an agent acts with the user's token).
    pub fn actor(self) -> &'static str {
        match self {
            Self::Web => "by you on the web",
            Self::Graphql => "by you via GraphQL",
            Self::Mcp => "by an AI agent (MCP) for you",
            Self::System => "by the service",
            Self::Reminder => "by you from a reminder",
        }
    }
}

#[derive(cynic::Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenScope {
    Read,
    Write,
}

#[derive(cynic::Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskOrderField {
    CreatedAt,
    DueAt,
    Priority,
    Title,
}

#[derive(cynic::Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderDirection {
    Asc,
    Desc,
}

// ---- Tasks ----

#[derive(cynic::QueryFragment, Debug, Clone, PartialEq)]
pub struct Recurrence {
    pub preset: RecurrencePreset,
    pub rrule: String,
    pub mode: RecurrenceMode,
    pub description: String,
}

#[derive(cynic::QueryFragment, Debug, Clone, PartialEq)]
pub struct Label {
    pub id: Id,
    pub name: String,
    pub color: Option<String>,
}

/// The project a task is in, as its row and page name it.
#[derive(cynic::QueryFragment, Debug, Clone, PartialEq)]
#[cynic(graphql_type = "Project")]
pub struct ProjectRef {
    pub id: Id,
    pub name: String,
    pub color: Option<String>,
    pub is_inbox: bool,
    pub role: ProjectRole,
}

#[derive(cynic::QueryFragment, Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubtaskProgress {
    pub done: i32,
    pub total: i32,
}

#[derive(cynic::QueryFragment, Debug, Clone, PartialEq)]
#[cynic(graphql_type = "User")]
pub struct Person {
    pub id: Id,
    pub email: String,
    pub display_name: String,
}

#[derive(cynic::QueryFragment, Debug, Clone, PartialEq)]
pub struct Task {
    pub id: Id,
    pub title: String,
    pub description: Option<String>,
    pub priority: Option<Priority>,
    pub project: ProjectRef,
    pub labels: Vec<Label>,
    pub parent_id: Option<Id>,
    pub position: i32,
    pub subtask_progress: SubtaskProgress,
    pub assignee: Option<Person>,
    pub due_at: Option<DateTime>,
    /// Due on a date without a time (`due_at` is local midnight in `time_zone`).
    pub all_day: bool,
    pub time_zone: String,
    pub recurrence: Option<Recurrence>,
    pub remind_before_minutes: Option<i32>,
    pub snoozed_until: Option<DateTime>,
    pub completed: bool,
    pub completed_at: Option<DateTime>,
    pub created_at: DateTime,
    pub updated_at: DateTime,
}

/// A plain open task for unit tests: in the Inbox, no labels, nothing set.
#[cfg(test)]
pub fn test_task(id: &str, created: &str) -> Task {
    Task {
        id: Id::new(id),
        title: format!("Task {id}"),
        description: None,
        priority: None,
        project: ProjectRef {
            id: Id::new("inbox"),
            name: "Inbox".into(),
            color: None,
            is_inbox: true,
            role: ProjectRole::Owner,
        },
        labels: Vec::new(),
        parent_id: None,
        position: 0,
        subtask_progress: SubtaskProgress { done: 0, total: 0 },
        assignee: None,
        due_at: None,
        all_day: false,
        time_zone: "UTC".into(),
        recurrence: None,
        remind_before_minutes: None,
        snoozed_until: None,
        completed: false,
        completed_at: None,
        created_at: DateTime(created.into()),
        updated_at: DateTime(created.into()),
    }
}

#[derive(cynic::QueryFragment, Debug, Clone, PartialEq)]
pub struct PageInfo {
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
}

#[derive(cynic::QueryFragment, Debug, Clone, PartialEq)]
pub struct TaskEdge {
    pub node: Task,
}

#[derive(cynic::QueryFragment, Debug, Clone, PartialEq)]
pub struct TaskConnection {
    pub edges: Vec<TaskEdge>,
    pub page_info: PageInfo,
    pub total_count: i32,
}

#[derive(cynic::InputObject, Debug, Clone, Default, PartialEq)]
pub struct TaskFilter {
    pub completed: Option<bool>,
    pub priority: Option<Priority>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub project_id: Option<Id>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub label_ids: Option<Vec<Id>>,
    pub due_before: Option<DateTime>,
    pub due_after: Option<DateTime>,
    pub recurring: Option<bool>,
    pub search: Option<String>,
}

#[derive(cynic::InputObject, Debug, Clone, Copy, PartialEq)]
pub struct TaskOrder {
    pub field: TaskOrderField,
    pub direction: OrderDirection,
}

#[derive(cynic::QueryVariables, Debug, Clone)]
pub struct TasksVars {
    pub filter: Option<TaskFilter>,
    pub order_by: Option<TaskOrder>,
    pub first: Option<i32>,
    pub after: Option<String>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query", variables = "TasksVars")]
pub struct TasksQuery {
    #[arguments(filter: $filter, orderBy: $order_by, first: $first, after: $after)]
    pub tasks: TaskConnection,
}

#[derive(cynic::InputObject, Debug, Clone, PartialEq)]
pub struct RecurrenceInput {
    pub preset: Option<RecurrencePreset>,
    pub rrule: Option<String>,
    pub mode: RecurrenceMode,
}

#[derive(cynic::InputObject, Debug, Clone, PartialEq)]
pub struct CreateTaskInput {
    pub title: String,
    pub description: Option<String>,
    pub priority: Option<Priority>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub project_id: Option<Id>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub label_ids: Option<Vec<Id>>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<Id>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub assignee_id: Option<Id>,
    pub due_at: Option<DateTime>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub all_day: Option<bool>,
    pub time_zone: Option<String>,
    pub recurrence: Option<RecurrenceInput>,
    pub remind_before_minutes: Option<i32>,
}

impl CreateTaskInput {
    /// A task with only a title: everything else the server's defaults.
    pub fn titled(title: String) -> Self {
        Self {
            title,
            description: None,
            priority: None,
            project_id: None,
            label_ids: None,
            parent_id: None,
            assignee_id: None,
            due_at: None,
            all_day: None,
            time_zone: None,
            recurrence: None,
            remind_before_minutes: None,
        }
    }
}

/// Sent whole from the form: a `None` is an explicit null, which clears the field.
#[derive(cynic::InputObject, Debug, Clone, PartialEq)]
pub struct UpdateTaskInput {
    pub title: Option<String>,
    pub description: Option<String>,
    pub priority: Option<Priority>,
    /// Left out when `None`: the task stays in its project.
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub project_id: Option<Id>,
    /// The whole set; left out when `None`, which keeps the labels.
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub label_ids: Option<Vec<Id>>,
    /// `None` (null) unassigns.
    pub assignee_id: Option<Id>,
    pub due_at: Option<DateTime>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub all_day: Option<bool>,
    pub time_zone: Option<String>,
    pub recurrence: Option<RecurrenceInput>,
    pub remind_before_minutes: Option<i32>,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct CreateTaskVars {
    pub input: CreateTaskInput,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "CreateTaskVars")]
pub struct CreateTask {
    #[arguments(input: $input)]
    pub create_task: Task,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct UpdateTaskVars {
    pub id: Id,
    pub input: UpdateTaskInput,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "UpdateTaskVars")]
pub struct UpdateTask {
    #[arguments(id: $id, input: $input)]
    pub update_task: Task,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct IdVars {
    pub id: Id,
}

#[derive(cynic::QueryFragment, Debug)]
pub struct CompleteTaskPayload {
    pub task: Task,
    pub next_occurrence: Option<Task>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "IdVars")]
pub struct CompleteTask {
    #[arguments(id: $id)]
    pub complete_task: CompleteTaskPayload,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct SnoozeVars {
    pub id: Id,
    pub minutes: Option<i32>,
    pub until: Option<DateTime>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "SnoozeVars")]
pub struct SnoozeTask {
    #[arguments(id: $id, minutes: $minutes, until: $until)]
    pub snooze_task: Task,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "IdVars")]
pub struct UncompleteTask {
    #[arguments(id: $id)]
    pub uncomplete_task: ReopenedTask,
}

/// A reopened task, and the next occurrence its completion created when the API kept it
/// (someone changed it); null when it was removed or there was none.
#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Task")]
pub struct ReopenedTask {
    #[cynic(spread)]
    pub task: Task,
    pub next_occurrence: Option<Task>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "IdVars")]
pub struct DeleteTask {
    #[arguments(id: $id)]
    #[allow(
        dead_code,
        reason = "a selection must name a field; failures arrive as GraphQL errors"
    )]
    pub delete_task: bool,
}

// ---- Recurrence preview ----

#[derive(cynic::InputObject, Debug, Clone, PartialEq)]
pub struct RecurrencePreviewInput {
    pub due_at: Option<DateTime>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub all_day: Option<bool>,
    pub time_zone: Option<String>,
    pub recurrence: RecurrenceInput,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct PreviewVars {
    pub input: RecurrencePreviewInput,
}

#[derive(cynic::QueryFragment, Debug, Clone, PartialEq)]
pub struct RecurrencePreview {
    pub recurrence: Recurrence,
    pub time_zone: String,
    pub dates: Vec<DateTime>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query", variables = "PreviewVars")]
pub struct PreviewQuery {
    #[arguments(input: $input)]
    pub recurrence_preview: RecurrencePreview,
}

// ---- Quick add ----

#[derive(cynic::QueryVariables, Debug)]
pub struct ParseTaskVars {
    pub text: String,
}

/// What quick add read from a line of text; nothing is created until `createTask`.
#[derive(cynic::QueryFragment, Debug, Clone, PartialEq)]
pub struct TaskDraft {
    pub title: String,
    pub due_at: Option<DateTime>,
    pub all_day: bool,
    pub time_zone: String,
    pub recurrence: Option<Recurrence>,
    pub priority: Option<Priority>,
    pub labels: Vec<LabelSuggestion>,
    pub project: Option<ProjectSuggestion>,
    pub remind_before_minutes: Option<i32>,
    pub next_dates: Vec<DateTime>,
    pub spans: Vec<TextSpan>,
}

#[derive(cynic::QueryFragment, Debug, Clone, PartialEq)]
pub struct LabelSuggestion {
    pub name: String,
    pub id: Option<Id>,
}

#[derive(cynic::QueryFragment, Debug, Clone, PartialEq)]
pub struct ProjectSuggestion {
    pub name: String,
    pub id: Option<Id>,
}

#[derive(cynic::QueryFragment, Debug, Clone, PartialEq)]
pub struct TextSpan {
    pub start: i32,
    pub end: i32,
    pub kind: SpanKind,
}

#[derive(cynic::Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpanKind {
    Date,
    Time,
    Recurrence,
    Priority,
    Project,
    Label,
    Reminder,
}

impl SpanKind {
    /// The CSS class of its highlight; each kind has its own colour and a label for
    /// screen readers.
    pub fn class(self) -> &'static str {
        match self {
            Self::Date | Self::Time => "qa-when",
            Self::Recurrence => "qa-repeat",
            Self::Priority => "qa-priority",
            Self::Project => "qa-project",
            Self::Label => "qa-label",
            Self::Reminder => "qa-reminder",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Date => "date",
            Self::Time => "time",
            Self::Recurrence => "repeats",
            Self::Priority => "priority",
            Self::Project => "project",
            Self::Label => "label",
            Self::Reminder => "reminder",
        }
    }
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query", variables = "ParseTaskVars")]
pub struct ParseTaskQuery {
    #[arguments(text: $text)]
    pub parse_task: TaskDraft,
}

// ---- Calendar feed ----

#[derive(cynic::QueryFragment, Debug, Clone, PartialEq)]
pub struct CalendarFeed {
    pub url: String,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query")]
pub struct CalendarFeedQuery {
    pub calendar_feed: CalendarFeed,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation")]
pub struct RotateCalendarFeed {
    pub rotate_calendar_feed: CalendarFeed,
}

// ---- History ----

#[derive(cynic::QueryFragment, Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub id: Id,
    pub action: AuditAction,
    pub entity_id: Id,
    pub before: Option<Json>,
    pub after: Option<Json>,
    pub changed_fields: Vec<String>,
    pub source: AuditSource,
    /// The agent that made the change through an OAuth grant, by the name it connected with.
    pub agent: Option<String>,
    pub at: DateTime,
}

#[derive(cynic::QueryFragment, Debug, Clone, PartialEq)]
pub struct AuditEntryEdge {
    pub node: AuditEntry,
}

#[derive(cynic::QueryFragment, Debug, Clone, PartialEq)]
pub struct AuditEntryConnection {
    pub edges: Vec<AuditEntryEdge>,
    pub page_info: PageInfo,
    pub total_count: i32,
}

#[derive(cynic::QueryFragment, Debug, Clone, PartialEq)]
#[cynic(graphql_type = "Task")]
pub struct TaskWithHistory {
    #[cynic(spread)]
    pub task: Task,
    pub subtasks: Vec<Task>,
    #[arguments(first: 100)]
    pub history: AuditEntryConnection,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query", variables = "IdVars")]
pub struct TaskDetailQuery {
    #[arguments(id: $id)]
    pub task: Option<TaskWithHistory>,
}

#[derive(cynic::InputObject, Debug, Clone, Default, PartialEq)]
pub struct AuditFilter {
    pub task_id: Option<Id>,
    pub action: Option<AuditAction>,
    pub source: Option<AuditSource>,
    pub from: Option<DateTime>,
    pub to: Option<DateTime>,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct AuditVars {
    pub filter: Option<AuditFilter>,
    pub after: Option<String>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query", variables = "AuditVars")]
pub struct AuditLogQuery {
    #[arguments(filter: $filter, first: 50, after: $after)]
    pub audit_log: AuditEntryConnection,
}

// ---- Account, preferences, tokens ----

#[derive(cynic::QueryFragment, Debug, Clone, PartialEq)]
pub struct User {
    pub id: Id,
    pub email: String,
    pub display_name: String,
}

#[derive(cynic::QueryFragment, Debug, Clone, PartialEq)]
pub struct AuthPayload {
    pub token: String,
    pub user: User,
    pub refresh_token: String,
    pub expires_at: DateTime,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct RefreshTokenVars {
    pub refresh_token: String,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "RefreshTokenVars")]
pub struct RefreshSession {
    #[arguments(refreshToken: $refresh_token)]
    pub refresh_session: AuthPayload,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "RefreshTokenVars")]
pub struct SignOut {
    #[arguments(refreshToken: $refresh_token)]
    #[allow(
        dead_code,
        reason = "a selection must name a field; failures arrive as GraphQL errors"
    )]
    pub sign_out: bool,
}

#[derive(cynic::QueryFragment, Debug, Clone, PartialEq)]
pub struct ServerInfo {
    pub mcp_url: String,
    pub mcp_binary_path: Option<String>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query")]
pub struct ServerInfoQuery {
    pub server_info: ServerInfo,
}

#[derive(cynic::InputObject, Debug)]
pub struct RegisterInput {
    pub email: String,
    pub password: String,
    pub display_name: String,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct RegisterVars {
    pub input: RegisterInput,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "RegisterVars")]
pub struct Register {
    #[arguments(input: $input)]
    pub register: AuthPayload,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct LoginVars {
    pub email: String,
    pub password: String,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "LoginVars")]
pub struct Login {
    #[arguments(email: $email, password: $password)]
    pub login: AuthPayload,
}

#[derive(cynic::QueryFragment, Debug, Clone, PartialEq)]
pub struct Preferences {
    pub reminders_enabled: bool,
    pub reminder_minutes_before: i32,
    pub toast_notifications: bool,
    pub time_zone: String,
    pub push_reminders: bool,
    pub email_reminders: bool,
    pub daily_digest_at: Option<String>,
    /// "HH:MM": when an all-day task's reminder fires on its date.
    pub all_day_reminder_time: String,
    pub push_available: bool,
    pub email_available: bool,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query")]
pub struct PreferencesQuery {
    pub preferences: Preferences,
}

#[derive(cynic::InputObject, Debug, Clone, PartialEq, Default)]
pub struct PreferencesInput {
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub reminders_enabled: Option<bool>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub reminder_minutes_before: Option<i32>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub toast_notifications: Option<bool>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub push_reminders: Option<bool>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub email_reminders: Option<bool>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub all_day_reminder_time: Option<String>,
    /// "HH:MM", or "" to turn the digest off.
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub daily_digest_at: Option<String>,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct PreferencesVars {
    pub input: PreferencesInput,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "PreferencesVars")]
pub struct UpdatePreferences {
    #[arguments(input: $input)]
    pub update_preferences: Preferences,
}

#[derive(cynic::QueryFragment, Debug, Clone, PartialEq)]
pub struct PushSubscription {
    pub id: Id,
    pub device_name: String,
    pub endpoint: String,
    pub created_at: DateTime,
    pub last_success_at: Option<DateTime>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "User")]
pub struct MyDevices {
    pub push_subscriptions: Vec<PushSubscription>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query")]
pub struct DevicesQuery {
    pub me: MyDevices,
    pub push_public_key: String,
}

#[derive(cynic::InputObject, Debug, Clone)]
pub struct PushSubscriptionInput {
    pub endpoint: String,
    #[cynic(rename = "p256dh")]
    pub p256dh: String,
    pub auth: String,
    pub device_name: String,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct PushSubscriptionVars {
    pub input: PushSubscriptionInput,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "PushSubscriptionVars")]
pub struct RegisterPushSubscription {
    #[arguments(input: $input)]
    #[allow(
        dead_code,
        reason = "a selection must name a field; the settings refetch the device list"
    )]
    pub register_push_subscription: PushSubscription,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "IdVars")]
pub struct DeleteNotification {
    #[arguments(id: $id)]
    #[allow(
        dead_code,
        reason = "a selection must name a field; failures arrive as GraphQL errors"
    )]
    pub delete_notification: bool,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "IdVars")]
pub struct RemovePushSubscription {
    #[arguments(id: $id)]
    #[allow(
        dead_code,
        reason = "a selection must name a field; failures arrive as GraphQL errors"
    )]
    pub remove_push_subscription: bool,
}

#[derive(cynic::QueryFragment, Debug, Clone, PartialEq)]
pub struct ApiToken {
    pub id: Id,
    pub name: String,
    pub scopes: Vec<TokenScope>,
    pub created_at: DateTime,
    pub last_used_at: Option<DateTime>,
    pub revoked_at: Option<DateTime>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "User")]
pub struct UserTokens {
    pub api_tokens: Vec<ApiToken>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query")]
pub struct TokensQuery {
    pub me: UserTokens,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct CreateTokenVars {
    pub name: String,
    pub scopes: Vec<TokenScope>,
}

#[derive(cynic::QueryFragment, Debug, Clone, PartialEq)]
pub struct ApiTokenPayload {
    pub token: String,
    pub api_token: ApiToken,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "CreateTokenVars")]
pub struct CreateApiToken {
    #[arguments(name: $name, scopes: $scopes)]
    pub create_api_token: ApiTokenPayload,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "IdVars")]
pub struct RevokeApiToken {
    #[arguments(id: $id)]
    #[allow(
        dead_code,
        reason = "a selection must name a field; failures arrive as GraphQL errors"
    )]
    pub revoke_api_token: bool,
}

// ---- Agents connected by OAuth ----

#[derive(cynic::QueryVariables, Debug)]
pub struct AgentAuthorizationVars {
    /// The authorization request's query string, as `/oauth/authorize` received it.
    pub query: String,
}

#[derive(cynic::QueryFragment, Debug, Clone, PartialEq)]
pub struct AgentConsent {
    pub client_name: String,
    pub redirect_host: String,
    pub scopes: Vec<TokenScope>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query", variables = "AgentAuthorizationVars")]
pub struct AgentAuthorizationQuery {
    #[arguments(query: $query)]
    pub agent_authorization: AgentConsent,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct AnswerAgentVars {
    pub query: String,
    pub allow: bool,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "AnswerAgentVars")]
pub struct AnswerAgentAuthorization {
    /// Where the browser goes next: the agent's redirect URI with the answer.
    #[arguments(query: $query, allow: $allow)]
    pub answer_agent_authorization: String,
}

#[derive(cynic::QueryFragment, Debug, Clone, PartialEq)]
pub struct AgentGrant {
    pub id: Id,
    pub client_name: String,
    pub scopes: Vec<TokenScope>,
    pub created_at: DateTime,
    pub last_used_at: Option<DateTime>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "User")]
pub struct UserAgentGrants {
    pub agent_grants: Vec<AgentGrant>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query")]
pub struct AgentGrantsQuery {
    pub me: UserAgentGrants,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "IdVars")]
pub struct RevokeAgentGrant {
    #[arguments(id: $id)]
    #[allow(
        dead_code,
        reason = "a selection must name a field; failures arrive as GraphQL errors"
    )]
    pub revoke_agent_grant: bool,
}

// ---- Notifications ----

#[derive(cynic::QueryFragment, Debug, Clone, PartialEq)]
pub struct Notification {
    pub id: Id,
    #[cynic(rename = "type")]
    pub kind: NotificationType,
    pub title: String,
    pub message: Option<String>,
    pub task_id: Option<Id>,
    pub read: bool,
    pub created_at: DateTime,
    pub deliveries: Vec<Delivery>,
}

#[derive(cynic::Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryChannel {
    Push,
    Email,
}

#[derive(cynic::Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    Pending,
    Sent,
    Failed,
    Gone,
}

#[derive(cynic::QueryFragment, Debug, Clone, PartialEq)]
pub struct Delivery {
    pub channel: DeliveryChannel,
    pub status: DeliveryStatus,
}

/// Where a reminder went beyond the app, in a few words: "Sent to 2 devices and by
/// email", "1 device pending"; none when it went nowhere else.
pub fn delivery_summary(deliveries: &[Delivery]) -> Option<String> {
    let count = |channel, status| {
        deliveries
            .iter()
            .filter(|d| d.channel == channel && d.status == status)
            .count()
    };
    let devices = |n: usize| {
        if n == 1 {
            "1 device".to_owned()
        } else {
            format!("{n} devices")
        }
    };
    let mut parts = Vec::new();
    let pushed = count(DeliveryChannel::Push, DeliveryStatus::Sent);
    let emailed = count(DeliveryChannel::Email, DeliveryStatus::Sent) > 0;
    match (pushed, emailed) {
        (0, false) => {}
        (0, true) => parts.push("Sent by email".to_owned()),
        (n, false) => parts.push(format!("Sent to {}", devices(n))),
        (n, true) => parts.push(format!("Sent to {} and by email", devices(n))),
    }
    let pending = deliveries
        .iter()
        .filter(|d| d.status == DeliveryStatus::Pending)
        .count();
    if pending > 0 {
        parts.push(format!("{pending} still sending"));
    }
    let failed = deliveries
        .iter()
        .filter(|d| matches!(d.status, DeliveryStatus::Failed | DeliveryStatus::Gone))
        .count();
    if failed > 0 {
        parts.push(format!("{failed} could not be delivered"));
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

#[derive(cynic::QueryFragment, Debug, Clone, PartialEq)]
pub struct NotificationEdge {
    pub node: Notification,
}

#[derive(cynic::QueryFragment, Debug, Clone, PartialEq)]
pub struct NotificationConnection {
    pub edges: Vec<NotificationEdge>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query")]
pub struct NotificationsQuery {
    #[arguments(first: 50)]
    pub notifications: NotificationConnection,
    pub unread_notification_count: i32,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query")]
pub struct UnreadCountQuery {
    pub unread_notification_count: i32,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "IdVars")]
pub struct MarkNotificationRead {
    #[arguments(id: $id)]
    pub mark_notification_read: Notification,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation")]
pub struct MarkAllNotificationsRead {
    #[allow(
        dead_code,
        reason = "a selection must name a field; failures arrive as GraphQL errors"
    )]
    pub mark_all_notifications_read: i32,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation")]
pub struct ClearNotifications {
    #[allow(
        dead_code,
        reason = "a selection must name a field; failures arrive as GraphQL errors"
    )]
    pub clear_notifications: i32,
}

// ---- Subscriptions ----

#[derive(cynic::QueryFragment, Debug, Clone, PartialEq)]
pub struct TaskChange {
    pub action: AuditAction,
    pub task_id: Id,
    pub source: AuditSource,
    pub at: DateTime,
    pub task: Option<Task>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Subscription")]
pub struct TaskChangesSubscription {
    pub task_changes: TaskChange,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Subscription")]
pub struct NotificationsSubscription {
    pub notifications: Notification,
}

// ---- Projects, labels, sharing ----

#[derive(cynic::QueryFragment, Debug, Clone, PartialEq)]
pub struct ProjectMember {
    pub user: Person,
    pub role: ProjectRole,
}

/// A project as the sidebar, the list's head and the task form show it.
#[derive(cynic::QueryFragment, Debug, Clone, PartialEq)]
pub struct Project {
    pub id: Id,
    pub name: String,
    pub color: Option<String>,
    pub position: i32,
    pub archived: bool,
    pub is_inbox: bool,
    pub role: ProjectRole,
    pub open_task_count: i32,
    pub members: Vec<ProjectMember>,
}

/// An invitation as the owner sees it in the share dialog.
#[derive(cynic::QueryFragment, Debug, Clone, PartialEq)]
#[cynic(graphql_type = "Invitation")]
pub struct SentInvitation {
    pub id: Id,
    pub email: String,
    pub role: ProjectRole,
    pub expires_at: DateTime,
}

#[derive(cynic::QueryFragment, Debug, Clone, PartialEq)]
#[cynic(graphql_type = "Project")]
pub struct ProjectSharing {
    pub id: Id,
    pub members: Vec<ProjectMember>,
    pub invitations: Vec<SentInvitation>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query", variables = "IdVars")]
pub struct ProjectSharingQuery {
    #[arguments(id: $id)]
    pub project: Option<ProjectSharing>,
}

#[derive(cynic::QueryFragment, Debug, Clone, PartialEq)]
pub struct InvitedProject {
    pub id: Id,
    pub name: String,
    pub color: Option<String>,
}

#[derive(cynic::QueryFragment, Debug, Clone, PartialEq)]
#[cynic(graphql_type = "User")]
pub struct Inviter {
    pub display_name: String,
}

/// An invitation as the invitee sees it.
#[derive(cynic::QueryFragment, Debug, Clone, PartialEq)]
pub struct Invitation {
    pub id: Id,
    pub project: InvitedProject,
    pub role: ProjectRole,
    pub invited_by: Inviter,
    pub expires_at: DateTime,
}

/// What the sidebar and the notification center need, in one request.
#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query")]
pub struct OrganiseQuery {
    /// Archived ones too: the sidebar lists them apart, so they can be opened and restored.
    #[arguments(includeArchived: true)]
    pub projects: Vec<Project>,
    pub labels: Vec<Label>,
    pub invitations: Vec<Invitation>,
}

#[derive(cynic::InputObject, Debug, Clone, PartialEq)]
pub struct CreateProjectInput {
    pub name: String,
    pub color: Option<String>,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct CreateProjectVars {
    pub input: CreateProjectInput,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "CreateProjectVars")]
pub struct CreateProject {
    #[arguments(input: $input)]
    pub create_project: Project,
}

/// Only what is set is sent: a field left out stays as it is.
#[derive(cynic::InputObject, Debug, Clone, Default, PartialEq)]
pub struct UpdateProjectInput {
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub position: Option<i32>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub archived: Option<bool>,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct UpdateProjectVars {
    pub id: Id,
    pub input: UpdateProjectInput,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "UpdateProjectVars")]
pub struct UpdateProject {
    #[arguments(id: $id, input: $input)]
    #[allow(
        dead_code,
        reason = "a selection must name a field; the view reloads what it shows"
    )]
    pub update_project: Project,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "IdVars")]
pub struct DeleteProject {
    #[arguments(id: $id)]
    #[allow(
        dead_code,
        reason = "a selection must name a field; failures arrive as GraphQL errors"
    )]
    pub delete_project: bool,
}

#[derive(cynic::InputObject, Debug, Clone, PartialEq)]
pub struct CreateLabelInput {
    pub name: String,
    pub color: Option<String>,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct CreateLabelVars {
    pub input: CreateLabelInput,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "CreateLabelVars")]
pub struct CreateLabel {
    #[arguments(input: $input)]
    pub create_label: Label,
}

/// Moves a subtask among its siblings; nothing else of the task is sent.
#[derive(cynic::InputObject, Debug, Clone, PartialEq)]
#[cynic(graphql_type = "UpdateTaskInput")]
pub struct MoveTaskInput {
    pub position: Option<i32>,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct MoveTaskVars {
    pub id: Id,
    pub input: MoveTaskInput,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "MoveTaskVars")]
pub struct MoveTask {
    #[arguments(id: $id, input: $input)]
    pub update_task: Task,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct ShareVars {
    pub project_id: Id,
    pub email: String,
    pub role: ProjectRole,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "ShareVars")]
pub struct ShareProject {
    #[arguments(projectId: $project_id, email: $email, role: $role)]
    #[allow(
        dead_code,
        reason = "a selection must name a field; the view reloads what it shows"
    )]
    pub share_project: SentInvitation,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "IdVars")]
pub struct CancelInvitation {
    #[arguments(id: $id)]
    #[allow(
        dead_code,
        reason = "a selection must name a field; failures arrive as GraphQL errors"
    )]
    pub cancel_invitation: bool,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "IdVars")]
pub struct AcceptInvitation {
    #[arguments(id: $id)]
    pub accept_invitation: Project,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "IdVars")]
pub struct DeclineInvitation {
    #[arguments(id: $id)]
    #[allow(
        dead_code,
        reason = "a selection must name a field; failures arrive as GraphQL errors"
    )]
    pub decline_invitation: bool,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct MemberRoleVars {
    pub project_id: Id,
    pub user_id: Id,
    pub role: ProjectRole,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "MemberRoleVars")]
pub struct UpdateProjectMember {
    #[arguments(projectId: $project_id, userId: $user_id, role: $role)]
    #[allow(
        dead_code,
        reason = "a selection must name a field; the dialog refetches the members"
    )]
    pub update_project_member: ProjectMember,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct MemberVars {
    pub project_id: Id,
    pub user_id: Id,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "MemberVars")]
pub struct RemoveProjectMember {
    #[arguments(projectId: $project_id, userId: $user_id)]
    #[allow(
        dead_code,
        reason = "a selection must name a field; failures arrive as GraphQL errors"
    )]
    pub remove_project_member: bool,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query", variables = "IdVars")]
pub struct TaskQuery {
    #[arguments(id: $id)]
    pub task: Option<Task>,
}

// ---- Transport ----

/// What went wrong with a request, as the UI shows it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    /// `extensions.code`, e.g. `BAD_USER_INPUT`; `None` for network failures.
    pub code: Option<String>,
    /// `extensions.field`, e.g. `input.title`: where the form shows the message.
    pub field: Option<String>,
    pub message: String,
}

impl ApiError {
    fn network(message: impl Into<String>) -> Self {
        Self {
            code: None,
            field: None,
            message: message.into(),
        }
    }

    pub fn is_unauthenticated(&self) -> bool {
        self.code.as_deref() == Some("UNAUTHENTICATED")
    }
}

#[derive(serde::Deserialize)]
struct ErrorExtensions {
    code: Option<String>,
    field: Option<String>,
}

/// Sends one operation to `/graphql` as the signed-in user, renewing the session first
/// when it is due. A refused session token is renewed and the operation sent once more;
/// only when renewing fails does the session end, which returns the page to sign-in.
pub async fn run<Q, V>(operation: cynic::Operation<Q, V>) -> Result<Q, ApiError>
where
    Q: DeserializeOwned + 'static,
    V: Serialize,
{
    let body = serde_json::to_value(&operation).map_err(|e| ApiError::network(e.to_string()))?;
    let token = session::fresh_token().await;
    let answer = send_and_keep(&body, token.as_deref()).await;
    // Offline, a query answers with what this device last saw (the app says it is
    // offline); a change fails, as it must.
    if let Err(error) = &answer
        && error.code.is_none()
        && crate::offline::is_query(&body)
        && let Some(email) = session::email()
        && let Some(kept) = crate::offline::recall(&email, &body)
        && let Ok(data) = serde_json::from_value::<Q>(kept)
    {
        return Ok(data);
    }
    match answer {
        Err(error) if error.is_unauthenticated() && token.is_some() => {
            if session::renew().await.is_err() {
                return Err(error);
            }
            let retried = send_and_keep(&body, session::token().as_deref()).await;
            if retried.as_ref().is_err_and(ApiError::is_unauthenticated) {
                session::expire();
            }
            retried
        }
        answer => answer,
    }
}

/// Sends one operation without the session token: for `refreshSession` and `signOut`,
/// whose credential is the refresh token (an expired session token in the header would
/// be refused before they run).
pub async fn run_anonymous<Q, V>(operation: cynic::Operation<Q, V>) -> Result<Q, ApiError>
where
    Q: DeserializeOwned + 'static,
    V: Serialize,
{
    let body = serde_json::to_value(&operation).map_err(|e| ApiError::network(e.to_string()))?;
    send(&body, None).await
}

/// `send`, keeping a query's answer for when the app is offline.
async fn send_and_keep<Q: DeserializeOwned + 'static>(
    body: &serde_json::Value,
    token: Option<&str>,
) -> Result<Q, ApiError> {
    let data: serde_json::Value = send(body, token).await?;
    if crate::offline::is_query(body)
        && let Some(email) = session::email()
    {
        crate::offline::remember(&email, body, &data);
    }
    serde_json::from_value(data).map_err(|_| ApiError::network("Unexpected answer from the server"))
}

async fn send<Q: DeserializeOwned + 'static>(
    body: &serde_json::Value,
    token: Option<&str>,
) -> Result<Q, ApiError> {
    let mut request = gloo_net::http::Request::post("/graphql")
        .header("x-todo-source", "WEB")
        .header("accept", "application/json");
    if let Some(token) = token {
        request = request.header("authorization", &format!("Bearer {token}"));
    }
    let response = request
        .json(body)
        .map_err(|e| ApiError::network(e.to_string()))?
        .send()
        .await
        .map_err(|_| ApiError::network("The server cannot be reached. Check your connection."))?;
    let body: cynic::GraphQlResponse<Q, ErrorExtensions> = response.json().await.map_err(|_| {
        ApiError::network(format!(
            "Unexpected answer from the server ({})",
            response.status()
        ))
    })?;
    if let Some(error) = body.errors.and_then(|errors| errors.into_iter().next()) {
        let extensions = error.extensions;
        return Err(ApiError {
            code: extensions.as_ref().and_then(|e| e.code.clone()),
            field: extensions.and_then(|e| e.field),
            message: error.message,
        });
    }
    body.data
        .ok_or_else(|| ApiError::network("The server sent no data"))
}

pub fn id_of(id: &Id) -> String {
    id.inner().to_owned()
}

#[cfg(test)]
mod delivery_tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::{Delivery, DeliveryChannel as C, DeliveryStatus as S, delivery_summary};

    fn went(list: &[(C, S)]) -> Option<String> {
        let deliveries: Vec<Delivery> = list
            .iter()
            .map(|&(channel, status)| Delivery { channel, status })
            .collect();
        delivery_summary(&deliveries)
    }

    #[wasm_bindgen_test]
    fn says_where_a_reminder_went() {
        assert_eq!(went(&[]), None);
        assert_eq!(
            went(&[(C::Push, S::Sent)]).as_deref(),
            Some("Sent to 1 device")
        );
        assert_eq!(
            went(&[(C::Push, S::Sent), (C::Push, S::Sent), (C::Email, S::Sent)]).as_deref(),
            Some("Sent to 2 devices and by email")
        );
        assert_eq!(
            went(&[(C::Email, S::Pending), (C::Push, S::Gone)]).as_deref(),
            Some("1 still sending · 1 could not be delivered")
        );
    }
}
