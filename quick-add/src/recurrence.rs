//! Recurrence phrases ("every other tuesday", "every 2nd monday", "monthly on the 15th"),
//! their modifiers ("starting …", "until …", "for 5 times"), the RFC 5545 rule they stand
//! for and the series' first due date.
//!
//! Rules finer than a day ("every hour", "every 3 hours", "every 10 minutes") are not
//! recognised: the phrase gives no minute to anchor them on, and the service refuses
//! anything under an hour anyway, so they stay in the title for the user to see.

use std::fmt::Write as _;

use chrono::{Datelike, Days, Months, NaiveDate, NaiveDateTime, NaiveTime, Utc, Weekday};

use crate::clock::{Clock, in_range, resolve_local};
use crate::date::{self, DateValue};
use crate::token::Tokens;
use crate::vocab::{self, Unit};

/// How far ahead the first instance of a rule is looked for, in days: long enough for
/// the rarest pattern generated here (Feb 29, at most eight years apart).
const SEARCH_DAYS: u64 = 9 * 366;
/// How many periods of a bare rule are tried past today; only a day that shorter months
/// or common years lack (the 31st, Feb 29) needs more than one or two.
const SEARCH_PERIODS: u32 = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Freq {
    Daily,
    Weekly,
    Monthly,
    Yearly,
}

impl Freq {
    fn name(self) -> &'static str {
        match self {
            Self::Daily => "DAILY",
            Self::Weekly => "WEEKLY",
            Self::Monthly => "MONTHLY",
            Self::Yearly => "YEARLY",
        }
    }
}

/// What a recurrence phrase says, before the start and time of day are known (they may
/// come later in the text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Pattern {
    /// A bare rule ("every 3 days", "every month"): the series keeps the day it starts on.
    Every { freq: Freq, interval: u32 },
    /// Weekly on these weekdays, Monday first, no repeats.
    Weekdays { interval: u32, days: Vec<Weekday> },
    /// Monthly on the nth (or, for -1, the last) such weekday.
    NthWeekday {
        interval: u32,
        nth: i8,
        day: Weekday,
    },
    /// Monthly on this day of the month.
    MonthDay { interval: u32, day: u32 },
    /// Monthly on the last day.
    LastDay { interval: u32 },
    /// Yearly on this month and day.
    YearDay { interval: u32, month: u32, day: u32 },
}

/// How a series ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum End {
    /// The last local day on which the series may fall.
    Until(NaiveDate),
    Count(u32),
}

/// A phrase that changes a recurrence found earlier in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Modifier {
    Start(NaiveDate),
    End(End),
}

/// Parses a recurrence phrase at `i`, returning the index after it.
pub(crate) fn parse(t: Tokens<'_>, i: usize) -> Option<(usize, Pattern)> {
    match t.word(i)? {
        "every" | "each" => body(t, i + 1),
        "daily" => Some((i + 1, every(Freq::Daily, 1))),
        "weekly" => Some(unit_rule(t, i + 1, Unit::Week, 1)),
        "monthly" => Some(unit_rule(t, i + 1, Unit::Month, 1)),
        "yearly" | "annually" => Some(unit_rule(t, i + 1, Unit::Year, 1)),
        _ => None,
    }
}

/// Whether the word at `i` announces a recurrence that must be recognised whole or not
/// at all.
pub(crate) fn is_every(t: Tokens<'_>, i: usize) -> bool {
    matches!(t.word(i), Some("every" | "each"))
}

fn every(freq: Freq, interval: u32) -> Pattern {
    Pattern::Every { freq, interval }
}

/// What follows "every".
fn body(t: Tokens<'_>, i: usize) -> Option<(usize, Pattern)> {
    let word = t.word(i)?;
    match word {
        "day" => return Some((i + 1, every(Freq::Daily, 1))),
        "weekday" | "weekdays" | "workday" | "workdays" => {
            let days = vec![
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ];
            return Some((i + 1, Pattern::Weekdays { interval: 1, days }));
        }
        "weekend" | "weekends" => {
            let days = vec![Weekday::Sat, Weekday::Sun];
            return Some((i + 1, Pattern::Weekdays { interval: 1, days }));
        }
        _ => {}
    }
    let (after, interval) = match word {
        "other" => (i + 1, 2),
        _ => match vocab::number(word) {
            Some(n) => (i + 1, n),
            None => (i, 1),
        },
    };
    if interval == 0 {
        return None;
    }
    if let Some(unit) = t.word(after).and_then(vocab::unit) {
        return match unit {
            Unit::Minute | Unit::Hour => None,
            _ => Some(unit_rule(t, after + 1, unit, interval)),
        };
    }
    if let Some((end, days)) = weekday_list(t, after) {
        return Some((end, Pattern::Weekdays { interval, days }));
    }
    if after != i {
        // "every 3 june": the number was a day, not an interval.
        return year_day(t, i);
    }
    // A date before a bare ordinal, so that "3rd of june" is not read as "3rd".
    nth_weekday(t, i)
        .or_else(|| year_day(t, i))
        .or_else(|| month_day(t, i))
        .or_else(|| last_day(t, i))
}

/// A rule given by its period, with what may follow the period: "every week on monday",
/// "every month on the 15th", "every year on june 3". The suffix is optional, so a
/// failed one leaves the bare rule.
fn unit_rule(t: Tokens<'_>, i: usize, unit: Unit, interval: u32) -> (usize, Pattern) {
    let on = if t.word(i) == Some("on") { i + 1 } else { i };
    let suffix = match unit {
        Unit::Week => weekday_list(t, on)
            .filter(|_| on != i)
            .map(|(end, days)| (end, Pattern::Weekdays { interval, days })),
        Unit::Month if on != i => {
            let the = if t.word(on) == Some("the") {
                on + 1
            } else {
                on
            };
            nth_weekday(t, the)
                .or_else(|| month_day(t, the))
                .or_else(|| last_day(t, the))
                .map(|(end, pattern)| (end, with_interval(pattern, interval)))
        }
        Unit::Year if on != i => {
            year_day(t, on).map(|(end, pattern)| (end, with_interval(pattern, interval)))
        }
        _ => None,
    };
    suffix.unwrap_or_else(|| {
        let freq = match unit {
            Unit::Week => Freq::Weekly,
            Unit::Month => Freq::Monthly,
            Unit::Year => Freq::Yearly,
            _ => Freq::Daily,
        };
        (i, every(freq, interval))
    })
}

fn with_interval(pattern: Pattern, interval: u32) -> Pattern {
    match pattern {
        Pattern::Every { freq, .. } => Pattern::Every { freq, interval },
        Pattern::Weekdays { days, .. } => Pattern::Weekdays { interval, days },
        Pattern::NthWeekday { nth, day, .. } => Pattern::NthWeekday { interval, nth, day },
        Pattern::MonthDay { day, .. } => Pattern::MonthDay { interval, day },
        Pattern::LastDay { .. } => Pattern::LastDay { interval },
        Pattern::YearDay { month, day, .. } => Pattern::YearDay {
            interval,
            month,
            day,
        },
    }
}

/// "mon, wed and fri", "monday & thursday", "tuesdays".
fn weekday_list(t: Tokens<'_>, i: usize) -> Option<(usize, Vec<Weekday>)> {
    let mut days = vec![vocab::weekday_or_plural(t.word(i)?)?];
    let mut end = i + 1;
    loop {
        let mut next = end;
        if t.is_punct(next, ',') {
            next += 1;
        }
        if t.word(next) == Some("and") || t.is_punct(next, '&') {
            next += 1;
        }
        match t.word(next).and_then(vocab::weekday_or_plural) {
            Some(day) if next != end => {
                days.push(day);
                end = next + 1;
            }
            _ => break,
        }
    }
    days.sort_by_key(Weekday::num_days_from_monday);
    days.dedup();
    Some((end, days))
}

/// "2nd monday", "last friday", optionally "of the month".
fn nth_weekday(t: Tokens<'_>, i: usize) -> Option<(usize, Pattern)> {
    let nth = vocab::weekday_ordinal(t.word(i)?)?;
    let day = vocab::weekday(t.word(i + 1)?)?;
    let pattern = Pattern::NthWeekday {
        interval: 1,
        nth,
        day,
    };
    Some((of_the_month(t, i + 2), pattern))
}

/// "15th", optionally "of the month".
fn month_day(t: Tokens<'_>, i: usize) -> Option<(usize, Pattern)> {
    let day = vocab::ordinal_day(t.word(i)?)?;
    Some((
        of_the_month(t, i + 1),
        Pattern::MonthDay { interval: 1, day },
    ))
}

/// "last day", optionally "of the month".
fn last_day(t: Tokens<'_>, i: usize) -> Option<(usize, Pattern)> {
    if t.word(i)? != "last" || t.word(i + 1)? != "day" {
        return None;
    }
    Some((of_the_month(t, i + 2), Pattern::LastDay { interval: 1 }))
}

/// Skips "of the month" / "of every month" / "of each month" when present.
fn of_the_month(t: Tokens<'_>, i: usize) -> usize {
    let said = t.word(i) == Some("of")
        && matches!(t.word(i + 1), Some("the" | "every" | "each"))
        && t.word(i + 2) == Some("month");
    if said { i + 3 } else { i }
}

/// "june 3", "june 3rd", "3 june", "3rd of june": a day some year has.
fn year_day(t: Tokens<'_>, i: usize) -> Option<(usize, Pattern)> {
    let (end, month, day) = if let Some(month) = vocab::month(t.word(i)?) {
        (i + 2, month, vocab::day_of_month(t.word(i + 1)?)?)
    } else {
        let day = vocab::day_of_month(t.word(i)?)?;
        let at = if t.word(i + 1) == Some("of") {
            i + 2
        } else {
            i + 1
        };
        (at + 1, vocab::month(t.word(at)?)?, day)
    };
    // 2000 was a leap year, so this admits Feb 29 and refuses Feb 30.
    NaiveDate::from_ymd_opt(2000, month, day)?;
    let pattern = Pattern::YearDay {
        interval: 1,
        month,
        day,
    };
    Some((end, pattern))
}

/// Parses a modifier at `i`: "starting <date>", "from <date>", "until <date>",
/// "for N times". Only meaningful after a recurrence, which the caller checks.
pub(crate) fn modifier(t: Tokens<'_>, i: usize, clock: &Clock) -> Option<(usize, Modifier)> {
    let day = |at: usize| match date::parse(t, at, clock, true)? {
        (end, DateValue::Day(day)) => Some((end, day)),
        // "starting in 2 hours" names no day of a series.
        (_, DateValue::At(_)) => None,
    };
    match t.word(i)? {
        "starting" | "from" => day(i + 1).map(|(end, d)| (end, Modifier::Start(d))),
        "until" | "till" => day(i + 1).map(|(end, d)| (end, Modifier::End(End::Until(d)))),
        "for" => {
            let n = vocab::number(t.word(i + 1)?).filter(|&n| n > 0)?;
            match t.word(i + 2)? {
                "times" | "time" | "occurrences" | "occurrence" => {
                    Some((i + 3, Modifier::End(End::Count(n))))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

impl Pattern {
    /// The RRULE body. `None` when an UNTIL cannot be written (past year 9999 in UTC).
    pub(crate) fn rrule(&self, end: Option<End>, clock: &Clock) -> Option<String> {
        let (freq, interval) = match self {
            Self::Every { freq, interval } => (*freq, *interval),
            Self::Weekdays { interval, .. } => (Freq::Weekly, *interval),
            Self::NthWeekday { interval, .. }
            | Self::MonthDay { interval, .. }
            | Self::LastDay { interval } => (Freq::Monthly, *interval),
            Self::YearDay { interval, .. } => (Freq::Yearly, *interval),
        };
        let mut rule = format!("FREQ={}", freq.name());
        // `write!` to a String cannot fail; the results are ignored for that reason.
        if interval > 1 {
            let _ = write!(rule, ";INTERVAL={interval}");
        }
        match self {
            Self::Every { .. } | Self::YearDay { .. } => {}
            Self::Weekdays { days, .. } => {
                let days: Vec<&str> = days.iter().map(|d| weekday_code(*d)).collect();
                let _ = write!(rule, ";BYDAY={}", days.join(","));
            }
            Self::NthWeekday { nth, day, .. } => {
                let _ = write!(rule, ";BYDAY={nth}{}", weekday_code(*day));
            }
            // The 29th–31st stay a bare monthly rule: the service moves those to the last
            // day of shorter months, where BYMONTHDAY would skip the month.
            Self::MonthDay { day, .. } if *day >= 29 => {}
            Self::MonthDay { day, .. } => {
                let _ = write!(rule, ";BYMONTHDAY={day}");
            }
            Self::LastDay { .. } => rule.push_str(";BYMONTHDAY=-1"),
        }
        match end {
            None => {}
            Some(End::Count(n)) => {
                let _ = write!(rule, ";COUNT={n}");
            }
            Some(End::Until(day)) => {
                // The whole of the last local day is included.
                let last = day.and_hms_opt(23, 59, 59)?;
                let until = resolve_local(last, clock.tz()).with_timezone(&Utc);
                if until.year() > 9999 {
                    return None;
                }
                let _ = write!(rule, ";UNTIL={}", until.format("%Y%m%dT%H%M%SZ"));
            }
        }
        Some(rule)
    }

    /// The series' first due day: the first instance on or after `start` that is not in
    /// the past (for a timed series, not before now; for an all-day one, not before
    /// today). `None` when there is none before year 9999.
    pub(crate) fn first_due(
        &self,
        start: NaiveDate,
        time: Option<NaiveTime>,
        clock: &Clock,
    ) -> Option<NaiveDate> {
        let due = |day: NaiveDate| match time {
            Some(time) => clock.not_past(NaiveDateTime::new(day, time)),
            None => day >= clock.today,
        };
        match self {
            Self::Every { freq, interval } => bare_first(*freq, *interval, start, clock, due),
            _ => {
                // The series is anchored on its first due day, so for these rules any
                // matching day can be the first and the interval does not matter here.
                let from = start.max(clock.today);
                (0..=SEARCH_DAYS)
                    .map_while(|ahead| from.checked_add_days(Days::new(ahead)).and_then(in_range))
                    .find(|day| self.matches(*day) && due(*day))
            }
        }
    }

    fn matches(&self, day: NaiveDate) -> bool {
        match self {
            // Bare rules are walked period by period instead (see `bare_first`).
            Self::Every { .. } => true,
            Self::Weekdays { days, .. } => days.contains(&day.weekday()),
            Self::NthWeekday {
                nth, day: weekday, ..
            } => {
                day.weekday() == *weekday
                    && if *nth > 0 {
                        i64::from((day.day() - 1) / 7 + 1) == i64::from(*nth)
                    } else {
                        // The last one: a week later is another month.
                        day.checked_add_days(Days::new(7))
                            .is_none_or(|later| later.month() != day.month())
                    }
            }
            Self::MonthDay { day: d, .. } => day.day() == *d,
            Self::LastDay { .. } => day.succ_opt().is_none_or(|next| next.day() == 1),
            Self::YearDay { month, day: d, .. } => day.month() == *month && day.day() == *d,
        }
    }
}

/// The first instance of a bare rule anchored on `start`: `start` plus whole intervals.
/// A monthly or yearly step that lands on a day the month lacks (the 31st, Feb 29) is
/// skipped rather than clamped, so the series keeps the day it was asked for.
fn bare_first(
    freq: Freq,
    interval: u32,
    start: NaiveDate,
    clock: &Clock,
    due: impl Fn(NaiveDate) -> bool,
) -> Option<NaiveDate> {
    // Jump close to today first, so that a start long ago does not walk every period.
    let periods_before_today: u32 = match freq {
        Freq::Daily | Freq::Weekly => {
            let days = (clock.today - start).num_days();
            let per = if freq == Freq::Weekly { 7 } else { 1 };
            u32::try_from(days / per).unwrap_or(0)
        }
        Freq::Monthly | Freq::Yearly => {
            let months = (clock.today.year() - start.year()) * 12
                + i32::try_from(clock.today.month()).unwrap_or(0)
                - i32::try_from(start.month()).unwrap_or(0);
            let per = if freq == Freq::Yearly { 12 } else { 1 };
            u32::try_from(months / per).unwrap_or(0)
        }
    };
    let first_step = periods_before_today.saturating_sub(1) / interval;
    (first_step..first_step.saturating_add(SEARCH_PERIODS))
        .map_while(|step| {
            let periods = step.checked_mul(interval)?;
            let day = match freq {
                Freq::Daily => start.checked_add_days(Days::new(u64::from(periods)))?,
                Freq::Weekly => start.checked_add_days(Days::new(u64::from(periods) * 7))?,
                Freq::Monthly => start.checked_add_months(Months::new(periods))?,
                Freq::Yearly => start.checked_add_months(Months::new(periods.checked_mul(12)?))?,
            };
            in_range(day)
        })
        .filter(|day| matches!(freq, Freq::Daily | Freq::Weekly) || day.day() == start.day())
        .find(|day| due(*day))
}

fn weekday_code(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "MO",
        Weekday::Tue => "TU",
        Weekday::Wed => "WE",
        Weekday::Thu => "TH",
        Weekday::Fri => "FR",
        Weekday::Sat => "SA",
        Weekday::Sun => "SU",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::tokenize;
    use chrono::TimeZone;
    use chrono_tz::Europe::Berlin;

    fn clock() -> Clock {
        let now = Berlin
            .with_ymd_and_hms(2027, 3, 17, 10, 0, 0)
            .single()
            .expect("a test instant");
        Clock::new(now)
    }

    fn rule(text: &str) -> Option<(usize, String)> {
        let chars: Vec<char> = text.chars().collect();
        let tokens = tokenize(&chars, &[]);
        let (end, pattern) = parse(Tokens(&tokens), 0)?;
        Some((end, pattern.rrule(None, &clock())?))
    }

    #[test]
    fn phrases_and_their_extent() {
        assert_eq!(rule("every day"), Some((2, "FREQ=DAILY".into())));
        assert_eq!(
            rule("every mon, wed and fri please"),
            Some((6, "FREQ=WEEKLY;BYDAY=MO,WE,FR".into()))
        );
        assert_eq!(
            rule("every mon, please"),
            Some((2, "FREQ=WEEKLY;BYDAY=MO".into()))
        );
        assert_eq!(
            rule("every 2nd monday of the month"),
            Some((6, "FREQ=MONTHLY;BYDAY=2MO".into()))
        );
        assert_eq!(rule("every week on"), Some((2, "FREQ=WEEKLY".into())));
        assert_eq!(rule("every 3 hours"), None);
        assert_eq!(rule("every"), None);
        assert_eq!(rule("every 0 days"), None);
        assert_eq!(rule("every feb 30"), None);
    }

    #[test]
    fn last_weekday_and_last_day() {
        let last_friday = Pattern::NthWeekday {
            interval: 1,
            nth: -1,
            day: Weekday::Fri,
        };
        let d = |m, day| NaiveDate::from_ymd_opt(2027, m, day).expect("a test date");
        assert!(last_friday.matches(d(3, 26)));
        assert!(!last_friday.matches(d(3, 19)));
        assert!(Pattern::LastDay { interval: 1 }.matches(d(2, 28)));
        assert!(!Pattern::LastDay { interval: 1 }.matches(d(3, 30)));
    }

    #[test]
    fn a_start_long_ago_keeps_the_grid() {
        let clock = clock();
        let start = NaiveDate::from_ymd_opt(1900, 1, 3).expect("a test date");
        let first = every(Freq::Weekly, 2).first_due(start, None, &clock);
        // 1900-01-03 was a Wednesday; whole fortnights later lands on 2027-03-24.
        assert_eq!(first, NaiveDate::from_ymd_opt(2027, 3, 24));
    }
}
