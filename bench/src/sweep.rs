//! Scale curves: a write (`createTask`) and a read (`tasks(first: 50)`) at each of a
//! series of concurrencies, on one server, for throughput and p99 against concurrency.

use serde::Serialize;

use crate::graphql::Api;
use crate::measure::{Kind, Measurement, Plan};
use crate::workload::{self, CreateTask, ListTasks, TaskView};

pub const DEFAULT_LEVELS: [u16; 7] = [1, 2, 4, 8, 16, 32, 64];

#[derive(Serialize)]
pub struct Sweep {
    pub seconds_per_point: u64,
    pub seed_tasks: usize,
    pub points: Vec<Measurement>,
}

pub async fn run(
    plan: &Plan,
    api: &Api,
    levels: &[u16],
    seed_tasks: usize,
) -> anyhow::Result<Sweep> {
    println!(
        "{}: sweep over concurrency {levels:?}, {} s per point",
        plan.backend,
        plan.duration.as_secs()
    );
    // Separate accounts, so the writes do not grow the account the reads list.
    let writer = workload::register(api, "sweep-writer").await?;
    let reader = workload::register(api, "sweep-reader").await?;
    workload::seed_and_count(&reader, &TaskView::All, seed_tasks, 16).await?;

    let mut points = Vec::with_capacity(levels.len() * 2);
    for &level in levels {
        let clients = usize::from(level);
        let creators = (0..clients)
            .map(|_| CreateTask::new(writer.clone()))
            .collect();
        points.push(plan.measure("createTask", Kind::Write, creators).await?);
        let listers = (0..clients)
            .map(|_| ListTasks::new(reader.clone(), &TaskView::All))
            .collect();
        points.push(
            plan.measure("tasks(first: 50)", Kind::Read, listers)
                .await?,
        );
    }
    Ok(Sweep {
        seconds_per_point: plan.duration.as_secs(),
        seed_tasks,
        points,
    })
}
