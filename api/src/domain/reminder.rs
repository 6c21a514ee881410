//! When a task's reminder is due.

use chrono::{DateTime, Days, Duration, Utc};
use chrono_tz::Tz;

use super::local_time::{deadline, local_instant};
use super::preferences::Preferences;
use super::validation::ValidationError;

/// The longest a reminder can be snoozed.
pub const MAX_SNOOZE: Duration = Duration::days(365);

/// How long to snooze a reminder, as a person asks: for some minutes, or until a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Snooze {
    Minutes(i32),
    Until(DateTime<Utc>),
}

impl Snooze {
    /// Exactly one of `minutes` and `until`, as the API takes them.
    pub fn from_parts(
        minutes: Option<i32>,
        until: Option<DateTime<Utc>>,
    ) -> Result<Self, ValidationError> {
        match (minutes, until) {
            (Some(minutes), None) => Ok(Self::Minutes(minutes)),
            (None, Some(until)) => Ok(Self::Until(until)),
            _ => Err(ValidationError::new(
                "minutes",
                "give either minutes or until, not both and not neither",
            )),
        }
    }

    /// When the snoozed reminder fires: after now, within a year.
    pub fn fires_at(self, now: DateTime<Utc>) -> Result<DateTime<Utc>, ValidationError> {
        let at = match self {
            Self::Minutes(minutes) if minutes >= 1 => now + Duration::minutes(i64::from(minutes)),
            Self::Minutes(_) => {
                return Err(ValidationError::new("minutes", "must be at least 1"));
            }
            Self::Until(until) if until > now => until,
            Self::Until(_) => return Err(ValidationError::new("until", "must be in the future")),
        };
        if at - now > MAX_SNOOZE {
            let field = if matches!(self, Self::Minutes(_)) {
                "minutes"
            } else {
                "until"
            };
            return Err(ValidationError::new(
                field,
                "a reminder is snoozed for a year at most",
            ));
        }
        Ok(at)
    }
}

/// What the reminder time of a task depends on.
#[derive(Debug, Clone, Copy)]
pub struct ReminderState {
    pub due_at: Option<DateTime<Utc>>,
    pub completed: bool,
    /// The task's own lead time; `None` means the user's preference.
    pub remind_before_minutes: Option<i32>,
    /// The due date a reminder was already sent for.
    pub reminded_due_at: Option<DateTime<Utc>>,
    /// The person snoozed the reminder until then.
    pub snoozed_until: Option<DateTime<Utc>>,
    /// Due on a date, not at a time: `due_at` is local midnight in `time_zone`.
    pub all_day: bool,
    pub time_zone: Tz,
}

/// When to remind: the due date minus the lead time, or at once when that moment has
/// passed but the due date has not. No reminder for done or overdue tasks, tasks without
/// a due date, when reminders are off, or when one was sent for this due date already.
/// A snoozed reminder fires when its snooze ends, even after the due date. An all-day
/// task is reminded on its date at the user's all-day reminder time, less the lead time
/// in whole days, and is overdue only from the next day.
pub fn remind_at(
    state: ReminderState,
    preferences: &Preferences,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let due = state.due_at?;
    if state.completed || !preferences.reminders_enabled {
        return None;
    }
    if let Some(until) = state.snoozed_until {
        return Some(until.max(now));
    }
    if deadline(due, state.all_day, state.time_zone) <= now || state.reminded_due_at == Some(due) {
        return None;
    }
    let lead = state
        .remind_before_minutes
        .unwrap_or(preferences.reminder_minutes_before);
    // Never earlier than now, never later than the due date: the reminder stays within
    // the years the due date was checked against.
    let ahead = if state.all_day {
        let days = u64::try_from(lead / MINUTES_PER_DAY).unwrap_or(0);
        due.with_timezone(&state.time_zone)
            .date_naive()
            .checked_sub_days(Days::new(days))
            .and_then(|day| {
                local_instant(
                    state.time_zone,
                    day.and_time(preferences.all_day_reminder_time),
                )
            })
    } else {
        due.checked_sub_signed(Duration::minutes(i64::from(lead)))
    };
    Some(ahead.unwrap_or(now).max(now))
}

const MINUTES_PER_DAY: i32 = 24 * 60;

#[cfg(test)]
mod tests {
    use super::*;

    fn state(due_in_minutes: i64, now: DateTime<Utc>) -> ReminderState {
        ReminderState {
            due_at: Some(now + Duration::minutes(due_in_minutes)),
            completed: false,
            remind_before_minutes: None,
            reminded_due_at: None,
            snoozed_until: None,
            all_day: false,
            time_zone: Tz::UTC,
        }
    }

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().expect("an RFC 3339 instant")
    }

    /// Due on Wednesday 2027-03-17, all day, in Berlin.
    fn all_day_in_berlin() -> ReminderState {
        ReminderState {
            due_at: Some(utc("2027-03-16T23:00:00Z")),
            all_day: true,
            time_zone: chrono_tz::Europe::Berlin,
            ..state(0, Utc::now())
        }
    }

    #[test]
    fn an_all_day_task_is_reminded_at_the_all_day_time_less_whole_days() {
        let prefs = Preferences::default(); // 09:00, a 15-minute lead: no whole day
        let before = utc("2027-03-16T12:00:00Z");
        assert_eq!(
            remind_at(all_day_in_berlin(), &prefs, before),
            Some(utc("2027-03-17T08:00:00Z"))
        );
        let two_days = ReminderState {
            remind_before_minutes: Some(2 * 1440 + 30),
            ..all_day_in_berlin()
        };
        assert_eq!(
            remind_at(two_days, &prefs, utc("2027-03-01T00:00:00Z")),
            Some(utc("2027-03-15T08:00:00Z"))
        );
        let at_seven = Preferences {
            all_day_reminder_time: chrono::NaiveTime::from_hms_opt(7, 30, 0).expect("a time"),
            ..prefs
        };
        assert_eq!(
            remind_at(all_day_in_berlin(), &at_seven, before),
            Some(utc("2027-03-17T06:30:00Z"))
        );
    }

    #[test]
    fn an_all_day_task_is_due_all_day_and_overdue_from_the_next() {
        let prefs = Preferences::default();
        // Past its reminder time on the day itself: at once.
        let evening = utc("2027-03-17T20:00:00Z");
        assert_eq!(
            remind_at(all_day_in_berlin(), &prefs, evening),
            Some(evening)
        );
        // Midnight in Berlin: the next day, overdue, no reminder.
        assert_eq!(
            remind_at(all_day_in_berlin(), &prefs, utc("2027-03-17T23:00:00Z")),
            None
        );
    }

    #[test]
    fn a_snooze_is_minutes_or_a_time_in_the_coming_year() {
        let now = Utc::now();
        assert_eq!(
            Snooze::from_parts(Some(15), None).and_then(|s| s.fires_at(now)),
            Ok(now + Duration::minutes(15))
        );
        let later = now + Duration::hours(3);
        assert_eq!(
            Snooze::from_parts(None, Some(later)).and_then(|s| s.fires_at(now)),
            Ok(later)
        );
        assert_eq!(Snooze::from_parts(None, None).unwrap_err().field, "minutes");
        assert_eq!(
            Snooze::from_parts(Some(5), Some(later)).unwrap_err().field,
            "minutes"
        );
        assert_eq!(
            Snooze::Minutes(0).fires_at(now).unwrap_err().field,
            "minutes"
        );
        assert_eq!(
            Snooze::Minutes(i32::MAX).fires_at(now).unwrap_err().field,
            "minutes"
        );
        assert_eq!(Snooze::Until(now).fires_at(now).unwrap_err().field, "until");
        assert_eq!(
            Snooze::Until(now + Duration::days(400))
                .fires_at(now)
                .unwrap_err()
                .field,
            "until"
        );
    }

    #[test]
    fn a_snoozed_reminder_fires_when_the_snooze_ends_even_past_the_due_date() {
        let now = Utc::now();
        let prefs = Preferences::default();
        let snoozed = ReminderState {
            reminded_due_at: Some(now + Duration::minutes(10)),
            snoozed_until: Some(now + Duration::hours(1)),
            ..state(10, now)
        };
        assert_eq!(
            remind_at(snoozed, &prefs, now),
            Some(now + Duration::hours(1))
        );
        let done = ReminderState {
            completed: true,
            ..snoozed
        };
        assert_eq!(remind_at(done, &prefs, now), None);
        let off = Preferences {
            reminders_enabled: false,
            ..prefs
        };
        assert_eq!(remind_at(snoozed, &off, now), None);
    }

    #[test]
    fn lead_time_before_the_due_date() {
        let now = Utc::now();
        let prefs = Preferences::default();
        assert_eq!(
            remind_at(state(60, now), &prefs, now),
            Some(now + Duration::minutes(45))
        );
        let own_lead = ReminderState {
            remind_before_minutes: Some(50),
            ..state(60, now)
        };
        assert_eq!(
            remind_at(own_lead, &prefs, now),
            Some(now + Duration::minutes(10))
        );
    }

    #[test]
    fn inside_the_window_at_once_and_overdue_never() {
        let now = Utc::now();
        let prefs = Preferences::default();
        assert_eq!(remind_at(state(5, now), &prefs, now), Some(now));
        assert_eq!(remind_at(state(-1, now), &prefs, now), None);
        assert_eq!(remind_at(state(0, now), &prefs, now), None);
    }

    #[test]
    fn reminders_stay_between_now_and_the_due_date() {
        let prefs = Preferences::default();
        let now = Utc::now();
        let at = |text: &str| DateTime::parse_from_rfc3339(text).unwrap().to_utc();
        let last = ReminderState {
            due_at: Some(at("9999-12-31T23:59:59Z")),
            remind_before_minutes: Some(40_320),
            ..state(0, now)
        };
        assert_eq!(
            remind_at(last, &prefs, now),
            Some(at("9999-12-03T23:59:59Z"))
        );
        let first = ReminderState {
            due_at: Some(at("0001-01-01T00:05:00Z")),
            ..state(0, now)
        };
        assert_eq!(remind_at(first, &prefs, now), None);
    }

    #[test]
    fn nothing_to_send() {
        let now = Utc::now();
        let prefs = Preferences::default();
        assert_eq!(
            remind_at(
                ReminderState {
                    completed: true,
                    ..state(60, now)
                },
                &prefs,
                now
            ),
            None
        );
        assert_eq!(
            remind_at(
                ReminderState {
                    due_at: None,
                    ..state(60, now)
                },
                &prefs,
                now
            ),
            None
        );
        let off = Preferences {
            reminders_enabled: false,
            ..prefs
        };
        assert_eq!(remind_at(state(60, now), &off, now), None);
        let sent = state(60, now);
        let sent = ReminderState {
            reminded_due_at: sent.due_at,
            ..sent
        };
        assert_eq!(remind_at(sent, &prefs, now), None);
        // Moving the due date re-arms it.
        let moved = ReminderState {
            due_at: Some(now + Duration::minutes(90)),
            ..sent
        };
        assert_eq!(
            remind_at(moved, &prefs, now),
            Some(now + Duration::minutes(75))
        );
    }
}
