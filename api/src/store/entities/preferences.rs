use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "preferences")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    pub reminders_enabled: bool,
    pub reminder_minutes_before: i32,
    pub toast_notifications: bool,
    pub time_zone: String,
    pub updated_at: DateTimeUtc,
    pub push_reminders: bool,
    pub email_reminders: bool,
    /// Local "HH:MM".
    pub daily_digest_at: Option<String>,
    /// The local day ("YYYY-MM-DD") the last digest went out for.
    pub digest_sent_on: Option<String>,
    /// Local "HH:MM".
    pub all_day_reminder_time: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
