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
//! 7. `events::fanout`: hands it to the live subscribers of every replica.
//! 8. `graphql::live` (`notifications` subscription): pushes it to the user's pages.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{ServiceResult, Wakeup};
use crate::domain::event::{CloudEvent, ReminderDue, topic};
use crate::domain::preferences::Preferences;
use crate::domain::reminder::{ReminderState, remind_at};
use crate::domain::task::Task;
use crate::store::{self, Db, StoreDbError, Tx};

/// Reminders claimed per transaction.
const BATCH: u64 = 500;

/// When this process's scheduler sweeps next, and the way for a change to bring that
/// forward.
///
/// A change wakes the scheduler only when it armed a reminder due before the planned
/// sweep: woken by every write, it would sweep back to back under a stream of writes,
/// each sweep a write transaction (on SQLite, a turn of the one writer), though a
/// reminder due after the next sweep is found by that sweep anyway.
#[derive(Clone)]
pub struct ReminderAlarm {
    wakeup: Wakeup,
    /// Unix milliseconds of the next planned sweep; `i64::MAX` from the start of a sweep
    /// until the next is planned, so that whatever is armed meanwhile, which the sweep
    /// may have missed, wakes the scheduler once more.
    next_sweep: Arc<AtomicI64>,
}

impl Default for ReminderAlarm {
    fn default() -> Self {
        Self {
            wakeup: Wakeup::default(),
            next_sweep: Arc::new(AtomicI64::new(i64::MAX)),
        }
    }
}

impl ReminderAlarm {
    /// A committed change armed a reminder due at `at` (or none): wakes the scheduler
    /// if that is before its next sweep.
    pub fn armed(&self, at: Option<DateTime<Utc>>) {
        if at.is_some_and(|at| at.timestamp_millis() < self.next_sweep.load(Ordering::SeqCst)) {
            self.wakeup.notify();
        }
    }

    /// Wakes the scheduler whatever it planned: for changes that may have armed many
    /// reminders at once.
    pub fn ring(&self) {
        self.wakeup.notify();
    }

    /// The scheduler starts a sweep.
    pub fn sweeping(&self) {
        self.next_sweep.store(i64::MAX, Ordering::SeqCst);
    }

    /// The scheduler will sweep next at `at` unless woken.
    pub fn planned(&self, at: DateTime<Utc>) {
        self.next_sweep
            .store(at.timestamp_millis(), Ordering::SeqCst);
    }

    pub async fn rung(&self) {
        self.wakeup.notified().await;
    }
}

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
            let mut members: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
            let mut events = Vec::with_capacity(claimed.len());
            for task in &claimed {
                let Some(due_at) = task.due_at else { continue };
                for user_id in recipients(&tx, task, &mut members).await? {
                    let reminder = ReminderDue {
                        user_id,
                        task_id: task.id,
                        title: task.title.clone(),
                        due_at,
                        all_day: task.all_day,
                        remind_at: task.remind_at,
                        snoozed: task.snoozed_until.is_some(),
                    };
                    events.push(CloudEvent::reminder(&reminder, now));
                }
            }
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

/// Who a task's reminder goes to: its assignee, or else every member of its project
/// (`members` caches each project's, for the rest of the sweep).
async fn recipients(
    tx: &Tx,
    task: &Task,
    members: &mut HashMap<Uuid, Vec<Uuid>>,
) -> Result<Vec<Uuid>, StoreDbError> {
    if let Some(assignee) = task.assignee_id {
        return Ok(vec![assignee]);
    }
    Ok(match members.entry(task.project_id) {
        Entry::Occupied(known) => known.get().clone(),
        Entry::Vacant(slot) => slot
            .insert(store::projects::member_ids(tx, task.project_id).await?)
            .clone(),
    })
}

/// Sets when the reminder of `task` is due, from its other fields.
pub(super) fn arm_reminder(task: &mut Task, preferences: &Preferences, now: DateTime<Utc>) {
    let state = ReminderState {
        due_at: task.due_at,
        completed: task.completed,
        remind_before_minutes: task.remind_before_minutes,
        reminded_due_at: task.reminded_due_at,
        snoozed_until: task.snoozed_until,
        all_day: task.all_day,
        time_zone: task.zone(),
    };
    task.remind_at = remind_at(state, preferences, now);
}

/// Recomputes the reminders of the user's open tasks after their preferences changed.
pub(super) async fn rearm_reminders(
    tx: &Tx,
    user_id: Uuid,
    preferences: &Preferences,
) -> Result<(), StoreDbError> {
    let now = super::now();
    for mut task in store::tasks::open_with_due_date(tx, user_id).await? {
        let current = task.remind_at;
        arm_reminder(&mut task, preferences, now);
        if task.remind_at != current {
            store::tasks::set_remind_at(tx, task.id, task.remind_at).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::{TimeDelta, Utc};
    use futures_util::FutureExt as _;

    use super::ReminderAlarm;

    /// Whether the scheduler would wake now: `Notify` keeps the permit of a wake-up that
    /// came while nobody waited.
    fn woken(alarm: &ReminderAlarm) -> bool {
        alarm.rung().now_or_never().is_some()
    }

    #[test]
    fn only_a_reminder_due_before_the_planned_sweep_wakes_the_scheduler() {
        let alarm = ReminderAlarm::default();
        let now = Utc::now();
        // Before the scheduler has planned anything, whatever is armed wakes it.
        alarm.armed(Some(now + TimeDelta::days(365)));
        assert!(woken(&alarm));

        alarm.planned(now + TimeDelta::seconds(1));
        alarm.armed(Some(now + TimeDelta::seconds(5)));
        alarm.armed(None);
        assert!(!woken(&alarm), "the planned sweep finds these anyway");
        alarm.armed(Some(now));
        assert!(woken(&alarm));

        // While a sweep runs it may miss what is armed, so anything wakes it again.
        alarm.sweeping();
        alarm.armed(Some(now + TimeDelta::days(365)));
        assert!(woken(&alarm));
        alarm.planned(now + TimeDelta::seconds(1));
        alarm.ring();
        assert!(woken(&alarm), "ringing wakes it whatever it planned");
    }
}
