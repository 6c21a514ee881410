use sea_orm::ActiveValue::Set;
use sea_orm::entity::prelude::*;

use crate::domain::project::{Project, name_key};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "projects")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub owner_id: Uuid,
    pub name: String,
    /// `domain::project::name_key` of the name: unique per owner.
    pub name_key: String,
    pub color: Option<String>,
    pub position: i32,
    pub archived: bool,
    pub is_inbox: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::project_member::Entity")]
    Members,
}

impl Related<super::project_member::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Members.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

impl From<Model> for Project {
    fn from(row: Model) -> Self {
        Self {
            id: row.id,
            owner_id: row.owner_id,
            name: row.name,
            color: row.color,
            position: row.position,
            archived: row.archived,
            is_inbox: row.is_inbox,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

impl From<Project> for ActiveModel {
    fn from(project: Project) -> Self {
        Self {
            id: Set(project.id),
            owner_id: Set(project.owner_id),
            name_key: Set(name_key(&project.name)),
            name: Set(project.name),
            color: Set(project.color),
            position: Set(project.position),
            archived: Set(project.archived),
            is_inbox: Set(project.is_inbox),
            created_at: Set(project.created_at),
            updated_at: Set(project.updated_at),
        }
    }
}
