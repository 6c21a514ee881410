//! The tables as sea-orm sees them, and their conversions to and from the domain's
//! types. Columns holding an enum hold its name: it is written with `IntoStaticStr` and
//! read back with `FromStr`, and a name the code does not know fails the read.

use std::str::FromStr;
use std::sync::Arc;

use sea_orm::DbErr;

use crate::domain::UnknownName;

pub mod api_token;
pub mod audit_entry;
pub mod login_throttle;
pub mod notification;
pub mod outbox;
pub mod preferences;
pub mod processed_event;
pub mod task;
pub mod user;

/// The value an enum column names; an error, never a default, for a name it lacks.
fn from_name<T: FromStr<Err = UnknownName>>(name: &str) -> Result<T, DbErr> {
    name.parse()
        .map_err(|error: UnknownName| DbErr::TryIntoErr {
            from: "String",
            into: error.kind,
            source: Arc::new(error),
        })
}

/// What an enum column holds for `value`.
fn name_of<T: Into<&'static str>>(value: T) -> String {
    value.into().to_owned()
}
