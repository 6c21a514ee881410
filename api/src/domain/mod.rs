//! Pure types and rules: no I/O, no storage, no transport types.

pub mod event;
pub mod preferences;
pub mod recurrence;
pub mod reminder;
pub mod task;
pub mod user;
pub mod validation;

pub use recurrence::{
    NextOccurrence, Recurrence, RecurrenceMode, RecurrencePreset, SeriesEnd, SeriesPosition,
};
pub use task::{Priority, TaskFields};
pub use validation::ValidationError;
