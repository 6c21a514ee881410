use sea_orm::ActiveValue::Set;
use sea_orm::entity::prelude::*;

use super::{from_name, name_of};
use crate::domain::project::Member;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "project_members")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub project_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    /// `domain::project::ProjectRole`, by name.
    pub role: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::project::Entity",
        from = "Column::ProjectId",
        to = "super::project::Column::Id"
    )]
    Project,
}

impl Related<super::project::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Project.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

impl TryFrom<Model> for Member {
    type Error = DbErr;

    fn try_from(row: Model) -> Result<Self, DbErr> {
        Ok(Self {
            project_id: row.project_id,
            user_id: row.user_id,
            role: from_name(&row.role)?,
            created_at: row.created_at,
        })
    }
}

impl From<Member> for ActiveModel {
    fn from(member: Member) -> Self {
        Self {
            project_id: Set(member.project_id),
            user_id: Set(member.user_id),
            role: Set(name_of(member.role)),
            created_at: Set(member.created_at),
        }
    }
}
