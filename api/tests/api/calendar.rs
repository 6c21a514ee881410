//! All-day dates and the calendar feed: tasks due on a date without a time, and the
//! iCalendar feed calendar apps subscribe to, read back by an independent parser and
//! recurrence expander (Python's `icalendar` and `recurring-ical-events`).

use std::process::Stdio;

use chrono::{Days, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt as _;

use crate::helpers::{TestApp, error_code, error_field, spawn_app};
use crate::receivers::venv;

const BERLIN_AT_7_30: &str = "mutation { updatePreferences(input: \
    { timeZone: \"Europe/Berlin\", allDayReminderTime: \"07:30\" }) { allDayReminderTime } }";

#[tokio::test]
async fn an_all_day_task_is_due_on_its_date_and_reminded_at_the_all_day_time() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let prefs = app.ok(Some(&token), BERLIN_AT_7_30, json!({})).await;
    assert_eq!(prefs["updatePreferences"]["allDayReminderTime"], "07:30");

    // Any time of the day stands for the day.
    let task = app
        .create_task(
            &token,
            json!({ "title": "Renew passport", "dueAt": "2030-03-17T15:42:00+01:00", "allDay": true }),
        )
        .await;
    assert_eq!(task["allDay"], true);
    assert_eq!(task["dueAt"], "2030-03-16T23:00:00Z", "midnight in Berlin");
    assert_eq!(task["timeZone"], "Europe/Berlin");
    assert_eq!(task["nextReminderAt"], "2030-03-17T06:30:00Z");

    // A lead time counts in whole days: two days and a bit is two days.
    let early = app
        .create_task(
            &token,
            json!({ "title": "Book train", "dueAt": "2030-03-17T00:00:00+01:00",
                    "allDay": true, "remindBeforeMinutes": 2 * 1440 + 90 }),
        )
        .await;
    assert_eq!(early["nextReminderAt"], "2030-03-15T06:30:00Z");

    // Timed again: the date's midnight stays, the reminder follows the lead time.
    let timed = app
        .ok(
            Some(&token),
            "mutation($id: ID!) { updateTask(id: $id, input: { allDay: false }) \
             { allDay dueAt nextReminderAt } }",
            json!({ "id": task["id"] }),
        )
        .await;
    assert_eq!(
        timed["updateTask"],
        json!({ "allDay": false, "dueAt": "2030-03-16T23:00:00Z",
                "nextReminderAt": "2030-03-16T22:45:00Z" })
    );
    // Without a date there is no all day.
    let cleared = app
        .ok(
            Some(&token),
            "mutation($id: ID!) { updateTask(id: $id, input: { dueAt: null }) { allDay dueAt } }",
            json!({ "id": early["id"] }),
        )
        .await;
    assert_eq!(
        cleared["updateTask"],
        json!({ "allDay": false, "dueAt": null })
    );
    let refused = app
        .graphql(
            Some(&token),
            "mutation { createTask(input: { title: \"No date\", allDay: true }) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&refused), "BAD_USER_INPUT");
    assert_eq!(error_field(&refused), "input.allDay");
    assert_eq!(
        app.task_count(&token).await,
        2,
        "the refused task was not made"
    );
}

#[tokio::test]
async fn an_all_day_task_is_overdue_from_the_next_day_and_its_series_recurs_by_date() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    app.ok(Some(&token), BERLIN_AT_7_30, json!({})).await;
    let today = Utc::now()
        .with_timezone(&chrono_tz::Europe::Berlin)
        .date_naive();
    let noon = |day: chrono::NaiveDate| format!("{day}T12:00:00+01:00");
    let due_today = app
        .create_task(
            &token,
            json!({ "title": "Today", "dueAt": noon(today), "allDay": true,
                    "recurrence": { "preset": "DAILY" } }),
        )
        .await;
    let two_days_ago = today.checked_sub_days(Days::new(2)).unwrap();
    app.create_task(
        &token,
        json!({ "title": "Two days ago", "dueAt": noon(two_days_ago), "allDay": true }),
    )
    .await;
    let overdue = app
        .ok(
            Some(&token),
            "{ tasks(filter: { overdue: true }) { edges { node { title } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        overdue["tasks"]["edges"],
        json!([{ "node": { "title": "Two days ago" } }]),
        "due today is not overdue yet"
    );

    let done = app
        .complete_task(&token, due_today["id"].as_str().unwrap())
        .await;
    let next = &done["nextOccurrence"];
    assert_eq!(next["allDay"], true);
    let tomorrow = today.checked_add_days(Days::new(1)).unwrap();
    let midnight = tomorrow
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_local_timezone(chrono_tz::Europe::Berlin)
        .unwrap()
        .with_timezone(&Utc);
    assert_eq!(
        next["dueAt"],
        midnight.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        "the next date, at its midnight"
    );
}

/// What the independent reader makes of `ics` between two dates.
async fn read_feed(ics: &str, from: &str, to: &str) -> Value {
    let python = venv().await.join("bin/python");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/calendar/expand.py");
    let mut child = tokio::process::Command::new(python)
        .args([script, from, to])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(ics.as_bytes()).await.unwrap();
    drop(stdin);
    let output = child.wait_with_output().await.unwrap();
    assert!(
        output.status.success(),
        "expand.py failed: {}\n{ics}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

async fn feed_url(app: &TestApp, token: &str) -> String {
    let data = app
        .ok(Some(token), "{ calendarFeed { url } }", json!({}))
        .await;
    data["calendarFeed"]["url"].as_str().unwrap().to_owned()
}

/// The feed's path on the test server (its URL names the configured public address).
fn on_app(app: &TestApp, url: &str) -> String {
    let path = &url[url.find("/calendar/").expect("a feed path")..];
    app.url(path)
}

async fn preview(app: &TestApp, token: &str, input: Value, count: i32) -> Vec<Value> {
    let data = app
        .ok(
            Some(token),
            "query($input: RecurrencePreviewInput!, $count: Int) { \
             recurrencePreview(input: $input, count: $count) { dates } }",
            json!({ "input": input, "count": count }),
        )
        .await;
    data["recurrencePreview"]["dates"]
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn the_feed_expands_under_an_independent_reader_to_the_dates_the_service_uses() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    app.ok(Some(&token), BERLIN_AT_7_30, json!({})).await;
    // Month ends, a DST change on each side of the series and an all-day series.
    let series = [
        json!({ "title": "Rent", "dueAt": "2030-01-31T09:00:00+01:00",
                "recurrence": { "preset": "MONTHLY" } }),
        json!({ "title": "Standup", "dueAt": "2030-03-25T09:00:00+01:00",
                "recurrence": { "preset": "WEEKDAYS" } }),
        json!({ "title": "Call New York", "dueAt": "2030-10-24T08:30:00-04:00",
                "timeZone": "America/New_York", "recurrence": { "rrule": "FREQ=WEEKLY;COUNT=4" } }),
        json!({ "title": "Water plants", "dueAt": "2030-02-26T00:00:00+01:00", "allDay": true,
                "recurrence": { "rrule": "FREQ=DAILY;INTERVAL=2" } }),
    ];
    let mut expected = Vec::new();
    for input in &series {
        let task = app.create_task(&token, input.clone()).await;
        let mut wanted = json!({});
        for key in ["dueAt", "timeZone", "recurrence", "allDay"] {
            if let Some(value) = input.get(key) {
                wanted[key] = value.clone();
            }
        }
        let dates = preview(&app, &token, wanted, 6).await;
        expected.push((task, dates));
    }
    let url = feed_url(&app, &token).await;
    assert_eq!(
        feed_url(&app, &token).await,
        url,
        "one feed, the same URL each time"
    );
    let response = reqwest::get(on_app(&app, &url)).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/calendar; charset=utf-8"
    );
    let ics = response.text().await.unwrap();
    let read = read_feed(&ics, "2030-01-01", "2030-12-31").await;
    let mut zones: Vec<&str> = read["zones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|z| z.as_str().unwrap())
        .collect();
    zones.sort_unstable();
    assert_eq!(zones, ["America/New_York", "Europe/Berlin"]);
    for (task, dates) in expected {
        let id = task["id"].as_str().unwrap();
        let starts: Vec<Value> = read["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|event| {
                event["url"]
                    .as_str()
                    .unwrap()
                    .ends_with(&format!("/tasks/{id}"))
            })
            .map(|event| event["start"].clone())
            .take(dates.len())
            .collect();
        let wanted: Vec<Value> = if task["allDay"] == true {
            // All-day instances are dates: the local date of each midnight.
            dates
                .iter()
                .map(|date| {
                    let at: chrono::DateTime<Utc> = date.as_str().unwrap().parse().unwrap();
                    json!(
                        at.with_timezone(&chrono_tz::Europe::Berlin)
                            .date_naive()
                            .to_string()
                    )
                })
                .collect()
        } else {
            dates
        };
        assert_eq!(starts, wanted, "{}:\n{ics}", task["title"]);
    }
    assert!(
        ics.contains("RRULE:FREQ=MONTHLY;BYMONTHDAY=31,-1;BYSETPOS=1"),
        "{ics}"
    );
    assert!(ics.contains("DTSTART;VALUE=DATE:20300226"), "{ics}");
}

#[tokio::test]
async fn the_feed_answers_polls_with_304_until_a_task_changes_and_rotating_ends_the_old_url() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let task = app
        .create_task(
            &token,
            json!({ "title": "Dentist", "dueAt": "2030-05-02T10:00:00Z" }),
        )
        .await;
    app.create_task(&token, json!({ "title": "No date" })).await;
    let url = on_app(&app, &feed_url(&app, &token).await);
    let client = reqwest::Client::new();
    let first = client.get(&url).send().await.unwrap();
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let modified = first.headers()["last-modified"]
        .to_str()
        .unwrap()
        .to_owned();
    let body = first.text().await.unwrap();
    assert_eq!(
        body.matches("BEGIN:VEVENT").count(),
        1,
        "only dated tasks: {body}"
    );
    assert!(body.contains("SUMMARY:Dentist"), "{body}");

    let again = client
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let since = client
        .get(&url)
        .header("if-modified-since", &modified)
        .send()
        .await
        .unwrap();
    assert_eq!(since.status(), StatusCode::NOT_MODIFIED);

    app.complete_task(&token, task["id"].as_str().unwrap())
        .await;
    let changed = client
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(
        changed.status(),
        StatusCode::OK,
        "done tasks leave the feed"
    );
    assert_ne!(changed.headers()["etag"].to_str().unwrap(), etag);
    assert!(!changed.text().await.unwrap().contains("BEGIN:VEVENT"));

    let rotated = app
        .ok(
            Some(&token),
            "mutation { rotateCalendarFeed { url } }",
            json!({}),
        )
        .await;
    let new_url = on_app(&app, rotated["rotateCalendarFeed"]["url"].as_str().unwrap());
    assert_ne!(new_url, url);
    assert_eq!(
        client.get(&url).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        client.get(&new_url).send().await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        client
            .get(app.url("/calendar/not-a-feed.ics"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
}
