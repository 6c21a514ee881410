//! The real `todo-api serve` binary as a child process, for the tests that need what
//! only a process has: signals, kill -9, several replicas, restarts.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{eventually, free_port};

/// The signing secret every process started here uses.
pub const JWT_SECRET: &str = "process-test-secret-that-is-long-enough";

pub struct ServerProcess {
    pub child: Child,
    pub base: String,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl ServerProcess {
    /// A server on `database_url`, ready to serve, logging warnings to the test's stderr.
    pub async fn start(database_url: &str, data_dir: &Path) -> Self {
        Self::start_with(database_url, data_dir, &[], Stdio::inherit()).await
    }

    /// A server with extra settings (`env` wins over the defaults), its stderr going to
    /// `stderr`.
    pub async fn start_with(
        database_url: &str,
        data_dir: &Path,
        env: &[(&str, &str)],
        stderr: Stdio,
    ) -> Self {
        let port = free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_todo-api"))
            .arg("serve")
            .env_clear()
            .env("DATABASE_URL", database_url)
            .env("TODO_DATA_DIR", data_dir)
            .env("TODO_LISTEN", format!("127.0.0.1:{port}"))
            .env("TODO_JWT_SECRET", JWT_SECRET)
            .env("RUST_LOG", "warn")
            .envs(env.iter().copied())
            .stderr(stderr)
            .spawn()
            .unwrap();
        let server = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        server.wait_ready(Duration::from_secs(30)).await;
        server
    }

    pub async fn wait_ready(&self, timeout: Duration) {
        let ready = format!("{}/readyz", self.base);
        eventually(timeout, || async {
            reqwest::get(&ready)
                .await
                .ok()
                .filter(|r| r.status() == 200)
        })
        .await;
    }

    /// Waits for the process to exit by itself. `limit` guards against a hung test; it
    /// measures nothing.
    pub async fn exit_status(mut self, limit: Duration) -> std::process::ExitStatus {
        let waited = tokio::task::spawn_blocking(move || {
            let status = self.child.wait();
            (status, self)
        });
        let (status, _exited) = tokio::time::timeout(limit, waited)
            .await
            .unwrap_or_else(|_| panic!("still running after {limit:?}"))
            .unwrap();
        status.unwrap()
    }

    /// Whether the process is still running.
    pub fn running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// Sends `signal` (e.g. `-TERM`) to the process.
    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }
}

/// Runs a GraphQL document that must succeed; returns its `data`.
pub async fn graphql(base: &str, token: Option<&str>, query: &str, variables: Value) -> Value {
    let mut request = reqwest::Client::new()
        .post(format!("{base}/graphql"))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response: Value = request.send().await.unwrap().json().await.unwrap();
    assert!(response.get("errors").is_none(), "{response}");
    response["data"].clone()
}

/// Registers the one account these tests use; returns its token.
pub async fn register(base: &str) -> String {
    graphql(
        base,
        None,
        "mutation { register(input: { email: \"ada@example.com\", password: \"correct horse\", displayName: \"Ada\" }) { token } }",
        json!({}),
    )
    .await["register"]["token"]
        .as_str()
        .unwrap()
        .to_owned()
}
