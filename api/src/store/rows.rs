//! Listing rows decoded by position.
//!
//! sea-orm's derived decoder finds each column of a row by name, and formats
//! `"{prefix}{name}"` to do so: a page of 50 tasks cost over a thousand strings and as
//! many hash lookups (docs/performance.md). A listing selects every column of its entity
//! in the entity's column order, so each field's value is at the field's position.

use sea_orm::{DbErr, QueryResult, TryGetable};

pub trait FromRowByPosition: Sized {
    /// The fields in the order they are read, which must be the entity's column order
    /// (each entity's test checks it).
    const FIELDS: &'static [&'static str];

    fn from_row(row: &QueryResult) -> Result<Self, DbErr>;
}

/// The value at `index`, `None` for SQL NULL.
///
/// The NULL is seen before anything is decoded: sea-orm decodes a NULL into an `Option`
/// by formatting an error message naming the column and then discarding it, which on a
/// page of tasks (a dozen nullable columns, most of them NULL) was a seventh of the
/// listing's instructions (docs/performance.md).
pub fn nullable<T: TryGetable>(row: &QueryResult, index: usize) -> Result<Option<T>, DbErr> {
    match is_null(row, index) {
        Some(true) => Ok(None),
        Some(false) => row.try_get_by_index::<T>(index).map(Some),
        None => row.try_get_by_index::<Option<T>>(index),
    }
}

/// Whether the value at `index` is NULL, when the driver's row can tell without
/// decoding it; `None` leaves the question (and any error) to sea-orm.
fn is_null(row: &QueryResult, index: usize) -> Option<bool> {
    use sea_orm::sqlx::{Row as _, ValueRef as _};
    if let Some(row) = row.try_as_pg_row() {
        return row.try_get_raw(index).ok().map(|value| value.is_null());
    }
    if let Some(row) = row.try_as_sqlite_row() {
        return row.try_get_raw(index).ok().map(|value| value.is_null());
    }
    None
}

/// Implements [`FromRowByPosition`] for an entity's `Model`, given its fields in column
/// order, each `Option` field marked `: nullable`. The struct literal names every field,
/// so one left out does not compile; a non-`Option` field marked nullable does not
/// compile either.
macro_rules! from_row_by_position {
    ($model:ty { $($field:ident $(: $nullable:ident)?),+ $(,)? }) => {
        impl $crate::store::rows::FromRowByPosition for $model {
            const FIELDS: &'static [&'static str] = &[$(stringify!($field)),+];

            fn from_row(row: &sea_orm::QueryResult) -> Result<Self, sea_orm::DbErr> {
                let mut position = 0..;
                // Fields of a struct literal are evaluated in the order written.
                Ok(Self {
                    $($field: read_column!(
                        row,
                        position.next().unwrap_or_default()
                        $(, $nullable)?
                    )?,)+
                })
            }
        }
    };
}

macro_rules! read_column {
    ($row:ident, $index:expr) => {
        $row.try_get_by_index($index)
    };
    ($row:ident, $index:expr, nullable) => {
        $crate::store::rows::nullable($row, $index)
    };
}

from_row_by_position!(super::entities::task::Model {
    id,
    user_id,
    title,
    description: nullable,
    priority: nullable,
    category: nullable,
    due_at: nullable,
    time_zone,
    rrule: nullable,
    recurrence_preset: nullable,
    recurrence_mode: nullable,
    recurrence_anchor: nullable,
    occurrence_number,
    remind_before_minutes: nullable,
    completed,
    completed_at: nullable,
    series_id: nullable,
    parent_task_id: nullable,
    created_at,
    updated_at,
    remind_at: nullable,
    reminded_due_at: nullable,
});

from_row_by_position!(super::entities::notification::Model {
    id,
    user_id,
    kind,
    title,
    message: nullable,
    task_id: nullable,
    due_at: nullable,
    read_at: nullable,
    created_at,
    archived_at: nullable,
});

from_row_by_position!(super::entities::audit_entry::Model {
    id,
    event_id,
    user_id,
    action,
    entity_type,
    entity_id,
    before: nullable,
    after: nullable,
    changed_fields: nullable,
    source,
    request_id: nullable,
    at,
});

#[cfg(test)]
mod tests {
    use sea_orm::{EntityTrait, IdenStatic as _, Iterable as _};

    use super::FromRowByPosition;
    use crate::store::entities::{audit_entry, notification, task};

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
        assert_eq!(super::nullable::<i32>(&row, 0)?, None);
        assert_eq!(super::nullable::<i32>(&row, 1)?, Some(7));
        assert_eq!(
            super::nullable::<String>(&row, 2)?,
            Some("seven".to_owned())
        );
        assert_eq!(super::nullable::<String>(&row, 3)?, None);
        assert!(
            super::nullable::<i32>(&row, 4).is_err(),
            "past the last column"
        );
        Ok(())
    }

    #[test]
    fn fields_are_read_in_column_order() {
        assert_eq!(task::Model::FIELDS, columns::<task::Entity>());
        assert_eq!(
            notification::Model::FIELDS,
            columns::<notification::Entity>()
        );
        assert_eq!(audit_entry::Model::FIELDS, columns::<audit_entry::Entity>());
    }
}
