//! The accounts, the seed data and the measured task operations.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context as _, ensure};
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::{Value, json};
use tokio::task::JoinSet;

use crate::graphql::Api;
use crate::scenario::Operation;

const REGISTER: &str = "mutation($input: RegisterInput!) { register(input: $input) { token } }";
const CREATE_TASK: &str = "mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }";
const LIST_TASKS: &str = "query { tasks(first: 50) { \
     edges { node { id title priority dueAt completed } } \
     pageInfo { hasNextPage endCursor } totalCount } }";
/// The list of `LIST_TASKS` in one project, with what a project view shows on each row.
const LIST_PROJECT_TASKS: &str = "query($projectId: ID!) { \
     tasks(first: 50, filter: { projectId: $projectId }) { \
     edges { node { id title priority dueAt completed \
     project { id name color } labels { id name color } subtaskProgress { done total } } } \
     pageInfo { hasNextPage endCursor } totalCount } }";
const CREATE_PROJECT: &str =
    "mutation($input: CreateProjectInput!) { createProject(input: $input) { id } }";
const CREATE_LABEL: &str =
    "mutation($input: CreateLabelInput!) { createLabel(input: $input) { id } }";
const COMPLETE_TASK: &str = "mutation($id: ID!) { completeTask(id: $id) { \
     task { id completed } nextOccurrence { id dueAt } } }";

const PAGE_SIZE: usize = 50;
const PRIORITIES: [&str; 4] = ["LOW", "NORMAL", "HIGH", "URGENT"];
const CATEGORIES: [&str; 3] = ["work", "home", "errands"];
/// Labels on every task of the project view.
const PROJECT_LABELS: [(&str, &str); 2] = [("focus", "#1f77b4"), ("waiting", "#ff7f0e")];
/// In the project view, every this many tasks has subtasks.
const SUBTASKS_EVERY: usize = 5;
const SUBTASKS_EACH: usize = 2;

#[derive(Deserialize)]
struct Register {
    register: Session,
}

#[derive(Deserialize)]
struct Session {
    token: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateTaskData {
    create_task: Node,
}

#[derive(Deserialize)]
struct Node {
    id: String,
}

#[derive(Deserialize)]
struct TasksData {
    tasks: Connection,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Connection {
    edges: Vec<IgnoredAny>,
    total_count: usize,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateProjectData {
    create_project: Node,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateLabelData {
    create_label: Node,
}

/// A project-view page, read once after seeding to check the seed is what the
/// scenario claims to measure.
#[derive(Deserialize)]
struct ProjectTasksData {
    tasks: ProjectConnection,
}

#[derive(Deserialize)]
struct ProjectConnection {
    edges: Vec<ProjectEdge>,
}

#[derive(Deserialize)]
struct ProjectEdge {
    node: ProjectRow,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProjectRow {
    labels: Vec<IgnoredAny>,
    subtask_progress: SubtaskProgress,
}

#[derive(Deserialize)]
struct SubtaskProgress {
    total: usize,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CompleteTaskData {
    complete_task: Completion,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Completion {
    next_occurrence: Option<Node>,
}

/// Registers a fresh account and returns the API signed in as it.
pub async fn register(api: &Api, role: &str) -> anyhow::Result<Api> {
    Ok(register_with_token(api, role).await?.0)
}

/// Registers a fresh account; returns the API signed in as it and its session token
/// (which websockets present in `connection_init`).
pub async fn register_with_token(api: &Api, role: &str) -> anyhow::Result<(Api, String)> {
    let email = format!(
        "loadbench-{role}-{}-{}@example.com",
        std::process::id(),
        unix_time().as_millis()
    );
    let input = json!({
        "email": email,
        "password": "loadbench-password",
        "displayName": format!("loadbench {role}"),
    });
    let data: Register = api
        .call(REGISTER, json!({ "input": input }))
        .await
        .with_context(|| format!("registering the {role} account"))?;
    let token = data.register.token;
    Ok((api.signed_in(&token), token))
}

/// Which tasks a list reads, and so how they are seeded.
#[derive(Clone)]
pub enum TaskView {
    /// `tasks(first: 50)`: the account's tasks, each with a category, in its Inbox.
    All,
    /// `tasks(first: 50, filter: { projectId })` with each row's project, labels and
    /// subtask progress: every task in one project with two labels, every fifth with two
    /// subtasks.
    Project(Organised),
}

/// The project and labels the project view's tasks are created in.
#[derive(Clone)]
pub struct Organised {
    project_id: String,
    label_ids: Vec<String>,
}

impl TaskView {
    /// The project view's project and labels, created on the account of `api`.
    pub async fn project(api: &Api) -> anyhow::Result<Self> {
        let project = json!({ "name": "Loadbench project", "color": "#2ca02c" });
        let data: CreateProjectData = api
            .call(CREATE_PROJECT, json!({ "input": project }))
            .await
            .context("creating the project")?;
        let mut label_ids = Vec::with_capacity(PROJECT_LABELS.len());
        for (name, color) in PROJECT_LABELS {
            let label = json!({ "name": name, "color": color });
            let data: CreateLabelData = api
                .call(CREATE_LABEL, json!({ "input": label }))
                .await
                .with_context(|| format!("creating the label {name}"))?;
            label_ids.push(data.create_label.id);
        }
        Ok(Self::Project(Organised {
            project_id: data.create_project.id,
            label_ids,
        }))
    }

    fn request(&self) -> (&'static str, Value) {
        match self {
            Self::All => (LIST_TASKS, json!({})),
            Self::Project(organised) => (
                LIST_PROJECT_TASKS,
                json!({ "projectId": organised.project_id }),
            ),
        }
    }

    /// The input of the `n`th seeded task. The project view's tasks carry labels
    /// instead of a category, which would add a third label.
    fn task_input(&self, n: usize) -> Value {
        let mut input = task_input(n);
        if let (Self::Project(organised), Value::Object(fields)) = (self, &mut input) {
            fields.remove("category");
            fields.insert("projectId".into(), json!(organised.project_id));
            fields.insert("labelIds".into(), json!(organised.label_ids));
        }
        input
    }

    fn subtasks_of(&self, n: usize) -> usize {
        match self {
            Self::All => 0,
            Self::Project(_) if n.is_multiple_of(SUBTASKS_EVERY) => SUBTASKS_EACH,
            Self::Project(_) => 0,
        }
    }
}

/// Creates `count` top-level tasks for `view` (and their subtasks) on `concurrency`
/// parallel connections.
async fn seed_tasks(
    api: &Api,
    view: &TaskView,
    count: usize,
    concurrency: usize,
) -> anyhow::Result<()> {
    let mut running = JoinSet::new();
    for worker in 0..concurrency {
        let api = api.clone();
        let view = view.clone();
        running.spawn(async move {
            for n in (worker..count).step_by(concurrency) {
                let parent = create_task(&api, view.task_input(n)).await?;
                for s in 0..view.subtasks_of(n) {
                    let subtask = json!({
                        "title": format!("Step {s} of task {n}"),
                        "parentId": parent,
                    });
                    create_task(&api, subtask).await?;
                }
            }
            anyhow::Ok(())
        });
    }
    while let Some(joined) = running.join_next().await {
        joined
            .context("seeding worker panicked")?
            .context("seeding tasks")?;
    }
    Ok(())
}

/// Seeds `tasks` for `view`, checks the account lists them all and says how long it
/// took.
pub async fn seed_and_count(
    api: &Api,
    view: &TaskView,
    tasks: usize,
    concurrency: usize,
) -> anyhow::Result<()> {
    let started = Instant::now();
    seed_tasks(api, view, tasks, concurrency).await?;
    let listed = count_tasks(api, view).await?;
    ensure!(
        listed == tasks,
        "seeded {tasks} tasks but the account lists {listed}"
    );
    println!(
        "seeded {tasks} tasks in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// How many top-level tasks `view` lists; for the project view, also checks that the
/// first page shows the seeded labels and subtasks.
async fn count_tasks(api: &Api, view: &TaskView) -> anyhow::Result<usize> {
    let (query, variables) = view.request();
    let data: TasksData = api.call(query, variables.clone()).await?;
    if let TaskView::Project(organised) = view {
        let page: ProjectTasksData = api.call(query, variables).await?;
        let rows = &page.tasks.edges;
        ensure!(
            rows.iter()
                .all(|edge| edge.node.labels.len() == organised.label_ids.len()),
            "a project-view row lacks its labels"
        );
        let with_subtasks = rows
            .iter()
            .filter(|edge| edge.node.subtask_progress.total == SUBTASKS_EACH)
            .count();
        ensure!(
            with_subtasks > 0,
            "no project-view row on the first page shows its subtasks"
        );
    }
    Ok(data.tasks.total_count)
}

/// Each worker creates tasks on one shared account.
pub struct CreateTask {
    api: Api,
    next: usize,
}

impl CreateTask {
    pub fn new(api: Api) -> Self {
        Self { api, next: 0 }
    }
}

impl Operation for CreateTask {
    async fn call(&mut self) -> anyhow::Result<()> {
        self.next += 1;
        create_task(&self.api, task_input(self.next)).await?;
        Ok(())
    }
}

/// The first page of an account's tasks, or of its project.
pub struct ListTasks {
    api: Api,
    query: &'static str,
    variables: Value,
}

impl ListTasks {
    pub fn new(api: Api, view: &TaskView) -> Self {
        let (query, variables) = view.request();
        Self {
            api,
            query,
            variables,
        }
    }
}

impl Operation for ListTasks {
    async fn call(&mut self) -> anyhow::Result<()> {
        let data: TasksData = self.api.call(self.query, self.variables.clone()).await?;
        ensure!(
            data.tasks.edges.len() == PAGE_SIZE,
            "expected {PAGE_SIZE} tasks, got {}",
            data.tasks.edges.len()
        );
        Ok(())
    }
}

/// Walks one daily series: every completion creates the next occurrence, which is the
/// next one to complete, so the workload needs no pre-built pool of tasks.
pub struct CompleteSeries {
    api: Api,
    task_id: String,
}

impl CompleteSeries {
    pub async fn start(api: Api, series: usize) -> anyhow::Result<Self> {
        let input = json!({
            "title": format!("Daily chore {series}"),
            "dueAt": due_at(0),
            "timeZone": "UTC",
            "recurrence": { "preset": "DAILY", "mode": "FROM_DUE_DATE" },
        });
        let task_id = create_task(&api, input)
            .await
            .context("creating a recurring task")?;
        Ok(Self { api, task_id })
    }
}

impl Operation for CompleteSeries {
    async fn call(&mut self) -> anyhow::Result<()> {
        // On failure the same task is retried: completing is idempotent.
        let data: CompleteTaskData = self
            .api
            .call(COMPLETE_TASK, json!({ "id": self.task_id }))
            .await?;
        let next = data
            .complete_task
            .next_occurrence
            .context("the series ended: no next occurrence")?;
        self.task_id = next.id;
        Ok(())
    }
}

async fn create_task(api: &Api, input: Value) -> anyhow::Result<String> {
    let data: CreateTaskData = api.call(CREATE_TASK, json!({ "input": input })).await?;
    Ok(data.create_task.id)
}

/// A varied but ordinary task: the fields a user would typically fill in.
fn task_input(n: usize) -> Value {
    json!({
        "title": format!("Task {n}"),
        "description": "Created by loadbench",
        "priority": PRIORITIES[n % PRIORITIES.len()],
        "category": CATEGORIES[n % CATEGORIES.len()],
        "dueAt": due_at(n),
        "timeZone": "Europe/Berlin",
    })
}

/// A date-time next calendar year, so every due date lies in the future.
pub fn due_at(n: usize) -> String {
    const SECONDS_PER_YEAR: u64 = 31_556_952;
    let next_year = 1970 + unix_time().as_secs() / SECONDS_PER_YEAR + 1;
    format!("{next_year}-{:02}-{:02}T09:00:00Z", n % 12 + 1, n % 28 + 1)
}

fn unix_time() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}
