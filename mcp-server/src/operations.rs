//! The GraphQL operations behind the tools, one typed function each. The documents
//! follow the API contract (`api/schema.graphql`, API.md); nothing here decides what
//! is valid, that is the API's job.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::api_client::{ApiClient, ApiError, ApiToken};
use crate::args::{AddTaskArgs, ListNotificationsArgs, ListTasksArgs, UpdateTaskArgs};
use crate::model::{
    AuditEntry, Completion, Connection, HistoryPage, Notification, NotificationPage, Task, TaskPage,
};

const TASK_FIELDS: &str = "id title description priority category dueAt timeZone \
    recurrence { preset rrule mode description } remindBeforeMinutes completed completedAt \
    seriesId parentTaskId occurrenceNumber createdAt updatedAt";

const PAGE_FIELDS: &str = "pageInfo { hasNextPage endCursor } totalCount";

const NOTIFICATION_FIELDS: &str = "id type title message taskId read createdAt readAt";

const AUDIT_FIELDS: &str =
    "id action entityType entityId before after changedFields source at requestId";

/// The typed operations, as one user.
pub struct Operations<'a> {
    api: &'a ApiClient,
    token: &'a ApiToken,
}

impl<'a> Operations<'a> {
    pub fn new(api: &'a ApiClient, token: &'a ApiToken) -> Self {
        Self { api, token }
    }

    pub async fn create_task(&self, args: &AddTaskArgs) -> Result<Task, ApiError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Data {
            create_task: Task,
        }
        let query = format!(
            "mutation($input: CreateTaskInput!) {{ createTask(input: $input) {{ {TASK_FIELDS} }} }}"
        );
        let data: Data = self.run(&query, json!({ "input": args })).await?;
        Ok(data.create_task)
    }

    pub async fn update_task(&self, args: &UpdateTaskArgs) -> Result<Task, ApiError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Data {
            update_task: Task,
        }
        let query = format!(
            "mutation($id: ID!, $input: UpdateTaskInput!) {{ updateTask(id: $id, input: $input) {{ {TASK_FIELDS} }} }}"
        );
        // Serialising the arguments keeps the difference between an absent field (keep)
        // and an explicit null (clear) that the API relies on; the id is skipped.
        let data: Data = self
            .run(&query, json!({ "id": args.id, "input": args }))
            .await?;
        Ok(data.update_task)
    }

    /// `None` when the user has no such task.
    pub async fn task(&self, id: &str) -> Result<Option<Task>, ApiError> {
        #[derive(Deserialize)]
        struct Data {
            task: Option<Task>,
        }
        let query = format!("query($id: ID!) {{ task(id: $id) {{ {TASK_FIELDS} }} }}");
        let data: Data = self.run(&query, json!({ "id": id })).await?;
        Ok(data.task)
    }

    pub async fn tasks(&self, args: &ListTasksArgs) -> Result<TaskPage, ApiError> {
        #[derive(Deserialize)]
        struct Data {
            tasks: Connection<Task>,
        }
        let query = format!(
            "query($filter: TaskFilter, $orderBy: TaskOrder, $first: Int, $after: String) {{ \
             tasks(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {{ \
             edges {{ node {{ {TASK_FIELDS} }} }} {PAGE_FIELDS} }} }}"
        );
        let data: Data = self.run(&query, list_variables(args)).await?;
        let (tasks, total_count, page) = data.tasks.into_nodes();
        Ok(TaskPage {
            tasks,
            total_count,
            has_next_page: page.has_next_page,
            end_cursor: page.end_cursor,
        })
    }

    pub async fn complete_task(&self, id: &str) -> Result<Completion, ApiError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Data {
            complete_task: Completion,
        }
        let query = format!(
            "mutation($id: ID!) {{ completeTask(id: $id) {{ task {{ {TASK_FIELDS} }} nextOccurrence {{ {TASK_FIELDS} }} }} }}"
        );
        let data: Data = self.run(&query, json!({ "id": id })).await?;
        Ok(data.complete_task)
    }

    pub async fn uncomplete_task(&self, id: &str) -> Result<Task, ApiError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Data {
            uncomplete_task: Task,
        }
        let query = format!("mutation($id: ID!) {{ uncompleteTask(id: $id) {{ {TASK_FIELDS} }} }}");
        let data: Data = self.run(&query, json!({ "id": id })).await?;
        Ok(data.uncomplete_task)
    }

    pub async fn delete_task(&self, id: &str) -> Result<bool, ApiError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Data {
            delete_task: bool,
        }
        let data: Data = self
            .run(
                "mutation($id: ID!) { deleteTask(id: $id) }",
                json!({ "id": id }),
            )
            .await?;
        Ok(data.delete_task)
    }

    pub async fn notifications(
        &self,
        args: &ListNotificationsArgs,
    ) -> Result<NotificationPage, ApiError> {
        #[derive(Deserialize)]
        struct Data {
            notifications: Connection<Notification>,
        }
        let query = format!(
            "query($unreadOnly: Boolean, $first: Int, $after: String) {{ \
             notifications(unreadOnly: $unreadOnly, first: $first, after: $after) {{ \
             edges {{ node {{ {NOTIFICATION_FIELDS} }} }} {PAGE_FIELDS} }} }}"
        );
        let variables = json!({
            "unreadOnly": args.unread_only,
            "first": args.first,
            "after": args.after,
        });
        let data: Data = self.run(&query, variables).await?;
        let (notifications, total_count, page) = data.notifications.into_nodes();
        Ok(NotificationPage {
            notifications,
            total_count,
            has_next_page: page.has_next_page,
            end_cursor: page.end_cursor,
        })
    }

    /// `None` when the user has no such task.
    pub async fn task_history(
        &self,
        id: &str,
        first: Option<u32>,
        after: Option<&str>,
    ) -> Result<Option<HistoryPage>, ApiError> {
        #[derive(Deserialize)]
        struct Data {
            task: Option<TaskWithHistory>,
        }
        #[derive(Deserialize)]
        struct TaskWithHistory {
            id: String,
            history: Connection<AuditEntry>,
        }
        let query = format!(
            "query($id: ID!, $first: Int, $after: String) {{ task(id: $id) {{ id \
             history(first: $first, after: $after) {{ \
             edges {{ node {{ {AUDIT_FIELDS} }} }} {PAGE_FIELDS} }} }} }}"
        );
        let variables = json!({ "id": id, "first": first, "after": after });
        let data: Data = self.run(&query, variables).await?;
        Ok(data.task.map(|task| {
            let (entries, total_count, page) = task.history.into_nodes();
            HistoryPage {
                task_id: task.id,
                entries,
                total_count,
                has_next_page: page.has_next_page,
                end_cursor: page.end_cursor,
            }
        }))
    }

    async fn run<T: serde::de::DeserializeOwned>(
        &self,
        query: &str,
        variables: Value,
    ) -> Result<T, ApiError> {
        self.api.execute(self.token, query, variables).await
    }
}

fn list_variables(args: &ListTasksArgs) -> Value {
    let filter = json!({
        "completed": args.completed,
        "priority": args.priority,
        "category": args.category,
        "dueBefore": args.due_before,
        "dueAfter": args.due_after,
        "overdue": args.overdue,
        "recurring": args.recurring,
        "search": args.search,
    });
    let order = (args.order_by.is_some() || args.direction.is_some()).then(|| {
        let mut order = serde_json::Map::new();
        if let Some(field) = args.order_by {
            order.insert("field".into(), json!(field));
        }
        if let Some(direction) = args.direction {
            order.insert("direction".into(), json!(direction));
        }
        Value::Object(order)
    });
    json!({
        "filter": without_nulls(filter),
        "orderBy": order,
        "first": args.first,
        "after": args.after,
    })
}

/// A filter field given as null would mean "no filter" to the API anyway; leaving it
/// out keeps the request minimal and the intent unambiguous.
fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            Value::Object(map.into_iter().filter(|(_, v)| !v.is_null()).collect())
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::{OrderDirection, TaskOrderField};
    use crate::model::Priority;

    #[test]
    fn list_arguments_become_filter_order_and_paging() {
        let args = ListTasksArgs {
            completed: Some(false),
            priority: Some(Priority::Urgent),
            order_by: Some(TaskOrderField::DueAt),
            direction: Some(OrderDirection::Asc),
            first: Some(10),
            ..ListTasksArgs::default()
        };
        assert_eq!(
            list_variables(&args),
            json!({
                "filter": { "completed": false, "priority": "URGENT" },
                "orderBy": { "field": "DUE_AT", "direction": "ASC" },
                "first": 10,
                "after": null,
            })
        );
        assert_eq!(
            list_variables(&ListTasksArgs::default()),
            json!({ "filter": {}, "orderBy": null, "first": null, "after": null })
        );
    }
}
