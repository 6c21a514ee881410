//! What the tests of projects, sharing, labels and subtasks (issue 28) have in common.

use serde_json::{Value, json};

use crate::helpers::TestApp;

/// A registered user: their session token and id.
pub struct Person {
    pub token: String,
    pub id: String,
}

impl TestApp {
    pub async fn person(&self, email: &str) -> Person {
        let token = self.register(email).await;
        let data = self.ok(Some(&token), "{ me { id } }", json!({})).await;
        let id = data["me"]["id"].as_str().unwrap().to_owned();
        Person { token, id }
    }

    /// Creates a project; returns its id.
    pub async fn create_project(&self, token: &str, name: &str) -> String {
        let data = self
            .ok(
                Some(token),
                "mutation($input: CreateProjectInput!) { createProject(input: $input) { id } }",
                json!({ "input": { "name": name } }),
            )
            .await;
        data["createProject"]["id"].as_str().unwrap().to_owned()
    }

    /// Shares `project` with `email`; returns the invitation's id.
    pub async fn share(&self, token: &str, project: &str, email: &str, role: &str) -> String {
        let data = self
            .ok(
                Some(token),
                "mutation($p: ID!, $e: String!, $r: ProjectRole!) { shareProject(projectId: $p, email: $e, role: $r) { id } }",
                json!({ "p": project, "e": email, "r": role }),
            )
            .await;
        data["shareProject"]["id"].as_str().unwrap().to_owned()
    }

    /// `owner` shares `project` with `member`, who accepts.
    pub async fn add_member(
        &self,
        owner: &Person,
        project: &str,
        member: &Person,
        email: &str,
        role: &str,
    ) {
        let invitation = self.share(&owner.token, project, email, role).await;
        let data = self
            .ok(
                Some(&member.token),
                "mutation($id: ID!) { acceptInvitation(id: $id) { id role } }",
                json!({ "id": invitation }),
            )
            .await;
        assert_eq!(
            data["acceptInvitation"],
            json!({ "id": project, "role": role })
        );
    }

    /// The ids of the top-level tasks `filter` lists, oldest first.
    pub async fn task_ids(&self, token: &str, filter: Value) -> Vec<String> {
        let data = self
            .ok(
                Some(token),
                "query($filter: TaskFilter) { tasks(filter: $filter, first: 200, orderBy: { field: CREATED_AT, direction: ASC }) { edges { node { id } } } }",
                json!({ "filter": filter }),
            )
            .await;
        ids(&data["tasks"]["edges"], "node")
    }
}

/// The `id`s of a list of objects, or of the objects under `key` in each.
pub fn ids(list: &Value, key: &str) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|item| {
            let item = if key.is_empty() { item } else { &item[key] };
            item["id"].as_str().unwrap().to_owned()
        })
        .collect()
}
