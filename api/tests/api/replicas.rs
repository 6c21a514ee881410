//! Real server processes: several replicas on one PostgreSQL database, and a restart
//! after downtime.

use std::collections::HashSet;
use std::path::Path;
use std::process::{Child, Command};
use std::time::Duration;

use chrono::Utc;
use serde_json::{Value, json};

use crate::helpers::{eventually, free_port, fresh_database_url, postgres_url};
use crate::live::Subscriber;
use crate::task_changes::TASK_CHANGES;

const SECRET: &str = "replica-test-secret-that-is-long-enough";

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start(database_url: &str, data_dir: &Path) -> Server {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_todo-api"))
        .arg("serve")
        .env_clear()
        .env("DATABASE_URL", database_url)
        .env("TODO_DATA_DIR", data_dir)
        .env("TODO_LISTEN", format!("127.0.0.1:{port}"))
        .env("TODO_JWT_SECRET", SECRET)
        .env("RUST_LOG", "warn")
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let ready = format!("{base}/readyz");
    eventually(Duration::from_secs(30), || async {
        reqwest::get(&ready)
            .await
            .ok()
            .filter(|r| r.status() == 200)
    })
    .await;
    Server { child, base }
}

async fn graphql(base: &str, token: Option<&str>, query: &str, variables: Value) -> Value {
    let mut request = reqwest::Client::new()
        .post(format!("{base}/graphql"))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response: Value = request.send().await.unwrap().json().await.unwrap();
    assert!(response.get("errors").is_none(), "{response}");
    response["data"].clone()
}

async fn register(base: &str) -> String {
    let data = graphql(
        base,
        None,
        "mutation { register(input: { email: \"ada@example.com\", password: \"correct horse\", displayName: \"Ada\" }) { token } }",
        json!({}),
    )
    .await;
    data["register"]["token"].as_str().unwrap().to_owned()
}

async fn notification_count(base: &str, token: &str) -> u64 {
    graphql(
        base,
        Some(token),
        "{ notifications(first: 200) { totalCount } }",
        json!({}),
    )
    .await["notifications"]["totalCount"]
        .as_u64()
        .unwrap()
}

#[tokio::test]
async fn two_replicas_share_the_reminders_and_push_across() {
    if postgres_url().is_none() {
        // Replicas share a PostgreSQL database; the SQLite run has one process.
        return;
    }
    let data_dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database_url(&data_dir).await;
    let a = start(&database_url, data_dir.path()).await;
    let b = start(&database_url, data_dir.path()).await;
    let token = register(&a.base).await;
    let mut on_b = Subscriber::connect(&b.base, Some(&format!("Bearer {token}")))
        .await
        .unwrap();

    // 200 tasks, made through A, all due in the same second.
    let due = (Utc::now() + chrono::Duration::seconds(4)).to_rfc3339();
    let client = reqwest::Client::new();
    let creations = (0..200).map(|i| {
        let request = client
            .post(format!("{}/graphql", a.base))
            .bearer_auth(&token)
            .json(&json!({
                "query": "mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }",
                "variables": { "input": { "title": format!("task {i}"), "dueAt": due, "remindBeforeMinutes": 0 } }
            }));
        async move { request.send().await.unwrap().status() }
    });
    for status in futures_util::future::join_all(creations).await {
        assert_eq!(status, 200);
    }

    let mut seen = HashSet::new();
    while seen.len() < 200 {
        let pushed = on_b
            .next(Duration::from_secs(15))
            .await
            .unwrap_or_else(|| panic!("only {} arrived", seen.len()));
        assert!(
            seen.insert(pushed["taskId"].as_str().unwrap().to_owned()),
            "pushed twice: {pushed}"
        );
    }
    assert_eq!(on_b.next(Duration::from_secs(2)).await, None);
    assert_eq!(notification_count(&a.base, &token).await, 200);
    assert_eq!(notification_count(&b.base, &token).await, 200);
}

#[tokio::test]
async fn reminders_missed_while_down_go_out_once_after_restart() {
    let data_dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database_url(&data_dir).await;
    let server = start(&database_url, data_dir.path()).await;
    let token = register(&server.base).await;
    let due = (Utc::now() + chrono::Duration::seconds(2)).to_rfc3339();
    graphql(
        &server.base,
        Some(&token),
        "mutation($due: DateTime) { createTask(input: { title: \"while away\", dueAt: $due, remindBeforeMinutes: 0 }) { id } }",
        json!({ "due": due }),
    )
    .await;
    drop(server);
    tokio::time::sleep(Duration::from_secs(3)).await;

    let restarted = start(&database_url, data_dir.path()).await;
    eventually(Duration::from_secs(10), || async {
        (notification_count(&restarted.base, &token).await == 1).then_some(())
    })
    .await;
    // Another restart sends nothing more.
    drop(restarted);
    let again = start(&database_url, data_dir.path()).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(notification_count(&again.base, &token).await, 1);
}

#[tokio::test]
async fn a_task_changed_through_one_replica_shows_on_the_others_subscribers() {
    if postgres_url().is_none() {
        return;
    }
    let data_dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database_url(&data_dir).await;
    let a = start(&database_url, data_dir.path()).await;
    let b = start(&database_url, data_dir.path()).await;
    let token = register(&a.base).await;
    let mut on_b = Subscriber::subscribe(&b.base, Some(&format!("Bearer {token}")), TASK_CHANGES)
        .await
        .unwrap();
    let created = graphql(
        &a.base,
        Some(&token),
        "mutation { createTask(input: { title: \"made on A\" }) { id } }",
        json!({}),
    )
    .await;
    let pushed = on_b
        .next_data(Duration::from_secs(5))
        .await
        .expect("the change reached B")["taskChanges"]
        .clone();
    assert_eq!(pushed["action"], "CREATE");
    assert_eq!(pushed["taskId"], created["createTask"]["id"]);
    assert_eq!(pushed["task"]["title"], "made on A");
    // Once, not once per replica.
    assert_eq!(on_b.next_data(Duration::from_secs(1)).await, None);
}
