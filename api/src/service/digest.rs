//! The daily digest: finds whose digest is due, claims it once across replicas, and
//! gathers what it lists. The delivery worker (`crate::delivery`) mails it.

use chrono::{DateTime, NaiveDate, Utc};

use super::{ServiceResult, Wakeup};
use crate::domain::digest::{digest_tasks, due_day};
use crate::domain::preferences::Preferences;
use crate::domain::task::Task;
use crate::domain::user::User;
use crate::store::{self, Db};

/// One user's digest of one local day.
#[derive(Debug, Clone)]
pub struct Digest {
    pub user: User,
    pub preferences: Preferences,
    pub day: NaiveDate,
    /// Open tasks due that day or overdue, earliest first; never empty.
    pub tasks: Vec<Task>,
}

#[derive(Clone)]
pub struct DigestService {
    db: Db,
    /// Rung when someone's digest time changed.
    wakeup: Wakeup,
}

impl DigestService {
    pub fn new(db: Db, wakeup: Wakeup) -> Self {
        Self { db, wakeup }
    }

    pub fn wakeup(&self) -> &Wakeup {
        &self.wakeup
    }

    /// The digests due at `now`, each claimed for this caller: no other replica sends
    /// them. A day with nothing due is claimed and skipped: there is nothing to say.
    pub async fn claim_due(&self, now: DateTime<Utc>) -> ServiceResult<Vec<Digest>> {
        let mut due = Vec::new();
        for (user_id, preferences, sent_on) in
            store::preferences::with_digest(self.db.reader()).await?
        {
            let Some(day) = due_day(&preferences, sent_on.as_deref(), now) else {
                continue;
            };
            if !store::preferences::claim_digest(self.db.writer(), user_id, &day.to_string())
                .await?
            {
                continue;
            }
            let open = store::tasks::open_with_due_date(self.db.reader(), user_id).await?;
            let tasks = digest_tasks(open, &preferences, day);
            if tasks.is_empty() {
                continue;
            }
            if let Some(user) = store::users::find(self.db.reader(), user_id).await? {
                due.push(Digest {
                    user,
                    preferences,
                    day,
                    tasks,
                });
            }
        }
        Ok(due)
    }

    /// Gives a claimed digest back after a failure that may pass, so the next round
    /// tries it again.
    pub async fn release(&self, digest: &Digest) -> ServiceResult<()> {
        store::preferences::release_digest(
            self.db.writer(),
            digest.user.id,
            &digest.day.to_string(),
        )
        .await?;
        Ok(())
    }
}
