//! The official MCP TypeScript SDK as an independent client of the HTTP transport.

use std::path::{Path, PathBuf};

use tokio::process::Command;
use tokio::sync::OnceCell;

use crate::helpers::{spawn_http_server, start_api};

fn ts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ts")
}

/// Installs the SDK from the lock file once, from the npm registry only: no install
/// scripts run, so nothing else is fetched.
async fn install_sdk() {
    static INSTALLED: OnceCell<()> = OnceCell::const_new();
    INSTALLED
        .get_or_init(|| async {
            let dir = ts_dir();
            if dir
                .join("node_modules/@modelcontextprotocol/sdk/package.json")
                .exists()
            {
                return;
            }
            let status = Command::new("npm")
                .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
                .current_dir(&dir)
                .status()
                .await
                .expect("npm is needed for the TypeScript client test (Node.js 18 or newer)");
            assert!(status.success(), "npm ci failed in {}", dir.display());
        })
        .await;
}

#[tokio::test]
async fn the_typescript_sdk_uses_the_http_transport() {
    install_sdk().await;
    let api = start_api().await;
    let server = spawn_http_server(&api.url, &[]).await;
    let token = api.user_token("ada@example.com", "WRITE").await;

    let output = Command::new("node")
        .arg("client.mjs")
        .current_dir(ts_dir())
        .env("MCP_URL", &server.url)
        .env("MCP_TOKEN", &token)
        .output()
        .await
        .expect("node is needed for the TypeScript client test");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the TypeScript client failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("\"ok\":true"), "{stdout}");
}
