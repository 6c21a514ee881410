//! The reminder sweep: claims the reminders that are due and emits `task.reminder`
//! events through the outbox, in one transaction.

use chrono::{DateTime, Utc};

use super::{ServiceResult, Wakeup};
use crate::domain::event::{CloudEvent, ReminderDue, topic};
use crate::store::{self, Db};

/// Reminders claimed per transaction.
const BATCH: u64 = 500;

#[derive(Clone)]
pub struct ReminderService {
    db: Db,
    outbox_wakeup: Wakeup,
}

impl ReminderService {
    pub fn new(db: Db, outbox_wakeup: Wakeup) -> Self {
        Self { db, outbox_wakeup }
    }

    /// Emits every reminder due by `now`; returns how many. Safe to run on several
    /// replicas at once: a claimed reminder is gone for every other sweep.
    pub async fn sweep(&self, now: DateTime<Utc>) -> ServiceResult<usize> {
        let mut total = 0;
        loop {
            let tx = self.db.begin_write().await?;
            let claimed = store::tasks::claim_due_reminders(&tx, now, BATCH).await?;
            for task in &claimed {
                let Some(due_at) = task.due_at else { continue };
                let reminder = ReminderDue {
                    user_id: task.user_id,
                    task_id: task.id,
                    title: task.title.clone(),
                    due_at,
                    remind_at: task.remind_at,
                };
                store::outbox::append(&tx, topic::REMINDERS, &CloudEvent::reminder(&reminder, now))
                    .await?;
            }
            tx.commit().await?;
            total += claimed.len();
            if !claimed.is_empty() {
                self.outbox_wakeup.notify();
            }
            if (claimed.len() as u64) < BATCH {
                return Ok(total);
            }
        }
    }

    /// When the next reminder is due, if any is pending.
    pub async fn next_due(&self) -> ServiceResult<Option<DateTime<Utc>>> {
        Ok(store::tasks::earliest_reminder(self.db.reader()).await?)
    }
}
