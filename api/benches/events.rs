//! Event throughput and outbox cost, printed as numbers.
//!
//! `cargo bench -p api --bench events` (SQLite in a temporary directory), or with
//! `BENCH_DATABASE_URL=postgres://...` against an empty PostgreSQL database.
//!
//! 1. The added latency of the outbox: the same task insert in a write transaction,
//!    without and with its outbox row.
//! 2. Events per second through the relay, the in-process bus and the audit consumer:
//!    N events are committed with the relay stopped, then the relay drains them.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use api::domain::event::{AuditAction, CloudEvent, Source, TaskChange, topic};
use api::domain::task::Task;
use api::events::{AuditConsumer, Dispatcher, InProcessBus, Relay};
use api::service::tasks::{NewTask, snapshot};
use api::service::{Actor, AuthConfig, Credential, Origin, Scope, Services};
use api::store::{self, Db};
use chrono::Utc;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

const LATENCY_SAMPLES: usize = 2_000;
const THROUGHPUT_EVENTS: usize = 5_000;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let url = std::env::var("BENCH_DATABASE_URL").unwrap_or_else(|_| {
        format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("bench.db").display()
        )
    });
    let backend = if url.starts_with("postgres") {
        "postgres"
    } else {
        "sqlite"
    };
    let db = Db::connect(&url).await?;
    db.migrate().await?;
    let services = Services::new(
        db.clone(),
        AuthConfig {
            jwt_secret: vec![7; 32].into(),
            session_ttl: Duration::from_secs(3600),
            refresh_ttl: Duration::from_secs(3600),
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
    let session = services
        .auth
        .register(api::service::auth::NewAccount {
            email: format!("bench-{}@example.com", Uuid::new_v4().simple()),
            password: "benchmark password".into(),
            display_name: "Bench".into(),
        })
        .await
        .context("register")?;
    let actor = Actor {
        user_id: session.user.id,
        scope: Scope::Write,
        credential: Credential::Session {
            expires_at: session.expires_at,
        },
        origin: Origin::default(),
    };

    println!("backend: {backend}");
    outbox_cost(&db, &actor).await?;
    relay_throughput(&db, &services, &actor).await?;
    Ok(())
}

fn sample_task(user_id: Uuid) -> Task {
    let now = Utc::now();
    Task {
        id: Uuid::now_v7(),
        user_id,
        // The account's Inbox has the account's id.
        project_id: user_id,
        title: "benchmark task".into(),
        time_zone: "UTC".into(),
        occurrence_number: 1,
        created_at: now,
        updated_at: now,
        ..Task::default()
    }
}

async fn outbox_cost(db: &Db, actor: &Actor) -> anyhow::Result<()> {
    let mut without = Vec::with_capacity(LATENCY_SAMPLES);
    let mut with = Vec::with_capacity(LATENCY_SAMPLES);
    for i in 0..LATENCY_SAMPLES * 2 {
        let with_outbox = i % 2 == 1;
        let started = Instant::now();
        let tx = db.begin_write().await?;
        let task = store::tasks::insert(&tx, sample_task(actor.user_id)).await?;
        if with_outbox {
            let change = TaskChange {
                user_id: actor.user_id,
                task_id: task.id,
                project_id: Some(task.project_id),
                action: AuditAction::Create,
                source: Source::Graphql,
                agent: None,
                request_id: None,
                before: None,
                after: Some(snapshot(&task, &[])),
            };
            store::outbox::append(
                &tx,
                topic::AUDIT,
                &[CloudEvent::task_change(&change, Utc::now(), None)],
            )
            .await?;
        }
        tx.commit().await?;
        let elapsed = started.elapsed();
        if with_outbox {
            with.push(elapsed)
        } else {
            without.push(elapsed)
        }
    }
    let (without_p50, without_p99) = percentiles(&mut without);
    let (with_p50, with_p99) = percentiles(&mut with);
    println!(
        "create transaction without outbox: p50 {:.3} ms  p99 {:.3} ms  ({LATENCY_SAMPLES} samples)",
        ms(without_p50),
        ms(without_p99)
    );
    println!(
        "create transaction with outbox:    p50 {:.3} ms  p99 {:.3} ms  (added p50 {:+.3} ms)",
        ms(with_p50),
        ms(with_p99),
        ms(with_p50) - ms(without_p50)
    );
    Ok(())
}

async fn relay_throughput(db: &Db, services: &Services, actor: &Actor) -> anyhow::Result<()> {
    // Drain what the first part left, so that only this part's events are timed.
    drain(db, services).await?;
    let before = services.audit.count(actor, &Default::default()).await?;
    let started = Instant::now();
    for i in 0..THROUGHPUT_EVENTS {
        services
            .tasks
            .create(
                actor,
                NewTask {
                    title: format!("event {i}"),
                    ..NewTask::default()
                },
            )
            .await?;
    }
    let committing = started.elapsed();
    let started = Instant::now();
    drain(db, services).await?;
    let relaying = started.elapsed();
    let recorded = services.audit.count(actor, &Default::default()).await? - before;
    anyhow::ensure!(
        recorded as usize == THROUGHPUT_EVENTS,
        "recorded {recorded} of {THROUGHPUT_EVENTS}"
    );
    println!(
        "createTask through the service (task + outbox): {:.0} per second",
        THROUGHPUT_EVENTS as f64 / committing.as_secs_f64()
    );
    println!(
        "outbox -> relay -> in-process bus -> audit entries: {THROUGHPUT_EVENTS} events in {:.2} s = {:.0} events per second",
        relaying.as_secs_f64(),
        THROUGHPUT_EVENTS as f64 / relaying.as_secs_f64()
    );
    Ok(())
}

/// Runs the relay until the outbox is empty.
async fn drain(db: &Db, services: &Services) -> anyhow::Result<()> {
    let dispatcher = Dispatcher::new(vec![Arc::new(AuditConsumer::new(services.audit.clone()))]);
    let relay = Relay::new(
        db.clone(),
        Arc::new(InProcessBus::new(dispatcher)),
        services.outbox_wakeup.clone(),
    );
    let stop = CancellationToken::new();
    let running = tokio::spawn(relay.run(stop.clone()));
    while !store::outbox::pending(db.reader(), 1).await?.is_empty() {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    stop.cancel();
    running.await?;
    Ok(())
}

fn percentiles(samples: &mut [Duration]) -> (Duration, Duration) {
    samples.sort_unstable();
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    (at(0.5), at(0.99))
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
