use std::io::IsTerminal as _;

use anyhow::Context as _;
use clap::Parser as _;
use mcp_server::api_client::ApiClient;
use mcp_server::config::{Cli, Command, LogFormat};
use mcp_server::{http, stdio};
use tokio_util::sync::CancellationToken;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    init_tracing(cli.log_format);
    let extra_roots = cli
        .api_ca_cert
        .as_deref()
        .map(|path| {
            std::fs::read(path)
                .with_context(|| format!("TODO_API_CA_CERT: cannot read {}", path.display()))
        })
        .transpose()?;
    let api = ApiClient::with_extra_roots(&cli.api_url, extra_roots.as_deref())?;

    match cli.command {
        Command::Stdio(args) => {
            stdio::serve(api, args.token).await?;
        }
        Command::Http(args) => {
            let listener = tokio::net::TcpListener::bind(args.listen)
                .await
                .with_context(|| format!("TODO_MCP_LISTEN: cannot listen on {}", args.listen))?;
            let settings =
                http::HttpSettings::from_args(&args, listener.local_addr()?, &cli.api_url)?;
            let shutdown = CancellationToken::new();
            tokio::spawn(cancel_on_signal(shutdown.clone()));
            let router = http::router(api, &settings, &shutdown);
            http::serve(listener, router, shutdown).await?;
        }
    }
    Ok(())
}

/// Logs go to stderr: with the stdio transport, stdout carries the protocol.
fn init_tracing(format: LogFormat) {
    // rmcp logs every stateless HTTP request's session start and end at info.
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,rmcp=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().with_current_span(true).init(),
        LogFormat::Text => builder.with_ansi(std::io::stderr().is_terminal()).init(),
    }
}

async fn cancel_on_signal(shutdown: CancellationToken) {
    shutdown::requested().await;
    shutdown.cancel();
}
