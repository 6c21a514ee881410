//! What one document may ask for: aliases, fields (fragments counted each time they are
//! spread, introspection like any other field) and complexity, refused with
//! `GRAPHQL_VALIDATION_FAILED` before anything runs; and the documents real clients
//! send (the web UI's, the MCP server's, graphql-js' introspection) within them.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code, spawn_app};
use crate::live::{open_socket, receive, send};

/// The refusal's `extensions.limit`, after checking it is a validation failure that
/// ran nothing.
fn refused_by(response: &Value) -> &str {
    assert_eq!(
        error_code(response),
        "GRAPHQL_VALIDATION_FAILED",
        "{response}"
    );
    assert!(
        response.get("data").is_none_or(Value::is_null),
        "nothing runs: {response}"
    );
    response["errors"][0]["extensions"]["limit"]
        .as_str()
        .unwrap_or_else(|| panic!("no limit named in {response}"))
}

fn aliased(count: usize, selection: &str) -> String {
    let fields: String = (0..count).map(|n| format!("a{n}: {selection} ")).collect();
    format!("{{ {fields} }}")
}

#[tokio::test]
async fn aliases_fields_fragment_bombs_and_introspection_copies_are_refused_before_running() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;

    let within = app
        .ok(Some(&token), &aliased(30, "me { id }"), json!({}))
        .await;
    assert_eq!(within.as_object().map(|o| o.len()), Some(30));
    let response = app
        .graphql(Some(&token), &aliased(31, "me { id }"), json!({}))
        .await;
    assert_eq!(refused_by(&response), "aliases");
    assert_eq!(
        response["errors"][0]["message"],
        "the document selects 31 aliases; at most 30 are allowed"
    );
    assert_eq!(response["errors"][0]["extensions"]["max"], 30);

    // Ten thousand fields, no alias: the same field repeated merges into one answer,
    // but every copy is still parsed, validated and resolved.
    let wide = format!("{{ {} }}", "__typename ".repeat(10_000));
    assert_eq!(
        refused_by(&app.graphql(Some(&token), &wide, json!({})).await),
        "fields"
    );

    // Each fragment spreads the next twice: 2^30 fields once expanded, 1 KiB written.
    let mut bomb = String::from("query { me { ...F0 } }\n");
    for level in 0..30 {
        bomb.push_str(&format!(
            "fragment F{level} on User {{ ...F{next} ...F{next} }}\n",
            next = level + 1
        ));
    }
    bomb.push_str("fragment F30 on User { id }\n");
    assert_eq!(
        refused_by(&app.graphql(Some(&token), &bomb, json!({})).await),
        "fields"
    );

    // A thousand aliased copies of a small introspection, anonymous: the amplification
    // that answered 11.9 MB to 78 KiB.
    let copies = aliased(1_000, "__schema { types { name fields { name } } }");
    assert_eq!(
        refused_by(&app.graphql(None, &copies, json!({})).await),
        "aliases"
    );
    // Within the alias and field limits, introspection is weighed by what it returns:
    // thirty copies of every type's fields are too complex.
    let wide_introspection = aliased(30, "__schema { types { name fields { name } } }");
    assert_eq!(
        refused_by(&app.graphql(None, &wide_introspection, json!({})).await),
        "complexity"
    );
    // One of them is an ordinary introspection request and is answered.
    let one = app
        .ok(
            None,
            "{ __schema { types { name fields { name } } } }",
            json!({}),
        )
        .await;
    assert!(
        one["__schema"]["types"]
            .as_array()
            .is_some_and(|t| t.len() > 20)
    );

    // The websocket transport holds documents to the same limits.
    let mut socket = open_socket(&app.address).await.unwrap();
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } }),
    )
    .await;
    let ack = receive(&mut socket, Duration::from_secs(5)).await.unwrap();
    assert_eq!(ack["type"], "connection_ack");
    send(
        &mut socket,
        json!({ "id": "wide", "type": "subscribe", "payload": { "query": aliased(31, "me { id }") } }),
    )
    .await;
    let answer = receive(&mut socket, Duration::from_secs(5)).await.unwrap();
    let errors = match answer["type"].as_str() {
        Some("error") => answer["payload"].clone(),
        Some("next") => answer["payload"]["errors"].clone(),
        _ => panic!("neither an error nor a result: {answer}"),
    };
    assert_eq!(errors[0]["extensions"]["limit"], "aliases", "{answer}");
}

/// Whether `response` was refused by a limit on what a document may ask for, rather
/// than, say, for a missing variable (these documents are sent without theirs).
fn over_a_limit(response: &Value) -> Option<String> {
    let errors = response["errors"].as_array()?;
    errors
        .iter()
        .find(|error| {
            let message = error["message"].as_str().unwrap_or_default();
            error["extensions"]["limit"].is_string()
                || message.contains("too complex")
                || message.contains("nested too deep")
        })
        .map(Value::to_string)
}

async fn assert_within_limits(app: &TestApp, token: &str, name: &str, document: &str) {
    let response = app.graphql(Some(token), document, json!({})).await;
    if let Some(refusal) = over_a_limit(&response) {
        panic!("{name} is refused by a limit: {refusal}");
    }
}

#[tokio::test]
async fn every_document_the_web_ui_sends_is_within_the_limits() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/queries");
    let mut sent = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|ext| ext == "graphql") {
            let document = std::fs::read_to_string(&path).unwrap();
            assert_within_limits(&app, &token, &path.display().to_string(), &document).await;
            sent += 1;
        }
    }
    assert!(sent >= 50, "only {sent} documents in {}", dir.display());
}

#[tokio::test]
async fn the_limits_are_settings() {
    let app = crate::helpers::spawn_app_tuned(|settings| {
        settings.query_limits = api::graphql::limits::QueryLimits {
            max_aliases: 1,
            max_fields: 5,
            max_complexity: 3,
        };
    })
    .await;
    assert_eq!(
        refused_by(
            &app.graphql(None, &aliased(2, "__typename"), json!({}))
                .await
        ),
        "aliases"
    );
    assert_eq!(
        refused_by(
            &app.graphql(
                None,
                &format!("{{ {} }}", "__typename ".repeat(6)),
                json!({})
            )
            .await
        ),
        "fields"
    );
    // Four fields: within the field limit, over a complexity of 3.
    let response = app
        .graphql(
            None,
            "{ serverInfo { mcpUrl mcpBinaryPath } pushPublicKey }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&response), "GRAPHQL_VALIDATION_FAILED");
    assert!(
        response["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("too complex")),
        "{response}"
    );
    assert_eq!(
        app.ok(None, "{ a: __typename }", json!({})).await["a"],
        "Query"
    );
}
