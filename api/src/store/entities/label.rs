use sea_orm::ActiveValue::Set;
use sea_orm::entity::prelude::*;

use crate::domain::project::{Label, name_key};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "labels")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    /// `domain::project::name_key` of the name: unique per user.
    pub name_key: String,
    pub color: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl From<Model> for Label {
    fn from(row: Model) -> Self {
        Self {
            id: row.id,
            user_id: row.user_id,
            name: row.name,
            color: row.color,
            created_at: row.created_at,
        }
    }
}

impl From<Label> for ActiveModel {
    fn from(label: Label) -> Self {
        Self {
            id: Set(label.id),
            user_id: Set(label.user_id),
            name_key: Set(name_key(&label.name)),
            name: Set(label.name),
            color: Set(label.color),
            created_at: Set(label.created_at),
        }
    }
}
