//! The web UI: the bundle that `scripts/build-web` writes, served at `/` with a
//! single-page-app fallback. Content-hashed files under `/assets/` are cached for a year;
//! everything else (`index.html`) is revalidated on every load, so a new build shows up
//! at once. Precompressed `.br` and `.gz` siblings are sent when the browser takes them;
//! a bundle built without them is compressed on the fly.

use std::path::{Path, PathBuf};

use axum::Router;
use axum::extract::Request;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower_http::services::{ServeDir, ServeFile};

const HASHED_PREFIX: &str = "/assets/";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

/// Adds the UI to `router` as its fallback, so the API's own routes always win.
pub fn serve(router: Router, dir: Option<&Path>) -> Router {
    let Some(dir) = dir else {
        return router;
    };
    let index = dir.join("index.html");
    if !index.is_file() {
        tracing::warn!(
            web_dir = %dir.display(),
            "the web UI is not built; `/` explains how to build it"
        );
        let dir = dir.to_path_buf();
        return router.fallback(move || not_built(dir.clone()));
    }
    let assets = ServeDir::new(dir.join("assets"))
        .precompressed_br()
        .precompressed_gzip();
    let pages = ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
        // Client-side routes such as /tasks/<id> are the app's to resolve.
        .fallback(
            ServeFile::new(index)
                .precompressed_br()
                .precompressed_gzip(),
        );
    let ui = Router::new()
        .nest_service("/assets", assets)
        .fallback_service(pages)
        .layer(middleware::from_fn(cache_control))
        // Leaves the precompressed files alone: they carry their encoding already.
        .layer(super::compression());
    router.merge(ui)
}

async fn cache_control(request: Request, next: Next) -> Response {
    let hashed = request.uri().path().starts_with(HASHED_PREFIX);
    let mut response = next.run(request).await;
    if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
        let policy = if hashed { IMMUTABLE } else { REVALIDATE };
        response
            .headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}

async fn not_built(dir: PathBuf) -> Response {
    let body = format!(
        "<!doctype html><html lang=\"en\"><title>todo: web UI not built</title>\
         <body><h1>The web UI is not built</h1>\
         <p>No bundle in <code>{}</code>. Build it with <code>scripts/build-web</code> \
         (or start everything with <code>scripts/run</code>), then restart the server. \
         The GraphQL API is at <a href=\"/graphiql\">/graphiql</a>.</p></body></html>",
        crate::html::escape(&dir.display().to_string())
    );
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (CACHE_CONTROL, HeaderValue::from_static(REVALIDATE)),
        ],
        body,
    )
        .into_response()
}
