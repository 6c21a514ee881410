//! Reminder phrases: "remind me 30 minutes before", "remind 1 hour before",
//! "remind me 2 days before", "remind me 90m before".

use crate::token::Tokens;
use crate::vocab::{self, Unit};

/// Parses a reminder phrase at `i`: the index after it and the minutes before the due.
pub(crate) fn parse(t: Tokens<'_>, i: usize) -> Option<(usize, u32)> {
    if t.word(i)? != "remind" {
        return None;
    }
    let at = if t.word(i + 1) == Some("me") {
        i + 2
    } else {
        i + 1
    };
    let (after, minutes) = amount(t, at)?;
    (t.word(after)? == "before").then_some((after + 1, minutes))
}

/// "30 minutes", "an hour", or the compact "30m", "2h", "1d", "1w".
fn amount(t: Tokens<'_>, i: usize) -> Option<(usize, u32)> {
    let word = t.word(i)?;
    if let Some(n) = vocab::count(word) {
        let unit = vocab::unit(t.word(i + 1)?)?;
        return Some((i + 2, unit.minutes(n)?));
    }
    let split = word.find(|c: char| !c.is_ascii_digit())?;
    let (digits, suffix) = word.split_at(split);
    let unit = match suffix {
        "m" | "min" | "mins" => Unit::Minute,
        "h" | "hr" | "hrs" => Unit::Hour,
        "d" => Unit::Day,
        "w" => Unit::Week,
        _ => return None,
    };
    Some((i + 1, unit.minutes(vocab::digits(digits)?)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::tokenize;

    fn minutes(text: &str) -> Option<u32> {
        let chars: Vec<char> = text.chars().collect();
        let tokens = tokenize(&chars, &[]);
        parse(Tokens(&tokens), 0).map(|(_, m)| m)
    }

    #[test]
    fn forms() {
        assert_eq!(minutes("remind me 30 minutes before"), Some(30));
        assert_eq!(minutes("remind 1 hour before"), Some(60));
        assert_eq!(minutes("remind me an hour before"), Some(60));
        assert_eq!(minutes("remind me 2 days before"), Some(2880));
        assert_eq!(minutes("remind me 90m before"), Some(90));
        assert_eq!(minutes("remind me 1w before"), Some(10080));
    }

    #[test]
    fn not_reminders() {
        assert_eq!(minutes("remind me 30 minutes"), None);
        assert_eq!(minutes("remind me later"), None);
        assert_eq!(minutes("remind me 1 month before"), None);
        assert_eq!(minutes("remind me 999999999 weeks before"), None);
        assert_eq!(minutes("remind me 30x before"), None);
    }
}
