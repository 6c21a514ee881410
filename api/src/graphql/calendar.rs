//! The calendar feed's URL: read it, or replace it.

use async_graphql::{Context, Object, SimpleObject};

use super::ContextExt;
use super::error::GqlResultExt;

/// A secret address serving your open tasks with a date as iCalendar (RFC 5545), for
/// Google Calendar, Apple Calendar or Thunderbird to subscribe to. Anyone with the URL
/// can read those tasks: rotate it if it leaks.
#[derive(SimpleObject)]
pub struct CalendarFeed {
    pub url: String,
}

#[derive(Default)]
pub struct CalendarQuery;

#[Object]
impl CalendarQuery {
    /// Your calendar feed, created the first time it is asked for.
    async fn calendar_feed(&self, ctx: &Context<'_>) -> async_graphql::Result<CalendarFeed> {
        let actor = ctx.actor()?;
        let url = ctx.services().calendar.url(actor).await.gql()?;
        Ok(CalendarFeed { url })
    }
}

#[derive(Default)]
pub struct CalendarMutation;

#[Object]
impl CalendarMutation {
    /// Replaces your calendar feed's URL; the old one stops working at once.
    async fn rotate_calendar_feed(&self, ctx: &Context<'_>) -> async_graphql::Result<CalendarFeed> {
        let actor = ctx.actor()?;
        let url = ctx.services().calendar.rotate(actor).await.gql()?;
        Ok(CalendarFeed { url })
    }
}
