//! VTIMEZONE components (RFC 5545, 3.6.5) written from the IANA database that chrono-tz
//! carries, for the years a calendar's dates fall in.

use chrono::{DateTime, Duration, NaiveDate, Offset as _, TimeZone as _, Utc};
use chrono_tz::{OffsetComponents as _, OffsetName as _, Tz};

/// The zone's observances from the start of `first_year` to the end of `last_year`: one
/// STANDARD or DAYLIGHT per transition, after one for the offset in force at the start.
/// Spelled out one by one rather than as RRULEs, which the IANA rules do not map onto
/// reliably (zones change their rules).
pub fn vtimezone(tz: Tz, first_year: i32, last_year: i32) -> String {
    let mut text = format!("BEGIN:VTIMEZONE\r\nTZID:{}\r\n", tz.name());
    let Some(start) = year_start(first_year) else {
        return text + "END:VTIMEZONE\r\n";
    };
    let end = year_start(last_year.saturating_add(1)).unwrap_or(start);
    let initial = offset_at(tz, start);
    text.push_str(&observance(tz, start, initial, initial));
    let mut day = start;
    let mut before = initial;
    // Transitions are at least days apart: walk day by day, then narrow to the minute.
    while day < end {
        let next = day + Duration::days(1);
        let after = offset_at(tz, next);
        if after != before {
            let at = transition_between(tz, day, next, before);
            text.push_str(&observance(tz, at, before, after));
            before = after;
        }
        day = next;
    }
    text + "END:VTIMEZONE\r\n"
}

fn year_start(year: i32) -> Option<DateTime<Utc>> {
    NaiveDate::from_ymd_opt(year, 1, 1)
        .and_then(|date| date.and_hms_opt(0, 0, 0))
        .map(|at| at.and_utc())
}

/// The zone's offset from UTC at `at`, in seconds.
fn offset_at(tz: Tz, at: DateTime<Utc>) -> i32 {
    tz.offset_from_utc_datetime(&at.naive_utc())
        .fix()
        .local_minus_utc()
}

/// The first whole minute in `(from, to]` at which the offset is no longer `before`
/// (`from` and `to` on whole minutes; every IANA transition is on one).
fn transition_between(
    tz: Tz,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    before: i32,
) -> DateTime<Utc> {
    let (mut low, mut high) = (0, (to - from).num_minutes());
    while high - low > 1 {
        let middle = low + (high - low) / 2;
        if offset_at(tz, from + Duration::minutes(middle)) == before {
            low = middle;
        } else {
            high = middle;
        }
    }
    from + Duration::minutes(high)
}

/// One observance starting at `at`: DTSTART is the local time in the offset it replaces.
fn observance(tz: Tz, at: DateTime<Utc>, from: i32, to: i32) -> String {
    let offset = tz.offset_from_utc_datetime(&at.naive_utc());
    let kind = if offset.dst_offset().is_zero() {
        "STANDARD"
    } else {
        "DAYLIGHT"
    };
    let local = at + Duration::seconds(i64::from(from));
    let name = offset
        .abbreviation()
        .map(|name| format!("TZNAME:{name}\r\n"))
        .unwrap_or_default();
    format!(
        "BEGIN:{kind}\r\nDTSTART:{}\r\nTZOFFSETFROM:{}\r\nTZOFFSETTO:{}\r\n{name}END:{kind}\r\n",
        local.naive_utc().format("%Y%m%dT%H%M%S"),
        utc_offset(from),
        utc_offset(to),
    )
}

/// "+0100", "-0430", "+053730" (RFC 5545's UTC-OFFSET: seconds only when there are any).
fn utc_offset(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let total = seconds.unsigned_abs();
    let (hours, minutes, rest) = (total / 3600, total / 60 % 60, total % 60);
    if rest == 0 {
        format!("{sign}{hours:02}{minutes:02}")
    } else {
        format!("{sign}{hours:02}{minutes:02}{rest:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn berlin_in_2027_has_its_two_transitions_at_the_local_times_iana_gives() {
        let text = vtimezone(chrono_tz::Europe::Berlin, 2027, 2027);
        assert!(text.starts_with("BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n"));
        assert!(text.contains(
            "BEGIN:DAYLIGHT\r\nDTSTART:20270328T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nEND:DAYLIGHT\r\n"
        ), "{text}");
        assert!(text.contains(
            "BEGIN:STANDARD\r\nDTSTART:20271031T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\nEND:STANDARD\r\n"
        ), "{text}");
        assert_eq!(
            text.matches("BEGIN:STANDARD").count(),
            2,
            "the initial one too"
        );
    }

    #[test]
    fn a_zone_without_dst_has_one_standard_observance() {
        let text = vtimezone(chrono_tz::Asia::Tokyo, 2027, 2030);
        assert_eq!(text.matches("BEGIN:STANDARD").count(), 1);
        assert!(!text.contains("DAYLIGHT"));
        assert!(text.contains("TZOFFSETTO:+0900"));
    }

    #[test]
    fn offsets_keep_their_minutes_and_signs() {
        assert_eq!(utc_offset(-16_200), "-0430");
        assert_eq!(utc_offset(19_800), "+0530");
        assert_eq!(utc_offset(0), "+0000");
        assert_eq!(utc_offset(3_208), "+005328");
    }
}
