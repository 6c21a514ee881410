use sea_orm::ActiveValue::Set;
use sea_orm::entity::prelude::*;

use super::{from_name, name_of};
use crate::domain::project::Invitation;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invitations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub project_id: Uuid,
    pub email: String,
    /// `domain::project::ProjectRole`, by name.
    pub role: String,
    pub invited_by: Uuid,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl TryFrom<Model> for Invitation {
    type Error = DbErr;

    fn try_from(row: Model) -> Result<Self, DbErr> {
        Ok(Self {
            id: row.id,
            project_id: row.project_id,
            email: row.email,
            role: from_name(&row.role)?,
            invited_by: row.invited_by,
            created_at: row.created_at,
            expires_at: row.expires_at,
        })
    }
}

impl From<Invitation> for ActiveModel {
    fn from(invitation: Invitation) -> Self {
        Self {
            id: Set(invitation.id),
            project_id: Set(invitation.project_id),
            email: Set(invitation.email),
            role: Set(name_of(invitation.role)),
            invited_by: Set(invitation.invited_by),
            created_at: Set(invitation.created_at),
            expires_at: Set(invitation.expires_at),
        }
    }
}
