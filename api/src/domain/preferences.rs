//! A user's notification preferences and default time zone.

use chrono::NaiveTime;
use chrono_tz::Tz;

use super::task::parse_time_zone;
use super::validation::ValidationError;

pub const MIN_LEAD_MINUTES: i32 = 5;
pub const MAX_LEAD_MINUTES: i32 = 1440;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preferences {
    pub reminders_enabled: bool,
    /// How long before a task is due its reminder fires, unless the task says otherwise.
    pub reminder_minutes_before: i32,
    pub toast_notifications: bool,
    /// New tasks that name no time zone take this one.
    pub time_zone: Tz,
    /// Reminders go to the user's registered browsers and phones by Web Push too.
    pub push_reminders: bool,
    /// Reminders go to the user's email address too.
    pub email_reminders: bool,
    /// When (local time, in `time_zone`) the daily email of tasks due today and overdue
    /// goes out; none when the user wants no digest.
    pub daily_digest_at: Option<NaiveTime>,
    /// When (local time, in the task's zone) the reminder of an all-day task fires on its
    /// date, less the lead time in whole days.
    pub all_day_reminder_time: NaiveTime,
}

/// Nine in the morning: when most people plan the day.
pub const DEFAULT_ALL_DAY_REMINDER_TIME: NaiveTime = match NaiveTime::from_hms_opt(9, 0, 0) {
    Some(time) => time,
    None => NaiveTime::MIN,
};

impl Default for Preferences {
    fn default() -> Self {
        Self {
            reminders_enabled: true,
            reminder_minutes_before: 15,
            toast_notifications: true,
            time_zone: Tz::UTC,
            push_reminders: false,
            email_reminders: false,
            daily_digest_at: None,
            all_day_reminder_time: DEFAULT_ALL_DAY_REMINDER_TIME,
        }
    }
}

/// Changes to preferences; `None` leaves a setting as it is.
#[derive(Debug, Clone, Default)]
pub struct PreferenceChanges {
    pub reminders_enabled: Option<bool>,
    pub reminder_minutes_before: Option<i32>,
    pub toast_notifications: Option<bool>,
    pub time_zone: Option<String>,
    pub push_reminders: Option<bool>,
    pub email_reminders: Option<bool>,
    /// `Some(None)` turns the digest off; `Some(Some("07:30"))` sets its time.
    pub daily_digest_at: Option<Option<String>>,
    pub all_day_reminder_time: Option<String>,
}

impl Preferences {
    /// The preferences with `changes` applied, or the first rule they break.
    pub fn with(self, changes: &PreferenceChanges) -> Result<Self, ValidationError> {
        let lead = changes
            .reminder_minutes_before
            .unwrap_or(self.reminder_minutes_before);
        if !(MIN_LEAD_MINUTES..=MAX_LEAD_MINUTES).contains(&lead) {
            return Err(ValidationError::new(
                "reminderMinutesBefore",
                format!("must be between {MIN_LEAD_MINUTES} and {MAX_LEAD_MINUTES} minutes"),
            ));
        }
        let time_zone = match &changes.time_zone {
            Some(name) => parse_time_zone("timeZone", name)?,
            None => self.time_zone,
        };
        let daily_digest_at = match &changes.daily_digest_at {
            // An emptied time field turns it off, like null.
            Some(Some(text)) if text.trim().is_empty() => None,
            Some(Some(text)) => Some(parse_local_time("dailyDigestAt", text)?),
            Some(None) => None,
            None => self.daily_digest_at,
        };
        Ok(Self {
            reminders_enabled: changes.reminders_enabled.unwrap_or(self.reminders_enabled),
            reminder_minutes_before: lead,
            toast_notifications: changes
                .toast_notifications
                .unwrap_or(self.toast_notifications),
            time_zone,
            push_reminders: changes.push_reminders.unwrap_or(self.push_reminders),
            email_reminders: changes.email_reminders.unwrap_or(self.email_reminders),
            daily_digest_at,
            all_day_reminder_time: match &changes.all_day_reminder_time {
                Some(text) => parse_local_time("allDayReminderTime", text)?,
                None => self.all_day_reminder_time,
            },
        })
    }
}

/// A local time of day as "HH:MM" (24-hour clock).
pub fn parse_local_time(field: &'static str, text: &str) -> Result<NaiveTime, ValidationError> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M")
        .map_err(|_| ValidationError::new(field, "must be a time of day as HH:MM, e.g. 07:30"))
}

/// The form `parse_local_time` reads.
pub fn format_local_time(time: NaiveTime) -> String {
    time.format("%H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lead_time_is_bounded_and_time_zones_are_iana() {
        let base = Preferences::default();
        let lead = |minutes| PreferenceChanges {
            reminder_minutes_before: Some(minutes),
            ..Default::default()
        };
        assert!(base.with(&lead(4)).is_err());
        assert!(base.with(&lead(1441)).is_err());
        assert_eq!(base.with(&lead(5)).unwrap().reminder_minutes_before, 5);
        assert_eq!(
            base.with(&lead(1440)).unwrap().reminder_minutes_before,
            1440
        );
        let zone = |name: &str| PreferenceChanges {
            time_zone: Some(name.into()),
            ..Default::default()
        };
        assert_eq!(
            base.with(&zone("Europe/Berlin")).unwrap().time_zone,
            chrono_tz::Europe::Berlin
        );
        assert_eq!(base.with(&zone("Moon/Base")).unwrap_err().field, "timeZone");
    }

    #[test]
    fn the_digest_time_is_a_time_of_day_and_null_turns_it_off() {
        let base = Preferences::default();
        assert!(
            !base.push_reminders && !base.email_reminders,
            "both channels start off"
        );
        let at = |value: Option<&str>| PreferenceChanges {
            daily_digest_at: Some(value.map(str::to_owned)),
            ..Default::default()
        };
        let set = base.with(&at(Some("07:30"))).unwrap();
        assert_eq!(
            set.daily_digest_at.map(format_local_time).as_deref(),
            Some("07:30")
        );
        assert_eq!(
            set.with(&at(Some(" "))).unwrap().daily_digest_at,
            None,
            "empty is off"
        );
        for bad in ["7.30", "25:00", "07:30:00"] {
            assert_eq!(
                base.with(&at(Some(bad))).unwrap_err().field,
                "dailyDigestAt",
                "{bad}"
            );
        }
        assert_eq!(set.with(&at(None)).unwrap().daily_digest_at, None);
        assert_eq!(
            set.with(&PreferenceChanges::default())
                .unwrap()
                .daily_digest_at,
            set.daily_digest_at,
            "left out, it stays"
        );
    }

    #[test]
    fn unchanged_settings_are_kept() {
        let custom = Preferences {
            reminders_enabled: false,
            ..Preferences::default()
        };
        let changed = custom
            .with(&PreferenceChanges {
                toast_notifications: Some(false),
                ..Default::default()
            })
            .unwrap();
        assert!(!changed.reminders_enabled);
        assert!(!changed.toast_notifications);
    }
}
