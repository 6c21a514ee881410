//! Delivers queued reminders (`service::deliveries`) by Web Push and email: claims
//! what is due, sends it, records each attempt, and sleeps until the next one is due
//! or new deliveries are queued. Once a minute it mails the daily digests that are due.

pub mod mail;
pub mod push;

use crate::domain::local_time::describe_due;
use std::time::Duration;

use futures_util::StreamExt as _;
use tokio_util::sync::CancellationToken;

use self::mail::{DigestEmail, DigestLine, Mailer, ReminderEmail};
use self::push::{PushMessage, PushSender};
use crate::domain::delivery::{AttemptOutcome, Channel, Delivery};
use crate::domain::email_action::EmailAction;
use crate::service::deliveries::CLAIM_BATCH;
use crate::service::digest::Digest;
use crate::service::{DeliveryService, DigestService, EmailActionService, ServiceResult};

/// Deliveries sent at once: push services and SMTP servers answer in tens of
/// milliseconds to seconds, so one slow receiver must not hold up the others.
const CONCURRENCY: usize = 16;
/// The longest the worker sleeps: what another replica's lease left behind is picked up
/// this late at most.
const IDLE_POLL: Duration = Duration::from_secs(30);
/// How often due digests are looked for: a digest goes out within a minute of its time.
const DIGEST_EVERY: Duration = Duration::from_secs(60);

pub struct DeliveryWorker {
    deliveries: DeliveryService,
    digests: DigestService,
    actions: EmailActionService,
    push: PushSender,
    mail: Option<Mailer>,
    /// The server's public URL, without a trailing slash: links in messages start here.
    public_url: String,
}

impl DeliveryWorker {
    pub fn new(
        deliveries: DeliveryService,
        digests: DigestService,
        actions: EmailActionService,
        push: PushSender,
        mail: Option<Mailer>,
        public_url: &str,
    ) -> Self {
        Self {
            deliveries,
            digests,
            actions,
            push,
            mail,
            public_url: public_url.trim_end_matches('/').to_owned(),
        }
    }

    pub async fn run(self, shutdown: CancellationToken) {
        let mut next_digests = tokio::time::Instant::now();
        loop {
            if self.mail.is_some() && tokio::time::Instant::now() >= next_digests {
                next_digests += DIGEST_EVERY;
                self.send_digests().await;
            }
            match self.deliver_due().await {
                Ok(true) => continue,
                Ok(false) => {}
                Err(error) => tracing::warn!(%error, "delivering reminders failed; will try again"),
            }
            let pause = match self.deliveries.next_due().await {
                Ok(Some(at)) => (at - chrono::Utc::now())
                    .to_std()
                    .unwrap_or(Duration::ZERO)
                    .min(IDLE_POLL),
                Ok(None) => IDLE_POLL,
                Err(error) => {
                    tracing::warn!(%error, "reading the delivery queue failed");
                    IDLE_POLL
                }
            };
            let pause = if self.mail.is_some() {
                pause.min(next_digests.saturating_duration_since(tokio::time::Instant::now()))
            } else {
                pause
            };
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = self.deliveries.wakeup().notified() => {}
                () = self.digests.wakeup().notified() => {
                    next_digests = tokio::time::Instant::now();
                }
                () = tokio::time::sleep(pause) => {}
            }
        }
    }

    /// Sends one claimed batch; returns whether there may be more due at once.
    async fn deliver_due(&self) -> ServiceResult<bool> {
        let claimed = self.deliveries.claim_due().await?;
        let full = claimed.len() >= CLAIM_BATCH;
        futures_util::stream::iter(claimed)
            .for_each_concurrent(CONCURRENCY, |delivery| async move {
                let outcome = self.attempt(&delivery).await;
                if let Err(error) = self.deliveries.record(&delivery, &outcome).await {
                    tracing::warn!(%error, delivery_id = %delivery.id, "recording a delivery failed; it will be tried again after its lease");
                }
            })
            .await;
        Ok(full)
    }

    async fn attempt(&self, delivery: &Delivery) -> AttemptOutcome {
        let result = match delivery.channel {
            Channel::Push => self.push_one(delivery).await,
            Channel::Email => self.mail_one(delivery).await,
        };
        result.unwrap_or_else(|error| AttemptOutcome::Transient {
            error: format!("preparing the message: {error}"),
            retry_after: None,
        })
    }

    async fn push_one(&self, delivery: &Delivery) -> ServiceResult<AttemptOutcome> {
        let Some(subscription) = self.deliveries.subscription_of(delivery).await? else {
            return Ok(AttemptOutcome::Permanent {
                error: "the device was removed".into(),
            });
        };
        let Some((_, preferences)) = self.deliveries.recipient_of(delivery).await? else {
            return Ok(AttemptOutcome::Permanent {
                error: "the account was deleted".into(),
            });
        };
        let message = PushMessage {
            title: delivery.title.clone(),
            body: format!("Due {}", due_local(delivery, preferences.time_zone)),
            tag: reminder_tag(delivery),
            task_id: delivery.task_id.to_string(),
            url: format!("/tasks/{}", delivery.task_id),
            complete_url: self.action_url(delivery, EmailAction::Complete).await?,
            snooze_url: self.action_url(delivery, EmailAction::Snooze).await?,
        };
        Ok(self
            .push
            .send(&subscription, &message, &delivery.id.simple().to_string())
            .await)
    }

    async fn mail_one(&self, delivery: &Delivery) -> ServiceResult<AttemptOutcome> {
        let Some(mailer) = &self.mail else {
            return Ok(AttemptOutcome::Permanent {
                error: "email is not configured on this server (TODO_SMTP_URL)".into(),
            });
        };
        let Some((user, preferences)) = self.deliveries.recipient_of(delivery).await? else {
            return Ok(AttemptOutcome::Permanent {
                error: "the account was deleted".into(),
            });
        };
        let unsubscribe = self
            .actions
            .issue(delivery.user_id, None, EmailAction::Unsubscribe)
            .await?;
        let email = ReminderEmail {
            to: &delivery.target,
            display_name: &user.display_name,
            task_title: &delivery.title,
            due_local: &due_local(delivery, preferences.time_zone),
            task_url: &format!("{}/tasks/{}", self.public_url, delivery.task_id),
            complete_url: &self.action_url(delivery, EmailAction::Complete).await?,
            snooze_url: &self.action_url(delivery, EmailAction::Snooze).await?,
            unsubscribe_url: &format!("{}/actions/{unsubscribe}", self.public_url),
            message_id: &format!("<{}@{}>", delivery.id, host_of(&self.public_url)),
        };
        Ok(mailer.send(&email).await)
    }

    /// Mails the digests due now; one that fails in a way that may pass is given back
    /// and tried again in a minute.
    async fn send_digests(&self) {
        let digests = match self.digests.claim_due(chrono::Utc::now()).await {
            Ok(digests) => digests,
            Err(error) => {
                tracing::warn!(%error, "finding due digests failed; will try again");
                return;
            }
        };
        for digest in digests {
            let outcome = match self.digest_email(&digest).await {
                Ok(outcome) => outcome,
                Err(error) => AttemptOutcome::Transient {
                    error: error.to_string(),
                    retry_after: None,
                },
            };
            match outcome {
                AttemptOutcome::Sent => {
                    metrics::counter!(crate::metrics::DELIVERIES, "channel" => "DIGEST", "status" => "sent").increment(1);
                }
                AttemptOutcome::Transient { error, .. } => {
                    tracing::warn!(user_id = %digest.user.id, %error, "a daily digest was not sent; will try again");
                    metrics::counter!(crate::metrics::DELIVERIES, "channel" => "DIGEST", "status" => "failed").increment(1);
                    if let Err(error) = self.digests.release(&digest).await {
                        tracing::warn!(%error, "giving back a digest failed; it is skipped today");
                    }
                }
                AttemptOutcome::Permanent { error } | AttemptOutcome::Gone { error } => {
                    tracing::warn!(user_id = %digest.user.id, %error, "a daily digest was refused");
                    metrics::counter!(crate::metrics::DELIVERIES, "channel" => "DIGEST", "status" => "failed").increment(1);
                }
            }
        }
    }

    async fn digest_email(&self, digest: &Digest) -> ServiceResult<AttemptOutcome> {
        let Some(mailer) = &self.mail else {
            return Ok(AttemptOutcome::Permanent {
                error: "email is not configured on this server (TODO_SMTP_URL)".into(),
            });
        };
        let zone = digest.preferences.time_zone;
        let now = chrono::Utc::now();
        let lines: Vec<DigestLine> = digest
            .tasks
            .iter()
            .map(|task| {
                let overdue = task.deadline().is_some_and(|deadline| deadline <= now);
                let due = task.due_at.map(|due| due.with_timezone(&zone));
                let when = match due {
                    Some(due) if overdue && task.all_day => {
                        format!("Overdue since {}", due.format("%a %-d %b"))
                    }
                    Some(due) if overdue => {
                        format!("Overdue since {}", due.format("%a %-d %b, %H:%M"))
                    }
                    Some(_) if task.all_day => "Today".to_owned(),
                    Some(due) => due.format("%H:%M").to_string(),
                    None => String::new(),
                };
                DigestLine {
                    title: task.title.clone(),
                    when,
                    overdue,
                    url: format!("{}/tasks/{}", self.public_url, task.id),
                }
            })
            .collect();
        let unsubscribe = self
            .actions
            .issue(digest.user.id, None, EmailAction::Unsubscribe)
            .await?;
        let email = DigestEmail {
            to: &digest.user.email,
            display_name: &digest.user.display_name,
            day: &digest.day.format("%a %-d %b").to_string(),
            lines: &lines,
            app_url: &format!("{}/", self.public_url),
            unsubscribe_url: &format!("{}/actions/{unsubscribe}", self.public_url),
            message_id: &format!(
                "<digest-{}-{}@{}>",
                digest.user.id,
                digest.day,
                host_of(&self.public_url)
            ),
        };
        Ok(mailer.send(&email).await)
    }

    /// A one-time link doing `action` on the delivery's task.
    async fn action_url(&self, delivery: &Delivery, action: EmailAction) -> ServiceResult<String> {
        let token = self
            .actions
            .issue(delivery.user_id, Some(delivery.task_id), action)
            .await?;
        Ok(format!("{}/actions/{token}", self.public_url))
    }
}

/// The due time as the person reads it: in their zone, with the zone's name.
fn due_local(delivery: &Delivery, zone: chrono_tz::Tz) -> String {
    describe_due(delivery.due_at, delivery.all_day, zone)
}

/// One tag per reminder (task and due date): every copy of it replaces the last.
fn reminder_tag(delivery: &Delivery) -> String {
    format!(
        "reminder:{}:{}",
        delivery.task_id,
        delivery.due_at.timestamp()
    )
}

fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|url| url.host_str().map(str::to_owned))
        .unwrap_or_else(|| "localhost".to_owned())
}
