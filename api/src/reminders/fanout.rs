use std::time::Duration;

use sea_orm::DbErr;
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
) -> Result<(), DbErr> {
    let Some(mut listener) = db.listen(&[FANOUT_CHANNEL, TASK_CHANGES_CHANNEL]).await? else {
        return Ok(());
    };
    loop {
        let signal = tokio::select! {
            () = shutdown.cancelled() => return Ok(()),
            signal = listener.recv() => signal?,
        };
        if signal.channel == TASK_CHANGES_CHANNEL {
            if let Err(error) = audit.relay_from_fanout(&signal.payload) {
                tracing::warn!(%error, "unexpected task change payload");
            }
            continue;
        }
        match signal.payload.parse() {
            Ok(id) => {
                if let Err(error) = notifications.relay_from_fanout(id).await {
                    tracing::warn!(%error, "cannot load a fanned-out notification");
                }
            }
            Err(_) => tracing::warn!(payload = %signal.payload, "unexpected fan-out payload"),
        }
    }
}
