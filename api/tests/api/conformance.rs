//! What third-party GraphQL tooling expects of the server: the introspection round trip
//! of graphql-js (the query GraphiQL, Apollo, codegen and schemathesis send), the
//! graphql-http audit suite, and the protocol's own answers to malformed requests.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use serde_json::{Value, json};
use tokio::process::Command;
use tokio::sync::OnceCell;

use crate::helpers::{error_code, npm_ci_once, spawn_app};

fn tools_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance")
}

/// Installs the npm tools from their lock file, once.
async fn install_tools() {
    static INSTALLED: OnceCell<()> = OnceCell::const_new();
    npm_ci_once(&INSTALLED, &tools_dir(), "graphql-http/package.json").await;
}

async fn node(script: &str, graphql_url: &str) -> (i32, String) {
    install_tools().await;
    let output = Command::new("node")
        .arg(script)
        .current_dir(tools_dir())
        .env("GRAPHQL_URL", graphql_url)
        .env(
            "SCHEMA_PATH",
            Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.graphql"),
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .output()
        .await
        .expect("node is needed for the conformance tests");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[tokio::test]
async fn graphql_js_introspection_describes_the_checked_in_schema() {
    let app = spawn_app().await;
    let (code, output) = node("introspection.mjs", &app.url("/graphql")).await;
    assert_eq!(code, 0, "{output}");
    assert_eq!(output.trim(), "same schema");
}

#[tokio::test]
async fn the_graphql_http_audits_find_no_must_or_should_failure() {
    let app = spawn_app().await;
    let (code, output) = node("audit.mjs", &app.url("/graphql")).await;
    assert_eq!(code, 0, "{output}");
    let results: Vec<Value> = output
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert!(results.len() > 30, "too few audits ran: {output}");
    let failures: Vec<&Value> = results
        .iter()
        .filter(|result| result["status"] != "ok")
        .filter(|result| {
            let name = result["name"].as_str().unwrap_or_default();
            name.starts_with("MUST") || name.starts_with("SHOULD")
        })
        .collect();
    assert!(failures.is_empty(), "failed audits: {failures:#?}");
}

#[tokio::test]
async fn introspection_is_exempt_from_the_depth_limit_but_nothing_else_is() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let type_ref = |levels: usize| {
        format!(
            "{{ __schema {{ types {{ fields {{ type {{ {}name{} }} }} }} }} }}",
            "ofType { ".repeat(levels),
            " }".repeat(levels)
        )
    };
    let response = app.graphql(None, &type_ref(12), json!({})).await;
    assert!(response.get("errors").is_none(), "{response}");

    // Past the introspection limit, still refused.
    let response = app.graphql(None, &type_ref(22), json!({})).await;
    assert!(
        response["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("deep"),
        "{response}"
    );

    // Introspection alongside an ordinary field gets the ordinary limit.
    let mixed = type_ref(12).replacen("{ __schema", "{ me { id } __schema", 1);
    let response = app.graphql(Some(&token), &mixed, json!({})).await;
    assert!(
        response["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("deep"),
        "{response}"
    );
}

async fn post_raw(app: &crate::helpers::TestApp, accept: &str, body: &str) -> (u16, Value) {
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .header("accept", accept)
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

#[tokio::test]
async fn failures_before_execution_have_no_data_and_a_clear_status() {
    let app = spawn_app().await;
    let graphql_media = "application/graphql-response+json";

    for document in ["{ me { id ", "{ noSuchField }"] {
        let body = json!({ "query": document }).to_string();
        let (status, response) = post_raw(&app, graphql_media, &body).await;
        assert_eq!(status, 400, "{document}: {response}");
        assert!(response.get("data").is_none(), "{document}: {response}");
        assert_eq!(error_code(&response), "GRAPHQL_VALIDATION_FAILED");
    }

    // An executed request keeps `data`, even when a field failed.
    let (status, response) = post_raw(&app, graphql_media, r#"{"query":"{ me { id } }"}"#).await;
    assert_eq!(status, 200, "{response}");
    assert!(response.get("data").is_some(), "{response}");
    assert_eq!(error_code(&response), "UNAUTHENTICATED");

    let (status, response) = post_raw(&app, graphql_media, r#"{"qeury":"{ __typename }"}"#).await;
    assert_eq!(status, 400, "{response}");
    assert!(
        response["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("no `query`"),
        "{response}"
    );

    let (status, response) = post_raw(
        &app,
        "application/json",
        r#"[{"query":"{ __typename }"},{"query":"{ __typename }"}]"#,
    )
    .await;
    assert_eq!(status, 400, "{response}");
    assert!(
        response["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("batched requests"),
        "{response}"
    );
}

fn content_type(response: &reqwest::Response) -> &str {
    response.headers()["content-type"].to_str().unwrap()
}

#[tokio::test]
async fn graphiql_is_served_whole_from_the_server() {
    let app = spawn_app().await;
    let page = app.client.get(app.url("/graphiql")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(content_type(&page).starts_with("text/html"));
    let page = page.text().await.unwrap();
    assert!(
        page.contains("Authorization"),
        "the page shows how to send a token"
    );
    // The scripts and style sheets the page loads, each with the type it must have.
    let bundle: Vec<(&str, &str)> = page
        .split('<')
        .filter_map(|tag| {
            let attribute = |name: &str| {
                let (_, rest) = tag.split_once(&format!("{name}=\""))?;
                rest.split_once('"').map(|(value, _)| value)
            };
            if tag.starts_with("script ") {
                attribute("src").map(|url| (url, "text/javascript"))
            } else if tag.starts_with("link ") && attribute("rel") == Some("stylesheet") {
                attribute("href").map(|url| (url, "text/css"))
            } else {
                None
            }
        })
        .collect();
    assert_eq!(bundle.len(), 5, "{bundle:?}");
    for (source, expected) in bundle {
        assert!(
            source.starts_with("/graphiql/assets/"),
            "{source} is not local"
        );
        let response = app.client.get(app.url(source)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{source}");
        assert!(
            content_type(&response).starts_with(expected),
            "{source}: {}",
            content_type(&response)
        );
        // reqwest does not decompress here, so check the gzip magic bytes.
        assert_eq!(response.headers()["content-encoding"], "gzip");
        let bytes = response.bytes().await.unwrap();
        assert!(bytes.len() > 1000 && bytes[..2] == [0x1f, 0x8b], "{source}");
    }
    let missing = app
        .client
        .get(app.url("/graphiql/assets/0.0.0/graphiql.min.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn fields_come_back_in_the_order_they_were_selected() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    for (query, first, second) in [
        ("{ me { email id } }", "\"email\"", "\"id\""),
        ("{ me { id email } }", "\"id\"", "\"email\""),
    ] {
        let text = app
            .client
            .post(app.url("/graphql"))
            .bearer_auth(&token)
            .json(&json!({ "query": query }))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let (a, b) = (text.find(first).unwrap(), text.find(second).unwrap());
        assert!(a < b, "{query}: {text}");
    }
}
