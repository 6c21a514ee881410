//! The driver: walks the tokens left to right, tries each grammar where a phrase may
//! start, and assembles the draft.
//!
//! Each kind of value has one slot (date, time, recurrence, priority, reminder, series
//! end), filled by the first phrase of its kind. A later phrase of a filled kind is still
//! recognised, but only to be left whole in the title: otherwise its pieces could be read
//! as something else ("at 10am" losing its "at").

use chrono::{Days, NaiveDate, NaiveDateTime, NaiveTime};

use crate::Context;
use crate::clock::{Clock, in_range};
use crate::date::{self, DateValue};
use crate::draft::{self, Draft, Due, LabelMatch, Priority, ProjectMatch, Rule, Span, SpanKind};
use crate::recurrence::{self, End, Modifier, Pattern};
use crate::tag::{self, TagKind};
use crate::token::{self, Tokens};
use crate::{reminder, time, vocab};

pub(crate) fn parse(text: &str, cx: &Context<'_>) -> Draft {
    let chars: Vec<char> = text.chars().collect();
    let clock = Clock::new(cx.now);
    let tags = tag::scan(&chars, cx.projects, cx.labels);
    let ranges: Vec<_> = tags.iter().map(|t| t.start..t.end).collect();
    let tokens = token::tokenize(&chars, &ranges);

    let mut found = Found::default();
    for tag in tags {
        found.tag(tag);
    }
    let mut scanner = Scanner {
        t: Tokens(&tokens),
        clock: &clock,
        found,
    };
    scanner.run();
    scanner.found.into_draft(text, &chars, &clock)
}

/// The slots, filled as phrases are recognised.
#[derive(Debug, Default)]
struct Found {
    spans: Vec<Span>,
    date: Option<DateValue>,
    /// The date came from "starting …", so it goes if the recurrence does.
    date_from_modifier: bool,
    time: Option<NaiveTime>,
    recurrence: Option<Pattern>,
    end: Option<End>,
    priority: Option<Priority>,
    reminder: Option<u32>,
    labels: Vec<LabelMatch>,
    project: Option<ProjectMatch>,
}

impl Found {
    fn tag(&mut self, tag: tag::Tag) {
        let kind = match tag.kind {
            TagKind::Project(project) => {
                self.project = Some(project);
                SpanKind::Project
            }
            TagKind::Label(label) => {
                let lower = label.name.to_lowercase();
                if !self.labels.iter().any(|l| l.name.to_lowercase() == lower) {
                    self.labels.push(label);
                }
                SpanKind::Label
            }
        };
        self.span(tag.start..tag.end, kind);
    }

    fn span(&mut self, range: std::ops::Range<usize>, kind: SpanKind) {
        self.spans.push(Span {
            start: range.start,
            end: range.end,
            kind,
        });
    }

    /// "in 2 hours" sets the time of day as well as the day.
    fn time_taken(&self) -> bool {
        self.time.is_some() || matches!(self.date, Some(DateValue::At(_)))
    }

    fn into_draft(mut self, text: &str, chars: &[char], clock: &Clock) -> Draft {
        let (day, time) = match self.date {
            Some(DateValue::Day(day)) => (Some(day), self.time),
            Some(DateValue::At(at)) => (Some(at.date()), Some(at.time())),
            None => (None, self.time),
        };
        let mut due = None;
        let mut recurrence = None;
        if let Some(pattern) = self.recurrence.take() {
            let start = day.unwrap_or(clock.today);
            let first = pattern.first_due(start, time, clock);
            match (first, pattern.rrule(self.end, clock)) {
                (Some(first), Some(rrule)) => {
                    due = Some(at(first, time));
                    recurrence = Some(Rule { rrule });
                }
                _ => {
                    // No instance this side of year 9999: the phrase was not a usable
                    // rule after all, so it goes back into the title.
                    self.spans.retain(|s| s.kind != SpanKind::Recurrence);
                    if self.date_from_modifier {
                        self.date = None;
                    }
                }
            }
        }
        if recurrence.is_none() {
            due = self.single_due(clock);
            if due.is_none() {
                // A time whose next occurrence is past year 9999 fixed nothing.
                self.spans.retain(|s| s.kind != SpanKind::Time);
            }
        }
        self.spans.sort_by_key(|s| s.start);
        let title = match draft::title(chars, &self.spans) {
            title if title.is_empty() => text.trim().to_owned(),
            title => title,
        };
        Draft {
            title,
            due,
            recurrence,
            priority: self.priority,
            labels: self.labels,
            project: self.project,
            remind_before_minutes: self.reminder,
            spans: self.spans,
        }
    }

    /// The due date of a task that does not repeat. A time alone means its next
    /// occurrence: today if it has not passed, else tomorrow.
    fn single_due(&self, clock: &Clock) -> Option<Due> {
        match (self.date, self.time) {
            (Some(DateValue::At(at)), _) => Some(Due { at, all_day: false }),
            (Some(DateValue::Day(day)), time) => Some(self::at(day, time)),
            (None, Some(time)) => {
                let today = NaiveDateTime::new(clock.today, time);
                let day = if clock.not_past(today) {
                    clock.today
                } else {
                    clock
                        .today
                        .checked_add_days(Days::new(1))
                        .and_then(in_range)?
                };
                Some(self::at(day, Some(time)))
            }
            (None, None) => None,
        }
    }
}

fn at(day: NaiveDate, time: Option<NaiveTime>) -> Due {
    Due {
        at: NaiveDateTime::new(day, time.unwrap_or(NaiveTime::MIN)),
        all_day: time.is_none(),
    }
}

struct Scanner<'a> {
    t: Tokens<'a>,
    clock: &'a Clock,
    found: Found,
}

impl Scanner<'_> {
    fn run(&mut self) {
        let mut i = 0;
        while i < self.t.len() {
            i = if self.t.starts_phrase(i) {
                self.phrase(i).unwrap_or(i + 1)
            } else {
                i + 1
            };
        }
    }

    /// Tries every grammar at `i`; the index after what it consumed (recognised or
    /// deliberately left as text), or `None` when nothing starts here.
    fn phrase(&mut self, i: usize) -> Option<usize> {
        self.recurrence(i)
            .or_else(|| self.modifier(i))
            .or_else(|| self.reminder(i))
            .or_else(|| self.priority(i))
            .or_else(|| self.date(i))
            .or_else(|| self.time(i))
    }

    /// Runs `grammar` at `i` and checks that what it read ends at a phrase boundary.
    fn read<T>(
        &self,
        i: usize,
        grammar: impl FnOnce(Tokens<'_>, usize) -> Option<(usize, T)>,
    ) -> Option<(usize, T)> {
        grammar(self.t, i).filter(|(end, _)| self.t.ends_phrase(*end))
    }

    fn record(&mut self, from: usize, to: usize, kind: SpanKind) {
        self.found.span(self.t.chars(from, to), kind);
    }

    fn recurrence(&mut self, i: usize) -> Option<usize> {
        let Some((end, pattern)) = self.read(i, recurrence::parse) else {
            // An "every" that does not parse stays in the title with the words that
            // belong to it ("every 3 hours"), rather than lending them to other phrases.
            if !recurrence::is_every(self.t, i) {
                return None;
            }
            let mut end = i + 1;
            while self.t.word(end).is_some_and(vocab::is_recurrence_word) {
                end += 1;
            }
            return Some(end);
        };
        if self.found.recurrence.is_none() {
            self.found.recurrence = Some(pattern);
            self.record(i, end, SpanKind::Recurrence);
        }
        Some(end)
    }

    fn modifier(&mut self, i: usize) -> Option<usize> {
        self.found.recurrence.as_ref()?;
        let clock = self.clock;
        let (end, modifier) = self.read(i, |t, i| recurrence::modifier(t, i, clock))?;
        let free = match modifier {
            Modifier::Start(_) => self.found.date.is_none(),
            Modifier::End(_) => self.found.end.is_none(),
        };
        if free {
            match modifier {
                Modifier::Start(day) => {
                    self.found.date = Some(DateValue::Day(day));
                    self.found.date_from_modifier = true;
                }
                Modifier::End(series_end) => self.found.end = Some(series_end),
            }
            self.record(i, end, SpanKind::Recurrence);
        }
        Some(end)
    }

    fn reminder(&mut self, i: usize) -> Option<usize> {
        let (end, minutes) = self.read(i, reminder::parse)?;
        if self.found.reminder.is_none() {
            self.found.reminder = Some(minutes);
            self.record(i, end, SpanKind::Reminder);
        }
        Some(end)
    }

    fn priority(&mut self, i: usize) -> Option<usize> {
        let (end, priority) = self.read(i, |t, i| {
            let priority = t.word(i)?.parse::<Priority>().ok()?;
            Some((i + 1, priority))
        })?;
        if self.found.priority.is_none() {
            self.found.priority = Some(priority);
            self.record(i, end, SpanKind::Priority);
        }
        Some(end)
    }

    fn date(&mut self, i: usize) -> Option<usize> {
        let clock = self.clock;
        let (end, value) = self.read(i, |t, i| date::parse(t, i, clock, false))?;
        let timed = matches!(value, DateValue::At(_));
        if self.found.date.is_some() || (timed && self.found.time_taken()) {
            return Some(end);
        }
        self.found.date = Some(value);
        self.record(i, end, SpanKind::Date);
        // "tomorrow morning": a part of the day right after a date is its time.
        if !self.found.time_taken()
            && let Some(time) = self.t.word(end).and_then(time::part_of_day)
            && self.t.ends_phrase(end + 1)
        {
            self.found.time = Some(time);
            self.record(end, end + 1, SpanKind::Time);
            return Some(end + 1);
        }
        Some(end)
    }

    fn time(&mut self, i: usize) -> Option<usize> {
        let (end, time) = self.read(i, time::parse)?;
        if !self.found.time_taken() {
            self.found.time = Some(time);
            self.record(i, end, SpanKind::Time);
        }
        Some(end)
    }
}
