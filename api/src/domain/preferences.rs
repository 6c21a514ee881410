//! A user's notification preferences and default time zone.

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
}

impl Default for Preferences {
    fn default() -> Self {
        Self {
            reminders_enabled: true,
            reminder_minutes_before: 15,
            toast_notifications: true,
            time_zone: Tz::UTC,
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
        Ok(Self {
            reminders_enabled: changes.reminders_enabled.unwrap_or(self.reminders_enabled),
            reminder_minutes_before: lead,
            toast_notifications: changes
                .toast_notifications
                .unwrap_or(self.toast_notifications),
            time_zone,
        })
    }
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
