//! Tests of the real binary: start-up with nothing configured, configuration errors,
//! and JSON logs carrying the request id.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::helpers::{free_port, fresh_database_url};
use crate::server_process::{JWT_SECRET, ServerProcess, graphql};

const BINARY: &str = env!("CARGO_BIN_EXE_todo-api");

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn wait_until_ready(url: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(response) = reqwest::get(url).await
            && response.status() == 200
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server did not become ready at {url}");
}

#[tokio::test]
async fn serve_with_nothing_configured_creates_its_data_dir_and_logs_json() {
    // The embedded default is SQLite whatever TEST_DATABASE_URL says: both runs run it.
    let root = tempfile::tempdir().unwrap();
    let data_dir = root.path().join("nested/data");
    let port = free_port();
    let mut child = Command::new(BINARY)
        .arg("serve")
        .env_clear()
        .env("TODO_DATA_DIR", &data_dir)
        .env("TODO_LISTEN", format!("127.0.0.1:{port}"))
        .env("LOG_FORMAT", "json")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let _server = Server(child);
    let base = format!("http://127.0.0.1:{port}");
    wait_until_ready(&format!("{base}/readyz")).await;
    assert!(data_dir.join("todo.db").exists());
    let secret = std::fs::read_to_string(data_dir.join("jwt-secret")).unwrap();
    assert_eq!(secret.trim().len(), 64);

    let response = reqwest::Client::new()
        .post(format!("{base}/graphql"))
        .header("x-request-id", "trace-me-42")
        .json(&serde_json::json!({ "query": "{ me { id } }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "trace-me-42");

    // Find the request's log line: JSON, carrying the request id from its span.
    let lines = tokio::task::spawn_blocking(move || {
        let mut found = Vec::new();
        for line in BufReader::new(stderr).lines() {
            let line = line.unwrap();
            let done = line.contains("trace-me-42") && line.contains("request finished");
            found.push(line);
            if done {
                break;
            }
        }
        found
    });
    let lines = tokio::time::timeout(Duration::from_secs(10), lines)
        .await
        .unwrap()
        .unwrap();
    let last: serde_json::Value = serde_json::from_str(lines.last().unwrap()).unwrap();
    assert_eq!(last["span"]["request_id"], "trace-me-42");
    assert_eq!(last["fields"]["message"], "request finished");
    for line in &lines {
        serde_json::from_str::<serde_json::Value>(line)
            .unwrap_or_else(|_| panic!("not JSON: {line}"));
    }
}

#[test]
fn bad_configuration_stops_start_up_naming_the_setting() {
    let cases: [(&[(&str, &str)], &str); 3] = [
        (&[("TODO_LISTEN", "not-an-address")], "--listen"),
        (
            &[("DATABASE_URL", "mysql://localhost/todo")],
            "DATABASE_URL",
        ),
        (&[("TODO_JWT_SECRET", "too-short")], "TODO_JWT_SECRET"),
    ];
    for (env, setting) in cases {
        let dir = tempfile::tempdir().unwrap();
        let output = Command::new(BINARY)
            .arg("serve")
            .env_clear()
            .env("TODO_DATA_DIR", dir.path())
            .envs(env.iter().copied())
            .output()
            .unwrap();
        assert!(!output.status.success());
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first_line = stderr
            .lines()
            .find(|l| l.starts_with("error"))
            .unwrap_or_default();
        assert!(first_line.contains(setting), "{setting}: {stderr}");
    }
}

#[test]
fn an_unreachable_database_fails_fast_with_a_readable_error() {
    let output = Command::new(BINARY)
        .args(["migrate"])
        .env_clear()
        .env("DATABASE_URL", "postgres://nobody:secret@127.0.0.1:1/none")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("DATABASE_URL"), "{stderr}");
    assert!(!stderr.contains("secret"), "the password leaked: {stderr}");
}

#[test]
fn schema_prints_the_sdl() {
    let output = Command::new(BINARY).arg("schema").output().unwrap();
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        api::graphql::sdl()
    );
}

/// At debug level the server logs a great deal; never a password, a session or API
/// token, or the signing secret, whether the request succeeds or fails.
#[tokio::test]
async fn no_log_line_at_debug_level_carries_a_password_or_a_token() {
    let data_dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database_url(&data_dir).await;
    let log_path = data_dir.path().join("server.log");
    let server = ServerProcess::start_with(
        &database_url,
        data_dir.path(),
        &[("RUST_LOG", "debug")],
        Stdio::from(std::fs::File::create(&log_path).unwrap()),
    )
    .await;
    let password = "distinctive password 7f3c";
    let wrong_password = "wrong password 9d2e";
    let register = "mutation($password: String!) { register(input: { email: \"ada@example.com\", password: $password, displayName: \"Ada\" }) { token } }";
    let session = graphql(
        &server.base,
        None,
        register,
        json!({ "password": password }),
    )
    .await["register"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let login = "mutation($password: String!) { login(email: \"ada@example.com\", password: $password) { token } }";
    let relogin =
        graphql(&server.base, None, login, json!({ "password": password })).await["login"]["token"]
            .as_str()
            .unwrap()
            .to_owned();
    let api_token = graphql(
        &server.base,
        Some(&session),
        "mutation { createApiToken(name: \"agent\", scopes: [WRITE]) { token } }",
        json!({}),
    )
    .await["createApiToken"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    graphql(&server.base, Some(&api_token), "{ me { id } }", json!({})).await;
    // Failures log more than successes do.
    let client = reqwest::Client::new();
    let refused = [
        (None, login, json!({ "password": wrong_password })),
        (None, register, json!({ "password": password })),
        (
            Some("todo_unknownTokenValue4411"),
            "{ me { id } }",
            json!({}),
        ),
        (Some(session.as_str()), "{ me { id nope } }", json!({})),
    ];
    for (token, query, variables) in refused {
        let mut request = client
            .post(format!("{}/graphql", server.base))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let body: Value = request.send().await.unwrap().json().await.unwrap();
        assert!(body["errors"].is_array(), "{body}");
    }
    drop(server);

    let log = std::fs::read_to_string(&log_path).unwrap();
    let finished = log.matches("request finished").count();
    assert!(finished >= 8, "debug logging did not run: {log}");
    let secrets = [
        password,
        wrong_password,
        &session,
        &relogin,
        &api_token,
        "todo_unknownTokenValue4411",
        JWT_SECRET,
    ];
    for line in log.lines() {
        for secret in secrets {
            assert!(!line.contains(secret), "a secret in the log: {line}");
        }
    }
}

/// The log lines that mark the drain's start and the stop proper.
const DRAINING: &str = "draining: /readyz answers 503";
const STOPPING: &str = "no longer taking connections";

/// A server whose info-level log goes to a file, with `drain_seconds` of drain.
async fn server_logging_to_file(
    data_dir: &tempfile::TempDir,
    drain_seconds: &str,
) -> (ServerProcess, std::path::PathBuf) {
    let database_url = fresh_database_url(data_dir).await;
    let log_path = data_dir.path().join("server.log");
    let server = ServerProcess::start_with(
        &database_url,
        data_dir.path(),
        &[
            ("TODO_SHUTDOWN_DRAIN_SECONDS", drain_seconds),
            ("RUST_LOG", "warn,api=info,shutdown=info"),
        ],
        Stdio::from(std::fs::File::create(&log_path).unwrap()),
    )
    .await;
    (server, log_path)
}

/// Sends SIGTERM and waits for a clean exit whose log says it drained before it stopped.
async fn stop_expecting_drain_then_stop(server: ServerProcess, log_path: &std::path::Path) {
    server.signal("-TERM");
    let status = server.exit_status(Duration::from_secs(60)).await;
    assert!(status.success(), "{status}");
    let log = std::fs::read_to_string(log_path).unwrap();
    let find = |line: &str| {
        log.find(line)
            .unwrap_or_else(|| panic!("no {line:?} in the log: {log}"))
    };
    assert!(find(DRAINING) < find(STOPPING), "{log}");
}

#[tokio::test]
async fn the_drain_reports_unready_and_still_serves_until_a_second_signal() {
    let data_dir = tempfile::tempdir().unwrap();
    // A drain far longer than the test: only the second signal can end it.
    let (mut server, log_path) = server_logging_to_file(&data_dir, "3600").await;
    let token = crate::server_process::register(&server.base).await;

    server.signal("-TERM");
    let readiness = format!("{}/readyz", server.base);
    let unready = crate::helpers::eventually(Duration::from_secs(30), || async {
        let response = reqwest::get(&readiness).await.ok()?;
        (response.status() == 503).then_some(response)
    })
    .await;
    assert_eq!(
        unready.json::<Value>().await.unwrap()["reason"],
        "shutting down"
    );
    // Every request is still served, on new connections too, GraphQL included.
    let data = graphql(&server.base, Some(&token), "{ me { email } }", json!({})).await;
    assert_eq!(data["me"]["email"], "ada@example.com");
    let live = reqwest::get(format!("{}/healthz", server.base))
        .await
        .unwrap();
    assert_eq!(live.status(), 200);
    assert!(server.running());
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(log.contains(DRAINING), "{log}");
    assert!(!log.contains(STOPPING), "stopped during the drain: {log}");

    stop_expecting_drain_then_stop(server, &log_path).await;
}

#[tokio::test]
async fn the_drain_ends_by_itself_and_the_process_exits_cleanly() {
    let data_dir = tempfile::tempdir().unwrap();
    let (server, log_path) = server_logging_to_file(&data_dir, "1").await;
    stop_expecting_drain_then_stop(server, &log_path).await;
}

#[tokio::test]
async fn a_drain_of_zero_stops_at_once() {
    let data_dir = tempfile::tempdir().unwrap();
    let (server, log_path) = server_logging_to_file(&data_dir, "0").await;
    server.signal("-TERM");
    let status = server.exit_status(Duration::from_secs(60)).await;
    assert!(status.success(), "{status}");
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(log.contains(STOPPING), "{log}");
    assert!(
        !log.contains(DRAINING),
        "drained although told not to: {log}"
    );
}
