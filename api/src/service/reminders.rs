//! Reminders: arming them on tasks, and the sweep that claims the due ones and emits
//! `task.reminder` events through the outbox, in one transaction.
//!
//! A reminder passes through these places, in order:
//! 1. `domain::reminder::remind_at`: when a task's reminder is due (the rule).
//! 2. `arm_reminder` and `rearm_reminders` here: every task use case and every
//!    preference change stores that time in `tasks.remind_at`, in its transaction.
//! 3. `store::tasks::{earliest_reminder, claim_due_reminders}`: the queries.
//! 4. `reminders::Scheduler` (and the Dapr `reminder-cron` binding through
//!    `reminders::Sweep`): sleeps until the earliest one, then calls `sweep` here.
//! 5. `ReminderService::sweep` here: claims what is due and writes the events.
//! 6. `events::ReminderConsumer` → `NotificationService::apply_reminders`: makes the
//!    notifications of a batch of events, once per task and due date.
//! 7. `reminders::fanout`: hands it to the live subscribers of every replica.
//! 8. `graphql::live` (`notifications` subscription): pushes it to the user's pages.

use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::{DatabaseTransaction, DbErr, IntoActiveModel};
use uuid::Uuid;

use super::{ServiceResult, Wakeup};
use crate::domain::event::{CloudEvent, ReminderDue, topic};
use crate::domain::preferences::Preferences;
use crate::domain::reminder::{ReminderState, remind_at};
use crate::store::entities::task;
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
            let events: Vec<CloudEvent> = claimed
                .iter()
                .filter_map(|task| {
                    let reminder = ReminderDue {
                        user_id: task.user_id,
                        task_id: task.id,
                        title: task.title.clone(),
                        due_at: task.due_at?,
                        remind_at: task.remind_at,
                    };
                    Some(CloudEvent::reminder(&reminder, now))
                })
                .collect();
            store::outbox::append(&tx, topic::REMINDERS, &events).await?;
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

/// Sets when the reminder of the task in `model` is due, from its other fields.
pub(super) fn arm_reminder(
    model: &mut task::ActiveModel,
    preferences: &Preferences,
    now: DateTime<Utc>,
) {
    let state = ReminderState {
        due_at: model.due_at.try_as_ref().copied().flatten(),
        completed: model.completed.try_as_ref().copied().unwrap_or(false),
        remind_before_minutes: model.remind_before_minutes.try_as_ref().copied().flatten(),
        reminded_due_at: model.reminded_due_at.try_as_ref().copied().flatten(),
    };
    model.remind_at = Set(remind_at(state, preferences, now));
}

/// Recomputes the reminders of the user's open tasks after their preferences changed.
pub(super) async fn rearm_reminders(
    tx: &DatabaseTransaction,
    user_id: Uuid,
    preferences: &Preferences,
) -> Result<(), DbErr> {
    let now = super::now();
    for task in store::tasks::open_with_due_date(tx, user_id).await? {
        let current = task.remind_at;
        let mut model = task.into_active_model();
        arm_reminder(&mut model, preferences, now);
        if model.remind_at.try_as_ref().copied().flatten() != current {
            store::tasks::update(tx, model).await?;
        }
    }
    Ok(())
}
