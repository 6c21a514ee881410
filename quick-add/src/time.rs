//! Time phrases: "at 9", "9am", "9:30 pm", "18:00", "noon", "midnight", "in the morning".
//!
//! A bare number is never a time ("chapter 5"): it needs "at" before it, am/pm after it,
//! or minutes after a colon. Only a colon separates minutes ("9.30" stays text), since a
//! dot is as likely a decimal or a version number.

use chrono::NaiveTime;

use crate::token::Tokens;

/// Parses a time phrase at `i`, returning the index after it.
pub(crate) fn parse(t: Tokens<'_>, i: usize) -> Option<(usize, NaiveTime)> {
    match t.word(i)? {
        "at" => clock(t, i + 1, true),
        "in" if t.word(i + 1) == Some("the") => {
            let time = part_of_day(t.word(i + 2)?)?;
            Some((i + 3, time))
        }
        _ => clock(t, i, false),
    }
}

/// Named parts of the day, read as a time only in "in the morning" or right after a date
/// ("tomorrow evening"): alone they are too often plain words ("morning run").
pub(crate) fn part_of_day(word: &str) -> Option<NaiveTime> {
    match word {
        "morning" => NaiveTime::from_hms_opt(9, 0, 0),
        "evening" => NaiveTime::from_hms_opt(19, 0, 0),
        _ => None,
    }
}

fn clock(t: Tokens<'_>, i: usize, after_at: bool) -> Option<(usize, NaiveTime)> {
    let word = t.word(i)?;
    match word {
        "noon" => return Some((i + 1, NaiveTime::from_hms_opt(12, 0, 0)?)),
        "midnight" => return Some((i + 1, NaiveTime::from_hms_opt(0, 0, 0)?)),
        _ => {}
    }
    // "9am", "12pm"
    if let Some((hour, pm)) = with_meridiem(word) {
        return Some((i + 1, twelve_hour(hour_digits(hour)?, 0, pm)?));
    }
    let hour = hour_digits(word)?;
    // "9:30", "9:30pm", "9:30 pm", "18:00"
    if t.is_joined_punct(i + 1, ':') {
        let after = t.joined_word(i + 2)?;
        let (minutes, pm, end) = match with_meridiem(after) {
            Some((minutes, pm)) => (minutes, Some(pm), i + 3),
            None => match t.word(i + 3).and_then(meridiem) {
                Some(pm) => (after, Some(pm), i + 4),
                None => (after, None, i + 3),
            },
        };
        if minutes.len() != 2 {
            return None;
        }
        let minute = crate::vocab::digits(minutes)?;
        let time = match pm {
            Some(pm) => twelve_hour(hour, minute, pm)?,
            None => NaiveTime::from_hms_opt(hour, minute, 0)?,
        };
        return Some((end, time));
    }
    // "9 am"
    if let Some(pm) = t.word(i + 1).and_then(meridiem) {
        return Some((i + 2, twelve_hour(hour, 0, pm)?));
    }
    // "at 9", "at 18": the hour as given, read on the 24-hour clock.
    if after_at {
        return Some((i + 1, NaiveTime::from_hms_opt(hour, 0, 0)?));
    }
    None
}

/// An hour written in one or two digits.
fn hour_digits(word: &str) -> Option<u32> {
    crate::vocab::digits(word).filter(|_| word.len() <= 2)
}

/// `true` for pm, `false` for am.
fn meridiem(word: &str) -> Option<bool> {
    match word {
        "am" => Some(false),
        "pm" => Some(true),
        _ => None,
    }
}

/// Splits "9am" into the digits and pm-ness; the digits are returned as text so that the
/// caller can check their length (minutes need exactly two).
fn with_meridiem(word: &str) -> Option<(&str, bool)> {
    let (digits, pm) = if let Some(d) = word.strip_suffix("am") {
        (d, false)
    } else {
        (word.strip_suffix("pm")?, true)
    };
    (!digits.is_empty() && digits.len() <= 2 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then_some((digits, pm))
}

/// 12am is midnight and 12pm noon; hours outside 1–12 are not 12-hour times.
fn twelve_hour(hour: u32, minute: u32, pm: bool) -> Option<NaiveTime> {
    if !(1..=12).contains(&hour) {
        return None;
    }
    NaiveTime::from_hms_opt(hour % 12 + if pm { 12 } else { 0 }, minute, 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::tokenize;

    fn time(text: &str) -> Option<(usize, String)> {
        let chars: Vec<char> = text.chars().collect();
        let tokens = tokenize(&chars, &[]);
        parse(Tokens(&tokens), 0).map(|(end, t)| (end, t.format("%H:%M").to_string()))
    }

    #[test]
    fn clock_forms() {
        assert_eq!(time("at 9"), Some((2, "09:00".into())));
        assert_eq!(time("at 18"), Some((2, "18:00".into())));
        assert_eq!(time("9am"), Some((1, "09:00".into())));
        assert_eq!(time("12am"), Some((1, "00:00".into())));
        assert_eq!(time("12pm"), Some((1, "12:00".into())));
        assert_eq!(time("9 pm"), Some((2, "21:00".into())));
        assert_eq!(time("9:30pm"), Some((3, "21:30".into())));
        assert_eq!(time("9:30 am"), Some((4, "09:30".into())));
        assert_eq!(time("18:05"), Some((3, "18:05".into())));
        assert_eq!(time("in the evening"), Some((3, "19:00".into())));
    }

    #[test]
    fn not_times() {
        assert_eq!(time("9"), None);
        assert_eq!(time("at 24"), None);
        assert_eq!(time("13pm"), None);
        assert_eq!(time("0am"), None);
        assert_eq!(time("9:5"), None);
        assert_eq!(time("9:60"), None);
        assert_eq!(time("9 : 30"), None);
        assert_eq!(time("at home"), None);
        assert_eq!(time("at 5th"), None);
        assert_eq!(time("in the garden"), None);
    }
}
