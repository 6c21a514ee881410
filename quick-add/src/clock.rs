//! The user's "now" and the rules for turning local wall times into instants.

use chrono::{
    DateTime, Datelike, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeDelta, TimeZone,
};
use chrono_tz::Tz;

/// Resolves a local wall time in `tz` to an instant, the way the service does for due
/// dates: a time that occurs twice (the clocks fall back) is the earlier of the two, and
/// a time that never occurs (the clocks spring forward) moves forward by the length of
/// the gap, so 02:30 on a day that skips from 02:00 to 03:00 becomes 03:30.
///
/// Reading the wall time with the offset in force before the gap gives exactly that
/// instant, whatever the gap's length (an hour, half an hour on Lord Howe Island, a whole
/// day in Samoa in 2011), which a fixed one-hour shift would not.
pub fn resolve_local(at: NaiveDateTime, tz: Tz) -> DateTime<Tz> {
    match tz.from_local_datetime(&at) {
        LocalResult::Single(instant) => instant,
        LocalResult::Ambiguous(earlier, _) => earlier,
        LocalResult::None => after_gap(at, tz)
            // Only for wall times at the very edge of chrono's range, where no offset
            // arithmetic is possible; a day is never that far from a real instant.
            .unwrap_or_else(|| tz.from_utc_datetime(&at)),
    }
}

fn after_gap(at: NaiveDateTime, tz: Tz) -> Option<DateTime<Tz>> {
    // Any instant shortly before the gap carries the offset in force before it; a day
    // earlier than the wall time (read as UTC) is before the gap for any real offset and
    // after the previous transition for any real zone.
    let before = at.checked_sub_signed(TimeDelta::try_days(1)?)?;
    let offset = tz.offset_from_utc_datetime(&before).fix();
    let utc =
        at.checked_sub_signed(TimeDelta::try_seconds(i64::from(offset.local_minus_utc()))?)?;
    Some(tz.from_utc_datetime(&utc))
}

/// Dates the parser may produce. Past year 9999 a date cannot be written as an RFC 5545
/// value or as ISO without sign, so such phrases are simply not recognised.
pub(crate) fn in_range(date: NaiveDate) -> Option<NaiveDate> {
    (1..=9999).contains(&date.year()).then_some(date)
}

/// The moment the text is read at, with the derived values every grammar module needs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Clock {
    pub(crate) now: DateTime<Tz>,
    pub(crate) today: NaiveDate,
}

impl Clock {
    pub(crate) fn new(now: DateTime<Tz>) -> Self {
        Self {
            now,
            today: now.date_naive(),
        }
    }

    pub(crate) fn tz(&self) -> Tz {
        self.now.timezone()
    }

    /// Whether a local wall time is still to come (or is now). Compared as instants, so
    /// that around a DST change "later today" means later on the clock, not on the dial.
    pub(crate) fn not_past(&self, at: NaiveDateTime) -> bool {
        resolve_local(at, self.tz()) >= self.now
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use chrono_tz::{America, Australia, Europe, Pacific};

    fn wall(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").expect("a test wall time")
    }

    fn utc(at: DateTime<Tz>) -> String {
        at.with_timezone(&Utc).format("%Y-%m-%d %H:%M").to_string()
    }

    #[test]
    fn an_ordinary_time_is_itself() {
        let at = resolve_local(wall("2027-03-17 10:00"), Europe::Berlin);
        assert_eq!(at.naive_local(), wall("2027-03-17 10:00"));
        assert_eq!(utc(at), "2027-03-17 09:00");
    }

    #[test]
    fn a_skipped_time_moves_forward_by_the_gap() {
        let at = resolve_local(wall("2027-03-28 02:30"), Europe::Berlin);
        assert_eq!(at.naive_local(), wall("2027-03-28 03:30"));
        assert_eq!(utc(at), "2027-03-28 01:30");

        let at = resolve_local(wall("2027-03-14 02:15"), America::New_York);
        assert_eq!(at.naive_local(), wall("2027-03-14 03:15"));
        assert_eq!(utc(at), "2027-03-14 07:15");
    }

    #[test]
    fn the_gap_start_itself_is_skipped_too() {
        let at = resolve_local(wall("2027-03-28 02:00"), Europe::Berlin);
        assert_eq!(at.naive_local(), wall("2027-03-28 03:00"));
    }

    #[test]
    fn a_half_hour_gap_shifts_by_half_an_hour() {
        // Lord Howe Island springs forward from 02:00 to 02:30.
        let at = resolve_local(wall("2027-10-03 02:10"), Australia::Lord_Howe);
        assert_eq!(at.naive_local(), wall("2027-10-03 02:40"));
    }

    #[test]
    fn a_skipped_day_shifts_by_a_day() {
        // Samoa skipped 2011-12-30 when it crossed the date line.
        let at = resolve_local(wall("2011-12-30 12:00"), Pacific::Apia);
        assert_eq!(at.naive_local(), wall("2011-12-31 12:00"));
    }

    #[test]
    fn a_repeated_time_takes_the_earlier_instant() {
        let at = resolve_local(wall("2027-10-31 02:30"), Europe::Berlin);
        assert_eq!(utc(at), "2027-10-31 00:30");
        let at = resolve_local(wall("2027-11-07 01:30"), America::New_York);
        assert_eq!(utc(at), "2027-11-07 05:30");
    }

    #[test]
    fn the_edges_of_the_calendar_do_not_panic() {
        let at = resolve_local(NaiveDateTime::MAX, Pacific::Kiritimati);
        assert!(at.naive_utc() <= NaiveDateTime::MAX);
        let at = resolve_local(NaiveDateTime::MIN, America::New_York);
        assert!(at.naive_utc() >= NaiveDateTime::MIN);
    }

    #[test]
    fn dates_past_9999_are_out_of_range() {
        let last = NaiveDate::from_ymd_opt(9999, 12, 31).expect("a date");
        assert_eq!(in_range(last), Some(last));
        assert_eq!(last.succ_opt().and_then(in_range), None);
    }
}
