//! `GET /export` and `POST /import`: everything an account owns as a file, and tasks
//! brought in from one (our JSON, Todoist's CSV, iCalendar VTODOs). Both take the bearer
//! token; the web UI's settings page downloads and uploads through them.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::AppState;
use super::auth::{OptionalActor, unauthenticated};
use crate::formats::import::RowError;
use crate::formats::{archive, ical, todoist};
use crate::graphql::{code, request_error_body};
use crate::service::tasks::ImportError;
use crate::service::{Actor, ServiceError};

const SIGN_IN_FIRST: &str = "sign in first: send Authorization: Bearer <token>";

/// The largest file `POST /import` reads; larger ones get 413.
pub const MAX_IMPORT_BYTES: usize = 10 * 1024 * 1024;
/// How long an import may take, whatever `TODO_REQUEST_TIMEOUT_SECONDS` says for the
/// rest: 20,000 rows took 4.6 s in a debug build on SQLite, so a full 10 MiB file (about
/// 220,000 rows) takes most of a minute there.
pub const IMPORT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(600);

#[derive(Deserialize)]
pub struct ExportQuery {
    format: Option<String>,
}

pub async fn export(
    State(state): State<AppState>,
    OptionalActor(actor): OptionalActor,
    Query(query): Query<ExportQuery>,
) -> Response {
    let Some(actor) = actor else {
        return unauthenticated(SIGN_IN_FIRST);
    };
    let format = query.format.as_deref().unwrap_or("json");
    if !matches!(format, "json" | "ics") {
        return refused(
            StatusCode::BAD_REQUEST,
            "format must be json or ics",
            json!({ "field": "format" }),
        );
    }
    let owned = match state.services.tasks.owned(&actor).await {
        Ok(owned) => owned,
        Err(error) => return failed(&error),
    };
    let view = archive::Owned {
        preferences: &owned.preferences,
        projects: &owned.projects,
        labels: &owned.labels,
        tasks: &owned.tasks,
        task_labels: &owned.task_labels,
    };
    let now = chrono::Utc::now();
    let day = now.format("%Y-%m-%d");
    let (body, content_type, file) = match format {
        "ics" => (
            ical::todo_export(&view, &state.services.channels.public_url, now),
            "text/calendar; charset=utf-8",
            format!("tasks-{day}.ics"),
        ),
        _ => match serde_json::to_string_pretty(&archive::archive(&view, now)) {
            Ok(json) => (json, "application/json", format!("tasks-{day}.json")),
            Err(error) => return failed(&ServiceError::Internal(error.into())),
        },
    };
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(disposition) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    (StatusCode::OK, headers, body).into_response()
}

pub async fn import(
    State(state): State<AppState>,
    OptionalActor(actor): OptionalActor,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(actor) = actor else {
        return unauthenticated(SIGN_IN_FIRST);
    };
    let media_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(|value| value.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let read = match media_type.as_str() {
        "application/json" => archive::read(&body),
        "text/csv" | "text/calendar" => match read_text(&body, &state, &actor, &media_type).await {
            Ok(read) => read,
            Err(response) => return *response,
        },
        _ => {
            return refused(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "send application/json (this service's export), text/csv (Todoist's) or text/calendar (VTODO)",
                json!({}),
            );
        }
    };
    let import = match read {
        Ok(import) => import,
        Err(row) => return row_refused(&row),
    };
    match state.services.tasks.import(&actor, import).await {
        Ok(report) => (
            StatusCode::OK,
            axum::Json(json!({ "imported": report.imported, "skipped": report.skipped })),
        )
            .into_response(),
        Err(ImportError::Row(row)) => row_refused(&row),
        Err(ImportError::Service(error)) => failed(&error),
    }
}

/// Reads a text format, whose dates without a zone are the user's.
async fn read_text(
    body: &[u8],
    state: &AppState,
    actor: &Actor,
    media_type: &str,
) -> Result<Result<crate::formats::import::Import, RowError>, Box<Response>> {
    let zone = match state.services.preferences.get(actor).await {
        Ok(preferences) => preferences.time_zone,
        Err(error) => return Err(Box::new(failed(&error))),
    };
    let Ok(text) = std::str::from_utf8(body) else {
        return Ok(Err(RowError::new(
            1,
            "document",
            "the file is not UTF-8 text",
        )));
    };
    Ok(match media_type {
        "text/csv" => todoist::read(text.as_bytes(), zone, chrono::Utc::now()),
        _ => ical::read_todos(text, zone),
    })
}

fn row_refused(row: &RowError) -> Response {
    refused(
        StatusCode::BAD_REQUEST,
        &format!("nothing was imported: {row}"),
        json!({ "line": row.line, "field": row.field }),
    )
}

/// An error body in the GraphQL endpoint's shape, with more `extensions`.
fn refused(status: StatusCode, message: &str, extensions: serde_json::Value) -> Response {
    let code = match status {
        StatusCode::BAD_REQUEST => code::BAD_USER_INPUT,
        _ => "UNSUPPORTED_MEDIA_TYPE",
    };
    let mut body = request_error_body(code, message);
    if let (Some(target), Some(more)) = (
        body["errors"][0]["extensions"].as_object_mut(),
        extensions.as_object(),
    ) {
        target.extend(more.clone());
    }
    (status, axum::Json(body)).into_response()
}

fn failed(error: &ServiceError) -> Response {
    let (status, code) = match error {
        ServiceError::Forbidden(_) => (StatusCode::FORBIDDEN, code::FORBIDDEN),
        ServiceError::Validation(_) => (StatusCode::BAD_REQUEST, code::BAD_USER_INPUT),
        _ => {
            tracing::error!(%error, "export or import failed");
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                axum::Json(request_error_body(code::INTERNAL, "internal error")),
            )
                .into_response();
        }
    };
    (
        status,
        axum::Json(request_error_body(code, &error.to_string())),
    )
        .into_response()
}
