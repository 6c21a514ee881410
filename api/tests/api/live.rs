//! Reminders end to end: the scheduler fires them, the consumer makes notifications,
//! and subscribers receive them over `graphql-transport-ws`.

use std::time::Duration;

use chrono::Utc;
use futures_util::{SinkExt as _, StreamExt as _};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::{Message, http::HeaderValue};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::helpers::{TestApp, eventually, spawn_app};

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A websocket to `/graphql/ws` speaking `graphql-transport-ws`, before any message.
pub async fn open_socket(base_url: &str) -> Result<Socket, String> {
    let url = format!("{}/graphql/ws", base_url.replacen("http", "ws", 1));
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    let (socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .map_err(|e| e.to_string())?;
    Ok(socket)
}

/// A `graphql-transport-ws` client subscribed to `notifications`.
pub struct Subscriber {
    socket: Socket,
}

const NOTIFICATIONS: &str = "subscription { notifications { id type title message taskId read } }";

impl Subscriber {
    /// Subscribed to `notifications`.
    pub async fn connect(base_url: &str, authorization: Option<&str>) -> Result<Self, String> {
        Self::subscribe(base_url, authorization, NOTIFICATIONS).await
    }

    /// Subscribed to any subscription `query`.
    pub async fn subscribe(
        base_url: &str,
        authorization: Option<&str>,
        query: &str,
    ) -> Result<Self, String> {
        let mut socket = open_socket(base_url).await?;
        let payload = authorization.map_or(json!({}), |a| json!({ "authorization": a }));
        send(
            &mut socket,
            json!({ "type": "connection_init", "payload": payload }),
        )
        .await;
        match receive(&mut socket, Duration::from_secs(5)).await {
            Some(message) if message["type"] == "connection_ack" => {}
            other => return Err(format!("not acknowledged: {other:?}")),
        }
        send(
            &mut socket,
            json!({ "id": "1", "type": "subscribe", "payload": { "query": query } }),
        )
        .await;
        Ok(Self { socket })
    }

    /// The next notification pushed, if one comes within `timeout`.
    pub async fn next(&mut self, timeout: Duration) -> Option<Value> {
        self.next_data(timeout)
            .await
            .map(|data| data["notifications"].clone())
    }

    /// The `data` of the next result pushed, if one comes within `timeout`.
    pub async fn next_data(&mut self, timeout: Duration) -> Option<Value> {
        loop {
            let message = receive(&mut self.socket, timeout).await?;
            match message["type"].as_str() {
                Some("next") => return Some(message["payload"]["data"].clone()),
                Some("ping") => send(&mut self.socket, json!({ "type": "pong" })).await,
                _ => panic!("unexpected message {message}"),
            }
        }
    }
}

pub async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::text(message.to_string()))
        .await
        .unwrap();
}

/// The next JSON message, or `None` at the timeout or when the server closes.
pub async fn receive(socket: &mut Socket, timeout: Duration) -> Option<Value> {
    loop {
        match tokio::time::timeout(timeout, socket.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => return serde_json::from_str(&text).ok(),
            Ok(Some(Ok(Message::Ping(_) | Message::Pong(_)))) => continue,
            _ => return None,
        }
    }
}

async fn notifications(app: &TestApp, token: &str) -> Vec<Value> {
    let data = app
        .ok(
            Some(token),
            "{ notifications { totalCount edges { node { id title taskId read } } } }",
            json!({}),
        )
        .await;
    data["notifications"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

fn due_in_seconds(seconds: i64) -> String {
    (Utc::now() + chrono::Duration::seconds(seconds)).to_rfc3339()
}

#[tokio::test]
async fn a_due_reminder_is_pushed_once_to_its_user_only() {
    let app = spawn_app().await;
    let ada = app.register("ada@example.com").await;
    let bob = app.register("bob@example.com").await;
    let mut ada_live = Subscriber::connect(&app.address, Some(&format!("Bearer {ada}")))
        .await
        .unwrap();
    let mut bob_live = Subscriber::connect(&app.address, Some(&format!("Bearer {bob}")))
        .await
        .unwrap();

    // Lead 0: reminded at the due time, two seconds from now.
    let task = app
        .create_task(
            &ada,
            json!({ "title": "Call mum", "dueAt": due_in_seconds(2), "remindBeforeMinutes": 0 }),
        )
        .await;
    let pushed = ada_live
        .next(Duration::from_secs(10))
        .await
        .expect("a notification");
    assert_eq!(pushed["type"], "REMINDER");
    assert_eq!(pushed["title"], "Task due soon: Call mum");
    assert_eq!(pushed["taskId"], task["id"]);
    assert!(pushed["message"].as_str().unwrap().contains("UTC"));
    // Once only, and never to another user.
    assert_eq!(ada_live.next(Duration::from_secs(2)).await, None);
    assert_eq!(bob_live.next(Duration::from_millis(200)).await, None);
    assert_eq!(notifications(&app, &ada).await.len(), 1);
    assert!(notifications(&app, &bob).await.is_empty());
    let count = app
        .ok(Some(&ada), "{ unreadNotificationCount }", json!({}))
        .await;
    assert_eq!(count["unreadNotificationCount"], 1);
}

#[tokio::test]
async fn no_reminders_when_off_done_or_deleted_and_moving_the_due_date_rearms() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let mut live = Subscriber::connect(&app.address, Some(&format!("Bearer {token}")))
        .await
        .unwrap();

    let done = app
        .create_task(
            &token,
            json!({ "title": "done", "dueAt": due_in_seconds(2), "remindBeforeMinutes": 0 }),
        )
        .await;
    app.complete_task(&token, done["id"].as_str().unwrap())
        .await;
    let deleted = app
        .create_task(
            &token,
            json!({ "title": "gone", "dueAt": due_in_seconds(2), "remindBeforeMinutes": 0 }),
        )
        .await;
    app.ok(
        Some(&token),
        "mutation($id: ID!) { deleteTask(id: $id) }",
        json!({ "id": deleted["id"] }),
    )
    .await;
    assert_eq!(live.next(Duration::from_secs(4)).await, None);

    let moved = app
        .create_task(
            &token,
            json!({ "title": "moved", "dueAt": due_in_seconds(1), "remindBeforeMinutes": 0 }),
        )
        .await;
    assert_eq!(
        live.next(Duration::from_secs(10)).await.unwrap()["title"],
        "Task due soon: moved"
    );
    app.ok(
        Some(&token),
        "mutation($id: ID!, $due: DateTime) { updateTask(id: $id, input: { dueAt: $due }) { id } }",
        json!({ "id": moved["id"], "due": due_in_seconds(2) }),
    )
    .await;
    assert_eq!(
        live.next(Duration::from_secs(10)).await.unwrap()["title"],
        "Task due soon: moved"
    );

    app.ok(
        Some(&token),
        "mutation { updatePreferences(input: { remindersEnabled: false }) { remindersEnabled } }",
        json!({}),
    )
    .await;
    app.create_task(
        &token,
        json!({ "title": "quiet", "dueAt": due_in_seconds(1), "remindBeforeMinutes": 0 }),
    )
    .await;
    assert_eq!(live.next(Duration::from_secs(3)).await, None);
    assert_eq!(notifications(&app, &token).await.len(), 2);
}

#[tokio::test]
async fn the_notification_center_marks_and_clears() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    for i in 0..3 {
        app.create_task(&token, json!({ "title": format!("t{i}"), "dueAt": due_in_seconds(1), "remindBeforeMinutes": 0 })).await;
    }
    let all = eventually(Duration::from_secs(10), || async {
        let all = notifications(&app, &token).await;
        (all.len() == 3).then_some(all)
    })
    .await;
    let read = app
        .ok(
            Some(&token),
            "mutation($id: ID!) { markNotificationRead(id: $id) { read readAt } }",
            json!({ "id": all[0]["id"] }),
        )
        .await;
    assert_eq!(read["markNotificationRead"]["read"], true);
    let unread = app
        .ok(
            Some(&token),
            "{ notifications(unreadOnly: true) { totalCount } unreadNotificationCount }",
            json!({}),
        )
        .await;
    assert_eq!(unread["notifications"]["totalCount"], 2);
    assert_eq!(unread["unreadNotificationCount"], 2);
    let marked = app
        .ok(
            Some(&token),
            "mutation { markAllNotificationsRead }",
            json!({}),
        )
        .await;
    assert_eq!(marked["markAllNotificationsRead"], 2);

    let other = app.register("bob@example.com").await;
    let foreign = app
        .graphql(
            Some(&other),
            "mutation($id: ID!) { markNotificationRead(id: $id) { id } }",
            json!({ "id": all[1]["id"] }),
        )
        .await;
    assert_eq!(foreign["errors"][0]["extensions"]["code"], "NOT_FOUND");
    assert_eq!(
        app.ok(Some(&other), "mutation { clearNotifications }", json!({}))
            .await["clearNotifications"],
        0
    );

    let cleared = app
        .ok(Some(&token), "mutation { clearNotifications }", json!({}))
        .await;
    assert_eq!(cleared["clearNotifications"], 3);
    assert!(notifications(&app, &token).await.is_empty());
}

#[tokio::test]
async fn subscriptions_need_a_valid_token() {
    let app = spawn_app().await;
    assert!(Subscriber::connect(&app.address, None).await.is_err());
    assert!(
        Subscriber::connect(&app.address, Some("Bearer forged"))
            .await
            .is_err()
    );
}

#[tokio::test]
async fn old_notifications_are_archived() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    app.create_task(
        &token,
        json!({ "title": "t", "dueAt": due_in_seconds(1), "remindBeforeMinutes": 0 }),
    )
    .await;
    eventually(Duration::from_secs(10), || async {
        (notifications(&app, &token).await.len() == 1).then_some(())
    })
    .await;
    assert_eq!(
        app.services
            .notifications
            .archive_expired(Utc::now())
            .await
            .unwrap(),
        0
    );
    let later = Utc::now() + chrono::Duration::days(31);
    assert_eq!(
        app.services
            .notifications
            .archive_expired(later)
            .await
            .unwrap(),
        1
    );
    assert!(notifications(&app, &token).await.is_empty());
}
