//! Streamable HTTP at `/mcp`. Every request carries its client's own
//! `Authorization: Bearer <API token>`: the token is checked with the API before the
//! request reaches the MCP service (401 otherwise), then travels with the request so
//! that the tool call runs as that user. The service is stateless (no MCP sessions), so
//! any replica can answer any request and no session can be borrowed by another token.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::api_client::{ApiClient, ApiError, ApiToken};
use crate::config::{AllowList, HttpArgs};
use crate::server::{Credentials, TodoServer};

/// The HTTP transport's settings, checked.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    pub allowed_hosts: AllowList,
    pub allowed_origins: AllowList,
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("TODO_MCP_ALLOWED_HOSTS is empty: name the hosts clients use, or `*` for any")]
    NoAllowedHosts,
}

impl HttpSettings {
    pub fn from_args(args: &HttpArgs) -> Result<Self, SettingsError> {
        let allowed_hosts = AllowList::from_entries(&args.allowed_hosts);
        // rmcp reads an empty host list as "any host": never let that happen by accident.
        if allowed_hosts == AllowList::Only(Vec::new()) {
            return Err(SettingsError::NoAllowedHosts);
        }
        Ok(Self {
            allowed_hosts,
            allowed_origins: AllowList::from_entries(&args.allowed_origins),
        })
    }
}

/// `/mcp` (authenticated) and `/healthz`.
pub fn router(api: ApiClient, settings: &HttpSettings, shutdown: &CancellationToken) -> Router {
    let mut config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_sse_keep_alive(None)
        .with_cancellation_token(shutdown.child_token());
    config = match &settings.allowed_hosts {
        AllowList::Any => config.disable_allowed_hosts(),
        AllowList::Only(hosts) => config.with_allowed_hosts(hosts.clone()),
    };
    config = match &settings.allowed_origins {
        AllowList::Any => config.disable_allowed_origins(),
        AllowList::Only(origins) => config
            .with_allowed_origins(origins.clone())
            .enforce_origin_validation(),
    };
    let server = TodoServer::new(api.clone(), Credentials::PerRequest);
    let service = StreamableHttpService::new(
        move || Ok(server.clone()),
        Arc::new(NeverSessionManager::default()),
        config,
    );
    let mcp = Router::new()
        .nest_service("/mcp", service)
        .layer(middleware::from_fn_with_state(api, authenticate));
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .merge(mcp)
}

/// Serves until `shutdown` is cancelled, then lets requests in flight finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: CancellationToken,
) -> std::io::Result<()> {
    tracing::info!(address = %listener.local_addr()?, "serving MCP at /mcp");
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown.cancelled_owned())
        .await
}

async fn authenticate(State(api): State<ApiClient>, mut request: Request, next: Next) -> Response {
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(ApiToken::from_authorization);
    let Some(token) = token else {
        // RFC 6750: a request without credentials gets a challenge without an error code.
        return unauthorized(
            "Bearer realm=\"todo-mcp\"",
            "missing_token",
            "send Authorization: Bearer <API token>",
        );
    };
    match api.verify(&token).await {
        Ok(()) => {
            request.extensions_mut().insert(token);
            next.run(request).await
        }
        Err(ApiError::Unauthenticated(_)) => unauthorized(
            "Bearer realm=\"todo-mcp\", error=\"invalid_token\"",
            "invalid_token",
            "the API token is invalid, expired or revoked",
        ),
        Err(error) => {
            tracing::warn!(%error, "cannot check a client's API token");
            error_response(
                StatusCode::BAD_GATEWAY,
                "api_unavailable",
                "the todo API cannot check the token right now; try again",
            )
        }
    }
}

fn unauthorized(challenge: &'static str, error: &str, description: &str) -> Response {
    let mut response = error_response(StatusCode::UNAUTHORIZED, error, description);
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static(challenge),
    );
    response
}

fn error_response(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        axum::Json(serde_json::json!({ "error": error, "error_description": description })),
    )
        .into_response()
}
