use std::process::Stdio;
use std::time::Duration;

use clap::Parser as _;
use rmcp::model::{CallToolRequestParams, CallToolResult, ClientConfig};
use rmcp::service::RunningService;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::{ConfigureCommandExt as _, StreamableHttpClientTransport, TokioChildProcess};
use rmcp::{RoleClient, ServiceExt as _};
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio::process::{Child, Command};

pub const TODO_MCP: &str = env!("CARGO_BIN_EXE_todo-mcp");

pub type McpClient = RunningService<RoleClient, ClientConfig>;

/// A real API server on a random port, with its own database.
pub struct TestApi {
    pub url: String,
    client: reqwest::Client,
    _data_dir: TempDir,
}

/// Boots the API in this process, the way its own integration suite does, on SQLite.
/// Settings go through the public command line so that new settings with defaults need
/// no change here.
pub async fn start_api() -> TestApi {
    start_api_with(&[]).await
}

/// Like `start_api`, with more `serve` arguments (`--listen` among them, or any free
/// port).
pub async fn start_api_with(extra_args: &[&str]) -> TestApi {
    let data_dir = tempfile::tempdir().unwrap();
    let database_url = format!(
        "sqlite://{}?mode=rwc",
        data_dir.path().join("todo.db").display()
    );
    start_api_on(data_dir, &database_url, extra_args).await
}

/// The API on a fresh PostgreSQL database of the server TEST_DATABASE_URL names, for
/// the tests marked `#[ignore = "needs PostgreSQL (TEST_DATABASE_URL)"]` that
/// `scripts/test` runs in its PostgreSQL pass.
pub async fn start_api_on_postgres() -> TestApi {
    use sea_orm::sqlx::{Connection as _, Executor as _};

    let server_url = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|url| url.starts_with("postgres"))
        .expect("this test needs PostgreSQL: set TEST_DATABASE_URL");
    let prefix = std::env::var("TEST_DATABASE_PREFIX").unwrap_or_else(|_| "todo_mcp".into());
    let name = format!("{prefix}_mcp_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sea_orm::sqlx::PgConnection::connect(&server_url)
        .await
        .unwrap();
    let create = format!("CREATE DATABASE \"{name}\"");
    admin
        .execute(sea_orm::sqlx::AssertSqlSafe(create))
        .await
        .unwrap();
    let (server, _) = server_url.rsplit_once('/').unwrap();
    start_api_on(
        tempfile::tempdir().unwrap(),
        &format!("{server}/{name}"),
        &[],
    )
    .await
}

async fn start_api_on(data_dir: TempDir, database_url: &str, extra_args: &[&str]) -> TestApi {
    let data_dir_arg = data_dir.path().display().to_string();
    let mut args = vec!["todo-api", "serve"];
    if !extra_args.contains(&"--listen") {
        args.extend(["--listen", "127.0.0.1:0"]);
    }
    args.extend([
        "--data-dir",
        &data_dir_arg,
        "--database-url",
        database_url,
        "--jwt-secret",
        "mcp-integration-test-secret-of-32-bytes",
    ]);
    args.extend_from_slice(extra_args);
    let cli = api::config::Cli::try_parse_from(args).unwrap();
    let api::config::Command::Serve(args) = cli.command else {
        unreachable!("parsed a serve command");
    };
    let app = api::app::Application::build(args.resolve().unwrap())
        .await
        .unwrap();
    let url = format!("http://{}", app.local_addr().unwrap());
    tokio::spawn(app.run_until_stopped());
    TestApi {
        url,
        client: reqwest::Client::new(),
        _data_dir: data_dir,
    }
}

impl TestApi {
    pub async fn graphql(&self, token: &str, query: &str, variables: Value) -> Value {
        self.client
            .post(format!("{}/graphql", self.url))
            .bearer_auth(token)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Registers a user and returns a new personal API token of theirs with `scope`
    /// (`READ` or `WRITE`).
    pub async fn user_token(&self, email: &str, scope: &str) -> String {
        let session = self.register(email).await;
        self.api_token(&session, scope).await.0
    }

    /// Registers a user; returns their session token.
    pub async fn register(&self, email: &str) -> String {
        let registered: Value = self
            .client
            .post(format!("{}/graphql", self.url))
            .json(&json!({
                "query": "mutation($input: RegisterInput!) { register(input: $input) { token } }",
                "variables": { "input": { "email": email, "password": "correct horse", "displayName": "Test" } },
            }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        registered["data"]["register"]["token"]
            .as_str()
            .unwrap_or_else(|| panic!("cannot register: {registered}"))
            .to_owned()
    }

    /// A new API token of the session's user: the secret and the token's id.
    pub async fn api_token(&self, session: &str, scope: &str) -> (String, String) {
        let created = self
            .graphql(
                session,
                "mutation($scopes: [TokenScope!]!) { createApiToken(name: \"mcp test\", scopes: $scopes) { token apiToken { id } } }",
                json!({ "scopes": [scope] }),
            )
            .await;
        let payload = &created["data"]["createApiToken"];
        match (
            payload["token"].as_str(),
            payload["apiToken"]["id"].as_str(),
        ) {
            (Some(token), Some(id)) => (token.to_owned(), id.to_owned()),
            _ => panic!("cannot create a token: {created}"),
        }
    }

    /// Creates a task directly through GraphQL; returns its id.
    pub async fn create_task(&self, token: &str, title: &str) -> String {
        let created = self
            .graphql(
                token,
                "mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }",
                json!({ "input": { "title": title } }),
            )
            .await;
        created["data"]["createTask"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("cannot create a task: {created}"))
            .to_owned()
    }

    /// The task as its owner sees it through GraphQL (null when gone).
    pub async fn task(&self, token: &str, id: &str) -> Value {
        let found = self
            .graphql(
                token,
                "query($id: ID!) { task(id: $id) { id title completed priority } }",
                json!({ "id": id }),
            )
            .await;
        found["data"]["task"].clone()
    }

    /// Whether the API's schema has `field` on `type_name`: the notifications and audit
    /// queries arrive in a later API version, and the tools must cope with both.
    pub async fn has_field(&self, token: &str, type_name: &str, field: &str) -> bool {
        let found = self
            .graphql(
                token,
                "query($name: String!) { __type(name: $name) { fields { name } } }",
                json!({ "name": type_name }),
            )
            .await;
        found["data"]["__type"]["fields"]
            .as_array()
            .is_some_and(|fields| fields.iter().any(|f| f["name"] == field))
    }
}

/// The real `todo-mcp` binary speaking MCP over its stdin and stdout.
pub async fn stdio_client(api_url: &str, token: &str) -> McpClient {
    let command = Command::new(TODO_MCP).configure(|cmd| {
        cmd.arg("stdio")
            .env("TODO_API_URL", api_url)
            .env("TODO_API_TOKEN", token)
            .env("RUST_LOG", "warn");
    });
    let (transport, _stderr) = TokioChildProcess::builder(command)
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    client_info().serve(transport).await.unwrap()
}

/// The real `todo-mcp` binary serving streamable HTTP; killed when dropped.
pub struct HttpServer {
    pub url: String,
    _child: Child,
}

/// `extra_args` may name the address to `--listen` on; any free port otherwise.
pub async fn spawn_http_server(api_url: &str, extra_args: &[&str]) -> HttpServer {
    let listen: &[&str] = if extra_args.contains(&"--listen") {
        &[]
    } else {
        &["--listen", "127.0.0.1:0"]
    };
    let mut child = Command::new(TODO_MCP)
        .arg("http")
        .args(listen)
        .args(extra_args)
        .env("TODO_API_URL", api_url)
        .env("LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let address = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            eprintln!("todo-mcp: {line}");
            let Ok(event) = serde_json::from_str::<Value>(&line) else {
                continue;
            };
            if event["fields"]["message"] == "serving MCP at /mcp" {
                return event["fields"]["address"].as_str().unwrap().to_owned();
            }
        }
        panic!("todo-mcp http exited before listening");
    })
    .await
    .expect("todo-mcp http did not start listening within 30 s");
    // Keep draining the log so the server never blocks on a full pipe.
    tokio::spawn(async move {
        while let Ok(Some(line)) = lines.next_line().await {
            eprintln!("todo-mcp: {line}");
        }
    });
    HttpServer {
        url: format!("http://{address}/mcp"),
        _child: child,
    }
}

pub async fn http_client(url: &str, token: &str) -> McpClient {
    let transport = StreamableHttpClientTransport::from_config(
        StreamableHttpClientTransportConfig::with_uri(url).auth_header(token),
    );
    client_info().serve(transport).await.unwrap()
}

fn client_info() -> ClientConfig {
    ClientConfig::default()
}

pub async fn call(client: &McpClient, tool: &str, arguments: Value) -> CallToolResult {
    let Value::Object(arguments) = arguments else {
        panic!("tool arguments must be an object");
    };
    client
        .call_tool(CallToolRequestParams::new(tool.to_owned()).with_arguments(arguments))
        .await
        .unwrap_or_else(|error| panic!("{tool} failed at the protocol level: {error}"))
}

/// The structured content of a successful result.
pub fn ok(result: &CallToolResult) -> Value {
    assert_eq!(
        result.is_error,
        Some(false),
        "unexpected error: {}",
        text(result)
    );
    result
        .structured_content
        .clone()
        .unwrap_or_else(|| panic!("no structured content: {}", text(result)))
}

/// The message of a failed result.
pub fn tool_error(result: &CallToolResult) -> String {
    assert_eq!(
        result.is_error,
        Some(true),
        "expected an error, got {:?}",
        result.structured_content
    );
    text(result)
}

pub fn text(result: &CallToolResult) -> String {
    result
        .content
        .iter()
        .filter_map(|block| block.as_text())
        .map(|block| block.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}
