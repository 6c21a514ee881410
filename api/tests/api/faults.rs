//! Faults under load, each counted: what the server acknowledged, and what exists
//! afterwards. Nothing acknowledged may be lost, and nothing may be doubled.
//!
//! These run real server processes. The PostgreSQL restart test runs a private
//! PostgreSQL server of its own (initdb in a temporary directory), so restarting it
//! disturbs no other test.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::StreamExt as _;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::{assert_postgres, eventually, free_port, fresh_database_url};
use crate::live::{open_socket, receive, send};
use crate::server_process::{ServerProcess, graphql, register};

/// The faults these tests cause make a server log warnings by design.
const QUIET: &[(&str, &str)] = &[("RUST_LOG", "error")];
const CREATE: &str = "mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }";

/// Writers that create tasks as fast as the server takes them, until stopped. Each
/// task is due a few seconds after it is made, reminded at its due time, so that every
/// acknowledged task also owes exactly one notification.
struct WriteLoad {
    acknowledged: Arc<Mutex<HashSet<String>>>,
    stop: tokio_util::sync::CancellationToken,
    writers: Vec<tokio::task::JoinHandle<()>>,
}

impl WriteLoad {
    fn start(base: &str, token: &str, concurrency: usize) -> Self {
        let acknowledged = Arc::new(Mutex::new(HashSet::new()));
        let stop = tokio_util::sync::CancellationToken::new();
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        let writers = (0..concurrency)
            .map(|writer| {
                let (client, base, token) = (client.clone(), base.to_owned(), token.to_owned());
                let (acknowledged, stop) = (acknowledged.clone(), stop.clone());
                tokio::spawn(async move {
                    let mut n = 0;
                    while !stop.is_cancelled() {
                        n += 1;
                        let due = (Utc::now() + chrono::Duration::seconds(3)).to_rfc3339();
                        let request = client
                            .post(format!("{base}/graphql"))
                            .bearer_auth(&token)
                            .json(&json!({ "query": CREATE, "variables": { "input": {
                                "title": format!("w{writer} #{n}"), "dueAt": due, "remindBeforeMinutes": 0
                            } } }))
                            .send();
                        let response = tokio::select! {
                            () = stop.cancelled() => return,
                            response = request => response,
                        };
                        // Only a complete, successful answer counts as acknowledged.
                        let Ok(response) = response else {
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            continue;
                        };
                        let Ok(body) = response.json::<Value>().await else {
                            continue;
                        };
                        if let Some(id) = body["data"]["createTask"]["id"].as_str() {
                            acknowledged.lock().unwrap().insert(id.to_owned());
                        }
                    }
                })
            })
            .collect();
        Self {
            acknowledged,
            stop,
            writers,
        }
    }

    fn count(&self) -> usize {
        self.acknowledged.lock().unwrap().len()
    }

    async fn finish(self) -> HashSet<String> {
        self.stop.cancel();
        for writer in self.writers {
            writer.await.unwrap();
        }
        Arc::try_unwrap(self.acknowledged)
            .unwrap()
            .into_inner()
            .unwrap()
    }
}

/// Every page of a connection, as its nodes.
async fn all_nodes(base: &str, token: &str, field: &str, selection: &str) -> Vec<Value> {
    let mut nodes = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let data = graphql(
            base,
            Some(token),
            &format!(
                "query($after: String) {{ {field}(first: 200, after: $after) {{ edges {{ node {{ {selection} }} }} pageInfo {{ hasNextPage endCursor }} }} }}"
            ),
            json!({ "after": after }),
        )
        .await;
        let page = &data[field];
        nodes.extend(
            page["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"].clone()),
        );
        if page["pageInfo"]["hasNextPage"] != true {
            return nodes;
        }
        after = page["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
}

/// How many times each string occurs in `nodes[key]`.
fn tally(nodes: &[Value], key: &str) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for node in nodes {
        if let Some(value) = node[key].as_str() {
            *counts.entry(value.to_owned()).or_default() += 1;
        }
    }
    counts
}

/// Waits until every task has exactly one CREATE audit entry and every task that was
/// written before its due date exactly one reminder notification, and checks that no
/// acknowledged task was lost and nothing was doubled.
///
/// A writer computes each due date (3 s ahead) before it sends the request; a request
/// held up by an outage can reach the database after that moment, and a task that is
/// already overdue when it is written gets no reminder by design
/// (`domain::reminder::remind_at`). Those tasks must get none.
async fn assert_nothing_lost_or_doubled(base: &str, token: &str, acknowledged: &HashSet<String>) {
    let nodes = all_nodes(base, token, "tasks", "id dueAt createdAt").await;
    let tasks: HashSet<String> = nodes
        .iter()
        .map(|node| node["id"].as_str().unwrap().to_owned())
        .collect();
    let missing: Vec<_> = acknowledged.difference(&tasks).collect();
    assert!(missing.is_empty(), "acknowledged tasks lost: {missing:?}");
    let instant = |node: &Value, field: &str| {
        DateTime::parse_from_rfc3339(node[field].as_str().unwrap()).unwrap()
    };
    let (remindable, overdue_when_written): (Vec<&Value>, Vec<&Value>) = nodes
        .iter()
        .partition(|node| instant(node, "dueAt") > instant(node, "createdAt"));
    let remindable: HashSet<String> = remindable
        .iter()
        .map(|node| node["id"].as_str().unwrap().to_owned())
        .collect();
    let overdue_when_written: HashSet<String> = overdue_when_written
        .iter()
        .map(|node| node["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        !remindable.is_empty(),
        "no task was written before its due date"
    );

    // The audit trail and the reminders catch up through the outbox.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    loop {
        let audit = all_nodes(base, token, "auditLog", "entityId action").await;
        let created: Vec<Value> = audit
            .into_iter()
            .filter(|entry| entry["action"] == "CREATE")
            .collect();
        let audits = tally(&created, "entityId");
        let notifications = tally(
            &all_nodes(base, token, "notifications", "taskId").await,
            "taskId",
        );
        let doubled_audits: Vec<_> = audits.iter().filter(|(_, n)| **n > 1).collect();
        let doubled_notes: Vec<_> = notifications.iter().filter(|(_, n)| **n > 1).collect();
        assert!(
            doubled_audits.is_empty(),
            "audited twice: {doubled_audits:?}"
        );
        assert!(
            doubled_notes.is_empty(),
            "notified twice: {doubled_notes:?}"
        );
        let reminded_overdue: Vec<_> = overdue_when_written
            .iter()
            .filter(|id| notifications.contains_key(*id))
            .collect();
        assert!(
            reminded_overdue.is_empty(),
            "reminded although overdue when written: {reminded_overdue:?}"
        );
        let audited_all = tasks.iter().all(|id| audits.contains_key(id));
        let notified_all = remindable.iter().all(|id| notifications.contains_key(id));
        if audited_all && notified_all {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "after 120 s: {} of {} tasks audited, {} of {} remindable tasks notified",
            tasks.iter().filter(|id| audits.contains_key(*id)).count(),
            tasks.len(),
            remindable
                .iter()
                .filter(|id| notifications.contains_key(*id))
                .count(),
            remindable.len(),
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

#[tokio::test]
async fn kill_9_under_write_load_loses_nothing_acknowledged_and_doubles_nothing() {
    let data_dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database_url(&data_dir).await;
    let token = {
        let server =
            ServerProcess::start_with(&database_url, data_dir.path(), QUIET, Stdio::inherit())
                .await;
        register(&server.base).await
    };
    let mut acknowledged = HashSet::new();
    // Kill moments spread over the first seconds of each life, the same every run.
    for round in 0..10u64 {
        let server =
            ServerProcess::start_with(&database_url, data_dir.path(), QUIET, Stdio::inherit())
                .await;
        let load = WriteLoad::start(&server.base, &token, 8);
        tokio::time::sleep(Duration::from_millis(300 + (round * 397) % 1500)).await;
        // SIGKILL: no chance to finish anything.
        server.signal("-KILL");
        acknowledged.extend(load.finish().await);
        drop(server);
    }
    assert!(
        acknowledged.len() > 50,
        "too few writes got through: {}",
        acknowledged.len()
    );
    let server =
        ServerProcess::start_with(&database_url, data_dir.path(), QUIET, Stdio::inherit()).await;
    // Every reminder is due by now or within seconds.
    assert_nothing_lost_or_doubled(&server.base, &token, &acknowledged).await;
}

#[tokio::test]
async fn sigterm_under_load_finishes_requests_closes_websockets_and_exits_in_time() {
    let data_dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database_url(&data_dir).await;
    let mut server = ServerProcess::start_with(
        &database_url,
        data_dir.path(),
        // The stop proper, without the drain before it (process::the_drain_*).
        &[
            ("TODO_SHUTDOWN_GRACE_SECONDS", "10"),
            ("TODO_SHUTDOWN_DRAIN_SECONDS", "0"),
            ("RUST_LOG", "error"),
        ],
        Stdio::inherit(),
    )
    .await;
    let token = register(&server.base).await;
    let mut sockets = Vec::new();
    for _ in 0..5 {
        let mut socket = open_socket(&server.base).await.unwrap();
        send(
            &mut socket,
            json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } }),
        )
        .await;
        assert_eq!(
            receive(&mut socket, Duration::from_secs(5)).await.unwrap()["type"],
            "connection_ack"
        );
        send(
            &mut socket,
            json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { notifications { id } }" } }),
        )
        .await;
        sockets.push(socket);
    }

    // A probe on fresh connections: once the listener closes, its connects are refused
    // (fine); a request the server took must be answered in full.
    let failures = Arc::new(Mutex::new(Vec::<String>::new()));
    let load = WriteLoad::start(&server.base, &token, 8);
    let probe = {
        let (base, token, failures) = (server.base.clone(), token.clone(), failures.clone());
        tokio::spawn(async move {
            let client = reqwest::Client::builder()
                .pool_max_idle_per_host(0)
                .build()
                .unwrap();
            for i in 0..100_000 {
                let sent = client
                    .post(format!("{base}/graphql"))
                    .bearer_auth(&token)
                    .json(&json!({ "query": CREATE, "variables": { "input": { "title": format!("probe {i}") } } }))
                    .send()
                    .await;
                match sent {
                    Ok(response) if response.status() == 200 => {
                        if let Err(error) = response.bytes().await {
                            failures.lock().unwrap().push(format!("body cut: {error}"));
                        }
                    }
                    Ok(response) => failures
                        .lock()
                        .unwrap()
                        .push(format!("status {}", response.status())),
                    // Refused, or closed before the server read the request: the
                    // server has stopped taking requests.
                    Err(error) if error.is_connect() || error.is_request() => return,
                    Err(error) => failures.lock().unwrap().push(error.to_string()),
                }
            }
        })
    };
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(load.count() > 0, "the load never got going");

    let signalled = std::time::Instant::now();
    server.signal("-TERM");
    for socket in &mut sockets {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        let code = loop {
            match tokio::time::timeout_at(deadline, socket.next()).await {
                Ok(Some(Ok(Message::Close(Some(frame))))) => break u16::from(frame.code),
                Ok(Some(Ok(_))) => continue,
                other => panic!("no close frame: {other:?}"),
            }
        };
        assert_eq!(code, 1001);
    }
    let exit = tokio::task::spawn_blocking(move || {
        let status = server.child.wait();
        (status, server)
    });
    let (status, _server) = tokio::time::timeout(Duration::from_secs(20), exit)
        .await
        .expect("no exit after SIGTERM")
        .unwrap();
    assert!(status.unwrap().success(), "an unclean exit");
    let took = signalled.elapsed();
    assert!(took < Duration::from_secs(10), "exited after {took:?}");
    probe.await.unwrap();
    load.finish().await;
    let failures = failures.lock().unwrap();
    assert!(failures.is_empty(), "requests cut short: {failures:?}");
}

/// A PostgreSQL server of this test's own, so it can be stopped and started.
struct PrivatePostgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
}

impl PrivatePostgres {
    fn bin_dir() -> Option<PathBuf> {
        let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|entry| entry.ok().map(|e| e.path().join("bin")))
            .filter(|bin| bin.join("initdb").exists())
            .collect();
        versions.sort();
        versions.pop()
    }

    /// As root, the server runs as the `postgres` user (it refuses to run as root).
    fn run(&self, program: &str, args: &[&str]) -> std::process::ExitStatus {
        let path = self.bin.join(program);
        Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(path)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap()
    }

    fn create() -> Option<Self> {
        let bin = Self::bin_dir()?;
        let dir = tempfile::Builder::new()
            .prefix("todo-private-pg")
            .tempdir_in("/tmp")
            .ok()?;
        let chown = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(dir.path())
            .status()
            .ok()?;
        if !chown.success() {
            return None;
        }
        let server = Self {
            dir,
            bin,
            port: free_port(),
        };
        let data = server.data();
        let initialised = server.run(
            "initdb",
            &["-D", &data, "-A", "trust", "-U", "postgres", "--no-sync"],
        );
        initialised.success().then_some(server)
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn start(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("log").display().to_string();
        let started = self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data(),
                "-o",
                &options,
                "-l",
                &log,
                "-w",
                "start",
            ],
        );
        assert!(started.success(), "the private PostgreSQL did not start");
    }

    fn stop(&self) {
        let stopped = self.run("pg_ctl", &["-D", &self.data(), "-m", "fast", "-w", "stop"]);
        assert!(stopped.success(), "the private PostgreSQL did not stop");
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        self.run("pg_ctl", &["-D", &self.data(), "-m", "immediate", "stop"]);
    }
}

async fn readiness(base: &str) -> Option<u16> {
    let response = reqwest::Client::new()
        .get(format!("{base}/readyz"))
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .ok()?;
    Some(response.status().as_u16())
}

#[tokio::test]
#[ignore = "needs PostgreSQL (TEST_DATABASE_URL)"]
async fn a_postgres_restart_under_load_is_survived_without_losing_acknowledged_writes() {
    assert_postgres();
    let Some(postgres) = PrivatePostgres::create() else {
        panic!("the PostgreSQL run needs initdb and runuser to start a private server");
    };
    postgres.start();
    let data_dir = tempfile::tempdir().unwrap();
    let server =
        ServerProcess::start_with(&postgres.url(), data_dir.path(), QUIET, Stdio::inherit()).await;
    let token = register(&server.base).await;

    let load = WriteLoad::start(&server.base, &token, 8);
    tokio::time::sleep(Duration::from_secs(1)).await;
    postgres.stop();
    eventually(Duration::from_secs(15), || async {
        (readiness(&server.base).await == Some(503)).then_some(())
    })
    .await;
    let during_outage = load.count();
    tokio::time::sleep(Duration::from_secs(3)).await;
    postgres.start();
    // It recovers by itself: ready again, and writes go through again.
    server.wait_ready(Duration::from_secs(30)).await;
    eventually(Duration::from_secs(30), || async {
        (load.count() > during_outage + 20).then_some(())
    })
    .await;
    let acknowledged = load.finish().await;
    assert_nothing_lost_or_doubled(&server.base, &token, &acknowledged).await;
}

/// The pools release a PostgreSQL connection without sqlx's ping when its last exchange
/// finished (vendor/README.md). A connection whose server ended it mid-request, or whose
/// request was dropped mid-exchange, must still be settled or replaced before anyone
/// else gets it: with one connection in the pool, the next request gets a sound one and
/// its own answer.
#[tokio::test]
#[ignore = "needs PostgreSQL (TEST_DATABASE_URL)"]
async fn a_postgres_connection_left_broken_or_mid_exchange_is_not_lent_as_it_is() {
    use sea_orm::{ConnectionTrait as _, DbBackend, Statement};

    assert_postgres();
    let data_dir = tempfile::tempdir().unwrap();
    let db = api::store::Db::connect_with(&fresh_database_url(&data_dir).await, Some(1))
        .await
        .unwrap();
    let statement = |sql: &str| Statement::from_string(DbBackend::Postgres, sql);
    let answer = |n: i32| {
        let db = db.clone();
        async move {
            let row = db
                .reader()
                .query_one_raw(statement(&format!("SELECT {n}::int4")))
                .await
                .expect("the next request gets a sound connection")
                .expect("SELECT gives a row");
            row.try_get_by_index::<i32>(0).unwrap()
        }
    };
    for round in 0..3_i32 {
        let ended = db
            .reader()
            .execute_raw(statement("SELECT pg_terminate_backend(pg_backend_pid())"))
            .await;
        assert!(
            ended.is_err(),
            "round {round}: the server ended the request's connection"
        );
        assert_eq!(answer(round).await, round);

        let abandoned = tokio::time::timeout(
            Duration::from_millis(50),
            db.reader().execute_raw(statement("SELECT pg_sleep(0.5)")),
        )
        .await;
        assert!(
            abandoned.is_err(),
            "round {round}: the request was dropped mid-exchange"
        );
        assert_eq!(answer(100 + round).await, 100 + round);
    }
}
