//! The HTTP edge: routes, request ids and logging, authentication, health.

mod actions;
mod auth;
mod calendar;
mod detached;
mod graphiql;
mod graphql;
mod health;
mod metrics;
mod oauth;
mod request_id;
mod subscriptions;
mod trace;
mod transfer;
pub mod web;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::get;
use tokio_util::sync::CancellationToken;
use tower::ServiceBuilder;
use tower_http::CompressionLevel;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::graphql::AppSchema;
use crate::graphql::documents::ParsedDocuments;
use crate::graphql::limits::{IntrospectionSizes, QueryLimits};
use crate::graphql::metrics::GraphqlMetrics;
use crate::service::Services;

pub use auth::OptionalActor;
pub use metrics::register_counters;

/// Where GraphQL is served over HTTP.
const GRAPHQL_ROUTE: &str = "/graphql";

/// Larger GraphQL documents than this are refused before parsing.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// What the handlers share, behind one reference count: axum clones the state for
/// each extractor and layer that asks for it, several times per request.
#[derive(Clone)]
pub struct AppState(Arc<AppStateParts>);

impl AppState {
    pub fn new(parts: AppStateParts) -> Self {
        Self(Arc::new(parts))
    }
}

impl std::ops::Deref for AppState {
    type Target = AppStateParts;

    fn deref(&self) -> &AppStateParts {
        &self.0
    }
}

pub struct AppStateParts {
    pub services: Services,
    pub schema: AppSchema,
    /// Serves introspection-only requests; see `graphql::build_introspection_schema`.
    pub introspection_schema: AppSchema,
    /// Counts the operations both schemas run, over HTTP and websockets.
    pub graphql_metrics: GraphqlMetrics,
    /// Documents parsed lately, reused when a client sends one again.
    pub documents: ParsedDocuments,
    /// What one document may ask for, over HTTP and websockets alike.
    pub query_limits: QueryLimits,
    /// What this schema's introspection lists return, to weigh introspection by.
    pub introspection_sizes: IntrospectionSizes,
    /// Cancelled at the stop request: readiness fails from then on, while everything is
    /// still served until `shutdown`.
    pub draining: CancellationToken,
    /// Cancelled when the server stops taking requests; open websockets close on it.
    pub shutdown: CancellationToken,
}

/// Compresses responses with gzip or brotli, whichever the client accepts (and prefers),
/// skipping the tiny ones. Brotli's default quality (11) costs tens of milliseconds on
/// a page of tasks; 4 is about as fast as gzip's default and compresses better. Only
/// on the routes that answer with bodies worth it: never the websocket upgrade.
pub fn compression() -> CompressionLayer {
    CompressionLayer::new().quality(CompressionLevel::Precise(4))
}

/// The routes and the layers every request passes. A request still unanswered after
/// `request_timeout` gets 503; GraphQL work it started runs on to its end (see
/// `detached`), so a timeout never cuts a transaction.
pub fn router(state: AppState, request_timeout: Duration) -> Router {
    Router::new()
        .route(
            GRAPHQL_ROUTE,
            get(graphql::handle)
                .post(graphql::handle)
                .layer(compression()),
        )
        .route("/graphql/ws", get(subscriptions::handle))
        .route("/graphiql", get(graphiql::page))
        .route("/graphiql/assets/{version}/{name}", get(graphiql::asset))
        .route(
            "/actions/{token}",
            get(actions::show).post(actions::perform),
        )
        .route("/calendar/{file}", get(calendar::feed).layer(compression()))
        .route("/export", get(transfer::export).layer(compression()))
        .route("/oauth/authorize", get(oauth::authorize))
        .merge(
            // Agents that run in a browser (MCP Inspector, web IDEs) read these from
            // another origin; none of them uses cookies, so any origin may.
            Router::new()
                .route(
                    "/.well-known/oauth-authorization-server",
                    get(oauth::metadata),
                )
                .route("/oauth/register", axum::routing::post(oauth::register))
                .route("/oauth/token", axum::routing::post(oauth::token))
                .layer(tower_http::cors::CorsLayer::permissive()),
        )
        .route("/healthz", get(health::live))
        .route("/readyz", get(health::ready))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            request_timeout,
        ))
        // Outside the timeout above, with its own longer one: a 10 MiB file is a few
        // hundred thousand tasks, written in one transaction.
        .merge(
            Router::new()
                .route(
                    "/import",
                    axum::routing::post(transfer::import)
                        .layer(DefaultBodyLimit::max(transfer::MAX_IMPORT_BYTES)),
                )
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::SERVICE_UNAVAILABLE,
                    request_timeout.max(transfer::IMPORT_TIMEOUT),
                )),
        )
        // The GraphQL handler enforces the limit itself, with a GraphQL-shaped error.
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(
            // Outermost first: the id is settled before the request span opens, the
            // span is open around everything else, and a timed-out request is still
            // counted.
            ServiceBuilder::new()
                .layer(axum::middleware::from_fn(trace::continue_trace))
                .layer(axum::middleware::map_request(request_id::drop_unacceptable))
                .layer(SetRequestIdLayer::new(
                    request_id::X_REQUEST_ID.clone(),
                    MakeRequestUuid,
                ))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(request_id::span)
                        .on_request(())
                        .on_response(request_id::finished)
                        .on_failure(()),
                )
                .layer(PropagateRequestIdLayer::new(
                    request_id::X_REQUEST_ID.clone(),
                ))
                .layer(axum::middleware::from_fn(metrics::track)),
        )
        .with_state(state)
}
