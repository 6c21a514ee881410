use std::path::Path;
use std::time::Duration;

use api::app::Application;
use api::config::{BusSettings, DeliverySettings, McpInfo, Settings};
use api::delivery::push::VapidKey;
use api::domain::push::EndpointPolicy;
use api::graphql::limits::QueryLimits;
use api::service::Services;
use sea_orm::sqlx::{Connection as _, Executor as _};
use serde_json::{Value, json};
use tempfile::TempDir;

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub services: Services,
    /// `http://host:port` of the metrics listener, when the app has one.
    pub metrics_address: Option<String>,
    _data_dir: TempDir,
}

/// A PostgreSQL server URL (any database) from TEST_DATABASE_URL: each test then gets
/// a database of its own on that server. Unset: each test gets a SQLite file.
pub fn postgres_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|url| url.starts_with("postgres"))
}

/// For the tests marked `#[ignore = "needs PostgreSQL (TEST_DATABASE_URL)"]`: the SQLite
/// run reports them as ignored, and `scripts/test` runs them in its PostgreSQL pass
/// (`--include-ignored`). Run without PostgreSQL, they fail rather than pass unseen.
pub fn assert_postgres() {
    assert!(
        postgres_url().is_some(),
        "this test needs PostgreSQL: set TEST_DATABASE_URL"
    );
}

/// A fresh, empty database for one test.
pub async fn fresh_database_url(data_dir: &TempDir) -> String {
    match postgres_url() {
        Some(server_url) => {
            let prefix =
                std::env::var("TEST_DATABASE_PREFIX").unwrap_or_else(|_| "todo_test".into());
            let name = format!("{prefix}_{}", uuid::Uuid::new_v4().simple());
            let mut admin = sea_orm::sqlx::PgConnection::connect(&server_url)
                .await
                .unwrap();
            admin
                .execute(sea_orm::sqlx::AssertSqlSafe(format!(
                    "CREATE DATABASE \"{name}\""
                )))
                .await
                .unwrap();
            let (base, _) = server_url.rsplit_once('/').unwrap();
            format!("{base}/{name}")
        }
        None => format!(
            "sqlite://{}?mode=rwc",
            data_dir.path().join("todo.db").display()
        ),
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(BusSettings::InProcess).await
}

pub async fn spawn_app_with(bus: BusSettings) -> TestApp {
    spawn_configured(bus, None, false).await
}

/// An app that serves the web UI from `web_dir`.
pub async fn spawn_app_serving(bus: BusSettings, web_dir: Option<std::path::PathBuf>) -> TestApp {
    spawn_configured(bus, web_dir, false).await
}

/// An app that also serves `/metrics` on a listener of its own.
pub async fn spawn_app_with_metrics() -> TestApp {
    spawn_configured(BusSettings::InProcess, None, true).await
}

/// An app whose settings `tune` adjusts first (short TTLs, an MCP URL).
pub async fn spawn_app_tuned(tune: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_tuned(BusSettings::InProcess, None, false, tune).await
}

async fn spawn_configured(
    bus: BusSettings,
    web_dir: Option<std::path::PathBuf>,
    metrics: bool,
) -> TestApp {
    spawn_tuned(bus, web_dir, metrics, |_| {}).await
}

async fn spawn_tuned(
    bus: BusSettings,
    web_dir: Option<std::path::PathBuf>,
    metrics: bool,
    tune: impl FnOnce(&mut Settings),
) -> TestApp {
    // Quiet by default; TEST_LOG=1 shows the servers' logs.
    if std::env::var_os("TEST_LOG").is_some() {
        api::telemetry::init(api::config::LogFormat::Text);
    }
    // One recorder for every app of this test process, from the first one on: an app
    // started before a later one installed it would miss its increments but not its
    // decrements, and the shared gauges would drift below zero.
    api::metrics::install().expect("the metrics recorder installs");
    let data_dir = tempfile::tempdir().unwrap();
    let mut settings = Settings {
        listen: "127.0.0.1:0".parse().unwrap(),
        database_url: fresh_database_url(&data_dir).await,
        database_max_connections: None,
        shutdown_drain: Duration::ZERO,
        shutdown_grace: Duration::from_secs(5),
        request_timeout: Duration::from_secs(30),
        query_limits: QueryLimits::default(),
        bus,
        jwt_secret: b"integration-test-secret-of-32-bytes!".to_vec().into(),
        session_ttl: Duration::from_secs(3600),
        refresh_ttl: Duration::from_secs(30 * 86_400),
        audit_retention: chrono::Duration::days(90),
        notification_archive: chrono::Duration::days(30),
        web_dir,
        metrics_listen: metrics.then(|| "127.0.0.1:0".parse().unwrap()),
        mcp: McpInfo {
            public_url: "http://127.0.0.1:8081/mcp".into(),
            binary_path: None,
        },
        delivery: DeliverySettings {
            public_url: "http://127.0.0.1:8080".into(),
            vapid_key: VapidKey::generate(),
            vapid_subject: "mailto:ops@example.com".into(),
            smtp_url: None,
            mail_from: "Todo <todo@example.com>".parse().unwrap(),
            endpoint_policy: EndpointPolicy {
                allow_loopback_http: true,
            },
            lease: Duration::from_secs(60),
        },
    };
    tune(&mut settings);
    let app = Application::build(settings).await.unwrap();
    let address = format!("http://{}", app.local_addr().unwrap());
    let services = app.services().clone();
    let metrics_address = app.metrics_addr().map(|a| format!("http://{a}"));
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::new(),
        services,
        metrics_address,
        _data_dir: data_dir,
    }
}

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Polls `check` until it returns `Some`, for at most `timeout`.
pub async fn eventually<T, F, Fut>(timeout: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "condition not met within {timeout:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// POSTs a GraphQL request and returns the parsed response body.
    pub async fn graphql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut request = self
            .client
            .post(self.url("/graphql"))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap().json().await.unwrap()
    }

    /// Like `graphql`, but the request must succeed; returns `data`.
    pub async fn ok(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let response = self.graphql(token, query, variables).await;
        assert!(
            response.get("errors").is_none(),
            "unexpected errors: {response}"
        );
        response["data"].clone()
    }

    /// Registers a user; returns their session token.
    pub async fn register(&self, email: &str) -> String {
        let data = self
            .ok(
                None,
                "mutation($input: RegisterInput!) { register(input: $input) { token user { id } } }",
                json!({ "input": { "email": email, "password": "correct horse", "displayName": "Test User" } }),
            )
            .await;
        data["register"]["token"].as_str().unwrap().to_owned()
    }

    pub async fn create_task(&self, token: &str, input: Value) -> Value {
        let data = self
            .ok(
                Some(token),
                &format!("mutation($input: CreateTaskInput!) {{ createTask(input: $input) {{ {TASK_FIELDS} }} }}"),
                json!({ "input": input }),
            )
            .await;
        data["createTask"].clone()
    }

    pub async fn complete_task(&self, token: &str, id: &str) -> Value {
        let data = self
            .ok(
                Some(token),
                &format!(
                    "mutation($id: ID!) {{ completeTask(id: $id) {{ task {{ {TASK_FIELDS} }} nextOccurrence {{ {TASK_FIELDS} }} }} }}"
                ),
                json!({ "id": id }),
            )
            .await;
        data["completeTask"].clone()
    }

    pub async fn task_count(&self, token: &str) -> u64 {
        let data = self
            .ok(Some(token), "{ tasks { totalCount } }", json!({}))
            .await;
        data["tasks"]["totalCount"].as_u64().unwrap()
    }
}

pub const TASK_FIELDS: &str = "id title description priority category dueAt allDay timeZone \
    recurrence { preset rrule mode description } remindBeforeMinutes completed completedAt \
    seriesId parentTaskId occurrenceNumber createdAt updatedAt nextReminderAt";

/// The `extensions.code` of the first error.
pub fn error_code(response: &Value) -> &str {
    response["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error code in {response}"))
}

pub fn error_field(response: &Value) -> &str {
    response["errors"][0]["extensions"]["field"]
        .as_str()
        .unwrap_or_else(|| panic!("no error field in {response}"))
}

/// Installs the npm packages of a tool directory from its lock file, once per test run
/// (`installed` is the caller's own cell), from the npm registry only. `probe` is a file
/// that exists once they are installed.
pub async fn npm_ci_once(installed: &'static tokio::sync::OnceCell<()>, dir: &Path, probe: &str) {
    installed
        .get_or_init(|| async {
            if dir.join("node_modules").join(probe).exists() {
                return;
            }
            let status = tokio::process::Command::new("npm")
                .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
                .current_dir(dir)
                .status()
                .await
                .expect("npm (Node.js 18 or newer) is needed for the JavaScript tool tests");
            assert!(status.success(), "npm ci failed in {}", dir.display());
        })
        .await;
}
