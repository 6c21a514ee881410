//! Traces over OTLP, in a process of its own (the tracer is global): a stand-in
//! collector receives the spans, and a request sent with a `traceparent`, the event it
//! causes and that event's consumer all land in the caller's trace.
#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::routing::post;
use clap::Parser as _;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use prost::Message as _;
use serde_json::{Value, json};

#[derive(Debug, Clone)]
struct ReceivedSpan {
    name: String,
    trace_id: String,
    parent_span_id: String,
}

/// Collects every span posted to `/v1/traces`.
async fn collector() -> (String, Arc<Mutex<Vec<ReceivedSpan>>>) {
    let spans = Arc::new(Mutex::new(Vec::new()));
    let sink = spans.clone();
    let router = Router::new().route(
        "/v1/traces",
        post(move |body: Bytes| {
            let sink = sink.clone();
            async move {
                let request = ExportTraceServiceRequest::decode(body).unwrap();
                let mut sink = sink.lock().unwrap();
                for span in request
                    .resource_spans
                    .iter()
                    .flat_map(|r| &r.scope_spans)
                    .flat_map(|s| &s.spans)
                {
                    sink.push(ReceivedSpan {
                        name: span.name.clone(),
                        trace_id: hex::encode(&span.trace_id),
                        parent_span_id: hex::encode(&span.parent_span_id),
                    });
                }
                ""
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (address, spans)
}

async fn graphql(
    client: &reqwest::Client,
    url: &str,
    token: Option<&str>,
    traceparent: &str,
    query: &str,
    variables: Value,
) -> Value {
    let mut request = client
        .post(url)
        .header("traceparent", traceparent)
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap().json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_its_events_and_their_consumers_are_one_trace() {
    let (endpoint, spans) = collector().await;
    api::telemetry::init_with(api::config::LogFormat::Text, Some(&endpoint));
    assert!(api::telemetry::exporting());

    let data_dir = tempfile::tempdir().unwrap();
    let cli = api::config::Cli::try_parse_from([
        "todo-api",
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--data-dir",
        &data_dir.path().display().to_string(),
        "--jwt-secret",
        "otlp-integration-test-secret-of-32-bytes",
    ])
    .unwrap();
    let api::config::Command::Serve(args) = cli.command else {
        unreachable!("parsed a serve command");
    };
    let app = api::app::Application::build(args.resolve().unwrap())
        .await
        .unwrap();
    let url = format!("http://{}/graphql", app.local_addr().unwrap());
    tokio::spawn(app.run_until_stopped());

    let client = reqwest::Client::new();
    let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let caller_span = "00f067aa0ba902b7";
    let traceparent = format!("00-{trace_id}-{caller_span}-01");
    let registered = graphql(&client, &url, None, &traceparent,
        "mutation { register(input: {email: \"otlp@example.com\", password: \"correct horse\", displayName: \"O\"}) { token } }",
        json!({})).await;
    let token = registered["data"]["register"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let created = graphql(
        &client,
        &url,
        Some(&token),
        &traceparent,
        "mutation { createTask(input: {title: \"Traced\"}) { id } }",
        json!({}),
    )
    .await;
    assert!(created["errors"].is_null(), "{created}");

    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let (server, consumer) = loop {
        tokio::task::spawn_blocking(api::telemetry::flush)
            .await
            .unwrap();
        let received = spans.lock().unwrap().clone();
        let in_trace: Vec<_> = received.iter().filter(|s| s.trace_id == trace_id).collect();
        let server = in_trace
            .iter()
            .find(|s| s.name == "POST /graphql" && s.parent_span_id == caller_span)
            .cloned();
        let consumer = in_trace
            .iter()
            .find(|s| s.name == "consume todo.audit")
            .cloned();
        if let (Some(server), Some(consumer)) = (server, consumer) {
            break (server.clone(), consumer.clone());
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "spans of trace {trace_id} missing; received {received:#?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    // The consumer's parent is a span of this service inside the request, not the caller.
    assert_eq!(server.trace_id, consumer.trace_id);
    assert_ne!(consumer.parent_span_id, caller_span);
    assert!(!consumer.parent_span_id.is_empty());
}
