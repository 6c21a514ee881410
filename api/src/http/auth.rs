//! Resolves `Authorization: Bearer` to the acting user. No header means an anonymous
//! request (enough to register or sign in); a header that does not check out is refused
//! outright rather than silently treated as anonymous.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::request_id;
use crate::graphql::{code, request_error_body};
use crate::service::{Actor, Origin, ServiceError, Source};

/// Names the client channel, for the record of who changed what.
const SOURCE_HEADER: &str = "x-todo-source";
/// The MCP server names itself (its public URL) when it forwards an agent's request:
/// an agent's token is accepted only with the resource it was issued for.
const RESOURCE_HEADER: &str = "x-todo-resource";

pub struct OptionalActor(pub Option<Actor>);

impl FromRequestParts<AppState> for OptionalActor {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Ok(Self(None));
        };
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
            .filter(|token| !token.is_empty())
            .ok_or_else(|| unauthenticated("expected Authorization: Bearer <token>"))?;
        let source = match parts
            .headers
            .get(SOURCE_HEADER)
            .and_then(|v| v.to_str().ok())
        {
            Some(s) if s.eq_ignore_ascii_case("web") => Source::Web,
            Some(s) if s.eq_ignore_ascii_case("mcp") => Source::Mcp,
            _ => Source::Graphql,
        };
        let origin = Origin {
            source,
            request_id: request_id::of(parts),
            // With traces exported, the request's own span (which continues the caller's
            // trace) is the parent its events hand on; otherwise the caller's header.
            traceparent: crate::telemetry::current_traceparent().or_else(|| {
                parts
                    .headers
                    .get("traceparent")
                    .and_then(|v| v.to_str().ok())
                    .filter(|v| v.len() <= 128)
                    .map(str::to_owned)
            }),
            agent: None,
        };
        let resource = parts
            .headers
            .get(RESOURCE_HEADER)
            .and_then(|v| v.to_str().ok());
        match state.services.authenticate(token, origin, resource).await {
            Ok(actor) => Ok(Self(Some(actor))),
            Err(ServiceError::InvalidToken) => Err(unauthenticated("invalid or expired token")),
            Err(error) => {
                tracing::error!(%error, "authentication failed");
                Err((
                    StatusCode::INTERNAL_SERVER_ERROR,
                    axum::Json(request_error_body(code::INTERNAL, "internal error")),
                )
                    .into_response())
            }
        }
    }
}

/// 401 with `WWW-Authenticate: Bearer` and the API's error body.
pub(super) fn unauthenticated(message: &str) -> Response {
    let mut response = (
        StatusCode::UNAUTHORIZED,
        axum::Json(request_error_body(code::UNAUTHENTICATED, message)),
    )
        .into_response();
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}
