//! Prometheus metrics: the names the service exports, the process-wide recorder, the
//! listener that serves them (`--metrics-listen`), and the sampler for the values that
//! are read rather than counted (outbox backlog, database pools).
//!
//! Recording goes through the `metrics` facade: without an installed recorder (metrics
//! off, the default) every call is a no-op. Every metric is listed in
//! `docs/monitoring.md`.

use std::net::SocketAddr;
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use chrono::Utc;
use metrics::{IntoLabels, Unit, describe_counter, describe_gauge, describe_histogram, gauge};
use metrics_exporter_prometheus::{BuildError, Matcher, PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::store::{self, Db};

pub const HTTP_REQUESTS: &str = "todo_http_requests_total";
pub const HTTP_DURATION: &str = "todo_http_request_duration_seconds";
pub const GRAPHQL_OPERATIONS: &str = "todo_graphql_operations_total";
pub const GRAPHQL_ERRORS: &str = "todo_graphql_errors_total";
pub const OUTBOX_BACKLOG: &str = "todo_outbox_backlog_events";
pub const DB_STATEMENTS: &str = "todo_db_statements_total";
pub const OUTBOX_OLDEST_AGE: &str = "todo_outbox_oldest_event_age_seconds";
pub const OUTBOX_PUBLISH_FAILURES: &str = "todo_outbox_publish_failures_total";
pub const CONSUMER_RETRIES: &str = "todo_event_consumer_retries_total";
pub const CONSUMER_DROPS: &str = "todo_event_consumer_drops_total";
pub const REMINDER_LAG: &str = "todo_reminder_lag_seconds";
pub const REMINDERS_SENT: &str = "todo_reminders_sent_total";
pub const DELIVERIES: &str = "todo_reminder_deliveries_total";
pub const WS_CONNECTIONS: &str = "todo_graphql_ws_connections";
pub const DB_POOL_IN_USE: &str = "todo_db_pool_connections_in_use";
pub const DB_POOL_IDLE: &str = "todo_db_pool_connections_idle";
pub const DB_POOL_MAX: &str = "todo_db_pool_connections_max";
pub const DB_POOL_WAITING: &str = "todo_db_pool_waiting";

const HTTP_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// Reminders should arrive within a second; the alert fires at a minute.
const REMINDER_LAG_BUCKETS: &[f64] = &[
    0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 900.0,
];
/// How often the sampled gauges are refreshed; Prometheus scrapes every 30 s.
const SAMPLE_EVERY: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    #[error("cannot install the Prometheus recorder: {0}")]
    Install(#[from] BuildError),
    #[error("TODO_METRICS_LISTEN: cannot listen on {address}: {source}")]
    Bind {
        address: SocketAddr,
        #[source]
        source: std::io::Error,
    },
}

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
/// Held while installing, so that two first uses at once install one recorder.
static INSTALLING: Mutex<()> = Mutex::new(());

/// Installs the process-wide recorder on first use and returns its handle. Later calls
/// (tests start several apps in one process) share the first recorder.
pub fn install() -> Result<PrometheusHandle, MetricsError> {
    let _installing = INSTALLING.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(handle) = HANDLE.get() {
        return Ok(handle.clone());
    }
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Full(HTTP_DURATION.to_owned()), HTTP_BUCKETS)?
        .set_buckets_for_metric(Matcher::Full(REMINDER_LAG.to_owned()), REMINDER_LAG_BUCKETS)?
        .install_recorder()?;
    describe();
    Ok(HANDLE.get_or_init(|| handle).clone())
}

fn describe() {
    describe_counter!(
        HTTP_REQUESTS,
        "HTTP requests by method, matched route and status"
    );
    describe_histogram!(
        HTTP_DURATION,
        Unit::Seconds,
        "HTTP request latency by method and matched route"
    );
    describe_counter!(
        GRAPHQL_OPERATIONS,
        "GraphQL operations parsed, by operation name and type"
    );
    describe_counter!(GRAPHQL_ERRORS, "GraphQL errors by extensions.code");
    describe_gauge!(OUTBOX_BACKLOG, "Events in the outbox not published yet");
    describe_gauge!(
        OUTBOX_OLDEST_AGE,
        Unit::Seconds,
        "Age of the oldest unpublished outbox event (0 when none)"
    );
    describe_counter!(
        OUTBOX_PUBLISH_FAILURES,
        "Relay attempts to publish an event that the bus refused"
    );
    describe_counter!(
        CONSUMER_RETRIES,
        "Deliveries a consumer asked to retry, by topic"
    );
    describe_counter!(CONSUMER_DROPS, "Events dropped as malformed, by topic");
    describe_histogram!(
        REMINDER_LAG,
        Unit::Seconds,
        "Time from a reminder's due time to its notification"
    );
    describe_counter!(REMINDERS_SENT, "Reminder notifications created");
    describe_counter!(
        DELIVERIES,
        "Push and email delivery attempts of reminders, by channel and status (sent, failed)"
    );
    describe_gauge!(WS_CONNECTIONS, "Open GraphQL websocket connections");
    describe_counter!(
        DB_STATEMENTS,
        "Statements sent to the database (sampled with the gauges)"
    );
    describe_gauge!(DB_POOL_IN_USE, "Database connections in use, by pool");
    describe_gauge!(DB_POOL_IDLE, "Idle database connections, by pool");
    describe_gauge!(DB_POOL_MAX, "The pool's connection limit, by pool");
    describe_gauge!(
        DB_POOL_WAITING,
        "1 when every connection of the pool is in use, so new queries wait"
    );
}

/// Creates a counter series at 0, so that its `rate()` is 0 and `absent()` is false
/// from the start rather than from its first event (alerts and dashboards read them).
pub fn register_counter(name: &'static str, labels: impl IntoLabels) {
    metrics::counter!(name, labels).increment(0);
}

/// Binds the metrics listener; it serves `GET /metrics` until `shutdown`.
pub async fn bind(address: SocketAddr) -> Result<TcpListener, MetricsError> {
    TcpListener::bind(address)
        .await
        .map_err(|source| MetricsError::Bind { address, source })
}

pub async fn serve(
    listener: TcpListener,
    handle: PrometheusHandle,
    shutdown: CancellationToken,
) -> std::io::Result<()> {
    let router = Router::new().route(
        "/metrics",
        get(move || {
            let handle = handle.clone();
            async move {
                (
                    [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
                    handle.render(),
                )
                    .into_response()
            }
        }),
    );
    tracing::info!(address = %listener.local_addr()?, "serving metrics at /metrics");
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown.cancelled_owned())
        .await
}

/// Refreshes the sampled gauges, and lets the recorder drain its histogram buffers.
pub async fn sample(db: Db, handle: PrometheusHandle, shutdown: CancellationToken) {
    loop {
        handle.run_upkeep();
        sample_once(&db).await;
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(SAMPLE_EVERY) => {}
        }
    }
}

/// One refresh of the outbox and pool gauges.
pub async fn sample_once(db: &Db) {
    match store::outbox::backlog(db.reader()).await {
        Ok((count, oldest)) => {
            gauge!(OUTBOX_BACKLOG).set(count as f64);
            let age = oldest.map_or(0.0, |at| {
                (Utc::now() - at).num_milliseconds().max(0) as f64 / 1000.0
            });
            gauge!(OUTBOX_OLDEST_AGE).set(age);
        }
        Err(error) => tracing::warn!(%error, "cannot sample the outbox backlog"),
    }
    metrics::counter!(DB_STATEMENTS).absolute(db.statements_sent());
    for pool in db.pool_stats() {
        let in_use = pool.size.saturating_sub(pool.idle);
        gauge!(DB_POOL_IN_USE, "pool" => pool.name).set(f64::from(in_use));
        gauge!(DB_POOL_IDLE, "pool" => pool.name).set(f64::from(pool.idle));
        gauge!(DB_POOL_MAX, "pool" => pool.name).set(f64::from(pool.max));
        // sqlx does not count the tasks queued in `acquire`; a pool with every
        // connection busy is the state in which they queue.
        let saturated = in_use >= pool.max;
        gauge!(DB_POOL_WAITING, "pool" => pool.name).set(if saturated { 1.0 } else { 0.0 });
    }
}
