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
}

impl From<PreferencesInput> for PreferenceChanges {
    fn from(input: PreferencesInput) -> Self {
        Self {
            reminders_enabled: input.reminders_enabled,
            reminder_minutes_before: input.reminder_minutes_before,
            toast_notifications: input.toast_notifications,
            time_zone: input.time_zone,
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
