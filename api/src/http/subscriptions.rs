//! GraphQL subscriptions over websockets (`graphql-transport-ws`), authenticated in
//! `connection_init` with `{"authorization": "Bearer <token>"}`.

use async_graphql::Data;
use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::extract::{State, WebSocketUpgrade};
use axum::response::Response;

use super::AppState;

const READ_BUFFER_BYTES: usize = 4 * 1024;
const WRITE_BUFFER_BYTES: usize = 4 * 1024;
use crate::service::{Origin, Services, Source};

pub async fn handle(
    State(state): State<AppState>,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        // Notifications are small; the default 128 KiB buffers would dominate the memory
        // of an idle subscriber.
        .read_buffer_size(READ_BUFFER_BYTES)
        .write_buffer_size(WRITE_BUFFER_BYTES)
        .on_upgrade(move |socket| async move {
            let _open = super::metrics::OpenConnection::open();
            let services = state.services.clone();
            GraphQLWebSocket::new(socket, state.schema.clone(), protocol)
                .on_connection_init(move |payload| authenticate(services, payload))
                .serve()
                .await;
        })
}

/// Refusing here closes the connection (4403) before any subscription starts.
async fn authenticate(
    services: Services,
    payload: serde_json::Value,
) -> async_graphql::Result<Data> {
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
    };
    let actor = services
        .auth
        .authenticate(&token, origin)
        .await
        .map_err(|_| async_graphql::Error::new("invalid or expired token"))?;
    let mut data = Data::default();
    data.insert(services);
    data.insert(actor);
    Ok(data)
}
