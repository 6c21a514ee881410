//! Listing rows decoded by position.
//!
//! sea-orm's derived decoder finds each column of a row by name, and formats
//! `"{prefix}{name}"` to do so: a page of 50 tasks cost over a thousand strings and as
//! many hash lookups (docs/performance.md). A listing selects every column of its entity
//! in the entity's column order, so each field's value is at the field's position.

use sea_orm::{DbErr, QueryResult};

pub trait FromRowByPosition: Sized {
    /// The fields in the order they are read, which must be the entity's column order
    /// (each entity's test checks it).
    const FIELDS: &'static [&'static str];

    fn from_row(row: &QueryResult) -> Result<Self, DbErr>;
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
                    $($field: row.try_get_by_index(position.next().unwrap_or_default())?,)+
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
    category,
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
});

#[cfg(test)]
mod tests {
    use sea_orm::{EntityTrait, IdenStatic as _, Iterable as _};

    use super::FromRowByPosition;
    use crate::store::entities::{audit_entry, notification, task};

    fn columns<E: EntityTrait>() -> Vec<&'static str> {
        E::Column::iter().map(|column| column.as_str()).collect()
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
