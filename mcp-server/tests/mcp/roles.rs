//! Every tool, for each way a person can stand to a shared project: its owner, an
//! editor, a viewer, a member who was removed, and a stranger. The MCP server acts with
//! each person's own API token, so what the API allows them is what the tools allow.

use serde_json::{Value, json};

use crate::helpers::{
    McpClient, TestApi, call, http_client, ok, spawn_http_server, start_api, start_api_on_postgres,
    tool_error,
};

#[tokio::test]
async fn each_tool_allows_what_the_project_role_allows_on_sqlite() {
    each_tool_allows_what_the_project_role_allows(start_api().await).await;
}

#[tokio::test]
#[ignore = "needs PostgreSQL (TEST_DATABASE_URL)"]
async fn each_tool_allows_what_the_project_role_allows_on_postgres() {
    each_tool_allows_what_the_project_role_allows(start_api_on_postgres().await).await;
}

/// One person: their session (for GraphQL set-up) and an MCP client with their token.
struct Person {
    session: String,
    mcp: McpClient,
}

const PROJECT: &str = "Household";

async fn each_tool_allows_what_the_project_role_allows(api: TestApi) {
    let server = spawn_http_server(&api.url, &[]).await;
    let mut people = Vec::new();
    for email in [
        "owner@example.com",
        "editor@example.com",
        "viewer@example.com",
        "removed@example.com",
        "stranger@example.com",
    ] {
        let session = api.register(email).await;
        let (token, _) = api.api_token(&session, "WRITE").await;
        let mcp = http_client(&server.url, &token).await;
        people.push(Person { session, mcp });
    }
    let [owner, editor, viewer, removed, stranger] = &people[..] else {
        unreachable!("five people");
    };

    let project = ok(&call(&owner.mcp, "create_project", json!({ "name": PROJECT })).await);
    let project_id = project["id"].as_str().unwrap().to_owned();
    for (person, email, role) in [
        (editor, "editor@example.com", "EDITOR"),
        (viewer, "viewer@example.com", "VIEWER"),
        (removed, "removed@example.com", "EDITOR"),
    ] {
        join(&api, owner, person, &project_id, email, role).await;
    }
    let removed_id = user_id(&api, removed).await;
    let gone = api
        .graphql(
            &owner.session,
            "mutation($p: ID!, $u: ID!) { removeProjectMember(projectId: $p, userId: $u) }",
            json!({ "p": project_id, "u": removed_id }),
        )
        .await;
    assert_eq!(gone["data"]["removeProjectMember"], true, "{gone}");

    let chore = ok(&call(
        &owner.mcp,
        "add_task",
        json!({ "title": "Descale the kettle", "project": PROJECT, "labels": ["kitchen"] }),
    )
    .await);
    let chore_id = chore["id"].as_str().unwrap().to_owned();
    assert_eq!(chore["project"]["name"], PROJECT, "{chore}");

    // Reads: members see the project and its task; the others see nothing of it.
    for (person, sees) in [
        (owner, true),
        (editor, true),
        (viewer, true),
        (removed, false),
        (stranger, false),
    ] {
        let projects = ok(&call(&person.mcp, "list_projects", json!({})).await);
        let project_names = names(&projects["projects"]);
        assert_eq!(
            project_names.contains(&PROJECT.to_owned()),
            sees,
            "{projects}"
        );

        let by_id = call(&person.mcp, "get_task", json!({ "id": chore_id })).await;
        let history = call(&person.mcp, "get_task_history", json!({ "id": chore_id })).await;
        let listed = call(&person.mcp, "list_tasks", json!({ "project": project_id })).await;
        let everything = ok(&call(&person.mcp, "list_tasks", json!({})).await);
        let all_titles = titles(&everything["tasks"]);
        if sees {
            assert_eq!(ok(&by_id)["title"], "Descale the kettle");
            assert!(
                ok(&history)["entries"]
                    .as_array()
                    .is_some_and(|e| !e.is_empty())
            );
            assert_eq!(titles(&ok(&listed)["tasks"]), ["Descale the kettle"]);
            assert_eq!(all_titles, ["Descale the kettle"], "{everything}");
        } else {
            assert_not_found(&tool_error(&by_id), &chore_id);
            assert_not_found(&tool_error(&history), &chore_id);
            // A project they are not in is an unknown one, named like any other.
            let unknown = tool_error(&listed);
            assert!(unknown.contains("Invalid argument `project`"), "{unknown}");
            assert!(!unknown.contains(PROJECT), "{unknown}");
            assert!(all_titles.is_empty(), "{everything}");
        }
        // Labels are each account's own: the owner's `kitchen` is nobody else's.
        let labels = ok(&call(&person.mcp, "list_labels", json!({})).await);
        let is_owner = std::ptr::eq(person, owner);
        assert_eq!(
            names(&labels["labels"]).contains(&"kitchen".to_owned()),
            is_owner,
            "{labels}"
        );
        // Everyone may make projects of their own.
        ok(&call(&person.mcp, "create_project", json!({ "name": "Mine" })).await);
    }

    // Writes: the owner and the editor change the project's tasks; a viewer is refused
    // with a reason; the removed member and the stranger find no such task or project.
    for (person, who) in [
        (owner, "owner"),
        (editor, "editor"),
        (viewer, "viewer"),
        (removed, "removed"),
        (stranger, "stranger"),
    ] {
        let own_task = api.create_task(&owner.session, &format!("For {who}")).await;
        move_to(&api, owner, &own_task, &project_id).await;
        let add = call(
            &person.mcp,
            "add_task",
            json!({ "title": format!("Added by {who}"), "project": project_id }),
        )
        .await;
        let subtask = call(
            &person.mcp,
            "add_task",
            json!({ "title": format!("Step by {who}"), "parentId": own_task }),
        )
        .await;
        let update = call(
            &person.mcp,
            "update_task",
            json!({ "id": own_task, "title": format!("Renamed by {who}"), "labels": ["shared"] }),
        )
        .await;
        let complete = call(&person.mcp, "complete_task", json!({ "id": own_task })).await;
        let uncomplete = call(&person.mcp, "uncomplete_task", json!({ "id": own_task })).await;
        let delete = call(&person.mcp, "delete_task", json!({ "id": own_task })).await;
        match who {
            "owner" | "editor" => {
                assert_eq!(ok(&add)["project"]["name"], PROJECT, "{who}");
                assert_eq!(ok(&subtask)["parentId"], own_task.as_str(), "{who}");
                let renamed = ok(&update);
                assert_eq!(renamed["title"], format!("Renamed by {who}"));
                assert_eq!(renamed["labels"], json!(["shared"]), "{renamed}");
                assert_eq!(ok(&complete)["task"]["completed"], true, "{who}");
                assert_eq!(ok(&uncomplete)["completed"], false, "{who}");
                ok(&delete);
                assert_eq!(api.task(&owner.session, &own_task).await, Value::Null);
            }
            "viewer" => {
                for (tool, refused) in [
                    ("add_task", &add),
                    ("add_task with parentId", &subtask),
                    ("update_task", &update),
                    ("complete_task", &complete),
                    ("uncomplete_task", &uncomplete),
                    ("delete_task", &delete),
                ] {
                    let message = tool_error(refused);
                    assert!(message.contains("refused this change"), "{tool}: {message}");
                    assert!(message.contains("VIEWER"), "{tool}: {message}");
                }
                let untouched = api.task(&owner.session, &own_task).await;
                assert_eq!(untouched["title"], format!("For {who}"), "{untouched}");
                assert_eq!(untouched["completed"], false, "{untouched}");
            }
            _ => {
                let unknown = tool_error(&add);
                assert!(unknown.contains("Invalid argument `project`"), "{unknown}");
                for missing in [&subtask, &update, &complete, &uncomplete, &delete] {
                    assert_not_found(&tool_error(missing), &own_task);
                }
                let untouched = api.task(&owner.session, &own_task).await;
                assert_eq!(untouched["title"], format!("For {who}"), "{untouched}");
            }
        }
    }
    let listed = ok(&call(&owner.mcp, "list_tasks", json!({ "project": PROJECT })).await);
    let mut added = titles(&listed["tasks"]);
    added.retain(|title| title.starts_with("Added by"));
    added.sort();
    assert_eq!(added, ["Added by editor", "Added by owner"], "{listed}");

    // Notifications are each person's own: only the invitees were told of the project.
    for (person, invited) in [
        (owner, false),
        (editor, true),
        (viewer, true),
        (removed, true),
        (stranger, false),
    ] {
        let notifications = ok(&call(&person.mcp, "list_notifications", json!({})).await);
        let told = notifications.to_string().contains(PROJECT);
        assert_eq!(told, invited, "{notifications}");
    }
}

/// `owner` shares the project with `person` as `role`, and `person` accepts.
async fn join(
    api: &TestApi,
    owner: &Person,
    person: &Person,
    project_id: &str,
    email: &str,
    role: &str,
) {
    let shared = api
        .graphql(
            &owner.session,
            "mutation($p: ID!, $e: String!, $r: ProjectRole!) { \
               shareProject(projectId: $p, email: $e, role: $r) { id } }",
            json!({ "p": project_id, "e": email, "r": role }),
        )
        .await;
    let invitation = shared["data"]["shareProject"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("cannot share: {shared}"));
    let accepted = api
        .graphql(
            &person.session,
            "mutation($id: ID!) { acceptInvitation(id: $id) { id role } }",
            json!({ "id": invitation }),
        )
        .await;
    assert_eq!(
        accepted["data"]["acceptInvitation"]["role"], role,
        "{accepted}"
    );
}

async fn user_id(api: &TestApi, person: &Person) -> String {
    let me = api
        .graphql(&person.session, "{ me { id } }", json!({}))
        .await;
    me["data"]["me"]["id"].as_str().unwrap().to_owned()
}

async fn move_to(api: &TestApi, owner: &Person, task_id: &str, project_id: &str) {
    let moved = api
        .graphql(
            &owner.session,
            "mutation($id: ID!, $p: ID!) { updateTask(id: $id, input: { projectId: $p }) { id } }",
            json!({ "id": task_id, "p": project_id }),
        )
        .await;
    assert_eq!(moved["data"]["updateTask"]["id"], task_id, "{moved}");
}

fn assert_not_found(message: &str, id: &str) {
    assert!(
        message.contains(&format!("No task with id {id}")),
        "{message}"
    );
}

fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(|item| item["name"].as_str().map(str::to_owned))
        .collect()
}

fn titles(list: &Value) -> Vec<String> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(|item| item["title"].as_str().map(str::to_owned))
        .collect()
}
