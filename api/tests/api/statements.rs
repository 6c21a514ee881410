//! A page of tasks loads its projects, labels, subtasks, progress and assignees in a
//! fixed number of statements, whatever its size: no query per task.

use serde_json::json;

use crate::helpers::{TestApp, postgres_url, spawn_app};

const PAGE: &str = r#"query Page($first: Int!) {
  tasks(first: $first) {
    edges { node {
      id title category
      project { id name color role openTaskCount members { user { displayName } role } }
      labels { id name color }
      subtaskProgress { done total }
      subtasks { id title completed labels { name } subtaskProgress { done total } }
      assignee { id displayName }
    } }
  }
}"#;

/// What `loadbench` measures: the account's list, and a project view.
const LIST: &str = "query { tasks(first: 50) { \
     edges { node { id title priority dueAt completed } } \
     pageInfo { hasNextPage endCursor } totalCount } }";
const PROJECT_VIEW: &str = "query($projectId: ID!) { \
     tasks(first: 50, filter: { projectId: $projectId }) { \
     edges { node { id title priority dueAt completed \
     project { id name color } labels { id name color } subtaskProgress { done total } } } \
     pageInfo { hasNextPage endCursor } totalCount } }";

async fn statements_for(app: &TestApp, token: &str, first: usize) -> u64 {
    fewest_statements(app, token, PAGE, json!({ "first": first }), first).await
}

/// The fewest statements `query` took over a few runs, checking it listed `rows` tasks:
/// the service's background loops (outbox relay, reminder scheduler) send statements of
/// their own now and then, and only ever add to a run's count.
async fn fewest_statements(
    app: &TestApp,
    token: &str,
    query: &str,
    variables: serde_json::Value,
    rows: usize,
) -> u64 {
    let mut fewest = u64::MAX;
    for _ in 0..8 {
        let before = app.services.db.statements_sent();
        let data = app.ok(Some(token), query, variables.clone()).await;
        let sent = app.services.db.statements_sent() - before;
        let edges = data["tasks"]["edges"].as_array().map_or(0, Vec::len);
        assert_eq!(edges, rows, "{data}");
        fewest = fewest.min(sent);
    }
    fewest
}

#[tokio::test]
async fn a_page_costs_the_same_statements_whatever_its_size() {
    let app = spawn_app().await;
    let token = app.register("pages@example.com").await;
    let project = app
        .ok(
            Some(&token),
            r##"mutation { createProject(input: { name: "Home", color: "#3b82f6" }) { id } }"##,
            json!({}),
        )
        .await["createProject"]["id"]
        .clone();
    let mut labels = Vec::new();
    for name in ["errand", "quick"] {
        let data = app
            .ok(
                Some(&token),
                "mutation($name: String!) { createLabel(input: { name: $name }) { id } }",
                json!({ "name": name }),
            )
            .await;
        labels.push(data["createLabel"]["id"].clone());
    }
    for n in 0..24 {
        let task = app
            .create_task(
                &token,
                json!({ "title": format!("Task {n}"), "projectId": project, "labelIds": labels }),
            )
            .await;
        for s in 0..2 {
            app.create_task(
                &token,
                json!({ "title": format!("Step {s} of {n}"), "parentId": task["id"], "labelIds": [labels[0]] }),
            )
            .await;
        }
    }

    let small = statements_for(&app, &token, 3).await;
    let large = statements_for(&app, &token, 24).await;
    assert_eq!(
        small, large,
        "a page of 24 took {large} statements, a page of 3 took {small}"
    );
    // The listing, its scope, and one or two per relation: not one per task.
    assert!(small <= 16, "{small} statements for one page");

    // The benchmarked listings, statement by statement. The account's list: on
    // PostgreSQL one statement (a lateral join walks each project); on SQLite, which
    // has no lateral joins, the projects it covers first, then the page. Each with its
    // count. A project view: the page with the membership check and the count, then
    // the labels, the project and the progress, one statement each.
    let list = fewest_statements(&app, &token, LIST, json!({}), 24).await;
    let expected = if postgres_url().is_some() { 1 } else { 2 };
    assert_eq!(list, expected, "the account's list");
    let view = fewest_statements(
        &app,
        &token,
        PROJECT_VIEW,
        json!({ "projectId": project }),
        24,
    )
    .await;
    assert_eq!(view, 4, "a project view");
}

/// The notification center as the web UI asks for it: each reminder with where it went.
const NOTIFICATIONS: &str = "query($first: Int!) { notifications(first: $first) { \
     edges { node { id title deliveries { channel status } } } } }";

/// The fewest statements a page of `first` notifications took, checking its size.
async fn notification_statements(app: &TestApp, token: &str, first: usize) -> u64 {
    let mut fewest = u64::MAX;
    for _ in 0..8 {
        let before = app.services.db.statements_sent();
        let data = app
            .ok(Some(token), NOTIFICATIONS, json!({ "first": first }))
            .await;
        let sent = app.services.db.statements_sent() - before;
        let edges = data["notifications"]["edges"]
            .as_array()
            .map_or(0, Vec::len);
        assert_eq!(edges, first, "{data}");
        fewest = fewest.min(sent);
    }
    fewest
}

#[tokio::test]
async fn a_page_of_notifications_loads_its_deliveries_at_once() {
    let app = spawn_app().await;
    let token = app.register("reminded@example.com").await;
    // Due within the default lead time: each is reminded at once.
    let due = (chrono::Utc::now() + chrono::Duration::minutes(10)).to_rfc3339();
    for n in 0..6 {
        app.create_task(
            &token,
            json!({ "title": format!("Task {n}"), "dueAt": due }),
        )
        .await;
    }
    crate::helpers::eventually(std::time::Duration::from_secs(20), || async {
        let count = app
            .ok(Some(&token), "{ unreadNotificationCount }", json!({}))
            .await["unreadNotificationCount"]
            .as_u64();
        (count == Some(6)).then_some(())
    })
    .await;

    let small = notification_statements(&app, &token, 2).await;
    let large = notification_statements(&app, &token, 6).await;
    assert_eq!(
        small, large,
        "a page of 6 took {large} statements, a page of 2 took {small}"
    );
    // The page, then the deliveries of all its reminders.
    assert!(small <= 2, "{small} statements for one page");
}
