//! Projects, labels and subtasks of one person (issue 28); sharing is in `sharing`.

use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{TestApp, error_code, error_field, spawn_app};
use crate::projects_helpers::ids;

const PROJECTS: &str = "query($all: Boolean) { projects(includeArchived: $all) { id name color position archived isInbox role openTaskCount } }";

async fn project_names(app: &TestApp, token: &str, include_archived: bool) -> Vec<String> {
    let data = app
        .ok(Some(token), PROJECTS, json!({ "all": include_archived }))
        .await;
    data["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn update_project(app: &TestApp, token: &str, id: &str, input: Value) -> Value {
    app.graphql(
        Some(token),
        "mutation($id: ID!, $input: UpdateProjectInput!) { updateProject(id: $id, input: $input) { id name color position archived } }",
        json!({ "id": id, "input": input }),
    )
    .await
}

#[tokio::test]
async fn the_inbox_comes_with_the_account_and_cannot_be_renamed_archived_deleted_or_shared() {
    let app = spawn_app().await;
    let ada = app.person("ada@example.com").await;
    let data = app.ok(Some(&ada.token), PROJECTS, json!({})).await;
    let inbox = &data["projects"][0];
    assert_eq!(data["projects"].as_array().unwrap().len(), 1, "{data}");
    assert_eq!(inbox["isInbox"], true);
    assert_eq!(inbox["name"], "Inbox");
    assert_eq!(inbox["role"], "OWNER");
    // The Inbox of a user has the user's id (the migration made the existing ones so).
    assert_eq!(inbox["id"], ada.id.as_str());

    // A task without a project goes to the Inbox.
    let task = app
        .create_task(&ada.token, json!({ "title": "loose end" }))
        .await;
    let read = app
        .ok(
            Some(&ada.token),
            "query($id: ID!) { task(id: $id) { project { id isInbox } } }",
            json!({ "id": task["id"] }),
        )
        .await;
    assert_eq!(
        read["task"]["project"],
        json!({ "id": ada.id, "isInbox": true })
    );

    for input in [json!({ "name": "Everything" }), json!({ "archived": true })] {
        let response = update_project(&app, &ada.token, &ada.id, input.clone()).await;
        let code = error_code(&response);
        assert!(
            code == "BAD_USER_INPUT" || code == "FORBIDDEN",
            "{input}: {response}"
        );
    }
    let response = app
        .graphql(
            Some(&ada.token),
            "mutation($id: ID!) { deleteProject(id: $id) }",
            json!({ "id": ada.id }),
        )
        .await;
    assert!(response.get("errors").is_some(), "{response}");
    let response = app
        .graphql(
            Some(&ada.token),
            "mutation($p: ID!) { shareProject(projectId: $p, email: \"bob@example.com\", role: VIEWER) { id } }",
            json!({ "p": ada.id }),
        )
        .await;
    assert!(response.get("errors").is_some(), "{response}");
    let after = app.ok(Some(&ada.token), PROJECTS, json!({})).await;
    assert_eq!(after["projects"][0]["name"], "Inbox");
    assert_eq!(after["projects"][0]["archived"], false);
    assert_eq!(after["projects"][0]["openTaskCount"], 1);
    assert_eq!(app.task_count(&ada.token).await, 1);
}

#[tokio::test]
async fn project_names_are_unique_per_owner_regardless_of_case_and_order_is_manual() {
    let app = spawn_app().await;
    let ada = app.person("ada@example.com").await;
    let bob = app.person("bob@example.com").await;
    let work = app.create_project(&ada.token, "Work").await;
    let home = app.create_project(&ada.token, "Home").await;
    // Another account may use the same name.
    app.create_project(&bob.token, "work").await;

    let response = app
        .graphql(
            Some(&ada.token),
            "mutation { createProject(input: { name: \"WORK\" }) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&response), "BAD_USER_INPUT");
    assert_eq!(error_field(&response), "input.name");
    let response = update_project(&app, &ada.token, &home, json!({ "name": "work" })).await;
    assert_eq!(error_code(&response), "BAD_USER_INPUT");
    assert_eq!(error_field(&response), "input.name");
    for bad in [json!({ "name": "" }), json!({ "name": "x".repeat(101) })] {
        let response = app
            .graphql(
                Some(&ada.token),
                "mutation($input: CreateProjectInput!) { createProject(input: $input) { id } }",
                json!({ "input": bad }),
            )
            .await;
        assert_eq!(error_code(&response), "BAD_USER_INPUT", "{bad}");
    }
    // Renaming to another case of its own name is no clash.
    let renamed = update_project(
        &app,
        &ada.token,
        &work,
        json!({ "name": "WORK", "color": "#3B82F6" }),
    )
    .await;
    assert_eq!(
        renamed["data"]["updateProject"]["name"], "WORK",
        "{renamed}"
    );
    assert_eq!(renamed["data"]["updateProject"]["color"], "#3b82f6");
    let cleared = update_project(&app, &ada.token, &work, json!({ "color": null })).await;
    assert_eq!(
        cleared["data"]["updateProject"]["color"],
        Value::Null,
        "{cleared}"
    );

    // The Inbox first, then by position.
    update_project(&app, &ada.token, &work, json!({ "position": 2 })).await;
    update_project(&app, &ada.token, &home, json!({ "position": 1 })).await;
    assert_eq!(
        project_names(&app, &ada.token, false).await,
        ["Inbox", "Home", "WORK"]
    );
    update_project(&app, &ada.token, &home, json!({ "position": 3 })).await;
    assert_eq!(
        project_names(&app, &ada.token, false).await,
        ["Inbox", "WORK", "Home"]
    );

    // Archived: out of the default list, its tasks kept.
    app.create_task(
        &ada.token,
        json!({ "title": "file taxes", "projectId": home }),
    )
    .await;
    let archived = update_project(&app, &ada.token, &home, json!({ "archived": true })).await;
    assert_eq!(
        archived["data"]["updateProject"]["archived"], true,
        "{archived}"
    );
    assert_eq!(
        project_names(&app, &ada.token, false).await,
        ["Inbox", "WORK"]
    );
    assert_eq!(
        project_names(&app, &ada.token, true).await,
        ["Inbox", "WORK", "Home"]
    );
    assert_eq!(
        app.task_ids(&ada.token, json!({ "projectId": home }))
            .await
            .len(),
        1
    );
}

#[tokio::test]
async fn deleting_a_project_deletes_its_tasks_and_subtasks_only() {
    let app = spawn_app().await;
    let ada = app.person("ada@example.com").await;
    let project = app.create_project(&ada.token, "Move house").await;
    let parent = app
        .create_task(&ada.token, json!({ "title": "pack", "projectId": project }))
        .await;
    let subtask = app
        .create_task(
            &ada.token,
            json!({ "title": "books", "parentId": parent["id"] }),
        )
        .await;
    let kept = app
        .create_task(&ada.token, json!({ "title": "elsewhere" }))
        .await;
    let deleted = app
        .ok(
            Some(&ada.token),
            "mutation($id: ID!) { deleteProject(id: $id) }",
            json!({ "id": project }),
        )
        .await;
    assert_eq!(deleted["deleteProject"], true);
    for (task, exists) in [(&parent, false), (&subtask, false), (&kept, true)] {
        let read = app
            .ok(
                Some(&ada.token),
                "query($id: ID!) { task(id: $id) { id } }",
                json!({ "id": task["id"] }),
            )
            .await;
        assert_eq!(!read["task"].is_null(), exists, "{task}");
    }
    assert_eq!(project_names(&app, &ada.token, true).await, ["Inbox"]);
    let again = app
        .graphql(
            Some(&ada.token),
            "mutation($id: ID!) { deleteProject(id: $id) }",
            json!({ "id": project }),
        )
        .await;
    assert_eq!(error_code(&again), "NOT_FOUND");
}

const LABELS: &str = "{ labels { id name color } }";

async fn create_label(app: &TestApp, token: &str, name: &str, color: Option<&str>) -> String {
    let data = app
        .ok(
            Some(token),
            "mutation($input: CreateLabelInput!) { createLabel(input: $input) { id name color } }",
            json!({ "input": { "name": name, "color": color } }),
        )
        .await;
    assert_eq!(data["createLabel"]["name"], name);
    data["createLabel"]["id"].as_str().unwrap().to_owned()
}

async fn label_names_of(app: &TestApp, token: &str, task: &Value) -> Vec<String> {
    let data = app
        .ok(
            Some(token),
            "query($id: ID!) { task(id: $id) { labels { name } category } }",
            json!({ "id": task }),
        )
        .await;
    data["task"]["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn labels_are_created_changed_filtered_by_and_deleted() {
    let app = spawn_app().await;
    let ada = app.person("ada@example.com").await;
    let bob = app.person("bob@example.com").await;
    let urgent = create_label(&app, &ada.token, "urgent", Some("#FF0000")).await;
    let calls = create_label(&app, &ada.token, "Calls", None).await;
    let bobs = create_label(&app, &bob.token, "Urgent", None).await;

    let response = app
        .graphql(
            Some(&ada.token),
            "mutation { createLabel(input: { name: \"URGENT\" }) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&response), "BAD_USER_INPUT");
    assert_eq!(error_field(&response), "input.name");
    let data = app.ok(Some(&ada.token), LABELS, json!({})).await;
    assert_eq!(
        data["labels"],
        json!([
            { "id": calls, "name": "Calls", "color": null },
            { "id": urgent, "name": "urgent", "color": "#ff0000" },
        ])
    );

    let both = app
        .create_task(
            &ada.token,
            json!({ "title": "both", "labelIds": [urgent, calls] }),
        )
        .await;
    let only_urgent = app
        .create_task(
            &ada.token,
            json!({ "title": "urgent only", "labelIds": [urgent] }),
        )
        .await;
    app.create_task(&ada.token, json!({ "title": "none" }))
        .await;
    assert_eq!(
        label_names_of(&app, &ada.token, &both["id"]).await,
        ["Calls", "urgent"]
    );
    let id = |task: &Value| task["id"].as_str().unwrap().to_owned();
    assert_eq!(
        app.task_ids(&ada.token, json!({ "labelIds": [urgent] }))
            .await,
        [id(&both), id(&only_urgent)]
    );
    assert_eq!(
        app.task_ids(&ada.token, json!({ "labelIds": [urgent, calls] }))
            .await,
        [id(&both)]
    );

    // Someone else's label is as good as a missing one: NOT_FOUND, like any id the
    // caller cannot see.
    let create = "mutation($l: ID!) { createTask(input: { title: \"x\", labelIds: [$l] }) { id } }";
    let foreign = app
        .graphql(Some(&ada.token), create, json!({ "l": bobs }))
        .await;
    let missing = app
        .graphql(
            Some(&ada.token),
            create,
            json!({ "l": Uuid::new_v4().to_string() }),
        )
        .await;
    assert_eq!(foreign, missing);
    assert_eq!(error_code(&foreign), "NOT_FOUND", "{foreign}");
    for label in [bobs.clone(), Uuid::new_v4().to_string()] {
        let response = app
            .graphql(
                Some(&ada.token),
                "mutation($l: ID!) { updateLabel(id: $l, input: { name: \"mine\" }) { id } }",
                json!({ "l": label }),
            )
            .await;
        assert_eq!(error_code(&response), "NOT_FOUND", "{response}");
    }
    assert_eq!(app.task_count(&ada.token).await, 3);

    // labelIds replaces the set.
    app.ok(
        Some(&ada.token),
        "mutation($id: ID!, $l: [ID!]) { updateTask(id: $id, input: { labelIds: $l }) { id } }",
        json!({ "id": only_urgent["id"], "l": [calls] }),
    )
    .await;
    assert_eq!(
        label_names_of(&app, &ada.token, &only_urgent["id"]).await,
        ["Calls"]
    );

    let updated = app
        .ok(
            Some(&ada.token),
            "mutation($id: ID!) { updateLabel(id: $id, input: { name: \"Phone\", color: null }) { id name color } }",
            json!({ "id": calls }),
        )
        .await;
    assert_eq!(
        updated["updateLabel"],
        json!({ "id": calls, "name": "Phone", "color": null })
    );
    assert_eq!(
        label_names_of(&app, &ada.token, &both["id"]).await,
        ["Phone", "urgent"]
    );

    let deleted = app
        .ok(
            Some(&ada.token),
            "mutation($id: ID!) { deleteLabel(id: $id) }",
            json!({ "id": urgent }),
        )
        .await;
    assert_eq!(deleted["deleteLabel"], true);
    assert_eq!(
        label_names_of(&app, &ada.token, &both["id"]).await,
        ["Phone"]
    );
    assert_eq!(
        app.task_count(&ada.token).await,
        3,
        "deleting a label deletes no task"
    );
    let response = app
        .graphql(
            Some(&bob.token),
            "mutation($id: ID!) { deleteLabel(id: $id) }",
            json!({ "id": calls }),
        )
        .await;
    assert_eq!(error_code(&response), "NOT_FOUND");
}

/// Clients still sending categories create their labels as a side effect: many at once
/// with the same new category all succeed, and make one label. (On SQLite writes take
/// turns; on PostgreSQL the unique index on the name decides.)
#[tokio::test]
async fn tasks_created_at_once_with_one_new_category_share_one_label() {
    let app = spawn_app().await;
    let ada = app.person("ada@example.com").await;
    let creates = (0..8).map(|n| {
        app.graphql(
            Some(&ada.token),
            "mutation($t: String!) { createTask(input: { title: $t, category: \"Garden\" }) { category } }",
            json!({ "t": format!("task {n}") }),
        )
    });
    for response in futures_util::future::join_all(creates).await {
        assert_eq!(
            response["data"]["createTask"]["category"], "Garden",
            "{response}"
        );
    }
    let data = app.ok(Some(&ada.token), LABELS, json!({})).await;
    assert_eq!(data["labels"].as_array().unwrap().len(), 1, "{data}");
}

#[tokio::test]
async fn the_deprecated_category_is_a_label_of_that_name() {
    let app = spawn_app().await;
    let ada = app.person("ada@example.com").await;
    let first = app
        .create_task(
            &ada.token,
            json!({ "title": "milk", "category": "Errands" }),
        )
        .await;
    assert_eq!(first["category"], "Errands");
    let second = app
        .create_task(
            &ada.token,
            json!({ "title": "stamps", "category": "errands" }),
        )
        .await;
    // The existing label, whatever the case it is given in.
    let data = app.ok(Some(&ada.token), LABELS, json!({})).await;
    let labels = data["labels"].as_array().unwrap();
    assert_eq!(labels.len(), 1, "{data}");
    assert_eq!(labels[0]["name"], "Errands");
    assert_eq!(second["category"], "Errands");
    assert_eq!(
        label_names_of(&app, &ada.token, &second["id"]).await,
        ["Errands"]
    );
    app.create_task(&ada.token, json!({ "title": "other" }))
        .await;
    assert_eq!(
        app.task_ids(&ada.token, json!({ "category": "Errands" }))
            .await,
        ids(&json!([first, second]), "")
    );

    let cleared = app
        .ok(
            Some(&ada.token),
            "mutation($id: ID!) { updateTask(id: $id, input: { category: null }) { category labels { id } } }",
            json!({ "id": first["id"] }),
        )
        .await;
    assert_eq!(
        cleared["updateTask"],
        json!({ "category": null, "labels": [] })
    );
}

const SUBTASK_FIELDS: &str = "id title parentId project { id } completed position subtaskProgress { done total } subtasks { id title completed parentId }";

async fn read_task(app: &TestApp, token: &str, id: &Value) -> Value {
    let data = app
        .ok(
            Some(token),
            &format!("query($id: ID!) {{ task(id: $id) {{ {SUBTASK_FIELDS} }} }}"),
            json!({ "id": id }),
        )
        .await;
    data["task"].clone()
}

#[tokio::test]
async fn subtasks_are_listed_under_their_parent_one_level_deep() {
    let app = spawn_app().await;
    let ada = app.person("ada@example.com").await;
    let project = app.create_project(&ada.token, "Party").await;
    let parent = app
        .create_task(
            &ada.token,
            json!({ "title": "party", "projectId": project }),
        )
        .await;
    let mut subtasks = Vec::new();
    for title in ["invite", "cook", "clean"] {
        subtasks.push(
            app.create_task(
                &ada.token,
                json!({ "title": title, "parentId": parent["id"] }),
            )
            .await,
        );
    }
    let id = |task: &Value| task["id"].as_str().unwrap().to_owned();
    app.complete_task(&ada.token, &id(&subtasks[1])).await;

    let read = read_task(&app, &ada.token, &parent["id"]).await;
    assert_eq!(read["subtaskProgress"], json!({ "done": 1, "total": 3 }));
    assert_eq!(
        ids(&read["subtasks"], ""),
        subtasks.iter().map(id).collect::<Vec<_>>(),
        "in the order they were added"
    );
    let child = read_task(&app, &ada.token, &subtasks[0]["id"]).await;
    assert_eq!(child["parentId"], parent["id"]);
    assert_eq!(
        child["project"]["id"],
        project.as_str(),
        "a subtask takes its parent's project"
    );
    assert_eq!(child["subtaskProgress"], json!({ "done": 0, "total": 0 }));

    // Top-level tasks only, unless the parent is asked for.
    assert_eq!(app.task_ids(&ada.token, json!({})).await, [id(&parent)]);
    assert_eq!(
        app.task_ids(&ada.token, json!({ "parentId": parent["id"] }))
            .await,
        subtasks.iter().map(id).collect::<Vec<_>>()
    );

    // Reordering.
    app.ok(
        Some(&ada.token),
        "mutation($id: ID!) { updateTask(id: $id, input: { position: 10 }) { id } }",
        json!({ "id": subtasks[0]["id"] }),
    )
    .await;
    let read = read_task(&app, &ada.token, &parent["id"]).await;
    assert_eq!(
        ids(&read["subtasks"], ""),
        [id(&subtasks[1]), id(&subtasks[2]), id(&subtasks[0])]
    );

    // One level only.
    let response = app
        .graphql(
            Some(&ada.token),
            "mutation($p: ID!) { createTask(input: { title: \"deeper\", parentId: $p }) { id } }",
            json!({ "p": subtasks[0]["id"] }),
        )
        .await;
    assert_eq!(error_code(&response), "BAD_USER_INPUT", "{response}");
    // Another person's task is no parent, and looks like a missing one.
    let bob = app.person("bob@example.com").await;
    let create =
        "mutation($p: ID!) { createTask(input: { title: \"mine\", parentId: $p }) { id } }";
    let foreign = app
        .graphql(Some(&bob.token), create, json!({ "p": parent["id"] }))
        .await;
    let missing = app
        .graphql(
            Some(&bob.token),
            create,
            json!({ "p": Uuid::new_v4().to_string() }),
        )
        .await;
    assert_eq!(foreign, missing);
    assert_eq!(error_code(&foreign), "NOT_FOUND", "{foreign}");
    assert_eq!(app.task_count(&bob.token).await, 0);

    // Deleting the parent deletes its subtasks.
    app.ok(
        Some(&ada.token),
        "mutation($id: ID!) { deleteTask(id: $id) }",
        json!({ "id": parent["id"] }),
    )
    .await;
    for subtask in &subtasks {
        let read = app
            .ok(
                Some(&ada.token),
                "query($id: ID!) { task(id: $id) { id } }",
                json!({ "id": subtask["id"] }),
            )
            .await;
        assert_eq!(read["task"], Value::Null);
    }
}

#[tokio::test]
async fn completing_a_recurring_parent_gives_the_next_occurrence_its_subtasks_open() {
    let app = spawn_app().await;
    let ada = app.person("ada@example.com").await;
    let parent = app
        .create_task(
            &ada.token,
            json!({ "title": "weekly review", "dueAt": "2027-01-04T09:00:00Z", "recurrence": { "preset": "WEEKLY" } }),
        )
        .await;
    for title in ["inbox zero", "plan week"] {
        app.create_task(
            &ada.token,
            json!({ "title": title, "parentId": parent["id"] }),
        )
        .await;
    }
    let before = read_task(&app, &ada.token, &parent["id"]).await;
    let first_subtask = before["subtasks"][0]["id"].as_str().unwrap().to_owned();
    app.complete_task(&ada.token, &first_subtask).await;

    let done = app
        .complete_task(&ada.token, parent["id"].as_str().unwrap())
        .await;
    let next_id = &done["nextOccurrence"]["id"];
    assert!(next_id.is_string(), "{done}");
    let next = read_task(&app, &ada.token, next_id).await;
    assert_eq!(next["subtaskProgress"], json!({ "done": 0, "total": 2 }));
    let titles: Vec<&str> = next["subtasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["inbox zero", "plan week"]);
    for subtask in next["subtasks"].as_array().unwrap() {
        assert_eq!(subtask["completed"], false);
        assert_eq!(subtask["parentId"], *next_id);
    }
    // The completed occurrence keeps its own.
    let old = read_task(&app, &ada.token, &parent["id"]).await;
    assert_eq!(ids(&old["subtasks"], ""), ids(&before["subtasks"], ""));
    assert_eq!(old["subtaskProgress"], json!({ "done": 1, "total": 2 }));
}
