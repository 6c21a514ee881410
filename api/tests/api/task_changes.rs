//! The `taskChanges` subscription: every change to the user's tasks, from any channel,
//! pushed to the user's open pages and to nobody else's.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::spawn_app;
use crate::live::Subscriber;

pub const TASK_CHANGES: &str =
    "subscription { taskChanges { action taskId source at task { id title completed } } }";

const WAIT: Duration = Duration::from_secs(5);

async fn next_change(subscriber: &mut Subscriber) -> Value {
    subscriber
        .next_data(WAIT)
        .await
        .expect("a task change within 5 s")["taskChanges"]
        .clone()
}

#[tokio::test]
async fn every_change_reaches_the_owners_subscription_with_its_channel() {
    let app = spawn_app().await;
    let ada = app.register("ada@example.com").await;
    let bob = app.register("bob@example.com").await;
    let mut ada_live =
        Subscriber::subscribe(&app.address, Some(&format!("Bearer {ada}")), TASK_CHANGES)
            .await
            .unwrap();
    let mut bob_live =
        Subscriber::subscribe(&app.address, Some(&format!("Bearer {bob}")), TASK_CHANGES)
            .await
            .unwrap();

    // Made by an agent: the MCP server names its channel in x-todo-source.
    let created: Value = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(&ada)
        .header("x-todo-source", "MCP")
        .json(&json!({ "query": "mutation { createTask(input: { title: \"From an agent\" }) { id } }" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["data"]["createTask"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let change = next_change(&mut ada_live).await;
    assert_eq!(change["action"], "CREATE");
    assert_eq!(change["source"], "MCP");
    assert_eq!(change["taskId"], id);
    assert_eq!(change["task"]["title"], "From an agent");

    app.complete_task(&ada, &id).await;
    let change = next_change(&mut ada_live).await;
    assert_eq!(change["action"], "COMPLETE");
    assert_eq!(change["source"], "GRAPHQL");
    assert_eq!(change["task"]["completed"], true);

    app.ok(
        Some(&ada),
        "mutation($id: ID!) { deleteTask(id: $id) }",
        json!({ "id": id }),
    )
    .await;
    let change = next_change(&mut ada_live).await;
    assert_eq!(change["action"], "DELETE");
    assert_eq!(change["taskId"], id);
    assert_eq!(change["task"], Value::Null);

    // Bob saw none of it.
    assert_eq!(bob_live.next_data(Duration::from_millis(500)).await, None);
}

#[tokio::test]
async fn completing_a_recurring_task_pushes_its_next_occurrence() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let mut live =
        Subscriber::subscribe(&app.address, Some(&format!("Bearer {token}")), TASK_CHANGES)
            .await
            .unwrap();
    let task = app
        .create_task(
            &token,
            json!({ "title": "Rent", "dueAt": "2027-01-31T09:00:00Z", "recurrence": { "preset": "MONTHLY" } }),
        )
        .await;
    assert_eq!(next_change(&mut live).await["action"], "CREATE");
    let completion = app
        .complete_task(&token, task["id"].as_str().unwrap())
        .await;
    let next_id = completion["nextOccurrence"]["id"].as_str().unwrap();

    let mut seen = [next_change(&mut live).await, next_change(&mut live).await];
    seen.sort_by_key(|c| c["action"].as_str().map(str::to_owned));
    assert_eq!(seen[0]["action"], "COMPLETE");
    assert_eq!(seen[1]["action"], "CREATE");
    assert_eq!(seen[1]["taskId"], next_id);
    assert_eq!(seen[1]["task"]["title"], "Rent");
}

#[tokio::test]
async fn the_subscription_needs_a_signed_in_user() {
    let app = spawn_app().await;
    let refused = Subscriber::subscribe(&app.address, None, TASK_CHANGES).await;
    assert!(refused.is_err(), "an anonymous connection was acknowledged");
}
