//! What the tools return: the API's objects in the API's own field names (camelCase),
//! so an agent can pass a value it read straight back as an argument. These types are
//! the selections of the GraphQL operations (checked against `api/schema.graphql` by
//! cynic at compile time) and are serialised as structured tool output; their doc
//! comments become the output schemas' descriptions.

use std::fmt::{self, Write as _};

use cynic::Id;
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use crate::operations::schema;

/// An instant as the API writes it: RFC 3339 in UTC. Its fields declare their output
/// schema as a string (`with = "String"`), so the schema an agent reads is unchanged.
#[derive(cynic::Scalar, Debug, Clone, PartialEq, Eq)]
pub struct DateTime(pub String);

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Any JSON value (an audit entry's snapshot of a task).
#[derive(cynic::Scalar, Debug, Clone, PartialEq)]
#[cynic(graphql_type = "JSON")]
pub struct Json(pub Value);

/// How important a task is. Omitted or null means no priority was set.
#[derive(
    cynic::Enum, strum::Display, strum::VariantArray, JsonSchema, Debug, Clone, Copy, PartialEq, Eq,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum Priority {
    /// "whenever", "someday", "no rush".
    Low,
    /// An ordinary task, when the user says it is normal priority.
    Normal,
    /// "important", "high priority".
    High,
    /// "urgent", "ASAP", "critical", "right away".
    Urgent,
}

/// A named recurrence rule.
#[derive(
    cynic::Enum, strum::Display, strum::VariantArray, JsonSchema, Debug, Clone, Copy, PartialEq, Eq,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum RecurrencePreset {
    /// Every day (`FREQ=DAILY`).
    Daily,
    /// Monday to Friday (`FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR`).
    Weekdays,
    /// Every week on the due date's weekday (`FREQ=WEEKLY`).
    Weekly,
    /// Every month on the due date's day; a series on the 29th-31st falls on the last day
    /// of shorter months and returns to its day after (`FREQ=MONTHLY`).
    Monthly,
    /// Every year on the due date (`FREQ=YEARLY`).
    Yearly,
    /// Any other rule, given as `rrule`.
    Custom,
}

/// What the next occurrence is counted from.
#[derive(
    cynic::Enum, strum::Display, strum::VariantArray, JsonSchema, Debug, Clone, Copy, PartialEq, Eq,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum RecurrenceMode {
    /// Default. Fixed calendar: the next occurrence is the rule's first instance after
    /// both the current due date and the moment of completion; missed instances are
    /// skipped, not piled up. "Every Monday" stays on Mondays however late it is done.
    FromDueDate,
    /// The rule restarts on the day the task is completed, at the task's usual time of
    /// day: with `FREQ=DAILY;INTERVAL=3`, done on Tuesday means due again on Friday.
    /// For chores like "water the plants 3 days after the last time".
    FromCompletion,
}

/// How a task repeats.
#[derive(cynic::QueryFragment, Serialize, JsonSchema, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct Recurrence {
    pub preset: RecurrencePreset,
    /// The canonical RFC 5545 RRULE body, e.g. `FREQ=WEEKLY;BYDAY=MO,WE`.
    pub rrule: String,
    pub mode: RecurrenceMode,
    /// The rule in words, e.g. "Every 2 weeks on Monday and Wednesday".
    pub description: String,
}

/// A task. One occurrence of a recurring series is one task; completing it creates
/// the next occurrence as a new task with its own id.
#[derive(cynic::QueryFragment, Serialize, JsonSchema, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    /// The task's id (a UUID): what get_task, update_task, complete_task,
    /// uncomplete_task, delete_task and get_task_history take.
    #[schemars(with = "String")]
    pub id: Id,
    pub title: String,
    pub description: Option<String>,
    pub priority: Option<Priority>,
    /// Deprecated: the name of the task's first label (categories are labels now).
    pub category: Option<String>,
    /// The project the task belongs to.
    pub project: TaskProject,
    /// The names of the task's labels, alphabetically.
    pub labels: Vec<TaskLabel>,
    /// The task this one is a subtask of; null for a top-level task.
    #[schemars(with = "Option<String>")]
    pub parent_id: Option<Id>,
    /// How many of its subtasks are done, of how many.
    pub subtask_progress: SubtaskProgress,
    /// When the task is due, an RFC 3339 instant in UTC (`Z`). Null: no due date.
    #[schemars(with = "Option<String>", extend("format" = "date-time"))]
    pub due_at: Option<DateTime>,
    /// Due on a date without a time: `dueAt` is local midnight of that date in
    /// `timeZone`, and the task is overdue from the next day.
    pub all_day: bool,
    /// IANA time zone the recurrence is computed in, e.g. "Europe/Berlin".
    pub time_zone: String,
    /// Null for a one-time task.
    pub recurrence: Option<Recurrence>,
    /// Minutes before `dueAt` the reminder fires; null means the user's default.
    pub remind_before_minutes: Option<i32>,
    /// When the reminder fires next; null when none is pending (sent, done, overdue,
    /// no due date, or reminders off).
    #[schemars(with = "Option<String>", extend("format" = "date-time"))]
    pub next_reminder_at: Option<DateTime>,
    /// The reminder was snoozed until then (snooze_task).
    #[schemars(with = "Option<String>", extend("format" = "date-time"))]
    pub snoozed_until: Option<DateTime>,
    pub completed: bool,
    #[schemars(with = "Option<String>", extend("format" = "date-time"))]
    pub completed_at: Option<DateTime>,
    /// The id of the first task of the recurring series this task belongs to.
    #[schemars(with = "Option<String>")]
    pub series_id: Option<Id>,
    /// The id of the occurrence whose completion created this one (a recurring series'
    /// previous occurrence; not `parentId`, the task this is a subtask of).
    #[schemars(with = "Option<String>")]
    pub parent_task_id: Option<Id>,
    /// 1 for the first occurrence of a series (and for one-time tasks).
    pub occurrence_number: i32,
    #[schemars(with = "String", extend("format" = "date-time"))]
    pub created_at: DateTime,
    #[schemars(with = "String", extend("format" = "date-time"))]
    pub updated_at: DateTime,
}

impl Task {
    /// One line an agent (or a person reading the transcript) can take in at a glance.
    pub fn summary(&self) -> String {
        let mut line = format!("\"{}\" (id {})", self.title, self.id.inner());
        if self.completed {
            line.push_str(", done");
        }
        if let Some(due) = &self.due_at {
            let _ = write!(line, ", due {due}");
            if self.all_day {
                line.push_str(" (all day)");
            }
            if self.time_zone != "UTC" {
                let _ = write!(line, " ({})", self.time_zone);
            }
        }
        if let Some(priority) = self.priority {
            let _ = write!(line, ", priority {priority}");
        }
        let _ = write!(line, ", in {}", self.project.name);
        if !self.labels.is_empty() {
            let names: Vec<&str> = self
                .labels
                .iter()
                .map(|label| label.name.as_str())
                .collect();
            let _ = write!(line, ", labels {}", names.join(", "));
        }
        if self.subtask_progress.total > 0 {
            let SubtaskProgress { done, total } = self.subtask_progress;
            let _ = write!(line, ", subtasks {done}/{total} done");
        }
        if let Some(parent) = &self.parent_id {
            let _ = write!(line, ", subtask of {}", parent.inner());
        }
        if let Some(recurrence) = &self.recurrence {
            let _ = write!(line, ", repeats: {}", recurrence.description);
        }
        line
    }
}

/// The project a task is in, as tasks show it.
#[derive(cynic::QueryFragment, Serialize, JsonSchema, Debug, Clone)]
#[cynic(graphql_type = "Project")]
pub struct TaskProject {
    /// What `project` arguments take, like the name.
    #[schemars(with = "String")]
    pub id: Id,
    pub name: String,
}

/// A label's name, as tasks show it: the `labels` arguments take these names.
#[derive(cynic::QueryFragment, Serialize, JsonSchema, Debug, Clone, PartialEq, Eq)]
#[cynic(graphql_type = "Label")]
#[serde(transparent)]
pub struct TaskLabel {
    pub name: String,
}

#[derive(cynic::QueryFragment, Serialize, JsonSchema, Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubtaskProgress {
    pub done: i32,
    pub total: i32,
}

/// The caller's role in a project.
#[derive(
    cynic::Enum, strum::Display, strum::VariantArray, JsonSchema, Debug, Clone, Copy, PartialEq, Eq,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum ProjectRole {
    /// Created it: changes everything, shares and deletes it.
    Owner,
    /// Shared with the user: reads and changes its tasks, not its settings.
    Editor,
    /// Shared with the user read-only: adding or changing its tasks is refused.
    Viewer,
}

/// A project: tasks belong to exactly one. Every user has one Inbox.
#[derive(cynic::QueryFragment, Serialize, JsonSchema, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct Project {
    /// What the `project` argument of add_task, update_task and list_tasks takes, like
    /// the name.
    #[schemars(with = "String")]
    pub id: Id,
    pub name: String,
    /// `#rrggbb`, or null.
    pub color: Option<String>,
    pub role: ProjectRole,
    /// Hidden from default lists; its tasks are kept.
    pub archived: bool,
    /// The user's default project, where tasks without a project go.
    pub is_inbox: bool,
    /// Open top-level tasks in it.
    pub open_task_count: i32,
}

impl Project {
    pub fn summary(&self) -> String {
        let mut line = format!(
            "\"{}\" (id {}), {} open task(s)",
            self.name,
            self.id.inner(),
            self.open_task_count
        );
        if self.is_inbox {
            line.push_str(", Inbox");
        }
        if self.role != ProjectRole::Owner {
            let _ = write!(line, ", shared with the user as {}", self.role);
        }
        if self.archived {
            line.push_str(", archived");
        }
        line
    }
}

/// The user's projects: the Inbox first, then in their manual order.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ProjectList {
    pub projects: Vec<Project>,
}

/// A label; a task can have many.
#[derive(cynic::QueryFragment, Serialize, JsonSchema, Debug, Clone)]
pub struct Label {
    #[schemars(with = "String")]
    pub id: Id,
    /// What the `labels` arguments take (any case).
    pub name: String,
    /// `#rrggbb`, or null.
    pub color: Option<String>,
}

/// The user's labels, by name.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct LabelList {
    pub labels: Vec<Label>,
}

/// One page of tasks.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TaskPage {
    pub tasks: Vec<Task>,
    /// How many tasks match the filters, across all pages.
    pub total_count: u64,
    /// True when more tasks follow: call list_tasks again with `after` = `endCursor`.
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
}

/// The completed task and, for a recurring task, the occurrence its completion created.
#[derive(cynic::QueryFragment, Serialize, JsonSchema, Debug, Clone)]
#[cynic(graphql_type = "CompleteTaskPayload")]
#[serde(rename_all = "camelCase")]
pub struct Completion {
    pub task: Task,
    /// The next occurrence (a new task with its own id); null for a one-time task or
    /// when the series has ended (COUNT reached or UNTIL passed).
    pub next_occurrence: Option<Task>,
}

/// A task with the occurrence its completion created, while that exists.
#[derive(cynic::QueryFragment, Debug, Clone)]
#[cynic(graphql_type = "Task")]
pub struct TaskAndNext {
    #[cynic(spread)]
    pub task: Task,
    pub next_occurrence: Option<Task>,
}

/// The outcome of uncomplete_task: the reopened task's fields, and what became of the
/// next occurrence its completion had created.
#[derive(Serialize, JsonSchema, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct Reopening {
    #[serde(flatten)]
    pub task: Task,
    /// Null when the task was open already, is one-time, or its completion created no
    /// next occurrence.
    pub next_occurrence: Option<NextOccurrenceFate>,
}

#[derive(Serialize, JsonSchema, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct NextOccurrenceFate {
    /// True: it was untouched and is gone, so the series continues from the reopened
    /// task. False: it was kept because someone changed or completed it; delete it with
    /// delete_task if it is not wanted.
    pub removed: bool,
    /// The next occurrence: as it was before its removal, or as it is now.
    pub task: Task,
}

/// The outcome of delete_task.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Deletion {
    /// Always true: a task that could not be deleted is reported as an error instead.
    pub deleted: bool,
    pub id: String,
}

#[derive(
    cynic::Enum, strum::Display, strum::VariantArray, JsonSchema, Debug, Clone, Copy, PartialEq, Eq,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum NotificationType {
    /// A task is due soon.
    Reminder,
    System,
    Action,
}

/// A notification in the user's notification center.
#[derive(cynic::QueryFragment, Serialize, JsonSchema, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    #[schemars(with = "String")]
    pub id: Id,
    #[cynic(rename = "type")]
    #[serde(rename = "type")]
    pub kind: NotificationType,
    pub title: String,
    pub message: Option<String>,
    /// The task it is about, if any (pass it to get_task).
    #[schemars(with = "Option<String>")]
    pub task_id: Option<Id>,
    pub read: bool,
    #[schemars(with = "String", extend("format" = "date-time"))]
    pub created_at: DateTime,
    #[schemars(with = "Option<String>", extend("format" = "date-time"))]
    pub read_at: Option<DateTime>,
}

/// One page of notifications, newest first.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct NotificationPage {
    pub notifications: Vec<Notification>,
    pub total_count: u64,
    /// True when more follow: call list_notifications again with `after` = `endCursor`.
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
}

#[derive(
    cynic::Enum, strum::Display, strum::VariantArray, JsonSchema, Debug, Clone, Copy, PartialEq, Eq,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum AuditAction {
    Create,
    Update,
    Complete,
    Uncomplete,
    Delete,
}

/// The channel a change came through.
#[derive(
    cynic::Enum, strum::Display, strum::VariantArray, JsonSchema, Debug, Clone, Copy, PartialEq, Eq,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum AuditSource {
    /// The web UI.
    Web,
    /// A GraphQL client or script.
    Graphql,
    /// An AI agent through this MCP server.
    Mcp,
    /// The service itself (e.g. a recurring task's next occurrence).
    System,
    /// A reminder's Complete or Snooze action (push notification or email).
    Reminder,
}

/// One recorded change to a task.
#[derive(cynic::QueryFragment, Serialize, JsonSchema, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    #[schemars(with = "String")]
    pub id: Id,
    pub action: AuditAction,
    pub entity_type: String,
    #[schemars(with = "String")]
    pub entity_id: Id,
    /// The task's fields before the change (null for a creation).
    #[schemars(with = "Option<Value>")]
    pub before: Option<Json>,
    /// The task's fields after the change (null for a deletion).
    #[schemars(with = "Option<Value>")]
    pub after: Option<Json>,
    /// For an update, the fields whose values changed.
    #[serde(default)]
    pub changed_fields: Vec<String>,
    pub source: AuditSource,
    /// The agent that made the change through an OAuth grant: the name it connected
    /// with (source MCP).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    /// When the change happened.
    #[schemars(with = "String", extend("format" = "date-time"))]
    pub at: DateTime,
    pub request_id: Option<String>,
}

/// One page of a task's history, newest first.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HistoryPage {
    #[schemars(with = "String")]
    pub task_id: Id,
    pub entries: Vec<AuditEntry>,
    pub total_count: u64,
    /// True when older entries follow: call get_task_history again with `after` =
    /// `endCursor`.
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use strum::VariantArray;

    use super::*;

    /// The names the summaries print (strum) are the ones the JSON carries (cynic).
    #[test]
    fn display_names_are_the_wire_names() {
        fn check<T: VariantArray + fmt::Display + Serialize>() {
            for value in T::VARIANTS {
                assert_eq!(
                    json!(value.to_string()),
                    serde_json::to_value(value).unwrap()
                );
            }
        }
        check::<Priority>();
        check::<RecurrencePreset>();
        check::<RecurrenceMode>();
        check::<NotificationType>();
        check::<AuditAction>();
        check::<AuditSource>();
        check::<ProjectRole>();
    }

    #[test]
    fn a_summary_uses_the_wire_names() {
        let task: Task = serde_json::from_value(json!({
            "id": "t-1", "title": "Pay rent", "description": null, "priority": "URGENT",
            "category": "home", "project": { "id": "p-1", "name": "Flat" },
            "labels": [{ "name": "home" }, { "name": "money" }], "parentId": null,
            "subtaskProgress": { "done": 1, "total": 3 },
            "dueAt": "2030-01-31T08:00:00Z", "allDay": false, "timeZone": "Europe/Berlin",
            "recurrence": { "preset": "MONTHLY", "rrule": "FREQ=MONTHLY", "mode": "FROM_DUE_DATE",
                            "description": "Monthly on the 31st" },
            "remindBeforeMinutes": null, "nextReminderAt": null, "snoozedUntil": null,
            "completed": false, "completedAt": null,
            "seriesId": "t-1", "parentTaskId": null, "occurrenceNumber": 1,
            "createdAt": "2030-01-01T00:00:00Z", "updatedAt": "2030-01-01T00:00:00Z",
        }))
        .unwrap();
        assert_eq!(
            task.summary(),
            "\"Pay rent\" (id t-1), due 2030-01-31T08:00:00Z (Europe/Berlin), priority URGENT, \
             in Flat, labels home, money, subtasks 1/3 done, repeats: Monthly on the 31st"
        );
        // Labels are plain names in the output, the way the `labels` arguments take them.
        let output = serde_json::to_value(&task).unwrap();
        assert_eq!(output["labels"], json!(["home", "money"]));
        assert_eq!(output["project"], json!({ "id": "p-1", "name": "Flat" }));
    }
}
