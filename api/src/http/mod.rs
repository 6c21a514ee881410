//! The HTTP edge: routes, request ids and logging, authentication, health.

mod auth;
mod detached;
mod graphiql;
mod graphql;
mod health;
mod metrics;
mod request_id;
mod subscriptions;
mod trace;
pub mod web;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use tokio_util::sync::CancellationToken;

use crate::graphql::AppSchema;
use crate::service::Services;

pub use auth::OptionalActor;
pub use request_id::RequestId;

/// Larger GraphQL documents than this are refused before parsing.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub services: Services,
    pub schema: AppSchema,
    /// Serves introspection-only requests; see `graphql::build_introspection_schema`.
    pub introspection_schema: AppSchema,
    /// Cancelled when the server begins to shut down; open websockets close on it.
    pub shutdown: CancellationToken,
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/graphql", get(graphql::handle).post(graphql::handle))
        .route("/graphql/ws", get(subscriptions::handle))
        .route("/graphiql", get(graphiql::page))
        .route("/graphiql/assets/{version}/{name}", get(graphiql::asset))
        .route("/healthz", get(health::live))
        .route("/readyz", get(health::ready))
        // The GraphQL handler enforces the limit itself, with a GraphQL-shaped error.
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(metrics::track))
        .layer(axum::middleware::from_fn(request_id::track))
        .layer(axum::middleware::from_fn(trace::continue_trace))
        .with_state(state)
}
