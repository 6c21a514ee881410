use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};
use uuid::Uuid;

use super::entities::preferences::{self, Column, Entity as PreferencesTable};
use crate::domain::preferences::Preferences;
use crate::domain::task::parse_time_zone;

/// The user's preferences; the defaults when they never changed any.
pub async fn get(conn: &impl ConnectionTrait, user_id: Uuid) -> Result<Preferences, DbErr> {
    let row = PreferencesTable::find_by_id(user_id).one(conn).await?;
    Ok(row.map_or_else(Preferences::default, |row| Preferences {
        reminders_enabled: row.reminders_enabled,
        reminder_minutes_before: row.reminder_minutes_before,
        toast_notifications: row.toast_notifications,
        time_zone: parse_time_zone("timeZone", &row.time_zone).unwrap_or(chrono_tz::Tz::UTC),
    }))
}

pub async fn save(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    preferences: &Preferences,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let row = preferences::ActiveModel {
        user_id: Set(user_id),
        reminders_enabled: Set(preferences.reminders_enabled),
        reminder_minutes_before: Set(preferences.reminder_minutes_before),
        toast_notifications: Set(preferences.toast_notifications),
        time_zone: Set(preferences.time_zone.name().to_owned()),
        updated_at: Set(at),
    };
    PreferencesTable::insert(row)
        .on_conflict(
            OnConflict::column(Column::UserId)
                .update_columns([
                    Column::RemindersEnabled,
                    Column::ReminderMinutesBefore,
                    Column::ToastNotifications,
                    Column::TimeZone,
                    Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    Ok(())
}
