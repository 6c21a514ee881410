//! Load benchmark for `todo-api`: starts the real server binary on a fresh database and
//! drives it over HTTP and websockets, printing throughput, latency, memory and start-up
//! time. It reports numbers only; nothing is asserted against a target.
//!
//! Modes:
//! - (none): every scenario at one concurrency, plus the server's footprint;
//! - `sustained`: `createTask` for a minute while the outbox backlog is sampled;
//! - `sweep`: a read and a write at concurrency 1 to 64, for the scale curves;
//! - `subscribers`: reminder latency against 100 to 10,000 idle websocket subscribers;
//! - `ui`: the web UI's pages as it asks for them, beside `{ __typename }` and the lean
//!   list, on an account seeded as people's look.
//!
//! `--json PATH` writes what a mode measured, for `scripts/bench-charts`.

mod backlog;
mod footprint;
mod graphql;
mod measure;
mod notifications;
mod postgres;
mod procfs;
mod report;
mod scenario;
mod server;
mod standard;
mod subscribers;
mod sustained;
mod sweep;
mod ui;
mod workload;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context as _, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};

use graphql::Api;
use measure::Plan;
use postgres::ScratchDatabase;
use server::{Launcher, Server};

const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
const LOG_LINES_SHOWN: usize = 10;

/// Starts todo-api on a fresh database and measures it over HTTP and websockets.
/// Without a subcommand: createTask, tasks(first: 50), a project view,
/// notifications(first: 50), unreadNotificationCount and completeTask at one
/// concurrency, and the footprint.
#[derive(Debug, Parser)]
#[command(name = "loadbench", args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    scenarios: ScenarioArgs,
    #[command(subcommand)]
    mode: Option<Mode>,
}

/// Options every mode takes (after the subcommand, if any).
#[derive(Debug, Args)]
struct Common {
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
    /// Also write the figures to this JSON file.
    #[arg(long)]
    json: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct ScenarioArgs {
    /// Concurrent clients, each with one request in flight.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..))]
    concurrency: u16,
    /// How long each scenario runs.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    duration_secs: u64,
    /// Tasks on the account that the reads scenario lists, and in the project of the
    /// project view.
    #[arg(long, default_value_t = 1_000, value_parser = clap::value_parser!(u32).range(50..))]
    seed_tasks: u32,
    /// Notifications, created through the reminder path, on the account whose
    /// notification center is read.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(50..))]
    seed_notifications: u32,
    /// Run only these scenarios (comma-separated); all by default. `--only tasks` also
    /// runs against a server older than projects, to compare a build with the one
    /// before it.
    #[arg(long, value_enum, value_delimiter = ',')]
    only: Vec<Scenario>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Scenario {
    CreateTask,
    Tasks,
    /// One project's tasks with their project, labels and subtask progress.
    ProjectView,
    Notifications,
    UnreadCount,
    CompleteTask,
}

#[derive(Debug, Subcommand)]
enum Mode {
    /// createTask as fast as the server takes it, sampling the outbox backlog (rows and
    /// age of the oldest) every second, then the time to drain it.
    Sustained(SustainedArgs),
    /// createTask and tasks(first: 50) at each concurrency: the scale curves.
    Sweep(SweepArgs),
    /// Reminder latency against the number of idle websocket subscribers.
    Subscribers(SubscribersArgs),
    /// The web UI's pages with its own documents and variables (`web/queries/`), and
    /// the ratios of its task list to the lean list and of that to `{ __typename }`.
    Ui(UiArgs),
}

#[derive(Debug, Args)]
struct UiArgs {
    #[command(flatten)]
    common: Common,
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..))]
    concurrency: u16,
    /// How long each page is measured.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..))]
    duration_secs: u64,
    /// Top-level tasks on the account.
    #[arg(long, default_value_t = 1_000, value_parser = clap::value_parser!(u32).range(100..))]
    seed_tasks: u32,
    /// Every this many tasks repeats (those with a due date): 1 makes all of them
    /// recurring, 3 a third.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=10))]
    recurring_every: u32,
    /// Reminders that fired, in the notification center.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..))]
    seed_notifications: u32,
}

#[derive(Debug, Args)]
struct SustainedArgs {
    #[command(flatten)]
    common: Common,
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..))]
    concurrency: u16,
    /// How long the load runs; the drain is measured after it.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    duration_secs: u64,
}

#[derive(Debug, Args)]
struct SweepArgs {
    #[command(flatten)]
    common: Common,
    /// Concurrencies to measure, comma-separated.
    #[arg(long, value_delimiter = ',', default_values_t = sweep::DEFAULT_LEVELS,
          value_parser = clap::value_parser!(u16).range(1..))]
    levels: Vec<u16>,
    /// How long each point runs.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..))]
    duration_secs: u64,
    /// Tasks on the account that the reads list.
    #[arg(long, default_value_t = 1_000, value_parser = clap::value_parser!(u32).range(50..))]
    seed_tasks: u32,
}

#[derive(Debug, Args)]
struct SubscribersArgs {
    #[command(flatten)]
    common: Common,
    /// Idle subscribers at each level, comma-separated.
    #[arg(long, value_delimiter = ',', default_values_t = subscribers::DEFAULT_LEVELS)]
    levels: Vec<usize>,
    /// Reminders sent to the probe subscribers at each level.
    #[arg(long, default_value_t = 1_000, value_parser = clap::value_parser!(u32).range(10..))]
    reminders: u32,
    /// The reminders fall due evenly over this many seconds.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    spread_secs: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, strum::IntoStaticStr)]
#[strum(serialize_all = "lowercase")]
enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    fn name(self) -> &'static str {
        self.into()
    }

    fn accepts(self, url: &str) -> bool {
        match self {
            Self::Sqlite => url.starts_with("sqlite:"),
            Self::Postgres => url.starts_with("postgres:") || url.starts_with("postgresql:"),
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// The database and data directory a run's servers use. The scratch database is
/// dropped with it, so it must outlive every server started from the launcher.
struct Setup {
    launcher: Launcher,
    _scratch: Option<ScratchDatabase>,
    client: reqwest::Client,
}

impl Setup {
    fn new(common: &Common) -> anyhow::Result<Self> {
        if let Some(url) = &common.database_url
            && !common.backend.accepts(url)
        {
            bail!(
                "--database-url does not match --backend {}",
                common.backend.name()
            );
        }
        let scratch = match (common.backend, &common.database_url) {
            (Backend::Postgres, None) => Some(ScratchDatabase::create(&common.admin_url)?),
            _ => None,
        };
        let database_url = common
            .database_url
            .as_deref()
            .or(scratch.as_ref().map(ScratchDatabase::url));
        let launcher = Launcher::new(&common.server_bin, database_url)?;
        let client = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .build()
            .context("building the HTTP client")?;
        Ok(Self {
            launcher,
            _scratch: scratch,
            client,
        })
    }

    async fn start(&self) -> anyhow::Result<(Server, Duration)> {
        let mut server = self.launcher.start()?;
        let ready = server.wait_ready(&self.client).await?;
        Ok((server, ready))
    }

    fn api(&self, server: &Server) -> Api {
        Api::new(self.client.clone(), server.base_url())
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.mode {
        None => {
            let setup = Setup::new(&cli.common)?;
            standard::run(&setup, &cli.common, &cli.scenarios).await
        }
        Some(Mode::Sustained(args)) => sustained_mode(&args).await,
        Some(Mode::Sweep(args)) => sweep_mode(&args).await,
        Some(Mode::Subscribers(args)) => subscribers_mode(&args).await,
        Some(Mode::Ui(args)) => ui_mode(&args).await,
    }
}

async fn sustained_mode(args: &SustainedArgs) -> anyhow::Result<()> {
    let common = &args.common;
    let setup = Setup::new(common)?;
    let (server, _) = setup.start().await?;
    let outcome = async {
        let writer = sustained::writer(&setup.api(&server)).await?;
        let outbox = backlog::Outbox::connect(setup.launcher.database_url()).await?;
        let plan = plan(common, &server, args.duration_secs);
        let concurrency = usize::from(args.concurrency);
        let result = sustained::run(plan, writer, concurrency, &outbox).await;
        outbox.close().await;
        write_json(common, "sustained", &result?)
    }
    .await;
    finish(&server, outcome)
}

async fn sweep_mode(args: &SweepArgs) -> anyhow::Result<()> {
    let common = &args.common;
    let setup = Setup::new(common)?;
    let (server, _) = setup.start().await?;
    let outcome = async {
        let plan = plan(common, &server, args.duration_secs);
        let seed_tasks = args.seed_tasks as usize;
        let result = sweep::run(&plan, &setup.api(&server), &args.levels, seed_tasks).await?;
        write_json(common, "sweep", &result)
    }
    .await;
    finish(&server, outcome)
}

async fn ui_mode(args: &UiArgs) -> anyhow::Result<()> {
    let common = &args.common;
    let setup = Setup::new(common)?;
    let (server, _) = setup.start().await?;
    let outcome = async {
        let plan = plan(common, &server, args.duration_secs);
        let seed = ui::Seed {
            tasks: args.seed_tasks as usize,
            recurring_every: args.recurring_every as usize,
            notifications: args.seed_notifications as usize,
        };
        let concurrency = usize::from(args.concurrency);
        let database_url = setup.launcher.database_url();
        let settle = || match common.backend {
            Backend::Postgres => postgres::settle(database_url),
            Backend::Sqlite => Ok(()),
        };
        let result = ui::run(&plan, &setup.api(&server), &seed, concurrency, settle).await?;
        write_json(common, "ui", &result)
    }
    .await;
    finish(&server, outcome)
}

async fn subscribers_mode(args: &SubscribersArgs) -> anyhow::Result<()> {
    let common = &args.common;
    let setup = Setup::new(common)?;
    let (server, _) = setup.start().await?;
    let outcome = async {
        let settings = subscribers::Settings {
            levels: args.levels.clone(),
            reminders: args.reminders as usize,
            spread: Duration::from_secs(args.spread_secs),
        };
        let result = subscribers::run(
            common.backend.name(),
            &setup.api(&server),
            server.base_url(),
            &server.pid(),
            &settings,
        )
        .await?;
        write_json(common, "subscribers", &result)
    }
    .await;
    finish(&server, outcome)
}

fn plan(common: &Common, server: &Server, duration_secs: u64) -> Plan {
    Plan {
        backend: common.backend.name(),
        server_pid: server.pid(),
        duration: Duration::from_secs(duration_secs),
        database_command: (common.backend == Backend::Postgres).then_some("postgres"),
    }
}

fn write_json<T: serde::Serialize>(
    common: &Common,
    mode: &'static str,
    body: &T,
) -> anyhow::Result<()> {
    let Some(path) = &common.json else {
        return Ok(());
    };
    let meta = report::Meta {
        mode,
        backend: common.backend.name(),
        server_bin: &common.server_bin,
    };
    report::write(path, &meta, body)
}

/// Shows what the server logged, whether or not the run succeeded, and passes the
/// outcome on.
fn finish(server: &Server, outcome: anyhow::Result<()>) -> anyhow::Result<()> {
    print_server_log(&server.log());
    outcome
}

/// Logged at every start, because the benchmark serves no web UI; not worth a look.
const EXPECTED_WARNING: &str = "the web UI is not built";

/// The server runs with RUST_LOG=warn, so anything else it logged deserves a look.
fn print_server_log(log: &str) {
    let lines: Vec<&str> = log
        .lines()
        .filter(|line| !line.contains(EXPECTED_WARNING))
        .collect();
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
