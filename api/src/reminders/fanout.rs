use std::time::Duration;

use sea_orm::DbBackend;
use sea_orm::sqlx::postgres::{PgListener, PgPoolOptions};
use tokio_util::sync::CancellationToken;

use crate::service::audit::TASK_CHANGES_CHANNEL;
use crate::service::notifications::FANOUT_CHANNEL;
use crate::service::{AuditService, NotificationService};
use crate::store::Db;

/// On PostgreSQL, listens for notifications created and task changes recorded by any
/// replica (this one included) and hands them to this process's live subscribers. On
/// SQLite there is one process, which publishes directly.
pub async fn listen_for_notifications(
    db: Db,
    notifications: NotificationService,
    audit: AuditService,
    shutdown: CancellationToken,
) {
    if db.backend() != DbBackend::Postgres {
        return;
    }
    loop {
        match listen_once(&db, &notifications, &audit, &shutdown).await {
            Ok(()) => return,
            Err(error) => {
                tracing::warn!(%error, "notification fan-out lost its connection; reconnecting");
                tokio::select! {
                    () = shutdown.cancelled() => return,
                    () = tokio::time::sleep(Duration::from_secs(1)) => {}
                }
            }
        }
    }
}

async fn listen_once(
    db: &Db,
    notifications: &NotificationService,
    audit: &AuditService,
    shutdown: &CancellationToken,
) -> Result<(), sea_orm::sqlx::Error> {
    // The listener keeps its connection for as long as it listens: it gets a pool of its
    // own, so it never holds a slot the requests need (with a pool of one, it would
    // hold them all).
    let shared = db.writer().get_postgres_connection_pool();
    let own = PgPoolOptions::new()
        .max_connections(1)
        .connect_lazy_with((*shared.connect_options()).clone());
    let mut listener = PgListener::connect_with(&own).await?;
    listener
        .listen_all([FANOUT_CHANNEL, TASK_CHANGES_CHANNEL])
        .await?;
    loop {
        let message = tokio::select! {
            () = shutdown.cancelled() => return Ok(()),
            message = listener.recv() => message?,
        };
        if message.channel() == TASK_CHANGES_CHANNEL {
            if let Err(error) = audit.relay_from_fanout(message.payload()) {
                tracing::warn!(%error, "unexpected task change payload");
            }
            continue;
        }
        match message.payload().parse() {
            Ok(id) => {
                if let Err(error) = notifications.relay_from_fanout(id).await {
                    tracing::warn!(%error, "cannot load a fanned-out notification");
                }
            }
            Err(_) => tracing::warn!(payload = message.payload(), "unexpected fan-out payload"),
        }
    }
}
