//! The default run: the footprint (time to ready on a first start and a restart, idle
//! and peak memory, binary sizes) and every scenario at one concurrency.

use std::time::Duration;

use serde::Serialize;

use crate::footprint::{self, Footprint};
use crate::graphql::Api;
use crate::measure::{Kind, Measurement, Plan, TARGET_P99_MS};
use crate::measure::{TARGET_READS_PER_SECOND, TARGET_WRITES_PER_SECOND};
use crate::notifications::{self, ListNotifications, UnreadCount};
use crate::workload::{self, CompleteSeries, CreateTask, ListTasks, TaskView};
use crate::{Common, Scenario, ScenarioArgs, Setup, finish, plan, write_json};

#[derive(Serialize)]
struct Standard {
    seconds_per_scenario: u64,
    seed_tasks: usize,
    seed_notifications: usize,
    scenarios: Vec<Measurement>,
    footprint: Footprint,
}

pub async fn run(setup: &Setup, common: &Common, args: &ScenarioArgs) -> anyhow::Result<()> {
    let backend = common.backend.name();
    // The first start creates the schema; the restart is what a deployment usually
    // sees. SIGTERM in between, so the restart finds a cleanly closed database.
    let (first, ready_first_start) = setup.start().await?;
    first.stop().await?;
    let (server, ready_restart) = setup.start().await?;
    tokio::time::sleep(footprint::SETTLE).await;
    let idle_rss_mib = footprint::idle_rss_mib(&server.pid())?;

    let outcome = async {
        let plan = plan(common, &server, args.duration_secs);
        let scenarios = run_scenarios(&plan, &setup.api(&server), args).await?;
        let footprint = Footprint {
            backend,
            ready_first_start_ms: ms(ready_first_start),
            ready_restart_ms: ms(ready_restart),
            idle_rss_mib,
            peak_rss_mib: footprint::peak_rss_mib(&server.pid())?,
            binaries: footprint::binaries(&common.server_bin)?,
        };
        footprint::print(&footprint);
        let body = Standard {
            seconds_per_scenario: args.duration_secs,
            seed_tasks: args.seed_tasks as usize,
            seed_notifications: args.seed_notifications as usize,
            scenarios,
            footprint,
        };
        write_json(common, "scenarios", &body)
    }
    .await;
    finish(&server, outcome)
}

async fn run_scenarios(
    plan: &Plan,
    api: &Api,
    args: &ScenarioArgs,
) -> anyhow::Result<Vec<Measurement>> {
    let concurrency = usize::from(args.concurrency);
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    println!(
        "{}: concurrency {concurrency}, {} s per scenario, {cores} cores shared by server, \
         bench{}; targets at c=16 on 2 cores: reads >= {TARGET_READS_PER_SECOND} req/s, \
         writes >= {TARGET_WRITES_PER_SECOND} req/s, p99 < {TARGET_P99_MS} ms",
        plan.backend,
        args.duration_secs,
        plan.database_command
            .map(|command| format!(" and the local {command} processes"))
            .unwrap_or_default()
    );
    let runs = |scenario: Scenario| args.only.is_empty() || args.only.contains(&scenario);
    let seed_tasks = args.seed_tasks as usize;
    let notifications = args.seed_notifications as usize;

    // One account per scenario, so the writes do not grow the accounts the reads list.
    let writer = workload::register(api, "writer").await?;
    let reader = workload::register(api, "reader").await?;
    let notified = workload::register(api, "notified").await?;
    let completer = workload::register(api, "completer").await?;
    if runs(Scenario::Tasks) {
        workload::seed_and_count(&reader, &TaskView::All, seed_tasks, concurrency).await?;
    }
    if runs(Scenario::Notifications) || runs(Scenario::UnreadCount) {
        notifications::seed(&notified, notifications, concurrency).await?;
    }

    let mut rows = Vec::with_capacity(6);
    if runs(Scenario::CreateTask) {
        let creators = (0..concurrency)
            .map(|_| CreateTask::new(writer.clone()))
            .collect();
        rows.push(plan.measure("createTask", Kind::Write, creators).await?);
    }
    if runs(Scenario::Tasks) {
        let listers = (0..concurrency)
            .map(|_| ListTasks::new(reader.clone(), &TaskView::All))
            .collect();
        rows.push(
            plan.measure("tasks(first: 50)", Kind::Read, listers)
                .await?,
        );
    }
    if runs(Scenario::Notifications) {
        let centers = (0..concurrency)
            .map(|_| ListNotifications::new(notified.clone(), notifications))
            .collect();
        rows.push(
            plan.measure("notifications(first: 50)", Kind::Read, centers)
                .await?,
        );
    }
    if runs(Scenario::UnreadCount) {
        let bells = (0..concurrency)
            .map(|_| UnreadCount::new(notified.clone(), notifications))
            .collect();
        rows.push(
            plan.measure("unreadNotificationCount", Kind::Read, bells)
                .await?,
        );
    }
    if runs(Scenario::CompleteTask) {
        let mut series = Vec::with_capacity(concurrency);
        for n in 0..concurrency {
            series.push(CompleteSeries::start(completer.clone(), n).await?);
        }
        rows.push(plan.measure("completeTask", Kind::Write, series).await?);
    }
    // Seeded and measured last, so the scenarios above run on the database they ran on
    // before the project view existed and their figures stay comparable.
    if runs(Scenario::ProjectView) {
        let organiser = workload::register(api, "organiser").await?;
        let view = TaskView::project(&organiser).await?;
        workload::seed_and_count(&organiser, &view, seed_tasks, concurrency).await?;
        let listers = (0..concurrency)
            .map(|_| ListTasks::new(organiser.clone(), &view))
            .collect();
        rows.push(
            plan.measure("project view (first: 50)", Kind::Read, listers)
                .await?,
        );
    }
    Ok(rows)
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1_000.0
}
