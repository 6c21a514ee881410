//! Reminders by Web Push at scale, printed as numbers: 1,000 users with two devices
//! each, every reminder due at the same instant (the worst burst), and the time from
//! each reminder's `remind_at` to its push reaching the push service.
//!
//! `cargo bench -p api --bench deliveries` runs the real `todo-api` binary on SQLite in
//! a temporary directory (`BENCH_DATABASE_URL=postgres://...`, an empty database, for
//! PostgreSQL). The push service is an HTTP endpoint in this process on the loopback
//! address that answers 201 and notes when each push arrived; it does not decrypt (the
//! API tests check the messages), so what is measured is the server's side: the sweep,
//! the relay, the delivery consumer, the claim, the encryption and the VAPID signature,
//! and the request.

mod support;

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use anyhow::{Context as _, bail};
use axum::routing::post;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use p256::elliptic_curve::sec1::ToEncodedPoint as _;
use serde_json::json;
use tokio::task::JoinSet;

use support::{graphql, register, start_server};

const USERS: usize = 1_000;
const DEVICES_PER_USER: usize = 2;
/// Registration, subscriptions and tasks are in place well before the reminders fire.
const LEAD_IN: Duration = Duration::from_secs(90);
const REGISTRATIONS_AT_ONCE: usize = 8;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let url = std::env::var("BENCH_DATABASE_URL").unwrap_or_else(|_| {
        format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("bench.db").display()
        )
    });
    println!(
        "backend: {}",
        if url.starts_with("postgres") {
            "postgres"
        } else {
            "sqlite"
        }
    );

    let arrivals: Arc<Mutex<Vec<DateTime<Utc>>>> = Arc::default();
    let sink = push_service(arrivals.clone()).await?;
    let server = start_server(
        &url,
        dir.path(),
        &[("TODO_PUSH_ALLOW_LOOPBACK_HTTP", "true")],
    )
    .await?;
    let base = server.base.clone();

    // One browser key pair serves every subscription: the server encrypts per message
    // anyway, with a fresh key of its own each time.
    let browser = p256::SecretKey::random(&mut p256::elliptic_curve::rand_core::OsRng);
    let p256dh = URL_SAFE_NO_PAD.encode(browser.public_key().to_encoded_point(false).as_bytes());
    let auth = URL_SAFE_NO_PAD.encode([7u8; 16]);
    let remind_at = Utc::now() + chrono::Duration::from_std(LEAD_IN)?;
    let due = remind_at + chrono::Duration::minutes(10);

    let client = reqwest::Client::new();
    let mut setup = JoinSet::new();
    for chunk in (0..USERS)
        .collect::<Vec<_>>()
        .chunks(USERS / REGISTRATIONS_AT_ONCE)
    {
        let (client, base, sink, p256dh, auth) = (
            client.clone(),
            base.clone(),
            sink.clone(),
            p256dh.clone(),
            auth.clone(),
        );
        let users = chunk.to_vec();
        setup.spawn(async move {
            for user in users {
                let token = register(&client, &base, user).await?;
                graphql(&client, &base, Some(&token),
                    "mutation { updatePreferences(input: { pushReminders: true }) { pushReminders } }", json!({})).await?;
                for device in 0..DEVICES_PER_USER {
                    graphql(&client, &base, Some(&token),
                        "mutation($input: PushSubscriptionInput!) { registerPushSubscription(input: $input) { id } }",
                        json!({ "input": { "endpoint": format!("{sink}/push/{user}/{device}"),
                                           "p256dh": p256dh, "auth": auth, "deviceName": format!("device {device}") } })).await?;
                }
                graphql(&client, &base, Some(&token),
                    "mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }",
                    json!({ "input": { "title": format!("Task of user {user}"), "dueAt": due.to_rfc3339(),
                                       "remindBeforeMinutes": 10 } })).await?;
            }
            anyhow::Ok(())
        });
    }
    while let Some(done) = setup.join_next().await {
        done??;
    }
    let ready = Utc::now();
    if ready >= remind_at {
        bail!("setting up took longer than the lead-in ({LEAD_IN:?}); raise LEAD_IN");
    }
    println!(
        "{USERS} users with {DEVICES_PER_USER} devices each ready {:.1} s before the reminders fire",
        (remind_at - ready).num_milliseconds() as f64 / 1000.0
    );

    let expected = USERS * DEVICES_PER_USER;
    let deadline = remind_at + chrono::Duration::minutes(5);
    loop {
        let count = arrivals
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len();
        if count >= expected {
            break;
        }
        if Utc::now() > deadline {
            bail!("only {count} of {expected} pushes arrived within 5 minutes");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut delays: Vec<i64> = arrivals
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .map(|at| (*at - remind_at).num_milliseconds())
        .collect();
    delays.sort_unstable();
    let at = |q: f64| delays[((delays.len() - 1) as f64 * q) as usize];
    println!(
        "remind_at -> push at the push service: {} pushes ({USERS} reminders x {DEVICES_PER_USER} devices, all due at once); \
         p50 {} ms  p90 {} ms  p99 {} ms  max {} ms",
        delays.len(),
        at(0.5),
        at(0.9),
        at(0.99),
        at(1.0),
    );
    drop(server);
    Ok(())
}

/// A push service on the loopback address that answers 201 Created and notes when each
/// push arrived; returns its base URL.
async fn push_service(arrivals: Arc<Mutex<Vec<DateTime<Utc>>>>) -> anyhow::Result<String> {
    let app = axum::Router::new().route(
        "/push/{user}/{device}",
        post(move || {
            let arrivals = arrivals.clone();
            async move {
                arrivals
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(Utc::now());
                axum::http::StatusCode::CREATED
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener
        .local_addr()
        .context("the push service's address")?;
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, app).await {
            eprintln!("the push service stopped: {error}");
        }
    });
    Ok(format!("http://{address}"))
}
