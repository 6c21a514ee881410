//! The Prometheus endpoint: served on its own listener, parsed with a real text-format
//! parser, and holding the series that the alerts and the dashboard rely on.
//!
//! The recorder is process-wide and other tests run alongside, so counts of shared
//! series are lower bounds; series unique to this test (its operation name) are exact.

use std::process::Stdio;
use std::time::Duration;

use chrono::Utc;
use prometheus_parse::{Sample, Scrape, Value as Metric};
use serde_json::json;

use crate::helpers::{
    TestApp, eventually, free_port, fresh_database_url, spawn_app, spawn_app_with_metrics,
};
use crate::live::Subscriber;
use crate::server_process::ServerProcess;

async fn scrape(app: &TestApp) -> Scrape {
    scrape_at(app.metrics_address.as_deref().unwrap()).await
}

/// `/metrics` of the listener at `http://host:port`, parsed.
async fn scrape_at(metrics_address: &str) -> Scrape {
    let url = format!("{metrics_address}/metrics");
    let response = reqwest::get(url).await.unwrap();
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    let text = response.text().await.unwrap();
    Scrape::parse(text.lines().map(|line| Ok(line.to_owned()))).unwrap()
}

fn find<'a>(scrape: &'a Scrape, name: &str, labels: &[(&str, &str)]) -> Vec<&'a Sample> {
    scrape
        .samples
        .iter()
        .filter(|s| s.metric == name)
        .filter(|s| labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
        .collect()
}

fn value(scrape: &Scrape, name: &str, labels: &[(&str, &str)]) -> f64 {
    let samples = find(scrape, name, labels);
    assert_eq!(samples.len(), 1, "{name}{labels:?}: {samples:#?}");
    match &samples[0].value {
        Metric::Counter(v) | Metric::Gauge(v) | Metric::Untyped(v) => *v,
        other => panic!("{name} is not a scalar: {other:?}"),
    }
}

/// Observations in a histogram series (its +Inf bucket) and how many were <= `le`.
fn histogram(scrape: &Scrape, name: &str, labels: &[(&str, &str)], le: f64) -> (f64, f64) {
    let samples = find(scrape, name, labels);
    assert_eq!(samples.len(), 1, "{name}{labels:?}: {samples:#?}");
    let Metric::Histogram(buckets) = &samples[0].value else {
        panic!("{name} is not a histogram: {:?}", samples[0].value);
    };
    let total = buckets
        .iter()
        .find(|b| b.less_than.is_infinite())
        .map_or(0.0, |b| b.count);
    let within = buckets
        .iter()
        .find(|b| (b.less_than - le).abs() < 1e-9)
        .map_or_else(|| panic!("{name} has no bucket {le}"), |b| b.count);
    (total, within)
}

#[tokio::test]
async fn metrics_are_served_on_their_own_listener_and_parse() {
    let app = spawn_app_with_metrics().await;
    let token = app.register("metrics@example.com").await;

    for _ in 0..3 {
        app.ok(Some(&token), "query MetricsProbe { me { id } }", json!({}))
            .await;
    }
    let unauthenticated = app
        .graphql(
            None,
            "query MetricsAnon { tasks { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        unauthenticated["errors"][0]["extensions"]["code"],
        "UNAUTHENTICATED"
    );
    let bad = app
        .graphql(Some(&token), "{ nosuchfield }", json!({}))
        .await;
    assert!(bad["errors"].is_array());
    let missing = app
        .client
        .get(app.url("/no/such/page"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    // Metrics never leak onto the public listener.
    let public = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(public.status(), 404);

    // Due in five minutes, inside the 15-minute lead: reminded at once.
    let due = (Utc::now() + chrono::Duration::minutes(5)).to_rfc3339();
    app.create_task(&token, json!({ "title": "Metrics reminder", "dueAt": due }))
        .await;
    eventually(Duration::from_secs(10), || async {
        let data = app
            .ok(Some(&token), "{ unreadNotificationCount }", json!({}))
            .await;
        (data["unreadNotificationCount"] == 1).then_some(())
    })
    .await;

    let bearer = format!("Bearer {token}");
    let subscriber = Subscriber::connect(&app.address, Some(&bearer))
        .await
        .unwrap();
    let scraped = scrape(&app).await;

    assert_eq!(
        value(
            &scraped,
            "todo_graphql_operations_total",
            &[("operation", "MetricsProbe"), ("type", "query")]
        ),
        3.0
    );
    assert_eq!(
        value(
            &scraped,
            "todo_graphql_operations_total",
            &[("operation", "MetricsAnon"), ("type", "query")]
        ),
        1.0
    );
    assert!(
        value(
            &scraped,
            "todo_graphql_errors_total",
            &[("code", "UNAUTHENTICATED")]
        ) >= 1.0
    );
    assert!(
        value(
            &scraped,
            "todo_graphql_errors_total",
            &[("code", "GRAPHQL_VALIDATION_FAILED")]
        ) >= 1.0
    );

    let graphql_ok = [("method", "POST"), ("route", "/graphql"), ("status", "200")];
    assert!(value(&scraped, "todo_http_requests_total", &graphql_ok) >= 7.0);
    assert!(
        value(
            &scraped,
            "todo_http_requests_total",
            &[("method", "GET"), ("route", "unmatched"), ("status", "404")]
        ) >= 2.0
    );
    // The raw path never becomes a label.
    assert!(
        find(
            &scraped,
            "todo_http_requests_total",
            &[("route", "/no/such/page")]
        )
        .is_empty()
    );
    let (requests, fast) = histogram(
        &scraped,
        "todo_http_request_duration_seconds",
        &[("method", "POST"), ("route", "/graphql")],
        10.0,
    );
    assert!(requests >= 7.0 && fast <= requests, "{requests} {fast}");

    assert!(value(&scraped, "todo_reminders_sent_total", &[]) >= 1.0);
    let (reminders, _) = histogram(&scraped, "todo_reminder_lag_seconds", &[], 60.0);
    assert!(reminders >= 1.0);
    assert!(value(&scraped, "todo_graphql_ws_connections", &[]) >= 1.0);

    assert!(value(&scraped, "todo_outbox_backlog_events", &[]) >= 0.0);
    assert!(value(&scraped, "todo_outbox_oldest_event_age_seconds", &[]) >= 0.0);
    let pool = if crate::helpers::postgres_url().is_some() {
        "postgres"
    } else {
        "sqlite_reader"
    };
    assert!(value(&scraped, "todo_db_pool_connections_max", &[("pool", pool)]) >= 1.0);
    assert!(
        value(
            &scraped,
            "todo_db_pool_connections_in_use",
            &[("pool", pool)]
        ) >= 0.0
    );
    assert!(value(&scraped, "todo_db_pool_waiting", &[("pool", pool)]) >= 0.0);
    // Described metrics carry their help text.
    assert!(scraped.docs.contains_key("todo_reminder_lag_seconds"));
    drop(subscriber);
}

/// In a process of its own, so no other test's events are counted.
#[tokio::test]
async fn a_fresh_server_exports_the_alerted_counters_at_zero() {
    let data_dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database_url(&data_dir).await;
    let metrics_listen = format!("127.0.0.1:{}", free_port());
    let _server = ServerProcess::start_with(
        &database_url,
        data_dir.path(),
        &[("TODO_METRICS_LISTEN", &metrics_listen)],
        Stdio::inherit(),
    )
    .await;
    let scraped = scrape_at(&format!("http://{metrics_listen}")).await;

    let mut expected: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("todo_reminders_sent_total", vec![]),
        ("todo_outbox_publish_failures_total", vec![]),
    ];
    for topic in ["todo.audit", "todo.reminders", "other"] {
        expected.push(("todo_event_consumer_retries_total", vec![("topic", topic)]));
        expected.push(("todo_event_consumer_drops_total", vec![("topic", topic)]));
    }
    assert!(api::graphql::code::ALL.contains(&"INTERNAL"));
    for code in api::graphql::code::ALL {
        expected.push(("todo_graphql_errors_total", vec![("code", code)]));
    }
    for method in ["GET", "POST"] {
        for status in ["500", "503"] {
            expected.push((
                "todo_http_requests_total",
                vec![
                    ("method", method),
                    ("route", "/graphql"),
                    ("status", status),
                ],
            ));
        }
    }
    for (name, labels) in expected {
        assert_eq!(value(&scraped, name, &labels), 0.0, "{name}{labels:?}");
    }
}

#[tokio::test]
async fn without_the_setting_there_is_no_metrics_listener() {
    let app = spawn_app().await;
    assert!(app.metrics_address.is_none());
    let response = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn the_outbox_backlog_counts_unpublished_rows_and_their_age() {
    let dir = tempfile::tempdir().unwrap();
    let db = api::store::Db::connect(&crate::helpers::fresh_database_url(&dir).await)
        .await
        .unwrap();
    db.migrate().await.unwrap();
    use api::store::outbox;
    assert_eq!(outbox::backlog(db.reader()).await.unwrap(), (0, None));
    let oldest = Utc::now() - chrono::Duration::minutes(7);
    for (minutes_ago, title) in [(7, "first"), (1, "second")] {
        let reminder = api::domain::event::ReminderDue {
            user_id: uuid::Uuid::now_v7(),
            task_id: uuid::Uuid::now_v7(),
            title: title.to_owned(),
            due_at: Utc::now(),
            all_day: false,
            remind_at: None,
            snoozed: false,
        };
        let at = Utc::now() - chrono::Duration::minutes(minutes_ago);
        let event = api::domain::event::CloudEvent::reminder(&reminder, at);
        outbox::append(db.writer(), "todo.reminders", &[event])
            .await
            .unwrap();
    }
    let (count, first) = outbox::backlog(db.reader()).await.unwrap();
    assert_eq!(count, 2);
    let first = first.unwrap();
    assert!(
        (first - oldest).num_seconds().abs() <= 1,
        "{first} vs {oldest}"
    );
    let pending = outbox::pending(db.reader(), 10).await.unwrap();
    let seqs: Vec<i64> = pending.iter().map(|row| row.seq).collect();
    outbox::mark_published(db.writer(), &seqs[..1], Utc::now())
        .await
        .unwrap();
    let (count, first) = outbox::backlog(db.reader()).await.unwrap();
    assert_eq!(count, 1);
    assert!(first.unwrap() > oldest + chrono::Duration::minutes(5));
}
