use sea_orm::ActiveValue::Set;
use sea_orm::entity::prelude::*;

use super::{from_name, name_of};
use crate::domain::audit::AuditEntry;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_entries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub event_id: Uuid,
    pub user_id: Uuid,
    /// `domain::event::AuditAction`, by name.
    pub action: String,
    pub entity_type: String,
    pub entity_id: Uuid,
    pub before: Option<Json>,
    pub after: Option<Json>,
    pub changed_fields: Option<Json>,
    /// `domain::event::Source`, by name.
    pub source: String,
    pub request_id: Option<String>,
    pub at: DateTimeUtc,
    /// The project of the task when it changed: its members see the entry.
    pub project_id: Option<Uuid>,
    /// The agent (an OAuth client's name) that made the change, if one did.
    pub agent: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl TryFrom<Model> for AuditEntry {
    type Error = DbErr;

    fn try_from(row: Model) -> Result<Self, DbErr> {
        Ok(Self {
            id: row.id,
            event_id: row.event_id,
            user_id: row.user_id,
            action: from_name(&row.action)?,
            entity_type: row.entity_type,
            entity_id: row.entity_id,
            before: row.before,
            after: row.after,
            changed_fields: row.changed_fields,
            source: from_name(&row.source)?,
            request_id: row.request_id,
            at: row.at,
            project_id: row.project_id,
            agent: row.agent,
        })
    }
}

impl From<AuditEntry> for ActiveModel {
    fn from(entry: AuditEntry) -> Self {
        Self {
            id: Set(entry.id),
            event_id: Set(entry.event_id),
            user_id: Set(entry.user_id),
            action: Set(name_of(entry.action)),
            entity_type: Set(entry.entity_type),
            entity_id: Set(entry.entity_id),
            before: Set(entry.before),
            after: Set(entry.after),
            changed_fields: Set(entry.changed_fields),
            source: Set(name_of(entry.source)),
            request_id: Set(entry.request_id),
            at: Set(entry.at),
            project_id: Set(entry.project_id),
            agent: Set(entry.agent),
        }
    }
}
