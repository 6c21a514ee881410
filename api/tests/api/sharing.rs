//! Shared projects (issue 28): who may do what, and invitations.
//!
//! A project or task the caller cannot see must behave exactly like a missing one, so
//! the matrix compares each answer to a stranger or a removed member with the answer
//! the same caller gets for ids that do not exist.

use std::time::Duration;

use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{TestApp, error_code, eventually, spawn_app};
use crate::projects_helpers::{Person, ids};

/// The ids an operation is aimed at.
struct Target {
    project: String,
    task: String,
    /// A member the owner may change or remove.
    member: String,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    Allowed,
    Forbidden,
    /// As if the ids did not exist.
    Hidden,
}

struct Operation {
    query: &'static str,
    variables: fn(&Target) -> Value,
    /// For the owner, an editor and a viewer; removed members and strangers: Hidden.
    expect: [Expect; 3],
}

use Expect::{Allowed, Forbidden, Hidden};

/// In the order they are tried: each destructive one after those that need what it
/// destroys.
const OPERATIONS: &[Operation] = &[
    Operation {
        query: "query($id: ID!) { project(id: $id) { id name tasks { totalCount edges { node { id } } } } }",
        variables: |t| json!({ "id": t.project }),
        expect: [Allowed, Allowed, Allowed],
    },
    Operation {
        query: "query($p: ID!) { tasks(filter: { projectId: $p }) { totalCount edges { node { id } } } }",
        variables: |t| json!({ "p": t.project }),
        expect: [Allowed, Allowed, Allowed],
    },
    Operation {
        query: "query($id: ID!) { task(id: $id) { id title project { id } } }",
        variables: |t| json!({ "id": t.task }),
        expect: [Allowed, Allowed, Allowed],
    },
    Operation {
        query: "mutation($p: ID!) { createTask(input: { title: \"new\", projectId: $p }) { id project { id } } }",
        variables: |t| json!({ "p": t.project }),
        expect: [Allowed, Allowed, Forbidden],
    },
    Operation {
        query: "mutation($id: ID!) { updateTask(id: $id, input: { title: \"changed\" }) { id title } }",
        variables: |t| json!({ "id": t.task }),
        expect: [Allowed, Allowed, Forbidden],
    },
    Operation {
        query: "mutation($id: ID!) { completeTask(id: $id) { task { id completed } } }",
        variables: |t| json!({ "id": t.task }),
        expect: [Allowed, Allowed, Forbidden],
    },
    Operation {
        query: "mutation($id: ID!) { deleteTask(id: $id) }",
        variables: |t| json!({ "id": t.task }),
        expect: [Allowed, Allowed, Forbidden],
    },
    Operation {
        query: "mutation($id: ID!) { updateProject(id: $id, input: { color: \"#123456\" }) { id color } }",
        variables: |t| json!({ "id": t.project }),
        expect: [Allowed, Forbidden, Forbidden],
    },
    Operation {
        query: "mutation($p: ID!) { shareProject(projectId: $p, email: \"new.friend@example.com\", role: VIEWER) { id } }",
        variables: |t| json!({ "p": t.project }),
        expect: [Allowed, Forbidden, Forbidden],
    },
    Operation {
        query: "mutation($p: ID!, $u: ID!) { updateProjectMember(projectId: $p, userId: $u, role: VIEWER) { user { id } role } }",
        variables: |t| json!({ "p": t.project, "u": t.member }),
        expect: [Allowed, Forbidden, Forbidden],
    },
    Operation {
        query: "mutation($p: ID!, $u: ID!) { removeProjectMember(projectId: $p, userId: $u) }",
        variables: |t| json!({ "p": t.project, "u": t.member }),
        expect: [Allowed, Forbidden, Forbidden],
    },
    Operation {
        query: "mutation($id: ID!) { deleteProject(id: $id) }",
        variables: |t| json!({ "id": t.project }),
        expect: [Allowed, Forbidden, Forbidden],
    },
];

/// What the owner sees of the project and of one of its tasks: a refused operation
/// must leave it as it was.
async fn state(app: &TestApp, owner: &Person, target: &Target) -> Value {
    app.ok(
        Some(&owner.token),
        "query($p: ID!, $t: ID!) { project(id: $p) { name color archived members { user { id } role } invitations { email role } tasks(first: 200) { totalCount } } task(id: $t) { title completed } }",
        json!({ "p": target.project, "t": target.task }),
    )
    .await
}

async fn create_task_in(app: &TestApp, token: &str, project: &str) -> String {
    let task = app
        .create_task(
            token,
            json!({ "title": "shared work", "projectId": project }),
        )
        .await;
    task["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn each_role_may_do_what_it_allows_and_the_rest_cannot_see_the_project() {
    let app = spawn_app().await;
    let owner = app.person("owner@example.com").await;
    let editor = app.person("editor@example.com").await;
    let viewer = app.person("viewer@example.com").await;
    let removed = app.person("removed@example.com").await;
    let stranger = app.person("stranger@example.com").await;
    let extra = app.person("extra@example.com").await;
    let project = app.create_project(&owner.token, "Household").await;
    for (member, email, role) in [
        (&editor, "editor@example.com", "EDITOR"),
        (&viewer, "viewer@example.com", "VIEWER"),
        (&removed, "removed@example.com", "EDITOR"),
        (&extra, "extra@example.com", "VIEWER"),
    ] {
        app.add_member(&owner, &project, member, email, role).await;
    }
    let first_task = create_task_in(&app, &owner.token, &project).await;

    // Removal ends access at once.
    let read_task = "query($id: ID!) { task(id: $id) { id } }";
    let seen = app
        .ok(Some(&removed.token), read_task, json!({ "id": first_task }))
        .await;
    assert_eq!(seen["task"]["id"], first_task.as_str());
    let removal = app
        .ok(
            Some(&owner.token),
            "mutation($p: ID!, $u: ID!) { removeProjectMember(projectId: $p, userId: $u) }",
            json!({ "p": project, "u": removed.id }),
        )
        .await;
    assert_eq!(removal["removeProjectMember"], true);
    let unseen = app
        .ok(Some(&removed.token), read_task, json!({ "id": first_task }))
        .await;
    assert_eq!(unseen["task"], Value::Null);

    // Members see the project with their role, in their list; the others do not.
    for (person, role) in [
        (&owner, Some("OWNER")),
        (&editor, Some("EDITOR")),
        (&viewer, Some("VIEWER")),
        (&removed, None),
        (&stranger, None),
    ] {
        let data = app
            .ok(
                Some(&person.token),
                "query($id: ID!) { project(id: $id) { role owner { id } } projects { id } }",
                json!({ "id": project }),
            )
            .await;
        let listed = ids(&data["projects"], "").contains(&project);
        match role {
            Some(role) => {
                assert_eq!(data["project"]["role"], role);
                assert_eq!(data["project"]["owner"]["id"], owner.id.as_str());
                assert!(listed, "{role} does not list the project");
            }
            None => {
                assert_eq!(data["project"], Value::Null);
                assert!(!listed);
            }
        }
    }

    for operation in OPERATIONS {
        for (person, expect) in [
            (&removed, Hidden),
            (&stranger, Hidden),
            (&viewer, operation.expect[2]),
            (&editor, operation.expect[1]),
            (&owner, operation.expect[0]),
        ] {
            let target = Target {
                project: project.clone(),
                task: create_task_in(&app, &owner.token, &project).await,
                member: extra.id.clone(),
            };
            let before = state(&app, &owner, &target).await;
            let response = app
                .graphql(
                    Some(&person.token),
                    operation.query,
                    (operation.variables)(&target),
                )
                .await;
            let context = format!("{expect:?} for {}: {}", person.id, operation.query);
            match expect {
                Allowed => {
                    assert!(response.get("errors").is_none(), "{context}: {response}");
                    let data = response["data"].as_object().unwrap();
                    assert!(
                        data.values().all(|value| !value.is_null()),
                        "{context}: {response}"
                    );
                    continue;
                }
                Forbidden => assert_eq!(error_code(&response), "FORBIDDEN", "{context}"),
                Hidden => {
                    let missing = Target {
                        project: Uuid::new_v4().to_string(),
                        task: Uuid::new_v4().to_string(),
                        member: target.member.clone(),
                    };
                    let as_missing = app
                        .graphql(
                            Some(&person.token),
                            operation.query,
                            (operation.variables)(&missing),
                        )
                        .await;
                    let as_missing = as_missing
                        .to_string()
                        .replace(&missing.project, &target.project)
                        .replace(&missing.task, &target.task);
                    assert_eq!(response.to_string(), as_missing, "{context}");
                }
            }
            assert_eq!(state(&app, &owner, &target).await, before, "{context}");
        }
    }
    let gone = app
        .ok(
            Some(&editor.token),
            "query($id: ID!) { project(id: $id) { id } }",
            json!({ "id": project }),
        )
        .await;
    assert_eq!(gone["project"], Value::Null, "deleteProject left it");
}

#[tokio::test]
async fn members_see_the_audit_trail_with_its_actors_and_the_others_do_not() {
    let app = spawn_app().await;
    let owner = app.person("owner@example.com").await;
    let editor = app.person("editor@example.com").await;
    let viewer = app.person("viewer@example.com").await;
    let removed = app.person("removed@example.com").await;
    let stranger = app.person("stranger@example.com").await;
    let project = app.create_project(&owner.token, "Team").await;
    for (member, email, role) in [
        (&editor, "editor@example.com", "EDITOR"),
        (&viewer, "viewer@example.com", "VIEWER"),
        (&removed, "removed@example.com", "VIEWER"),
    ] {
        app.add_member(&owner, &project, member, email, role).await;
    }
    let task = create_task_in(&app, &owner.token, &project).await;
    app.ok(
        Some(&editor.token),
        "mutation($id: ID!) { updateTask(id: $id, input: { title: \"edited\" }) { id } }",
        json!({ "id": task }),
    )
    .await;
    app.ok(
        Some(&owner.token),
        "mutation($p: ID!, $u: ID!) { removeProjectMember(projectId: $p, userId: $u) }",
        json!({ "p": project, "u": removed.id }),
    )
    .await;

    let audit = "query($t: ID!) { auditLog(filter: { taskId: $t }) { totalCount edges { node { id action entityId projectId actor { id displayName } } } } }";
    let owners_view = eventually(Duration::from_secs(10), || async {
        let data = app
            .ok(Some(&owner.token), audit, json!({ "t": task }))
            .await;
        (data["auditLog"]["totalCount"] == 2).then_some(data)
    })
    .await;
    let entries = &owners_view["auditLog"]["edges"];
    // Newest first.
    assert_eq!(entries[0]["node"]["action"], "UPDATE");
    assert_eq!(entries[0]["node"]["actor"]["id"], editor.id.as_str());
    assert_eq!(entries[1]["node"]["action"], "CREATE");
    assert_eq!(entries[1]["node"]["actor"]["id"], owner.id.as_str());
    for entry in entries.as_array().unwrap() {
        assert_eq!(entry["node"]["projectId"], project.as_str());
    }
    for member in [&editor, &viewer] {
        let data = app
            .ok(Some(&member.token), audit, json!({ "t": task }))
            .await;
        assert_eq!(data, owners_view);
    }
    for outsider in [&removed, &stranger] {
        let data = app
            .ok(Some(&outsider.token), audit, json!({ "t": task }))
            .await;
        let missing = app
            .ok(
                Some(&outsider.token),
                audit,
                json!({ "t": Uuid::new_v4().to_string() }),
            )
            .await;
        assert_eq!(data, missing);
        assert_eq!(data["auditLog"]["totalCount"], 0);
        // Not in their unfiltered trail either.
        let all = app
            .ok(
                Some(&outsider.token),
                "{ auditLog { edges { node { entityId } } } }",
                json!({}),
            )
            .await;
        assert!(!all.to_string().contains(&task));
    }
}

const MY_INVITATIONS: &str = "{ invitations { id email role project { id name } invitedBy { displayName } createdAt expiresAt } }";

#[tokio::test]
async fn invitations_wait_for_registration_and_can_be_accepted_declined_or_withdrawn() {
    let app = spawn_app().await;
    let owner = app.person("owner@example.com").await;
    let registered = app.person("registered@example.com").await;
    let project = app.create_project(&owner.token, "Garden").await;
    let share = "mutation($p: ID!, $e: String!, $r: ProjectRole!) { shareProject(projectId: $p, email: $e, role: $r) { email role project { id name } invitedBy { id displayName } createdAt expiresAt } }";

    // The same answer whether the email has an account or not.
    let mut answers = Vec::new();
    for email in ["Registered@Example.com", "Newcomer@Example.com"] {
        let data = app
            .ok(
                Some(&owner.token),
                share,
                json!({ "p": project, "e": email, "r": "EDITOR" }),
            )
            .await;
        let mut invitation = data["shareProject"].clone();
        assert_eq!(invitation["email"], email.to_lowercase());
        let created =
            chrono::DateTime::parse_from_rfc3339(invitation["createdAt"].as_str().unwrap())
                .unwrap();
        let expires =
            chrono::DateTime::parse_from_rfc3339(invitation["expiresAt"].as_str().unwrap())
                .unwrap();
        // 14 days, give or take the moment between two readings of the clock.
        let drift = expires - created - chrono::Duration::days(14);
        assert!(drift.abs() < chrono::Duration::seconds(1), "{invitation}");
        for field in ["email", "createdAt", "expiresAt"] {
            invitation.as_object_mut().unwrap().remove(field);
        }
        answers.push(invitation);
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(
        answers[0],
        json!({
            "role": "EDITOR",
            "project": { "id": project, "name": "Garden" },
            "invitedBy": { "id": owner.id, "displayName": "Test User" }
        })
    );
    let pending = app
        .ok(
            Some(&owner.token),
            "query($id: ID!) { project(id: $id) { invitations { email role } members { user { id } role } } }",
            json!({ "id": project }),
        )
        .await;
    let mut emails: Vec<&str> = pending["project"]["invitations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["email"].as_str().unwrap())
        .collect();
    emails.sort_unstable();
    assert_eq!(emails, ["newcomer@example.com", "registered@example.com"]);
    assert_eq!(
        pending["project"]["members"],
        json!([{ "user": { "id": owner.id }, "role": "OWNER" }])
    );

    // Registering with the email shows the invitation; accepting makes a member.
    let newcomer = app.person("newcomer@example.com").await;
    let mine = app
        .ok(Some(&newcomer.token), MY_INVITATIONS, json!({}))
        .await;
    let invitations = mine["invitations"].as_array().unwrap();
    assert_eq!(invitations.len(), 1, "{mine}");
    assert_eq!(invitations[0]["project"]["id"], project.as_str());
    assert_eq!(invitations[0]["role"], "EDITOR");
    assert_eq!(invitations[0]["invitedBy"]["displayName"], "Test User");
    let invitation = invitations[0]["id"].as_str().unwrap().to_owned();
    // Only the invitee can answer it.
    for mutation in [
        "mutation($id: ID!) { acceptInvitation(id: $id) { id } }",
        "mutation($id: ID!) { declineInvitation(id: $id) }",
    ] {
        let response = app
            .graphql(
                Some(&registered.token),
                mutation,
                json!({ "id": invitation }),
            )
            .await;
        assert_eq!(error_code(&response), "NOT_FOUND", "{mutation}");
    }
    let accepted = app
        .ok(
            Some(&newcomer.token),
            "mutation($id: ID!) { acceptInvitation(id: $id) { id role members { user { id } role } } }",
            json!({ "id": invitation }),
        )
        .await;
    assert_eq!(accepted["acceptInvitation"]["id"], project.as_str());
    assert_eq!(accepted["acceptInvitation"]["role"], "EDITOR");
    assert_eq!(
        accepted["acceptInvitation"]["members"],
        json!([
            { "user": { "id": owner.id }, "role": "OWNER" },
            { "user": { "id": newcomer.id }, "role": "EDITOR" },
        ])
    );
    let after = app
        .ok(Some(&newcomer.token), MY_INVITATIONS, json!({}))
        .await;
    assert_eq!(after["invitations"], json!([]));
    // Owner-only: a member sees no invitations.
    let members_view = app
        .ok(
            Some(&newcomer.token),
            "query($id: ID!) { project(id: $id) { invitations { email } } }",
            json!({ "id": project }),
        )
        .await;
    assert_eq!(members_view["project"]["invitations"], json!([]));

    // Declining leaves no access and no invitation.
    let mine = app
        .ok(Some(&registered.token), MY_INVITATIONS, json!({}))
        .await;
    let invitation = mine["invitations"][0]["id"].as_str().unwrap().to_owned();
    let declined = app
        .ok(
            Some(&registered.token),
            "mutation($id: ID!) { declineInvitation(id: $id) }",
            json!({ "id": invitation }),
        )
        .await;
    assert_eq!(declined["declineInvitation"], true);
    let after = app
        .ok(
            Some(&registered.token),
            "query($id: ID!) { invitations { id } project(id: $id) { id } }",
            json!({ "id": project }),
        )
        .await;
    assert_eq!(after, json!({ "invitations": [], "project": null }));
    let response = app
        .graphql(
            Some(&registered.token),
            "mutation($id: ID!) { acceptInvitation(id: $id) { id } }",
            json!({ "id": invitation }),
        )
        .await;
    assert_eq!(error_code(&response), "NOT_FOUND");

    // The owner withdraws one before it is answered.
    let withdrawn = app
        .share(&owner.token, &project, "registered@example.com", "VIEWER")
        .await;
    let cancelled = app
        .ok(
            Some(&owner.token),
            "mutation($id: ID!) { cancelInvitation(id: $id) }",
            json!({ "id": withdrawn }),
        )
        .await;
    assert_eq!(cancelled["cancelInvitation"], true);
    let mine = app
        .ok(Some(&registered.token), MY_INVITATIONS, json!({}))
        .await;
    assert_eq!(mine["invitations"], json!([]));
}

#[tokio::test]
async fn the_owner_changes_roles_and_members_can_leave() {
    let app = spawn_app().await;
    let owner = app.person("owner@example.com").await;
    let member = app.person("member@example.com").await;
    let project = app.create_project(&owner.token, "Trip").await;
    app.add_member(&owner, &project, &member, "member@example.com", "VIEWER")
        .await;
    let create =
        "mutation($p: ID!) { createTask(input: { title: \"book\", projectId: $p }) { id } }";
    let refused = app
        .graphql(Some(&member.token), create, json!({ "p": project }))
        .await;
    assert_eq!(error_code(&refused), "FORBIDDEN");

    let changed = app
        .ok(
            Some(&owner.token),
            "mutation($p: ID!, $u: ID!) { updateProjectMember(projectId: $p, userId: $u, role: EDITOR) { user { id } role } }",
            json!({ "p": project, "u": member.id }),
        )
        .await;
    assert_eq!(
        changed["updateProjectMember"],
        json!({ "user": { "id": member.id }, "role": "EDITOR" })
    );
    app.ok(Some(&member.token), create, json!({ "p": project }))
        .await;
    // The owner stays the owner.
    let response = app
        .graphql(
            Some(&owner.token),
            "mutation($p: ID!, $u: ID!) { updateProjectMember(projectId: $p, userId: $u, role: VIEWER) { role } }",
            json!({ "p": project, "u": owner.id }),
        )
        .await;
    assert!(response.get("errors").is_some(), "{response}");

    let left = app
        .ok(
            Some(&member.token),
            "mutation($p: ID!, $u: ID!) { removeProjectMember(projectId: $p, userId: $u) }",
            json!({ "p": project, "u": member.id }),
        )
        .await;
    assert_eq!(left["removeProjectMember"], true);
    let after = app
        .ok(
            Some(&member.token),
            "query($id: ID!) { project(id: $id) { id } }",
            json!({ "id": project }),
        )
        .await;
    assert_eq!(after["project"], Value::Null);
    let members = app
        .ok(
            Some(&owner.token),
            "query($id: ID!) { project(id: $id) { members { user { id } role } tasks { totalCount } } }",
            json!({ "id": project }),
        )
        .await;
    assert_eq!(
        members["project"]["members"],
        json!([{ "user": { "id": owner.id }, "role": "OWNER" }])
    );
    // What they made stays in the project.
    assert_eq!(members["project"]["tasks"]["totalCount"], 1);
}
