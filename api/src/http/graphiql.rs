//! GraphiQL, served entirely from this binary so that it works with no internet access.
//! The vendored files are refreshed by `scripts/vendor-graphiql`.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

/// Part of every asset URL, so a refreshed GraphiQL is never served from a stale cache.
const ASSET_VERSION: &str = "3.9.0";

struct Asset {
    name: &'static str,
    content_type: &'static str,
    gzipped: &'static [u8],
}

const ASSETS: &[Asset] = &[
    Asset {
        name: "graphiql.min.js",
        content_type: "text/javascript; charset=utf-8",
        gzipped: include_bytes!("../../assets/graphiql/graphiql.min.js.gz"),
    },
    Asset {
        name: "graphiql.min.css",
        content_type: "text/css; charset=utf-8",
        gzipped: include_bytes!("../../assets/graphiql/graphiql.min.css.gz"),
    },
    Asset {
        name: "react.production.min.js",
        content_type: "text/javascript; charset=utf-8",
        gzipped: include_bytes!("../../assets/graphiql/react.production.min.js.gz"),
    },
    Asset {
        name: "react-dom.production.min.js",
        content_type: "text/javascript; charset=utf-8",
        gzipped: include_bytes!("../../assets/graphiql/react-dom.production.min.js.gz"),
    },
    Asset {
        name: "graphql-ws.min.js",
        content_type: "text/javascript; charset=utf-8",
        gzipped: include_bytes!("../../assets/graphiql/graphql-ws.min.js.gz"),
    },
];

pub async fn page() -> Html<String> {
    Html(PAGE.replace("{version}", ASSET_VERSION))
}

/// Every browser accepts gzip, so the files are sent as they are stored.
pub async fn asset(Path((version, name)): Path<(String, String)>) -> Response {
    let found = ASSETS.iter().find(|asset| asset.name == name);
    match found {
        Some(asset) if version == ASSET_VERSION => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(asset.content_type),
                ),
                (header::CONTENT_ENCODING, HeaderValue::from_static("gzip")),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=31536000, immutable"),
                ),
            ],
            asset.gzipped,
        )
            .into_response(),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

const PAGE: &str = r#"<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>GraphiQL · todo</title>
  <link rel="stylesheet" href="/graphiql/assets/{version}/graphiql.min.css">
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="/graphiql/assets/{version}/react.production.min.js"></script>
  <script src="/graphiql/assets/{version}/react-dom.production.min.js"></script>
  <script src="/graphiql/assets/{version}/graphql-ws.min.js"></script>
  <script src="/graphiql/assets/{version}/graphiql.min.js"></script>
  <script>
    const HEADERS_KEY = 'graphiql:headers';
    const defaultHeaders = JSON.stringify(
      { Authorization: 'Bearer <paste the token from login, register or createApiToken>' },
      null,
      2,
    );
    const defaultQuery = `# Welcome to the todo API.
#
# Most operations act as a signed-in user. Get a token with the mutation below
# (or createApiToken for a long-lived one), then paste it into the Headers tab:
#   { "Authorization": "Bearer <token>" }
# Subscriptions use the same header, sent in connection_init.

mutation SignIn {
  login(email: "you@example.com", password: "your password") {
    token
  }
}

query MyTasks {
  tasks(first: 10) {
    totalCount
    edges { node { id title dueAt completed } }
  }
}
`;
    // The websocket cannot carry HTTP headers: the token from the Headers tab goes in
    // connection_init instead, read at connect time so a newly pasted one is used.
    function authorization() {
      try {
        const headers = JSON.parse(localStorage.getItem(HEADERS_KEY) || '{}');
        return headers.Authorization || headers.authorization;
      } catch (_) {
        return undefined;
      }
    }
    const wsUrl = location.origin.replace(/^http/, 'ws') + '/graphql/ws';
    const fetcher = GraphiQL.createFetcher({
      url: '/graphql',
      wsClient: graphqlWs.createClient({
        url: wsUrl,
        lazy: true,
        connectionParams: () => ({ authorization: authorization() }),
      }),
    });
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, {
        fetcher,
        defaultQuery,
        defaultHeaders,
        defaultEditorToolsVisibility: 'headers',
        shouldPersistHeaders: true,
      }),
    );
  </script>
</body>
</html>
"#;
