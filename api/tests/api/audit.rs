use std::time::Duration;

use api::domain::event::{AuditAction, CloudEvent, EventError, Source, TaskChange};
use api::service::Applied;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{TestApp, eventually, spawn_app};

const AUDIT_LOG: &str = "query($filter: AuditFilter, $first: Int, $after: String) { auditLog(filter: $filter, first: $first, after: $after) { totalCount edges { cursor node { id action entityType entityId before after changedFields source at requestId } } pageInfo { hasNextPage endCursor } } }";

async fn audit_log(app: &TestApp, token: &str, filter: Value) -> Vec<Value> {
    let data = app
        .ok(Some(token), AUDIT_LOG, json!({ "filter": filter }))
        .await;
    data["auditLog"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

/// Waits until the user's audit log holds `n` entries matching `filter`.
async fn wait_for_entries(app: &TestApp, token: &str, filter: Value, n: usize) -> Vec<Value> {
    eventually(Duration::from_secs(10), || async {
        let entries = audit_log(app, token, filter.clone()).await;
        (entries.len() >= n).then_some(entries)
    })
    .await
}

async fn gql_with_request_id(
    app: &TestApp,
    token: &str,
    request_id: &str,
    query: &str,
    variables: Value,
) -> Value {
    app.client
        .post(app.url("/graphql"))
        .bearer_auth(token)
        .header("x-request-id", request_id)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn create_update_complete_are_audited_newest_first_and_privately() {
    let app = spawn_app().await;
    let ada = app.register("ada@example.com").await;
    let bob = app.register("bob@example.com").await;
    let created = gql_with_request_id(
        &app,
        &ada,
        "req-create",
        "mutation { createTask(input: { title: \"Draft\" }) { id } }",
        json!({}),
    )
    .await;
    let id = created["data"]["createTask"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    gql_with_request_id(
        &app,
        &ada,
        "req-update",
        "mutation($id: ID!) { updateTask(id: $id, input: { title: \"Final\" }) { id } }",
        json!({ "id": id }),
    )
    .await;
    app.complete_task(&ada, &id).await;

    let entries = wait_for_entries(&app, &ada, json!({ "taskId": id }), 3).await;
    let actions: Vec<&str> = entries
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["COMPLETE", "UPDATE", "CREATE"]);
    let update = &entries[1];
    assert_eq!(update["before"]["title"], "Draft");
    assert_eq!(update["after"]["title"], "Final");
    assert!(
        update["changedFields"]
            .as_array()
            .unwrap()
            .contains(&json!("title"))
    );
    assert_eq!(update["requestId"], "req-update");
    assert_eq!(update["source"], "GRAPHQL");
    assert_eq!(update["entityType"], "Task");
    assert_eq!(update["entityId"], json!(id));
    assert_eq!(entries[2]["before"], Value::Null);
    assert_eq!(entries[2]["requestId"], "req-create");
    assert_eq!(entries[0]["before"]["completed"], false);
    assert_eq!(entries[0]["after"]["completed"], true);

    // The task's own history shows the same.
    let history = app
        .ok(Some(&ada), "query($id: ID!) { task(id: $id) { history { totalCount edges { node { action } } } } }", json!({ "id": id }))
        .await;
    assert_eq!(history["task"]["history"]["totalCount"], 3);

    // Another user sees none of it.
    assert!(audit_log(&app, &bob, json!({})).await.is_empty());
    assert!(
        audit_log(&app, &bob, json!({ "taskId": id }))
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn history_survives_deletion_and_system_changes_are_marked() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let task = app.create_task(&token, json!({ "title": "Daily", "dueAt": "2027-01-04T09:00:00Z", "recurrence": { "preset": "DAILY" } })).await;
    let id = task["id"].as_str().unwrap();
    let completion = app.complete_task(&token, id).await;
    let next_id = completion["nextOccurrence"]["id"].as_str().unwrap();
    app.ok(
        Some(&token),
        "mutation($id: ID!) { deleteTask(id: $id) }",
        json!({ "id": id }),
    )
    .await;

    let entries = wait_for_entries(&app, &token, json!({ "taskId": id }), 3).await;
    let actions: Vec<&str> = entries
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["DELETE", "COMPLETE", "CREATE"]);
    assert_eq!(entries[0]["after"], Value::Null);
    assert_eq!(entries[0]["before"]["title"], "Daily");

    let next = wait_for_entries(&app, &token, json!({ "taskId": next_id }), 1).await;
    assert_eq!(next[0]["action"], "CREATE");
    assert_eq!(next[0]["source"], "SYSTEM");
    assert_eq!(next[0]["after"]["parentTaskId"], json!(id));
}

#[tokio::test]
async fn the_audit_log_filters_and_pages() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let start = chrono::Utc::now() - chrono::Duration::seconds(1);
    for i in 0..4 {
        let task = app
            .create_task(&token, json!({ "title": format!("t{i}") }))
            .await;
        app.complete_task(&token, task["id"].as_str().unwrap())
            .await;
    }
    // Through the MCP channel, as the MCP server identifies itself.
    let response = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(&token)
        .header("x-todo-source", "mcp")
        .json(&json!({ "query": "mutation { createTask(input: { title: \"from an agent\" }) { id } }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let all = wait_for_entries(&app, &token, json!({}), 9).await;
    assert_eq!(all.len(), 9);
    assert_eq!(
        audit_log(&app, &token, json!({ "action": "COMPLETE" }))
            .await
            .len(),
        4
    );
    let mcp = audit_log(&app, &token, json!({ "source": "MCP" })).await;
    assert_eq!(mcp.len(), 1);
    assert_eq!(mcp[0]["after"]["title"], "from an agent");
    assert_eq!(
        audit_log(&app, &token, json!({ "from": start.to_rfc3339() }))
            .await
            .len(),
        9
    );
    assert!(
        audit_log(&app, &token, json!({ "to": start.to_rfc3339() }))
            .await
            .is_empty()
    );

    // Pages of two visit every entry once, newest first.
    let mut after: Option<String> = None;
    let mut seen = Vec::new();
    loop {
        let data = app
            .ok(
                Some(&token),
                AUDIT_LOG,
                json!({ "first": 2, "after": after }),
            )
            .await;
        let log = &data["auditLog"];
        assert_eq!(log["totalCount"], 9);
        seen.extend(
            log["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"]["id"].clone()),
        );
        if !log["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = log["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
    let expected: Vec<Value> = all.iter().map(|e| e["id"].clone()).collect();
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn retention_removes_entries_past_their_time() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    app.create_task(&token, json!({ "title": "old news" }))
        .await;
    wait_for_entries(&app, &token, json!({}), 1).await;

    let now = chrono::Utc::now();
    assert_eq!(app.services.audit.purge_expired(now).await.unwrap(), 0);
    let later = now + app.services.audit.retention() + chrono::Duration::minutes(1);
    assert_eq!(app.services.audit.purge_expired(later).await.unwrap(), 1);
    assert!(audit_log(&app, &token, json!({})).await.is_empty());
}

/// A signed-in user with one task whose creation is already in the audit trail.
async fn user_with_audited_task(app: &TestApp, title: &str) -> (String, Uuid, Uuid) {
    let token = app.register("ada@example.com").await;
    let task = app.create_task(&token, json!({ "title": title })).await;
    wait_for_entries(app, &token, json!({}), 1).await;
    let user_id = app.ok(Some(&token), "{ me { id } }", json!({})).await["me"]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let task_id = task["id"].as_str().unwrap().parse().unwrap();
    (token, user_id, task_id)
}

/// The event of a retitling from `before` to `after`, made through `source`.
fn retitled(user_id: Uuid, task_id: Uuid, source: Source, before: &str, after: &str) -> CloudEvent {
    let change = TaskChange {
        user_id,
        task_id,
        project_id: None,
        action: AuditAction::Update,
        source,
        agent: None,
        request_id: None,
        before: Some(json!({ "title": before })),
        after: Some(json!({ "title": after })),
    };
    CloudEvent::task_change(&change, chrono::Utc::now(), None)
}

#[tokio::test]
async fn an_event_applied_ten_times_is_recorded_once() {
    let app = spawn_app().await;
    let (token, user_id, task_id) = user_with_audited_task(&app, "once").await;
    let event = retitled(user_id, task_id, Source::Web, "once", "twice");
    for _ in 0..10 {
        app.services.audit.apply(&event).await.unwrap();
    }
    let entries = audit_log(&app, &token, json!({})).await;
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["source"], "WEB");
}

#[tokio::test]
async fn a_batch_records_each_event_once_and_rejects_only_its_malformed_events() {
    let app = spawn_app().await;
    let (token, user_id, task_id) = user_with_audited_task(&app, "batched").await;
    let update = |title: &str| retitled(user_id, task_id, Source::Mcp, "batched", title);
    let (applied_before, first, second) = (update("a"), update("b"), update("c"));
    app.services.audit.apply(&applied_before).await.unwrap();
    let mut malformed = update("d");
    malformed.event_type = "task.exploded".into();

    let batch = [first.clone(), applied_before, malformed, first, second];
    let outcomes = app.services.audit.apply_batch(&batch).await.unwrap();
    assert_eq!(outcomes.len(), 5);
    assert_eq!(outcomes[0], Ok(Applied::Recorded));
    assert_eq!(outcomes[1], Ok(Applied::Duplicate));
    assert!(
        matches!(outcomes[2], Err(EventError::UnknownType(_))),
        "{:?}",
        outcomes[2]
    );
    assert_eq!(outcomes[3], Ok(Applied::Duplicate));
    assert_eq!(outcomes[4], Ok(Applied::Recorded));
    // The created entry, the one applied before, and the batch's two new ones.
    assert_eq!(audit_log(&app, &token, json!({})).await.len(), 4);

    // Delivered again, the whole batch changes nothing.
    let again = app.services.audit.apply_batch(&batch).await.unwrap();
    assert!(
        again
            .iter()
            .all(|o| o.is_err() || *o == Ok(Applied::Duplicate)),
        "{again:?}"
    );
    assert_eq!(audit_log(&app, &token, json!({})).await.len(), 4);
}

#[tokio::test]
async fn one_batch_delivered_twice_at_once_is_recorded_once() {
    let app = spawn_app().await;
    let (token, user_id, task_id) = user_with_audited_task(&app, "raced").await;
    let batch: Vec<CloudEvent> = (0..40)
        .map(|n| {
            retitled(
                user_id,
                task_id,
                Source::Graphql,
                "raced",
                &format!("raced {n}"),
            )
        })
        .collect();

    // On PostgreSQL the second transaction waits on the first one's ledger rows, then
    // reads them as applied; neither delivery fails.
    let (left, right) = tokio::join!(
        app.services.audit.apply_batch(&batch),
        app.services.audit.apply_batch(&batch)
    );
    let (left, right) = (left.unwrap(), right.unwrap());
    for (left, right) in left.iter().zip(&right) {
        assert!(
            matches!(
                (left, right),
                (Ok(Applied::Recorded), Ok(Applied::Duplicate))
                    | (Ok(Applied::Duplicate), Ok(Applied::Recorded))
            ),
            "{left:?} / {right:?}"
        );
    }
    // The created entry and one per event of the batch.
    assert_eq!(audit_log(&app, &token, json!({})).await.len(), 41);
}
