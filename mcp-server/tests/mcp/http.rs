use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use serde_json::{Value, json};

use crate::helpers::{
    call, http_client, ok, spawn_http_server, start_api, start_api_with, tool_error,
};
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

/// The MCP specification's authorization (2025-06-18) from the agent's side: the 401
/// names the protected resource metadata (RFC 9728), which names the API as the
/// authorization server (RFC 8414); a token got there for this server works here and
/// nowhere else.
#[tokio::test]
async fn an_agent_finds_the_authorization_server_and_its_token_works_only_here() {
    let free_port = || {
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    };
    let (port, api_port) = (free_port(), free_port());
    let mcp_url = format!("http://127.0.0.1:{port}/mcp");
    let api_listen = format!("127.0.0.1:{api_port}");
    let api_url = format!("http://{api_listen}");
    let api = start_api_with(&[
        "--listen",
        &api_listen,
        "--public-url",
        &api_url,
        "--mcp-public-url",
        &mcp_url,
    ])
    .await;
    assert_eq!(api.url, api_url);
    let listen = format!("127.0.0.1:{port}");
    // The API's own URL is the authorization server (TODO_PUBLIC_URL's default).
    let server = spawn_http_server(&api.url, &["--listen", &listen]).await;
    assert_eq!(server.url, mcp_url);
    // Another MCP server in front of the same API: a token for the first is not for it.
    let elsewhere = spawn_http_server(&api.url, &[]).await;

    let challenged = post_initialize(&server.url, &[]).await;
    assert_eq!(challenged.status(), StatusCode::UNAUTHORIZED);
    let metadata_url = format!("http://127.0.0.1:{port}/.well-known/oauth-protected-resource");
    assert_eq!(
        challenged.headers()[WWW_AUTHENTICATE].to_str().unwrap(),
        format!("Bearer resource_metadata=\"{metadata_url}\"")
    );
    for url in [metadata_url.clone(), format!("{metadata_url}/mcp")] {
        let document: Value = reqwest::get(&url).await.unwrap().json().await.unwrap();
        assert_eq!(document["resource"], mcp_url, "{url}");
        assert_eq!(document["authorization_servers"], json!([api.url]), "{url}");
        assert_eq!(
            document["scopes_supported"],
            json!(["tasks:read", "tasks:write"])
        );
    }
    let issuer: Value = reqwest::get(format!(
        "{}/.well-known/oauth-authorization-server",
        api.url
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(issuer["issuer"], api.url);
    let client = reqwest::Client::new();
    let registered: Value = client
        .post(issuer["registration_endpoint"].as_str().unwrap())
        .json(&json!({ "client_name": "Raw agent", "redirect_uris": ["http://127.0.0.1:9/cb"] }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let client_id = registered["client_id"].as_str().unwrap();

    // The person's consent, as the web UI's consent page sends it.
    let verifier = "a-verifier-of-forty-three-or-more-characters-0123456789";
    let challenge = {
        use base64::Engine as _;
        use sha2::Digest as _;
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(sha2::Sha256::digest(verifier.as_bytes()))
    };
    let query = format!(
        "response_type=code&client_id={client_id}&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb\
         &code_challenge={challenge}&code_challenge_method=S256&state=s&resource={}",
        mcp_url.replace(':', "%3A").replace('/', "%2F")
    );
    let session = api.register("ada@example.com").await;
    let answered = api
        .graphql(
            &session,
            "mutation($query: String!) { answerAgentAuthorization(query: $query, allow: true) }",
            json!({ "query": query }),
        )
        .await;
    let to = answered["data"]["answerAgentAuthorization"]
        .as_str()
        .unwrap_or_else(|| panic!("{answered}"));
    let code = reqwest::Url::parse(to)
        .unwrap()
        .query_pairs()
        .find(|(name, _)| name == "code")
        .unwrap()
        .1
        .into_owned();
    let tokens: Value = client
        .post(issuer["token_endpoint"].as_str().unwrap())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "grant_type=authorization_code&code={code}&client_id={client_id}\
             &redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb&code_verifier={verifier}"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bearer = format!("Bearer {}", tokens["access_token"].as_str().unwrap());

    let accepted = post_initialize(&server.url, &[(AUTHORIZATION.as_str(), &bearer)]).await;
    assert_eq!(accepted.status(), StatusCode::OK);
    let agent = http_client(&server.url, tokens["access_token"].as_str().unwrap()).await;
    let added = ok(&call(&agent, "add_task", json!({ "text": "Water the plants" })).await);
    assert_eq!(added["title"], "Water the plants", "{added}");
    // Its history names the agent, as the person's activity page does.
    let mut entries = Value::Null;
    for _ in 0..100 {
        let history = call(&agent, "get_task_history", json!({ "id": added["id"] })).await;
        entries = ok(&history)["entries"].clone();
        if entries.as_array().is_some_and(|e| !e.is_empty()) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(entries[0]["source"], "MCP", "{entries}");
    assert_eq!(entries[0]["agent"], "Raw agent", "{entries}");

    let refused = post_initialize(&elsewhere.url, &[(AUTHORIZATION.as_str(), &bearer)]).await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert!(
        refused.headers()[WWW_AUTHENTICATE]
            .to_str()
            .unwrap()
            .ends_with("error=\"invalid_token\""),
        "{:?}",
        refused.headers()
    );
}
