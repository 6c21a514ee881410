//! Listing rows decoded by position.
//!
//! sea-orm's derived decoder finds each column of a row by name, and formats
//! `"{prefix}{name}"` to do so: a string and a hash lookup per column of every row
//! (docs/performance.md). A listing selects every column of its entity
//! in the entity's column order, so each field's value is at the field's position, and
//! its SQL type is the one the entity's migration gave that column.

use chrono::{DateTime, Utc};
use sea_orm::sqlx::error::UnexpectedNullError;
use sea_orm::sqlx::postgres::{PgValueFormat, PgValueRef};
use sea_orm::sqlx::{self, Decode, Postgres, Row as _, Sqlite, ValueRef as _};
use sea_orm::{DbErr, QueryResult, TryGetable};
use uuid::Uuid;

pub trait FromRowByPosition: Sized {
    /// The fields in the order they are read, which must be the entity's column order
    /// (each entity's test checks it).
    const FIELDS: &'static [&'static str];

    fn from_row(row: &QueryResult) -> Result<Self, DbErr>;
}

/// A field's value, read from the column at its position.
pub trait ColumnValue: Sized {
    fn read(row: &QueryResult, index: usize) -> Result<Self, DbErr>;
}

/// Types sqlx decodes alike on both databases are decoded without sqlx's type check.
///
/// `try_get` first asks whether the column's SQL type suits the Rust type, and for a
/// `String` that means comparing against `citext` by name. Skipping the checks and
/// sea-orm's wrapping of each value in an `Option`, with the timestamp conversion
/// below, is a measurable share of a PostgreSQL listing (docs/performance.md). The
/// column's type is known here (the listing selected the entity's own columns), and a
/// value that does not fit still fails to
/// decode, as a wrong length or invalid UTF-8.
macro_rules! decoded_by_sqlx {
    ($($ty:ty),+ $(,)?) => {
        $(impl ColumnValue for $ty {
            fn read(row: &QueryResult, index: usize) -> Result<Self, DbErr> {
                decode_unchecked(row, index)
            }
        })+
    };
}

decoded_by_sqlx!(Uuid, String, i16, i32, bool);

/// JSON, whose mapping sea-orm owns, is read through it.
impl ColumnValue for sea_orm::JsonValue {
    fn read(row: &QueryResult, index: usize) -> Result<Self, DbErr> {
        row.try_get_by_index(index)
    }
}

impl ColumnValue for DateTime<Utc> {
    /// On PostgreSQL a `timestamptz` arrives as microseconds since 2000-01-01 UTC. sqlx
    /// adds them to that epoch as a `chrono::Duration`, day arithmetic repeated for every
    /// value (four or more per task); one conversion from Unix microseconds is a
    /// fraction of that work, and refuses a value out of chrono's range
    /// (PostgreSQL's `infinity`) instead of overflowing.
    fn read(row: &QueryResult, index: usize) -> Result<Self, DbErr> {
        if let Some(pg) = row.try_as_pg_row() {
            let value = pg.try_get_raw(index).map_err(driver_error)?;
            if value.format() == PgValueFormat::Binary {
                return pg_timestamp(value).map_err(|source| decode_error(index, source));
            }
        }
        decode_unchecked(row, index)
    }
}

/// NULL is seen before anything is decoded: sea-orm decodes a NULL into an `Option` by
/// formatting an error message naming the column and then discarding it, for every NULL
/// of a page (a task has a dozen nullable columns, most of them NULL;
/// docs/performance.md).
impl<T: ColumnValue + TryGetable> ColumnValue for Option<T> {
    fn read(row: &QueryResult, index: usize) -> Result<Self, DbErr> {
        match is_null(row, index) {
            Some(true) => Ok(None),
            Some(false) => T::read(row, index).map(Some),
            None => row.try_get_by_index::<Option<T>>(index),
        }
    }
}

fn decode_unchecked<T>(row: &QueryResult, index: usize) -> Result<T, DbErr>
where
    T: TryGetable + for<'r> Decode<'r, Postgres> + for<'r> Decode<'r, Sqlite>,
{
    if let Some(row) = row.try_as_pg_row() {
        return decode_at(row, index);
    }
    if let Some(row) = row.try_as_sqlite_row() {
        return decode_at(row, index);
    }
    row.try_get_by_index(index)
}

/// The value at `index` decoded as `T`, whatever the column's declared type, but never
/// from NULL: SQLite would read a NULL integer as 0 and a NULL text as "".
fn decode_at<'r, R, T>(row: &'r R, index: usize) -> Result<T, DbErr>
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    T: Decode<'r, R::Database>,
{
    let value = row.try_get_raw(index).map_err(driver_error)?;
    if value.is_null() {
        return Err(decode_error(index, Box::new(UnexpectedNullError)));
    }
    T::decode(value).map_err(|source| decode_error(index, source))
}

/// Microseconds between the Unix epoch and PostgreSQL's, 2000-01-01T00:00:00Z.
const PG_EPOCH_UNIX_MICROS: i64 = 946_684_800_000_000;

fn pg_timestamp(value: PgValueRef<'_>) -> Result<DateTime<Utc>, sqlx::error::BoxDynError> {
    let bytes: [u8; 8] = value.as_bytes()?.try_into()?;
    let micros = i64::from_be_bytes(bytes);
    from_pg_micros(micros)
        .ok_or_else(|| format!("timestamp {micros} µs from 2000 is out of range").into())
}

fn from_pg_micros(micros: i64) -> Option<DateTime<Utc>> {
    micros
        .checked_add(PG_EPOCH_UNIX_MICROS)
        .and_then(DateTime::from_timestamp_micros)
}

/// Whether the value at `index` is NULL, when the driver's row can tell without
/// decoding it; `None` leaves the question (and any error) to sea-orm.
fn is_null(row: &QueryResult, index: usize) -> Option<bool> {
    if let Some(row) = row.try_as_pg_row() {
        return row.try_get_raw(index).ok().map(|value| value.is_null());
    }
    if let Some(row) = row.try_as_sqlite_row() {
        return row.try_get_raw(index).ok().map(|value| value.is_null());
    }
    None
}

fn driver_error(error: sqlx::Error) -> DbErr {
    DbErr::Query(sea_orm::RuntimeErr::SqlxError(error.into()))
}

fn decode_error(index: usize, source: sqlx::error::BoxDynError) -> DbErr {
    driver_error(sqlx::Error::ColumnDecode {
        index: index.to_string(),
        source,
    })
}

/// Implements [`FromRowByPosition`] for an entity's `Model`, given its fields in column
/// order. The struct literal names every field, so one left out does not compile.
macro_rules! from_row_by_position {
    ($model:ty { $($field:ident),+ $(,)? }) => {
        impl $crate::store::rows::FromRowByPosition for $model {
            const FIELDS: &'static [&'static str] = &[$(stringify!($field)),+];

            fn from_row(row: &sea_orm::QueryResult) -> Result<Self, sea_orm::DbErr> {
                let mut position = 0..;
                // Fields of a struct literal are evaluated in the order written.
                Ok(Self {
                    $($field: $crate::store::rows::ColumnValue::read(
                        row,
                        position.next().unwrap_or_default(),
                    )?,)+
                })
            }
        }
    };
}

from_row_by_position!(super::entities::task::Model {
    id,
    user_id,
    title,
    description,
    priority,
    project_id,
    parent_id,
    position,
    assignee_id,
    due_at,
    time_zone,
    rrule,
    recurrence_preset,
    recurrence_mode,
    recurrence_anchor,
    occurrence_number,
    remind_before_minutes,
    completed,
    completed_at,
    series_id,
    parent_task_id,
    created_at,
    updated_at,
    remind_at,
    reminded_due_at,
    snoozed_until,
    all_day,
});

from_row_by_position!(super::entities::label::Model {
    id,
    user_id,
    name,
    name_key,
    color,
    created_at,
});

from_row_by_position!(super::entities::notification::Model {
    id,
    user_id,
    kind,
    title,
    message,
    task_id,
    due_at,
    read_at,
    created_at,
    archived_at,
});

from_row_by_position!(super::entities::audit_entry::Model {
    id,
    event_id,
    user_id,
    action,
    entity_type,
    entity_id,
    before,
    after,
    changed_fields,
    source,
    request_id,
    at,
    project_id,
    agent,
});

#[cfg(test)]
mod tests {
    use sea_orm::{EntityTrait, IdenStatic as _, Iterable as _};

    use chrono::DateTime;

    use super::{ColumnValue as _, FromRowByPosition, from_pg_micros};
    use crate::store::entities::{audit_entry, label, notification, task};

    fn columns<E: EntityTrait>() -> Vec<&'static str> {
        E::Column::iter().map(|column| column.as_str()).collect()
    }

    #[tokio::test]
    async fn nullable_columns_read_null_as_none_and_values_as_some() -> Result<(), sea_orm::DbErr> {
        use sea_orm::{ConnectionTrait as _, Database, Statement};

        let db = Database::connect("sqlite::memory:").await?;
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT NULL, 7, 'seven', NULL",
            ))
            .await?
            .ok_or_else(|| sea_orm::DbErr::RecordNotFound("a row".into()))?;
        assert_eq!(Option::<i32>::read(&row, 0)?, None);
        assert_eq!(Option::<i32>::read(&row, 1)?, Some(7));
        assert_eq!(Option::<String>::read(&row, 2)?, Some("seven".to_owned()));
        assert_eq!(Option::<String>::read(&row, 3)?, None);
        assert!(
            Option::<i32>::read(&row, 4).is_err(),
            "past the last column"
        );
        assert!(
            i32::read(&row, 0).is_err(),
            "NULL in a column that needs a value"
        );
        Ok(())
    }

    #[test]
    fn postgres_timestamps_count_from_2000_and_refuse_what_chrono_cannot_hold() {
        let at = |text: &str| DateTime::parse_from_rfc3339(text).map(|t| t.to_utc()).ok();
        assert_eq!(from_pg_micros(0), at("2000-01-01T00:00:00Z"));
        assert_eq!(from_pg_micros(-1), at("1999-12-31T23:59:59.999999Z"));
        assert_eq!(
            from_pg_micros(848_966_400_123_456),
            at("2026-11-26T00:00:00.123456Z")
        );
        assert_eq!(from_pg_micros(i64::MAX), None, "PostgreSQL's infinity");
        assert_eq!(from_pg_micros(i64::MIN), None, "PostgreSQL's -infinity");
    }

    #[test]
    fn fields_are_read_in_column_order() {
        assert_eq!(task::Model::FIELDS, columns::<task::Entity>());
        assert_eq!(
            notification::Model::FIELDS,
            columns::<notification::Entity>()
        );
        assert_eq!(audit_entry::Model::FIELDS, columns::<audit_entry::Entity>());
        assert_eq!(label::Model::FIELDS, columns::<label::Entity>());
    }
}
