//! The GraphQL edge: schema, resolvers and error mapping. Resolvers stay thin; the
//! rules live in `service`.

mod account;
mod audit;
mod error;
mod metrics;
mod mutation;
mod notification;
mod pagination;
mod preferences;
mod query;
mod scalars;
mod task;

use async_graphql::{Context, Schema};
use uuid::Uuid;

pub use error::{code, ensure_codes, request_error_body};

use crate::domain::ValidationError;
use crate::service::{Actor, ServiceError, Services};
use mutation::Mutation;
use notification::Subscription;
use query::Query;

pub type AppSchema = Schema<Query, Mutation, Subscription>;

/// Deep enough for any query the UI or an agent sends, shallow enough to stop abuse.
const MAX_DEPTH: usize = 12;
/// Each field costs 1 and lists multiply by their page size, so this admits a full page
/// of 200 tasks with every field while refusing nested page explosions.
const MAX_COMPLEXITY: usize = 10_000;

/// The schema, without per-request data: requests carry `Services` and the `Actor`.
pub fn build_schema() -> AppSchema {
    Schema::build(Query, Mutation, Subscription)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .extension(metrics::GraphqlMetrics::default())
        .finish()
}

/// The SDL as checked in at `api/schema.graphql`.
pub fn sdl() -> String {
    build_schema().sdl()
}

trait ContextExt {
    fn services(&self) -> &Services;
    fn actor(&self) -> async_graphql::Result<&Actor>;
}

impl ContextExt for Context<'_> {
    fn services(&self) -> &Services {
        // Every request is built with Services by the HTTP layer.
        self.data_unchecked::<Services>()
    }

    fn actor(&self) -> async_graphql::Result<&Actor> {
        self.data_opt::<Actor>()
            .ok_or_else(|| error::to_graphql_error(ServiceError::Unauthenticated))
    }
}

fn parse_id(field: &'static str, id: &async_graphql::ID) -> async_graphql::Result<Uuid> {
    Uuid::parse_str(id.as_str()).map_err(|_| {
        error::to_graphql_error(
            ValidationError::new(field, format!("{:?} is not a valid id", id.as_str())).into(),
        )
    })
}
