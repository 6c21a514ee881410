//! Local wall-clock times and dates in an IANA zone, resolved to instants the same way
//! everywhere: recurrence instances, all-day dates, reminders and the digest.

use chrono::{DateTime, Days, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// Resolves a local wall-clock time: an ambiguous time (DST fall-back) takes the first
/// of its two instants, a skipped one (spring-forward) moves an hour later.
pub fn local_instant(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, _) => Some(first.with_timezone(&Utc)),
        LocalResult::None => tz
            .from_local_datetime(&(local + chrono::Duration::hours(1)))
            .earliest()
            .map(|t| t.with_timezone(&Utc)),
    }
}

/// The first instant of a local date (midnight, or the first hour after a DST gap that
/// swallowed it).
pub fn start_of_day(tz: Tz, date: NaiveDate) -> Option<DateTime<Utc>> {
    local_instant(tz, date.and_time(NaiveTime::MIN))
}

/// Where an all-day task's `due_at` lies: the start of the local date `at` falls on.
pub fn start_of_local_day(tz: Tz, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
    start_of_day(tz, at.with_timezone(&tz).date_naive())
}

/// The first instant of the local day after the one `at` falls on.
pub fn end_of_local_day(tz: Tz, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let next = at
        .with_timezone(&tz)
        .date_naive()
        .checked_add_days(Days::new(1))?;
    start_of_day(tz, next)
}

/// When a task due at `due` becomes overdue: at once for a timed task, from the next
/// local day for an all-day one.
pub fn deadline(due: DateTime<Utc>, all_day: bool, tz: Tz) -> DateTime<Utc> {
    if all_day {
        end_of_local_day(tz, due).unwrap_or(due)
    } else {
        due
    }
}

/// A due date as a person reads it, in `tz`: "Wed 17 Mar 2027, 09:00 (Europe/Berlin)",
/// or the date alone for an all-day task.
pub fn describe_due(due: DateTime<Utc>, all_day: bool, tz: Tz) -> String {
    let local = due.with_timezone(&tz);
    if all_day {
        local.format("%a %-d %b %Y").to_string()
    } else {
        format!("{} ({})", local.format("%a %-d %b %Y, %H:%M"), tz.name())
    }
}

#[cfg(test)]
mod tests {
    use chrono_tz::America::Santiago;
    use chrono_tz::Europe::Berlin;

    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().expect("an RFC 3339 instant")
    }

    #[test]
    fn gaps_move_an_hour_later_and_overlaps_take_the_first_instant() {
        let spring = NaiveDate::from_ymd_opt(2027, 3, 28).expect("a date");
        let gap = spring.and_hms_opt(2, 30, 0).expect("a time");
        assert_eq!(
            local_instant(Berlin, gap),
            Some(utc("2027-03-28T01:30:00Z"))
        );
        let autumn = NaiveDate::from_ymd_opt(2027, 10, 31).expect("a date");
        let twice = autumn.and_hms_opt(2, 30, 0).expect("a time");
        assert_eq!(
            local_instant(Berlin, twice),
            Some(utc("2027-10-31T00:30:00Z"))
        );
    }

    #[test]
    fn a_local_day_runs_from_midnight_to_midnight_even_when_dst_shortens_it() {
        let due = utc("2027-03-27T23:00:00Z"); // Sunday 28 March, 00:00 in Berlin
        assert_eq!(start_of_local_day(Berlin, due), Some(due));
        // The spring-forward day has 23 hours.
        assert_eq!(
            end_of_local_day(Berlin, due),
            Some(utc("2027-03-28T22:00:00Z"))
        );
        assert_eq!(deadline(due, true, Berlin), utc("2027-03-28T22:00:00Z"));
        assert_eq!(deadline(due, false, Berlin), due);
    }

    #[test]
    fn a_due_date_reads_with_its_time_and_zone_or_alone_when_all_day() {
        let due = utc("2027-03-17T08:00:00Z");
        assert_eq!(
            describe_due(due, false, Berlin),
            "Wed 17 Mar 2027, 09:00 (Europe/Berlin)"
        );
        assert_eq!(describe_due(due, true, Berlin), "Wed 17 Mar 2027");
    }

    #[test]
    fn a_day_whose_midnight_dst_skips_starts_at_one() {
        // Chile springs forward at midnight: 2027-09-05 00:00 does not exist there.
        let day = NaiveDate::from_ymd_opt(2027, 9, 5).expect("a date");
        assert_eq!(
            start_of_day(Santiago, day),
            Some(utc("2027-09-05T04:00:00Z"))
        );
    }
}
