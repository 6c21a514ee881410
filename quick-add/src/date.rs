//! Date phrases: "tomorrow", "fri", "next monday", "in 3 days", "march 20", "the 20th",
//! "2027-03-20", with an optional leading "on".
//!
//! Every date is computed from the user's today, never from a clock, and every step is
//! checked: a phrase whose date would fall outside 1..=9999 is not a date.

use chrono::{Datelike, Days, Months, NaiveDate, NaiveDateTime, TimeDelta, Timelike, Weekday};

use crate::clock::{Clock, in_range};
use crate::token::Tokens;
use crate::vocab::{self, Unit};

/// What a date phrase fixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateValue {
    /// A calendar day; the time of day comes from a time phrase, if any.
    Day(NaiveDate),
    /// A wall time reached by counting hours or minutes from now ("in 2 hours"): it fixes
    /// the time of day as well, so it also takes the time phrase's place.
    At(NaiveDateTime),
}

/// How many years ahead a month and day are looked for: Feb 29 recurs at most eight
/// years apart (2096, then 2104).
const YEARS_AHEAD: i32 = 8;

/// Parses a date phrase at `i`, returning the index after it. `expected` says that the
/// context already announces a date ("starting …", "until …"), which lets the weekday
/// abbreviations that are also common words ("sat", "sun") count.
pub(crate) fn parse(
    t: Tokens<'_>,
    i: usize,
    clock: &Clock,
    expected: bool,
) -> Option<(usize, DateValue)> {
    if t.word(i) == Some("on") {
        return core(t, i + 1, clock, true);
    }
    core(t, i, clock, expected)
}

fn core(t: Tokens<'_>, i: usize, clock: &Clock, expected: bool) -> Option<(usize, DateValue)> {
    let word = t.word(i)?;
    let today = clock.today;
    let day = |date: Option<NaiveDate>, end: usize| Some((end, DateValue::Day(in_range(date?)?)));
    match word {
        "today" | "tod" => return day(Some(today), i + 1),
        "tomorrow" | "tmr" | "tmrw" => return day(today.succ_opt(), i + 1),
        "next" => return next(t, i + 1, today),
        "this" => {
            let weekday = vocab::weekday(t.word(i + 1)?)?;
            return day(on_or_after(today, weekday), i + 2);
        }
        "in" => return relative(t, i + 1, clock),
        "the" => {
            // "the 1st of april" names a month; "the 20th" the next month that has it.
            let nth = vocab::ordinal_day(t.word(i + 1)?)?;
            if let Some((end, date)) = day_month(t, i + 1, today) {
                return day(Some(date), end);
            }
            return day(next_day_of_month(today, nth), i + 2);
        }
        _ => {}
    }
    if let Some(weekday) = vocab::weekday(word) {
        if !expected && vocab::is_everyday_word(word) {
            return None;
        }
        return day(after(today, weekday), i + 1);
    }
    month_day(t, i, today)
        .or_else(|| day_month(t, i, today))
        .or_else(|| iso(t, i))
        .and_then(|(end, date)| day(Some(date), end))
}

/// "next friday" is the Friday of next calendar week (weeks start on Monday), so on a
/// Wednesday it is nine days ahead where "friday" is two; on a Sunday, next week starts
/// tomorrow.
fn next(t: Tokens<'_>, i: usize, today: NaiveDate) -> Option<(usize, DateValue)> {
    let word = t.word(i)?;
    let next_monday = today.checked_add_days(Days::new(
        7 - u64::from(today.weekday().num_days_from_monday()),
    ))?;
    let date = if let Some(weekday) = vocab::weekday(word) {
        next_monday.checked_add_days(Days::new(u64::from(weekday.num_days_from_monday())))?
    } else {
        match word {
            "week" => next_monday,
            "month" => today.with_day(1)?.checked_add_months(Months::new(1))?,
            "year" => NaiveDate::from_ymd_opt(today.year().checked_add(1)?, 1, 1)?,
            _ => return None,
        }
    };
    Some((i + 1, DateValue::Day(in_range(date)?)))
}

/// "in 3 days", "in a week", "in 2 hours". Hours and minutes count on the absolute
/// clock, so two hours after 01:30 on a spring-forward night reads 04:30; the result is
/// shown as the wall time there, cut to the minute.
fn relative(t: Tokens<'_>, i: usize, clock: &Clock) -> Option<(usize, DateValue)> {
    let n = vocab::count(t.word(i)?).filter(|&n| n > 0)?;
    let unit = vocab::unit(t.word(i + 1)?)?;
    let end = i + 2;
    let today = clock.today;
    let value = match unit {
        Unit::Day => DateValue::Day(today.checked_add_days(Days::new(u64::from(n)))?),
        Unit::Week => DateValue::Day(today.checked_add_days(Days::new(u64::from(n) * 7))?),
        Unit::Month => DateValue::Day(today.checked_add_months(Months::new(n))?),
        Unit::Year => DateValue::Day(today.checked_add_months(Months::new(n.checked_mul(12)?))?),
        Unit::Hour | Unit::Minute => {
            let delta = match unit {
                Unit::Hour => TimeDelta::try_hours(i64::from(n))?,
                _ => TimeDelta::try_minutes(i64::from(n))?,
            };
            let at = clock.now.checked_add_signed(delta)?.naive_local();
            DateValue::At(at.with_second(0)?.with_nanosecond(0)?)
        }
    };
    let date = match value {
        DateValue::Day(date) => date,
        DateValue::At(at) => at.date(),
    };
    in_range(date)?;
    Some((end, value))
}

/// "march 20", "mar 20th", "march 20, 2028", "march 20 2028".
fn month_day(t: Tokens<'_>, i: usize, today: NaiveDate) -> Option<(usize, NaiveDate)> {
    let month = vocab::month(t.word(i)?)?;
    let day = vocab::day_of_month(t.word(i + 1)?)?;
    let year = if t.is_punct(i + 2, ',') {
        t.word(i + 3).and_then(vocab::year).map(|y| (i + 4, y))
    } else {
        t.word(i + 2).and_then(vocab::year).map(|y| (i + 3, y))
    };
    dated(today, month, day, year, i + 2)
}

/// "20 march", "20th march", "20th of march", "20 march 2028".
fn day_month(t: Tokens<'_>, i: usize, today: NaiveDate) -> Option<(usize, NaiveDate)> {
    let day = vocab::day_of_month(t.word(i)?)?;
    let at = if t.word(i + 1) == Some("of") {
        i + 2
    } else {
        i + 1
    };
    let month = vocab::month(t.word(at)?)?;
    let year = t.word(at + 1).and_then(vocab::year).map(|y| (at + 2, y));
    dated(today, month, day, year, at + 1)
}

/// A month and day with an explicit year is taken as written, even in the past; without
/// one it is the next such day from today on.
fn dated(
    today: NaiveDate,
    month: u32,
    day: u32,
    year: Option<(usize, i32)>,
    end_without_year: usize,
) -> Option<(usize, NaiveDate)> {
    match year {
        Some((end, year)) => Some((end, NaiveDate::from_ymd_opt(year, month, day)?)),
        None => Some((end_without_year, next_month_day(today, month, day)?)),
    }
}

/// ISO 8601 "2027-03-20", written without spaces.
fn iso(t: Tokens<'_>, i: usize) -> Option<(usize, NaiveDate)> {
    let year = vocab::year(t.word(i)?)?;
    let two_digits = |w: &str| vocab::digits(w).filter(|_| (1..=2).contains(&w.len()));
    if !t.is_joined_punct(i + 1, '-') || !t.is_joined_punct(i + 3, '-') {
        return None;
    }
    let month = two_digits(t.joined_word(i + 2)?)?;
    let day = two_digits(t.joined_word(i + 4)?)?;
    Some((i + 5, NaiveDate::from_ymd_opt(year, month, day)?))
}

/// The first `weekday` strictly after `today`: a bare weekday never means today.
pub(crate) fn after(today: NaiveDate, weekday: Weekday) -> Option<NaiveDate> {
    let ahead = days_until(today.weekday(), weekday);
    today.checked_add_days(Days::new(if ahead == 0 { 7 } else { ahead }))
}

/// The first `weekday` on or after `today` ("this saturday" on a Saturday is today).
pub(crate) fn on_or_after(today: NaiveDate, weekday: Weekday) -> Option<NaiveDate> {
    today.checked_add_days(Days::new(days_until(today.weekday(), weekday)))
}

fn days_until(from: Weekday, to: Weekday) -> u64 {
    u64::from((7 + to.num_days_from_monday() - from.num_days_from_monday()) % 7)
}

/// The next `month`/`day` from `today` on (today included); the following years are tried
/// when it has passed or does not exist this year (Feb 29). `None` for a day no year has.
pub(crate) fn next_month_day(today: NaiveDate, month: u32, day: u32) -> Option<NaiveDate> {
    (0..=YEARS_AHEAD)
        .filter_map(|ahead| today.year().checked_add(ahead))
        .filter_map(|year| NaiveDate::from_ymd_opt(year, month, day))
        .find(|date| *date >= today)
}

/// The next `day` of a month from `today` on, skipping months too short for it.
fn next_day_of_month(today: NaiveDate, day: u32) -> Option<NaiveDate> {
    let first = today.with_day(1)?;
    (0..=12)
        .filter_map(|ahead| first.checked_add_months(Months::new(ahead)))
        .filter_map(|month| month.with_day(day))
        .find(|date| *date >= today)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("a test date")
    }

    #[test]
    fn weekdays_relative_to_today() {
        let wednesday = d(2027, 3, 17);
        assert_eq!(after(wednesday, Weekday::Wed), Some(d(2027, 3, 24)));
        assert_eq!(after(wednesday, Weekday::Fri), Some(d(2027, 3, 19)));
        assert_eq!(on_or_after(wednesday, Weekday::Wed), Some(wednesday));
        assert_eq!(on_or_after(wednesday, Weekday::Mon), Some(d(2027, 3, 22)));
    }

    #[test]
    fn month_days_roll_forward() {
        let today = d(2027, 3, 17);
        assert_eq!(next_month_day(today, 3, 17), Some(today));
        assert_eq!(next_month_day(today, 3, 16), Some(d(2028, 3, 16)));
        assert_eq!(next_month_day(today, 2, 29), Some(d(2028, 2, 29)));
        assert_eq!(next_month_day(d(2096, 3, 1), 2, 29), Some(d(2104, 2, 29)));
        assert_eq!(next_month_day(today, 2, 30), None);
        assert_eq!(next_day_of_month(today, 31), Some(d(2027, 3, 31)));
        assert_eq!(next_day_of_month(d(2027, 4, 1), 31), Some(d(2027, 5, 31)));
    }
}
