//! Undoing the completion of a recurring occurrence: `uncompleteTask` takes back the next
//! occurrence that completion created while nobody has touched it, keeps it once someone
//! has, audits both, and tells clients which through `Task.nextOccurrence`.

use std::time::Duration;

use chrono::Utc;
use serde_json::{Value, json};

use crate::helpers::{TASK_FIELDS, TestApp, eventually, spawn_app};

const NEXT: &str = "query($id: ID!) { task(id: $id) { id nextOccurrence { id dueAt title } } }";

async fn uncomplete(app: &TestApp, token: &str, id: &Value, source: &str) -> Value {
    let response: Value = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(token)
        .header("x-todo-source", source)
        .json(&json!({
            "query": format!("mutation($id: ID!) {{ uncompleteTask(id: $id) {{ {TASK_FIELDS} nextOccurrence {{ id dueAt title }} }} }}"),
            "variables": { "id": id },
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(response.get("errors").is_none(), "{response}");
    response["data"]["uncompleteTask"].clone()
}

async fn task(app: &TestApp, token: &str, id: &Value) -> Value {
    app.ok(Some(token), NEXT, json!({ "id": id })).await["task"].clone()
}

async fn weekly(app: &TestApp, token: &str) -> Value {
    app.create_task(
        token,
        json!({ "title": "Water plants", "dueAt": "2030-01-07T09:00:00Z", "recurrence": { "preset": "WEEKLY" } }),
    )
    .await
}

/// A weekly task whose first occurrence was just completed, creating the next.
struct Completed {
    app: TestApp,
    token: String,
    id: Value,
    completion: Value,
    next_id: Value,
}

async fn completed_weekly() -> Completed {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let id = weekly(&app, &token).await["id"].clone();
    let completion = app.complete_task(&token, id.as_str().unwrap()).await;
    let next_id = completion["nextOccurrence"]["id"].clone();
    Completed {
        app,
        token,
        id,
        completion,
        next_id,
    }
}

async fn open_count(app: &TestApp, token: &str) -> u64 {
    app.ok(
        Some(token),
        "{ tasks(filter: { completed: false }) { totalCount } }",
        json!({}),
    )
    .await["tasks"]["totalCount"]
        .as_u64()
        .unwrap()
}

#[tokio::test]
async fn undoing_a_completion_removes_the_untouched_next_occurrence_and_audits_both() {
    let Completed {
        app,
        token,
        id,
        completion,
        next_id,
    } = completed_weekly().await;
    let id = &id;
    assert_eq!(
        task(&app, &token, id).await["nextOccurrence"]["id"],
        next_id
    );
    // A reminder sent for the next occurrence is the system's doing, not a change.
    let sent = app
        .services
        .reminders
        .sweep(Utc::now() + chrono::Duration::days(365 * 10))
        .await
        .unwrap();
    assert!(sent >= 1, "the next occurrence's reminder was not sent");

    let reopened = uncomplete(&app, &token, id, "web").await;
    assert_eq!(reopened["completed"], false);
    assert_eq!(reopened["nextOccurrence"], Value::Null);
    assert_eq!(
        app.ok(Some(&token), NEXT, json!({ "id": next_id })).await["task"],
        Value::Null
    );
    assert_eq!(app.task_count(&token).await, 1);
    assert_eq!(open_count(&app, &token).await, 1);

    // The reopen and the removal are both in the audit trail, with the caller's source.
    let removal = eventually(Duration::from_secs(10), || async {
        let data = app
            .ok(
                Some(&token),
                "query($id: ID!) { auditLog(filter: { taskId: $id }) { edges { node { action source before } } } }",
                json!({ "id": next_id }),
            )
            .await;
        data["auditLog"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|edge| edge["node"].clone())
            .find(|node| node["action"] == "DELETE")
    })
    .await;
    assert_eq!(removal["source"], "WEB");
    assert_eq!(removal["before"]["id"], next_id);
    let reopen = eventually(Duration::from_secs(10), || async {
        let data = app
            .ok(
                Some(&token),
                "query($id: ID!) { auditLog(filter: { taskId: $id, action: UNCOMPLETE }) { edges { node { source } } } }",
                json!({ "id": id }),
            )
            .await;
        data["auditLog"]["edges"][0]["node"]["source"]
            .as_str()
            .map(str::to_owned)
    })
    .await;
    assert_eq!(reopen, "WEB");

    // Completing again continues the series from the reopened occurrence, once.
    let again = app.complete_task(&token, id.as_str().unwrap()).await;
    assert_eq!(
        again["nextOccurrence"]["dueAt"],
        completion["nextOccurrence"]["dueAt"]
    );
    assert_eq!(open_count(&app, &token).await, 1);
}

#[tokio::test]
async fn a_changed_next_occurrence_is_kept_and_shown() {
    let Completed {
        app,
        token,
        id,
        next_id,
        ..
    } = completed_weekly().await;
    let id = &id;
    app.ok(
        Some(&token),
        "mutation($id: ID!) { updateTask(id: $id, input: { title: \"Water the plants\" }) { id } }",
        json!({ "id": next_id }),
    )
    .await;

    let reopened = uncomplete(&app, &token, id, "graphql").await;
    assert_eq!(reopened["completed"], false);
    assert_eq!(reopened["nextOccurrence"]["id"], next_id);
    assert_eq!(reopened["nextOccurrence"]["title"], "Water the plants");
    assert_eq!(open_count(&app, &token).await, 2);
}

#[tokio::test]
async fn a_completed_next_occurrence_is_kept() {
    let Completed {
        app,
        token,
        id,
        next_id,
        ..
    } = completed_weekly().await;
    let id = &id;
    app.complete_task(&token, next_id.as_str().unwrap()).await;

    let reopened = uncomplete(&app, &token, id, "graphql").await;
    assert_eq!(reopened["nextOccurrence"]["id"], next_id);
    assert_eq!(app.task_count(&token).await, 3);
}

#[tokio::test]
async fn uncompleting_is_idempotent_and_leaves_one_time_tasks_alone() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let first = weekly(&app, &token).await;
    let id = &first["id"];
    app.complete_task(&token, id.as_str().unwrap()).await;
    let once = uncomplete(&app, &token, id, "graphql").await;
    let twice = uncomplete(&app, &token, id, "graphql").await;
    assert_eq!(once["updatedAt"], twice["updatedAt"]);
    assert_eq!(twice["nextOccurrence"], Value::Null);
    assert_eq!(app.task_count(&token).await, 1);

    // Reopening an open occurrence does not take away a next one it has from before.
    let completion = app.complete_task(&token, id.as_str().unwrap()).await;
    let next_id = completion["nextOccurrence"]["id"].clone();
    app.ok(
        Some(&token),
        "mutation($id: ID!) { updateTask(id: $id, input: { priority: HIGH }) { id } }",
        json!({ "id": next_id }),
    )
    .await;
    uncomplete(&app, &token, id, "graphql").await;
    uncomplete(&app, &token, id, "graphql").await;
    assert_eq!(app.task_count(&token).await, 2);

    let one_time = app
        .create_task(
            &token,
            json!({ "title": "Call Bob", "dueAt": "2030-01-07T09:00:00Z" }),
        )
        .await;
    let one_id = &one_time["id"];
    let done = app.complete_task(&token, one_id.as_str().unwrap()).await;
    assert_eq!(done["nextOccurrence"], Value::Null);
    let reopened = uncomplete(&app, &token, one_id, "graphql").await;
    assert_eq!(reopened["completed"], false);
    assert_eq!(reopened["nextOccurrence"], Value::Null);
    assert_eq!(app.task_count(&token).await, 3);
}
