//! What members of a shared project receive without asking: its task changes, live, and
//! its reminders (the assignee's, or everyone's when nobody is assigned). A removed
//! member stops receiving both.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{TestApp, eventually, spawn_app};
use crate::live::Subscriber;
use crate::task_changes::TASK_CHANGES;

const WAIT: Duration = Duration::from_secs(5);

async fn next_change(subscriber: &mut Subscriber) -> Value {
    subscriber
        .next_data(WAIT)
        .await
        .expect("a task change within 5 s")["taskChanges"]
        .clone()
}

async fn rename(app: &TestApp, token: &str, id: &str, title: &str) {
    app.ok(
        Some(token),
        "mutation($id: ID!, $t: String!) { updateTask(id: $id, input: { title: $t }) { id } }",
        json!({ "id": id, "t": title }),
    )
    .await;
}

#[tokio::test]
async fn members_see_each_others_changes_live_until_one_is_removed() {
    let app = spawn_app().await;
    let owner = app.person("owner@example.com").await;
    let member = app.person("member@example.com").await;
    let project = app.create_project(&owner.token, "Household").await;
    app.add_member(&owner, &project, &member, "member@example.com", "EDITOR")
        .await;
    let mut live = Subscriber::subscribe(
        &app.address,
        Some(&format!("Bearer {}", member.token)),
        TASK_CHANGES,
    )
    .await
    .unwrap();

    let shared = app
        .create_task(
            &owner.token,
            json!({ "title": "Buy bread", "projectId": project }),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let change = next_change(&mut live).await;
    assert_eq!(
        (
            &change["action"],
            &change["taskId"],
            &change["task"]["title"]
        ),
        (&json!("CREATE"), &json!(shared), &json!("Buy bread"))
    );

    app.ok(
        Some(&owner.token),
        "mutation($p: ID!, $u: ID!) { removeProjectMember(projectId: $p, userId: $u) }",
        json!({ "p": project, "u": member.id }),
    )
    .await;
    // The owner's change to the shared task comes first; the member's own change in
    // their Inbox after it. Only the second may reach the member now.
    rename(&app, &owner.token, &shared, "Buy rye bread").await;
    let own = app
        .create_task(&member.token, json!({ "title": "My own" }))
        .await["id"]
        .clone();
    let change = next_change(&mut live).await;
    assert_eq!(change["taskId"], own, "{change}");
    // And the task is gone for them when read, too.
    let data = app
        .ok(
            Some(&member.token),
            "query($id: ID!) { task(id: $id) { id } }",
            json!({ "id": shared }),
        )
        .await;
    assert_eq!(data["task"], Value::Null);
}

async fn reminder_titles(app: &TestApp, token: &str) -> Vec<String> {
    let data = app
        .ok(
            Some(token),
            "{ notifications(first: 20) { edges { node { type title } } } }",
            json!({}),
        )
        .await;
    data["notifications"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|edge| edge["node"]["type"] == "REMINDER")
        .map(|edge| edge["node"]["title"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_reminder_goes_to_the_assignee_or_else_to_every_member() {
    let app = spawn_app().await;
    let owner = app.person("owner@example.com").await;
    let member = app.person("member@example.com").await;
    let project = app.create_project(&owner.token, "Household").await;
    app.add_member(&owner, &project, &member, "member@example.com", "VIEWER")
        .await;
    // Due in ten minutes, reminded an hour before: at once.
    let due_soon = (chrono::Utc::now() + chrono::Duration::minutes(10)).to_rfc3339();
    app.create_task(
        &owner.token,
        json!({ "title": "Everyone's", "projectId": project, "dueAt": due_soon, "remindBeforeMinutes": 60 }),
    )
    .await;
    app.create_task(
        &owner.token,
        json!({ "title": "The member's", "projectId": project, "assigneeId": member.id,
                "dueAt": due_soon, "remindBeforeMinutes": 60 }),
    )
    .await;

    let mut owners = eventually(WAIT, || async {
        let titles = reminder_titles(&app, &owner.token).await;
        (!titles.is_empty()).then_some(titles)
    })
    .await;
    let mut members = eventually(WAIT, || async {
        let titles = reminder_titles(&app, &member.token).await;
        (titles.len() == 2).then_some(titles)
    })
    .await;
    owners.sort();
    members.sort();
    assert_eq!(owners, ["Task due soon: Everyone's"]);
    assert_eq!(
        members,
        ["Task due soon: Everyone's", "Task due soon: The member's"]
    );

    // Someone outside the project is no assignee.
    let stranger = app.person("stranger@example.com").await;
    let response = app
        .graphql(
            Some(&owner.token),
            "mutation($p: ID!, $a: ID!) { createTask(input: { title: \"x\", projectId: $p, assigneeId: $a }) { id } }",
            json!({ "p": project, "a": stranger.id }),
        )
        .await;
    assert_eq!(
        crate::helpers::error_field(&response),
        "input.assigneeId",
        "{response}"
    );
}
