//! The calendar feed: a secret URL per user serving their open dated tasks as iCalendar,
//! created on first use and replaced on request.

use chrono::{DateTime, Utc};
use sha2::{Digest as _, Sha256};

use super::secrets::random_secret;
use super::{Actor, ServiceResult, now};
use crate::formats::ical;
use crate::store::{self, Db};

/// What a subscriber receives: the calendar and what a later poll compares against.
#[derive(Debug, Clone)]
pub struct Feed {
    pub body: String,
    /// A strong validator of `body`.
    pub etag: String,
    /// When a task in it last changed; none when it lists no task.
    pub last_modified: Option<DateTime<Utc>>,
}

#[derive(Clone)]
pub struct CalendarService {
    db: Db,
    /// The web UI's address: where each event links and the feed's URL starts.
    public_url: String,
}

impl CalendarService {
    pub fn new(db: Db, public_url: String) -> Self {
        Self { db, public_url }
    }

    /// The URL of the user's feed, created the first time it is asked for.
    pub async fn url(&self, actor: &Actor) -> ServiceResult<String> {
        let token = match store::calendar_feeds::token_of(self.db.reader(), actor.user_id).await? {
            Some(token) => token,
            None => {
                store::calendar_feeds::set(
                    self.db.writer(),
                    actor.user_id,
                    random_secret(),
                    false,
                    now(),
                )
                .await?
            }
        };
        Ok(self.url_of(&token))
    }

    /// Replaces the user's feed URL; the old one stops working at once.
    pub async fn rotate(&self, actor: &Actor) -> ServiceResult<String> {
        actor.require_write()?;
        let token = store::calendar_feeds::set(
            self.db.writer(),
            actor.user_id,
            random_secret(),
            true,
            now(),
        )
        .await?;
        Ok(self.url_of(&token))
    }

    /// The feed `token` opens; none for a token that is not (or no longer) one.
    pub async fn feed(&self, token: &str) -> ServiceResult<Option<Feed>> {
        let Some(user_id) = store::calendar_feeds::user_of(self.db.reader(), token).await? else {
            return Ok(None);
        };
        let tasks = store::tasks::open_dated_visible(self.db.reader(), user_id).await?;
        // The validator covers what the body shows: which tasks, and when each changed.
        let mut digest = Sha256::new();
        for task in &tasks {
            digest.update(task.id.as_bytes());
            digest.update(task.updated_at.timestamp_micros().to_be_bytes());
        }
        let last_modified = tasks.iter().map(|task| task.updated_at).max();
        let now = Utc::now();
        Ok(Some(Feed {
            body: ical::calendar_feed(&tasks, &self.public_url, now),
            etag: format!("\"{}\"", hex::encode(&digest.finalize()[..16])),
            last_modified,
        }))
    }

    fn url_of(&self, token: &str) -> String {
        format!(
            "{}/calendar/{token}.ics",
            self.public_url.trim_end_matches('/')
        )
    }
}
