//! Reminders delivered beyond the open pages: a queue per channel fed by the reminder
//! events, claimed by the delivery worker (`crate::delivery`) on whichever replica
//! gets there first, and a record of every attempt.
//!
//! Once per channel and target: a reminder event queues one delivery per push
//! subscription and one email, keyed by event, channel and target, so a redelivered
//! event queues nothing new. A claim counts the attempt and leases the row before
//! anything is sent; a worker killed mid-send leaves the row to be claimed again when
//! the lease ends. What the receiver may then see twice carries the same identity (the
//! push `Topic` and notification tag, the email `Message-ID`), so it shows once.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Actor, ServiceResult, Wakeup, now};
use crate::domain::delivery::{AttemptOutcome, Channel, Delivery, DeliveryStatus, after_attempt};
use crate::domain::event::{CloudEvent, EventError, ReminderDue};
use crate::domain::notification::Notification;
use crate::domain::preferences::Preferences;
use crate::domain::push::PushSubscription;
use crate::domain::user::User;
use crate::store::{self, Db, StoreDbError, Tx};

/// Deliveries claimed per transaction: a claim this full says more may be due.
pub const CLAIM_BATCH: usize = 100;

#[derive(Clone)]
pub struct DeliveryService {
    db: Db,
    /// Rung when deliveries were queued: the worker sends them at once.
    wakeup: Wakeup,
    /// How long a claim reserves a delivery: a replica killed mid-send leaves it to be
    /// claimed again this much later.
    lease: chrono::Duration,
}

impl DeliveryService {
    pub fn new(db: Db, wakeup: Wakeup, lease: chrono::Duration) -> Self {
        Self { db, wakeup, lease }
    }

    pub fn wakeup(&self) -> &Wakeup {
        &self.wakeup
    }

    /// Queues the deliveries of a batch of reminder events on `channel`, for the users
    /// who turned that channel on. Returns what became of each event, in order; on error
    /// nothing is queued.
    pub async fn enqueue(
        &self,
        channel: Channel,
        events: &[CloudEvent],
    ) -> Result<Vec<Result<(), EventError>>, StoreDbError> {
        let reminders: Vec<Result<ReminderDue, EventError>> =
            events.iter().map(CloudEvent::reminder_data).collect();
        let now = now();
        let tx = self.db.begin_write().await?;
        let mut targets: HashMap<Uuid, Vec<String>> = HashMap::new();
        let mut queued = Vec::new();
        for (event, reminder) in events.iter().zip(&reminders) {
            let Ok(reminder) = reminder else { continue };
            let targets = match targets.entry(reminder.user_id) {
                Entry::Occupied(known) => known.into_mut(),
                Entry::Vacant(slot) => {
                    slot.insert(targets_of(&tx, channel, reminder.user_id).await?)
                }
            };
            queued.extend(targets.iter().map(|target| Delivery {
                id: Uuid::now_v7(),
                event_id: event.id,
                user_id: reminder.user_id,
                task_id: reminder.task_id,
                due_at: reminder.due_at,
                all_day: reminder.all_day,
                title: reminder.title.clone(),
                channel,
                target: target.clone(),
                status: DeliveryStatus::Pending,
                attempts: 0,
                last_error: None,
                next_attempt_at: now,
                created_at: now,
                updated_at: now,
            }));
        }
        let count = store::deliveries::insert_unique(&tx, queued).await?;
        tx.commit().await?;
        if count > 0 {
            self.wakeup.notify();
        }
        Ok(reminders.into_iter().map(|r| r.map(|_| ())).collect())
    }

    /// Claims the deliveries due now, each for one attempt.
    pub async fn claim_due(&self) -> ServiceResult<Vec<Delivery>> {
        let now = now();
        let tx = self.db.begin_write().await?;
        let claimed =
            store::deliveries::claim_due(&tx, now, now + self.lease, CLAIM_BATCH as u64).await?;
        tx.commit().await?;
        Ok(claimed)
    }

    /// When the next pending delivery is due.
    pub async fn next_due(&self) -> ServiceResult<Option<DateTime<Utc>>> {
        Ok(store::deliveries::next_due(self.db.reader()).await?)
    }

    /// The push subscription a push delivery goes to; none once it was removed.
    pub async fn subscription_of(
        &self,
        delivery: &Delivery,
    ) -> ServiceResult<Option<PushSubscription>> {
        let Ok(id) = delivery.target.parse::<Uuid>() else {
            return Ok(None);
        };
        Ok(store::push_subscriptions::find(self.db.reader(), id).await?)
    }

    /// The person a delivery is for, and their preferences (time zone, channels).
    pub async fn recipient_of(
        &self,
        delivery: &Delivery,
    ) -> ServiceResult<Option<(User, Preferences)>> {
        let Some(user) = store::users::find(self.db.reader(), delivery.user_id).await? else {
            return Ok(None);
        };
        let preferences = store::preferences::get(self.db.reader(), user.id).await?;
        Ok(Some((user, preferences)))
    }

    /// Records how an attempt ended: sent, to be retried, given up, or (push) the
    /// subscription gone, which removes it.
    pub async fn record(&self, delivery: &Delivery, outcome: &AttemptOutcome) -> ServiceResult<()> {
        let now = now();
        let (status, next_attempt_at, error) = after_attempt(outcome, delivery.attempts, now);
        let tx = self.db.begin_write().await?;
        store::deliveries::record(
            &tx,
            delivery.id,
            status,
            next_attempt_at,
            error.clone(),
            now,
        )
        .await?;
        if delivery.channel == Channel::Push
            && let Ok(subscription) = delivery.target.parse::<Uuid>()
        {
            match status {
                DeliveryStatus::Sent => {
                    store::push_subscriptions::mark_success(&tx, subscription, now).await?;
                }
                DeliveryStatus::Gone => {
                    store::push_subscriptions::delete(&tx, subscription).await?
                }
                DeliveryStatus::Pending | DeliveryStatus::Failed => {}
            }
        }
        tx.commit().await?;
        match status {
            DeliveryStatus::Sent => {
                metrics::counter!(crate::metrics::DELIVERIES, "channel" => <&str>::from(delivery.channel), "status" => "sent").increment(1);
            }
            other => {
                tracing::warn!(delivery_id = %delivery.id, channel = %delivery.channel, attempts = delivery.attempts, status = %other, error = error.as_deref().unwrap_or_default(), "reminder delivery attempt failed");
                metrics::counter!(crate::metrics::DELIVERIES, "channel" => <&str>::from(delivery.channel), "status" => "failed").increment(1);
            }
        }
        Ok(())
    }

    /// Where the user's reminders went: the deliveries of each of `notifications` on
    /// every channel, oldest first, by the reminder (task and due date) they are for; in
    /// one statement however many there are. Notifications of other users, and those
    /// that are not reminders, have none.
    pub async fn of_notifications(
        &self,
        actor: &Actor,
        notifications: &[Notification],
    ) -> ServiceResult<DeliveriesByReminder> {
        let mut reminders: DeliveriesByReminder = notifications
            .iter()
            .filter(|notification| notification.user_id == actor.user_id)
            .filter_map(|notification| Some((notification.task_id?, notification.due_at?)))
            .map(|reminder| (reminder, Vec::new()))
            .collect();
        if reminders.is_empty() {
            return Ok(reminders);
        }
        let mut task_ids: Vec<Uuid> = reminders.keys().map(|(task_id, _)| *task_id).collect();
        task_ids.sort_unstable();
        task_ids.dedup();
        let found =
            store::deliveries::of_reminders(self.db.reader(), actor.user_id, &task_ids).await?;
        for delivery in found {
            if let Some(of_reminder) = reminders.get_mut(&(delivery.task_id, delivery.due_at)) {
                of_reminder.push(delivery);
            }
        }
        Ok(reminders)
    }
}

/// Deliveries by the reminder they are for: its task and the due date it reminded of.
pub type DeliveriesByReminder = HashMap<(Uuid, DateTime<Utc>), Vec<Delivery>>;

/// Where a user's reminders go on `channel`: nowhere unless they turned it on; then
/// each registered browser, or their email address.
async fn targets_of(tx: &Tx, channel: Channel, user_id: Uuid) -> Result<Vec<String>, StoreDbError> {
    let preferences = store::preferences::get(tx, user_id).await?;
    if !preferences.reminders_enabled {
        return Ok(Vec::new());
    }
    Ok(match channel {
        Channel::Push if preferences.push_reminders => {
            store::push_subscriptions::of_user(tx, user_id)
                .await?
                .into_iter()
                .map(|subscription| subscription.id.to_string())
                .collect()
        }
        Channel::Email if preferences.email_reminders => store::users::find(tx, user_id)
            .await?
            .map(|user| user.email)
            .into_iter()
            .collect(),
        Channel::Push | Channel::Email => Vec::new(),
    })
}
