//! Projects, their members and invitations, and labels: how tasks are organised and
//! shared.

use chrono::{DateTime, Duration, Utc};
use strum::{Display, EnumString, IntoStaticStr, VariantArray};
use uuid::Uuid;

use super::UnknownName;
use super::validation::{ValidationError, bounded_text};

pub const MAX_PROJECT_NAME_CHARS: usize = 100;
pub const MAX_LABEL_NAME_CHARS: usize = 50;
/// The name every account's first project has; no other project may take it.
pub const INBOX_NAME: &str = "Inbox";
/// How long an invitation waits for its answer (or for the invitee to register).
pub const INVITATION_LIFETIME_DAYS: i64 = 14;

/// What a member may do in a project. Ordered by power: `Viewer < Editor < Owner`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Display,
    EnumString,
    IntoStaticStr,
    VariantArray,
)]
#[strum(
    serialize_all = "SCREAMING_SNAKE_CASE",
    parse_err_ty = UnknownName,
    parse_err_fn = UnknownName::of::<Self>
)]
pub enum ProjectRole {
    /// Reads only.
    Viewer,
    /// Reads and changes tasks, not the project's settings or members.
    Editor,
    /// Created the project: changes everything, shares it, deletes it.
    Owner,
}

impl ProjectRole {
    pub fn can_edit_tasks(self) -> bool {
        self >= Self::Editor
    }

    pub fn can_manage(self) -> bool {
        self == Self::Owner
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub name: String,
    pub color: Option<String>,
    pub position: i32,
    pub archived: bool,
    pub is_inbox: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Project {
    /// The id of the Inbox of `user_id`: every account has one, and its id is the
    /// account's id, so finding it never needs a query.
    pub fn inbox_id(user_id: Uuid) -> Uuid {
        user_id
    }

    /// The Inbox of a new account.
    pub fn inbox_of(user_id: Uuid, at: DateTime<Utc>) -> Self {
        Self {
            id: Self::inbox_id(user_id),
            owner_id: user_id,
            name: INBOX_NAME.to_owned(),
            color: None,
            position: 0,
            archived: false,
            is_inbox: true,
            created_at: at,
            updated_at: at,
        }
    }
}

/// A project as one member sees it: with their role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectAccess {
    pub project: Project,
    pub role: ProjectRole,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub project_id: Uuid,
    pub user_id: Uuid,
    pub role: ProjectRole,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    pub id: Uuid,
    pub project_id: Uuid,
    /// As `normalize_email` left it.
    pub email: String,
    pub role: ProjectRole,
    pub invited_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

impl Invitation {
    pub fn expiry_from(at: DateTime<Utc>) -> DateTime<Utc> {
        at + Duration::days(INVITATION_LIFETIME_DAYS)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    pub color: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Rules for project and label fields; errors name the field as `input.<field>`.
pub struct OrganiseFields;

impl OrganiseFields {
    pub fn project_name(value: &str) -> Result<String, ValidationError> {
        bounded_text("name", value, 1, MAX_PROJECT_NAME_CHARS)
    }

    pub fn label_name(value: &str) -> Result<String, ValidationError> {
        bounded_text("name", value, 1, MAX_LABEL_NAME_CHARS)
    }

    /// `#rrggbb`, stored lower-case.
    pub fn color(value: &str) -> Result<String, ValidationError> {
        let value = value.trim();
        let hex = value.strip_prefix('#').unwrap_or("");
        if hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(value.to_ascii_lowercase())
        } else {
            Err(ValidationError::new(
                "color",
                format!("{value:?} is not a color; use #rrggbb, e.g. \"#3b82f6\""),
            ))
        }
    }
}

/// The key names are unique by: two names that differ only in case are the same name.
pub fn name_key(name: &str) -> String {
    name.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_by_what_they_allow() {
        assert!(!ProjectRole::Viewer.can_edit_tasks());
        assert!(ProjectRole::Editor.can_edit_tasks());
        assert!(!ProjectRole::Editor.can_manage());
        assert!(ProjectRole::Owner.can_manage());
        assert_eq!("EDITOR".parse::<ProjectRole>(), Ok(ProjectRole::Editor));
        assert!("ADMIN".parse::<ProjectRole>().is_err());
    }

    #[test]
    fn colors_are_hex_triplets() {
        assert_eq!(OrganiseFields::color(" #3B82F6 ").as_deref(), Ok("#3b82f6"));
        for bad in ["red", "#3b82f", "3b82f6", "#3b82fg", "#3b82f60"] {
            assert!(OrganiseFields::color(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names_are_bounded_and_keyed_case_insensitively() {
        assert!(OrganiseFields::project_name(" ").is_err());
        assert!(OrganiseFields::project_name(&"p".repeat(100)).is_ok());
        assert!(OrganiseFields::project_name(&"p".repeat(101)).is_err());
        assert!(OrganiseFields::label_name(&"l".repeat(51)).is_err());
        assert_eq!(name_key("Ärger Work"), name_key("äRGER work"));
    }

    #[test]
    fn the_inbox_of_an_account_has_its_id() {
        let user = Uuid::now_v7();
        let inbox = Project::inbox_of(user, Utc::now());
        assert_eq!(
            (inbox.id, inbox.owner_id, inbox.is_inbox),
            (user, user, true)
        );
    }
}
