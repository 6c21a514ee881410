//! Real server processes: several replicas on one database, a restart after downtime,
//! cancelled requests, and SIGTERM.

use std::collections::HashSet;
use std::process::Stdio;
use std::time::Duration;

use chrono::Utc;
use serde_json::{Value, json};

use crate::helpers::{assert_postgres, eventually, fresh_database_url};
use crate::live::Subscriber;
use crate::server_process::{ServerProcess, graphql, register};
use crate::task_changes::TASK_CHANGES;

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

// Replicas share a PostgreSQL database; the SQLite run has one process.
#[tokio::test]
#[ignore = "needs PostgreSQL (TEST_DATABASE_URL)"]
async fn two_replicas_share_the_reminders_and_push_across() {
    assert_postgres();
    let data_dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database_url(&data_dir).await;
    let a = ServerProcess::start(&database_url, data_dir.path()).await;
    let b = ServerProcess::start(&database_url, data_dir.path()).await;
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
    let server = ServerProcess::start(&database_url, data_dir.path()).await;
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

    let restarted = ServerProcess::start(&database_url, data_dir.path()).await;
    eventually(Duration::from_secs(10), || async {
        (notification_count(&restarted.base, &token).await == 1).then_some(())
    })
    .await;
    // Another restart sends nothing more.
    drop(restarted);
    let again = ServerProcess::start(&database_url, data_dir.path()).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(notification_count(&again.base, &token).await, 1);
}

const LOGIN: &str = "mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }";

async fn login_code(base: &str, password: &str) -> Option<String> {
    let response: Value = reqwest::Client::new()
        .post(format!("{base}/graphql"))
        .json(&json!({ "query": LOGIN, "variables": { "email": "ada@example.com", "password": password } }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    response["errors"][0]["extensions"]["code"]
        .as_str()
        .map(str::to_owned)
}

#[tokio::test]
async fn replicas_share_one_sign_in_throttle() {
    let data_dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database_url(&data_dir).await;
    let a = ServerProcess::start(&database_url, data_dir.path()).await;
    let b = ServerProcess::start(&database_url, data_dir.path()).await;
    register(&a.base).await;

    // Five failures, spread over both replicas, lock the email on both.
    for attempt in 0..5 {
        let replica = if attempt % 2 == 0 { &a } else { &b };
        assert_eq!(
            login_code(&replica.base, "wrong password").await.as_deref(),
            Some("UNAUTHENTICATED")
        );
    }
    for replica in [&a, &b] {
        assert_eq!(
            login_code(&replica.base, "correct horse").await.as_deref(),
            Some("RATE_LIMITED")
        );
    }
}

const CREATE: &str = "mutation($title: String!) { createTask(input: { title: $title }) { id } }";

#[tokio::test]
async fn cancelled_requests_never_leave_a_connection_inside_a_transaction() {
    let data_dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database_url(&data_dir).await;
    let log_path = data_dir.path().join("server.log");
    let log = std::fs::File::create(&log_path).unwrap();
    // One connection: a connection left inside a transaction would be the next
    // request's connection, every time.
    let server = ServerProcess::start_with(
        &database_url,
        data_dir.path(),
        &[("DATABASE_MAX_CONNECTIONS", "1"), ("RUST_LOG", "info")],
        Stdio::from(log),
    )
    .await;
    let token = register(&server.base).await;

    // Requests dropped by their client at every moment from before the first byte to
    // after the commit.
    let client = reqwest::Client::new();
    for round in 0..300u64 {
        let request = client
            .post(format!("{}/graphql", server.base))
            .bearer_auth(&token)
            .json(
                &json!({ "query": CREATE, "variables": { "title": format!("cancelled {round}") } }),
            )
            .send();
        let _ =
            tokio::time::timeout(Duration::from_micros(50 + (round * 37) % 4000), request).await;
    }

    // Every later request is correct: what it wrote is committed, so another replica
    // (with connections of its own) sees exactly what this one sees.
    let mut acknowledged = HashSet::new();
    for i in 0..20 {
        let title = format!("after {i}");
        graphql(
            &server.base,
            Some(&token),
            CREATE,
            json!({ "title": title }),
        )
        .await;
        acknowledged.insert(title);
    }
    let other = ServerProcess::start(&database_url, data_dir.path()).await;
    eventually(Duration::from_secs(10), || async {
        let here = task_titles(&server.base, &token).await;
        let there = task_titles(&other.base, &token).await;
        (here == there && acknowledged.is_subset(&there)).then_some(())
    })
    .await;

    drop(server);
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        !log.contains("transaction in progress"),
        "a connection came back inside a transaction:\n{log}"
    );
}

async fn task_titles(base: &str, token: &str) -> HashSet<String> {
    let mut titles = HashSet::new();
    let mut after: Option<String> = None;
    loop {
        let data = graphql(
            base,
            Some(token),
            "query($after: String) { tasks(first: 200, after: $after) { edges { node { title } } pageInfo { hasNextPage endCursor } } }",
            json!({ "after": after }),
        )
        .await;
        let page = &data["tasks"];
        for edge in page["edges"].as_array().unwrap() {
            titles.insert(edge["node"]["title"].as_str().unwrap().to_owned());
        }
        if page["pageInfo"]["hasNextPage"] != true {
            return titles;
        }
        after = page["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
}

/// One statement against the test's database, outside the server.
async fn database(database_url: &str) -> sea_orm::DatabaseConnection {
    sea_orm::Database::connect(database_url).await.unwrap()
}

async fn unpublished_events(db: &sea_orm::DatabaseConnection) -> i64 {
    use sea_orm::ConnectionTrait as _;
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM outbox WHERE published_at IS NULL",
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

/// Copies of the newest outbox event, each with an id of its own, waiting to be
/// published.
async fn add_backlog(db: &sea_orm::DatabaseConnection, count: usize) {
    use api::store::entities::outbox;
    use sea_orm::{EntityTrait as _, QueryOrder as _, Set};
    let template = outbox::Entity::find()
        .order_by_desc(outbox::Column::Seq)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let mut event: Value = serde_json::from_str(&template.payload).unwrap();
    for chunk in (0..count).collect::<Vec<_>>().chunks(500) {
        let rows = chunk.iter().map(|_| {
            let id = uuid::Uuid::new_v4();
            event["id"] = json!(id.to_string());
            outbox::ActiveModel {
                event_id: Set(id),
                topic: Set(template.topic.clone()),
                payload: Set(event.to_string()),
                created_at: Set(Utc::now()),
                published_at: Set(None),
                attempts: Set(0),
                last_error: Set(None),
                ..Default::default()
            }
        });
        outbox::Entity::insert_many(rows).exec(db).await.unwrap();
    }
}

#[tokio::test]
async fn sigterm_exits_in_time_and_leaves_the_backlog_for_the_next_start() {
    let data_dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database_url(&data_dir).await;
    let mut server = ServerProcess::start_with(
        &database_url,
        data_dir.path(),
        // The stop proper, without the drain before it (process::the_drain_*).
        &[
            ("TODO_SHUTDOWN_GRACE_SECONDS", "10"),
            ("TODO_SHUTDOWN_DRAIN_SECONDS", "0"),
        ],
        Stdio::inherit(),
    )
    .await;
    let token = register(&server.base).await;
    graphql(
        &server.base,
        Some(&token),
        CREATE,
        json!({ "title": "template" }),
    )
    .await;
    let db = database(&database_url).await;
    eventually(Duration::from_secs(10), || async {
        (unpublished_events(&db).await == 0).then_some(())
    })
    .await;
    add_backlog(&db, 30_000).await;
    // The relay is busy with the backlog when the signal comes.
    tokio::time::sleep(Duration::from_secs(1)).await;

    let signalled = std::time::Instant::now();
    server.signal("-TERM");
    let exit = tokio::task::spawn_blocking(move || {
        let exit = server.child.wait();
        (exit, server)
    });
    let (exit, _server) = tokio::time::timeout(Duration::from_secs(20), exit)
        .await
        .expect("the server did not exit after SIGTERM")
        .unwrap();
    assert!(exit.unwrap().success());
    let took = signalled.elapsed();
    assert!(
        took < Duration::from_secs(10),
        "exited after {took:?}, past its grace period"
    );
    let left = unpublished_events(&db).await;
    assert!(left > 0, "the backlog should be left for the next start");

    // The next start takes the backlog up where this one left it.
    let restarted = ServerProcess::start(&database_url, data_dir.path()).await;
    eventually(Duration::from_secs(60), || async {
        (unpublished_events(&db).await < left).then_some(())
    })
    .await;
    drop(restarted);
}

#[tokio::test]
#[ignore = "needs PostgreSQL (TEST_DATABASE_URL)"]
async fn a_task_changed_through_one_replica_shows_on_the_others_subscribers() {
    assert_postgres();
    let data_dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database_url(&data_dir).await;
    let a = ServerProcess::start(&database_url, data_dir.path()).await;
    let b = ServerProcess::start(&database_url, data_dir.path()).await;
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
