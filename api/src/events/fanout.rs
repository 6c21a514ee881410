use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::service::audit::TASK_CHANGES_CHANNEL;
use crate::service::notifications::NOTIFICATIONS_CHANNEL;
use crate::service::{AuditService, NotificationService};
use crate::store::notify::Listener;
use crate::store::{Db, StoreDbError};

const CHANNELS: [&str; 2] = [NOTIFICATIONS_CHANNEL, TASK_CHANGES_CHANNEL];

/// On PostgreSQL, hands the notifications created and the task changes recorded by any
/// replica (this one included) to this process's live subscribers. On SQLite there is
/// one process, which publishes directly.
pub struct Fanout {
    db: Db,
    notifications: NotificationService,
    audit: AuditService,
    listener: Option<Listener>,
}

impl Fanout {
    /// Starts listening at once, before the server is ready: a change made right after
    /// start-up must reach the subscribers too, and NOTIFY reaches only those already
    /// listening.
    pub async fn listen(
        db: Db,
        notifications: NotificationService,
        audit: AuditService,
    ) -> Result<Self, StoreDbError> {
        let listener = db.listen(&CHANNELS).await?;
        Ok(Self {
            db,
            notifications,
            audit,
            listener,
        })
    }

    /// Relays until `shutdown`; a lost connection is listened again after a second
    /// (what was announced meanwhile is missed: pages catch up when they reconnect).
    pub async fn run(mut self, shutdown: CancellationToken) {
        let Some(mut listener) = self.listener.take() else {
            return;
        };
        loop {
            match self.relay(&mut listener, &shutdown).await {
                Ok(()) => return,
                Err(error) => {
                    tracing::warn!(%error, "fan-out lost its connection; reconnecting");
                }
            }
            loop {
                tokio::select! {
                    () = shutdown.cancelled() => return,
                    () = tokio::time::sleep(Duration::from_secs(1)) => {}
                }
                match self.db.listen(&CHANNELS).await {
                    Ok(Some(again)) => {
                        listener = again;
                        break;
                    }
                    Ok(None) => return,
                    Err(error) => tracing::warn!(%error, "fan-out cannot listen yet"),
                }
            }
        }
    }

    async fn relay(
        &self,
        listener: &mut Listener,
        shutdown: &CancellationToken,
    ) -> Result<(), StoreDbError> {
        loop {
            let signal = tokio::select! {
                () = shutdown.cancelled() => return Ok(()),
                signal = listener.recv() => signal?,
            };
            if signal.channel == TASK_CHANGES_CHANNEL {
                if let Err(error) = self.audit.relay_from_fanout(&signal.payload) {
                    tracing::warn!(%error, "unexpected task change payload");
                }
                continue;
            }
            match signal.payload.parse() {
                Ok(id) => {
                    if let Err(error) = self.notifications.relay_from_fanout(id).await {
                        tracing::warn!(%error, "cannot load a fanned-out notification");
                    }
                }
                Err(_) => tracing::warn!(payload = %signal.payload, "unexpected fan-out payload"),
            }
        }
    }
}
