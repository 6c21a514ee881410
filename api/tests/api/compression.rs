//! Responses are compressed when the client accepts it: GraphQL answers, and the web
//! bundle's files that have no precompressed copy.

use std::io::Read as _;

use api::config::BusSettings;
use reqwest::header::{ACCEPT_ENCODING, CONTENT_ENCODING};
use serde_json::{Value, json};

use crate::helpers::{spawn_app, spawn_app_serving};

/// Large enough to be worth compressing.
const QUERY: &str = "{ __schema { types { name description } } }";

fn decode(encoding: Option<&str>, body: &[u8]) -> Vec<u8> {
    let mut decoded = Vec::new();
    match encoding {
        Some("br") => {
            brotli_decompressor::Decompressor::new(body, 4096)
                .read_to_end(&mut decoded)
                .unwrap();
        }
        Some("gzip") => {
            flate2::read::GzDecoder::new(body)
                .read_to_end(&mut decoded)
                .unwrap();
        }
        None => decoded.extend_from_slice(body),
        Some(other) => panic!("unexpected encoding {other}"),
    }
    decoded
}

/// The encoding the server chose and the body decoded with it.
async fn fetch(request: reqwest::RequestBuilder) -> (Option<String>, Vec<u8>) {
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200);
    let encoding = response
        .headers()
        .get(CONTENT_ENCODING)
        .map(|v| v.to_str().unwrap().to_owned());
    let body = response.bytes().await.unwrap();
    let decoded = decode(encoding.as_deref(), &body);
    if encoding.is_some() {
        assert!(body.len() < decoded.len(), "not smaller: {encoding:?}");
    }
    (encoding, decoded)
}

#[tokio::test]
async fn graphql_answers_are_compressed_as_the_client_accepts() {
    let app = spawn_app().await;
    let post = |accept: Option<&str>| {
        let request = app
            .client
            .post(app.url("/graphql"))
            .json(&json!({ "query": QUERY }));
        match accept {
            Some(accept) => request.header(ACCEPT_ENCODING, accept),
            None => request,
        }
    };
    let mut bodies = Vec::new();
    for (accept, expected) in [
        (Some("br"), Some("br")),
        (Some("gzip"), Some("gzip")),
        (Some("gzip, deflate, br"), Some("br")),
        (None, None),
        (Some("identity"), None),
    ] {
        let (encoding, body) = fetch(post(accept)).await;
        assert_eq!(encoding.as_deref(), expected, "{accept:?}");
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert!(body["data"]["__schema"]["types"].is_array(), "{body}");
        bodies.push(body);
    }
    assert!(bodies.windows(2).all(|pair| pair[0] == pair[1]));

    // GET requests too.
    let (encoding, _) = fetch(
        app.client
            .get(app.url("/graphql"))
            .query(&[("query", QUERY)])
            .header(ACCEPT_ENCODING, "gzip"),
    )
    .await;
    assert_eq!(encoding.as_deref(), Some("gzip"));
}

#[tokio::test]
async fn bundle_files_without_a_precompressed_copy_are_compressed_on_the_fly() {
    let dir = tempfile::tempdir().unwrap();
    let css = "body { color: black; }\n".repeat(100);
    std::fs::create_dir_all(dir.path().join("assets")).unwrap();
    std::fs::write(
        dir.path().join("index.html"),
        "<!doctype html><title>todo</title>",
    )
    .unwrap();
    std::fs::write(dir.path().join("assets/app-1a2b3c.css"), &css).unwrap();
    let app = spawn_app_serving(BusSettings::InProcess, Some(dir.path().to_path_buf())).await;

    for (accept, expected) in [
        ("br", Some("br")),
        ("gzip", Some("gzip")),
        ("identity", None),
    ] {
        let (encoding, body) = fetch(
            app.client
                .get(app.url("/assets/app-1a2b3c.css"))
                .header(ACCEPT_ENCODING, accept),
        )
        .await;
        assert_eq!(encoding.as_deref(), expected, "{accept}");
        assert_eq!(String::from_utf8(body).unwrap(), css);
    }
}
