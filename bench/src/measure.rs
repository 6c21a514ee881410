//! One measured scenario: run the workers, note the CPU both processes used, print one
//! row and hand the figures back for the JSON report.

use std::time::Duration;

use serde::Serialize;

use crate::procfs;
use crate::scenario::{self, Operation, Outcome};

/// Targets from the issue, for 16 concurrent clients on 2 cores; printed for context.
pub const TARGET_READS_PER_SECOND: u64 = 5_000;
pub const TARGET_WRITES_PER_SECOND: u64 = 1_000;
pub const TARGET_P99_MS: u64 = 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Read,
    Write,
}

impl Kind {
    fn target_per_second(self) -> u64 {
        match self {
            Self::Read => TARGET_READS_PER_SECOND,
            Self::Write => TARGET_WRITES_PER_SECOND,
        }
    }
}

/// The figures of one scenario at one concurrency, as printed and as written to JSON.
#[derive(Clone, Debug, Serialize)]
pub struct Measurement {
    pub backend: &'static str,
    pub scenario: String,
    pub kind: Kind,
    pub concurrency: usize,
    pub seconds: f64,
    pub requests: u64,
    pub req_per_s: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub errors: u64,
    pub first_error: Option<String>,
    #[serde(flatten)]
    pub cpu: CpuShare,
}

/// CPU used during a scenario, in cores (CPU seconds per wall-clock second): client,
/// server and a local database share the cores, so how they split them matters.
#[derive(Clone, Debug, Serialize)]
pub struct CpuShare {
    pub server_cores: f64,
    pub bench_cores: f64,
    /// PostgreSQL's processes on this machine; `None` on SQLite, which runs inside the
    /// server, or when PostgreSQL runs elsewhere.
    pub database_cores: Option<f64>,
    /// How often the server's threads blocked, per request: its hand-offs between
    /// threads and waits on the database. Unlike the figures in seconds, it hardly
    /// depends on how fast the machine is that day.
    pub server_waits_per_request: f64,
}

pub struct Plan {
    pub backend: &'static str,
    pub server_pid: String,
    pub duration: Duration,
    /// The command name of the database's processes on this machine (`postgres`), whose
    /// CPU is reported beside the server's.
    pub database_command: Option<&'static str>,
}

impl Plan {
    pub async fn measure<O: Operation>(
        &self,
        name: &str,
        kind: Kind,
        workers: Vec<O>,
    ) -> anyhow::Result<Measurement> {
        let concurrency = workers.len();
        let server_cpu = procfs::cpu_time(&self.server_pid)?;
        let server_waits = procfs::blocking_waits(&self.server_pid)?;
        let bench_cpu = procfs::cpu_time("self")?;
        let database_cpu = self.database_cpu()?;
        let outcome = scenario::run(workers, self.duration).await?;
        let cores = |before: Duration, after: Duration| {
            after.saturating_sub(before).as_secs_f64() / outcome.elapsed.as_secs_f64()
        };
        let cpu = CpuShare {
            server_cores: cores(server_cpu, procfs::cpu_time(&self.server_pid)?),
            bench_cores: cores(bench_cpu, procfs::cpu_time("self")?),
            database_cores: match (database_cpu, self.database_cpu()?) {
                (Some(before), Some(after)) => Some(cores(before, after)),
                _ => None,
            },
            server_waits_per_request: procfs::blocking_waits(&self.server_pid)?
                .saturating_sub(server_waits) as f64
                / outcome.successes().max(1) as f64,
        };
        let measurement = summarise(self.backend, name, kind, concurrency, &outcome, cpu);
        print_row(&measurement);
        Ok(measurement)
    }

    fn database_cpu(&self) -> anyhow::Result<Option<Duration>> {
        match self.database_command {
            Some(command) => procfs::cpu_time_of_command(command),
            None => Ok(None),
        }
    }
}

fn summarise(
    backend: &'static str,
    name: &str,
    kind: Kind,
    concurrency: usize,
    outcome: &Outcome,
    cpu: CpuShare,
) -> Measurement {
    let ms = |micros: u64| micros as f64 / 1_000.0;
    let latency = &outcome.latency;
    Measurement {
        backend,
        scenario: name.to_owned(),
        kind,
        concurrency,
        seconds: outcome.elapsed.as_secs_f64(),
        requests: outcome.successes() + outcome.errors,
        req_per_s: outcome.per_second(),
        p50_ms: ms(latency.value_at_quantile(0.50)),
        p99_ms: ms(latency.value_at_quantile(0.99)),
        max_ms: ms(latency.max()),
        errors: outcome.errors,
        first_error: outcome.first_error.clone(),
        cpu,
    }
}

fn print_row(m: &Measurement) {
    let database = m
        .cpu
        .database_cores
        .map(|cores| format!(" database {cores:.2}"))
        .unwrap_or_default();
    println!(
        "{:<9} {:<25} c={:<3} {:>7} req {:>8.1} req/s  p50 {:>6.2} ms  p99 {:>6.2} ms  \
         max {:>7.2} ms  errors {:<5} cpu: server {:.2} bench {:.2}{database}  \
         waits/req {:.1}  [target >= {} req/s, p99 < {TARGET_P99_MS} ms]",
        m.backend,
        m.scenario,
        m.concurrency,
        m.requests,
        m.req_per_s,
        m.p50_ms,
        m.p99_ms,
        m.max_ms,
        m.errors,
        m.cpu.server_cores,
        m.cpu.bench_cores,
        m.cpu.server_waits_per_request,
        m.kind.target_per_second(),
    );
    if let Some(error) = &m.first_error {
        println!("{:<9} first error: {error}", m.backend);
    }
}
