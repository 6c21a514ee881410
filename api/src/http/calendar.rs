//! `GET /calendar/{token}.ics`: the calendar feed calendar apps subscribe to. The secret
//! in the path is the only credential (calendar apps send no headers of ours), and it
//! opens this one read-only document. Polls are cheap: `ETag` and `Last-Modified` let a
//! subscriber's conditional GET end in 304.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};

use super::AppState;
use crate::service::calendar::Feed;

/// The longest token accepted: ours are 43 characters.
const MAX_TOKEN_CHARS: usize = 128;
const HTTP_DATE: &str = "%a, %d %b %Y %H:%M:%S GMT";

pub async fn feed(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(token) = file
        .strip_suffix(".ics")
        .filter(|token| token.len() <= MAX_TOKEN_CHARS)
    else {
        return not_found();
    };
    match state.services.calendar.feed(token).await {
        Ok(Some(feed)) => respond(&feed, &headers),
        Ok(None) => not_found(),
        Err(error) => {
            tracing::error!(error = %error, "serving a calendar feed failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the feed could not be read",
            )
                .into_response()
        }
    }
}

fn respond(feed: &Feed, request: &HeaderMap) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    // Subscribers may keep it, but must ask again before reusing it.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    if let Ok(etag) = HeaderValue::from_str(&feed.etag) {
        headers.insert(header::ETAG, etag);
    }
    if let Some(modified) = feed.last_modified
        && let Ok(value) = HeaderValue::from_str(&modified.format(HTTP_DATE).to_string())
    {
        headers.insert(header::LAST_MODIFIED, value);
    }
    if unchanged(feed, request) {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    (StatusCode::OK, headers, feed.body.clone()).into_response()
}

/// RFC 9110, 13.2.2: `If-None-Match` decides when present; otherwise
/// `If-Modified-Since`, to the second.
fn unchanged(feed: &Feed, request: &HeaderMap) -> bool {
    if let Some(tags) = request.get(header::IF_NONE_MATCH) {
        let tags = tags.to_str().unwrap_or_default();
        return tags.trim() == "*"
            || tags
                .split(',')
                .map(|tag| tag.trim().trim_start_matches("W/"))
                .any(|tag| tag == feed.etag);
    }
    let since = request
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|value| value.to_str().ok())
        .and_then(|text| chrono::NaiveDateTime::parse_from_str(text, HTTP_DATE).ok())
        .map(|at| at.and_utc());
    match (since, feed.last_modified) {
        (Some(since), Some(modified)) => whole_seconds(modified) <= since,
        _ => false,
    }
}

fn whole_seconds(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(at.timestamp(), 0).unwrap_or(at)
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        "no such calendar feed: it was replaced, or never existed",
    )
        .into_response()
}
