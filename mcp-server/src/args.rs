//! The tools' arguments. Their doc comments and examples are the input schemas an
//! agent reads, so they say what each value means and how to write it. Every call is
//! checked against the schema before it runs (`validation`), so the bounds declared
//! here (`length`, `range`) are enforced, and unknown arguments are refused (a misspelt
//! `due_date` must not be silently ignored).

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer};

use crate::model::{Priority, RecurrenceMode, RecurrencePreset};
use crate::operations::schema;

/// How a task repeats: give either `preset` or `rrule`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(example = recurrence_example_weekly(), example = recurrence_example_rrule())]
pub struct RecurrenceArgs {
    /// A named rule. WEEKLY repeats on the due date's weekday, MONTHLY on its day of the
    /// month, YEARLY on its date. Use CUSTOM (or just omit `preset`) with `rrule` for
    /// anything else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<RecurrencePreset>,
    /// An RFC 5545 RRULE body without DTSTART (the series starts at `dueAt`) and without
    /// the `RRULE:` prefix. At most hourly. Examples: `FREQ=WEEKLY;BYDAY=MO,WE` (Mondays
    /// and Wednesdays), `FREQ=WEEKLY;INTERVAL=2;BYDAY=MO` (every other Monday),
    /// `FREQ=MONTHLY;BYMONTHDAY=-1` (last day of each month),
    /// `FREQ=MONTHLY;BYDAY=MO;BYSETPOS=2` (second Monday of each month),
    /// `FREQ=MONTHLY;BYDAY=-1FR` (last Friday), `FREQ=DAILY;INTERVAL=3;COUNT=5` (every 3
    /// days, 5 times), `FREQ=WEEKLY;BYDAY=FR;UNTIL=20270630T235959Z` (Fridays until the
    /// end of June 2027).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rrule: Option<String>,
    /// FROM_DUE_DATE (default) keeps a fixed calendar; FROM_COMPLETION counts from when
    /// the task is actually done ("3 days after I last did it").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<RecurrenceMode>,
}

fn recurrence_example_weekly() -> serde_json::Value {
    serde_json::json!({ "preset": "WEEKLY" })
}

fn recurrence_example_rrule() -> serde_json::Value {
    serde_json::json!({ "rrule": "FREQ=DAILY;INTERVAL=3", "mode": "FROM_COMPLETION" })
}

/// Arguments of add_task.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(
    example = add_example_simple(),
    example = add_example_text(),
    example = add_example_recurring(),
)]
pub struct AddTaskArgs {
    /// What to do, 1 to 200 characters. Give `title` or `text`, not both.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 200))]
    pub title: Option<String>,
    /// Instead of `title` and the fields, the user's own words, read by the service's
    /// quick add in the user's time zone: "Pay rent every month on the last day at 9am p1
    /// #Home @bills remind me 1 hour before". Dates, times, recurrence ("every other
    /// tuesday", "every month on the 15th", "until june 30"), p1-p4, `#Project` (an
    /// existing project) and `@label` are recognised; the rest is the title. Fields given
    /// beside it win over what the text says. The answer says what was understood. 1 to
    /// 200 characters, as a title is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 200), example = &"Call mom every other sunday at 6pm p2 @family")]
    pub text: Option<String>,
    /// Details, at most 2000 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 2000))]
    pub description: Option<String>,
    /// Omit unless the user expresses urgency or importance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    /// Deprecated: use `labels`. A category is a label now; this one is added to the
    /// task's labels (created if missing), at most 50 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 50), extend("deprecated" = true))]
    pub category: Option<String>,
    /// The project to put the task in: a project's name (any case, e.g. "Work") or its
    /// id. Omit it for the Inbox (a subtask goes to its parent's project). A name that
    /// no project has is refused with the list of the user's projects; create a new one
    /// with create_project first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"Work")]
    pub project: Option<String>,
    /// Label names (any case), e.g. ["errand", "home"]. Labels the user does not have
    /// yet are created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(inner(length(min = 1, max = 50)))]
    pub labels: Option<Vec<String>>,
    /// Makes the new task a subtask of this task (its id). One level only: a subtask
    /// cannot have subtasks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    /// When the task is due: an RFC 3339 date-time with an explicit offset. Write it in
    /// the task's time zone, e.g. `2027-03-01T09:00:00+01:00` for 09:00 in Berlin in
    /// winter, or `2027-03-01T08:00:00Z` in UTC. Required for a recurring task: it is the
    /// first occurrence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("format" = "date-time"), example = &"2027-03-01T09:00:00+01:00")]
    pub due_at: Option<String>,
    /// Due on the date of `dueAt` without a time ("on Friday", "tomorrow"): the
    /// reminder comes at the user's all-day time, and it is overdue from the next day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all_day: Option<bool>,
    /// IANA time zone name such as "Europe/Berlin" or "America/New_York" (not "CET" or
    /// "PST"). Recurrences keep their local time of day in this zone across daylight
    /// saving changes. Omit it for the user's preferred time zone (their preferences; UTC
    /// unless they chose another).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"Europe/Berlin")]
    pub time_zone: Option<String>,
    /// Makes the task repeat. Needs `dueAt`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<RecurrenceArgs>,
    /// Minutes before `dueAt` to remind the user (0 to 40320); omit for the user's
    /// default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 40320))]
    pub remind_before_minutes: Option<i32>,
}

fn add_example_simple() -> serde_json::Value {
    serde_json::json!({ "title": "Buy milk" })
}

fn add_example_text() -> serde_json::Value {
    serde_json::json!({ "text": "Water the plants every 3 days at 8am @home" })
}

fn add_example_recurring() -> serde_json::Value {
    serde_json::json!({
        "title": "Team stand-up",
        "dueAt": "2027-03-01T09:30:00+01:00",
        "timeZone": "Europe/Berlin",
        "recurrence": { "preset": "WEEKDAYS" },
        "priority": "HIGH",
        "project": "Work",
        "labels": ["meetings"]
    })
}

/// `Some(None)` for an explicit null (clear the field), `None` when the field is absent
/// (keep it). Serde alone folds both into `None`.
fn explicit_null<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// Arguments of update_task: the task's `id` and only the fields to change. An omitted
/// field is kept; a field set to null is cleared.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(
    example = update_example_rrule(),
    example = update_example_clear(),
)]
pub struct UpdateTaskArgs {
    /// The id of the task to change.
    #[serde(skip_serializing)]
    pub id: String,
    /// New title, 1 to 200 characters. Cannot be cleared, so null is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String", length(min = 1, max = 200))]
    pub title: Option<String>,
    /// New details (at most 2000 characters), or null to remove them.
    #[serde(
        default,
        deserialize_with = "explicit_null",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(length(max = 2000))]
    pub description: Option<Option<String>>,
    /// New priority, or null to remove it.
    #[serde(
        default,
        deserialize_with = "explicit_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub priority: Option<Option<Priority>>,
    /// Deprecated: use `labels`. A category is a label now: a name (at most 50
    /// characters) sets the labels to that one label (added to `labels` when both are
    /// given), null removes all labels.
    #[serde(
        default,
        deserialize_with = "explicit_null",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(length(max = 50), extend("deprecated" = true))]
    pub category: Option<Option<String>>,
    /// Move the task to this project: a project's name (any case) or its id. A name
    /// that no project has is refused with the list of the user's projects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub project: Option<String>,
    /// The task's labels by name (any case); replaces the whole set, `[]` removes
    /// them all. Labels the user does not have yet are created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Vec<String>", inner(length(min = 1, max = 50)))]
    pub labels: Option<Vec<String>>,
    /// New due date (RFC 3339 with offset, e.g. `2027-03-01T09:00:00+01:00`), or null
    /// for no due date (a recurring task needs one: clear `recurrence` too). A new due
    /// date restarts a recurring series from it.
    #[serde(
        default,
        deserialize_with = "explicit_null",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(extend("format" = "date-time"))]
    pub due_at: Option<Option<String>>,
    /// true: due on the date of `dueAt` without a time; false: at its time again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all_day: Option<bool>,
    /// New IANA time zone ("Europe/Berlin"), or null for the user's preferred time zone
    /// (their preferences; UTC unless they chose another).
    #[serde(
        default,
        deserialize_with = "explicit_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub time_zone: Option<Option<String>>,
    /// A new rule (replaces the whole recurrence and restarts the series from `dueAt`),
    /// or null to make the task one-time.
    #[serde(
        default,
        deserialize_with = "explicit_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub recurrence: Option<Option<RecurrenceArgs>>,
    /// New reminder lead time in minutes (0 to 40320), or null for the user's default.
    #[serde(
        default,
        deserialize_with = "explicit_null",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(range(min = 0, max = 40320))]
    pub remind_before_minutes: Option<Option<i32>>,
}

fn update_example_rrule() -> serde_json::Value {
    serde_json::json!({
        "id": "01970f3a-5b6c-7d8e-9f00-112233445566",
        "recurrence": { "rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE" }
    })
}

fn update_example_clear() -> serde_json::Value {
    serde_json::json!({
        "id": "01970f3a-5b6c-7d8e-9f00-112233445566",
        "recurrence": null,
        "dueAt": null,
        "priority": null
    })
}

/// Which field list_tasks sorts by.
#[derive(cynic::Enum, JsonSchema, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TaskOrderField {
    /// When the task was created (default).
    CreatedAt,
    /// Due date; tasks without one come last.
    DueAt,
    /// Priority.
    Priority,
    /// Title, alphabetically.
    Title,
}

#[derive(cynic::Enum, JsonSchema, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderDirection {
    /// Ascending: oldest, earliest due, lowest priority or A first.
    Asc,
    /// Descending (default).
    Desc,
}

/// Arguments of list_tasks. Every filter is optional and they combine with AND.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(
    example = list_example_today(),
    example = list_example_overdue(),
    example = list_example_project(),
)]
pub struct ListTasksArgs {
    /// true: only completed tasks; false: only open ones; omit for both.
    #[serde(default)]
    pub completed: Option<bool>,
    #[serde(default)]
    pub priority: Option<Priority>,
    /// Deprecated: use `labels`. Tasks with the label of this name, e.g. "work".
    #[serde(default)]
    #[schemars(extend("deprecated" = true))]
    pub category: Option<String>,
    /// Only tasks in this project: its name (any case) or id. A name that no project
    /// has is refused with the list of the user's projects.
    #[serde(default)]
    pub project: Option<String>,
    /// Only tasks that have all of these labels, by name (any case). A name that no
    /// label has is refused with the list of the user's labels.
    #[serde(default)]
    pub labels: Option<Vec<String>>,
    /// List the subtasks of this task (its id) instead of top-level tasks; without it
    /// only top-level tasks are listed (each with its `subtaskProgress`).
    #[serde(default)]
    pub parent_id: Option<String>,
    /// Only tasks due strictly before this RFC 3339 instant.
    #[serde(default)]
    #[schemars(extend("format" = "date-time"))]
    pub due_before: Option<String>,
    /// Only tasks due at or after this RFC 3339 instant.
    #[serde(default)]
    #[schemars(extend("format" = "date-time"))]
    pub due_after: Option<String>,
    /// true: only open tasks whose due date has passed.
    #[serde(default)]
    pub overdue: Option<bool>,
    /// true: only repeating tasks; false: only one-time tasks.
    #[serde(default)]
    pub recurring: Option<bool>,
    /// Case-insensitive text to find in the title or description.
    #[serde(default)]
    pub search: Option<String>,
    /// Sort field; default CREATED_AT.
    #[serde(default)]
    pub order_by: Option<TaskOrderField>,
    /// Sort direction; default DESC.
    #[serde(default)]
    pub direction: Option<OrderDirection>,
    /// Page size, 1 to 200; default 50.
    #[serde(default)]
    #[schemars(range(min = 1, max = 200))]
    pub first: Option<u32>,
    /// `endCursor` of the previous page, to fetch the next one (keep the same filters
    /// and order).
    #[serde(default)]
    pub after: Option<String>,
}

fn list_example_today() -> serde_json::Value {
    serde_json::json!({
        "completed": false,
        "dueAfter": "2027-03-01T00:00:00+01:00",
        "dueBefore": "2027-03-02T00:00:00+01:00",
        "orderBy": "DUE_AT",
        "direction": "ASC"
    })
}

fn list_example_overdue() -> serde_json::Value {
    serde_json::json!({ "overdue": true, "orderBy": "PRIORITY", "direction": "DESC" })
}

fn list_example_project() -> serde_json::Value {
    serde_json::json!({ "project": "Work", "labels": ["urgent-client"], "completed": false })
}

/// A task id.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TaskIdArgs {
    /// The task's id (a UUID, as returned by add_task or list_tasks).
    #[schemars(example = &"01970f3a-5b6c-7d8e-9f00-112233445566")]
    pub id: String,
}

/// Arguments of snooze_task: for how long, or until when (one of the two).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(example = snooze_example_minutes(), example = snooze_example_until())]
pub struct SnoozeTaskArgs {
    /// The task's id (a UUID, as returned by add_task or list_tasks).
    pub id: String,
    /// Remind again in this many minutes (1 to 525600). Give this or `until`.
    #[schemars(range(min = 1, max = 525_600))]
    pub minutes: Option<i32>,
    /// Remind again at this RFC 3339 instant, within the coming year (e.g. tomorrow
    /// 09:00 in the user's zone, converted). Give this or `minutes`.
    #[schemars(extend("format" = "date-time"))]
    pub until: Option<String>,
}

fn snooze_example_minutes() -> serde_json::Value {
    serde_json::json!({ "id": "01970f3a-5b6c-7d8e-9f00-112233445566", "minutes": 60 })
}

fn snooze_example_until() -> serde_json::Value {
    serde_json::json!({ "id": "01970f3a-5b6c-7d8e-9f00-112233445566", "until": "2030-01-08T08:00:00Z" })
}

/// Arguments of list_projects.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListProjectsArgs {
    /// true: archived projects too; default false.
    #[serde(default)]
    pub include_archived: Option<bool>,
}

/// Arguments of create_project.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(example = create_project_example())]
pub struct CreateProjectArgs {
    /// 1 to 100 characters, unique among the user's projects regardless of case.
    #[schemars(length(min = 1, max = 100))]
    pub name: String,
    /// `#rrggbb`, e.g. `#3b82f6`.
    #[serde(default)]
    #[schemars(regex(pattern = r"^#[0-9a-fA-F]{6}$"))]
    pub color: Option<String>,
}

fn create_project_example() -> serde_json::Value {
    serde_json::json!({ "name": "Garden", "color": "#22c55e" })
}

/// No arguments.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
// An empty `properties` makes an unknown argument the validator's "no such argument"
// (it lists the known ones) rather than a bare refusal without the argument's name.
#[schemars(extend("properties" = {}))]
pub struct NoArgs {}

/// Arguments of list_notifications.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListNotificationsArgs {
    /// true: only unread notifications.
    #[serde(default)]
    pub unread_only: Option<bool>,
    /// Page size, 1 to 200; default 50.
    #[serde(default)]
    #[schemars(range(min = 1, max = 200))]
    pub first: Option<u32>,
    /// `endCursor` of the previous page.
    #[serde(default)]
    pub after: Option<String>,
}

/// Arguments of get_task_history.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TaskHistoryArgs {
    /// The task's id.
    pub id: String,
    /// Page size, 1 to 200; default 50.
    #[serde(default)]
    #[schemars(range(min = 1, max = 200))]
    pub first: Option<u32>,
    /// `endCursor` of the previous page.
    #[serde(default)]
    pub after: Option<String>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn update_keeps_absent_fields_and_clears_null_ones() {
        let args: UpdateTaskArgs = serde_json::from_value(json!({
            "id": "t1",
            "title": "Renamed",
            "recurrence": null,
            "dueAt": null,
        }))
        .unwrap();
        assert_eq!(args.recurrence.as_ref().map(Option::is_none), Some(true));
        assert_eq!(args.due_at, Some(None));
        assert!(args.priority.is_none());
    }

    #[test]
    fn misspelt_arguments_are_refused() {
        let error = serde_json::from_value::<AddTaskArgs>(json!({
            "title": "Pay rent",
            "due_date": "2027-01-31T09:00:00Z",
        }))
        .unwrap_err();
        assert!(error.to_string().contains("due_date"), "{error}");
    }

    #[test]
    fn the_examples_are_valid_arguments() {
        for example in [add_example_simple(), add_example_recurring()] {
            serde_json::from_value::<AddTaskArgs>(example).unwrap();
        }
        for example in [update_example_rrule(), update_example_clear()] {
            serde_json::from_value::<UpdateTaskArgs>(example).unwrap();
        }
        for example in [
            list_example_today(),
            list_example_overdue(),
            list_example_project(),
        ] {
            serde_json::from_value::<ListTasksArgs>(example).unwrap();
        }
        for example in [recurrence_example_weekly(), recurrence_example_rrule()] {
            serde_json::from_value::<RecurrenceArgs>(example).unwrap();
        }
        serde_json::from_value::<CreateProjectArgs>(create_project_example()).unwrap();
    }
}
