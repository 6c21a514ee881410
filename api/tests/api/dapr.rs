//! The Dapr integration at the protocol level. No Dapr runtime runs here: the tests play
//! the sidecar with Dapr's own gRPC definitions from the `dapr` crate. A stand-in of the
//! runtime API receives what the app publishes, and a client of the app callback
//! delivers topic events and the cron binding the way the sidecar would.

use std::convert::Infallible;
use std::process::{Child, Command};
use std::task::{Context, Poll};
use std::time::Duration;

use api::config::BusSettings;
use axum::http;
use dapr::dapr::proto::runtime::v1::app_callback_client::AppCallbackClient;
use dapr::dapr::proto::runtime::v1::topic_event_bulk_request_entry::Event as BulkEvent;
use dapr::dapr::proto::runtime::v1::topic_event_response::TopicEventResponseStatus;
use dapr::dapr::proto::runtime::v1::{
    BindingEventRequest, PublishEventRequest, TopicEventBulkRequest, TopicEventBulkRequestEntry,
    TopicEventCeRequest, TopicEventRequest,
};
use sea_orm::ConnectionTrait as _;
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tonic::codegen::BoxFuture;
use tonic::transport::Channel;

use crate::helpers::{TestApp, eventually, free_port, fresh_database_url, spawn_app_with};

const APP_TOKEN: &str = "sidecar-secret";

/// The runtime side of the sidecar: accepts `PublishEvent` and hands each request over.
#[derive(Clone)]
struct FakeRuntime {
    published: mpsc::UnboundedSender<PublishEventRequest>,
}

impl tonic::server::NamedService for FakeRuntime {
    const NAME: &'static str = "dapr.proto.runtime.v1.Dapr";
}

struct PublishEvent(mpsc::UnboundedSender<PublishEventRequest>);

impl tonic::server::UnaryService<PublishEventRequest> for PublishEvent {
    type Response = ();
    type Future = BoxFuture<tonic::Response<()>, tonic::Status>;

    fn call(&mut self, request: tonic::Request<PublishEventRequest>) -> Self::Future {
        let sent = self.0.send(request.into_inner());
        Box::pin(async move {
            sent.map_err(|_| tonic::Status::unavailable("test over"))?;
            Ok(tonic::Response::new(()))
        })
    }
}

impl tower::Service<http::Request<tonic::body::Body>> for FakeRuntime {
    type Response = http::Response<tonic::body::Body>;
    type Error = Infallible;
    type Future = BoxFuture<Self::Response, Self::Error>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<tonic::body::Body>) -> Self::Future {
        let published = self.published.clone();
        Box::pin(async move {
            if request.uri().path() == "/dapr.proto.runtime.v1.Dapr/PublishEvent" {
                let mut grpc = tonic::server::Grpc::new(tonic_prost::ProstCodec::default());
                Ok(grpc.unary(PublishEvent(published), request).await)
            } else {
                Ok(tonic::Status::unimplemented("not part of the stand-in").into_http())
            }
        })
    }
}

/// Starts the stand-in runtime on `port`; returns what it receives.
async fn start_runtime(port: u16) -> mpsc::UnboundedReceiver<PublishEventRequest> {
    start_runtime_until(port, tokio_util::sync::CancellationToken::new())
        .await
        .0
}

/// The stand-in runtime, serving until `stop` is cancelled; the handle ends when it
/// has closed its last connection.
async fn start_runtime_until(
    port: u16,
    stop: tokio_util::sync::CancellationToken,
) -> (
    mpsc::UnboundedReceiver<PublishEventRequest>,
    tokio::task::JoinHandle<()>,
) {
    let (published, received) = mpsc::unbounded_channel();
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    let server = tokio::spawn(async move {
        let _ = tonic::transport::Server::builder()
            .add_service(FakeRuntime { published })
            .serve_with_incoming_shutdown(
                tonic::transport::server::TcpIncoming::from(listener),
                stop.cancelled_owned(),
            )
            .await;
    });
    (received, server)
}

async fn next_publication(
    received: &mut mpsc::UnboundedReceiver<PublishEventRequest>,
) -> PublishEventRequest {
    tokio::time::timeout(Duration::from_secs(20), received.recv())
        .await
        .unwrap()
        .unwrap()
}

fn sidecar_options(runtime_port: u16) -> dapr::client::ClientOptions {
    dapr::client::ClientOptions::from_env()
        .unwrap()
        .with_address(format!("http://127.0.0.1:{runtime_port}"))
}

async fn spawn_dapr_app(runtime_port: u16) -> (TestApp, u16) {
    let callback_port = free_port();
    let app = spawn_app_with(BusSettings::Dapr {
        pubsub: "pubsub".into(),
        app_listen: format!("127.0.0.1:{callback_port}").parse().unwrap(),
        app_api_token: APP_TOKEN.into(),
        sidecar: sidecar_options(runtime_port),
    })
    .await;
    (app, callback_port)
}

async fn callback_client(port: u16) -> AppCallbackClient<Channel> {
    eventually(Duration::from_secs(10), || async move {
        AppCallbackClient::connect(format!("http://127.0.0.1:{port}"))
            .await
            .ok()
    })
    .await
}

fn with_token<T>(message: T) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request
        .metadata_mut()
        .insert("dapr-api-token", APP_TOKEN.parse().unwrap());
    request
}

/// What the sidecar delivers for a CloudEvent published in structured mode.
fn delivery_of(published: &PublishEventRequest) -> TopicEventRequest {
    let event: Value = serde_json::from_slice(&published.data).unwrap();
    let mut extensions = prost_types::Struct::default();
    for name in ["time", "subject", "traceparent"] {
        if let Some(text) = event[name].as_str() {
            extensions.fields.insert(
                name.into(),
                prost_types::Value {
                    kind: Some(prost_types::value::Kind::StringValue(text.into())),
                },
            );
        }
    }
    TopicEventRequest {
        id: event["id"].as_str().unwrap().into(),
        source: event["source"].as_str().unwrap().into(),
        r#type: event["type"].as_str().unwrap().into(),
        spec_version: event["specversion"].as_str().unwrap().into(),
        data_content_type: event["datacontenttype"].as_str().unwrap().into(),
        data: serde_json::to_vec(&event["data"]).unwrap(),
        topic: published.topic.clone(),
        pubsub_name: published.pubsub_name.clone(),
        path: String::new(),
        extensions: Some(extensions),
    }
}

fn fields_of(delivery: &TopicEventRequest) -> TopicEventCeRequest {
    TopicEventCeRequest {
        id: delivery.id.clone(),
        source: delivery.source.clone(),
        r#type: delivery.r#type.clone(),
        spec_version: delivery.spec_version.clone(),
        data_content_type: delivery.data_content_type.clone(),
        data: delivery.data.clone(),
        extensions: delivery.extensions.clone(),
    }
}

fn bulk_entry(entry_id: &str, event: BulkEvent) -> TopicEventBulkRequestEntry {
    TopicEventBulkRequestEntry {
        entry_id: entry_id.into(),
        content_type: "application/cloudevents+json".into(),
        event: Some(event),
        ..Default::default()
    }
}

async fn deliver(
    client: &mut AppCallbackClient<Channel>,
    event: TopicEventRequest,
) -> TopicEventResponseStatus {
    let response = client
        .on_topic_event(with_token(event))
        .await
        .unwrap()
        .into_inner();
    TopicEventResponseStatus::try_from(response.status).unwrap()
}

async fn audit_count(app: &TestApp, token: &str) -> u64 {
    app.ok(Some(token), "{ auditLog { totalCount } }", json!({}))
        .await["auditLog"]["totalCount"]
        .as_u64()
        .unwrap()
}

#[tokio::test]
async fn events_wait_for_the_bus_and_reach_the_audit_trail_through_the_callback() {
    let runtime_port = free_port();
    let (app, callback_port) = spawn_dapr_app(runtime_port).await;
    let token = app.register("ada@example.com").await;

    // The sidecar is not there: mutations succeed all the same.
    let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let created: Value = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(&token)
        .header("traceparent", traceparent)
        .json(&json!({ "query": "mutation { createTask(input: { title: \"Draft\" }) { id } }" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["data"]["createTask"]["id"].as_str().unwrap();
    app.ok(
        Some(&token),
        "mutation($id: ID!) { updateTask(id: $id, input: { title: \"Final\" }) { id } }",
        json!({ "id": id }),
    )
    .await;
    app.complete_task(&token, id).await;

    // It comes up: every event arrives, in order, as a structured CloudEvent.
    let mut received = start_runtime(runtime_port).await;
    let mut publications = Vec::new();
    for expected in ["task.created", "task.updated", "task.completed"] {
        let published = next_publication(&mut received).await;
        assert_eq!(published.pubsub_name, "pubsub");
        assert_eq!(published.topic, "todo.audit");
        assert_eq!(published.data_content_type, "application/cloudevents+json");
        let event: Value = serde_json::from_slice(&published.data).unwrap();
        assert_eq!(event["type"], expected);
        assert_eq!(event["specversion"], "1.0");
        assert_eq!(event["subject"], json!(id));
        assert_eq!(event["data"]["taskId"], json!(id));
        if expected == "task.created" {
            assert_eq!(event["traceparent"], traceparent);
        }
        publications.push(published);
    }
    assert_eq!(
        audit_count(&app, &token).await,
        0,
        "with Dapr, entries come only through the callback"
    );

    // The sidecar delivers them to the app; one of them ten times over.
    let mut client = callback_client(callback_port).await;
    for published in &publications {
        assert_eq!(
            deliver(&mut client, delivery_of(published)).await,
            TopicEventResponseStatus::Success
        );
    }
    for _ in 0..10 {
        assert_eq!(
            deliver(&mut client, delivery_of(&publications[1])).await,
            TopicEventResponseStatus::Success
        );
    }
    let log = app
        .ok(
            Some(&token),
            "{ auditLog { totalCount edges { node { action before after } } } }",
            json!({}),
        )
        .await;
    assert_eq!(log["auditLog"]["totalCount"], 3);
    assert_eq!(
        log["auditLog"]["edges"][1]["node"]["before"]["title"],
        "Draft"
    );
    assert_eq!(
        log["auditLog"]["edges"][1]["node"]["after"]["title"],
        "Final"
    );
}

#[tokio::test]
async fn the_callback_speaks_dapr_and_checks_the_app_token() {
    let runtime_port = free_port();
    let mut received = start_runtime(runtime_port).await;
    let (app, callback_port) = spawn_dapr_app(runtime_port).await;
    let mut client = callback_client(callback_port).await;

    let subscriptions = client
        .list_topic_subscriptions(with_token(()))
        .await
        .unwrap()
        .into_inner()
        .subscriptions;
    assert!(
        subscriptions
            .iter()
            .all(|s| s.bulk_subscribe.is_some_and(|bulk| bulk.enabled)),
        "{subscriptions:?}"
    );
    let mut topics: Vec<(String, String)> = subscriptions
        .iter()
        .map(|s| (s.pubsub_name.clone(), s.topic.clone()))
        .collect();
    topics.sort();
    assert_eq!(
        topics,
        [
            ("pubsub".to_owned(), "todo.audit".to_owned()),
            ("pubsub".to_owned(), "todo.reminders".to_owned())
        ]
    );
    let bindings = client
        .list_input_bindings(with_token(()))
        .await
        .unwrap()
        .into_inner()
        .bindings;
    assert_eq!(bindings, ["reminder-cron"]);

    // Without the app token, or with a wrong one, nothing gets through.
    let refused = client
        .list_topic_subscriptions(tonic::Request::new(()))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), tonic::Code::Unauthenticated);
    let mut wrong = tonic::Request::new(());
    wrong
        .metadata_mut()
        .insert("dapr-api-token", "guess".parse().unwrap());
    assert_eq!(
        client.list_input_bindings(wrong).await.unwrap_err().code(),
        tonic::Code::Unauthenticated
    );

    // The cron binding is accepted; unknown bindings are not.
    let cron = BindingEventRequest {
        name: "reminder-cron".into(),
        ..Default::default()
    };
    client.on_binding_event(with_token(cron)).await.unwrap();
    let unknown = BindingEventRequest {
        name: "nightly-backup".into(),
        ..Default::default()
    };
    assert_eq!(
        client
            .on_binding_event(with_token(unknown))
            .await
            .unwrap_err()
            .code(),
        tonic::Code::NotFound
    );

    let token = app.register("ada@example.com").await;
    app.create_task(&token, json!({ "title": "t" })).await;
    let published = next_publication(&mut received).await;

    // Malformed events are dropped (and changes nothing).
    let mut bad_id = delivery_of(&published);
    bad_id.id = "not-a-uuid".into();
    assert_eq!(
        deliver(&mut client, bad_id).await,
        TopicEventResponseStatus::Drop
    );
    let mut bad_data = delivery_of(&published);
    bad_data.data = b"{ not json".to_vec();
    assert_eq!(
        deliver(&mut client, bad_data).await,
        TopicEventResponseStatus::Drop
    );
    let mut bad_type = delivery_of(&published);
    bad_type.r#type = "task.exploded".into();
    assert_eq!(
        deliver(&mut client, bad_type).await,
        TopicEventResponseStatus::Drop
    );
    assert_eq!(audit_count(&app, &token).await, 0);

    // Bulk delivery: each entry gets its own status, and the good events of a bulk are
    // applied once, even when the bulk carries one twice.
    let good = delivery_of(&published);
    let structured = BulkEvent::Bytes(published.data.clone());
    let mut unreadable = structured.clone();
    if let BulkEvent::Bytes(json) = &mut unreadable {
        json.truncate(10);
    }
    let bulk = TopicEventBulkRequest {
        id: "bulk-1".into(),
        topic: published.topic.clone(),
        pubsub_name: published.pubsub_name.clone(),
        entries: vec![
            bulk_entry("a", BulkEvent::CloudEvent(fields_of(&good))),
            bulk_entry("b", unreadable),
            bulk_entry("c", structured),
        ],
        ..Default::default()
    };
    let statuses = client
        .on_bulk_topic_event(with_token(bulk.clone()))
        .await
        .unwrap()
        .into_inner()
        .statuses;
    let statuses: Vec<(String, TopicEventResponseStatus)> = statuses
        .into_iter()
        .map(|s| {
            (
                s.entry_id,
                TopicEventResponseStatus::try_from(s.status).unwrap(),
            )
        })
        .collect();
    let mut statuses = statuses;
    statuses.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        statuses,
        [
            ("a".to_owned(), TopicEventResponseStatus::Success),
            ("b".to_owned(), TopicEventResponseStatus::Drop),
            ("c".to_owned(), TopicEventResponseStatus::Success),
        ]
    );
    assert_eq!(audit_count(&app, &token).await, 1);
    // Delivered again, the bulk changes nothing.
    client.on_bulk_topic_event(with_token(bulk)).await.unwrap();
    assert_eq!(audit_count(&app, &token).await, 1);

    // A consumer that cannot store the event asks for a retry.
    app.create_task(&token, json!({ "title": "u" })).await;
    let unapplied = next_publication(&mut received).await;
    app.services
        .db
        .writer()
        .execute_unprepared("DROP TABLE audit_entries")
        .await
        .unwrap();
    assert_eq!(
        deliver(&mut client, delivery_of(&unapplied)).await,
        TopicEventResponseStatus::Retry
    );
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_binary(
    database_url: &str,
    listen_port: u16,
    runtime_port: u16,
    data_dir: &std::path::Path,
) -> Server {
    let child = Command::new(env!("CARGO_BIN_EXE_todo-api"))
        .arg("serve")
        .env_clear()
        .env("DATABASE_URL", database_url)
        .env("TODO_DATA_DIR", data_dir)
        .env("TODO_LISTEN", format!("127.0.0.1:{listen_port}"))
        .env("EVENT_BUS", "dapr")
        .env(
            "DAPR_GRPC_ENDPOINT",
            format!("http://127.0.0.1:{runtime_port}"),
        )
        .env("DAPR_APP_LISTEN", format!("127.0.0.1:{}", free_port()))
        .env("APP_API_TOKEN", APP_TOKEN)
        .env("RUST_LOG", "warn")
        .spawn()
        .unwrap();
    Server(child)
}

#[tokio::test]
async fn events_committed_before_a_crash_are_published_after_restart() {
    let data_dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database_url(&data_dir).await;
    let runtime_port = free_port();
    let listen_port = free_port();
    let base = format!("http://127.0.0.1:{listen_port}");
    let graphql = |token: Option<String>, query: &'static str, variables: Value| {
        let base = base.clone();
        async move {
            let mut request = reqwest::Client::new()
                .post(format!("{base}/graphql"))
                .json(&json!({ "query": query, "variables": variables }));
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            request.send().await.unwrap().json::<Value>().await.unwrap()
        }
    };

    let server = start_binary(&database_url, listen_port, runtime_port, data_dir.path());
    eventually(Duration::from_secs(30), || async {
        reqwest::get(format!("{base}/readyz"))
            .await
            .ok()
            .filter(|r| r.status() == 200)
    })
    .await;
    let registered = graphql(None, "mutation { register(input: { email: \"ada@example.com\", password: \"correct horse\", displayName: \"Ada\" }) { token } }", json!({})).await;
    let token = registered["data"]["register"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let created = graphql(
        Some(token.clone()),
        "mutation { createTask(input: { title: \"Survivor\" }) { id } }",
        json!({}),
    )
    .await;
    let id = created["data"]["createTask"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    graphql(
        Some(token),
        "mutation($id: ID!) { completeTask(id: $id) { task { id } } }",
        json!({ "id": id }),
    )
    .await;

    // The process dies with its events unpublished (there is no sidecar yet).
    drop(server);

    let mut received = start_runtime(runtime_port).await;
    let _restarted = start_binary(&database_url, listen_port, runtime_port, data_dir.path());
    let mut types = Vec::new();
    for _ in 0..2 {
        let event: Value =
            serde_json::from_slice(&next_publication(&mut received).await.data).unwrap();
        assert_eq!(event["subject"], json!(id));
        types.push(event["type"].as_str().unwrap().to_owned());
    }
    assert_eq!(types, ["task.created", "task.completed"]);
}

#[tokio::test]
async fn thirty_seconds_without_the_bus_lose_nothing_and_keep_the_order() {
    let runtime_port = free_port();
    let stop = tokio_util::sync::CancellationToken::new();
    let (mut received, runtime) = start_runtime_until(runtime_port, stop.clone()).await;
    let (app, _) = spawn_dapr_app(runtime_port).await;
    let token = app.register("ada@example.com").await;
    app.create_task(&token, json!({ "title": "before" })).await;
    let first: Value = serde_json::from_slice(&next_publication(&mut received).await.data).unwrap();
    assert_eq!(first["type"], "task.created");

    // The bus goes away for 30 s while writes go on (gone for good once the stand-in
    // has closed its connections).
    stop.cancel();
    runtime.await.unwrap();
    let mut expected = Vec::new();
    let away_until = tokio::time::Instant::now() + Duration::from_secs(30);
    let mut n = 0;
    while tokio::time::Instant::now() < away_until {
        n += 1;
        let id = app
            .create_task(&token, json!({ "title": format!("while away {n}") }))
            .await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        app.ok(
            Some(&token),
            "mutation($id: ID!) { updateTask(id: $id, input: { priority: HIGH }) { id } }",
            json!({ "id": id }),
        )
        .await;
        expected.push(("task.created".to_owned(), id.clone()));
        expected.push(("task.updated".to_owned(), id));
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // Back: the backlog drains, every event once, in the order it was written.
    let mut received = start_runtime(runtime_port).await;
    let mut arrived = Vec::new();
    while arrived.len() < expected.len() {
        let published = tokio::time::timeout(Duration::from_secs(90), received.recv())
            .await
            .unwrap_or_else(|_| panic!("{} of {} events arrived", arrived.len(), expected.len()))
            .unwrap();
        let event: Value = serde_json::from_slice(&published.data).unwrap();
        arrived.push((
            event["type"].as_str().unwrap().to_owned(),
            event["subject"].as_str().unwrap().to_owned(),
        ));
    }
    assert_eq!(arrived, expected);
    assert!(
        tokio::time::timeout(Duration::from_secs(3), received.recv())
            .await
            .is_err(),
        "an event was published twice"
    );
}
