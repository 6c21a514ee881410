//! `graphql-transport-ws` from the protocol's side: every way a connection ends gets
//! the close code the protocol names for it.

use std::time::Duration;

use futures_util::StreamExt as _;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::{spawn_app, spawn_app_tuned};
use crate::live::{Socket, Subscriber, open_socket, receive, send};

/// The close frame the server ends the connection with, skipping any other messages.
async fn close_code(socket: &mut Socket, timeout: Duration) -> (u16, String) {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let message = tokio::time::timeout_at(deadline, socket.next())
            .await
            .expect("the server did not close the connection in time");
        match message {
            Some(Ok(Message::Close(Some(frame)))) => {
                return (u16::from(frame.code), frame.reason.to_string());
            }
            Some(Ok(Message::Close(None))) | None => panic!("closed without a code"),
            Some(Ok(_)) => continue,
            Some(Err(error)) => panic!("websocket error before a close frame: {error}"),
        }
    }
}

async fn acknowledged(base_url: &str, token: &str) -> Socket {
    let mut socket = open_socket(base_url).await.unwrap();
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } }),
    )
    .await;
    let ack = receive(&mut socket, Duration::from_secs(5)).await;
    assert_eq!(ack.unwrap()["type"], "connection_ack");
    socket
}

#[tokio::test]
async fn a_refused_or_missing_token_closes_with_4403() {
    let app = spawn_app().await;
    for payload in [json!({ "authorization": "Bearer forged" }), json!({})] {
        let mut socket = open_socket(&app.address).await.unwrap();
        send(
            &mut socket,
            json!({ "type": "connection_init", "payload": payload }),
        )
        .await;
        let (code, reason) = close_code(&mut socket, Duration::from_secs(5)).await;
        assert_eq!((code, reason.as_str()), (4403, "Forbidden"), "{payload}");
    }
}

#[tokio::test]
async fn protocol_violations_get_their_own_codes() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;

    // Not a protocol message.
    let mut socket = open_socket(&app.address).await.unwrap();
    send(&mut socket, json!({ "type": "hello" })).await;
    assert_eq!(
        close_code(&mut socket, Duration::from_secs(5)).await.0,
        4400
    );

    // Subscribing before the handshake.
    let mut socket = open_socket(&app.address).await.unwrap();
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { notifications { id } }" } }),
    )
    .await;
    assert_eq!(
        close_code(&mut socket, Duration::from_secs(5)).await.0,
        4401
    );

    // A second connection_init.
    let mut socket = acknowledged(&app.address, &token).await;
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } }),
    )
    .await;
    assert_eq!(
        close_code(&mut socket, Duration::from_secs(5)).await.0,
        4429
    );

    // Reusing the id of a running subscription.
    let mut socket = acknowledged(&app.address, &token).await;
    let subscribe = json!({ "id": "same", "type": "subscribe", "payload": { "query": "subscription { notifications { id } }" } });
    send(&mut socket, subscribe.clone()).await;
    send(&mut socket, subscribe).await;
    let (code, reason) = close_code(&mut socket, Duration::from_secs(5)).await;
    assert_eq!(code, 4409);
    assert!(reason.contains("same"), "{reason}");
}

#[tokio::test]
async fn an_id_can_be_reused_once_its_operation_completed() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let mut socket = acknowledged(&app.address, &token).await;
    for _ in 0..2 {
        send(
            &mut socket,
            json!({ "id": "q", "type": "subscribe", "payload": { "query": "{ me { email } }" } }),
        )
        .await;
        let next = receive(&mut socket, Duration::from_secs(5)).await.unwrap();
        assert_eq!(next["type"], "next", "{next}");
        assert_eq!(next["payload"]["data"]["me"]["email"], "ada@example.com");
        let complete = receive(&mut socket, Duration::from_secs(5)).await.unwrap();
        assert_eq!(complete["type"], "complete", "{complete}");
    }
}

#[tokio::test]
async fn no_connection_init_in_time_closes_with_4408() {
    let app = spawn_app().await;
    let mut socket = open_socket(&app.address).await.unwrap();
    let (code, _) = close_code(&mut socket, Duration::from_secs(20)).await;
    assert_eq!(code, 4408);
}

#[tokio::test]
async fn a_session_socket_closes_with_4401_when_its_token_expires_and_an_api_token_socket_stays() {
    let app = spawn_app_tuned(|settings| settings.session_ttl = Duration::from_secs(2)).await;
    let data = app
        .ok(
            None,
            "mutation($input: RegisterInput!) { register(input: $input) { token expiresAt } }",
            json!({ "input": { "email": "ada@example.com", "password": "correct horse", "displayName": "Ada" } }),
        )
        .await;
    let session = data["register"]["token"].as_str().unwrap().to_owned();
    let expires_at: chrono::DateTime<chrono::Utc> = data["register"]["expiresAt"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let api_token = app
        .ok(
            Some(&session),
            "mutation { createApiToken(name: \"agent\", scopes: [WRITE]) { token } }",
            json!({}),
        )
        .await["createApiToken"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut agent = Subscriber::subscribe(
        &app.address,
        Some(&format!("Bearer {api_token}")),
        "subscription { taskChanges { taskId } }",
    )
    .await
    .unwrap();
    let mut socket = acknowledged(&app.address, &session).await;

    let (code, reason) = close_code(&mut socket, Duration::from_secs(15)).await;
    assert_eq!(code, 4401, "{reason}");
    assert!(reason.contains("expired"), "{reason}");
    assert!(
        chrono::Utc::now() >= expires_at,
        "closed before the token expired"
    );

    let task = app
        .create_task(&api_token, json!({ "title": "after the session" }))
        .await;
    let change = agent.next_data(Duration::from_secs(5)).await.unwrap();
    assert_eq!(change["taskChanges"]["taskId"], task["id"]);
}
