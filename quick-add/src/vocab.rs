//! The words the grammar is built from. Every function takes a word already lower-cased
//! by the tokenizer and answers `None` for anything else, so the grammar modules read as
//! alternatives rather than string handling.

use chrono::Weekday;

/// A length of time as typed after a count: "3 days", "an hour".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
}

impl Unit {
    /// Minutes in `count` of this unit, for reminders; `None` on overflow and for months
    /// and years, whose length depends on the calendar.
    pub(crate) fn minutes(self, count: u32) -> Option<u32> {
        let per = match self {
            Self::Minute => 1,
            Self::Hour => 60,
            Self::Day => 24 * 60,
            Self::Week => 7 * 24 * 60,
            Self::Month | Self::Year => return None,
        };
        count.checked_mul(per)
    }
}

pub(crate) fn unit(word: &str) -> Option<Unit> {
    Some(match word {
        "minute" | "minutes" | "min" | "mins" => Unit::Minute,
        "hour" | "hours" | "hr" | "hrs" => Unit::Hour,
        "day" | "days" => Unit::Day,
        "week" | "weeks" | "wk" | "wks" => Unit::Week,
        "month" | "months" => Unit::Month,
        "year" | "years" | "yr" | "yrs" => Unit::Year,
        _ => return None,
    })
}

pub(crate) fn weekday(word: &str) -> Option<Weekday> {
    Some(match word {
        "mon" | "monday" => Weekday::Mon,
        "tue" | "tues" | "tuesday" => Weekday::Tue,
        "wed" | "weds" | "wednesday" => Weekday::Wed,
        "thu" | "thur" | "thurs" | "thursday" => Weekday::Thu,
        "fri" | "friday" => Weekday::Fri,
        "sat" | "saturday" => Weekday::Sat,
        "sun" | "sunday" => Weekday::Sun,
        _ => return None,
    })
}

/// A weekday, also in the plural that reads naturally after "every" ("every 2 mondays").
pub(crate) fn weekday_or_plural(word: &str) -> Option<Weekday> {
    weekday(word).or_else(|| word.strip_suffix('s').and_then(weekday))
}

/// Abbreviations that are also everyday English ("sat an exam", "sun cream"): they are
/// read as a weekday only where a date is expected (after "on", "next", "this", "every"),
/// so an ordinary sentence does not gain a due date.
pub(crate) fn is_everyday_word(word: &str) -> bool {
    matches!(word, "sat" | "sun")
}

/// A month's number (1–12). Month names alone are never a date ("may the force"), so
/// callers always ask for a day next to it.
pub(crate) fn month(word: &str) -> Option<u32> {
    Some(match word {
        "jan" | "january" => 1,
        "feb" | "february" => 2,
        "mar" | "march" => 3,
        "apr" | "april" => 4,
        "may" => 5,
        "jun" | "june" => 6,
        "jul" | "july" => 7,
        "aug" | "august" => 8,
        "sep" | "sept" | "september" => 9,
        "oct" | "october" => 10,
        "nov" | "november" => 11,
        "dec" | "december" => 12,
        _ => return None,
    })
}

/// A whole number written in ASCII digits; `None` past nine digits, so that no input
/// can overflow `u32` and every later step can rely on checked arithmetic alone.
pub(crate) fn digits(word: &str) -> Option<u32> {
    if word.is_empty() || word.len() > 9 || !word.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    word.parse().ok()
}

/// A count in digits or spelled out ("3", "three").
pub(crate) fn number(word: &str) -> Option<u32> {
    digits(word).or_else(|| {
        Some(match word {
            "one" => 1,
            "two" => 2,
            "three" => 3,
            "four" => 4,
            "five" => 5,
            "six" => 6,
            "seven" => 7,
            "eight" => 8,
            "nine" => 9,
            "ten" => 10,
            "eleven" => 11,
            "twelve" => 12,
            _ => return None,
        })
    })
}

/// A count where the article reads as one: "in a week", "remind me an hour before".
/// Kept apart from [`number`] so that "every a day" is not a rule.
pub(crate) fn count(word: &str) -> Option<u32> {
    match word {
        "a" | "an" => Some(1),
        _ => number(word),
    }
}

/// A day of the month as an ordinal, "1st" to "31st". The suffix is not checked against
/// the number ("2th" is a typo of "2nd", not something else), but it must be there:
/// "the 20" is not a date.
pub(crate) fn ordinal_day(word: &str) -> Option<u32> {
    let number = ["st", "nd", "rd", "th"]
        .iter()
        .find_map(|suffix| word.strip_suffix(suffix))?;
    let day = digits(number).filter(|_| number.len() <= 2)?;
    (1..=31).contains(&day).then_some(day)
}

/// A day of the month in digits, with or without an ordinal suffix ("20", "20th").
pub(crate) fn day_of_month(word: &str) -> Option<u32> {
    ordinal_day(word).or_else(|| {
        let day = digits(word).filter(|_| word.len() <= 2)?;
        (1..=31).contains(&day).then_some(day)
    })
}

/// Which weekday of the month: 1 to 5 from the start, -1 for the last (RFC 5545's
/// BYDAY prefix).
pub(crate) fn weekday_ordinal(word: &str) -> Option<i8> {
    Some(match word {
        "first" | "1st" => 1,
        "second" | "2nd" => 2,
        "third" | "3rd" => 3,
        "fourth" | "4th" => 4,
        "fifth" | "5th" => 5,
        "last" => -1,
        _ => return None,
    })
}

/// A year written in full: four digits, so that "march 20 15 people" keeps its 15.
pub(crate) fn year(word: &str) -> Option<i32> {
    if word.len() != 4 {
        return None;
    }
    digits(word).and_then(|y| i32::try_from(y).ok())
}

/// Whether a word could belong to a recurrence phrase: after an "every" that does not
/// parse, these are left in the title with it rather than read as something else.
pub(crate) fn is_recurrence_word(word: &str) -> bool {
    unit(word).is_some()
        || weekday_or_plural(word).is_some()
        || month(word).is_some()
        || number(word).is_some()
        || ordinal_day(word).is_some()
        || weekday_ordinal(word).is_some()
        || matches!(word, "other" | "weekday" | "workday" | "weekend")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_never_overflow() {
        assert_eq!(digits("999999999"), Some(999_999_999));
        assert_eq!(digits("99999999999"), None);
        assert_eq!(digits("-3"), None);
        assert_eq!(number("seven"), Some(7));
        assert_eq!(count("an"), Some(1));
        assert_eq!(number("an"), None);
    }

    #[test]
    fn ordinals_need_a_suffix_and_a_real_day() {
        assert_eq!(ordinal_day("20th"), Some(20));
        assert_eq!(ordinal_day("1st"), Some(1));
        assert_eq!(ordinal_day("32nd"), None);
        assert_eq!(ordinal_day("0th"), None);
        assert_eq!(ordinal_day("20"), None);
        assert_eq!(ordinal_day("th"), None);
        assert_eq!(day_of_month("20"), Some(20));
        assert_eq!(day_of_month("020"), None);
    }

    #[test]
    fn minutes_are_checked() {
        assert_eq!(Unit::Day.minutes(2), Some(2880));
        assert_eq!(Unit::Week.minutes(u32::MAX), None);
        assert_eq!(Unit::Month.minutes(1), None);
    }
}
