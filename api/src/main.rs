use std::process::ExitCode;

use anyhow::Context as _;
use api::app::Application;
use api::config::{Cli, Command};
use api::store::Db;
use clap::Parser as _;

/// jemalloc, with its background thread returning freed pages to the system: glibc's
/// allocator keeps what each thread's arena freed (argon2's hash buffers among it) and
/// spends more of a listing's time in `malloc` and `free` (docs/performance.md has the
/// measurements). jemalloc also provides the process's
/// `malloc` (feature `unprefixed_malloc_on_supported_platforms`), so the bundled
/// SQLite's allocations, a copy of every value it returns to sqlx, use it too.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    api::telemetry::init(cli.log_format);
    let result = run(cli.command).await;
    // The spans of the last moments (shutdown included) are still buffered.
    let _ = tokio::task::spawn_blocking(api::telemetry::flush).await;
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // One line, naming the setting or step that failed.
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Serve(args) => {
            let settings = args.resolve()?;
            Application::build(settings)
                .await?
                .run_until_stopped()
                .await?;
        }
        Command::Migrate(args) => {
            let db = Db::connect(&args.resolve_url()?)
                .await
                .context("DATABASE_URL")?;
            db.migrate().await.context("applying database migrations")?;
            tracing::info!("migrations applied");
        }
        Command::Schema => print!("{}", api::graphql::sdl()),
    }
    Ok(())
}
