use async_graphql::{Context, ID, Object};

use super::account::User;
use super::audit::{AuditEntryConnection, AuditFilter, audit_log};
use super::error::GqlResultExt;
use super::notification::{NotificationConnection, notification_connection};
use super::pagination::{self, page_cost};
use super::preferences::{self, Preferences};
use super::task::{Task, TaskConnection, TaskFilter, TaskOrder, list_tasks};
use super::{ContextExt, parse_id};
use crate::service::notifications::NotificationQuery;

pub struct Query;

#[Object(name = "ContractQuery")]
impl Query {
    /// The signed-in user.
    async fn me(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        let actor = ctx.actor()?;
        ctx.services().auth.me(actor).await.gql().map(User)
    }

    /// A task of a project you are a member of; null when there is no such task you can
    /// see.
    async fn task(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Task>> {
        let actor = ctx.actor()?;
        let id = parse_id("id", &id)?;
        match ctx.services().tasks.get(actor, id).await {
            Ok(task) => Ok(Some(Task::one(task))),
            Err(crate::service::ServiceError::NotFound(_)) => Ok(None),
            Err(e) => Err(e).gql(),
        }
    }

    /// The tasks of the projects you are a member of (top-level ones unless
    /// `filter.parentId` is given). `first` defaults to 50 and is capped at 200.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn tasks(
        &self,
        ctx: &Context<'_>,
        filter: Option<TaskFilter>,
        order_by: Option<TaskOrder>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<TaskConnection> {
        list_tasks(ctx, filter, order_by, first, after).await
    }

    /// Every recorded change to the user's tasks, newest first.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        filter: Option<AuditFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<AuditEntryConnection> {
        audit_log(ctx, filter, first, after).await
    }

    /// The signed-in user's notification preferences and default time zone.
    async fn preferences(&self, ctx: &Context<'_>) -> async_graphql::Result<Preferences> {
        preferences::get(ctx).await
    }

    /// The user's notification center, newest first.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn notifications(
        &self,
        ctx: &Context<'_>,
        unread_only: Option<bool>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<NotificationConnection> {
        let actor = ctx.actor()?;
        let query = NotificationQuery {
            unread_only: unread_only.unwrap_or(false),
            first,
            after: pagination::after(after.as_deref()).gql()?,
            count_total: pagination::wants_total_count(ctx),
        };
        let page = ctx
            .services()
            .notifications
            .list(actor, &query)
            .await
            .gql()?;
        Ok(notification_connection(page, query.unread_only))
    }

    /// For the bell.
    async fn unread_notification_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        let actor = ctx.actor()?;
        ctx.services().notifications.count(actor, true).await.gql()
    }
}
