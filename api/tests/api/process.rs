//! Tests of the real binary: start-up with nothing configured, configuration errors,
//! and JSON logs carrying the request id.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::{free_port, postgres_url};

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
    if postgres_url().is_some() {
        // The embedded default is SQLite; the PostgreSQL run covers the rest.
        return;
    }
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
