//! Streamable HTTP at `/mcp`. Every request carries its client's own
//! `Authorization: Bearer <token>`: an API token, or an access token an agent got by
//! OAuth from the API (the MCP specification's authorization, 2025-06-18). The token is
//! checked with the API before the request reaches the MCP service, then travels with
//! the request so that the tool call runs as that user. Without a valid token the answer
//! is 401 with a challenge naming this server's protected resource metadata (RFC 9728),
//! where agents find the API as their authorization server. The service is stateless
//! (no MCP sessions), so any replica can answer any request and no session can be
//! borrowed by another token.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use serde_json::json;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::api_client::{ApiClient, ApiError, ApiToken};
use crate::config::{AllowList, HttpArgs};
use crate::server::{Credentials, TodoServer};

/// Where agents find this server's protected resource metadata (RFC 9728, 3).
const METADATA_PATH: &str = "/.well-known/oauth-protected-resource";
/// The scopes the API grants agents.
const SCOPES: [&str; 2] = ["tasks:read", "tasks:write"];

/// The HTTP transport's settings, checked.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    pub allowed_hosts: AllowList,
    pub allowed_origins: AllowList,
    /// This server's `/mcp` as agents reach it: the resource their tokens are bound to.
    pub public_url: url::Url,
    /// The API's public URL, where agents sign in.
    pub authorization_server: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("TODO_MCP_ALLOWED_HOSTS is empty: name the hosts clients use, or `*` for any")]
    NoAllowedHosts,
    #[error("TODO_MCP_PUBLIC_URL: {0}")]
    PublicUrl(String),
    #[error("TODO_PUBLIC_URL (the authorization server): {0}")]
    AuthorizationServer(String),
}

impl HttpSettings {
    /// `listening` is the bound address, for the public URL's default; `api_url`, the
    /// authorization server's.
    pub fn from_args(
        args: &HttpArgs,
        listening: SocketAddr,
        api_url: &str,
    ) -> Result<Self, SettingsError> {
        let allowed_hosts = AllowList::from_entries(&args.allowed_hosts);
        // rmcp reads an empty host list as "any host": never let that happen by accident.
        if allowed_hosts == AllowList::Only(Vec::new()) {
            return Err(SettingsError::NoAllowedHosts);
        }
        let public_url = args
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{listening}/mcp"));
        let public_url = http_url(&public_url).map_err(SettingsError::PublicUrl)?;
        let authorization_server = args.authorization_server.as_deref().unwrap_or(api_url);
        let authorization_server = http_url(authorization_server)
            .map_err(SettingsError::AuthorizationServer)?
            .as_str()
            // The issuer is compared as a string: the form without a trailing slash,
            // as the API states it.
            .trim_end_matches('/')
            .to_owned();
        Ok(Self {
            allowed_hosts,
            allowed_origins: AllowList::from_entries(&args.allowed_origins),
            public_url,
            authorization_server,
        })
    }

    /// The URL of this server's protected resource metadata, as the 401 challenge
    /// names it.
    fn metadata_url(&self) -> String {
        let mut url = self.public_url.clone();
        url.set_path(METADATA_PATH);
        url.set_query(None);
        url.into()
    }
}

fn http_url(text: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(text).map_err(|error| format!("{text:?} is not a URL ({error})"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(format!(
            "{text:?}: an absolute http:// or https:// URL is needed"
        ));
    }
    Ok(url)
}

/// What the handlers share.
#[derive(Clone)]
struct Gate {
    api: ApiClient,
    /// `Bearer resource_metadata="..."`, the challenge of a request without a token.
    challenge: HeaderValue,
    /// The same with `error="invalid_token"`.
    invalid_token_challenge: HeaderValue,
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
    // The API accepts an agent's token only as forwarded by the server it was issued for.
    let api = api.forwarding_for(settings.public_url.as_str());
    let server = TodoServer::new(api.clone(), Credentials::PerRequest);
    let service = StreamableHttpService::new(
        move || Ok(server.clone()),
        Arc::new(NeverSessionManager::default()),
        config,
    );
    let metadata_url = settings.metadata_url();
    let challenge = |extra: &str| {
        HeaderValue::from_str(&format!(
            "Bearer resource_metadata=\"{metadata_url}\"{extra}"
        ))
        .unwrap_or_else(|_| HeaderValue::from_static("Bearer"))
    };
    let gate = Gate {
        api,
        challenge: challenge(""),
        invalid_token_challenge: challenge(", error=\"invalid_token\""),
    };
    let mcp = Router::new()
        .nest_service("/mcp", service)
        .layer(middleware::from_fn_with_state(gate, authenticate));
    let metadata = resource_metadata(settings);
    // RFC 9728 places the document at the well-known path with the resource's path
    // appended; clients that know only the host ask at the bare path.
    let path_form = format!(
        "{METADATA_PATH}{}",
        settings.public_url.path().trim_end_matches('/')
    );
    let mut router = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route(METADATA_PATH, get(metadata.clone()));
    if path_form != METADATA_PATH {
        router = router.route(&path_form, get(metadata));
    }
    router.merge(mcp)
}

/// RFC 9728's document: the resource (this server's MCP URL) and where to get tokens
/// for it.
fn resource_metadata(
    settings: &HttpSettings,
) -> impl Fn() -> std::future::Ready<Response> + Clone + use<> {
    let document = json!({
        "resource": settings.public_url.as_str(),
        "authorization_servers": [settings.authorization_server],
        "scopes_supported": SCOPES,
        "bearer_methods_supported": ["header"],
        "resource_name": "todo",
        "resource_documentation": format!("{}/settings", settings.authorization_server),
    });
    move || std::future::ready(axum::Json(document.clone()).into_response())
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

async fn authenticate(State(gate): State<Gate>, mut request: Request, next: Next) -> Response {
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(ApiToken::from_authorization);
    let Some(token) = token else {
        // RFC 6750: a request without credentials gets a challenge without an error code.
        return unauthorized(
            gate.challenge,
            "missing_token",
            "send Authorization: Bearer <token>: sign in by OAuth, or use an API token",
        );
    };
    match gate.api.verify(&token).await {
        Ok(()) => {
            request.extensions_mut().insert(token);
            next.run(request).await
        }
        Err(ApiError::Unauthenticated(_)) => unauthorized(
            gate.invalid_token_challenge,
            "invalid_token",
            "the token is invalid, expired or revoked, or was issued for another server",
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

fn unauthorized(challenge: HeaderValue, error: &str, description: &str) -> Response {
    let mut response = error_response(StatusCode::UNAUTHORIZED, error, description);
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, challenge);
    response
}

fn error_response(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        axum::Json(serde_json::json!({ "error": error, "error_description": description })),
    )
        .into_response()
}
