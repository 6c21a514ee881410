use async_graphql::{Context, Enum, ID, InputObject, Json, Object};

use super::error::{GqlResultExt, to_graphql_error};
use super::pagination::PageInfo;
use super::scalars::DateTime;
use super::{ContextExt, parse_id};
use crate::domain::event;
use crate::service::audit::{AuditPage, AuditQuery};
use crate::store::audit::AuditFilter as StoreFilter;
use crate::store::entities::audit_entry;

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum AuditAction {
    Create,
    Update,
    Complete,
    Uncomplete,
    Delete,
}

impl From<AuditAction> for event::AuditAction {
    fn from(action: AuditAction) -> Self {
        match action {
            AuditAction::Create => Self::Create,
            AuditAction::Update => Self::Update,
            AuditAction::Complete => Self::Complete,
            AuditAction::Uncomplete => Self::Uncomplete,
            AuditAction::Delete => Self::Delete,
        }
    }
}

impl From<event::AuditAction> for AuditAction {
    fn from(action: event::AuditAction) -> Self {
        match action {
            event::AuditAction::Create => Self::Create,
            event::AuditAction::Update => Self::Update,
            event::AuditAction::Complete => Self::Complete,
            event::AuditAction::Uncomplete => Self::Uncomplete,
            event::AuditAction::Delete => Self::Delete,
        }
    }
}

/// The channel a change came through.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum AuditSource {
    Web,
    Graphql,
    Mcp,
    /// Made by the service itself, e.g. the next occurrence of a recurring task.
    System,
}

impl From<AuditSource> for event::Source {
    fn from(source: AuditSource) -> Self {
        match source {
            AuditSource::Web => Self::Web,
            AuditSource::Graphql => Self::Graphql,
            AuditSource::Mcp => Self::Mcp,
            AuditSource::System => Self::System,
        }
    }
}

impl From<event::Source> for AuditSource {
    fn from(source: event::Source) -> Self {
        match source {
            event::Source::Web => Self::Web,
            event::Source::Graphql => Self::Graphql,
            event::Source::Mcp => Self::Mcp,
            event::Source::System => Self::System,
        }
    }
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
            action: self
                .action
                .map(|a| event::AuditAction::from(a).as_str().to_owned()),
            source: self
                .source
                .map(|s| event::Source::from(s).as_str().to_owned()),
            from: self.from.map(|d| d.0),
            to: self.to.map(|d| d.0),
        })
    }
}

/// One recorded change.
pub struct AuditEntry(audit_entry::Model);

#[Object]
impl AuditEntry {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn action(&self) -> async_graphql::Result<AuditAction> {
        event::AuditAction::parse(&self.0.action)
            .map(Into::into)
            .ok_or_else(|| {
                to_graphql_error(crate::service::ServiceError::Internal(format!(
                    "stored action {:?}",
                    self.0.action
                )))
            })
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
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .unwrap_or_default()
    }

    async fn source(&self) -> async_graphql::Result<AuditSource> {
        event::Source::parse(&self.0.source)
            .map(Into::into)
            .ok_or_else(|| {
                to_graphql_error(crate::service::ServiceError::Internal(format!(
                    "stored source {:?}",
                    self.0.source
                )))
            })
    }

    async fn at(&self) -> DateTime {
        self.0.at.into()
    }

    /// The `x-request-id` of the request that made the change.
    async fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }
}

pub struct AuditEntryEdge {
    cursor: String,
    node: audit_entry::Model,
}

#[Object]
impl AuditEntryEdge {
    async fn cursor(&self) -> &str {
        &self.cursor
    }

    async fn node(&self) -> AuditEntry {
        AuditEntry(self.node.clone())
    }
}

pub struct AuditEntryConnection {
    page: AuditPage,
    filter: StoreFilter,
}

#[Object]
impl AuditEntryConnection {
    async fn edges(&self) -> Vec<AuditEntryEdge> {
        self.page
            .edges
            .iter()
            .map(|(cursor, node)| AuditEntryEdge {
                cursor: cursor.clone(),
                node: node.clone(),
            })
            .collect()
    }

    async fn page_info(&self) -> PageInfo {
        PageInfo::forward(&self.page.edges, self.page.has_next_page)
    }

    /// All entries matching the filter, across pages.
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        let actor = ctx.actor()?;
        ctx.services().audit.count(actor, &self.filter).await.gql()
    }
}

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
        after,
    };
    let page = ctx.services().audit.list(actor, &query).await.gql()?;
    Ok(AuditEntryConnection {
        page,
        filter: query.filter,
    })
}
