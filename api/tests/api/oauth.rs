//! OAuth for agents that connect by URL (issue 31), as far as it is built: dynamic
//! client registration (RFC 7591), with its refusals and its rate limit.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

async fn register(app: &TestApp, body: Value) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let response = reqwest::Client::new()
        .post(app.url("/oauth/register"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    (status, headers, response.json().await.unwrap())
}

#[tokio::test]
async fn a_public_client_registers_with_https_or_loopback_redirect_uris() {
    let app = spawn_app().await;
    let (status, headers, client) = register(
        &app,
        json!({
            "client_name": "Claude",
            "redirect_uris": ["https://claude.ai/api/mcp/auth_callback", "http://127.0.0.1:33418/cb"],
            "token_endpoint_auth_method": "none",
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "scope": "tasks:read tasks:write"
        }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{client}");
    assert_eq!(headers["cache-control"], "no-store");
    assert!(uuid::Uuid::parse_str(client["client_id"].as_str().unwrap()).is_ok());
    assert_eq!(client["client_name"], "Claude");
    assert_eq!(client["token_endpoint_auth_method"], "none");
    assert_eq!(
        client["redirect_uris"],
        json!([
            "https://claude.ai/api/mcp/auth_callback",
            "http://127.0.0.1:33418/cb"
        ])
    );

    for (body, error) in [
        (
            json!({ "redirect_uris": ["http://evil.example/cb"] }),
            "invalid_redirect_uri",
        ),
        (
            json!({ "redirect_uris": ["https://a.example/cb#x"] }),
            "invalid_redirect_uri",
        ),
        (json!({ "client_name": "No URIs" }), "invalid_redirect_uri"),
        (
            json!({ "redirect_uris": ["https://a.example/cb"], "token_endpoint_auth_method": "client_secret_post" }),
            "invalid_client_metadata",
        ),
        (
            json!({ "redirect_uris": ["https://a.example/cb"], "grant_types": ["implicit"] }),
            "invalid_client_metadata",
        ),
        (json!(["not", "an", "object"]), "invalid_client_metadata"),
    ] {
        let (status, _, answer) = register(&app, body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(answer["error"], error, "{body}: {answer}");
        assert!(
            answer["error_description"]
                .as_str()
                .is_some_and(|d| !d.is_empty())
        );
    }
}

#[tokio::test]
async fn registrations_are_rate_limited() {
    let app = spawn_app().await;
    let body = json!({ "client_name": "Loop", "redirect_uris": ["http://127.0.0.1:9/cb"] });
    for _ in 0..30 {
        assert_eq!(register(&app, body.clone()).await.0, StatusCode::CREATED);
    }
    let (status, headers, answer) = register(&app, body).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(answer["error"], "temporarily_unavailable");
    let retry: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
}
