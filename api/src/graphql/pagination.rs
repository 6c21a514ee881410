//! Relay connections, from async-graphql's own `connection` types: a service `Page`
//! becomes edges with opaque cursors, `PageInfo`, and whatever a listing adds beside
//! them (its `totalCount`).

use async_graphql::connection::{
    Connection, CursorType as _, DefaultConnectionName, DefaultEdgeName, DisableNodesField, Edge,
    EmptyFields, OpaqueCursor,
};
use async_graphql::{Context, ObjectType, OutputType};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::domain::ValidationError;
use crate::service::pagination::{Cursor, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page};

/// A listing of `N` nodes resuming at positions `P`, with `F` beside its edges. Lists
/// page forward only, so `hasPreviousPage` is always false.
pub type Listing<P, N, F> = Connection<
    OpaqueCursor<Cursor<P>>,
    N,
    F,
    EmptyFields,
    DefaultConnectionName,
    DefaultEdgeName,
    DisableNodesField,
>;

/// The `after` argument as the service takes it; refused by name when it is not a
/// cursor this server issued.
pub fn after<P: Serialize + DeserializeOwned>(
    after: Option<&str>,
) -> Result<Option<Cursor<P>>, ValidationError> {
    after
        .map(|text| {
            OpaqueCursor::<Cursor<P>>::decode_cursor(text.trim())
                .map(|cursor| cursor.0)
                .map_err(|_| ValidationError::new("after", "is not a cursor from this list"))
        })
        .transpose()
}

/// A page from the service as a connection of `node(item)`s with `fields` beside it.
pub fn listing<P, T, N, F>(
    page: Page<T, P>,
    fields: F,
    mut node: impl FnMut(T) -> N,
) -> Listing<P, N, F>
where
    P: Serialize + DeserializeOwned + Send + Sync,
    N: OutputType,
    F: ObjectType,
{
    let mut connection = Connection::with_additional_fields(false, page.has_next_page, fields);
    connection.edges.extend(
        page.items
            .into_iter()
            .map(|(cursor, item)| Edge::new(OpaqueCursor(cursor), node(item))),
    );
    connection
}

/// Whether the listing being resolved selects `totalCount`, so that the service counts
/// with the page instead of in a query of its own.
pub fn wants_total_count(ctx: &Context<'_>) -> bool {
    ctx.look_ahead().field("totalCount").exists()
}

/// What a page costs against the complexity limit: the number of items it can hold (as
/// the service caps `first`) times what each item selects.
pub fn page_cost(first: Option<i32>, child_complexity: usize) -> usize {
    let size = first.map_or(DEFAULT_PAGE_SIZE, |n| {
        u64::try_from(n).unwrap_or(0).clamp(1, MAX_PAGE_SIZE)
    });
    usize::try_from(size)
        .unwrap_or(usize::MAX)
        .saturating_mul(child_complexity)
        .saturating_add(1)
}
