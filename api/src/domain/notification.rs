//! Notifications and what they are about.

use chrono::{DateTime, Utc};
use strum::{Display, EnumString, IntoStaticStr, VariantArray};
use uuid::Uuid;

use super::UnknownName;

/// The kind of a notification; the service makes reminders, the others are for what
/// may come (system messages, actions to take).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Display, EnumString, IntoStaticStr, VariantArray)]
#[strum(
    serialize_all = "SCREAMING_SNAKE_CASE",
    parse_err_ty = UnknownName,
    parse_err_fn = UnknownName::of::<Self>
)]
pub enum NotificationKind {
    Reminder,
    System,
    Action,
}

/// A notification in the user's notification center.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub id: Uuid,
    pub user_id: Uuid,
    pub kind: NotificationKind,
    pub title: String,
    pub message: Option<String>,
    pub task_id: Option<Uuid>,
    /// For reminders: the due date reminded of (with the task, the deduplication key).
    pub due_at: Option<DateTime<Utc>>,
    pub read_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub archived_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use strum::VariantArray as _;

    use super::*;

    #[test]
    fn kinds_read_back_by_name_and_unknown_names_are_refused() {
        for &kind in NotificationKind::VARIANTS {
            assert_eq!(kind.to_string().parse::<NotificationKind>(), Ok(kind));
        }
        let error = "ALARM".parse::<NotificationKind>().unwrap_err();
        assert_eq!(error.to_string(), "unknown NotificationKind \"ALARM\"");
    }
}
