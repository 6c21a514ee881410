use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use serde_json::{Value, json};

use crate::helpers::{call, http_client, ok, spawn_http_server, start_api, tool_error};
use crate::scenario;

const INITIALIZE: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"0"}}}"#;

async fn post_initialize(url: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(INITIALIZE);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn an_agent_manages_recurring_tasks_over_http() {
    let api = start_api().await;
    let server = spawn_http_server(&api.url, &[]).await;
    let owner = api.user_token("ada@example.com", "WRITE").await;
    let stranger = api.user_token("eve@example.com", "WRITE").await;
    let client = http_client(&server.url, &owner).await;

    scenario::lists_tools_with_schemas_and_annotations(&client).await;
    scenario::manages_a_recurring_task(&client, &api, &owner, &stranger).await;
    scenario::refuses_arguments_outside_the_schema(&client).await;
    scenario::offers_prompts(&client).await;

    client.cancel().await.unwrap();
}

#[tokio::test]
async fn each_http_client_acts_as_the_user_of_its_own_token() {
    let api = start_api().await;
    let server = spawn_http_server(&api.url, &[]).await;
    let ada = http_client(
        &server.url,
        &api.user_token("ada@example.com", "WRITE").await,
    )
    .await;
    let eve = http_client(
        &server.url,
        &api.user_token("eve@example.com", "WRITE").await,
    )
    .await;

    let adas = ok(&call(&ada, "add_task", json!({ "title": "Ada's task" })).await);
    ok(&call(&eve, "add_task", json!({ "title": "Eve's task" })).await);

    let seen_by_eve = ok(&call(&eve, "list_tasks", json!({})).await);
    let titles: Vec<&Value> = seen_by_eve["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["title"])
        .collect();
    assert_eq!(titles, [&json!("Eve's task")]);
    let message = tool_error(&call(&eve, "complete_task", json!({ "id": adas["id"] })).await);
    assert!(message.contains("No task with id"), "{message}");
    let still_open = ok(&call(&ada, "get_task", json!({ "id": adas["id"] })).await);
    assert_eq!(still_open["completed"], false);
}

#[tokio::test]
async fn a_read_only_token_can_list_but_not_change() {
    let api = start_api().await;
    let server = spawn_http_server(&api.url, &[]).await;
    let reader = http_client(
        &server.url,
        &api.user_token("ada@example.com", "READ").await,
    )
    .await;

    ok(&call(&reader, "list_tasks", json!({})).await);
    let message = tool_error(&call(&reader, "add_task", json!({ "title": "Nope" })).await);
    assert!(message.contains("WRITE"), "{message}");
}

#[tokio::test]
async fn http_requires_a_token_the_api_accepts() {
    let api = start_api().await;
    let server = spawn_http_server(&api.url, &[]).await;
    let session = api.register("ada@example.com").await;
    let (token, token_id) = api.api_token(&session, "WRITE").await;

    let missing = post_initialize(&server.url, &[]).await;
    assert_eq!(missing.status(), StatusCode::UNAUTHORIZED);
    assert!(
        missing.headers()[WWW_AUTHENTICATE]
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );

    for bad in ["Bearer todo_forged", "Basic YWRhOnBhc3N3b3Jk", "Bearer"] {
        let refused = post_initialize(&server.url, &[(AUTHORIZATION.as_str(), bad)]).await;
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED, "{bad}");
    }

    let bearer = format!("Bearer {token}");
    let accepted = post_initialize(&server.url, &[(AUTHORIZATION.as_str(), &bearer)]).await;
    assert_eq!(accepted.status(), StatusCode::OK);
    let body: Value = accepted.json().await.unwrap();
    assert_eq!(body["result"]["serverInfo"]["name"], "todo-mcp");

    // Every request is checked, so a revoked token stops working at once.
    let revoked = api
        .graphql(
            &session,
            "mutation($id: ID!) { revokeApiToken(id: $id) }",
            json!({ "id": token_id }),
        )
        .await;
    assert_eq!(revoked["data"]["revokeApiToken"], true, "{revoked}");
    let refused = post_initialize(&server.url, &[(AUTHORIZATION.as_str(), &bearer)]).await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);

    let health = reqwest::get(server.url.replace("/mcp", "/healthz"))
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK);
}

#[tokio::test]
async fn http_checks_origin_and_host_against_allow_lists() {
    let api = start_api().await;
    let server =
        spawn_http_server(&api.url, &["--allowed-origin", "https://agent.example.com"]).await;
    let bearer = format!(
        "Bearer {}",
        api.user_token("ada@example.com", "WRITE").await
    );
    let auth = (AUTHORIZATION.as_str(), bearer.as_str());

    let foreign = post_initialize(&server.url, &[auth, ("origin", "https://evil.example")]).await;
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
    let allowed = post_initialize(
        &server.url,
        &[auth, ("origin", "https://agent.example.com")],
    )
    .await;
    assert_eq!(allowed.status(), StatusCode::OK);
    let without_origin = post_initialize(&server.url, &[auth]).await;
    assert_eq!(
        without_origin.status(),
        StatusCode::OK,
        "non-browser clients send no Origin"
    );

    let rebound = post_initialize(&server.url, &[auth, ("host", "attacker.example")]).await;
    assert_eq!(rebound.status(), StatusCode::FORBIDDEN);
}
