//! The GraphQL edge: schema, resolvers and error mapping. Resolvers stay thin; the
//! rules live in `service`.

mod account;
mod agents;
mod audit;
mod calendar;
pub mod documents;
mod error;
pub mod limits;
mod live;
pub mod metrics;
mod mutation;
mod notification;
pub mod operation;
mod pagination;
mod preferences;
mod project;
mod query;
mod quick_add;
mod reminders;
mod scalars;
mod server_info;
mod task;

use async_graphql::{Context, MergedObject, MergedSubscription, Schema, SchemaBuilder};
use uuid::Uuid;

pub use error::{code, code_of, ensure_codes, request_error_body};

use crate::config::McpInfo;
use crate::domain::ValidationError;
use crate::service::{Actor, ServiceError, Services};
use limits::QueryLimits;
use mutation::Mutation;
use notification::Subscription;
use query::Query;

pub type AppSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// The contract's queries and the UI's additions, under the one name `Query`.
#[derive(MergedObject)]
#[graphql(name = "Query")]
pub struct QueryRoot(
    Query,
    project::OrganiseQuery,
    live::PreviewQuery,
    server_info::ServerInfoQuery,
    reminders::ReminderQuery,
    calendar::CalendarQuery,
    quick_add::QuickAddQuery,
    agents::AgentQuery,
);

// The contract's mutations, those of projects, labels and sharing, and those of
// reminder channels, as `Mutation`.
#[derive(MergedObject)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    Mutation,
    project::OrganiseMutation,
    reminders::ReminderMutation,
    calendar::CalendarMutation,
    agents::AgentMutation,
);

#[derive(MergedSubscription)]
#[graphql(name = "Subscription")]
pub struct SubscriptionRoot(Subscription, live::TaskSubscription);

/// Deep enough for any query the UI or an agent sends, shallow enough to stop abuse.
const MAX_DEPTH: usize = 12;
/// The standard introspection query (graphql-js `getIntrospectionQuery()`) nests 13
/// levels, more with its type-reference fragments unrolled.
const MAX_INTROSPECTION_DEPTH: usize = 24;

/// The schema, holding the `Services` every resolver reaches; a request carries only
/// its `Actor`. Held by the schema rather than added to each request, they cost a
/// request nothing (a clone of every service handle and a boxed insert did before).
pub fn build_schema(services: Services, mcp: McpInfo, limits: QueryLimits) -> AppSchema {
    schema_with_limits(MAX_DEPTH, limits)
        .data(services)
        .data(mcp)
        .finish()
}

/// The same schema with room for introspection documents; requests sent to it must be
/// marked `only_introspection`, so nothing else resolves through the looser limit. It
/// holds the services too, so that no resolver could ever find them missing.
pub fn build_introspection_schema(services: Services, limits: QueryLimits) -> AppSchema {
    schema_with_limits(MAX_INTROSPECTION_DEPTH, limits)
        .data(services)
        .finish()
}

fn schema_with_limits(
    max_depth: usize,
    limits: QueryLimits,
) -> SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot> {
    Schema::build(
        QueryRoot(
            Query,
            project::OrganiseQuery,
            live::PreviewQuery,
            server_info::ServerInfoQuery,
            reminders::ReminderQuery,
            calendar::CalendarQuery,
            quick_add::QuickAddQuery,
            agents::AgentQuery,
        ),
        MutationRoot(
            Mutation,
            project::OrganiseMutation,
            reminders::ReminderMutation,
            calendar::CalendarMutation,
            agents::AgentMutation,
        ),
        SubscriptionRoot(Subscription, live::TaskSubscription),
    )
    .limit_depth(max_depth)
    .limit_complexity(limits.max_complexity)
}

/// The SDL as checked in at `api/schema.graphql`.
pub fn sdl() -> String {
    schema_with_limits(MAX_DEPTH, QueryLimits::default())
        .finish()
        .sdl()
}

trait ContextExt {
    fn services(&self) -> &Services;
    fn actor(&self) -> async_graphql::Result<&Actor>;
}

impl ContextExt for Context<'_> {
    fn services(&self) -> &Services {
        // The schema that runs resolvers is built with them (`build_schema`).
        self.data_unchecked::<Services>()
    }

    fn actor(&self) -> async_graphql::Result<&Actor> {
        self.data_opt::<Actor>()
            .ok_or_else(|| error::to_graphql_error(ServiceError::Unauthenticated))
    }
}

/// Loads, the first time one of the objects resolved together asks, what they share.
///
/// Boxed: async-graphql sizes the future of every field of a type by the largest of its
/// resolvers and allocates and moves one for each field it resolves, so a query's future
/// inline in one resolver would make every scalar of a page of tasks pay for its size
/// (docs/performance.md).
async fn load_once<T, F, Fut>(cell: &tokio::sync::OnceCell<T>, load: F) -> async_graphql::Result<&T>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = async_graphql::Result<T>>,
{
    cell.get_or_try_init(|| Box::pin(load())).await
}

fn parse_id(field: &'static str, id: &async_graphql::ID) -> async_graphql::Result<Uuid> {
    Uuid::parse_str(id.as_str()).map_err(|_| {
        error::to_graphql_error(
            ValidationError::new(field, format!("{:?} is not a valid id", id.as_str())).into(),
        )
    })
}
