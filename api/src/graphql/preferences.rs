use async_graphql::{Context, InputObject, Object};

use super::ContextExt;
use super::error::GqlResultExt;
use crate::domain::preferences::{self, PreferenceChanges};

pub struct Preferences(pub preferences::Preferences);

#[Object]
impl Preferences {
    /// Default true.
    async fn reminders_enabled(&self) -> bool {
        self.0.reminders_enabled
    }

    /// Minutes before a task is due that its reminder fires (5 to 1440, default 15),
    /// unless the task sets its own.
    async fn reminder_minutes_before(&self) -> i32 {
        self.0.reminder_minutes_before
    }

    /// Default true.
    async fn toast_notifications(&self) -> bool {
        self.0.toast_notifications
    }

    /// IANA time zone, default "UTC"; new tasks that name none take it.
    async fn time_zone(&self) -> &str {
        self.0.time_zone.name()
    }

    /// Reminders go to the browsers and phones registered with
    /// `registerPushSubscription` too. Default false.
    async fn push_reminders(&self) -> bool {
        self.0.push_reminders
    }

    /// Reminders are emailed too (when `emailAvailable`). Default false.
    async fn email_reminders(&self) -> bool {
        self.0.email_reminders
    }

    /// Local time ("HH:MM", in `timeZone`) of the daily email of tasks due today and
    /// overdue; null: no digest. Sent only when `emailAvailable`.
    async fn daily_digest_at(&self) -> Option<String> {
        self.0.daily_digest_at.map(preferences::format_local_time)
    }

    /// Local time ("HH:MM", in the task's zone) the reminder of an all-day task fires on
    /// its date, less the lead time in whole days. Default "09:00".
    async fn all_day_reminder_time(&self) -> String {
        preferences::format_local_time(self.0.all_day_reminder_time)
    }

    /// Whether this server can send Web Push (always, with its VAPID key).
    async fn push_available(&self) -> bool {
        true
    }

    /// Whether this server can send email: false when no SMTP server is configured, and
    /// then neither `emailReminders` nor the daily digest sends anything.
    async fn email_available(&self, ctx: &Context<'_>) -> bool {
        ctx.services().channels.email_available
    }
}

/// Every field is optional; what is left out stays as it is.
#[derive(InputObject)]
pub struct PreferencesInput {
    pub reminders_enabled: Option<bool>,
    /// 5 to 1440.
    pub reminder_minutes_before: Option<i32>,
    pub toast_notifications: Option<bool>,
    /// IANA name, e.g. "Europe/Berlin".
    pub time_zone: Option<String>,
    pub push_reminders: Option<bool>,
    pub email_reminders: Option<bool>,
    /// "HH:MM" local time; null or "" turns the digest off.
    pub daily_digest_at: async_graphql::MaybeUndefined<String>,
    /// "HH:MM" local time.
    pub all_day_reminder_time: Option<String>,
}

impl From<PreferencesInput> for PreferenceChanges {
    fn from(input: PreferencesInput) -> Self {
        Self {
            reminders_enabled: input.reminders_enabled,
            reminder_minutes_before: input.reminder_minutes_before,
            toast_notifications: input.toast_notifications,
            time_zone: input.time_zone,
            push_reminders: input.push_reminders,
            email_reminders: input.email_reminders,
            daily_digest_at: match input.daily_digest_at {
                async_graphql::MaybeUndefined::Undefined => None,
                async_graphql::MaybeUndefined::Null => Some(None),
                async_graphql::MaybeUndefined::Value(time) => Some(Some(time)),
            },
            all_day_reminder_time: input.all_day_reminder_time,
        }
    }
}

pub async fn get(ctx: &Context<'_>) -> async_graphql::Result<Preferences> {
    let actor = ctx.actor()?;
    ctx.services()
        .preferences
        .get(actor)
        .await
        .gql()
        .map(Preferences)
}

pub async fn update(
    ctx: &Context<'_>,
    input: PreferencesInput,
) -> async_graphql::Result<Preferences> {
    let actor = ctx.actor()?;
    ctx.services()
        .preferences
        .update(actor, &input.into())
        .await
        .gql_in("input")
        .map(Preferences)
}
