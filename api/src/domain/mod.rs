//! Pure types and rules: no I/O, no storage, no transport types.

pub mod audit;
pub mod delivery;
pub mod digest;
pub mod email_action;
pub mod event;
pub mod local_time;
pub mod notification;
pub mod oauth;
pub mod preferences;
pub mod project;
pub mod push;
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

/// A stored or sent name that no value of `kind` has: the `FromStr` error of the domain's
/// enums. Their names come from strum (`Display`, `IntoStaticStr`, `EnumString`,
/// `VariantArray`), in SCREAMING_SNAKE_CASE as stored and sent; a stored name the code no
/// longer knows is an error when read, never a silent default.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} {name:?}")]
pub struct UnknownName {
    pub kind: &'static str,
    pub name: String,
}

impl UnknownName {
    /// The error for `name`, read as a `T`; `kind` is the type's own name.
    pub fn of<T>(name: &str) -> Self {
        let path = std::any::type_name::<T>();
        Self {
            kind: path.rsplit("::").next().unwrap_or(path),
            name: name.to_owned(),
        }
    }
}
