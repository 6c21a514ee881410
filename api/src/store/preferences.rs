use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::entities::preferences::{self, Column, Entity as PreferencesTable};
use crate::domain::preferences::{
    DEFAULT_ALL_DAY_REMINDER_TIME, Preferences, format_local_time, parse_local_time,
};
use crate::domain::task::parse_time_zone;

/// The user's preferences; the defaults when they never changed any.
pub async fn get(conn: &impl ConnectionTrait, user_id: Uuid) -> Result<Preferences, DbErr> {
    let row = PreferencesTable::find_by_id(user_id).one(conn).await?;
    Ok(row.map_or_else(Preferences::default, from_row))
}

/// Every user who asked for a daily digest: their preferences, and the local day the
/// last one went out for.
pub async fn with_digest(
    conn: &impl ConnectionTrait,
) -> Result<Vec<(Uuid, Preferences, Option<String>)>, DbErr> {
    Ok(PreferencesTable::find()
        .filter(Column::DailyDigestAt.is_not_null())
        .all(conn)
        .await?
        .into_iter()
        .map(|row| {
            let sent_on = row.digest_sent_on.clone();
            (row.user_id, from_row(row), sent_on)
        })
        .collect())
}

/// Claims the user's digest of local day `day`: true for the one caller (on any
/// replica) that records it first.
pub async fn claim_digest(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    day: &str,
) -> Result<bool, DbErr> {
    let claimed = PreferencesTable::update_many()
        .col_expr(Column::DigestSentOn, Expr::value(day))
        .filter(Column::UserId.eq(user_id))
        .filter(
            Condition::any()
                .add(Column::DigestSentOn.is_null())
                .add(Column::DigestSentOn.ne(day)),
        )
        .exec(conn)
        .await?;
    Ok(claimed.rows_affected == 1)
}

/// Gives back a claimed digest that could not be sent, so that it is tried again.
pub async fn release_digest(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    day: &str,
) -> Result<(), DbErr> {
    PreferencesTable::update_many()
        .col_expr(Column::DigestSentOn, Expr::value(Option::<String>::None))
        .filter(Column::UserId.eq(user_id))
        .filter(Column::DigestSentOn.eq(day))
        .exec(conn)
        .await?;
    Ok(())
}

fn from_row(row: preferences::Model) -> Preferences {
    Preferences {
        reminders_enabled: row.reminders_enabled,
        reminder_minutes_before: row.reminder_minutes_before,
        toast_notifications: row.toast_notifications,
        time_zone: parse_time_zone("timeZone", &row.time_zone).unwrap_or(chrono_tz::Tz::UTC),
        push_reminders: row.push_reminders,
        email_reminders: row.email_reminders,
        daily_digest_at: row
            .daily_digest_at
            .and_then(|text| parse_local_time("dailyDigestAt", &text).ok()),
        all_day_reminder_time: parse_local_time("allDayReminderTime", &row.all_day_reminder_time)
            .unwrap_or(DEFAULT_ALL_DAY_REMINDER_TIME),
    }
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
        push_reminders: Set(preferences.push_reminders),
        email_reminders: Set(preferences.email_reminders),
        daily_digest_at: Set(preferences.daily_digest_at.map(format_local_time)),
        all_day_reminder_time: Set(format_local_time(preferences.all_day_reminder_time)),
        // A new row has sent no digest; an existing one keeps its day.
        digest_sent_on: NotSet,
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
                    Column::PushReminders,
                    Column::EmailReminders,
                    Column::DailyDigestAt,
                    Column::AllDayReminderTime,
                ])
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    Ok(())
}
