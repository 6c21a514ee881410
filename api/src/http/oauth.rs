//! The OAuth endpoints agents use to connect to the MCP server by URL (issue 31). So
//! far: `POST /oauth/register`, dynamic client registration (RFC 7591).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::AppState;
use crate::domain::oauth::{OAuthError, Registration};
use crate::service::oauth::RegistrationError;

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
