//! Request counts and latencies by matched route (the route template, never the raw
//! path, so ids and probes of unknown paths cannot multiply the series).

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use metrics::Label;

use crate::metrics::{HTTP_DURATION, HTTP_REQUESTS, WS_CONNECTIONS};

/// The label of requests that matched no route.
const UNMATCHED: &str = "unmatched";

/// The server errors this service answers with by itself: 500 when a request fails
/// outside the GraphQL executor, 503 when it runs past the request timeout.
const SERVER_ERRORS: [StatusCode; 2] = [
    StatusCode::INTERNAL_SERVER_ERROR,
    StatusCode::SERVICE_UNAVAILABLE,
];

/// Registers the GraphQL endpoint's server-error series at 0, for each method it
/// answers, so that the 5xx ratio is 0 rather than absent before the first failure.
pub fn register_counters() {
    for method in [Method::GET, Method::POST] {
        for status in SERVER_ERRORS {
            crate::metrics::register_counter(
                HTTP_REQUESTS,
                vec![
                    Label::new("method", method_label(&method)),
                    Label::new("route", super::GRAPHQL_ROUTE),
                    Label::new("status", status.as_str().to_owned()),
                ],
            );
        }
    }
}

pub async fn track(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| UNMATCHED.to_owned(), |path| path.as_str().to_owned());
    let method = method_label(request.method());
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!(HTTP_REQUESTS, "method" => method, "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!(HTTP_DURATION, "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

/// Standard methods by name; anything else under one label.
fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        _ => "OTHER",
    }
}

/// Counts an open websocket connection for as long as it lives.
pub struct OpenConnection(());

impl OpenConnection {
    pub fn open() -> Self {
        metrics::gauge!(WS_CONNECTIONS).increment(1.0);
        Self(())
    }
}

impl Drop for OpenConnection {
    fn drop(&mut self) {
        metrics::gauge!(WS_CONNECTIONS).decrement(1.0);
    }
}
