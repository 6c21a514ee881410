//! Task field rules, shared by create and update.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

use super::recurrence::{RecurrenceMode, RecurrencePreset};
use super::validation::{ValidationError, bounded_text, multiline_text};

pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_DESCRIPTION_CHARS: usize = 2000;
pub const MAX_CATEGORY_CHARS: usize = 50;
/// A reminder lead longer than four weeks is almost certainly a unit mistake.
pub const MAX_REMIND_BEFORE_MINUTES: i32 = 40_320;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, strum::IntoStaticStr, strum::EnumString,
)]
#[strum(
    serialize_all = "SCREAMING_SNAKE_CASE",
    parse_err_ty = super::UnknownName,
    parse_err_fn = super::UnknownName::of::<Self>
)]
pub enum Priority {
    Low,
    Normal,
    High,
    Urgent,
}

impl Priority {
    /// Stored rank: ordering by it orders by urgency.
    pub fn rank(self) -> i16 {
        match self {
            Self::Low => 0,
            Self::Normal => 1,
            Self::High => 2,
            Self::Urgent => 3,
        }
    }

    pub fn from_rank(rank: i16) -> Option<Self> {
        match rank {
            0 => Some(Self::Low),
            1 => Some(Self::Normal),
            2 => Some(Self::High),
            3 => Some(Self::Urgent),
            _ => None,
        }
    }
}

/// A stored task: one occurrence of its series, if it recurs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Task {
    pub id: Uuid,
    pub user_id: Uuid,
    pub title: String,
    pub description: Option<String>,
    /// [`Priority::rank`].
    pub priority: Option<i16>,
    /// The project the task belongs to; an account's Inbox unless it was put elsewhere.
    pub project_id: Uuid,
    /// The task this one is a subtask of (one level: a subtask has no subtasks).
    pub parent_id: Option<Uuid>,
    /// Order among the subtasks of its parent.
    pub position: i32,
    /// The member of a shared project the task is assigned to.
    pub assignee_id: Option<Uuid>,
    pub due_at: Option<DateTime<Utc>>,
    /// An IANA name.
    pub time_zone: String,
    /// The canonical RRULE body.
    pub rrule: Option<String>,
    pub recurrence_preset: Option<RecurrencePreset>,
    pub recurrence_mode: Option<RecurrenceMode>,
    /// DTSTART of the series: the due date it counts from.
    pub recurrence_anchor: Option<DateTime<Utc>>,
    pub occurrence_number: i32,
    pub remind_before_minutes: Option<i32>,
    pub completed: bool,
    pub completed_at: Option<DateTime<Utc>>,
    pub series_id: Option<Uuid>,
    /// The occurrence whose completion created this one (its previous occurrence; not
    /// `parent_id`).
    pub parent_task_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When the reminder of this occurrence is due; none once sent or when none is.
    pub remind_at: Option<DateTime<Utc>>,
    /// The due date a reminder was last sent for.
    pub reminded_due_at: Option<DateTime<Utc>>,
    /// The reminder was snoozed until then (it fires then, even past the due date).
    pub snoozed_until: Option<DateTime<Utc>>,
    /// Due on a date, not at a time: `due_at` is local midnight in `time_zone`.
    pub all_day: bool,
}

impl Task {
    /// Whether nobody has touched this occurrence since it was created: it is open and
    /// its `updated_at` is still its `created_at`. Every change a person or agent makes
    /// (update, complete, uncomplete) stamps `updated_at`; what the system writes on its
    /// own (the reminder scheduler claiming or re-arming a reminder: `remind_at`,
    /// `reminded_due_at`) does not, so a sent reminder leaves an occurrence untouched.
    pub fn is_untouched(&self) -> bool {
        !self.completed && self.updated_at == self.created_at
    }

    /// The task's zone; a stored name that cannot be read any more falls back to UTC.
    pub fn zone(&self) -> Tz {
        parse_time_zone("timeZone", &self.time_zone).unwrap_or(Tz::UTC)
    }

    /// When the task becomes overdue: its due time, or the next local day for an
    /// all-day task.
    pub fn deadline(&self) -> Option<DateTime<Utc>> {
        self.due_at
            .map(|due| super::local_time::deadline(due, self.all_day, self.zone()))
    }
}

/// Rules for the fields of task input; errors name the field as `input.<field>`.
pub struct TaskFields;

impl TaskFields {
    pub fn title(value: &str) -> Result<String, ValidationError> {
        bounded_text("title", value, 1, MAX_TITLE_CHARS)
    }

    /// Blank descriptions and categories are stored as none.
    pub fn description(value: &str) -> Result<Option<String>, ValidationError> {
        let text = multiline_text("description", value, 0, MAX_DESCRIPTION_CHARS)?;
        Ok(Some(text).filter(|t| !t.is_empty()))
    }

    pub fn category(value: &str) -> Result<Option<String>, ValidationError> {
        let text = bounded_text("category", value, 0, MAX_CATEGORY_CHARS)?;
        Ok(Some(text).filter(|t| !t.is_empty()))
    }

    pub fn time_zone(value: &str) -> Result<Tz, ValidationError> {
        parse_time_zone("timeZone", value)
    }

    pub fn remind_before_minutes(value: i32) -> Result<i32, ValidationError> {
        if (0..=MAX_REMIND_BEFORE_MINUTES).contains(&value) {
            Ok(value)
        } else {
            Err(ValidationError::new(
                "remindBeforeMinutes",
                format!("must be between 0 and {MAX_REMIND_BEFORE_MINUTES}"),
            ))
        }
    }
}

/// Parses an IANA time zone name ("Europe/Berlin"); abbreviations like "CET" that the
/// database happens to know are accepted as IANA lists them.
pub fn parse_time_zone(field: &'static str, value: &str) -> Result<Tz, ValidationError> {
    value.trim().parse::<Tz>().map_err(|_| {
        ValidationError::new(
            field,
            format!("unknown time zone {value:?}; use an IANA name such as \"Europe/Berlin\""),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_trimmed_and_bounded() {
        assert_eq!(TaskFields::title("  Buy milk ").as_deref(), Ok("Buy milk"));
        assert!(TaskFields::title("   ").is_err());
        assert!(TaskFields::title(&"x".repeat(200)).is_ok());
        let error = TaskFields::title(&"x".repeat(201)).unwrap_err();
        assert_eq!(error.field, "title");
    }

    #[test]
    fn blank_optional_text_is_none() {
        assert_eq!(TaskFields::description(" "), Ok(None));
        assert!(TaskFields::description(&"d".repeat(2001)).is_err());
        assert!(TaskFields::category(&"c".repeat(51)).is_err());
    }

    #[test]
    fn titles_and_categories_are_single_line_descriptions_may_span_lines() {
        let error = TaskFields::title("Pay\u{8C} rent").unwrap_err();
        assert_eq!(error.field, "title");
        let error = TaskFields::category("home\nwork").unwrap_err();
        assert_eq!(error.field, "category");
        assert_eq!(
            TaskFields::description("Milk\r\n\tand eggs"),
            Ok(Some("Milk\n\tand eggs".to_owned()))
        );
        let error = TaskFields::description("Milk\u{0}").unwrap_err();
        assert_eq!(error.field, "description");
    }

    #[test]
    fn time_zones_must_be_iana() {
        assert!(TaskFields::time_zone("Europe/Berlin").is_ok());
        assert!(TaskFields::time_zone("Mars/Olympus").is_err());
    }

    #[test]
    fn priority_ranks_round_trip() {
        for p in [
            Priority::Low,
            Priority::Normal,
            Priority::High,
            Priority::Urgent,
        ] {
            assert_eq!(Priority::from_rank(p.rank()), Some(p));
        }
    }
}
