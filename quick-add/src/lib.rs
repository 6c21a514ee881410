//! Quick add: one line of plain English ("call mom every other sunday at 6pm p2 #Family")
//! read into a task draft the way Todoist users expect.
//!
//! The parser is a hand-written grammar over a small tokenizer, not a model: the same
//! text always gives the same draft, every recognised phrase is reported as a [`Span`] so
//! a client can highlight it, and anything not understood stays in the title untouched.
//! It is pure: "now" and the time zone come in through [`Context`], so drafts can be
//! computed anywhere (server, browser) and tested at any instant.
//!
//! The grammar is summarised in the crate's README.

mod clock;
mod date;
mod draft;
mod parse;
mod recurrence;
mod reminder;
mod tag;
mod time;
mod token;
mod vocab;

pub use clock::resolve_local;
pub use draft::{
    Draft, Due, LabelMatch, Priority, ProjectMatch, Rule, Span, SpanKind, UnknownPriority,
};

/// What the text is read against.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The user's current instant, in the zone their dates are meant in: "tomorrow" and
    /// "at 9" are that zone's tomorrow and 9 o'clock.
    pub now: chrono::DateTime<chrono_tz::Tz>,
    /// Existing project names, so that `#home improvement` can find a name with spaces
    /// and report the stored spelling.
    pub projects: &'a [&'a str],
    /// Existing label names, for the same reasons.
    pub labels: &'a [&'a str],
}

/// Reads `text` into a draft. Never fails: what is not understood is simply left in
/// the title, which is what a user typing freely expects.
///
/// ```
/// use chrono::TimeZone;
/// use chrono_tz::Europe::Berlin;
/// use quick_add::{Context, Priority, ProjectMatch, parse};
///
/// // Wednesday, 10:00 in Berlin.
/// let now = Berlin.with_ymd_and_hms(2027, 3, 17, 10, 0, 0).single().expect("one instant");
/// let cx = Context { now, projects: &["Work"], labels: &[] };
///
/// let draft = parse("Send report every other friday at 5pm p2 #work", &cx);
/// assert_eq!(draft.title, "Send report");
/// let rule = draft.recurrence.expect("a rule");
/// assert_eq!(rule.rrule, "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR");
/// let due = draft.due.expect("a first due date");
/// assert_eq!(due.at.to_string(), "2027-03-19 17:00:00");
/// assert!(!due.all_day);
/// assert_eq!(draft.priority, Some(Priority::High));
/// assert_eq!(draft.project, Some(ProjectMatch::Existing("Work".into())));
/// ```
pub fn parse(text: &str, cx: &Context<'_>) -> Draft {
    parse::parse(text, cx)
}
