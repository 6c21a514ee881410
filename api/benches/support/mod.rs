//! What the benchmarks that run the real `todo-api` binary share: starting it, and
//! talking GraphQL to it.

use std::process::{Child, Command};
use std::time::Duration;

use anyhow::{Context as _, bail};
use serde_json::{Value, json};

pub struct Server {
    pub child: Child,
    pub base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `todo-api serve` on `url`, ready; `env` adds settings.
pub async fn start_server(
    url: &str,
    dir: &std::path::Path,
    env: &[(&str, &str)],
) -> anyhow::Result<Server> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    drop(listener);
    let child = Command::new(env!("CARGO_BIN_EXE_todo-api"))
        .arg("serve")
        .env("DATABASE_URL", url)
        .env("TODO_DATA_DIR", dir)
        .env("TODO_LISTEN", format!("127.0.0.1:{port}"))
        .env("TODO_JWT_SECRET", "benchmark-secret-that-is-long-enough!")
        .env("RUST_LOG", "warn")
        .envs(env.iter().copied())
        .spawn()
        .context("starting todo-api")?;
    let server = Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    for _ in 0..300 {
        if let Ok(response) = reqwest::get(format!("{}/readyz", server.base)).await
            && response.status() == 200
        {
            return Ok(server);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("todo-api did not become ready")
}

pub async fn graphql(
    client: &reqwest::Client,
    base: &str,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> anyhow::Result<Value> {
    let mut request = client
        .post(format!("{base}/graphql"))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response: Value = request.send().await?.json().await?;
    if let Some(errors) = response.get("errors") {
        bail!("GraphQL errors: {errors}");
    }
    Ok(response["data"].clone())
}

pub async fn register(client: &reqwest::Client, base: &str, i: usize) -> anyhow::Result<String> {
    let data = graphql(
        client,
        base,
        None,
        "mutation($email: String!) { register(input: { email: $email, password: \"benchmark password\", displayName: \"Bench\" }) { token } }",
        json!({ "email": format!("user{i}@example.com") }),
    )
    .await?;
    data["register"]["token"]
        .as_str()
        .map(str::to_owned)
        .context("no token")
}
