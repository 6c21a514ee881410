//! The pages behind the links of reminder emails (and the buttons of push
//! notifications). Mail scanners and link previews open links, so GET only shows what
//! the link would do; the page's button POSTs, and only that acts, once.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::AppState;
use crate::domain::email_action::{EMAIL_SNOOZE_MINUTES, EmailAction};
use crate::html::escape;
use crate::service::ServiceError;
use crate::service::email_actions::PendingAction;

/// The longest token accepted: ours are 43 characters.
const MAX_TOKEN_CHARS: usize = 128;

pub async fn show(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    if token.len() > MAX_TOKEN_CHARS {
        return used_or_expired();
    }
    match state.services.email_actions.inspect(&token).await {
        Ok(Some(pending)) => page(
            StatusCode::OK,
            &confirm_title(&pending),
            &confirm_body(&pending),
        ),
        Ok(None) => used_or_expired(),
        Err(error) => failed(&error),
    }
}

pub async fn perform(
    State(state): State<AppState>,
    Path(token): Path<String>,
    request: axum::extract::Request,
) -> Response {
    if token.len() > MAX_TOKEN_CHARS {
        return used_or_expired();
    }
    let (parts, _) = request.into_parts();
    let request_id = super::request_id::of(&parts);
    match state
        .services
        .email_actions
        .perform(&token, request_id)
        .await
    {
        Ok(action) => page(StatusCode::OK, done_title(action), done_body(action)),
        Err(ServiceError::NotFound("link")) => used_or_expired(),
        Err(ServiceError::NotFound(_)) => page(
            StatusCode::NOT_FOUND,
            "Task not found",
            "<p>The task was deleted or you no longer have access to it.</p>",
        ),
        // A viewer of a shared project, or a task done meanwhile: say so, not "error".
        Err(ServiceError::Forbidden(reason)) => page(
            StatusCode::FORBIDDEN,
            "Not allowed",
            &format!("<p>{}</p>", escape(reason)),
        ),
        Err(ServiceError::Validation(refused)) => page(
            StatusCode::CONFLICT,
            "Nothing to do",
            &format!("<p>{}</p>", escape(&refused.message)),
        ),
        Err(error) => failed(&error),
    }
}

fn confirm_title(pending: &PendingAction) -> String {
    match (pending.action, &pending.task_title) {
        (EmailAction::Complete, Some(title)) => format!("Complete “{title}”?"),
        (EmailAction::Snooze, Some(title)) => format!("Snooze “{title}”?"),
        (EmailAction::Complete | EmailAction::Snooze, None) => "Task not found".to_owned(),
        (EmailAction::Unsubscribe, _) => "Stop emails?".to_owned(),
    }
}

fn confirm_body(pending: &PendingAction) -> String {
    let explanation = match pending.action {
        EmailAction::Complete => "It will be marked done.".to_owned(),
        EmailAction::Snooze => {
            format!("You will be reminded again in {EMAIL_SNOOZE_MINUTES} minutes.")
        }
        EmailAction::Unsubscribe => {
            "You will get no more reminder emails or daily digests. You can turn them on again \
             in Settings."
                .to_owned()
        }
    };
    format!(
        "<p>{explanation}</p><form method=\"post\"><button type=\"submit\">{verb}</button></form>",
        verb = pending.action.verb()
    )
}

fn done_title(action: EmailAction) -> &'static str {
    match action {
        EmailAction::Complete => "Task completed",
        EmailAction::Snooze => "Reminder snoozed",
        EmailAction::Unsubscribe => "Emails are off",
    }
}

fn done_body(action: EmailAction) -> &'static str {
    match action {
        EmailAction::Complete => "<p>Done. <a href=\"/\">Open your tasks</a></p>",
        EmailAction::Snooze => {
            "<p>You will be reminded again in an hour. <a href=\"/\">Open your tasks</a></p>"
        }
        EmailAction::Unsubscribe => {
            "<p>You will get no more reminder emails or daily digests. <a href=\"/settings\">Settings</a></p>"
        }
    }
}

fn used_or_expired() -> Response {
    page(
        StatusCode::NOT_FOUND,
        "This link no longer works",
        "<p>It was used already or has expired. <a href=\"/\">Open your tasks</a></p>",
    )
}

fn failed(error: &ServiceError) -> Response {
    tracing::error!(%error, "an action link failed");
    page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        "<p>Nothing was changed. Try the link again in a moment.</p>",
    )
}

/// A small self-contained page: no scripts, not framed, not cached, and the token in
/// its URL never sent on as a referrer.
pub(super) fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><style>\
         body{{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1f2937}}\
         h1{{font-size:1.4rem}}button{{font:inherit;padding:.5rem 1.25rem;border:0;border-radius:6px;\
         background:#2563eb;color:#fff;cursor:pointer}}\
         @media (prefers-color-scheme:dark){{body{{background:#111827;color:#e5e7eb}}a{{color:#93c5fd}}}}\
         </style></head><body><main><h1>{title}</h1>{body}</main></body></html>",
        title = escape(title),
    );
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    response
}
