//! The OAuth endpoints agents use to connect to the MCP server by URL (issue 31): the
//! authorization server's metadata (RFC 8414), dynamic client registration (RFC 7591),
//! the authorization endpoint (which hands over to the web UI's consent page) and the
//! token endpoint.

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use secrecy::ExposeSecret as _;
use serde_json::json;

use super::AppState;
use crate::domain::oauth::{OAuthError, OAuthErrorKind, PKCE_METHOD, Registration};
use crate::html::escape;
use crate::service::oauth::{
    AuthorizationRequest, AuthorizeError, RegistrationError, TokenError, TokenRequest,
};

/// Where the web UI asks the person; it gets the authorization request's query as is.
const CONSENT_PAGE: &str = "/authorize";
const SCOPES: [&str; 2] = ["tasks:read", "tasks:write"];

/// RFC 8414: what a client needs to know to use this server.
pub async fn metadata(State(state): State<AppState>) -> Response {
    let issuer = &state.services.oauth.settings().issuer;
    (
        [(
            header::CACHE_CONTROL,
            HeaderValue::from_static("max-age=3600"),
        )],
        Json(json!({
            "issuer": issuer,
            "authorization_endpoint": format!("{issuer}/oauth/authorize"),
            "token_endpoint": format!("{issuer}/oauth/token"),
            "registration_endpoint": format!("{issuer}/oauth/register"),
            "scopes_supported": SCOPES,
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "token_endpoint_auth_methods_supported": ["none"],
            "code_challenge_methods_supported": [PKCE_METHOD],
            "authorization_response_iss_parameter_supported": true,
            "service_documentation": format!("{issuer}/settings"),
        })),
    )
        .into_response()
}

/// The authorization endpoint: a request that checks out goes on to the consent page
/// (which signs the person in first if needed); one whose client or redirect URI is
/// not known gets a page saying so; any other refusal goes back to the client.
pub async fn authorize(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let query = query.unwrap_or_default();
    let request: AuthorizationRequest = match serde_urlencoded::from_str(&query) {
        Ok(request) => request,
        Err(error) => {
            return cannot_authorize(&OAuthError::new(
                OAuthErrorKind::InvalidRequest,
                format!("the query is not an authorization request: {error}"),
            ));
        }
    };
    match state.services.oauth.check_authorization(&request).await {
        Ok(_) => Redirect::to(&format!("{CONSENT_PAGE}?{query}")).into_response(),
        Err(AuthorizeError::NotRedirectable(error)) => cannot_authorize(&error),
        Err(AuthorizeError::Redirect { to, .. }) => Redirect::to(&to).into_response(),
        Err(AuthorizeError::Service(error)) => {
            tracing::error!(%error, "checking an authorization request failed");
            super::actions::page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "<p>The request could not be checked. Try again in a moment.</p>",
            )
        }
    }
}

/// RFC 6749, 4.1.2.1: with no trustworthy redirect URI, the person is told instead.
fn cannot_authorize(error: &OAuthError) -> Response {
    super::actions::page(
        StatusCode::BAD_REQUEST,
        "This agent cannot connect",
        &format!(
            "<p>The app that sent you here made a request this server refuses:</p>\
             <p><code>{}</code>: {}</p><p>Nothing was shared with it.</p>",
            error.code(),
            escape(&error.description)
        ),
    )
}

/// The token endpoint (RFC 6749, 3.2): form-encoded, public clients, no-store answers.
pub async fn token(State(state): State<AppState>, body: axum::body::Bytes) -> Response {
    let request: TokenRequest = match serde_urlencoded::from_bytes(&body) {
        Ok(request) => request,
        Err(error) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                &format!("the body must be application/x-www-form-urlencoded: {error}"),
            );
        }
    };
    match state.services.oauth.exchange(&request).await {
        Ok(tokens) => (
            StatusCode::OK,
            no_store(),
            Json(json!({
                "access_token": tokens.access_token.expose_secret(),
                "token_type": "Bearer",
                "expires_in": tokens.expires_in,
                "refresh_token": tokens.refresh_token.expose_secret(),
                "scope": tokens.scope,
            })),
        )
            .into_response(),
        Err(TokenError::Refused(error)) if error.kind == OAuthErrorKind::InvalidClient => {
            oauth_error(StatusCode::UNAUTHORIZED, error.code(), &error.description)
        }
        Err(TokenError::Refused(error)) => refused(&error),
        Err(TokenError::Service(error)) => {
            tracing::error!(%error, "token request failed");
            oauth_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "the token could not be issued",
            )
        }
    }
}

/// RFC 7591, 3.2: 201 with the client's metadata, or 400 with `error` and
/// `error_description`.
pub async fn register(State(state): State<AppState>, body: axum::body::Bytes) -> Response {
    let registration: Registration = match serde_json::from_slice(&body) {
        Ok(registration) => registration,
        Err(error) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_client_metadata",
                &format!("the body must be a JSON object of client metadata: {error}"),
            );
        }
    };
    match state.services.oauth.register(&registration).await {
        Ok(client) => (
            StatusCode::CREATED,
            no_store(),
            Json(json!({
                "client_id": client.id.to_string(),
                "client_id_issued_at": client.created_at.timestamp(),
                "client_name": client.name,
                "redirect_uris": client.redirect_uris,
                "grant_types": ["authorization_code", "refresh_token"],
                "response_types": ["code"],
                "token_endpoint_auth_method": "none",
            })),
        )
            .into_response(),
        Err(RegistrationError::Refused(error)) => refused(&error),
        Err(RegistrationError::TooMany { retry_after }) => {
            let mut response = oauth_error(
                StatusCode::TOO_MANY_REQUESTS,
                "temporarily_unavailable",
                "too many registrations; try again later",
            );
            if let Ok(seconds) = HeaderValue::from_str(&retry_after.as_secs().max(1).to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, seconds);
            }
            response
        }
        Err(RegistrationError::Service(error)) => {
            tracing::error!(%error, "client registration failed");
            oauth_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "the registration could not be stored",
            )
        }
    }
}

fn refused(error: &OAuthError) -> Response {
    oauth_error(StatusCode::BAD_REQUEST, error.code(), &error.description)
}

/// RFC 6749, 5.2's error body, never cached.
fn oauth_error(status: StatusCode, code: &str, description: &str) -> Response {
    (
        status,
        no_store(),
        Json(json!({ "error": code, "error_description": description })),
    )
        .into_response()
}

fn no_store() -> [(header::HeaderName, HeaderValue); 1] {
    [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))]
}
