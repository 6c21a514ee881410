//! `serverInfo`: what the web UI's agent page tells agents.

use serde_json::json;

use crate::helpers::{error_code, spawn_app_tuned};

#[tokio::test]
async fn server_info_names_the_configured_mcp_url_and_binary() {
    let app = spawn_app_tuned(|settings| {
        settings.mcp.public_url = "https://mcp.example.com/mcp".into();
        settings.mcp.binary_path = Some("/opt/todo/bin/todo-mcp".into());
    })
    .await;
    const QUERY: &str = "{ serverInfo { mcpUrl mcpBinaryPath } }";
    let response = app.graphql(None, QUERY, json!({})).await;
    assert_eq!(error_code(&response), "UNAUTHENTICATED");

    let token = app.register("ada@example.com").await;
    let data = app.ok(Some(&token), QUERY, json!({})).await;
    assert_eq!(
        data["serverInfo"],
        json!({ "mcpUrl": "https://mcp.example.com/mcp", "mcpBinaryPath": "/opt/todo/bin/todo-mcp" })
    );
}
