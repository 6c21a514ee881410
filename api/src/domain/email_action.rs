//! What the links of a reminder email do. Mail scanners open links, so a link only
//! shows a page; the page's button acts, once, with the link's token.

use chrono::{DateTime, Duration, Utc};
use strum::{Display, EnumString, IntoStaticStr, VariantArray};
use uuid::Uuid;

use super::UnknownName;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Display, EnumString, IntoStaticStr, VariantArray)]
#[strum(
    serialize_all = "SCREAMING_SNAKE_CASE",
    parse_err_ty = UnknownName,
    parse_err_fn = UnknownName::of::<Self>
)]
pub enum EmailAction {
    /// Completes the task.
    Complete,
    /// Snoozes the task's reminder for an hour.
    Snooze,
    /// Turns reminder emails and the daily digest off (the `List-Unsubscribe` link).
    Unsubscribe,
}

/// How long the link of an email keeps working.
pub const ACTION_TOKEN_TTL: Duration = Duration::days(7);
/// What the Snooze link of an email snoozes for.
pub const EMAIL_SNOOZE_MINUTES: i32 = 60;

impl EmailAction {
    /// The words of the page's button.
    pub fn verb(self) -> &'static str {
        match self {
            Self::Complete => "Complete",
            Self::Snooze => "Snooze",
            Self::Unsubscribe => "Unsubscribe",
        }
    }
}

/// What one link's token allows: one action, on one task (none for unsubscribing),
/// until it expires or is used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionGrant {
    pub user_id: Uuid,
    pub task_id: Option<Uuid>,
    pub action: EmailAction,
    pub expires_at: DateTime<Utc>,
}
