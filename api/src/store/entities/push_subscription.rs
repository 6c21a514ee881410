use sea_orm::ActiveValue::Set;
use sea_orm::entity::prelude::*;

use crate::domain::push::PushSubscription;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "push_subscriptions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    #[sea_orm(unique)]
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
    pub device_name: String,
    pub created_at: DateTimeUtc,
    pub last_success_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl From<Model> for PushSubscription {
    fn from(row: Model) -> Self {
        Self {
            id: row.id,
            user_id: row.user_id,
            endpoint: row.endpoint,
            p256dh: row.p256dh,
            auth: row.auth,
            device_name: row.device_name,
            created_at: row.created_at,
            last_success_at: row.last_success_at,
        }
    }
}

impl From<PushSubscription> for ActiveModel {
    fn from(subscription: PushSubscription) -> Self {
        Self {
            id: Set(subscription.id),
            user_id: Set(subscription.user_id),
            endpoint: Set(subscription.endpoint),
            p256dh: Set(subscription.p256dh),
            auth: Set(subscription.auth),
            device_name: Set(subscription.device_name),
            created_at: Set(subscription.created_at),
            last_success_at: Set(subscription.last_success_at),
        }
    }
}
