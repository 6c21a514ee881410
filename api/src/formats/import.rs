//! What an imported file holds, whatever its format, before the service checks it:
//! projects and labels by name, and tasks with their subtasks.

use chrono::{DateTime, Utc};

use crate::domain::preferences::PreferenceChanges;
use crate::domain::{Priority, RecurrenceMode, RecurrencePreset};

#[derive(Debug, Clone, Default)]
pub struct Import {
    pub projects: Vec<ImportedProject>,
    pub labels: Vec<ImportedLabel>,
    pub tasks: Vec<ImportedTask>,
    /// Settings carried over (our own export only).
    pub preferences: Option<PreferenceChanges>,
    /// What the file holds that is not imported, and why.
    pub skipped: Vec<Skipped>,
    /// How the file names its fields, for errors.
    pub vocabulary: Vocabulary,
}

/// The file format an import came in, which names the fields its errors point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Vocabulary {
    /// Our JSON: the API's own field names.
    #[default]
    Archive,
    Todoist,
    ICalendar,
}

impl Vocabulary {
    /// The file's name for a task field the service's rules refused (`dueAt`,
    /// `recurrence.rrule`, ...).
    pub fn field(self, field: &str) -> String {
        let recurrence = field == "dueAt" || field.starts_with("recurrence");
        let name = match self {
            Self::Archive => field,
            Self::Todoist => match field {
                "title" => "CONTENT",
                "description" => "DESCRIPTION",
                "timeZone" => "TIMEZONE",
                "labels" => "CONTENT",
                _ if recurrence => "DATE",
                other => other,
            },
            Self::ICalendar => match field {
                "title" => "SUMMARY",
                "description" => "DESCRIPTION",
                "timeZone" => "TZID",
                "labels" => "CATEGORIES",
                "dueAt" => "DUE",
                _ if recurrence => "RRULE",
                other => other,
            },
        };
        name.to_owned()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedProject {
    pub name: String,
    pub color: Option<String>,
    pub archived: bool,
    /// The exporting account's Inbox: its tasks go to the importing account's.
    pub inbox: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedLabel {
    pub name: String,
    pub color: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ImportedTask {
    /// Where the task is in the file, for errors: a line of CSV or iCalendar, the
    /// position of a task in our JSON (counting subtasks, from 1).
    pub line: usize,
    pub title: String,
    pub description: Option<String>,
    pub priority: Option<Priority>,
    /// A project's name; none: the Inbox.
    pub project: Option<String>,
    pub labels: Vec<String>,
    pub due_at: Option<DateTime<Utc>>,
    pub all_day: bool,
    /// An IANA name; none: the importing user's zone.
    pub time_zone: Option<String>,
    pub recurrence: Option<ImportedRecurrence>,
    pub remind_before_minutes: Option<i32>,
    /// Done, and when.
    pub completed_at: Option<DateTime<Utc>>,
    pub created_at: Option<DateTime<Utc>>,
    pub subtasks: Vec<ImportedTask>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedRecurrence {
    pub rrule: String,
    /// Kept as exported, so that a round trip keeps a CUSTOM rule's name.
    pub preset: Option<RecurrencePreset>,
    pub mode: RecurrenceMode,
    /// Where the series counts from, and which occurrence this is (our export only).
    pub anchor: Option<DateTime<Utc>>,
    pub occurrence_number: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    pub line: usize,
    pub reason: String,
}

/// A row the file gets wrong: the import is refused, naming it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, {field}: {message}")]
pub struct RowError {
    pub line: usize,
    /// The field as the file names it (`DATE`, `dueAt`, `SUMMARY`).
    pub field: String,
    pub message: String,
}

impl RowError {
    pub fn new(line: usize, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            line,
            field: field.into(),
            message: message.into(),
        }
    }
}
