//! Reminder latency, sweep cost and subscriber memory, printed as numbers.
//!
//! `cargo bench -p api --bench reminders` runs the real `todo-api` binary on SQLite in a
//! temporary directory; with `BENCH_DATABASE_URL=postgres://...` (an empty database) it
//! runs on PostgreSQL and also measures a sweep over 1,000,000 tasks.
//!
//! 1. Latency from a reminder's time to the message on an open websocket: 10,000
//!    reminders due over one minute, 1,000 subscribers (100 users with 10 each).
//! 2. Memory per idle websocket subscriber: the server's RSS before and after 1,000
//!    more idle subscriptions.
//! 3. (PostgreSQL) one sweep with 1,000,000 tasks in the table, 1,000 of them due.

mod support;

use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use chrono::{DateTime, Utc};
use futures_util::{SinkExt as _, StreamExt as _};
use sea_orm::ConnectionTrait as _;
use serde_json::{Value, json};
use tokio::task::JoinSet;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::{Message, http::HeaderValue};

use support::{Server, graphql, register, start_server};

const USERS: usize = 100;
const SUBSCRIBERS_PER_USER: usize = 10;
const REMINDERS: usize = 10_000;
const SPREAD: Duration = Duration::from_secs(60);
const LEAD_IN: Duration = Duration::from_secs(15);
const SWEEP_TABLE_ROWS: i64 = 1_000_000;
const SWEEP_DUE_ROWS: i64 = 1_000;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let url = std::env::var("BENCH_DATABASE_URL").unwrap_or_else(|_| {
        format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("bench.db").display()
        )
    });
    let postgres = url.starts_with("postgres");
    println!("backend: {}", if postgres { "postgres" } else { "sqlite" });

    let server = start_server(&url, dir.path(), &[]).await?;
    let client = reqwest::Client::new();
    let mut tokens = Vec::with_capacity(USERS);
    for i in 0..USERS {
        tokens.push(register(&client, &server.base, i).await?);
    }

    memory_per_subscriber(&server, &tokens[0]).await?;
    latency(&server, &client, &tokens).await?;
    drop(server);

    if postgres {
        sweep_cost(&url).await?;
    }
    Ok(())
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn subscribe(base: &str, token: &str) -> anyhow::Result<Socket> {
    let mut request =
        format!("{}/graphql/ws", base.replacen("http", "ws", 1)).into_client_request()?;
    request.headers_mut().insert(
        "sec-websocket-protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await?;
    socket
        .send(Message::text(json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } }).to_string()))
        .await?;
    match socket.next().await {
        Some(Ok(Message::Text(text))) if text.contains("connection_ack") => {}
        other => bail!("not acknowledged: {other:?}"),
    }
    socket
        .send(Message::text(
            json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { notifications { dueAt } }" } }).to_string(),
        ))
        .await?;
    Ok(socket)
}

fn rss_kib(pid: u32) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .context("no VmRSS")
}

async fn memory_per_subscriber(server: &Server, token: &str) -> anyhow::Result<()> {
    const IDLE: usize = 1_000;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = rss_kib(server.child.id())?;
    let mut sockets = Vec::with_capacity(IDLE);
    for _ in 0..IDLE {
        sockets.push(subscribe(&server.base, token).await?);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = rss_kib(server.child.id())?;
    println!(
        "idle subscribers: {IDLE} add {:.1} MiB to the server's RSS = {:.1} KiB each",
        (after.saturating_sub(before)) as f64 / 1024.0,
        after.saturating_sub(before) as f64 / IDLE as f64
    );
    drop(sockets);
    Ok(())
}

async fn latency(
    server: &Server,
    client: &reqwest::Client,
    tokens: &[String],
) -> anyhow::Result<()> {
    let per_user = REMINDERS / tokens.len();
    let expected_messages = REMINDERS * SUBSCRIBERS_PER_USER;
    let mut listeners = JoinSet::new();
    for token in tokens {
        for _ in 0..SUBSCRIBERS_PER_USER {
            let mut socket = subscribe(&server.base, token).await?;
            listeners.spawn(async move {
                let mut delays = Vec::with_capacity(per_user);
                while delays.len() < per_user {
                    let Ok(Some(Ok(message))) =
                        tokio::time::timeout(SPREAD + LEAD_IN * 2, socket.next()).await
                    else {
                        break;
                    };
                    let Message::Text(text) = message else {
                        continue;
                    };
                    let received = Utc::now();
                    let Ok(value) = serde_json::from_str::<Value>(&text) else {
                        continue;
                    };
                    if let Some(due) = value["payload"]["data"]["notifications"]["dueAt"].as_str()
                        && let Ok(due) = DateTime::parse_from_rfc3339(due)
                    {
                        delays.push(
                            (received - due.with_timezone(&Utc))
                                .num_microseconds()
                                .unwrap_or(i64::MAX),
                        );
                    }
                }
                delays
            });
        }
    }

    // Due dates spread evenly over a minute, starting a little ahead; lead 0, so each
    // reminder is due at its due date.
    let start = Utc::now() + chrono::Duration::from_std(LEAD_IN)?;
    let step = SPREAD.as_micros() as i64 / REMINDERS as i64;
    let created = Instant::now();
    let mut creations = JoinSet::new();
    for (i, chunk) in (0..REMINDERS)
        .collect::<Vec<_>>()
        .chunks(REMINDERS / 16)
        .enumerate()
    {
        let client = client.clone();
        let base = server.base.clone();
        let tokens = tokens.to_vec();
        let chunk = chunk.to_vec();
        creations.spawn(async move {
            for n in chunk {
                let due = start + chrono::Duration::microseconds(step * n as i64);
                graphql(
                    &client,
                    &base,
                    Some(&tokens[n % tokens.len()]),
                    "mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }",
                    json!({ "input": { "title": format!("reminder {n}"), "dueAt": due.to_rfc3339(), "remindBeforeMinutes": 0 } }),
                )
                .await?;
            }
            anyhow::Ok(i)
        });
    }
    while let Some(result) = creations.join_next().await {
        result??;
    }
    let creating = created.elapsed();
    if creating > LEAD_IN {
        println!(
            "warning: creating the tasks took {creating:?}, longer than the lead-in; early reminders fire late"
        );
    }

    let mut delays = Vec::with_capacity(expected_messages);
    while let Some(result) = listeners.join_next().await {
        delays.extend(result?);
    }
    delays.sort_unstable();
    let at = |q: f64| {
        delays
            .get(((delays.len().max(1) - 1) as f64 * q) as usize)
            .copied()
            .unwrap_or(0) as f64
            / 1000.0
    };
    println!(
        "reminder -> websocket: {} of {expected_messages} messages ({REMINDERS} reminders over {}s, {} subscribers); \
         latency p50 {:.1} ms  p99 {:.1} ms  max {:.1} ms",
        delays.len(),
        SPREAD.as_secs(),
        tokens.len() * SUBSCRIBERS_PER_USER,
        at(0.5),
        at(0.99),
        at(1.0),
    );
    Ok(())
}

/// One sweep over a table of 1,000,000 tasks, 1,000 of them due.
async fn sweep_cost(url: &str) -> anyhow::Result<()> {
    use api::store::Db;
    let db = Db::connect(url).await?;
    let user: (uuid::Uuid,) = sea_orm::sqlx::query_as("SELECT id FROM users LIMIT 1")
        .fetch_one(db.writer().get_postgres_connection_pool())
        .await?;
    let filled = Instant::now();
    db.writer()
        .execute_unprepared(&format!(
            "INSERT INTO tasks (id, user_id, title, time_zone, occurrence_number, completed, created_at, updated_at, due_at, remind_at)
             SELECT gen_random_uuid(), '{user}', 'filler ' || n, 'UTC', 1, false, now(), now(),
                    now() + interval '1 day' + n * interval '1 second',
                    CASE WHEN n <= {SWEEP_DUE_ROWS} THEN now() - interval '1 second'
                         ELSE now() + interval '1 day' + n * interval '1 second' END
             FROM generate_series(1, {SWEEP_TABLE_ROWS}) AS n",
            user = user.0
        ))
        .await?;
    db.writer().execute_unprepared("ANALYZE tasks").await?;
    println!(
        "filled {SWEEP_TABLE_ROWS} tasks in {:.1} s",
        filled.elapsed().as_secs_f64()
    );

    let services = api::service::Services::new(
        db.clone(),
        api::service::AuthConfig {
            jwt_secret: vec![7; 32].into(),
            session_ttl: Duration::from_secs(60),
            refresh_ttl: Duration::from_secs(60),
        },
        api::service::Retention {
            audit: chrono::Duration::days(90),
            notifications: chrono::Duration::days(30),
        },
        api::service::Channels {
            vapid_public_key: api::delivery::push::VapidKey::generate()
                .public_key()
                .to_owned(),
            endpoint_policy: api::domain::push::EndpointPolicy::default(),
            email_available: false,
            delivery_lease: chrono::Duration::minutes(1),
            public_url: "http://127.0.0.1:8080".to_owned(),
        },
        api::service::OAuthSettings {
            issuer: "http://127.0.0.1:8080".to_owned(),
            resource: "http://127.0.0.1:8081/mcp".to_owned(),
        },
    );
    let idle = Instant::now();
    let next = services.reminders.next_due().await?;
    let next_due_took = idle.elapsed();
    let swept = Instant::now();
    let sent = services.reminders.sweep(Utc::now()).await?;
    let sweep_took = swept.elapsed();
    let again = Instant::now();
    let none = services.reminders.sweep(Utc::now()).await?;
    let empty_took = again.elapsed();
    println!(
        "sweep over {SWEEP_TABLE_ROWS} tasks: {sent} due reminders claimed and emitted in {:.1} ms; \
         an empty sweep {:.2} ms ({none} claimed); finding the next reminder {:.2} ms (next: {})",
        sweep_took.as_secs_f64() * 1000.0,
        empty_took.as_secs_f64() * 1000.0,
        next_due_took.as_secs_f64() * 1000.0,
        next.map_or("none".to_owned(), |n| n.to_rfc3339()),
    );
    Ok(())
}
