//! Pure types and rules: no I/O, no storage, no transport types.

/// Declares an enum known by name, with strum's derives: `Display` and `IntoStaticStr`
/// give a value's name (its variant in SCREAMING_SNAKE_CASE, as stored and sent),
/// `FromStr` reads a name back and refuses one it does not know with [`UnknownName`], and
/// `VariantArray` lists every value. Stored names are read back through `FromStr`, so one
/// the code no longer knows is an error, never a silent default.
macro_rules! known_by_name {
    ($(#[$attr:meta])* pub enum $name:ident { $($variants:tt)* }) => {
        $(#[$attr])*
        #[derive(strum::Display, strum::EnumString, strum::IntoStaticStr, strum::VariantArray)]
        #[strum(
            serialize_all = "SCREAMING_SNAKE_CASE",
            parse_err_ty = $crate::domain::UnknownName,
            parse_err_fn = $crate::domain::UnknownName::of::<Self>
        )]
        pub enum $name { $($variants)* }
    };
}

pub mod audit;
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

/// A stored or sent name that no value of `kind` has: the `FromStr` error of the enums
/// declared with `known_by_name!`.
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
