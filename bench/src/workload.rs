//! The accounts, the seed data and the three measured operations.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

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
const COMPLETE_TASK: &str = "mutation($id: ID!) { completeTask(id: $id) { \
     task { id completed } nextOccurrence { id dueAt } } }";

const PAGE_SIZE: usize = 50;
const PRIORITIES: [&str; 4] = ["LOW", "NORMAL", "HIGH", "URGENT"];
const CATEGORIES: [&str; 3] = ["work", "home", "errands"];

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

/// Creates `count` tasks on `concurrency` parallel connections.
pub async fn seed_tasks(api: &Api, count: usize, concurrency: usize) -> anyhow::Result<()> {
    let mut running = JoinSet::new();
    for worker in 0..concurrency {
        let api = api.clone();
        running.spawn(async move {
            for n in (worker..count).step_by(concurrency) {
                create_task(&api, task_input(n)).await?;
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

pub async fn count_tasks(api: &Api) -> anyhow::Result<usize> {
    let data: TasksData = api.call(LIST_TASKS, json!({})).await?;
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

/// The first page of an account's tasks.
pub struct ListTasks {
    api: Api,
}

impl ListTasks {
    pub fn new(api: Api) -> Self {
        Self { api }
    }
}

impl Operation for ListTasks {
    async fn call(&mut self) -> anyhow::Result<()> {
        let data: TasksData = self.api.call(LIST_TASKS, json!({})).await?;
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
fn due_at(n: usize) -> String {
    const SECONDS_PER_YEAR: u64 = 31_556_952;
    let next_year = 1970 + unix_time().as_secs() / SECONDS_PER_YEAR + 1;
    format!("{next_year}-{:02}-{:02}T09:00:00Z", n % 12 + 1, n % 28 + 1)
}

fn unix_time() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}
