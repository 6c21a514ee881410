use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

fn instant(value: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(value.as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

fn in_minutes(minutes: i64) -> String {
    (Utc::now() + Duration::minutes(minutes)).to_rfc3339()
}

async fn next_reminder(app: &TestApp, token: &str, id: &Value) -> Value {
    app.ok(
        Some(token),
        "query($id: ID!) { task(id: $id) { nextReminderAt dueAt } }",
        json!({ "id": id }),
    )
    .await["task"]["nextReminderAt"]
        .clone()
}

async fn update(app: &TestApp, token: &str, id: &Value, input: Value) {
    app.ok(Some(token), "mutation($id: ID!, $input: UpdateTaskInput!) { updateTask(id: $id, input: $input) { id } }", json!({ "id": id, "input": input }))
        .await;
}

#[tokio::test]
async fn the_reminder_time_follows_the_due_date_and_lead() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let task = app
        .create_task(&token, json!({ "title": "t", "dueAt": in_minutes(120) }))
        .await;
    let id = &task["id"];
    let due = instant(&task["dueAt"]);
    // The default lead is 15 minutes.
    assert_eq!(
        instant(&next_reminder(&app, &token, id).await),
        due - Duration::minutes(15)
    );

    update(&app, &token, id, json!({ "remindBeforeMinutes": 60 })).await;
    assert_eq!(
        instant(&next_reminder(&app, &token, id).await),
        due - Duration::minutes(60)
    );

    // Moving the due date re-arms it.
    let moved = "2100-01-01T12:00:00Z";
    update(&app, &token, id, json!({ "dueAt": moved })).await;
    assert_eq!(
        next_reminder(&app, &token, id).await,
        "2100-01-01T11:00:00Z"
    );

    // Completing disarms, uncompleting re-arms; clearing the due date disarms.
    app.complete_task(&token, id.as_str().unwrap()).await;
    assert_eq!(next_reminder(&app, &token, id).await, Value::Null);
    app.ok(
        Some(&token),
        "mutation($id: ID!) { uncompleteTask(id: $id) { id } }",
        json!({ "id": id }),
    )
    .await;
    assert!(next_reminder(&app, &token, id).await.is_string());
    update(&app, &token, id, json!({ "dueAt": null })).await;
    assert_eq!(next_reminder(&app, &token, id).await, Value::Null);
}

#[tokio::test]
async fn inside_the_lead_window_at_once_overdue_never() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let before = Utc::now() - Duration::seconds(1);
    let soon = app
        .create_task(&token, json!({ "title": "soon", "dueAt": in_minutes(5) }))
        .await;
    let at = instant(&soon["nextReminderAt"]);
    assert!(at >= before && at <= Utc::now(), "{at}");
    let overdue = app
        .create_task(&token, json!({ "title": "late", "dueAt": in_minutes(-5) }))
        .await;
    assert_eq!(overdue["nextReminderAt"], Value::Null);
    let undated = app.create_task(&token, json!({ "title": "someday" })).await;
    assert_eq!(undated["nextReminderAt"], Value::Null);
}

#[tokio::test]
async fn preference_changes_rearm_open_tasks() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let task = app
        .create_task(&token, json!({ "title": "t", "dueAt": in_minutes(600) }))
        .await;
    let own_lead = app
        .create_task(
            &token,
            json!({ "title": "own", "dueAt": in_minutes(600), "remindBeforeMinutes": 10 }),
        )
        .await;
    let due = instant(&task["dueAt"]);
    let set = |input: Value| {
        let app = &app;
        let token = &token;
        async move {
            app.ok(Some(token), "mutation($input: PreferencesInput!) { updatePreferences(input: $input) { remindersEnabled } }", json!({ "input": input }))
                .await;
        }
    };
    set(json!({ "reminderMinutesBefore": 120 })).await;
    assert_eq!(
        instant(&next_reminder(&app, &token, &task["id"]).await),
        due - Duration::minutes(120)
    );
    // A task's own lead wins over the preference.
    assert_eq!(
        instant(&next_reminder(&app, &token, &own_lead["id"]).await),
        instant(&own_lead["dueAt"]) - Duration::minutes(10)
    );
    set(json!({ "remindersEnabled": false })).await;
    assert_eq!(next_reminder(&app, &token, &task["id"]).await, Value::Null);
    let created_while_off = app
        .create_task(
            &token,
            json!({ "title": "quiet", "dueAt": in_minutes(600) }),
        )
        .await;
    assert_eq!(created_while_off["nextReminderAt"], Value::Null);
    set(json!({ "remindersEnabled": true })).await;
    assert_eq!(
        instant(&next_reminder(&app, &token, &task["id"]).await),
        due - Duration::minutes(120)
    );
    assert!(
        next_reminder(&app, &token, &created_while_off["id"])
            .await
            .is_string()
    );
}

#[tokio::test]
async fn the_next_occurrence_is_armed() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let task = app
        .create_task(&token, json!({ "title": "daily", "dueAt": in_minutes(60), "recurrence": { "preset": "DAILY" } }))
        .await;
    let completion = app
        .complete_task(&token, task["id"].as_str().unwrap())
        .await;
    let next = &completion["nextOccurrence"];
    assert_eq!(
        instant(&next["nextReminderAt"]),
        instant(&next["dueAt"]) - Duration::minutes(15)
    );
    assert_eq!(completion["task"]["nextReminderAt"], Value::Null);
}
