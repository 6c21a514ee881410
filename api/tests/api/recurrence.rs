use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Berlin;
use serde_json::{Value, json};

use crate::helpers::{TASK_FIELDS, TestApp, error_code, error_field, spawn_app};

fn instant(value: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(value.as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

fn berlin_local(value: &Value) -> String {
    instant(value)
        .with_timezone(&Berlin)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// Completes the task and each next occurrence `steps` times; returns the due dates.
async fn follow_series(app: &TestApp, token: &str, first: &Value, steps: usize) -> Vec<Value> {
    let mut dues = vec![first["dueAt"].clone()];
    let mut current = first.clone();
    for _ in 0..steps {
        let completion = app
            .complete_task(token, current["id"].as_str().unwrap())
            .await;
        let next = completion["nextOccurrence"].clone();
        if next.is_null() {
            break;
        }
        assert_eq!(next["parentTaskId"], current["id"]);
        assert_eq!(next["seriesId"], first["seriesId"]);
        dues.push(next["dueAt"].clone());
        current = next;
    }
    dues
}

#[tokio::test]
async fn monthly_on_the_31st_falls_on_month_ends_and_returns() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let task = app
        .create_task(
            &token,
            json!({ "title": "Pay rent", "dueAt": "2027-01-31T08:00:00Z", "timeZone": "Europe/Berlin", "recurrence": { "preset": "MONTHLY" } }),
        )
        .await;
    assert_eq!(task["recurrence"]["rrule"], "FREQ=MONTHLY");
    assert_eq!(
        task["recurrence"]["description"],
        "Monthly on the 31st (or the last day of shorter months)"
    );
    let dues: Vec<String> = follow_series(&app, &token, &task, 4)
        .await
        .iter()
        .map(berlin_local)
        .collect();
    assert_eq!(
        dues,
        [
            "2027-01-31 09:00",
            "2027-02-28 09:00",
            "2027-03-31 09:00",
            "2027-04-30 09:00",
            "2027-05-31 09:00"
        ]
    );
}

#[tokio::test]
async fn daily_keeps_local_time_across_dst_and_copies_the_task() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let task = app
        .create_task(
            &token,
            json!({
                "title": "Stand-up", "description": "daily sync", "priority": "HIGH", "category": "work",
                "dueAt": "2027-03-26T08:00:00Z", "timeZone": "Europe/Berlin", "remindBeforeMinutes": 5,
                "recurrence": { "preset": "DAILY" }
            }),
        )
        .await;
    let completion = app
        .complete_task(&token, task["id"].as_str().unwrap())
        .await;
    let next = &completion["nextOccurrence"];
    for field in [
        "title",
        "description",
        "priority",
        "category",
        "timeZone",
        "remindBeforeMinutes",
        "recurrence",
    ] {
        assert_eq!(next[field], task[field], "{field}");
    }
    assert_eq!(next["completed"], false);
    assert_eq!(next["occurrenceNumber"], 2);

    let dues = follow_series(&app, &token, next, 3).await;
    let local: Vec<String> = dues.iter().map(berlin_local).collect();
    assert_eq!(
        local,
        [
            "2027-03-27 09:00",
            "2027-03-28 09:00",
            "2027-03-29 09:00",
            "2027-03-30 09:00"
        ]
    );
    // 09:00 CET is 08:00 UTC, 09:00 CEST is 07:00 UTC.
    assert_eq!(dues[0], "2027-03-27T08:00:00Z");
    assert_eq!(dues[1], "2027-03-28T07:00:00Z");

    let autumn = app
        .create_task(&token, json!({ "title": "Autumn", "dueAt": "2027-10-30T07:00:00Z", "timeZone": "Europe/Berlin", "recurrence": { "preset": "DAILY" } }))
        .await;
    let local: Vec<String> = follow_series(&app, &token, &autumn, 2)
        .await
        .iter()
        .map(berlin_local)
        .collect();
    assert_eq!(
        local,
        ["2027-10-30 09:00", "2027-10-31 09:00", "2027-11-01 09:00"]
    );
}

#[tokio::test]
async fn from_due_date_skips_missed_instances() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let due = Utc::now() - Duration::days(5);
    let task = app
        .create_task(&token, json!({ "title": "Overdue", "dueAt": due.to_rfc3339(), "recurrence": { "preset": "DAILY" } }))
        .await;
    let completion = app
        .complete_task(&token, task["id"].as_str().unwrap())
        .await;
    let next = instant(&completion["nextOccurrence"]["dueAt"]);
    let completed_at = instant(&completion["task"]["completedAt"]);
    // The first instance after now: within a day of the completion, same time of day.
    assert!(
        next > completed_at && next <= completed_at + Duration::days(1),
        "{next}"
    );
    assert_eq!(next.time(), instant(&task["dueAt"]).time());
}

#[tokio::test]
async fn from_completion_restarts_at_the_usual_time() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let task = app
        .create_task(
            &token,
            json!({
                "title": "Water plants", "dueAt": "2026-01-06T09:00:00+01:00", "timeZone": "Europe/Berlin",
                "recurrence": { "rrule": "FREQ=DAILY;INTERVAL=3", "mode": "FROM_COMPLETION" }
            }),
        )
        .await;
    assert_eq!(task["recurrence"]["mode"], "FROM_COMPLETION");
    assert_eq!(task["recurrence"]["preset"], "CUSTOM");
    assert_eq!(task["recurrence"]["description"], "Every 3 days");
    let completion = app
        .complete_task(&token, task["id"].as_str().unwrap())
        .await;
    let completed_day = instant(&completion["task"]["completedAt"])
        .with_timezone(&Berlin)
        .date_naive();
    let expected = Berlin
        .from_local_datetime(
            &(completed_day + Duration::days(3))
                .and_time(NaiveTime::from_hms_opt(9, 0, 0).unwrap()),
        )
        .single()
        .unwrap()
        .with_timezone(&Utc);
    assert_eq!(instant(&completion["nextOccurrence"]["dueAt"]), expected);
}

#[tokio::test]
async fn count_and_until_end_a_series() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let task = app
        .create_task(&token, json!({ "title": "Three times", "dueAt": "2027-06-01T09:00:00Z", "recurrence": { "rrule": "FREQ=WEEKLY;COUNT=3" } }))
        .await;
    assert_eq!(
        task["recurrence"]["description"],
        "Weekly on Tuesday, 3 times"
    );
    let dues = follow_series(&app, &token, &task, 10).await;
    assert_eq!(
        dues,
        [
            json!("2027-06-01T09:00:00Z"),
            json!("2027-06-08T09:00:00Z"),
            json!("2027-06-15T09:00:00Z")
        ]
    );

    let yesterday = Utc::now() - Duration::days(1);
    let until = (Utc::now() - Duration::hours(1)).format("%Y%m%dT%H%M%SZ");
    let task = app
        .create_task(
            &token,
            json!({ "title": "Ended", "dueAt": yesterday.to_rfc3339(), "recurrence": { "rrule": format!("FREQ=DAILY;UNTIL={until}") } }),
        )
        .await;
    let completion = app
        .complete_task(&token, task["id"].as_str().unwrap())
        .await;
    assert_eq!(completion["task"]["completed"], true);
    assert_eq!(completion["nextOccurrence"], Value::Null);
}

#[tokio::test]
async fn completing_twice_or_after_uncompleting_creates_one_next_occurrence() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let task = app.create_task(&token, json!({ "title": "Weekly", "dueAt": "2027-01-04T09:00:00Z", "recurrence": { "preset": "WEEKLY" } })).await;
    let id = task["id"].as_str().unwrap();
    let first = app.complete_task(&token, id).await;
    let second = app.complete_task(&token, id).await;
    assert_eq!(
        first["nextOccurrence"]["id"],
        second["nextOccurrence"]["id"]
    );
    assert_eq!(first["task"]["completedAt"], second["task"]["completedAt"]);

    app.ok(
        Some(&token),
        "mutation($id: ID!) { uncompleteTask(id: $id) { id } }",
        json!({ "id": id }),
    )
    .await;
    // Uncompleting took back the untouched next occurrence; completing again creates
    // the same occurrence anew.
    let third = app.complete_task(&token, id).await;
    assert_eq!(
        third["nextOccurrence"]["dueAt"],
        first["nextOccurrence"]["dueAt"]
    );
    assert_eq!(app.task_count(&token).await, 2);
}

#[tokio::test]
async fn concurrent_completions_create_exactly_one_next_occurrence() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let task = app.create_task(&token, json!({ "title": "Race", "dueAt": "2027-01-04T09:00:00Z", "recurrence": { "preset": "DAILY" } })).await;
    let id = task["id"].as_str().unwrap().to_owned();
    let app = std::sync::Arc::new(app);
    let completions = futures_join_all((0..20).map(|_| {
        let app = app.clone();
        let token = token.clone();
        let id = id.clone();
        tokio::spawn(async move { app.complete_task(&token, &id).await })
    }))
    .await;
    let next_ids: std::collections::HashSet<String> = completions
        .iter()
        .map(|c| c["nextOccurrence"]["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(next_ids.len(), 1, "{next_ids:?}");
    assert_eq!(app.task_count(&token).await, 2);
}

async fn futures_join_all<T>(handles: impl Iterator<Item = tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut results = Vec::new();
    for handle in handles.collect::<Vec<_>>() {
        results.push(handle.await.unwrap());
    }
    results
}

#[tokio::test]
async fn removing_the_recurrence_makes_the_task_one_time() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let task = app.create_task(&token, json!({ "title": "Was daily", "dueAt": "2027-01-04T09:00:00Z", "recurrence": { "preset": "DAILY" } })).await;
    let updated = app
        .ok(Some(&token), "mutation($id: ID!) { updateTask(id: $id, input: { recurrence: null }) { recurrence { rrule } } }", json!({ "id": task["id"] }))
        .await;
    assert_eq!(updated["updateTask"]["recurrence"], Value::Null);
    let completion = app
        .complete_task(&token, task["id"].as_str().unwrap())
        .await;
    assert_eq!(completion["nextOccurrence"], Value::Null);
    assert_eq!(app.task_count(&token).await, 1);
}

#[tokio::test]
async fn custom_rules_and_descriptions() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    for (recurrence, rrule, preset, description) in [
        (
            json!({ "preset": "WEEKDAYS" }),
            "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
            "WEEKDAYS",
            "Every weekday",
        ),
        (
            json!({ "rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE" }),
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE",
            "CUSTOM",
            "Every 2 weeks on Monday and Wednesday",
        ),
        (
            json!({ "preset": "CUSTOM", "rrule": "RRULE:FREQ=MONTHLY;BYMONTHDAY=-1" }),
            "FREQ=MONTHLY;BYMONTHDAY=-1",
            "CUSTOM",
            "Monthly on the last day",
        ),
        (
            json!({ "rrule": "freq=monthly;byday=mo;bysetpos=2" }),
            "FREQ=MONTHLY;BYSETPOS=2;BYDAY=MO",
            "CUSTOM",
            "Monthly on the 2nd Monday",
        ),
    ] {
        let task = app
            .create_task(
                &token,
                json!({ "title": "r", "dueAt": "2027-02-01T09:00:00Z", "recurrence": recurrence }),
            )
            .await;
        assert_eq!(task["recurrence"]["rrule"], rrule);
        assert_eq!(task["recurrence"]["preset"], preset);
        assert_eq!(task["recurrence"]["description"], description);
        assert_eq!(task["recurrence"]["mode"], "FROM_DUE_DATE");
    }
    // The 2nd Monday of each month, from Feb 1 2027: Feb 8, then Mar 8.
    let task = app.create_task(&token, json!({ "title": "2nd Monday", "dueAt": "2027-02-08T09:00:00Z", "recurrence": { "rrule": "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=2" } })).await;
    let completion = app
        .complete_task(&token, task["id"].as_str().unwrap())
        .await;
    assert_eq!(
        completion["nextOccurrence"]["dueAt"],
        "2027-03-08T09:00:00Z"
    );
}

#[tokio::test]
async fn bad_recurrences_are_rejected_and_change_nothing() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let due = "2027-01-04T09:00:00Z";
    let cases = [
        (
            json!({ "title": "x", "recurrence": { "preset": "DAILY" } }),
            "input.dueAt",
        ),
        (
            json!({ "title": "x", "dueAt": due, "recurrence": { "rrule": "FREQ=FORTNIGHTLY" } }),
            "input.recurrence.rrule",
        ),
        (
            json!({ "title": "x", "dueAt": due, "recurrence": { "rrule": "FREQ=MINUTELY" } }),
            "input.recurrence.rrule",
        ),
        (
            json!({ "title": "x", "dueAt": due, "recurrence": { "rrule": "FREQ=HOURLY;BYMINUTE=0,30" } }),
            "input.recurrence.rrule",
        ),
        (
            json!({ "title": "x", "dueAt": due, "recurrence": { "preset": "CUSTOM" } }),
            "input.recurrence.rrule",
        ),
        (
            json!({ "title": "x", "dueAt": due, "recurrence": { "preset": "DAILY", "rrule": "FREQ=DAILY" } }),
            "input.recurrence.rrule",
        ),
        (
            json!({ "title": "x", "dueAt": due, "timeZone": "Europe/Atlantis", "recurrence": { "preset": "DAILY" } }),
            "input.timeZone",
        ),
    ];
    for (input, field) in cases {
        let response = app
            .graphql(
                Some(&token),
                "mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }",
                json!({ "input": input }),
            )
            .await;
        assert_eq!(error_code(&response), "BAD_USER_INPUT", "{input}");
        assert_eq!(error_field(&response), field, "{input}");
    }
    assert_eq!(app.task_count(&token).await, 0);

    // On update, a bad rule or clearing the due date of a recurring task leaves it as it was.
    let task = app
        .create_task(
            &token,
            json!({ "title": "keep", "dueAt": due, "recurrence": { "preset": "WEEKLY" } }),
        )
        .await;
    for input in [
        json!({ "recurrence": { "rrule": "FREQ=SECONDLY" } }),
        json!({ "dueAt": null }),
        json!({ "timeZone": "Nowhere/Special", "title": "changed" }),
    ] {
        let response = app
            .graphql(Some(&token), "mutation($id: ID!, $input: UpdateTaskInput!) { updateTask(id: $id, input: $input) { id } }", json!({ "id": task["id"], "input": input }))
            .await;
        assert_eq!(error_code(&response), "BAD_USER_INPUT", "{input}");
    }
    let read = app
        .ok(
            Some(&token),
            &format!("query($id: ID!) {{ task(id: $id) {{ {TASK_FIELDS} }} }}"),
            json!({ "id": task["id"] }),
        )
        .await;
    assert_eq!(read["task"], task);
}

/// Completes a task and returns the payload with `seriesEnd`.
async fn complete_saying_why(app: &TestApp, token: &str, id: &Value) -> Value {
    let data = app
        .ok(
            Some(token),
            "mutation($id: ID!) { completeTask(id: $id) { task { id completed } nextOccurrence { id dueAt occurrenceNumber } seriesEnd } }",
            json!({ "id": id }),
        )
        .await;
    data["completeTask"].clone()
}

#[tokio::test]
async fn a_series_that_would_leave_year_9999_ends_and_says_so() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let task = app
        .create_task(&token, json!({ "title": "Last day", "dueAt": "9999-12-31T09:00:00Z", "recurrence": { "preset": "DAILY" } }))
        .await;
    let completion = complete_saying_why(&app, &token, &task["id"]).await;
    assert_eq!(completion["task"]["completed"], true);
    assert_eq!(completion["nextOccurrence"], Value::Null);
    assert_eq!(completion["seriesEnd"], "OUT_OF_RANGE");
    // Completing again reports the same end.
    let again = complete_saying_why(&app, &token, &task["id"]).await;
    assert_eq!(again["seriesEnd"], "OUT_OF_RANGE");
    assert_eq!(app.task_count(&token).await, 1);

    // The day before still has a next occurrence, and no end.
    let task = app
        .create_task(&token, json!({ "title": "Almost", "dueAt": "9999-12-30T09:00:00Z", "recurrence": { "preset": "DAILY" } }))
        .await;
    let completion = complete_saying_why(&app, &token, &task["id"]).await;
    assert_eq!(
        completion["nextOccurrence"]["dueAt"],
        "9999-12-31T09:00:00Z"
    );
    assert_eq!(completion["seriesEnd"], Value::Null);

    // A one-time task has neither.
    let task = app.create_task(&token, json!({ "title": "Once" })).await;
    let completion = complete_saying_why(&app, &token, &task["id"]).await;
    assert_eq!(completion["nextOccurrence"], Value::Null);
    assert_eq!(completion["seriesEnd"], Value::Null);
}

#[tokio::test]
async fn count_and_until_say_why_the_series_ended() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let task = app
        .create_task(&token, json!({ "title": "Twice", "dueAt": "2027-06-01T09:00:00Z", "recurrence": { "rrule": "FREQ=WEEKLY;COUNT=2" } }))
        .await;
    let first = complete_saying_why(&app, &token, &task["id"]).await;
    assert_eq!(first["seriesEnd"], Value::Null);
    let second = complete_saying_why(&app, &token, &first["nextOccurrence"]["id"]).await;
    assert_eq!(second["nextOccurrence"], Value::Null);
    assert_eq!(second["seriesEnd"], "COUNT_REACHED");

    let yesterday = Utc::now() - Duration::days(1);
    let until = (Utc::now() - Duration::hours(1)).format("%Y%m%dT%H%M%SZ");
    let task = app
        .create_task(
            &token,
            json!({ "title": "Ended", "dueAt": yesterday.to_rfc3339(), "recurrence": { "rrule": format!("FREQ=DAILY;UNTIL={until}") } }),
        )
        .await;
    let completion = complete_saying_why(&app, &token, &task["id"]).await;
    assert_eq!(completion["seriesEnd"], "UNTIL_PASSED");

    let response = app
        .graphql(
            Some(&token),
            "mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }",
            json!({ "input": { "title": "x", "dueAt": "2027-06-01T09:00:00Z", "recurrence": { "rrule": "FREQ=DAILY;COUNT=10001" } } }),
        )
        .await;
    assert_eq!(error_code(&response), "BAD_USER_INPUT");
    assert_eq!(error_field(&response), "input.recurrence.rrule");
}

#[tokio::test]
async fn long_missed_series_resume_at_the_first_occurrence_after_now() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    // Tens of thousands of missed instances each.
    let hourly = app
        .create_task(&token, json!({ "title": "Hourly", "dueAt": "2020-01-01T00:00:00Z", "recurrence": { "rrule": "FREQ=HOURLY" } }))
        .await;
    let completion = complete_saying_why(&app, &token, &hourly["id"]).await;
    let next = instant(&completion["nextOccurrence"]["dueAt"]);
    let now = Utc::now();
    assert!(
        next > now - Duration::minutes(1) && next <= now + Duration::hours(1),
        "{next}"
    );
    assert_eq!(next.format("%M:%S").to_string(), "00:00");
    assert_eq!(completion["seriesEnd"], Value::Null);

    // 09:00 local mean time in Berlin (UTC+00:53:28) in 1800; 09:00 CET/CEST now.
    let daily = app
        .create_task(&token, json!({ "title": "Daily", "dueAt": "1800-01-01T08:06:32Z", "timeZone": "Europe/Berlin", "recurrence": { "preset": "DAILY" } }))
        .await;
    let completion = complete_saying_why(&app, &token, &daily["id"]).await;
    let next = instant(&completion["nextOccurrence"]["dueAt"]);
    let now = Utc::now();
    assert!(
        next > now - Duration::minutes(1) && next <= now + Duration::days(1),
        "{next}"
    );
    assert_eq!(
        next.with_timezone(&Berlin).format("%H:%M").to_string(),
        "09:00"
    );
}
