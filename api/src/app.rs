//! Start-up: connect, migrate, wire the services, bind, serve.

use anyhow::Context as _;
use tokio::net::TcpListener;

use crate::config::Settings;
use crate::graphql::build_schema;
use crate::http::{AppState, router};
use crate::service::Services;
use crate::store::Db;

pub struct Application {
    listener: TcpListener,
    router: axum::Router,
}

impl Application {
    /// Everything that can fail at start-up fails here, before the first request.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let db = Db::connect(&settings.database_url)
            .await
            .context("DATABASE_URL")?;
        db.migrate().await.context("applying database migrations")?;
        let services = Services::new(db, settings.auth);
        let state = AppState {
            services,
            schema: build_schema(),
        };
        let listener = TcpListener::bind(settings.listen)
            .await
            .with_context(|| format!("TODO_LISTEN: cannot listen on {}", settings.listen))?;
        Ok(Self {
            listener,
            router: router(state),
        })
    }

    pub fn local_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until SIGINT or SIGTERM, then lets requests in flight finish.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        tracing::info!(address = %self.listener.local_addr()?, "listening");
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(shutdown_signal())
            .await
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
