//! Load benchmark for `todo-api`: starts the server on a fresh database, seeds an
//! account, then drives `createTask`, `tasks(first: 50)` and `completeTask` on recurring
//! tasks at a set concurrency over HTTP, printing throughput, latency and the server's
//! peak memory. It reports numbers only; nothing is asserted.

mod graphql;
mod postgres;
mod procfs;
mod scenario;
mod server;
mod workload;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure};
use clap::{Parser, ValueEnum};

use graphql::Api;
use postgres::ScratchDatabase;
use procfs::Memory;
use scenario::{Operation, Outcome};
use server::Server;
use workload::{CompleteSeries, CreateTask, ListTasks};

/// Targets from the issue, for 16 concurrent clients on 2 cores; printed for context.
const TARGET_READS_PER_SECOND: u64 = 5_000;
const TARGET_WRITES_PER_SECOND: u64 = 1_000;
const TARGET_P99_MS: u64 = 20;
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
const LOG_LINES_SHOWN: usize = 10;

/// Starts todo-api on a fresh database and measures createTask, tasks(first: 50) and
/// completeTask over HTTP at a set concurrency.
#[derive(Debug, Parser)]
#[command(name = "loadbench")]
struct Args {
    /// The `todo-api` binary to start.
    #[arg(long, default_value = "target/release/todo-api")]
    server_bin: PathBuf,
    #[arg(long, value_enum, default_value_t = Backend::Sqlite)]
    backend: Backend,
    /// Database for the server. Defaults to a fresh SQLite file, or for postgres to a
    /// fresh database created through --admin-url and dropped afterwards.
    #[arg(long)]
    database_url: Option<String>,
    /// PostgreSQL URL used to create and drop the scratch database.
    #[arg(
        long,
        env = "LOADBENCH_ADMIN_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/test"
    )]
    admin_url: String,
    /// Concurrent clients, each with one request in flight.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..))]
    concurrency: u16,
    /// How long each scenario runs.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    duration_secs: u64,
    /// Tasks on the account that the reads scenario lists.
    #[arg(long, default_value_t = 1_000, value_parser = clap::value_parser!(u32).range(50..))]
    seed_tasks: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }

    fn accepts(self, url: &str) -> bool {
        match self {
            Self::Sqlite => url.starts_with("sqlite:"),
            Self::Postgres => url.starts_with("postgres:") || url.starts_with("postgresql:"),
        }
    }
}

#[derive(Clone, Copy)]
enum Kind {
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

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> anyhow::Result<()> {
    if let Some(url) = &args.database_url
        && !args.backend.accepts(url)
    {
        bail!(
            "--database-url does not match --backend {}",
            args.backend.name()
        );
    }
    // Declared before the server so it is dropped after the server has stopped.
    let scratch = match (args.backend, &args.database_url) {
        (Backend::Postgres, None) => Some(ScratchDatabase::create(&args.admin_url)?),
        _ => None,
    };
    let database_url = args
        .database_url
        .as_deref()
        .or(scratch.as_ref().map(ScratchDatabase::url));

    let mut server = Server::spawn(&args.server_bin, database_url)?;
    let client = reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .build()?;
    server.wait_ready(&client).await?;
    let api = Api::new(client, server.base_url());

    let result = run_scenarios(&args, &api, server.pid()).await;
    if result.is_ok() {
        print_memory(args.backend, &procfs::memory(&server.pid())?);
    }
    print_server_log(&server.log());
    result
}

async fn run_scenarios(args: &Args, api: &Api, server_pid: String) -> anyhow::Result<()> {
    let plan = Plan {
        backend: args.backend.name(),
        server_pid,
        concurrency: usize::from(args.concurrency),
        duration: Duration::from_secs(args.duration_secs),
    };
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    println!(
        "{}: concurrency {}, {} s per scenario, {cores} cores shared by server and bench; \
         targets at c=16 on 2 cores: reads >= {TARGET_READS_PER_SECOND} req/s, \
         writes >= {TARGET_WRITES_PER_SECOND} req/s, p99 < {TARGET_P99_MS} ms",
        plan.backend, plan.concurrency, args.duration_secs
    );

    // One account per scenario, so the writes do not grow the account the reads list.
    let writer = workload::register(api, "writer").await?;
    let reader = workload::register(api, "reader").await?;
    let completer = workload::register(api, "completer").await?;
    seed(&reader, args.seed_tasks as usize, plan.concurrency).await?;

    let creators = plan.workers(|_| CreateTask::new(writer.clone()));
    plan.measure("createTask", Kind::Write, creators).await?;

    let listers = plan.workers(|_| ListTasks::new(reader.clone()));
    plan.measure("tasks(first: 50)", Kind::Read, listers)
        .await?;

    let mut series = Vec::with_capacity(plan.concurrency);
    for n in 0..plan.concurrency {
        series.push(CompleteSeries::start(completer.clone(), n).await?);
    }
    plan.measure("completeTask", Kind::Write, series).await
}

async fn seed(reader: &Api, tasks: usize, concurrency: usize) -> anyhow::Result<()> {
    let started = Instant::now();
    workload::seed_tasks(reader, tasks, concurrency).await?;
    let listed = workload::count_tasks(reader).await?;
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

struct Plan {
    backend: &'static str,
    server_pid: String,
    concurrency: usize,
    duration: Duration,
}

impl Plan {
    fn workers<O>(&self, make: impl FnMut(usize) -> O) -> Vec<O> {
        (0..self.concurrency).map(make).collect()
    }

    async fn measure<O: Operation>(
        &self,
        name: &str,
        kind: Kind,
        workers: Vec<O>,
    ) -> anyhow::Result<()> {
        let server_cpu = procfs::cpu_time(&self.server_pid)?;
        let bench_cpu = procfs::cpu_time("self")?;
        let outcome = scenario::run(workers, self.duration).await?;
        // Client and server share the cores, so how they split them matters.
        let cores = |before: Duration, after: Duration| {
            after.saturating_sub(before).as_secs_f64() / outcome.elapsed.as_secs_f64()
        };
        let cpu = Cpu {
            server_cores: cores(server_cpu, procfs::cpu_time(&self.server_pid)?),
            bench_cores: cores(bench_cpu, procfs::cpu_time("self")?),
        };
        print_row(self, name, kind, &outcome, &cpu);
        Ok(())
    }
}

/// CPU used during a scenario, in cores (CPU seconds per wall-clock second).
struct Cpu {
    server_cores: f64,
    bench_cores: f64,
}

fn print_row(plan: &Plan, name: &str, kind: Kind, outcome: &Outcome, cpu: &Cpu) {
    let ms = |micros: u64| micros as f64 / 1_000.0;
    let latency = &outcome.latency;
    println!(
        "{:<9} {name:<17} c={:<3} {:>7} req {:>8.1} req/s  p50 {:>6.2} ms  p99 {:>6.2} ms  \
         max {:>7.2} ms  errors {:<5} cpu: server {:.2} bench {:.2}  \
         [target >= {} req/s, p99 < {TARGET_P99_MS} ms]",
        plan.backend,
        plan.concurrency,
        outcome.successes() + outcome.errors,
        outcome.per_second(),
        ms(latency.value_at_quantile(0.50)),
        ms(latency.value_at_quantile(0.99)),
        ms(latency.max()),
        outcome.errors,
        cpu.server_cores,
        cpu.bench_cores,
        kind.target_per_second(),
    );
    if let Some(error) = &outcome.first_error {
        println!("{:<9} first error: {error}", plan.backend);
    }
}

fn print_memory(backend: Backend, memory: &Memory) {
    let mib = |kib: u64| kib as f64 / 1024.0;
    println!(
        "{:<9} server memory: peak RSS (VmHWM) {:.1} MiB, RSS at end {:.1} MiB",
        backend.name(),
        mib(memory.peak_kib),
        mib(memory.current_kib)
    );
}

/// The server runs with RUST_LOG=warn, so anything it logged deserves a look.
fn print_server_log(log: &str) {
    let lines: Vec<&str> = log.lines().collect();
    if lines.is_empty() {
        return;
    }
    println!(
        "server logged {} warning/error lines; the first:",
        lines.len()
    );
    for line in lines.iter().take(LOG_LINES_SHOWN) {
        println!("  {line}");
    }
}
