use chrono::Utc;

use super::{Actor, ReminderAlarm, ServiceResult, Wakeup};
use crate::domain::preferences::{PreferenceChanges, Preferences};
use crate::store::{self, Db};

#[derive(Clone)]
pub struct PreferencesService {
    db: Db,
    reminder_alarm: ReminderAlarm,
    /// Rung when a digest time changes: a digest due at once goes out at once.
    digest_wakeup: Wakeup,
}

impl PreferencesService {
    pub fn new(db: Db, reminder_alarm: ReminderAlarm, digest_wakeup: Wakeup) -> Self {
        Self {
            db,
            reminder_alarm,
            digest_wakeup,
        }
    }

    pub async fn get(&self, actor: &Actor) -> ServiceResult<Preferences> {
        Ok(store::preferences::get(self.db.reader(), actor.user_id).await?)
    }

    /// Applies the changes if all of them are valid; otherwise changes nothing.
    pub async fn update(
        &self,
        actor: &Actor,
        changes: &PreferenceChanges,
    ) -> ServiceResult<Preferences> {
        actor.require_write()?;
        let tx = self.db.begin_write().await?;
        let current = store::preferences::get(&tx, actor.user_id).await?;
        let updated = current.with(changes)?;
        store::preferences::save(&tx, actor.user_id, &updated, Utc::now()).await?;
        super::reminders::rearm_reminders(&tx, actor.user_id, &updated).await?;
        tx.commit().await?;
        self.reminder_alarm.ring();
        if updated.daily_digest_at != current.daily_digest_at
            || updated.time_zone != current.time_zone
        {
            self.digest_wakeup.notify();
        }
        Ok(updated)
    }
}
