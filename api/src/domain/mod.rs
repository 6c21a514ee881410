//! Pure types and rules: no I/O, no storage, no transport types. Enums kept in text
//! columns derive sea-orm's `DeriveValueType`, which only says that they are stored as
//! their names.

/// For enums known by name (`as_str` and `parse`): `Display` writes the name and
/// `FromStr` reads it back, refusing names it does not know. sea-orm's `DeriveValueType`
/// stores such an enum as its name through these, so an unknown stored name is an error
/// on read, never a silent default.
macro_rules! known_by_name {
    ($($ty:ident),+ $(,)?) => {$(
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $ty {
            type Err = $crate::domain::UnknownName;

            fn from_str(name: &str) -> Result<Self, Self::Err> {
                Self::parse(name).ok_or_else(|| $crate::domain::UnknownName {
                    kind: stringify!($ty),
                    name: name.to_owned(),
                })
            }
        }
    )+};
}

pub mod event;
pub mod notification;
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

/// A stored or sent name that no value of `kind` has.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} {name:?}")]
pub struct UnknownName {
    pub kind: &'static str,
    pub name: String,
}
