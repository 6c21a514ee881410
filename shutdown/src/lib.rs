//! The stop request both binaries obey, in one place so that `todo-api` and `todo-mcp`
//! stop alike under a terminal and under Kubernetes.

/// Resolves when the process is asked to stop: Ctrl-C, or SIGTERM on Unix (what
/// Kubernetes and systemd send). A signal that cannot be listened for never fires,
/// rather than stopping the process at once.
pub async fn requested() {
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
