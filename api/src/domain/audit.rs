//! The audit trail's entries.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::event::{AuditAction, Source};

/// One recorded change, made from the event that announced it.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub id: Uuid,
    /// The event the entry was made from: one entry per event.
    pub event_id: Uuid,
    pub user_id: Uuid,
    pub action: AuditAction,
    pub entity_type: String,
    pub entity_id: Uuid,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub changed_fields: Option<serde_json::Value>,
    pub source: Source,
    pub request_id: Option<String>,
    pub at: DateTime<Utc>,
    /// The project of the task when it changed; its members see the entry.
    pub project_id: Option<Uuid>,
    /// The agent that made the change through an OAuth grant: the client's name.
    pub agent: Option<String>,
}
