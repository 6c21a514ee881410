//! `loadbench ui`: the reads of the web UI's pages, sent as the UI sends them (its own
//! documents from `web/queries/`, with the variables its pages use), on one account
//! seeded the way people's accounts look: projects and labels, descriptions, a share of
//! recurring tasks, subtasks, reminders that fired and the history all that wrote.
//!
//! Beside them it measures `{ __typename }` and the lean list of the default run, so
//! that one run gives the ratios that do not depend on the machine's speed that day:
//! the UI's list against the lean list, and the lean list against the smallest request
//! the server answers.

use std::time::Instant;

use anyhow::{Context as _, ensure};
use serde::Deserialize;
use serde::Serialize;
use serde_json::{Value, json};
use tokio::task::JoinSet;

use crate::graphql::Api;
use crate::measure::{Kind, Measurement, Plan};
use crate::notifications;
use crate::scenario::Operation;
use crate::workload;

/// The web UI's documents, exactly as it sends them (the web crate's test keeps these
/// files equal to its code).
mod documents {
    pub const TASKS: &str = include_str!("../../web/queries/TasksQuery.graphql");
    pub const TASK_DETAIL: &str = include_str!("../../web/queries/TaskDetailQuery.graphql");
    pub const NOTIFICATIONS: &str = include_str!("../../web/queries/NotificationsQuery.graphql");
    pub const UNREAD_COUNT: &str = include_str!("../../web/queries/UnreadCountQuery.graphql");
    pub const AUDIT_LOG: &str = include_str!("../../web/queries/AuditLogQuery.graphql");
    pub const ORGANISE: &str = include_str!("../../web/queries/OrganiseQuery.graphql");
}

const TYPENAME: &str = "{ __typename }";
/// The default run's `tasks(first: 50)`: five fields a row.
const LEAN_LIST: &str = "query { tasks(first: 50) { \
     edges { node { id title priority dueAt completed } } \
     pageInfo { hasNextPage endCursor } totalCount } }";
const CREATE_TASK: &str = "mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }";
const COMPLETE_TASK: &str = "mutation($id: ID!) { completeTask(id: $id) { task { id } } }";
const UPDATE_TASK: &str =
    "mutation($id: ID!, $input: UpdateTaskInput!) { updateTask(id: $id, input: $input) { id } }";
const CREATE_PROJECT: &str =
    "mutation($input: CreateProjectInput!) { createProject(input: $input) { id } }";
const CREATE_LABEL: &str =
    "mutation($input: CreateLabelInput!) { createLabel(input: $input) { id } }";

/// The list's page size (`web/src/pages/tasks/list.rs`).
const UI_PAGE: usize = 50;
const PROJECTS: [(&str, &str); 3] = [
    ("Work", "#1f77b4"),
    ("Home", "#2ca02c"),
    ("Side project", "#9467bd"),
];
const LABELS: [(&str, &str); 4] = [
    ("focus", "#d62728"),
    ("waiting", "#ff7f0e"),
    ("calls", "#17becf"),
    ("someday", "#7f7f7f"),
];
/// How recurring tasks repeat, in turn: presets and the rules people write.
const RECURRENCES: [(&str, Option<&str>); 6] = [
    ("DAILY", None),
    ("WEEKLY", None),
    ("MONTHLY", None),
    ("CUSTOM", Some("FREQ=WEEKLY;BYDAY=MO,WE,FR")),
    ("CUSTOM", Some("FREQ=MONTHLY;BYMONTHDAY=-1")),
    ("CUSTOM", Some("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=20")),
];
const DESCRIPTIONS: [&str; 4] = [
    "Call before noon.",
    "Bring the receipts from last month and the signed form; ask about the second invoice.",
    "Steps:\n1. Check the backups\n2. Rotate the keys\n3. Write down what changed",
    "https://example.com/tickets/4711 — see the thread for what was agreed.",
];
const PRIORITIES: [&str; 4] = ["LOW", "NORMAL", "HIGH", "URGENT"];
const ZONES: [&str; 3] = ["Europe/Berlin", "America/New_York", "Asia/Tokyo"];

/// What the seed holds, for the report.
#[derive(Debug, Clone, Serialize)]
pub struct Seed {
    pub tasks: usize,
    /// Every `recurring_every`th task repeats.
    pub recurring_every: usize,
    pub notifications: usize,
}

#[derive(Serialize)]
pub struct UiRun {
    pub seconds_per_scenario: u64,
    pub seed: Seed,
    pub scenarios: Vec<Measurement>,
    /// The UI's task list's req/s over the lean list's.
    pub ui_list_to_lean_list: f64,
    /// The lean list's req/s over `{ __typename }`'s.
    pub lean_list_to_typename: f64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Created {
    create_task: Id,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreatedProject {
    create_project: Id,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreatedLabel {
    create_label: Id,
}

#[derive(Deserialize)]
struct Id {
    id: String,
}

/// The account's projects and labels, by id.
#[derive(Clone)]
struct Organisation {
    projects: Vec<String>,
    labels: Vec<String>,
}

/// Seeds the account of `api`, lets `settle` bring the database to its steady state,
/// and measures every page at `concurrency`.
pub async fn run(
    plan: &Plan,
    api: &Api,
    seed: &Seed,
    concurrency: usize,
    settle: impl FnOnce() -> anyhow::Result<()>,
) -> anyhow::Result<UiRun> {
    let person = workload::register(api, "person").await?;
    let started = Instant::now();
    let organisation = organise(&person).await?;
    let tasks = seed_tasks(&person, &organisation, seed, concurrency).await?;
    notifications::seed(&person, seed.notifications, concurrency).await?;
    complete_reminded(&person).await?;
    println!(
        "seeded {} tasks (every {} recurring), {} projects, {} labels and {} notifications \
         in {:.1} s",
        seed.tasks,
        seed.recurring_every,
        organisation.projects.len(),
        organisation.labels.len(),
        seed.notifications,
        started.elapsed().as_secs_f64()
    );
    settle().context("settling the seeded database")?;

    let project = organisation.projects[0].clone();
    // A recurring task that was completed and edited: its page has a history.
    let detailed = tasks.edited.clone();
    let pages = [
        ("{ __typename }", TYPENAME, json!({})),
        ("lean list (first: 50)", LEAN_LIST, json!({})),
        ("UI task list", documents::TASKS, list_variables(None)),
        (
            "UI project view",
            documents::TASKS,
            list_variables(Some(&project)),
        ),
        (
            "UI task detail",
            documents::TASK_DETAIL,
            json!({ "id": detailed }),
        ),
        (
            "UI notification center",
            documents::NOTIFICATIONS,
            json!({}),
        ),
        ("UI unread count", documents::UNREAD_COUNT, json!({})),
        ("UI activity", documents::AUDIT_LOG, activity_variables()),
        ("UI sidebar", documents::ORGANISE, json!({})),
    ];
    for (name, query, variables) in &pages {
        check_page(&person, name, query, variables.clone()).await?;
    }

    let mut scenarios = Vec::with_capacity(pages.len());
    for (name, query, variables) in pages {
        let readers = (0..concurrency)
            .map(|_| Replay {
                api: person.clone(),
                query,
                variables: variables.clone(),
            })
            .collect();
        scenarios.push(plan.measure(name, Kind::Read, readers).await?);
    }
    let rate = |name: &str| {
        scenarios
            .iter()
            .find(|m| m.scenario == name)
            .map_or(0.0, |m| m.req_per_s)
    };
    let ui_list_to_lean_list = rate("UI task list") / rate("lean list (first: 50)");
    let lean_list_to_typename = rate("lean list (first: 50)") / rate("{ __typename }");
    println!(
        "{}: UI task list / lean list {ui_list_to_lean_list:.2} (target >= 0.6); \
         lean list / {{ __typename }} {lean_list_to_typename:.2} (target >= 0.15)",
        plan.backend
    );
    Ok(UiRun {
        seconds_per_scenario: plan.duration.as_secs(),
        seed: seed.clone(),
        scenarios,
        ui_list_to_lean_list,
        lean_list_to_typename,
    })
}

/// The list's variables as `ListFilters::query` writes them for the default view (open
/// tasks by due date), of one project or of all.
fn list_variables(project: Option<&str>) -> Value {
    let mut filter = json!({
        "completed": false,
        "priority": null,
        "dueBefore": null,
        "dueAfter": null,
        "recurring": null,
        "search": null,
    });
    if let (Some(project), Value::Object(fields)) = (project, &mut filter) {
        fields.insert("projectId".into(), json!(project));
    }
    json!({
        "filter": filter,
        "orderBy": { "field": "DUE_AT", "direction": "ASC" },
        "first": UI_PAGE,
        "after": null,
    })
}

/// The activity page unfiltered, as it opens.
fn activity_variables() -> Value {
    json!({
        "filter": { "taskId": null, "action": null, "source": null, "from": null, "to": null },
        "after": null,
    })
}

/// Fails unless `query` answers without errors and, for the lists, with a full page:
/// a scenario that measured refusals or empty pages would measure nothing.
async fn check_page(api: &Api, name: &str, query: &str, variables: Value) -> anyhow::Result<()> {
    let data: Value = api
        .call(query, variables)
        .await
        .with_context(|| format!("{name}: the page's request failed"))?;
    let rows = |connection: &str| {
        data.get(connection)
            .and_then(|c| c.get("edges"))
            .and_then(Value::as_array)
            .map_or(0, Vec::len)
    };
    if query == documents::TASKS {
        ensure!(rows("tasks") == UI_PAGE, "{name}: not a full page of tasks");
        let recurring = data
            .pointer("/tasks/edges")
            .and_then(Value::as_array)
            .map_or(0, |edges| {
                edges
                    .iter()
                    .filter(|edge| !edge.pointer("/node/recurrence").is_none_or(Value::is_null))
                    .count()
            });
        ensure!(recurring > 0, "{name}: no recurring task on the first page");
        println!("{name}: {recurring} of the first page's {UI_PAGE} tasks repeat");
    }
    if query == documents::NOTIFICATIONS {
        ensure!(rows("notifications") > 0, "{name}: no notifications");
    }
    if query == documents::AUDIT_LOG {
        ensure!(rows("auditLog") > 0, "{name}: no history");
    }
    if query == documents::TASK_DETAIL {
        let history = data
            .pointer("/task/history/edges")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        ensure!(history >= 2, "{name}: the task has no history to show");
    }
    Ok(())
}

/// Completes the tasks the notification seed had reminded: due minutes from now, they
/// would fill the first page of open tasks by due date, where people see the tasks
/// they planned; their notifications stay.
async fn complete_reminded(api: &Api) -> anyhow::Result<()> {
    let reminded: Value = api
        .call(
            "query { tasks(first: 200, filter: { search: \"Reminded task\", completed: false }) \
             { edges { node { id } } } }",
            json!({}),
        )
        .await
        .context("listing the reminded tasks")?;
    let ids = reminded
        .pointer("/tasks/edges")
        .and_then(Value::as_array)
        .map(|edges| edges.iter().filter_map(|e| e.pointer("/node/id").cloned()))
        .into_iter()
        .flatten();
    for id in ids {
        api.call::<Value>(COMPLETE_TASK, json!({ "id": id }))
            .await
            .context("completing a reminded task")?;
    }
    Ok(())
}

async fn organise(api: &Api) -> anyhow::Result<Organisation> {
    let mut projects = Vec::new();
    for (name, color) in PROJECTS {
        let data: CreatedProject = api
            .call(
                CREATE_PROJECT,
                json!({ "input": { "name": name, "color": color } }),
            )
            .await
            .with_context(|| format!("creating the project {name}"))?;
        projects.push(data.create_project.id);
    }
    let mut labels = Vec::new();
    for (name, color) in LABELS {
        let data: CreatedLabel = api
            .call(
                CREATE_LABEL,
                json!({ "input": { "name": name, "color": color } }),
            )
            .await
            .with_context(|| format!("creating the label {name}"))?;
        labels.push(data.create_label.id);
    }
    Ok(Organisation { projects, labels })
}

/// Tasks the seed made that a page needs by id.
struct Seeded {
    edited: String,
}

/// `seed.tasks` top-level tasks spread over the Inbox and the projects, every fifth
/// with two subtasks, every tenth completed (a recurring one leaves its next
/// occurrence), and one recurring task edited, for the detail page's history.
async fn seed_tasks(
    api: &Api,
    organisation: &Organisation,
    seed: &Seed,
    concurrency: usize,
) -> anyhow::Result<Seeded> {
    let mut running = JoinSet::new();
    for worker in 0..concurrency {
        let api = api.clone();
        let organisation = organisation.clone();
        let seed = seed.clone();
        running.spawn(async move {
            for n in (worker..seed.tasks).step_by(concurrency) {
                let id = create(&api, task_input(n, &organisation, &seed)).await?;
                if n.is_multiple_of(5) {
                    for step in 0..2 {
                        let subtask = json!({
                            "title": format!("Step {} of task {n}", step + 1),
                            "parentId": id,
                        });
                        create(&api, subtask).await?;
                    }
                }
                if n % 10 == 9 {
                    api.call::<Value>(COMPLETE_TASK, json!({ "id": id }))
                        .await
                        .with_context(|| format!("completing task {n}"))?;
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
    let edited = create(
        api,
        json!({
            "title": "Water the plants",
            "description": DESCRIPTIONS[0],
            "dueAt": due_at(3),
            "timeZone": ZONES[0],
            "recurrence": { "preset": "WEEKLY", "mode": "FROM_DUE_DATE" },
            "labelIds": [organisation.labels[0]],
        }),
    )
    .await?;
    api.call::<Value>(
        UPDATE_TASK,
        json!({ "id": edited, "input": { "title": "Water the plants and the herbs" } }),
    )
    .await
    .context("editing the detail page's task")?;
    Ok(Seeded { edited })
}

fn task_input(n: usize, organisation: &Organisation, seed: &Seed) -> Value {
    let mut input = serde_json::Map::new();
    input.insert("title".into(), json!(format!("Task {n}")));
    input.insert("priority".into(), json!(PRIORITIES[n % PRIORITIES.len()]));
    input.insert("timeZone".into(), json!(ZONES[n % ZONES.len()]));
    // Most tasks have a due date; a few wait without one (and so cannot repeat).
    let dated = !n.is_multiple_of(7);
    if dated {
        input.insert("dueAt".into(), json!(due_at(n)));
    }
    if !n.is_multiple_of(3) {
        input.insert(
            "description".into(),
            json!(DESCRIPTIONS[n % DESCRIPTIONS.len()]),
        );
    }
    // The Inbox holds every fourth task; the projects the rest.
    if !n.is_multiple_of(4) {
        let project = &organisation.projects[n % organisation.projects.len()];
        input.insert("projectId".into(), json!(project));
    }
    // None, one or two labels.
    let labels: Vec<&String> = organisation.labels.iter().skip(n % 3).take(n % 3).collect();
    if !labels.is_empty() {
        input.insert("labelIds".into(), json!(labels));
    }
    if dated && n.is_multiple_of(seed.recurring_every) {
        let (preset, rrule) = RECURRENCES[(n / seed.recurring_every) % RECURRENCES.len()];
        input.insert(
            "recurrence".into(),
            json!({ "preset": preset, "rrule": rrule, "mode": "FROM_DUE_DATE" }),
        );
    }
    Value::Object(input)
}

/// A date-time over the next calendar year, the `n`th task's scattered so that the
/// first page by due date holds tasks of every kind (project, labels, recurrence).
fn due_at(n: usize) -> String {
    let next_year = workload::due_at(0);
    let start = chrono::DateTime::parse_from_rfc3339(&next_year)
        .map(|at| at.with_timezone(&chrono::Utc))
        .unwrap_or_else(|_| chrono::Utc::now());
    let at = start + chrono::Duration::days((n * 37 % 365) as i64);
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

async fn create(api: &Api, input: Value) -> anyhow::Result<String> {
    let data: Created = api
        .call(CREATE_TASK, json!({ "input": input }))
        .await
        .context("creating a task")?;
    Ok(data.create_task.id)
}

/// One page's request, sent again and again.
struct Replay {
    api: Api,
    query: &'static str,
    variables: Value,
}

impl Operation for Replay {
    async fn call(&mut self) -> anyhow::Result<()> {
        self.api
            .call::<serde::de::IgnoredAny>(self.query, self.variables.clone())
            .await?;
        Ok(())
    }
}
