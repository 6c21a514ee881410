//! The web UI's bundle served at `/`: single-page-app fallback, cache policy,
//! precompressed files, and the API's routes left alone.

use std::path::Path;

use api::config::BusSettings;
use reqwest::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING};

use crate::helpers::{TestApp, spawn_app_serving};

const INDEX: &str =
    "<!doctype html><title>todo</title><script type=module src=/assets/app-1a2b3c.js></script>";

fn write_bundle(dir: &Path) {
    std::fs::create_dir_all(dir.join("assets")).unwrap();
    std::fs::write(dir.join("index.html"), INDEX).unwrap();
    std::fs::write(dir.join("assets/app-1a2b3c.js"), "console.log('plain')").unwrap();
    std::fs::write(dir.join("assets/app-1a2b3c.js.br"), "brotli bytes").unwrap();
    std::fs::write(dir.join("assets/app-1a2b3c.js.gz"), "gzip bytes").unwrap();
}

async fn get(app: &TestApp, path: &str, encoding: &str) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .header(ACCEPT_ENCODING, encoding)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_bundle_is_served_with_an_spa_fallback_and_a_cache_policy() {
    let dir = tempfile::tempdir().unwrap();
    write_bundle(dir.path());
    let app = spawn_app_serving(BusSettings::InProcess, Some(dir.path().to_path_buf())).await;

    for path in ["/", "/tasks/0199-some-task", "/settings"] {
        let response = get(&app, path, "identity").await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()[CACHE_CONTROL], "no-cache", "{path}");
        assert_eq!(response.text().await.unwrap(), INDEX, "{path}");
    }

    let brotli = get(&app, "/assets/app-1a2b3c.js", "gzip, br").await;
    assert_eq!(brotli.status(), 200);
    assert_eq!(brotli.headers()[CONTENT_ENCODING], "br");
    assert_eq!(
        brotli.headers()[CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(brotli.text().await.unwrap(), "brotli bytes");
    let gzip = get(&app, "/assets/app-1a2b3c.js", "gzip").await;
    assert_eq!(gzip.headers()[CONTENT_ENCODING], "gzip");
    let plain = get(&app, "/assets/app-1a2b3c.js", "identity").await;
    assert_eq!(plain.text().await.unwrap(), "console.log('plain')");

    // A missing hashed file is a 404, never the page with a year-long cache.
    let missing = get(&app, "/assets/app-000000.js", "identity").await;
    assert_eq!(missing.status(), 404);
    assert!(missing.headers().get(CACHE_CONTROL).is_none());

    // The API keeps its routes.
    assert_eq!(get(&app, "/healthz", "identity").await.status(), 200);
    let graphql: serde_json::Value = app
        .client
        .get(app.url("/graphql?query=%7B__typename%7D"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(graphql["data"]["__typename"], "Query");
}

#[tokio::test]
async fn without_a_bundle_the_root_says_how_to_build_it() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app_serving(BusSettings::InProcess, Some(dir.path().join("dist"))).await;
    let response = get(&app, "/", "identity").await;
    assert_eq!(response.status(), 503);
    let body = response.text().await.unwrap();
    assert!(body.contains("scripts/build-web"), "{body}");
    assert_eq!(get(&app, "/healthz", "identity").await.status(), 200);
}
