use std::time::Duration;

use async_trait::async_trait;
use chrono::Utc;
use tokio_util::sync::CancellationToken;

use crate::events::CronHandler;
use crate::service::{ReminderAlarm, ReminderService};

/// The scheduler sleeps at most this long, so reminders armed by another replica are
/// picked up even without a wake-up from this one.
const MAX_SLEEP: Duration = Duration::from_secs(1);
const RETRY_AFTER_ERROR: Duration = Duration::from_secs(2);
/// Due reminders still held by another replica's sweep are looked at again this soon.
const MIN_SLEEP: Duration = Duration::from_millis(10);

/// Sleeps until the earliest reminder is due (or a change may have brought one
/// forward), then sweeps.
pub struct Scheduler {
    reminders: ReminderService,
    alarm: ReminderAlarm,
}

impl Scheduler {
    pub fn new(reminders: ReminderService, alarm: ReminderAlarm) -> Self {
        Self { reminders, alarm }
    }

    pub async fn run(self, shutdown: CancellationToken) {
        loop {
            let pause = match self.step().await {
                Ok(pause) => pause,
                Err(error) => {
                    tracing::warn!(%error, "reminder sweep failed; will retry");
                    RETRY_AFTER_ERROR
                }
            };
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = self.alarm.rung() => {}
                () = tokio::time::sleep(pause) => {}
            }
        }
    }

    /// Sweeps what is due; returns how long until the next reminder.
    async fn step(&self) -> Result<Duration, crate::service::ServiceError> {
        self.alarm.sweeping();
        let sent = self.reminders.sweep(Utc::now()).await?;
        if sent > 0 {
            tracing::info!(sent, "reminders due");
        }
        let pause = match self.reminders.next_due().await? {
            Some(next) => (next - Utc::now()).to_std().unwrap_or(Duration::ZERO),
            None => MAX_SLEEP,
        };
        let pause = pause.clamp(MIN_SLEEP, MAX_SLEEP);
        self.alarm
            .planned(Utc::now() + chrono::TimeDelta::from_std(pause).unwrap_or_default());
        Ok(pause)
    }
}

/// The same sweep, for the Dapr `reminder-cron` binding: a catch-up that runs even when
/// no replica's scheduler is awake.
pub struct Sweep(pub ReminderService);

#[async_trait]
impl CronHandler for Sweep {
    async fn run(&self) -> Result<(), String> {
        let sent = self.0.sweep(Utc::now()).await.map_err(|e| e.to_string())?;
        tracing::info!(sent, "reminder-cron sweep ran");
        Ok(())
    }
}
