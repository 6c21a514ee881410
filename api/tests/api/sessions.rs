//! Sessions that last: refresh tokens that rotate, detect reuse, sign out and expire.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code, spawn_app, spawn_app_tuned};

const AUTH_FIELDS: &str = "token refreshToken expiresAt user { id }";

async fn register(app: &TestApp, email: &str) -> Value {
    let data = app
        .ok(
            None,
            &format!("mutation($input: RegisterInput!) {{ register(input: $input) {{ {AUTH_FIELDS} }} }}"),
            json!({ "input": { "email": email, "password": "correct horse", "displayName": "Ada" } }),
        )
        .await;
    data["register"].clone()
}

async fn login(app: &TestApp, email: &str) -> Value {
    let data = app
        .ok(
            None,
            &format!("mutation($email: String!, $password: String!) {{ login(email: $email, password: $password) {{ {AUTH_FIELDS} }} }}"),
            json!({ "email": email, "password": "correct horse" }),
        )
        .await;
    data["login"].clone()
}

/// The whole response of `refreshSession`, sent without a session token.
async fn refresh(app: &TestApp, refresh_token: &Value) -> Value {
    app.graphql(
        None,
        &format!("mutation($refreshToken: String!) {{ refreshSession(refreshToken: $refreshToken) {{ {AUTH_FIELDS} }} }}"),
        json!({ "refreshToken": refresh_token }),
    )
    .await
}

async fn sign_out(app: &TestApp, refresh_token: &Value) -> Value {
    app.graphql(
        None,
        "mutation($refreshToken: String!) { signOut(refreshToken: $refreshToken) }",
        json!({ "refreshToken": refresh_token }),
    )
    .await
}

fn refused_with(response: &Value, words: &str) {
    assert_eq!(error_code(response), "UNAUTHENTICATED", "{response}");
    let message = response["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains(words), "{message}");
    assert!(message.ends_with("sign in again"), "{message}");
}

#[tokio::test]
async fn a_refresh_gives_a_working_session_token_and_the_next_refresh_token() {
    let app = spawn_app().await;
    let first = register(&app, "ada@example.com").await;
    let expires_at: chrono::DateTime<chrono::Utc> =
        first["expiresAt"].as_str().unwrap().parse().unwrap();
    let ttl = expires_at - chrono::Utc::now();
    assert!(
        ttl <= chrono::Duration::hours(1) && ttl > chrono::Duration::minutes(59),
        "{ttl}"
    );

    let response = refresh(&app, &first["refreshToken"]).await;
    let second = &response["data"]["refreshSession"];
    assert_eq!(second["user"]["id"], first["user"]["id"], "{response}");
    assert_ne!(second["refreshToken"], first["refreshToken"]);
    let me = app
        .ok(second["token"].as_str(), "{ me { id } }", json!({}))
        .await;
    assert_eq!(me["me"]["id"], first["user"]["id"]);
    // The successor works in turn, and so on.
    let third = refresh(&app, &second["refreshToken"]).await;
    assert!(third.get("errors").is_none(), "{third}");
}

#[tokio::test]
async fn a_refresh_token_works_once_and_its_reuse_ends_the_whole_session() {
    let app = spawn_app().await;
    let first = register(&app, "ada@example.com").await;
    let other_device = login(&app, "ada@example.com").await;
    let second = refresh(&app, &first["refreshToken"]).await["data"]["refreshSession"].clone();

    // The old token again: someone else has it, so the family ends for both holders.
    refused_with(&refresh(&app, &first["refreshToken"]).await, "used already");
    refused_with(&refresh(&app, &second["refreshToken"]).await, "ended");
    // Another sign-in's session is its own.
    let response = refresh(&app, &other_device["refreshToken"]).await;
    assert!(response.get("errors").is_none(), "{response}");
}

#[tokio::test]
async fn sign_out_ends_only_its_own_session() {
    let app = spawn_app().await;
    let here = register(&app, "ada@example.com").await;
    let elsewhere = login(&app, "ada@example.com").await;

    let response = sign_out(&app, &here["refreshToken"]).await;
    assert_eq!(response["data"]["signOut"], true, "{response}");
    refused_with(&refresh(&app, &here["refreshToken"]).await, "ended");
    refused_with(&sign_out(&app, &here["refreshToken"]).await, "ended");
    let response = refresh(&app, &elsewhere["refreshToken"]).await;
    assert!(response.get("errors").is_none(), "{response}");

    for unknown in [json!("not-a-refresh-token"), json!("")] {
        refused_with(&refresh(&app, &unknown).await, "unknown");
        refused_with(&sign_out(&app, &unknown).await, "unknown");
    }
}

#[tokio::test]
async fn refresh_tokens_expire_when_unused_and_are_purged() {
    // Expired at birth: no waiting for the clock.
    let app = spawn_app_tuned(|settings| settings.refresh_ttl = Duration::ZERO).await;
    let session = register(&app, "ada@example.com").await;
    refused_with(&refresh(&app, &session["refreshToken"]).await, "expired");

    let app = spawn_app().await;
    let session = register(&app, "ada@example.com").await;
    let now = chrono::Utc::now();
    assert_eq!(
        app.services
            .auth
            .purge_expired_refresh_tokens(now)
            .await
            .unwrap(),
        0
    );
    let next = refresh(&app, &session["refreshToken"]).await["data"]["refreshSession"].clone();
    // A month and a day later both tokens have run out (the rotated one included).
    let later = now + chrono::Duration::days(31);
    assert_eq!(
        app.services
            .auth
            .purge_expired_refresh_tokens(later)
            .await
            .unwrap(),
        2
    );
    refused_with(&refresh(&app, &next["refreshToken"]).await, "unknown");
}
