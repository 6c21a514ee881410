//! What a parse produces: a task draft for the caller to show, correct and save.

use std::str::FromStr;

use chrono::NaiveDateTime;

/// A task as read from one line of quick-add text. Nothing here has been checked against
/// the service's rules (an UNTIL before the first due, say): the caller shows the draft
/// and the service validates what is saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// The text without the recognised phrases, whitespace collapsed. When every word was
    /// recognised, the whole text (trimmed) instead, since a task needs some title and
    /// the user's own words are the least surprising one.
    pub title: String,
    /// When the task is due; for a recurring task, the series' first instance.
    pub due: Option<Due>,
    /// The repetition, if any; [`Draft::due`] is then always set.
    pub recurrence: Option<Rule>,
    pub priority: Option<Priority>,
    /// In the order typed, without repeats (compared case-insensitively).
    pub labels: Vec<LabelMatch>,
    pub project: Option<ProjectMatch>,
    /// How long before the due date to remind, when the text asked for a reminder.
    pub remind_before_minutes: Option<u32>,
    /// Where each recognised phrase is, so that a client can highlight it (and let the
    /// user undo it); sorted and non-overlapping.
    pub spans: Vec<Span>,
}

/// A due date as the user's wall clock shows it. It stays local (not an instant) because
/// a wall time may fall in a DST gap or overlap, which only the caller, knowing the
/// task's zone, should settle; [`crate::resolve_local`] does it the service's way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    /// Local wall time in the zone of [`crate::Context::now`]; midnight when `all_day`.
    pub at: NaiveDateTime,
    /// No time was given: the task is due some time that day.
    pub all_day: bool,
}

/// A recurrence, in the service's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The RFC 5545 RRULE body without "RRULE:", e.g. `FREQ=WEEKLY;INTERVAL=2;BYDAY=TU`.
    /// Bare rules (`FREQ=MONTHLY`) take their day from the first due date, as the
    /// service reads them. UNTIL is the end of the last local day, written in UTC.
    pub rrule: String,
}

/// Todoist's four priorities: `p1` is the most urgent, `p4` the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Priority {
    Urgent,
    High,
    Normal,
    Low,
}

impl Priority {
    /// The marker typed for this priority, `p1` to `p4`.
    pub fn marker(self) -> &'static str {
        match self {
            Self::Urgent => "p1",
            Self::High => "p2",
            Self::Normal => "p3",
            Self::Low => "p4",
        }
    }
}

/// A text that is not a priority marker.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a priority: expected p1, p2, p3 or p4")]
pub struct UnknownPriority(pub String);

impl FromStr for Priority {
    type Err = UnknownPriority;

    /// Reads `p1`–`p4` in either case, as typed in quick add.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "p1" => Ok(Self::Urgent),
            "p2" => Ok(Self::High),
            "p3" => Ok(Self::Normal),
            "p4" => Ok(Self::Low),
            _ => Err(UnknownPriority(s.to_owned())),
        }
    }
}

/// A label named with `@`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelMatch {
    /// The stored spelling when `existing`; otherwise as typed, without the `@`.
    pub name: String,
    /// The label is one of [`crate::Context::labels`]; otherwise saving the task would
    /// create it, which a client may want to confirm.
    pub existing: bool,
}

/// A project named with `#`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProjectMatch {
    /// One of [`crate::Context::projects`], in its stored spelling.
    Existing(String),
    /// No such project: as typed, without the `#`.
    Unknown(String),
}

/// A recognised phrase. Offsets count characters (Unicode scalar values), not bytes, so
/// that a client can map them onto its own text without re-encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    /// Exclusive.
    pub end: usize,
    pub kind: SpanKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SpanKind {
    Date,
    Time,
    Recurrence,
    Priority,
    Project,
    Label,
    Reminder,
}

/// Punctuation that attaches to the word before it: a removal right before it should not
/// leave "call mom ." behind.
const TRAILING_PUNCTUATION: &[char] = &[',', '.', ';', ':', '!', '?', ')'];

/// Punctuation that separates clauses, dropped where a removal leaves it dangling at the
/// start or end of the title.
const SEPARATORS: &[char] = &[',', ';', ':'];

/// The title left once `spans` (sorted, disjoint) are cut from `chars`.
pub(crate) fn title(chars: &[char], spans: &[Span]) -> String {
    let mut title = String::new();
    let mut pos = 0;
    let mut after_removal = false;
    for range in spans
        .iter()
        .map(|s| s.start..s.end)
        .chain(std::iter::once(chars.len()..chars.len()))
    {
        let kept = chars.get(pos..range.start).unwrap_or_default();
        let first = kept.iter().find(|c| !c.is_whitespace());
        if after_removal && first.is_some_and(|c| TRAILING_PUNCTUATION.contains(c)) {
            title.truncate(title.trim_end().len());
            title.extend(kept.iter().skip_while(|c| c.is_whitespace()));
        } else {
            title.extend(kept);
        }
        // A removed phrase leaves a space, so that the words around it stay apart.
        title.push(' ');
        pos = range.end.max(pos);
        after_removal = true;
    }
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    // A separator that only divided a removed phrase from the rest ("tomorrow, call bob",
    // "call bob: p1") has nothing left to separate at either end of the title.
    let blank = |chars: &[char]| chars.iter().all(|c| c.is_whitespace());
    let removed_first = spans
        .first()
        .is_some_and(|s| blank(chars.get(..s.start).unwrap_or_default()));
    let removed_last = spans
        .last()
        .is_some_and(|s| blank(chars.get(s.end..).unwrap_or_default()));
    let separator = |c: char| SEPARATORS.contains(&c) || c.is_whitespace();
    let mut title = title.as_str();
    if removed_first {
        title = title.trim_start_matches(separator);
    }
    if removed_last {
        title = title.trim_end_matches(separator);
    }
    title.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(text: &str, ranges: &[(usize, usize)]) -> String {
        let chars: Vec<char> = text.chars().collect();
        let spans: Vec<Span> = ranges
            .iter()
            .map(|&(start, end)| Span {
                start,
                end,
                kind: SpanKind::Date,
            })
            .collect();
        title(&chars, &spans)
    }

    #[test]
    fn removal_collapses_whitespace() {
        assert_eq!(
            cut("call  mom tomorrow at 9", &[(10, 18), (19, 23)]),
            "call mom"
        );
        assert_eq!(cut("tomorrow call mom", &[(0, 8)]), "call mom");
        assert_eq!(cut("a\tb", &[]), "a b");
    }

    #[test]
    fn no_space_before_trailing_punctuation() {
        assert_eq!(cut("call mom tomorrow.", &[(9, 17)]), "call mom.");
        assert_eq!(cut("call mom tomorrow , ok", &[(9, 17)]), "call mom, ok");
        // Only where something was removed.
        assert_eq!(cut("wait . really", &[]), "wait . really");
    }

    #[test]
    fn dangling_separators_at_the_edges_go() {
        assert_eq!(cut("tomorrow, call bob", &[(0, 8)]), "call bob");
        assert_eq!(cut("call bob; tomorrow", &[(10, 18)]), "call bob");
        // Kept where they still separate, or were typed at the edge.
        assert_eq!(cut("a, tomorrow, b", &[(3, 11)]), "a,, b");
        assert_eq!(cut(", call tomorrow", &[(7, 15)]), ", call");
        assert_eq!(cut("call bob tomorrow.", &[(9, 17)]), "call bob.");
    }

    #[test]
    fn removal_between_words_keeps_them_apart() {
        assert_eq!(cut("a#xb", &[(1, 3)]), "a b");
    }

    #[test]
    fn priority_markers() {
        assert_eq!("P1".parse::<Priority>(), Ok(Priority::Urgent));
        assert_eq!("p4".parse::<Priority>(), Ok(Priority::Low));
        assert_eq!(
            "p5".parse::<Priority>(),
            Err(UnknownPriority("p5".to_owned()))
        );
        assert_eq!(Priority::High.marker(), "p2");
        assert_eq!(
            UnknownPriority("p5".to_owned()).to_string(),
            "\"p5\" is not a priority: expected p1, p2, p3 or p4"
        );
    }
}
