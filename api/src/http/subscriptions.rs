//! GraphQL subscriptions over websockets (`graphql-transport-ws`), authenticated in
//! `connection_init` with `{"authorization": "Bearer <token>"}`.
//!
//! async-graphql runs the protocol; this module pumps the socket, and gives every way a
//! connection can end the close code that the protocol names for it (async-graphql
//! closes most of them with 1002): 4400 for an invalid message, 4401 for a subscribe
//! before the handshake, 4403 for a refused token, 4408 when no `connection_init`
//! arrives in time, 4409 for a reused subscription id, 4429 for a second
//! `connection_init`, and 1001 when the server shuts down. A connection authenticated
//! with a session token closes with 4401 when that token expires, so that the client
//! comes back with a fresh one; API tokens do not expire, nor do their connections.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_graphql::Data;
use async_graphql::http::{
    ALL_WEBSOCKET_PROTOCOLS, WebSocket as GraphQLSession, WebSocketProtocols as Protocols,
    WsMessage,
};
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use axum::extract::{State, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse as _, Response};
use futures_util::SinkExt as _;
use futures_util::stream::StreamExt as _;
use serde::Deserialize;
use tokio_util::sync::CancellationToken;

use super::AppState;
use super::detached::DetachedExecutor;
use crate::service::{Credential, Origin, Services, Source};

const READ_BUFFER_BYTES: usize = 4 * 1024;
const WRITE_BUFFER_BYTES: usize = 4 * 1024;
/// How long a client may take between opening the socket and `connection_init`.
const INIT_TIMEOUT: Duration = Duration::from_secs(10);

pub async fn handle(
    State(state): State<AppState>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let Some(protocol) = requested_protocol(&headers) else {
        return (
            StatusCode::BAD_REQUEST,
            "ask for the graphql-transport-ws subprotocol (Sec-WebSocket-Protocol)",
        )
            .into_response();
    };
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        // Notifications are small; the default 128 KiB buffers would dominate the memory
        // of an idle subscriber.
        .read_buffer_size(READ_BUFFER_BYTES)
        .write_buffer_size(WRITE_BUFFER_BYTES)
        .on_upgrade(move |socket| async move {
            let _open = super::metrics::OpenConnection::open();
            serve(socket, state, protocol).await;
        })
}

/// The first GraphQL subprotocol the client offers.
fn requested_protocol(headers: &HeaderMap) -> Option<Protocols> {
    headers
        .get(header::SEC_WEBSOCKET_PROTOCOL)?
        .to_str()
        .ok()?
        .split(',')
        .find_map(|offered| offered.trim().parse().ok())
}

/// How the protocol says a connection ends; see the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Close {
    InvalidMessage,
    Unauthorized,
    SessionExpired,
    Forbidden,
    InitTimeout,
    DuplicateSubscriber,
    GoingAway,
}

impl Close {
    fn frame(self, detail: &str) -> CloseFrame {
        let (code, reason) = match self {
            Self::InvalidMessage => (4400, detail.to_owned()),
            Self::Unauthorized => (4401, "Unauthorized".to_owned()),
            Self::SessionExpired => (
                4401,
                "Session expired: connect with a fresh token".to_owned(),
            ),
            Self::Forbidden => (4403, "Forbidden".to_owned()),
            Self::InitTimeout => (4408, "Connection initialisation timeout".to_owned()),
            Self::DuplicateSubscriber => (4409, format!("Subscriber for {detail} already exists")),
            Self::GoingAway => (1001, "The server is shutting down".to_owned()),
        };
        // A close reason has at most 123 bytes.
        let reason = truncate_on_char_boundary(&reason, 123).to_owned();
        CloseFrame {
            code,
            reason: reason.into(),
        }
    }
}

/// The parts of a client message this module looks at before async-graphql does.
#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "type")]
    kind: String,
    id: Option<String>,
}

/// What the pump learns from both directions of one connection.
#[derive(Default)]
struct ConnectionState {
    /// Set when `connection_init` was refused, so the close that follows says 4403.
    refused: bool,
    /// When the session token the connection was authenticated with expires; taken by
    /// the pump, which then closes the connection at that moment.
    session_expires_at: Option<chrono::DateTime<chrono::Utc>>,
    acknowledged: bool,
    active: HashSet<String>,
}

type Shared = Arc<Mutex<ConnectionState>>;

fn lock(state: &Shared) -> std::sync::MutexGuard<'_, ConnectionState> {
    // The state is plain bookkeeping; a panic elsewhere leaves it usable.
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

async fn serve(socket: WebSocket, app: AppState, protocol: Protocols) {
    let (mut sink, mut incoming) = socket.split();
    let connection: Shared = Arc::default();
    let (input_tx, input_rx) = tokio::sync::mpsc::unbounded_channel::<Vec<u8>>();
    let input_rx = tokio_stream::wrappers::UnboundedReceiverStream::new(input_rx);

    let executor = app
        .documents
        .reuse(app.graphql_metrics.meter(app.query_limits.guard(
            app.introspection_sizes,
            DetachedExecutor(app.schema.clone()),
        )));
    let services = app.services.clone();
    let init_state = connection.clone();
    let mut session = GraphQLSession::new(executor, input_rx, protocol)
        .on_connection_init(move |payload| async move {
            match authenticate(services, payload).await {
                Ok((data, expires_at)) => {
                    lock(&init_state).session_expires_at = expires_at;
                    Ok(data)
                }
                Err(error) => {
                    lock(&init_state).refused = true;
                    Err(error)
                }
            }
        })
        .boxed();

    let graphql_transport_ws = protocol == Protocols::GraphQLWS;
    let init_deadline = tokio::time::sleep(INIT_TIMEOUT);
    tokio::pin!(init_deadline);
    let shutdown: CancellationToken = app.shutdown.clone();
    // Armed once `connection_init` names a session token's expiry.
    let session_end = tokio::time::sleep(Duration::ZERO);
    tokio::pin!(session_end);
    let mut session_ends = false;

    let close = loop {
        if let Some(expires_at) = lock(&connection).session_expires_at.take() {
            let left = (expires_at - chrono::Utc::now())
                .to_std()
                .unwrap_or(Duration::ZERO);
            session_end
                .as_mut()
                .reset(tokio::time::Instant::now() + left);
            session_ends = true;
        }
        tokio::select! {
            () = shutdown.cancelled() => break Some(Close::GoingAway.frame("")),
            () = &mut session_end, if session_ends => break Some(Close::SessionExpired.frame("")),
            () = &mut init_deadline, if graphql_transport_ws && !lock(&connection).acknowledged => {
                break Some(Close::InitTimeout.frame(""));
            }
            message = incoming.next() => {
                let bytes = match message {
                    Some(Ok(Message::Text(text))) => text.as_bytes().to_vec(),
                    Some(Ok(Message::Binary(bytes))) => bytes.to_vec(),
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                    Some(Ok(Message::Close(_)) | Err(_)) | None => break None,
                };
                if graphql_transport_ws
                    && let Some(id) = duplicate_subscription(&connection, &bytes)
                {
                    break Some(Close::DuplicateSubscriber.frame(&id));
                }
                if input_tx.send(bytes).is_err() {
                    break None;
                }
            }
            outgoing = session.next() => {
                let Some(outgoing) = outgoing else { break None };
                match outgoing {
                    WsMessage::Text(text) => {
                        if graphql_transport_ws {
                            track_server_message(&connection, &text);
                        }
                        if sink.send(Message::Text(text.into())).await.is_err() {
                            break None;
                        }
                    }
                    WsMessage::Close(code, reason) => {
                        break Some(if graphql_transport_ws {
                            protocol_close(&connection, code, &reason)
                        } else {
                            CloseFrame { code, reason: reason.into() }
                        });
                    }
                }
            }
        }
    };
    if let Some(frame) = close {
        let _ = sink.send(Message::Close(Some(frame))).await;
    }
    let _ = sink.close().await;
}

/// async-graphql's close codes, mapped to the ones `graphql-transport-ws` names.
fn protocol_close(connection: &Shared, code: u16, reason: &str) -> CloseFrame {
    match code {
        1002 if lock(connection).refused => Close::Forbidden.frame(reason),
        1002 => Close::InvalidMessage.frame(reason),
        1011 => Close::Unauthorized.frame(reason),
        _ => CloseFrame {
            code,
            reason: truncate_on_char_boundary(reason, 123).to_owned().into(),
        },
    }
}

/// A `subscribe` whose id is still running, which the protocol forbids.
fn duplicate_subscription(connection: &Shared, bytes: &[u8]) -> Option<String> {
    let envelope: Envelope = serde_json::from_slice(bytes).ok()?;
    let id = envelope.id?;
    let mut state = lock(connection);
    match envelope.kind.as_str() {
        "subscribe" if state.acknowledged => {
            if state.active.insert(id.clone()) {
                None
            } else {
                Some(id)
            }
        }
        "complete" => {
            state.active.remove(&id);
            None
        }
        _ => None,
    }
}

fn track_server_message(connection: &Shared, text: &str) {
    let Ok(envelope) = serde_json::from_str::<Envelope>(text) else {
        return;
    };
    let mut state = lock(connection);
    match (envelope.kind.as_str(), envelope.id) {
        ("connection_ack", _) => state.acknowledged = true,
        ("complete" | "error", Some(id)) => {
            state.active.remove(&id);
        }
        _ => {}
    }
}

fn truncate_on_char_boundary(text: &str, max_bytes: usize) -> &str {
    if text.len() <= max_bytes {
        return text;
    }
    let mut end = max_bytes;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Refusing here closes the connection (4403) before any subscription starts. Returns
/// the connection's data and, for a session token, when it expires.
async fn authenticate(
    services: Services,
    payload: serde_json::Value,
) -> async_graphql::Result<(Data, Option<chrono::DateTime<chrono::Utc>>)> {
    let token = payload
        .get("authorization")
        .or_else(|| payload.get("Authorization"))
        .and_then(|value| value.as_str())
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim().to_owned())
        .ok_or_else(|| {
            async_graphql::Error::new(
                "send {\"authorization\": \"Bearer <token>\"} in connection_init",
            )
        })?;
    let origin = Origin {
        source: Source::Graphql,
        request_id: None,
        traceparent: None,
        agent: None,
    };
    // Agents reach the API through the MCP server, which subscribes to nothing.
    let actor = services
        .authenticate(&token, origin, None)
        .await
        .map_err(|_| async_graphql::Error::new("invalid or expired token"))?;
    let expires_at = match actor.credential {
        Credential::Session { expires_at } => Some(expires_at),
        Credential::ApiToken { .. } | Credential::ActionLink | Credential::Agent { .. } => None,
    };
    let mut data = Data::default();
    data.insert(actor);
    Ok((data, expires_at))
}
