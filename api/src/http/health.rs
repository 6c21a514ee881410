use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

use super::AppState;

/// The process is up.
pub async fn live() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// A probe must answer promptly: a database that is away makes the pool wait for its
/// full acquire timeout, far longer than a probe's.
const READY_TIMEOUT: Duration = Duration::from_secs(2);

/// The database answers and every migration is applied, and the server has not been
/// asked to stop.
pub async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    if state.draining.is_cancelled() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "unavailable", "reason": "shutting down" })),
        );
    }
    let checked = tokio::time::timeout(READY_TIMEOUT, state.services.db.check_ready()).await;
    match checked {
        Ok(Ok(())) => (StatusCode::OK, Json(json!({ "status": "ready" }))),
        Err(_) => {
            tracing::warn!("not ready: the database did not answer in time");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(
                    json!({ "status": "unavailable", "reason": "the database did not answer in time" }),
                ),
            )
        }
        Ok(Err(error)) => {
            tracing::warn!(%error, "not ready");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "reason": error.to_string() })),
            )
        }
    }
}
