//! Every request gets an id: the caller's `x-request-id` when it is sane, a new UUID
//! otherwise. tower-http sets it, returns it in the response, and the request span made
//! here carries it into every log line of the request.

use std::time::Duration;

use axum::extract::Request;
use axum::http::{Extensions, HeaderName};
use axum::response::Response;
use tower_http::request_id::RequestId;
use tracing::Span;

pub static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
const MAX_LEN: usize = 128;

/// Drops a caller's id that is too long or has characters a log reader would trip on,
/// so that `SetRequestIdLayer` puts a fresh UUID in its place.
pub async fn drop_unacceptable(mut request: Request) -> Request {
    let acceptable = request
        .headers()
        .get(&X_REQUEST_ID)
        .map(|value| value.to_str().is_ok_and(is_acceptable));
    if acceptable == Some(false) {
        request.headers_mut().remove(&X_REQUEST_ID);
    }
    request
}

/// The id `SetRequestIdLayer` gave a request.
fn id_in(extensions: &Extensions) -> Option<&str> {
    extensions
        .get::<RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
}

/// The id of a request, for handlers that record it.
pub fn of(request: &axum::http::request::Parts) -> Option<String> {
    id_in(&request.extensions).map(str::to_owned)
}

/// The span of a request: every log line inside it carries the request id.
pub fn span(request: &Request) -> Span {
    let id = id_in(request.extensions()).unwrap_or_default();
    tracing::info_span!(
        "request",
        request_id = %id,
        method = %request.method(),
        path = %request.uri().path(),
    )
}

/// The one line logged when a request is answered.
pub fn finished(response: &Response, latency: Duration, _span: &Span) {
    tracing::info!(
        status = response.status().as_u16(),
        latency_ms = latency.as_secs_f64() * 1000.0,
        "request finished"
    );
}

fn is_acceptable(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}
