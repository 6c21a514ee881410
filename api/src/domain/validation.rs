use std::borrow::Cow;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use unicode_normalization::UnicodeNormalization;

/// Input that breaks a rule. `field` names the offending input relative to the value the
/// rule checks (`title`, `recurrence.rrule`); the edge puts the argument in front
/// (`input.title`), so clients can point at it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ValidationError {
    pub field: Cow<'static, str>,
    pub message: String,
}

impl ValidationError {
    pub fn new(field: impl Into<Cow<'static, str>>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The same error, its field named inside `argument`: `title` within `input` is
    /// `input.title`.
    #[must_use]
    pub fn within(self, argument: &str) -> Self {
        Self {
            field: format!("{argument}.{}", self.field).into(),
            message: self.message,
        }
    }
}

/// Whether a URL names this machine (`localhost` or a loopback address), whatever its
/// scheme: for schemes the URL standard does not know (`smtp:`), an address is parsed
/// as a name, so it is read back as an address here.
pub fn is_loopback_url(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => {
            name == "localhost"
                || name
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }
        None => false,
    }
}

/// The years every instant the service accepts or produces lies in: RFC 3339 has four
/// digits for the year, and year 0 is not a year people plan in.
pub const MIN_YEAR: i32 = 1;
pub const MAX_YEAR: i32 = 9999;

/// Whether `at` can be written as an RFC 3339 date-time in UTC (years 1 to 9999).
pub fn in_supported_range(at: DateTime<Utc>) -> bool {
    (MIN_YEAR..=MAX_YEAR).contains(&at.year())
}

/// The instant in years 1 to 9999 nearest to `at`.
pub fn clamp_to_supported_range(at: DateTime<Utc>) -> DateTime<Utc> {
    let bound = |year, month, day, h, m, s| {
        NaiveDate::from_ymd_opt(year, month, day)
            .and_then(|date| date.and_hms_opt(h, m, s))
            .map(|naive| naive.and_utc())
            .unwrap_or(at)
    };
    if at.year() < MIN_YEAR {
        bound(MIN_YEAR, 1, 1, 0, 0, 0)
    } else if at.year() > MAX_YEAR {
        bound(MAX_YEAR, 12, 31, 23, 59, 59)
    } else {
        at
    }
}

/// Single-line text (titles, categories, names): trimmed, NFC-normalised, at most `max`
/// characters, and free of control characters and line breaks.
pub fn bounded_text(
    field: &'static str,
    value: &str,
    min: usize,
    max: usize,
) -> Result<String, ValidationError> {
    checked_text(field, value.nfc().collect(), min, max, |_| false)
}

/// Multi-line text (descriptions): like [`bounded_text`], but newlines and tabs are kept.
/// Windows and old Mac line ends become `\n`, so every client stores the same text.
pub fn multiline_text(
    field: &'static str,
    value: &str,
    min: usize,
    max: usize,
) -> Result<String, ValidationError> {
    let unified = value.replace("\r\n", "\n").replace('\r', "\n");
    checked_text(field, unified.nfc().collect(), min, max, |c| {
        matches!(c, '\n' | '\t')
    })
}

/// Trims `normalised` and checks its characters and length. Lengths count characters
/// (not bytes) after normalisation, which is what a person sees and what is stored.
fn checked_text(
    field: &'static str,
    normalised: String,
    min: usize,
    max: usize,
    allowed: fn(char) -> bool,
) -> Result<String, ValidationError> {
    let trimmed = normalised.trim();
    if let Some(bad) = trimmed.chars().find(|&c| is_disallowed(c) && !allowed(c)) {
        return Err(ValidationError::new(
            field,
            format!(
                "must not contain control characters or line breaks (found U+{:04X})",
                u32::from(bad)
            ),
        ));
    }
    let length = trimmed.chars().count();
    if length < min {
        return Err(ValidationError::new(
            field,
            if min == 1 {
                "must not be empty".to_owned()
            } else {
                format!("must be at least {min} characters")
            },
        ));
    }
    if length > max {
        return Err(ValidationError::new(
            field,
            format!("must be at most {max} characters (got {length})"),
        ));
    }
    Ok(trimmed.to_owned())
}

/// Characters that never belong in stored text: C0/C1 controls (which break logs,
/// terminals and notifications), the Unicode line and paragraph separators (line breaks
/// that slip past a check for `\n`), and the bidirectional embedding, override and
/// isolate controls, which can make a title display as something other than it is.
/// Zero-width joiners and other format characters stay: emoji sequences need them.
fn is_disallowed(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_line_text_rejects_controls_and_line_breaks() {
        for bad in [
            "a\u{8C}b",
            "a\u{0}b",
            "a\u{1B}[31mred",
            "a\u{7F}",
            "two\nlines",
            "tab\there",
            "a\u{2028}b",
            "a\u{2029}b",
            "evil\u{202E}txt.exe",
            "a\u{2066}b",
        ] {
            let error = bounded_text("title", bad, 1, 200).unwrap_err();
            assert_eq!(error.field, "title", "{bad:?}");
            assert!(error.message.contains("U+"), "{error}");
        }
        // Surrounding whitespace, including line breaks, is trimmed rather than refused.
        assert_eq!(
            bounded_text("t", "\n title \t", 1, 200).as_deref(),
            Ok("title")
        );
        // Emoji sequences keep their zero-width joiner.
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}";
        assert_eq!(bounded_text("t", family, 1, 200).as_deref(), Ok(family));
    }

    #[test]
    fn text_is_nfc_normalised_and_counted_in_characters() {
        // "é" as e + combining acute (2 chars) becomes one precomposed character.
        let decomposed = "e\u{301}".repeat(200);
        let stored = bounded_text("t", &decomposed, 1, 200).unwrap();
        assert_eq!(stored, "\u{E9}".repeat(200));
        assert_eq!(stored.chars().count(), 200);
        assert!(bounded_text("t", &"e\u{301}".repeat(201), 1, 200).is_err());
        // Multi-byte characters count once each.
        assert!(bounded_text("t", &"\u{1F600}".repeat(200), 1, 200).is_ok());
    }

    #[test]
    fn multiline_text_keeps_newlines_and_tabs_only() {
        assert_eq!(
            multiline_text("d", " line 1\r\n\tline 2\rline 3 \n", 0, 100).as_deref(),
            Ok("line 1\n\tline 2\nline 3")
        );
        for bad in ["a\u{8C}b", "a\u{0}b", "a\u{B}b", "a\u{C}b", "a\u{2028}b"] {
            let error = multiline_text("description", bad, 0, 100).unwrap_err();
            assert_eq!(error.field, "description", "{bad:?}");
        }
        assert_eq!(
            multiline_text("d", "e\u{301}", 0, 100).as_deref(),
            Ok("\u{E9}")
        );
    }

    #[test]
    fn supported_range_is_years_1_to_9999() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        assert!(in_supported_range(at("0001-01-01T00:00:00Z")));
        assert!(in_supported_range(at("9999-12-31T23:59:59Z")));
        assert!(!in_supported_range(at("0001-01-01T00:00:00+01:00")));
        assert!(!in_supported_range(at("9999-12-31T23:00:00-02:00")));
    }
}
