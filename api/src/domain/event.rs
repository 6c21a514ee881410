//! The events the service emits: CloudEvents 1.0 in JSON, with the record of a change
//! to a task as their data.

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use strum::{Display, EnumString, IntoStaticStr, VariantArray};
use uuid::Uuid;

use super::UnknownName;

pub const SPEC_VERSION: &str = "1.0";
pub const EVENT_SOURCE: &str = "todo-api";
pub const JSON_CONTENT_TYPE: &str = "application/json";

/// Topics on the bus.
pub mod topic {
    pub const AUDIT: &str = "todo.audit";
    pub const REMINDERS: &str = "todo.reminders";
}

/// What happened to a task.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    Display,
    EnumString,
    IntoStaticStr,
    VariantArray,
)]
#[strum(
    serialize_all = "SCREAMING_SNAKE_CASE",
    parse_err_ty = UnknownName,
    parse_err_fn = UnknownName::of::<Self>
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AuditAction {
    Create,
    Update,
    Complete,
    Uncomplete,
    Delete,
}

impl AuditAction {
    /// The CloudEvent `type` of a task event.
    pub fn event_type(self) -> &'static str {
        match self {
            Self::Create => "task.created",
            Self::Update => "task.updated",
            Self::Complete => "task.completed",
            Self::Uncomplete => "task.uncompleted",
            Self::Delete => "task.deleted",
        }
    }

    pub fn from_event_type(event_type: &str) -> Option<Self> {
        Self::VARIANTS
            .iter()
            .copied()
            .find(|a| a.event_type() == event_type)
    }
}

/// The channel a change came through.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    Display,
    EnumString,
    IntoStaticStr,
    VariantArray,
)]
#[strum(
    serialize_all = "SCREAMING_SNAKE_CASE",
    parse_err_ty = UnknownName,
    parse_err_fn = UnknownName::of::<Self>
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Source {
    Web,
    #[default]
    Graphql,
    Mcp,
    /// Changes the service makes itself, such as the next occurrence of a recurring task.
    System,
    /// A reminder's Complete or Snooze action: a push notification's button or an
    /// email's link.
    Reminder,
}

/// A CloudEvents 1.0 event in its JSON format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CloudEvent {
    pub specversion: String,
    pub id: Uuid,
    pub source: String,
    #[serde(rename = "type")]
    pub event_type: String,
    pub subject: Option<String>,
    pub time: DateTime<Utc>,
    pub datacontenttype: String,
    /// W3C trace context of the request that caused the event, when there was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traceparent: Option<String>,
    pub data: serde_json::Value,
}

/// The `data` of a task event: who changed what, through which channel, and the task
/// before and after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskChange {
    /// Who made the change.
    pub user_id: Uuid,
    pub task_id: Uuid,
    /// The task's project: its members see the change. Events written before projects
    /// existed lack it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<Uuid>,
    pub action: AuditAction,
    pub source: Source,
    /// The agent that made the change through an OAuth grant (its client's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    pub request_id: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl CloudEvent {
    pub fn task_change(
        change: &TaskChange,
        at: DateTime<Utc>,
        traceparent: Option<String>,
    ) -> Self {
        Self {
            specversion: SPEC_VERSION.to_owned(),
            id: Uuid::now_v7(),
            source: EVENT_SOURCE.to_owned(),
            event_type: change.action.event_type().to_owned(),
            subject: Some(change.task_id.to_string()),
            time: at,
            datacontenttype: JSON_CONTENT_TYPE.to_owned(),
            traceparent,
            data: serde_json::to_value(change).unwrap_or(serde_json::Value::Null),
        }
    }

    /// The task change this event carries, if it is a task event.
    pub fn task_change_data(&self) -> Result<TaskChange, EventError> {
        if AuditAction::from_event_type(&self.event_type).is_none() {
            return Err(EventError::UnknownType(self.event_type.clone()));
        }
        self.data_as()
    }

    /// The event's data read as `T`, from the event rather than from a copy of its data:
    /// a task event carries two snapshots of the task, and cloning them for every event
    /// of a batch would be the largest allocation the audit consumer makes
    /// (docs/performance.md).
    fn data_as<T: DeserializeOwned>(&self) -> Result<T, EventError> {
        T::deserialize(&self.data).map_err(|e| EventError::Malformed(e.to_string()))
    }
}

pub const REMINDER_EVENT_TYPE: &str = "task.reminder";

/// The `data` of a `task.reminder` event: a task's reminder is due.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReminderDue {
    pub user_id: Uuid,
    pub task_id: Uuid,
    pub title: String,
    pub due_at: DateTime<Utc>,
    /// The task is due all day; events written before all-day dates lack it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub all_day: bool,
    /// When the reminder was due; events written before this field existed lack it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remind_at: Option<DateTime<Utc>>,
    /// The reminder fires again after a snooze: the user's notification comes back
    /// unread, and every channel delivers it again.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub snoozed: bool,
}

impl CloudEvent {
    pub fn reminder(reminder: &ReminderDue, at: DateTime<Utc>) -> Self {
        Self {
            specversion: SPEC_VERSION.to_owned(),
            id: Uuid::now_v7(),
            source: EVENT_SOURCE.to_owned(),
            event_type: REMINDER_EVENT_TYPE.to_owned(),
            subject: Some(reminder.task_id.to_string()),
            time: at,
            datacontenttype: JSON_CONTENT_TYPE.to_owned(),
            traceparent: None,
            data: serde_json::to_value(reminder).unwrap_or(serde_json::Value::Null),
        }
    }

    /// The reminder this event carries, if it is a reminder event.
    pub fn reminder_data(&self) -> Result<ReminderDue, EventError> {
        if self.event_type != REMINDER_EVENT_TYPE {
            return Err(EventError::UnknownType(self.event_type.clone()));
        }
        self.data_as()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    #[error("unknown event type {0:?}")]
    UnknownType(String),
    #[error("malformed event: {0}")]
    Malformed(String),
}

/// The names of the top-level fields whose values differ between two snapshots.
pub fn changed_fields(before: &serde_json::Value, after: &serde_json::Value) -> Vec<String> {
    let (Some(before), Some(after)) = (before.as_object(), after.as_object()) else {
        return Vec::new();
    };
    let mut fields: Vec<String> = before
        .keys()
        .chain(after.keys())
        .filter(|key| before.get(*key) != after.get(*key))
        .cloned()
        .collect();
    fields.sort();
    fields.dedup();
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn task_events_round_trip_through_json() {
        let change = TaskChange {
            user_id: Uuid::now_v7(),
            task_id: Uuid::now_v7(),
            project_id: Some(Uuid::now_v7()),
            action: AuditAction::Update,
            source: Source::Mcp,
            agent: Some("Claude".into()),
            request_id: Some("req-1".into()),
            before: Some(json!({ "title": "old" })),
            after: Some(json!({ "title": "new" })),
        };
        let event = CloudEvent::task_change(&change, Utc::now(), None);
        assert_eq!(event.event_type, "task.updated");
        let json = serde_json::to_string(&event).unwrap();
        let back: CloudEvent = serde_json::from_str(&json).unwrap();
        assert_eq!(back.task_change_data().unwrap(), change);
        assert!(json.contains("\"specversion\":\"1.0\""));
        assert!(json.contains("\"type\":\"task.updated\""));
    }

    #[test]
    fn unknown_types_and_bad_data_are_refused() {
        let mut event = CloudEvent::task_change(
            &TaskChange {
                user_id: Uuid::nil(),
                task_id: Uuid::nil(),
                project_id: None,
                action: AuditAction::Create,
                source: Source::Web,
                agent: None,
                request_id: None,
                before: None,
                after: None,
            },
            Utc::now(),
            None,
        );
        event.data = json!({ "nonsense": true });
        assert!(matches!(
            event.task_change_data(),
            Err(EventError::Malformed(_))
        ));
        event.event_type = "task.exploded".into();
        assert!(matches!(
            event.task_change_data(),
            Err(EventError::UnknownType(_))
        ));
    }

    #[test]
    fn changed_fields_lists_differences() {
        let before = json!({ "title": "a", "priority": null, "same": 1 });
        let after = json!({ "title": "b", "priority": "HIGH", "same": 1 });
        assert_eq!(changed_fields(&before, &after), ["priority", "title"]);
    }
}
