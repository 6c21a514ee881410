use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::{Context, Enum, ID, InputObject, Json, Object};
use serde::Deserialize as _;
use tokio::sync::OnceCell;
use uuid::Uuid;

use super::account::User;
use super::project::people;
use crate::domain::user as account;

use super::error::GqlResultExt;
use super::pagination::{self, Listing, listing};
use super::scalars::DateTime;
use super::{ContextExt, load_once, parse_id};
use crate::domain::audit;
use crate::service::audit::{AuditPosition, AuditQuery};
use crate::store::audit::AuditFilter as StoreFilter;

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "crate::domain::event::AuditAction")]
pub enum AuditAction {
    Create,
    Update,
    Complete,
    Uncomplete,
    Delete,
}

/// The channel a change came through.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "crate::domain::event::Source")]
pub enum AuditSource {
    Web,
    Graphql,
    Mcp,
    /// Made by the service itself, e.g. the next occurrence of a recurring task.
    System,
    /// A reminder's Complete or Snooze action, from a push notification or an email.
    Reminder,
}

#[derive(InputObject, Default)]
pub struct AuditFilter {
    pub task_id: Option<ID>,
    pub action: Option<AuditAction>,
    pub source: Option<AuditSource>,
    /// Entries at or after this instant.
    pub from: Option<DateTime>,
    /// Entries before this instant.
    pub to: Option<DateTime>,
}

impl AuditFilter {
    fn into_store(self) -> async_graphql::Result<StoreFilter> {
        Ok(StoreFilter {
            entity_id: self
                .task_id
                .as_ref()
                .map(|id| parse_id("filter.taskId", id))
                .transpose()?,
            action: self.action.map(Into::into),
            source: self.source.map(Into::into),
            from: self.from.map(|d| d.0),
            to: self.to.map(|d| d.0),
        })
    }
}

/// One recorded change, and the people of the entries resolved with it (loaded for all
/// of them the first time one asks who made its change).
pub struct AuditEntry(audit::AuditEntry, Arc<Actors>);

pub struct Actors {
    ids: Vec<Uuid>,
    people: OnceCell<HashMap<Uuid, account::User>>,
}

#[Object]
impl AuditEntry {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn action(&self) -> AuditAction {
        self.0.action.into()
    }

    async fn entity_type(&self) -> &str {
        &self.0.entity_type
    }

    async fn entity_id(&self) -> ID {
        ID(self.0.entity_id.to_string())
    }

    /// The task before the change; null for CREATE.
    async fn before(&self) -> Option<Json<serde_json::Value>> {
        self.0.before.clone().map(Json)
    }

    /// The task after the change; null for DELETE.
    async fn after(&self) -> Option<Json<serde_json::Value>> {
        self.0.after.clone().map(Json)
    }

    /// For UPDATE, the fields whose values changed.
    async fn changed_fields(&self) -> Vec<String> {
        self.0
            .changed_fields
            .as_ref()
            .and_then(|v| Vec::<String>::deserialize(v).ok())
            .unwrap_or_default()
    }

    async fn source(&self) -> AuditSource {
        self.0.source.into()
    }

    /// The agent that made the change through an OAuth grant (source `MCP`): the name
    /// it connected with.
    async fn agent(&self) -> Option<&str> {
        self.0.agent.as_deref()
    }

    async fn at(&self) -> DateTime {
        self.0.at.into()
    }

    /// The `x-request-id` of the request that made the change.
    async fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }

    /// Who made the change (for SYSTEM changes, whose action caused them); null once
    /// their account is deleted.
    async fn actor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let people = load_once(&self.1.people, || people(ctx, &self.1.ids)).await?;
        Ok(people.get(&self.0.user_id).cloned().map(User))
    }

    /// The project the task was in when it changed.
    async fn project_id(&self) -> Option<ID> {
        self.0.project_id.map(|id| ID(id.to_string()))
    }
}

/// What an audit listing shows beside its edges.
pub struct AuditListingFields {
    filter: StoreFilter,
    /// Counted with the page when the request selected it.
    total: Option<u64>,
}

#[Object]
impl AuditListingFields {
    /// All entries matching the filter, across pages.
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        if let Some(total) = self.total {
            return Ok(total);
        }
        let actor = ctx.actor()?;
        ctx.services().audit.count(actor, &self.filter).await.gql()
    }
}

pub type AuditEntryConnection = Listing<AuditPosition, AuditEntry, AuditListingFields>;

/// The audit log of the signed-in user, newest first; shared by `Query.auditLog` and
/// `Task.history`.
pub async fn audit_log(
    ctx: &Context<'_>,
    filter: Option<AuditFilter>,
    first: Option<i32>,
    after: Option<String>,
) -> async_graphql::Result<AuditEntryConnection> {
    let actor = ctx.actor()?;
    let query = AuditQuery {
        filter: filter.unwrap_or_default().into_store()?,
        first,
        after: pagination::after(after.as_deref()).gql()?,
        count_total: pagination::wants_total_count(ctx),
    };
    let page = ctx.services().audit.list(actor, &query).await.gql()?;
    let fields = AuditListingFields {
        filter: query.filter,
        total: page.total_count,
    };
    let actors = Arc::new(Actors {
        ids: page.items.iter().map(|(_, entry)| entry.user_id).collect(),
        people: OnceCell::new(),
    });
    Ok(listing(page, fields, |entry| {
        AuditEntry(entry, Arc::clone(&actors))
    }))
}
