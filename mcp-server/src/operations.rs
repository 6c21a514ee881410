//! The GraphQL operations behind the tools, one typed function each. Every document,
//! variable and selection is checked against the API's schema (`api/schema.graphql`) by
//! cynic at compile time, so a schema change breaks this crate's build rather than an
//! agent's call. Nothing here decides what is valid, that is the API's job.

use cynic::{Id, MutationBuilder as _, QueryBuilder as _};
use serde::{Deserialize, Serialize};

use crate::api_client::{ApiClient, ApiError, ApiToken};
use crate::args::{
    AddTaskArgs, CreateProjectArgs, ListNotificationsArgs, ListTasksArgs, OrderDirection,
    RecurrenceArgs, TaskOrderField, UpdateTaskArgs,
};
use crate::model::{
    AuditEntry, Completion, DateTime, HistoryPage, Label, NextOccurrenceFate, Notification,
    NotificationPage, Priority, Project, Recurrence, RecurrenceMode, RecurrencePreset, Reopening,
    Task, TaskAndNext, TaskPage,
};

/// Why a task operation failed: the API refused it, or an argument names a project or
/// label the user does not have.
#[derive(Debug, thiserror::Error)]
pub enum OperationError {
    #[error(transparent)]
    Api(#[from] ApiError),
    /// `argument` names no `kind` of the user's; `known` are the names they have.
    #[error("no {kind} named {given:?}")]
    UnknownName {
        argument: &'static str,
        kind: &'static str,
        given: String,
        known: Vec<String>,
    },
}

#[cynic::schema("todo")]
pub mod schema {}

// ---- Inputs ----

/// A nullable input field that may also be left out: `None` around it keeps the
/// task's value, `Nullable(None)` (sent as null) clears it. cynic types a nullable
/// field as one `Option`, which cannot tell the two apart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Nullable<T>(pub Option<T>);

impl<S, T: cynic::schema::IsScalar<S>> cynic::schema::IsScalar<S> for Nullable<T> {
    type SchemaType = T::SchemaType;
}

impl<T: cynic::Enum> cynic::Enum for Nullable<T> {
    type SchemaType = T::SchemaType;
}

impl<T: cynic::InputObject> cynic::InputObject for Nullable<T> {
    type SchemaType = T::SchemaType;
}

#[derive(cynic::InputObject, Debug, Clone, PartialEq)]
pub struct RecurrenceInput {
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub preset: Option<RecurrencePreset>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub rrule: Option<String>,
    pub mode: Option<RecurrenceMode>,
}

impl From<&RecurrenceArgs> for RecurrenceInput {
    fn from(args: &RecurrenceArgs) -> Self {
        Self {
            preset: args.preset,
            rrule: args.rrule.clone(),
            mode: args.mode,
        }
    }
}

#[derive(cynic::InputObject, Debug, Clone, PartialEq)]
pub struct CreateTaskInput {
    pub title: String,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub due_at: Option<DateTime>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub all_day: Option<bool>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<RecurrenceInput>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub remind_before_minutes: Option<i32>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub project_id: Option<Id>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub label_ids: Option<Vec<Id>>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<Id>,
}

/// The ids a task's `project` and `labels` arguments name, once looked up.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Placement {
    pub project_id: Option<Id>,
    pub label_ids: Option<Vec<Id>>,
}

impl CreateTaskInput {
    fn new(args: &AddTaskArgs, placement: Placement) -> Self {
        Self {
            title: args.title.clone().unwrap_or_default(),
            description: args.description.clone(),
            priority: args.priority,
            due_at: args.due_at.clone().map(DateTime),
            all_day: args.all_day,
            time_zone: args.time_zone.clone(),
            recurrence: args.recurrence.as_ref().map(RecurrenceInput::from),
            remind_before_minutes: args.remind_before_minutes,
            project_id: placement.project_id,
            label_ids: placement.label_ids,
            parent_id: args.parent_id.as_deref().map(Id::new),
        }
    }
}

/// Only the fields to change: an absent field is kept, a null one cleared.
#[derive(cynic::InputObject, Debug, Clone, PartialEq)]
pub struct UpdateTaskInput {
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub description: Option<Nullable<String>>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub priority: Option<Nullable<Priority>>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub due_at: Option<Nullable<DateTime>>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub all_day: Option<bool>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<Nullable<String>>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<Nullable<RecurrenceInput>>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub remind_before_minutes: Option<Nullable<i32>>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub project_id: Option<Id>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub label_ids: Option<Vec<Id>>,
}

impl UpdateTaskInput {
    fn new(args: &UpdateTaskArgs, placement: Placement) -> Self {
        /// Keeps "absent" and "null" apart while converting the value.
        fn change<A, B>(
            field: &Option<Option<A>>,
            convert: impl Fn(&A) -> B,
        ) -> Option<Nullable<B>> {
            field
                .as_ref()
                .map(|value| Nullable(value.as_ref().map(convert)))
        }
        Self {
            title: args.title.clone(),
            description: change(&args.description, String::clone),
            priority: change(&args.priority, |p| *p),
            due_at: change(&args.due_at, |at| DateTime(at.clone())),
            all_day: args.all_day,
            time_zone: change(&args.time_zone, String::clone),
            recurrence: change(&args.recurrence, |recurrence| recurrence.into()),
            remind_before_minutes: change(&args.remind_before_minutes, |m| *m),
            project_id: placement.project_id,
            label_ids: placement.label_ids,
        }
    }
}

#[derive(cynic::InputObject, Debug, Clone, Default, PartialEq)]
pub struct TaskFilter {
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub completed: Option<bool>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub due_before: Option<DateTime>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub due_after: Option<DateTime>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub overdue: Option<bool>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub recurring: Option<bool>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub search: Option<String>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub project_id: Option<Id>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub label_ids: Option<Vec<Id>>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<Id>,
}

#[derive(cynic::InputObject, Debug, Clone, PartialEq)]
pub struct CreateProjectInput {
    pub name: String,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
}

#[derive(cynic::InputObject, Debug, Clone, PartialEq)]
pub struct CreateLabelInput {
    pub name: String,
}

/// Both fields have defaults in the schema; a `None` one is left out.
#[derive(cynic::InputObject, Debug, Clone, Copy, PartialEq)]
pub struct TaskOrder {
    pub field: Option<TaskOrderField>,
    pub direction: Option<OrderDirection>,
}

/// What quick add read from an add_task `text`.
#[derive(cynic::QueryFragment, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct TaskDraft {
    pub title: String,
    pub due_at: Option<DateTime>,
    pub all_day: bool,
    pub recurrence: Option<Recurrence>,
    pub priority: Option<Priority>,
    pub labels: Vec<LabelSuggestion>,
    pub project: Option<ProjectSuggestion>,
    pub remind_before_minutes: Option<i32>,
    pub next_dates: Vec<DateTime>,
}

#[derive(cynic::QueryFragment, Serialize, Debug, Clone)]
pub struct LabelSuggestion {
    pub name: String,
}

#[derive(cynic::QueryFragment, Serialize, Debug, Clone)]
pub struct ProjectSuggestion {
    pub name: String,
}

impl TaskDraft {
    /// The add_task arguments the text stands for; fields the caller gave win.
    fn fill(&self, args: &AddTaskArgs) -> AddTaskArgs {
        let dated = args.due_at.is_none() && self.due_at.is_some();
        AddTaskArgs {
            title: Some(self.title.clone()),
            text: None,
            priority: args.priority.or(self.priority),
            project: args
                .project
                .clone()
                .or_else(|| self.project.as_ref().map(|project| project.name.clone())),
            labels: args.labels.clone().or_else(|| {
                Some(self.labels.iter().map(|label| label.name.clone()).collect())
                    .filter(|names: &Vec<String>| !names.is_empty())
            }),
            due_at: args
                .due_at
                .clone()
                .or_else(|| self.due_at.as_ref().map(|due| due.0.clone())),
            all_day: args.all_day.or(dated.then_some(self.all_day)),
            recurrence: args.recurrence.clone().or_else(|| {
                self.recurrence.as_ref().map(|recurrence| RecurrenceArgs {
                    preset: None,
                    rrule: Some(recurrence.rrule.clone()),
                    mode: Some(recurrence.mode),
                })
            }),
            remind_before_minutes: args.remind_before_minutes.or(self.remind_before_minutes),
            ..args.clone()
        }
    }

    /// What was understood, in a sentence for the agent to relay.
    pub fn understood(&self) -> String {
        let mut parts = vec![format!("title \"{}\"", self.title)];
        if let Some(due) = &self.due_at {
            parts.push(if self.all_day {
                format!("due {} (all day)", due.0)
            } else {
                format!("due {}", due.0)
            });
        }
        if let Some(recurrence) = &self.recurrence {
            let next: Vec<&str> = self.next_dates.iter().map(|date| date.0.as_str()).collect();
            parts.push(format!(
                "repeats: {} (next {})",
                recurrence.description,
                next.join(", ")
            ));
        }
        if let Some(priority) = self.priority {
            parts.push(format!("priority {priority}"));
        }
        if let Some(project) = &self.project {
            parts.push(format!("project {}", project.name));
        }
        if !self.labels.is_empty() {
            let names: Vec<&str> = self
                .labels
                .iter()
                .map(|label| label.name.as_str())
                .collect();
            parts.push(format!("labels {}", names.join(", ")));
        }
        if let Some(minutes) = self.remind_before_minutes {
            parts.push(format!("reminder {minutes} minutes before"));
        }
        parts.join("; ")
    }
}

// ---- Variables ----

#[derive(cynic::QueryVariables, Debug)]
pub struct ParseTaskVars {
    pub text: String,
    pub time_zone: Option<String>,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct IdVars {
    pub id: Id,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct CreateTaskVars {
    pub input: CreateTaskInput,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct UpdateTaskVars {
    pub id: Id,
    pub input: UpdateTaskInput,
}

#[derive(cynic::QueryVariables, Debug, PartialEq)]
pub struct TasksVars {
    pub filter: Option<TaskFilter>,
    pub order_by: Option<TaskOrder>,
    pub first: Option<i32>,
    pub after: Option<String>,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct ProjectsVars {
    pub include_archived: Option<bool>,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct CreateProjectVars {
    pub input: CreateProjectInput,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct CreateLabelVars {
    pub input: CreateLabelInput,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct NotificationsVars {
    pub unread_only: Option<bool>,
    pub first: Option<i32>,
    pub after: Option<String>,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct HistoryVars {
    pub id: Id,
    pub first: Option<i32>,
    pub after: Option<String>,
}

// ---- Selections ----

#[derive(cynic::QueryFragment, Debug)]
pub struct PageInfo {
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
}

/// One page of a connection: its nodes, the total across pages and where it ends.
pub struct Page<T> {
    pub nodes: Vec<T>,
    pub total_count: u64,
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
}

/// A Relay connection over `$node` and its edge type, read into a [`Page`].
macro_rules! connection {
    ($connection:ident, $edge:ident, $node:ty) => {
        #[derive(cynic::QueryFragment, Debug)]
        pub struct $connection {
            pub edges: Vec<$edge>,
            pub page_info: PageInfo,
            pub total_count: i32,
        }

        #[derive(cynic::QueryFragment, Debug)]
        pub struct $edge {
            pub node: $node,
        }

        impl From<$connection> for Page<$node> {
            fn from(connection: $connection) -> Self {
                Self {
                    nodes: connection.edges.into_iter().map(|edge| edge.node).collect(),
                    // A count is never negative; the schema's Int is merely signed.
                    total_count: u64::try_from(connection.total_count).unwrap_or_default(),
                    has_next_page: connection.page_info.has_next_page,
                    end_cursor: connection.page_info.end_cursor,
                }
            }
        }
    };
}

connection!(TaskConnection, TaskEdge, Task);
connection!(NotificationConnection, NotificationEdge, Notification);
connection!(AuditEntryConnection, AuditEntryEdge, AuditEntry);

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "CreateTaskVars")]
pub struct CreateTask {
    #[arguments(input: $input)]
    pub create_task: Task,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "UpdateTaskVars")]
pub struct UpdateTask {
    #[arguments(id: $id, input: $input)]
    pub update_task: Task,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query", variables = "IdVars")]
pub struct TaskQuery {
    #[arguments(id: $id)]
    pub task: Option<Task>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query", variables = "TasksVars")]
pub struct TasksQuery {
    #[arguments(filter: $filter, orderBy: $order_by, first: $first, after: $after)]
    pub tasks: TaskConnection,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct SnoozeTaskVars {
    pub id: Id,
    pub minutes: Option<i32>,
    pub until: Option<DateTime>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "SnoozeTaskVars")]
pub struct SnoozeTask {
    #[arguments(id: $id, minutes: $minutes, until: $until)]
    pub snooze_task: Task,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "IdVars")]
pub struct CompleteTask {
    #[arguments(id: $id)]
    pub complete_task: Completion,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "IdVars")]
pub struct UncompleteTask {
    #[arguments(id: $id)]
    pub uncomplete_task: TaskAndNext,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query", variables = "IdVars")]
pub struct TaskAndNextQuery {
    #[arguments(id: $id)]
    pub task: Option<TaskAndNext>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "IdVars")]
pub struct DeleteTask {
    #[arguments(id: $id)]
    pub delete_task: bool,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query", variables = "ProjectsVars")]
pub struct ProjectsQuery {
    #[arguments(includeArchived: $include_archived)]
    pub projects: Vec<Project>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "CreateProjectVars")]
pub struct CreateProject {
    #[arguments(input: $input)]
    pub create_project: Project,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query", variables = "ParseTaskVars")]
pub struct ParseTask {
    #[arguments(text: $text, timeZone: $time_zone)]
    pub parse_task: TaskDraft,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query")]
pub struct LabelsQuery {
    pub labels: Vec<Label>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "CreateLabelVars")]
pub struct CreateLabel {
    #[arguments(input: $input)]
    pub create_label: Label,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query", variables = "NotificationsVars")]
pub struct NotificationsQuery {
    #[arguments(unreadOnly: $unread_only, first: $first, after: $after)]
    pub notifications: NotificationConnection,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Task", variables = "HistoryVars")]
pub struct TaskWithHistory {
    pub id: Id,
    #[arguments(first: $first, after: $after)]
    pub history: AuditEntryConnection,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query", variables = "HistoryVars")]
pub struct TaskHistoryQuery {
    #[arguments(id: $id)]
    pub task: Option<TaskWithHistory>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "User")]
pub struct Me {
    #[allow(
        dead_code,
        reason = "a selection must name a field; a refused token arrives as an error"
    )]
    pub id: Id,
}

/// The signed-in user, to check a token.
#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query")]
pub struct MeQuery {
    #[allow(
        dead_code,
        reason = "a selection must name a field; a refused token arrives as an error"
    )]
    pub me: Me,
}

// ---- Operations ----

/// The typed operations, as one user.
pub struct Operations<'a> {
    api: &'a ApiClient,
    token: &'a ApiToken,
}

impl<'a> Operations<'a> {
    pub fn new(api: &'a ApiClient, token: &'a ApiToken) -> Self {
        Self { api, token }
    }

    /// Creates the task `args` describe; given `text`, quick add reads it first, and
    /// what it understood comes back with the task.
    pub async fn create_task(
        &self,
        args: &AddTaskArgs,
    ) -> Result<(Task, Option<TaskDraft>), OperationError> {
        let Some(text) = &args.text else {
            return Ok((self.create(args).await?, None));
        };
        let operation = ParseTask::build(ParseTaskVars {
            text: text.clone(),
            time_zone: args.time_zone.clone(),
        });
        let draft = self.api.execute(self.token, operation).await?.parse_task;
        Ok((self.create(&draft.fill(args)).await?, Some(draft)))
    }

    async fn create(&self, args: &AddTaskArgs) -> Result<Task, OperationError> {
        let labels = wanted_labels(args.labels.as_deref(), args.category.as_deref().map(Some));
        let placement = self.placement(args.project.as_deref(), labels).await?;
        let operation = CreateTask::build(CreateTaskVars {
            input: CreateTaskInput::new(args, placement),
        });
        Ok(self.api.execute(self.token, operation).await?.create_task)
    }

    pub async fn update_task(&self, args: &UpdateTaskArgs) -> Result<Task, OperationError> {
        let category = args.category.as_ref().map(Option::as_deref);
        let labels = wanted_labels(args.labels.as_deref(), category);
        let placement = self.placement(args.project.as_deref(), labels).await?;
        let operation = UpdateTask::build(UpdateTaskVars {
            id: Id::new(&args.id),
            input: UpdateTaskInput::new(args, placement),
        });
        Ok(self.api.execute(self.token, operation).await?.update_task)
    }

    /// Looks up the project a task argument names and the labels it should have,
    /// creating the labels the user does not have yet.
    async fn placement(
        &self,
        project: Option<&str>,
        labels: Option<Vec<&str>>,
    ) -> Result<Placement, OperationError> {
        let project_id = match project {
            Some(given) => Some(self.project_id(given).await?),
            None => None,
        };
        let label_ids = match labels {
            Some(names) => Some(self.label_ids(&names, Missing::Create).await?),
            None => None,
        };
        Ok(Placement {
            project_id,
            label_ids,
        })
    }

    /// The project a `project` argument names: its id, or its name in any case.
    /// Archived projects count: a task can be filed into or listed from one.
    async fn project_id(&self, given: &str) -> Result<Id, OperationError> {
        let projects = self.projects(true).await?;
        let found = find_by_id_or_name(&projects, given, |p| (&p.id, &p.name));
        found
            .map(|project| project.id.clone())
            .ok_or_else(|| OperationError::UnknownName {
                argument: "project",
                kind: "project",
                given: given.to_owned(),
                known: projects.into_iter().map(|p| p.name).collect(),
            })
    }

    /// The ids of the labels named (any case), in order and without repeats. A name
    /// the user has no label for is created (`Missing::Create`) or refused.
    async fn label_ids(&self, names: &[&str], missing: Missing) -> Result<Vec<Id>, OperationError> {
        let mut labels = self.labels().await?;
        let mut ids: Vec<Id> = Vec::with_capacity(names.len());
        for &name in names {
            let id = match find_by_id_or_name(&labels, name, |l| (&l.id, &l.name)) {
                Some(label) => label.id.clone(),
                None if missing == Missing::Create => {
                    let label = self.create_label(name).await?;
                    let id = label.id.clone();
                    // A later repeat of the name (in another case) must find it.
                    labels.push(label);
                    id
                }
                None => {
                    return Err(OperationError::UnknownName {
                        argument: "labels",
                        kind: "label",
                        given: name.to_owned(),
                        known: labels.into_iter().map(|l| l.name).collect(),
                    });
                }
            };
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        Ok(ids)
    }

    pub async fn projects(&self, include_archived: bool) -> Result<Vec<Project>, ApiError> {
        let operation = ProjectsQuery::build(ProjectsVars {
            include_archived: Some(include_archived),
        });
        Ok(self.api.execute(self.token, operation).await?.projects)
    }

    pub async fn create_project(&self, args: &CreateProjectArgs) -> Result<Project, ApiError> {
        let operation = CreateProject::build(CreateProjectVars {
            input: CreateProjectInput {
                name: args.name.clone(),
                color: args.color.clone(),
            },
        });
        Ok(self
            .api
            .execute(self.token, operation)
            .await?
            .create_project)
    }

    pub async fn labels(&self) -> Result<Vec<Label>, ApiError> {
        let operation = LabelsQuery::build(());
        Ok(self.api.execute(self.token, operation).await?.labels)
    }

    async fn create_label(&self, name: &str) -> Result<Label, ApiError> {
        let operation = CreateLabel::build(CreateLabelVars {
            input: CreateLabelInput {
                name: name.to_owned(),
            },
        });
        Ok(self.api.execute(self.token, operation).await?.create_label)
    }

    /// `None` when the user has no such task.
    pub async fn task(&self, id: &str) -> Result<Option<Task>, ApiError> {
        let operation = TaskQuery::build(IdVars { id: Id::new(id) });
        Ok(self.api.execute(self.token, operation).await?.task)
    }

    pub async fn tasks(&self, args: &ListTasksArgs) -> Result<TaskPage, OperationError> {
        let project_id = match &args.project {
            Some(given) => Some(self.project_id(given).await?),
            None => None,
        };
        let label_ids = match &args.labels {
            Some(names) => {
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                Some(self.label_ids(&names, Missing::Refuse).await?)
            }
            None => None,
        };
        let placement = Placement {
            project_id,
            label_ids,
        };
        let operation = TasksQuery::build(list_variables(args, placement));
        let page = Page::from(self.api.execute(self.token, operation).await?.tasks);
        Ok(TaskPage {
            tasks: page.nodes,
            total_count: page.total_count,
            has_next_page: page.has_next_page,
            end_cursor: page.end_cursor,
        })
    }

    /// Snoozes the task's reminder for `minutes` or until `until`.
    pub async fn snooze_task(
        &self,
        id: &str,
        minutes: Option<i32>,
        until: Option<String>,
    ) -> Result<Task, ApiError> {
        let operation = SnoozeTask::build(SnoozeTaskVars {
            id: Id::new(id),
            minutes,
            until: until.map(DateTime),
        });
        Ok(self.api.execute(self.token, operation).await?.snooze_task)
    }

    pub async fn complete_task(&self, id: &str) -> Result<Completion, ApiError> {
        let operation = CompleteTask::build(IdVars { id: Id::new(id) });
        Ok(self.api.execute(self.token, operation).await?.complete_task)
    }

    /// Reopens the task and reports what the API did with the next occurrence its
    /// completion created: the API removes it when untouched and keeps it when changed, so
    /// the occurrence is read before (to name what was removed) and after.
    pub async fn uncomplete_task(&self, id: &str) -> Result<Reopening, ApiError> {
        let before = self
            .api
            .execute(
                self.token,
                TaskAndNextQuery::build(IdVars { id: Id::new(id) }),
            )
            .await?
            .task;
        let operation = UncompleteTask::build(IdVars { id: Id::new(id) });
        let after = self
            .api
            .execute(self.token, operation)
            .await?
            .uncomplete_task;
        let was_completed = before.as_ref().is_some_and(|before| before.task.completed);
        let next_occurrence = match (
            before.and_then(|b| b.next_occurrence),
            after.next_occurrence,
        ) {
            _ if !was_completed => None,
            (_, Some(kept)) => Some(NextOccurrenceFate {
                removed: false,
                task: kept,
            }),
            (Some(removed), None) => Some(NextOccurrenceFate {
                removed: true,
                task: removed,
            }),
            (None, None) => None,
        };
        Ok(Reopening {
            task: after.task,
            next_occurrence,
        })
    }

    pub async fn delete_task(&self, id: &str) -> Result<bool, ApiError> {
        let operation = DeleteTask::build(IdVars { id: Id::new(id) });
        Ok(self.api.execute(self.token, operation).await?.delete_task)
    }

    pub async fn notifications(
        &self,
        args: &ListNotificationsArgs,
    ) -> Result<NotificationPage, ApiError> {
        let operation = NotificationsQuery::build(NotificationsVars {
            unread_only: args.unread_only,
            first: args.first.map(page_size),
            after: args.after.clone(),
        });
        let page = Page::from(self.api.execute(self.token, operation).await?.notifications);
        Ok(NotificationPage {
            notifications: page.nodes,
            total_count: page.total_count,
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
        let operation = TaskHistoryQuery::build(HistoryVars {
            id: Id::new(id),
            first: first.map(page_size),
            after: after.map(str::to_owned),
        });
        let task = self.api.execute(self.token, operation).await?.task;
        Ok(task.map(|task| {
            let page = Page::from(task.history);
            HistoryPage {
                task_id: task.id,
                entries: page.nodes,
                total_count: page.total_count,
                has_next_page: page.has_next_page,
                end_cursor: page.end_cursor,
            }
        }))
    }
}

/// The query that checks a token: it names the user, nothing more.
pub fn me() -> cynic::Operation<MeQuery, ()> {
    MeQuery::build(())
}

/// A page size as the schema's `Int`; the tools' schemas bound it to 1-200 already.
fn page_size(first: u32) -> i32 {
    i32::try_from(first).unwrap_or(i32::MAX)
}

/// What to do with a label name the user has no label for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Missing {
    Create,
    Refuse,
}

/// The item whose id is `given`, else the one whose name is `given` in any case.
fn find_by_id_or_name<'i, T>(
    items: &'i [T],
    given: &str,
    id_and_name: impl Fn(&T) -> (&Id, &String),
) -> Option<&'i T> {
    items
        .iter()
        .find(|item| id_and_name(item).0.inner() == given)
        .or_else(|| {
            let given = given.to_lowercase();
            items
                .iter()
                .find(|item| id_and_name(item).1.to_lowercase() == given)
        })
}

/// The label names a task should end up with, from `labels` and the deprecated
/// `category` (a category is a label now): `None` leaves the labels alone. A category
/// joins the labels given with it; alone it replaces them, and a null one (update only)
/// removes them all, as the category field did.
fn wanted_labels<'a>(
    labels: Option<&'a [String]>,
    category: Option<Option<&'a str>>,
) -> Option<Vec<&'a str>> {
    let category = category.map(|c| c.into_iter().collect::<Vec<_>>());
    match (labels, category) {
        (None, None) => None,
        (None, Some(category)) => Some(category),
        (Some(labels), category) => Some(
            labels
                .iter()
                .map(String::as_str)
                .chain(category.into_iter().flatten())
                .collect(),
        ),
    }
}

fn list_variables(args: &ListTasksArgs, placement: Placement) -> TasksVars {
    let filter = TaskFilter {
        completed: args.completed,
        priority: args.priority,
        category: args.category.clone(),
        due_before: args.due_before.clone().map(DateTime),
        due_after: args.due_after.clone().map(DateTime),
        overdue: args.overdue,
        recurring: args.recurring,
        search: args.search.clone(),
        project_id: placement.project_id,
        label_ids: placement.label_ids,
        parent_id: args.parent_id.as_deref().map(Id::new),
    };
    let order = (args.order_by.is_some() || args.direction.is_some()).then_some(TaskOrder {
        field: args.order_by,
        direction: args.direction,
    });
    TasksVars {
        filter: Some(filter),
        order_by: order,
        first: args.first.map(page_size),
        after: args.after.clone(),
    }
}

/// Every document this server sends, named by its operation, exactly as cynic writes
/// it: so that tests can hold each to the API's limits on what a document may ask for.
pub fn documents() -> Vec<(String, String)> {
    use cynic::queries::OperationType::{Mutation, Query};
    vec![
        document::<CreateTask, CreateTaskVars>(Mutation),
        document::<UpdateTask, UpdateTaskVars>(Mutation),
        document::<TaskQuery, IdVars>(Query),
        document::<TasksQuery, TasksVars>(Query),
        document::<SnoozeTask, SnoozeTaskVars>(Mutation),
        document::<CompleteTask, IdVars>(Mutation),
        document::<UncompleteTask, IdVars>(Mutation),
        document::<TaskAndNextQuery, IdVars>(Query),
        document::<DeleteTask, IdVars>(Mutation),
        document::<ProjectsQuery, ProjectsVars>(Query),
        document::<CreateProject, CreateProjectVars>(Mutation),
        document::<ParseTask, ParseTaskVars>(Query),
        document::<LabelsQuery, ()>(Query),
        document::<CreateLabel, CreateLabelVars>(Mutation),
        document::<NotificationsQuery, NotificationsVars>(Query),
        document::<TaskHistoryQuery, HistoryVars>(Query),
        document::<MeQuery, ()>(Query),
    ]
}

fn document<Q: cynic::QueryFragment, V: cynic::QueryVariables>(
    kind: cynic::queries::OperationType,
) -> (String, String) {
    let name = Q::name().map(|name| name.into_owned()).unwrap_or_default();
    let text = cynic::queries::build_executable_document::<Q, V>(
        kind,
        Some(&name),
        std::collections::HashSet::new(),
        None,
    );
    (name, text)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_operation_is_listed_among_the_documents() {
        let source = include_str!("operations.rs");
        let roots = source
            .matches("graphql_type = \"Query\"")
            .chain(source.matches("graphql_type = \"Mutation\""))
            .count();
        assert_eq!(documents().len(), roots);
    }

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
        let variables = serde_json::to_value(list_variables(&args, Placement::default())).unwrap();
        assert_eq!(
            variables["filter"],
            json!({ "completed": false, "priority": "URGENT" })
        );
        assert_eq!(
            variables["orderBy"],
            json!({ "field": "DUE_AT", "direction": "ASC" })
        );
        assert_eq!(variables["first"], json!(10));
        let variables = serde_json::to_value(list_variables(
            &ListTasksArgs::default(),
            Placement::default(),
        ))
        .unwrap();
        assert_eq!(variables["filter"], json!({}));
        assert_eq!(variables["orderBy"], json!(null));
        assert_eq!(variables["first"], json!(null));
    }

    #[test]
    fn an_update_sends_only_the_fields_to_change() {
        let args: UpdateTaskArgs = serde_json::from_value(json!({
            "id": "t1",
            "title": "Renamed",
            "recurrence": null,
            "dueAt": null,
            "priority": "HIGH",
        }))
        .unwrap();
        // The id goes separately; absent fields stay absent and null ones are sent as null.
        assert_eq!(
            serde_json::to_value(UpdateTaskInput::new(&args, Placement::default())).unwrap(),
            json!({ "title": "Renamed", "priority": "HIGH", "dueAt": null, "recurrence": null })
        );
    }

    #[test]
    fn a_recurrence_without_mode_takes_the_schema_default() {
        let args: AddTaskArgs = serde_json::from_value(json!({
            "title": "Stand-up",
            "dueAt": "2027-03-01T09:30:00+01:00",
            "recurrence": { "preset": "WEEKDAYS" },
        }))
        .unwrap();
        assert_eq!(
            serde_json::to_value(CreateTaskInput::new(&args, Placement::default())).unwrap(),
            json!({
                "title": "Stand-up",
                "dueAt": "2027-03-01T09:30:00+01:00",
                "recurrence": { "preset": "WEEKDAYS" },
            })
        );
    }

    #[test]
    fn looked_up_ids_go_into_the_input_and_filter() {
        let args: AddTaskArgs = serde_json::from_value(json!({
            "title": "Prune the roses",
            "project": "Garden",
            "labels": ["outside"],
            "parentId": "t-1",
        }))
        .unwrap();
        let placement = Placement {
            project_id: Some(Id::new("p-1")),
            label_ids: Some(vec![Id::new("l-1")]),
        };
        assert_eq!(
            serde_json::to_value(CreateTaskInput::new(&args, placement.clone())).unwrap(),
            json!({
                "title": "Prune the roses",
                "projectId": "p-1",
                "labelIds": ["l-1"],
                "parentId": "t-1",
            })
        );
        let args = ListTasksArgs {
            parent_id: Some("t-1".into()),
            ..ListTasksArgs::default()
        };
        let variables = serde_json::to_value(list_variables(&args, placement)).unwrap();
        assert_eq!(
            variables["filter"],
            json!({ "projectId": "p-1", "labelIds": ["l-1"], "parentId": "t-1" })
        );
    }

    #[test]
    fn a_category_is_a_label() {
        let labels = ["home".to_owned(), "money".to_owned()];
        assert_eq!(wanted_labels(None, None), None);
        assert_eq!(
            wanted_labels(Some(&labels), None),
            Some(vec!["home", "money"])
        );
        assert_eq!(wanted_labels(None, Some(Some("work"))), Some(vec!["work"]));
        // update_task's `category: null` removed the category: now all labels.
        assert_eq!(wanted_labels(None, Some(None)), Some(vec![]));
        assert_eq!(
            wanted_labels(Some(&labels), Some(Some("work"))),
            Some(vec!["home", "money", "work"])
        );
        assert_eq!(
            wanted_labels(Some(&labels), Some(None)),
            Some(vec!["home", "money"])
        );
    }

    #[test]
    fn a_project_is_found_by_id_first_then_by_name_in_any_case() {
        let items = [
            (Id::new("p-1"), "Inbox".to_owned()),
            (Id::new("p-2"), "Work".to_owned()),
            // A project may be named like another's id; the id wins.
            (Id::new("p-3"), "p-2".to_owned()),
        ];
        let find = |given| find_by_id_or_name(&items, given, |(id, name)| (id, name));
        assert_eq!(find("p-2").map(|i| i.0.inner()), Some("p-2"));
        assert_eq!(find("wORK").map(|i| i.0.inner()), Some("p-2"));
        assert_eq!(find("inbox").map(|i| i.0.inner()), Some("p-1"));
        assert!(find("Wrok").is_none());
    }
}
