//! The tables as sea-orm sees them, and their conversions to and from the domain's
//! types. Columns holding an enum hold its name: it is written with `IntoStaticStr` and
//! read back with `FromStr`, and a name the code does not know fails the read.

use std::str::FromStr;
use std::sync::Arc;

use sea_orm::DbErr;

use crate::domain::UnknownName;

pub mod action_token;
pub mod api_token;
pub mod audit_entry;
pub mod calendar_feed;
pub mod delivery;
pub mod invitation;
pub mod label;
pub mod login_throttle;
pub mod notification;
pub mod oauth_client;
pub mod oauth_code;
pub mod oauth_grant;
pub mod oauth_token;
pub mod outbox;
pub mod preferences;
pub mod processed_event;
pub mod project;
pub mod project_member;
pub mod push_subscription;
pub mod refresh_token;
pub mod task;
pub mod task_label;
pub mod user;

/// The value an enum column names; an error, never a default, for a name it lacks.
pub(super) fn from_name<T: FromStr<Err = UnknownName>>(name: &str) -> Result<T, DbErr> {
    name.parse()
        .map_err(|error: UnknownName| DbErr::TryIntoErr {
            from: "String",
            into: error.kind,
            source: Arc::new(error),
        })
}

/// What an enum column holds for `value`.
pub(super) fn name_of<T: Into<&'static str>>(value: T) -> String {
    value.into().to_owned()
}

#[cfg(test)]
mod tests {
    use super::{from_name, name_of, task};
    use crate::domain::RecurrencePreset;
    use crate::domain::task::Task;
    use crate::domain::user::Scope;

    #[test]
    fn enum_columns_hold_names_and_refuse_names_the_code_does_not_know() {
        assert_eq!(name_of(Scope::Write), "WRITE");
        assert_eq!(from_name::<Scope>("WRITE").ok(), Some(Scope::Write));
        let error = from_name::<Scope>("ADMIN").err().map(|e| e.to_string());
        assert_eq!(
            error.as_deref(),
            Some("Error converting `String` into `Scope`: unknown Scope \"ADMIN\"")
        );
    }

    #[test]
    fn a_row_naming_an_unknown_preset_fails_to_read() {
        let stored = Task {
            recurrence_preset: Some(RecurrencePreset::Weekdays),
            ..Task::default()
        };
        let mut row = task::Model::from(stored.clone());
        assert_eq!(row.recurrence_preset.as_deref(), Some("WEEKDAYS"));
        assert_eq!(Task::try_from(row.clone()).ok(), Some(stored));
        row.recurrence_preset = Some("FORTNIGHTLY".to_owned());
        assert!(Task::try_from(row).is_err());
    }
}
