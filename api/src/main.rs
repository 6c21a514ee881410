use std::process::ExitCode;

use anyhow::Context as _;
use api::app::Application;
use api::config::{Cli, Command};
use api::store::Db;
use clap::Parser as _;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    api::telemetry::init(cli.log_format);
    match run(cli.command).await {
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
