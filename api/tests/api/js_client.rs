//! The reference JavaScript client (npm `graphql-ws`) against `/graphql/ws`.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use chrono::Utc;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio::process::Command;
use tokio::sync::OnceCell;

use crate::helpers::{npm_ci_once, spawn_app};

pub(crate) fn client_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/js")
}

/// Installs the client from its lock file, once.
pub(crate) async fn install_client() {
    static INSTALLED: OnceCell<()> = OnceCell::const_new();
    npm_ci_once(&INSTALLED, &client_dir(), "graphql-ws/package.json").await;
}

fn client(ws_url: &str, token: Option<&str>) -> Command {
    let mut command = Command::new("node");
    command
        .arg("client.mjs")
        .current_dir(client_dir())
        .env("WS_URL", ws_url)
        .stdout(Stdio::piped())
        .kill_on_drop(true);
    if let Some(token) = token {
        command.env("TOKEN", token);
    }
    command
}

#[tokio::test]
async fn the_graphql_ws_client_connects_subscribes_and_completes() {
    install_client().await;
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let ws_url = format!("{}/graphql/ws", app.address.replacen("http", "ws", 1));

    let mut child = client(&ws_url, Some(&token))
        .spawn()
        .expect("node is needed for this test");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.as_deref(), Some("connected"));

    let due = (Utc::now() + chrono::Duration::seconds(1)).to_rfc3339();
    let task = app
        .create_task(
            &token,
            json!({ "title": "From JS", "dueAt": due, "remindBeforeMinutes": 0 }),
        )
        .await;
    let line = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let result: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(
        result["data"]["notifications"]["title"],
        "Task due soon: From JS"
    );
    assert_eq!(result["data"]["notifications"]["taskId"], task["id"]);
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success());
}

#[tokio::test]
async fn the_graphql_ws_client_is_refused_without_a_valid_token() {
    install_client().await;
    let app = spawn_app().await;
    let ws_url = format!("{}/graphql/ws", app.address.replacen("http", "ws", 1));
    for token in [None, Some("forged")] {
        let output = tokio::time::timeout(Duration::from_secs(20), client(&ws_url, token).output())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(2),
            "{}",
            String::from_utf8_lossy(&output.stdout)
        );
        let result: Value =
            serde_json::from_str(String::from_utf8_lossy(&output.stdout).trim()).unwrap();
        // The protocol's code for a refused connection_init.
        assert_eq!(result["code"], 4403, "{result}");
        assert_eq!(result["error"], "Forbidden", "{result}");
    }
}
