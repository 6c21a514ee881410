//! Notifications: made from reminder events, listed in the notification center, and
//! pushed live to the user's open subscriptions.

use crate::domain::local_time::describe_due;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::hub::UserHub;
use super::pagination::{Cursor, Page, page_spec};
use super::{Actor, ServiceError, ServiceResult};
use crate::domain::event::{CloudEvent, EventError, ReminderDue};
use crate::domain::notification::{Notification, NotificationKind};
use crate::domain::preferences::Preferences;
use crate::store::{self, Db, StoreDbError};

const CONSUMER: &str = "notifications";
const ORDERING: &str = "notifications:CREATED_AT:DESC";
/// PostgreSQL channel on which every replica learns of new notifications (task changes
/// have their own, `audit::TASK_CHANGES_CHANNEL`).
pub const NOTIFICATIONS_CHANNEL: &str = "todo_notifications";

/// Delivers new notifications to the live subscriptions of this process.
pub type NotificationHub = UserHub<Notification>;

/// A page of the notification center as a client asks for it.
#[derive(Debug, Clone, Default)]
pub struct NotificationQuery {
    pub unread_only: bool,
    pub first: Option<i32>,
    pub after: Option<Cursor<NotificationPosition>>,
    /// Whether to count every notification shown too, with the page.
    pub count_total: bool,
}

/// Where the notification center resumes: newest first, by time and then id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationPosition(DateTime<Utc>, Uuid);

#[derive(Clone)]
pub struct NotificationService {
    db: Db,
    hub: NotificationHub,
    archive_after: Duration,
}

impl NotificationService {
    pub fn new(db: Db, hub: NotificationHub, archive_after: Duration) -> Self {
        Self {
            db,
            hub,
            archive_after,
        }
    }

    pub fn hub(&self) -> &NotificationHub {
        &self.hub
    }

    /// Turns reminder events into REMINDER notifications, in one transaction: once per
    /// task and due date, and not at all for users who turned reminders off. Returns
    /// what became of each event, in order; on error nothing is applied.
    pub async fn apply_reminders(
        &self,
        events: &[CloudEvent],
    ) -> Result<Vec<Result<(), EventError>>, StoreDbError> {
        let reminders: Vec<Result<ReminderDue, EventError>> =
            events.iter().map(CloudEvent::reminder_data).collect();
        let ids: Vec<Uuid> = events
            .iter()
            .zip(&reminders)
            .filter(|(_, reminder)| reminder.is_ok())
            .map(|(event, _)| event.id)
            .collect();
        let tx = self.db.begin_write().await?;
        let mut unapplied =
            store::processed_events::mark_processed(&tx, CONSUMER, &ids, Utc::now()).await?;
        let mut preferences: HashMap<Uuid, Preferences> = HashMap::new();
        let mut created = Vec::new();
        for (event, reminder) in events.iter().zip(&reminders) {
            let Ok(reminder) = reminder else { continue };
            // `remove`, so that an event twice in one batch is applied once.
            if !unapplied.remove(&event.id) {
                continue;
            }
            let preferences = match preferences.entry(reminder.user_id) {
                Entry::Occupied(known) => known.into_mut(),
                Entry::Vacant(slot) => {
                    slot.insert(store::preferences::get(&tx, reminder.user_id).await?)
                }
            };
            if !preferences.reminders_enabled {
                continue;
            }
            let row = reminder_notification(reminder, preferences);
            if store::notifications::insert_unique(&tx, &row).await? {
                created.push((row, reminder));
            } else if reminder.snoozed
                && let Some(revived) = store::notifications::revive(
                    &tx,
                    reminder.user_id,
                    reminder.task_id,
                    reminder.due_at,
                    row.created_at,
                )
                .await?
            {
                created.push((revived, reminder));
            }
        }
        let ids: Vec<String> = created.iter().map(|(row, _)| row.id.to_string()).collect();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let fanned_out = store::notify::notify_all(&tx, NOTIFICATIONS_CHANNEL, &ids).await?;
        tx.commit().await?;
        for (row, reminder) in created {
            record_reminder_sent(reminder, row.created_at);
            if !fanned_out {
                self.hub.publish(row.user_id, row);
            }
        }
        Ok(reminders.into_iter().map(|r| r.map(|_| ())).collect())
    }

    /// Puts a notification in its user's notification center and pushes it to their
    /// open pages, on every replica.
    pub async fn deliver(&self, notification: Notification) -> ServiceResult<()> {
        let tx = self.db.begin_write().await?;
        let inserted = store::notifications::insert_unique(&tx, &notification).await?;
        let id = notification.id.to_string();
        let fanned_out = inserted
            && store::notify::notify_all(&tx, NOTIFICATIONS_CHANNEL, &[id.as_str()]).await?;
        tx.commit().await?;
        if inserted && !fanned_out {
            self.hub.publish(notification.user_id, notification);
        }
        Ok(())
    }

    /// Publishes a notification that another replica created (from the fan-out).
    pub async fn relay_from_fanout(&self, id: Uuid) -> ServiceResult<()> {
        if let Some(row) = store::notifications::find(self.db.reader(), id).await? {
            self.hub.publish(row.user_id, row);
        }
        Ok(())
    }

    pub async fn list(
        &self,
        actor: &Actor,
        query: &NotificationQuery,
    ) -> ServiceResult<Page<Notification, NotificationPosition>> {
        let page = page_spec(query.first, query.count_total)?;
        let after = query
            .after
            .clone()
            .map(|cursor| cursor.position_in(ORDERING))
            .transpose()?
            .map(|NotificationPosition(at, id)| (at, id));
        let fetched = store::notifications::list(
            self.db.reader(),
            actor.user_id,
            query.unread_only,
            after,
            page,
        )
        .await?;
        Ok(Page::of(fetched, |row| {
            Cursor::new(ORDERING, NotificationPosition(row.created_at, row.id))
        }))
    }

    pub async fn count(&self, actor: &Actor, unread_only: bool) -> ServiceResult<u64> {
        Ok(store::notifications::count(self.db.reader(), actor.user_id, unread_only).await?)
    }

    pub async fn mark_read(&self, actor: &Actor, id: Uuid) -> ServiceResult<Notification> {
        actor.require_write()?;
        if !store::notifications::mark_read(self.db.writer(), actor.user_id, id, Utc::now()).await?
        {
            return Err(ServiceError::NotFound("notification"));
        }
        store::notifications::find(self.db.reader(), id)
            .await?
            .ok_or(ServiceError::NotFound("notification"))
    }

    pub async fn mark_all_read(&self, actor: &Actor) -> ServiceResult<u64> {
        actor.require_write()?;
        Ok(
            store::notifications::mark_all_read(self.db.writer(), actor.user_id, Utc::now())
                .await?,
        )
    }

    pub async fn delete(&self, actor: &Actor, id: Uuid) -> ServiceResult<()> {
        actor.require_write()?;
        if store::notifications::delete_of_user(self.db.writer(), actor.user_id, id).await? {
            Ok(())
        } else {
            Err(ServiceError::NotFound("notification"))
        }
    }

    pub async fn clear(&self, actor: &Actor) -> ServiceResult<u64> {
        actor.require_write()?;
        Ok(store::notifications::clear(self.db.writer(), actor.user_id, Utc::now()).await?)
    }

    /// Archives notifications past their time; returns how many.
    pub async fn archive_expired(&self, now: DateTime<Utc>) -> ServiceResult<u64> {
        let archived =
            store::notifications::archive_before(self.db.writer(), now - self.archive_after, now)
                .await?;
        tracing::info!(archived, "notification archive ran");
        Ok(archived)
    }
}

/// The notification a reminder makes, its due time shown in the user's time zone.
fn reminder_notification(reminder: &ReminderDue, preferences: &Preferences) -> Notification {
    Notification {
        id: Uuid::now_v7(),
        user_id: reminder.user_id,
        kind: NotificationKind::Reminder,
        title: format!("Task due soon: {}", reminder.title),
        message: Some(format!(
            "Due {}",
            describe_due(reminder.due_at, reminder.all_day, preferences.time_zone)
        )),
        task_id: Some(reminder.task_id),
        due_at: Some(reminder.due_at),
        read_at: None,
        created_at: Utc::now(),
        archived_at: None,
    }
}

/// The reminder reached the user: count it, with how late it was against its due time.
fn record_reminder_sent(reminder: &ReminderDue, at: DateTime<Utc>) {
    metrics::counter!(crate::metrics::REMINDERS_SENT).increment(1);
    if let Some(remind_at) = reminder.remind_at {
        let lag = (at - remind_at).num_milliseconds().max(0) as f64 / 1000.0;
        metrics::histogram!(crate::metrics::REMINDER_LAG).record(lag);
    }
}
