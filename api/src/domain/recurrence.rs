//! Recurrence rules: parsing and validation of RFC 5545 RRULEs, the next occurrence of a
//! series, and a readable description. Everything here is computed in the task's IANA
//! time zone, so 09:00 local stays 09:00 local across DST changes.

use std::fmt;
use std::str::FromStr;
use strum::{Display, EnumString, IntoStaticStr, VariantArray};

use super::UnknownName;

use chrono::{
    DateTime, Datelike, Days, Months, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Timelike,
    Utc, Weekday,
};
use chrono_tz::Tz;
use rrule::{Frequency, NWeekday, RRule, RRuleSet, Unvalidated};

use super::local_time::local_instant;
use super::validation::{ValidationError, in_supported_range};

/// Instances closer together than this are refused: a task is not a metronome.
const MIN_INTERVAL_SECONDS: i64 = 3600;
/// How many instances are inspected when checking the minimum interval.
const INTERVAL_PROBE: usize = 64;
/// Upper bound on instances walked while looking for the next one. Rules without COUNT
/// skip ahead to shortly before the moment of interest (see [`skip_ahead`]), so they walk
/// at most a few of their periods' instances; rules with COUNT walk at most COUNT.
const MAX_INSTANCES_WALKED: usize = 50_000;
/// The largest COUNT a client may give. A COUNT series cannot skip ahead (its count runs
/// from the first instance), so the count must stay below [`MAX_INSTANCES_WALKED`] for
/// its next occurrence to be found however long it went unattended.
pub const MAX_COUNT: u32 = 10_000;
/// Whole periods of the rule kept between the restarted iteration and the moment of
/// interest: one spare period absorbs DST overlaps at period boundaries.
const SKIP_MARGIN_PERIODS: i64 = 1;
/// How many earlier grid periods to try when a restart lands in a DST gap.
const SKIP_ATTEMPTS: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Display, EnumString, IntoStaticStr, VariantArray)]
#[strum(
    serialize_all = "SCREAMING_SNAKE_CASE",
    parse_err_ty = UnknownName,
    parse_err_fn = UnknownName::of::<Self>
)]
pub enum RecurrencePreset {
    Daily,
    Weekdays,
    Weekly,
    Monthly,
    Yearly,
    Custom,
}

impl RecurrencePreset {
    /// The RRULE a named preset stands for; `None` for CUSTOM.
    pub fn rule(self) -> Option<&'static str> {
        match self {
            Self::Daily => Some("FREQ=DAILY"),
            Self::Weekdays => Some("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
            Self::Weekly => Some("FREQ=WEEKLY"),
            Self::Monthly => Some("FREQ=MONTHLY"),
            Self::Yearly => Some("FREQ=YEARLY"),
            Self::Custom => None,
        }
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Display, EnumString, IntoStaticStr, VariantArray,
)]
#[strum(
    serialize_all = "SCREAMING_SNAKE_CASE",
    parse_err_ty = UnknownName,
    parse_err_fn = UnknownName::of::<Self>
)]
pub enum RecurrenceMode {
    /// The next occurrence is the first instance of the rule after now.
    #[default]
    FromDueDate,
    /// The rule restarts on the completion day, at the task's usual local time.
    FromCompletion,
}

/// A validated recurrence: a preset name, its canonical RRULE body and a mode.
#[derive(Debug, Clone, PartialEq)]
pub struct Recurrence {
    preset: RecurrencePreset,
    rule: String,
    mode: RecurrenceMode,
}

/// Where a task stands in its series; the input to [`Recurrence::next_occurrence`].
#[derive(Debug, Clone, Copy)]
pub struct SeriesPosition {
    /// DTSTART of the rule: the due date the series counts from.
    pub anchor: DateTime<Utc>,
    /// The due date of this occurrence.
    pub due: DateTime<Utc>,
    /// 1 for the first occurrence of the series.
    pub occurrence_number: u32,
    pub time_zone: Tz,
}

/// Why a series has no next occurrence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeriesEnd {
    /// COUNT instances have occurred.
    CountReached,
    /// The next instance would lie after UNTIL.
    UntilPassed,
    /// The next instance would lie outside years 1 to 9999 (see
    /// [`super::validation::MAX_YEAR`]), or, for a COUNT above [`MAX_COUNT`] stored before
    /// that limit existed, further away than the service walks.
    OutOfRange,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextOccurrence {
    pub due: DateTime<Utc>,
    pub anchor: DateTime<Utc>,
    pub occurrence_number: u32,
}

impl Recurrence {
    /// Builds a recurrence from what a client sent: a preset, an RRULE, or both when
    /// the preset is CUSTOM. The rule's grammar is checked here; whether it fits the
    /// task's due date is checked by [`Recurrence::validate_schedule`].
    pub fn from_input(
        preset: Option<RecurrencePreset>,
        rrule: Option<&str>,
        mode: RecurrenceMode,
    ) -> Result<Self, ValidationError> {
        let rrule = rrule.map(str::trim).filter(|r| !r.is_empty());
        let (preset, rule) = match (preset, rrule) {
            (None, None) => {
                return Err(ValidationError::new(
                    "recurrence",
                    "give a preset or an rrule",
                ));
            }
            (Some(RecurrencePreset::Custom), None) => {
                return Err(ValidationError::new(
                    "recurrence.rrule",
                    "preset CUSTOM needs an rrule",
                ));
            }
            (Some(preset), Some(_)) if preset != RecurrencePreset::Custom => {
                return Err(ValidationError::new(
                    "recurrence.rrule",
                    "give either a named preset or an rrule, not both",
                ));
            }
            (Some(preset), None) => {
                let rule = preset.rule().unwrap_or_default().to_owned();
                (preset, rule)
            }
            (_, Some(text)) => {
                let rule = canonical_rule(text)?;
                check_count(&rule)?;
                let preset = RecurrencePreset::VARIANTS
                    .iter()
                    .copied()
                    .find(|p| p.rule() == Some(rule.as_str()))
                    .unwrap_or(RecurrencePreset::Custom);
                (preset, rule)
            }
        };
        Ok(Self { preset, rule, mode })
    }

    /// Rebuilds a recurrence from its stored columns.
    pub fn from_stored(
        preset: RecurrencePreset,
        rule: &str,
        mode: RecurrenceMode,
    ) -> Result<Self, ValidationError> {
        Ok(Self {
            preset,
            rule: canonical_rule(rule)?,
            mode,
        })
    }

    pub fn preset(&self) -> RecurrencePreset {
        self.preset
    }

    pub fn rule(&self) -> &str {
        &self.rule
    }

    pub fn mode(&self) -> RecurrenceMode {
        self.mode
    }

    /// The rule as any RFC 5545 expander reads it, for a series that started on the local
    /// date `anchor`: the service's month-end rule spelled out (a series on the 31st is
    /// `BYMONTHDAY=31,-1;BYSETPOS=1`, the 31st or else the last day), so that calendar
    /// apps show the dates the service will use.
    pub fn portable_rule(&self, anchor: NaiveDate) -> String {
        let clamp = parse_rule(&self.rule)
            .ok()
            .and_then(|rule| month_end_clamp(&rule, anchor.month(), anchor.day()));
        match clamp {
            Some(MonthEndClamp::Monthly { day }) => {
                format!("{};BYMONTHDAY={day},-1;BYSETPOS=1", self.rule)
            }
            Some(MonthEndClamp::LeapDay) => {
                format!("{};BYMONTH=2;BYMONTHDAY=29,-1;BYSETPOS=1", self.rule)
            }
            None => self.rule.clone(),
        }
    }

    /// Checks the rule against the series start: it must produce instances, none closer
    /// than an hour apart, and an UNTIL must not lie before the start.
    pub fn validate_schedule(&self, anchor: DateTime<Utc>, tz: Tz) -> Result<(), ValidationError> {
        let parsed = parse_rule(&self.rule)?;
        let start = anchor.with_timezone(&rrule_tz(tz));
        if let Some(until) = parsed.get_until()
            && *until < start
        {
            return Err(ValidationError::new(
                "recurrence.rrule",
                "UNTIL lies before the due date",
            ));
        }
        let set = build_set(parsed, start)?;
        let mut previous: Option<DateTime<rrule::Tz>> = None;
        let mut seen = 0;
        for instance in set.into_iter().take(INTERVAL_PROBE) {
            if let Some(previous) = previous
                && (instance - previous).num_seconds() < MIN_INTERVAL_SECONDS
            {
                return Err(ValidationError::new(
                    "recurrence.rrule",
                    "the rule fires more often than once an hour",
                ));
            }
            previous = Some(instance);
            seen += 1;
        }
        if seen == 0 {
            return Err(ValidationError::new(
                "recurrence.rrule",
                "the rule never produces a date",
            ));
        }
        Ok(())
    }

    /// The first due date of a series asked to start at `start`: the rule's first
    /// instance at or after it, as Todoist does ("every weekday" from a Saturday starts on
    /// the Monday, "the 2nd Monday" from a Sunday on that Monday). The local time of day
    /// and the zone are kept; a start the rule matches is returned unchanged.
    pub fn first_due(
        &self,
        start: DateTime<Utc>,
        tz: Tz,
    ) -> Result<DateTime<Utc>, ValidationError> {
        let parsed = parse_rule(&self.rule)?;
        build_set(parsed, start.with_timezone(&rrule_tz(tz)))?
            .into_iter()
            .next()
            .map(|first| first.with_timezone(&Utc))
            .ok_or_else(|| {
                ValidationError::new("recurrence.rrule", "the rule never produces a date")
            })
    }

    /// The occurrence that follows `position` when it is completed at `completed_at`,
    /// or `None` when the series has ended; [`Recurrence::next_or_end`] says why.
    pub fn next_occurrence(
        &self,
        position: &SeriesPosition,
        completed_at: DateTime<Utc>,
    ) -> Option<NextOccurrence> {
        self.next_or_end(position, completed_at).ok()
    }

    /// The occurrence that follows `position` when it is completed at `completed_at`, or
    /// why there is none.
    pub fn next_or_end(
        &self,
        position: &SeriesPosition,
        completed_at: DateTime<Utc>,
    ) -> Result<NextOccurrence, SeriesEnd> {
        // Stored rules were parsed when they were saved; one that no longer parses has
        // nothing to compute from.
        let parsed = parse_rule(&self.rule).map_err(|_| SeriesEnd::OutOfRange)?;
        if let Some(count) = parsed.get_count()
            && position.occurrence_number >= count
        {
            return Err(SeriesEnd::CountReached);
        }
        let tz = position.time_zone;
        let next_number = position.occurrence_number.saturating_add(1);
        match self.mode {
            RecurrenceMode::FromDueDate => {
                // Missed instances are skipped, never piled up: the next one lies after
                // both the current due date and the moment of completion.
                let threshold = position.due.max(completed_at);
                let due = first_after(parsed, position.anchor, tz, threshold)?;
                Ok(NextOccurrence {
                    due,
                    anchor: position.anchor,
                    occurrence_number: next_number,
                })
            }
            RecurrenceMode::FromCompletion => {
                let usual_time = position.due.with_timezone(&tz).naive_local().time();
                let completion_day = completed_at.with_timezone(&tz).date_naive();
                let restart = local_instant(tz, completion_day.and_time(usual_time))
                    .ok_or(SeriesEnd::OutOfRange)?;
                let due = first_after(parsed, restart, tz, restart)?;
                Ok(NextOccurrence {
                    due,
                    anchor: due,
                    occurrence_number: next_number,
                })
            }
        }
    }

    /// Readable text for the rule, e.g. "Every 2 weeks on Monday and Wednesday".
    /// `starts_on`, the local date the series starts on, supplies what a bare rule
    /// leaves implicit (the weekday of a weekly rule, the day of a monthly one); the text
    /// depends on nothing else.
    pub fn describe(&self, starts_on: Option<NaiveDate>) -> String {
        match parse_rule(&self.rule) {
            Ok(parsed) => describe_rule(&parsed, starts_on),
            Err(_) => self.rule.clone(),
        }
    }
}

/// Normalises client text into the canonical RRULE body that is stored and compared.
fn canonical_rule(text: &str) -> Result<String, ValidationError> {
    let body = text.trim();
    let body = body
        .strip_prefix("RRULE:")
        .or_else(|| body.strip_prefix("rrule:"))
        .unwrap_or(body);
    if body.contains(['\n', '\r']) || body.to_ascii_uppercase().contains("DTSTART") {
        return Err(ValidationError::new(
            "recurrence.rrule",
            "give only the RRULE body (e.g. FREQ=WEEKLY;BYDAY=MO); the start is the task's due date",
        ));
    }
    let parsed = parse_rule(&body.to_ascii_uppercase())?;
    if matches!(parsed.get_freq(), Frequency::Secondly | Frequency::Minutely) {
        return Err(ValidationError::new(
            "recurrence.rrule",
            "the rule fires more often than once an hour",
        ));
    }
    Ok(rule_text(&parsed))
}

/// The rule as RRULE text. rrule writes `BYDAY=1MO` (the first Monday) as `BYDAY=MO`
/// (every Monday), so the weekdays are written here.
fn rule_text(rule: &RRule<Unvalidated>) -> String {
    let text = rule.to_string();
    if rule.get_by_weekday().is_empty() {
        return text;
    }
    let days: Vec<String> = rule
        .get_by_weekday()
        .iter()
        .map(|day| match day {
            NWeekday::Every(weekday) => weekday_code(*weekday).to_owned(),
            NWeekday::Nth(n, weekday) => format!("{n}{}", weekday_code(*weekday)),
        })
        .collect();
    let by_day = format!("BYDAY={}", days.join(","));
    text.split(';')
        .map(|part| {
            if part.starts_with("BYDAY=") {
                by_day.as_str()
            } else {
                part
            }
        })
        .collect::<Vec<_>>()
        .join(";")
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

/// Refuses a COUNT too large to walk (see [`MAX_COUNT`]).
fn check_count(rule: &str) -> Result<(), ValidationError> {
    match parse_rule(rule)?.get_count() {
        Some(count) if count > MAX_COUNT => Err(ValidationError::new(
            "recurrence.rrule",
            format!("COUNT must be at most {MAX_COUNT}; leave it out for an open-ended series"),
        )),
        _ => Ok(()),
    }
}

fn parse_rule(body: &str) -> Result<RRule<Unvalidated>, ValidationError> {
    RRule::<Unvalidated>::from_str(body).map_err(|e| {
        ValidationError::new(
            "recurrence.rrule",
            format!("invalid RRULE: {}", strip_prefix_error(&e)),
        )
    })
}

fn strip_prefix_error(error: &rrule::RRuleError) -> String {
    match error {
        rrule::RRuleError::ParserError(e) => e.to_string(),
        rrule::RRuleError::ValidationError(e) => e.to_string(),
        rrule::RRuleError::IterError(e) => e.clone(),
    }
}

fn rrule_tz(tz: Tz) -> rrule::Tz {
    rrule::Tz::Tz(tz)
}

/// Validates the rule against its start and builds the instance set.
fn build_set(
    rule: RRule<Unvalidated>,
    start: DateTime<rrule::Tz>,
) -> Result<RRuleSet, ValidationError> {
    clamped_to_month_end(rule, &start)
        .build(start)
        .map(RRuleSet::limit)
        .map_err(|e| {
            ValidationError::new(
                "recurrence.rrule",
                format!("invalid RRULE: {}", strip_prefix_error(&e)),
            )
        })
}

/// A bare monthly rule anchored on the 29th–31st falls on the last day of shorter months
/// and returns to its day after (Jan 31, Feb 28, Mar 31); a bare yearly rule on Feb 29
/// falls on Feb 28 in common years. Plain RFC 5545 would skip those months instead.
fn clamped_to_month_end(
    rule: RRule<Unvalidated>,
    start: &DateTime<rrule::Tz>,
) -> RRule<Unvalidated> {
    match month_end_clamp(&rule, start.month(), start.day()) {
        Some(MonthEndClamp::Monthly { day }) => {
            rule.by_month_day(vec![day, -1]).by_set_pos(vec![1])
        }
        Some(MonthEndClamp::LeapDay) => rule
            .by_month(&[chrono::Month::February])
            .by_month_day(vec![29, -1])
            .by_set_pos(vec![1]),
        None => rule,
    }
}

/// How a bare rule starting on `month`/`day` is held to month ends (see
/// [`clamped_to_month_end`]); `None` when the rule means what RFC 5545 says.
enum MonthEndClamp {
    Monthly { day: i8 },
    LeapDay,
}

fn month_end_clamp(rule: &RRule<Unvalidated>, month: u32, day: u32) -> Option<MonthEndClamp> {
    let bare = rule.get_by_month_day().is_empty()
        && rule.get_by_weekday().is_empty()
        && rule.get_by_year_day().is_empty()
        && rule.get_by_week_no().is_empty()
        && rule.get_by_set_pos().is_empty();
    let day = i8::try_from(day).unwrap_or(1);
    match rule.get_freq() {
        Frequency::Monthly if bare && day >= 29 => Some(MonthEndClamp::Monthly { day }),
        Frequency::Yearly if bare && rule.get_by_month().is_empty() && month == 2 && day == 29 => {
            Some(MonthEndClamp::LeapDay)
        }
        _ => None,
    }
}

/// The first instance of the series that starts at `start` lying strictly after
/// `threshold`, or why there is none. Bounded for any rule and any distance between
/// start and threshold: rules without COUNT restart their iteration shortly before the
/// threshold instead of walking every missed instance.
fn first_after(
    rule: RRule<Unvalidated>,
    start: DateTime<Utc>,
    tz: Tz,
    threshold: DateTime<Utc>,
) -> Result<DateTime<Utc>, SeriesEnd> {
    let start = start.with_timezone(&rrule_tz(tz));
    let rule = clamped_to_month_end(rule, &start);
    let count = rule.get_count();
    let until = rule.get_until().map(|until| until.with_timezone(&Utc));
    // A COUNT counts from the first instance, so such a series cannot restart later; its
    // count bounds the walk instead.
    let (rule, start) = match count {
        None => skip_ahead(rule, start, threshold),
        Some(_) => (rule, start),
    };
    if until.is_some_and(|until| until < start) {
        return Err(SeriesEnd::UntilPassed);
    }
    let set = rule
        .build(start)
        .map(RRuleSet::limit)
        .map_err(|_| SeriesEnd::OutOfRange)?;
    let mut walked = 0;
    for instance in set.into_iter().take(MAX_INSTANCES_WALKED) {
        walked += 1;
        let instance = instance.with_timezone(&Utc);
        if instance > threshold {
            return if in_supported_range(instance) {
                Ok(instance)
            } else {
                Err(SeriesEnd::OutOfRange)
            };
        }
    }
    Err(match (count, until) {
        (Some(count), _) if usize::try_from(count).is_ok_and(|count| walked == count) => {
            SeriesEnd::CountReached
        }
        (_, Some(_)) if walked < MAX_INSTANCES_WALKED => SeriesEnd::UntilPassed,
        // rrule itself stops after year 10000, or after 100,000 periods without an
        // instance: both mean no date this service can represent.
        _ => SeriesEnd::OutOfRange,
    })
}

/// Restarts the iteration of `rule` (which starts at `start`) a whole number of its
/// periods later, shortly before `threshold`, so that reaching the threshold walks a few
/// periods' instances instead of every missed one. rrule iterates on a grid of periods
/// counted from the start (calendar years, months, weeks beginning on WKST, days or
/// hours, every INTERVAL of them) and fills in from the start whatever the rule leaves
/// implicit; the restarted rule spells those parts out and begins at a period of the same
/// grid, so from there on it yields exactly the instances of the original. Returns the
/// rule and start unchanged when the threshold is too close to be worth it.
fn skip_ahead(
    rule: RRule<Unvalidated>,
    start: DateTime<rrule::Tz>,
    threshold: DateTime<Utc>,
) -> (RRule<Unvalidated>, DateTime<rrule::Tz>) {
    let rrule::Tz::Tz(tz) = start.timezone() else {
        return (rule, start);
    };
    let freq = rule.get_freq();
    let week_start = rule.get_week_start();
    let interval = i64::from(rule.get_interval().max(1));
    let local_start = start.naive_local();
    let local_threshold = threshold.with_timezone(&tz).naive_local();
    let (Some(first), Some(last), Some(first_period)) = (
        period_index(freq, week_start, local_start),
        period_index(freq, week_start, local_threshold),
        period_start(freq, week_start, local_start),
    ) else {
        return (rule, start);
    };
    let skippable = (last - first).div_euclid(interval) - SKIP_MARGIN_PERIODS;
    for skip in (1..=skippable).rev().take(SKIP_ATTEMPTS) {
        let restart = skip
            .checked_mul(interval)
            .and_then(|units| advance(freq, first_period, units))
            .and_then(|local| instant_on_grid(tz, freq, local));
        if let Some(restart) = restart {
            return (with_start_parts(rule, &start), restart);
        }
    }
    (rule, start)
}

/// The rule with the parts that rrule takes from DTSTART when the rule leaves them out
/// written explicitly: the month and day of a yearly rule, the day of a monthly one, the
/// weekday of a weekly one, and the time of day.
fn with_start_parts(rule: RRule<Unvalidated>, start: &DateTime<rrule::Tz>) -> RRule<Unvalidated> {
    let day_implicit = rule.get_by_month_day().is_empty()
        && rule.get_by_weekday().is_empty()
        && rule.get_by_year_day().is_empty()
        && rule.get_by_week_no().is_empty();
    let day = i8::try_from(start.day()).unwrap_or(1);
    let rule = match rule.get_freq() {
        Frequency::Yearly if day_implicit => {
            let rule = match chrono::Month::try_from(u8::try_from(start.month()).unwrap_or(1)) {
                Ok(month) if rule.get_by_month().is_empty() => rule.by_month(&[month]),
                _ => rule,
            };
            rule.by_month_day(vec![day])
        }
        Frequency::Monthly if day_implicit => rule.by_month_day(vec![day]),
        Frequency::Weekly if day_implicit => {
            rule.by_weekday(vec![NWeekday::Every(start.weekday())])
        }
        _ => rule,
    };
    let part = |value: u32| vec![u8::try_from(value).unwrap_or(0)];
    let rule = if rule.get_freq() < Frequency::Hourly && rule.get_by_hour().is_empty() {
        rule.by_hour(part(start.hour()))
    } else {
        rule
    };
    let rule = if rule.get_freq() < Frequency::Minutely && rule.get_by_minute().is_empty() {
        rule.by_minute(part(start.minute()))
    } else {
        rule
    };
    if rule.get_by_second().is_empty() {
        rule.by_second(part(start.second()))
    } else {
        rule
    }
}

/// The number of the period of the rule's grid that holds local time `at`; consecutive
/// periods have consecutive numbers. `None` for frequencies finer than hourly.
fn period_index(freq: Frequency, week_start: Weekday, at: NaiveDateTime) -> Option<i64> {
    let day = i64::from(at.date().num_days_from_ce());
    Some(match freq {
        Frequency::Yearly => i64::from(at.year()),
        Frequency::Monthly => i64::from(at.year()) * 12 + i64::from(at.month0()),
        // Week starts lie exactly 7 days apart, so they divide into consecutive numbers.
        Frequency::Weekly => {
            i64::from(first_day_of_week(at.date(), week_start).num_days_from_ce()).div_euclid(7)
        }
        Frequency::Daily => day,
        Frequency::Hourly => day * 24 + i64::from(at.hour()),
        Frequency::Minutely | Frequency::Secondly => return None,
    })
}

/// The local time at which the period holding `at` begins.
fn period_start(freq: Frequency, week_start: Weekday, at: NaiveDateTime) -> Option<NaiveDateTime> {
    let date = at.date();
    let first_day = match freq {
        Frequency::Yearly => NaiveDate::from_ymd_opt(date.year(), 1, 1),
        Frequency::Monthly => date.with_day(1),
        Frequency::Weekly => Some(first_day_of_week(date, week_start)),
        Frequency::Daily => Some(date),
        Frequency::Hourly => return date.and_hms_opt(at.hour(), 0, 0),
        Frequency::Minutely | Frequency::Secondly => None,
    };
    first_day.map(|day| day.and_time(NaiveTime::MIN))
}

fn first_day_of_week(date: NaiveDate, week_start: Weekday) -> NaiveDate {
    let days_into_week = date.weekday().days_since(week_start);
    date - Days::new(u64::from(days_into_week))
}

/// `from` moved on by `units` of the rule's frequency, in local wall-clock terms.
fn advance(freq: Frequency, from: NaiveDateTime, units: i64) -> Option<NaiveDateTime> {
    let count = u32::try_from(units).ok()?;
    match freq {
        Frequency::Yearly => from.checked_add_months(Months::new(count.checked_mul(12)?)),
        Frequency::Monthly => from.checked_add_months(Months::new(count)),
        Frequency::Weekly => from.checked_add_days(Days::new(u64::from(count) * 7)),
        Frequency::Daily => from.checked_add_days(Days::new(u64::from(count))),
        Frequency::Hourly => from.checked_add_signed(TimeDelta::try_hours(units)?),
        Frequency::Minutely | Frequency::Secondly => None,
    }
}

/// The instant at which to restart iteration for a period beginning at local `local`.
/// rrule reads its period counter from the start's local fields, so the instant must
/// stay in that period: the same hour for hourly rules, the same day otherwise (a DST gap
/// at midnight moves the start later that day, still before every instance of it).
fn instant_on_grid(tz: Tz, freq: Frequency, local: NaiveDateTime) -> Option<DateTime<rrule::Tz>> {
    let instant = local_instant(tz, local)?;
    let resolved = instant.with_timezone(&tz).naive_local();
    let same_period = match freq {
        Frequency::Hourly => resolved == local,
        _ => resolved.date() == local.date(),
    };
    same_period.then(|| instant.with_timezone(&rrule_tz(tz)))
}

fn describe_rule(rule: &RRule<Unvalidated>, anchor: Option<NaiveDate>) -> String {
    let interval = rule.get_interval().max(1);
    let weekdays: Vec<NWeekday> = rule.get_by_weekday().to_vec();
    let plain_days: Vec<Weekday> = weekdays
        .iter()
        .filter_map(|d| match d {
            NWeekday::Every(day) => Some(*day),
            NWeekday::Nth(..) => None,
        })
        .collect();
    let is_workweek = plain_days.len() == 5
        && weekdays.len() == 5
        && [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ]
        .iter()
        .all(|d| plain_days.contains(d));

    let mut text = match rule.get_freq() {
        Frequency::Weekly | Frequency::Daily if is_workweek && interval == 1 => {
            "Every weekday".to_owned()
        }
        Frequency::Daily => every(interval, "days", "Every day"),
        Frequency::Hourly => every(interval, "hours", "Every hour"),
        Frequency::Minutely => every(interval, "minutes", "Every minute"),
        Frequency::Secondly => every(interval, "seconds", "Every second"),
        Frequency::Weekly => {
            let base = every(interval, "weeks", "Weekly");
            let days = if plain_days.is_empty() {
                anchor.map(|a| vec![a.weekday()]).unwrap_or_default()
            } else {
                plain_days
            };
            if days.is_empty() {
                base
            } else {
                format!(
                    "{base} on {}",
                    join_words(days.iter().map(|d| weekday_name(*d).to_owned()).collect())
                )
            }
        }
        Frequency::Monthly => {
            let base = every(interval, "months", "Monthly");
            match month_position(rule, anchor) {
                Some(position) => format!("{base} on {position}"),
                None => base,
            }
        }
        Frequency::Yearly => {
            let base = every(interval, "years", "Yearly");
            let month = rule
                .get_by_month()
                .first()
                .and_then(|m| chrono::Month::try_from(*m).ok())
                .or_else(|| anchor.and_then(|a| chrono::Month::try_from(a.month() as u8).ok()));
            let day = rule
                .get_by_month_day()
                .first()
                .map(|d| i32::from(*d))
                .or_else(|| anchor.map(|a| a.day() as i32));
            match (month, day) {
                (Some(month), Some(-1)) => format!("{base} on the last day of {}", month.name()),
                (Some(month), Some(day)) => format!("{base} on {} {day}", month.name()),
                _ => base,
            }
        }
    };
    if let Some(count) = rule.get_count() {
        text.push_str(&if count == 1 {
            ", once".to_owned()
        } else {
            format!(", {count} times")
        });
    }
    if let Some(until) = rule.get_until() {
        text.push_str(&format!(", until {}", until.format("%Y-%m-%d")));
    }
    text
}

fn every(interval: u16, unit_plural: &str, single: &str) -> String {
    if interval == 1 {
        single.to_owned()
    } else {
        format!("Every {interval} {unit_plural}")
    }
}

fn month_position(rule: &RRule<Unvalidated>, anchor: Option<NaiveDate>) -> Option<String> {
    let set_pos = rule.get_by_set_pos().first().copied();
    match (rule.get_by_weekday(), rule.get_by_month_day()) {
        ([NWeekday::Nth(n, day)], _) => Some(format!(
            "the {} {}",
            ordinal_position(i32::from(*n)),
            weekday_name(*day)
        )),
        ([NWeekday::Every(day)], _) if set_pos.is_some() => Some(format!(
            "the {} {}",
            ordinal_position(set_pos.unwrap_or(1)),
            weekday_name(*day)
        )),
        (days, _) if !days.is_empty() => None,
        (_, [-1]) => Some("the last day".to_owned()),
        (_, [day]) if *day > 0 => Some(format!("the {}", ordinal(i32::from(*day)))),
        (_, [day]) => Some(format!("the {} to last day", ordinal(-i32::from(*day)))),
        (_, []) => anchor.map(|a| {
            let day = a.day() as i32;
            if day >= 29 {
                format!("the {} (or the last day of shorter months)", ordinal(day))
            } else {
                format!("the {}", ordinal(day))
            }
        }),
        (_, days) => Some(format!(
            "days {}",
            join_words(days.iter().map(|d| d.to_string()).collect())
        )),
    }
}

fn ordinal_position(n: i32) -> String {
    match n {
        -1 => "last".to_owned(),
        -2 => "second to last".to_owned(),
        n if n > 0 => ordinal(n),
        n => format!("{} to last", ordinal(-n)),
    }
}

fn ordinal(n: i32) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, r) if r != 11 => "st",
        (2, r) if r != 12 => "nd",
        (3, r) if r != 13 => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

fn join_words(words: Vec<String>) -> String {
    match words.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

impl fmt::Display for Recurrence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.rule, self.mode)
    }
}

#[cfg(test)]
#[path = "recurrence_properties.rs"]
mod properties;

#[cfg(test)]
mod tests {

    use super::*;
    use chrono::{NaiveDate, TimeZone as _};
    use chrono_tz::Europe::Berlin;

    fn berlin(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Berlin
            .from_local_datetime(
                &NaiveDate::from_ymd_opt(y, m, d)
                    .unwrap()
                    .and_hms_opt(h, min, 0)
                    .unwrap(),
            )
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    fn preset(p: RecurrencePreset, mode: RecurrenceMode) -> Recurrence {
        Recurrence::from_input(Some(p), None, mode).unwrap()
    }

    fn custom(rule: &str, mode: RecurrenceMode) -> Recurrence {
        Recurrence::from_input(None, Some(rule), mode).unwrap()
    }

    /// Completes each occurrence right at its due time and collects the due dates.
    fn series(recurrence: &Recurrence, first_due: DateTime<Utc>, n: usize) -> Vec<DateTime<Utc>> {
        let mut position = SeriesPosition {
            anchor: first_due,
            due: first_due,
            occurrence_number: 1,
            time_zone: Berlin,
        };
        let mut dues = vec![first_due];
        while dues.len() < n {
            let Some(next) = recurrence.next_occurrence(&position, position.due) else {
                break;
            };
            dues.push(next.due);
            position = SeriesPosition {
                anchor: next.anchor,
                due: next.due,
                occurrence_number: next.occurrence_number,
                time_zone: Berlin,
            };
        }
        dues
    }

    #[test]
    fn monthly_on_the_31st_clamps_to_month_end_and_returns() {
        let monthly = preset(RecurrencePreset::Monthly, RecurrenceMode::FromDueDate);
        let dues = series(&monthly, berlin(2027, 1, 31, 9, 0), 6);
        assert_eq!(
            dues,
            vec![
                berlin(2027, 1, 31, 9, 0),
                berlin(2027, 2, 28, 9, 0),
                berlin(2027, 3, 31, 9, 0),
                berlin(2027, 4, 30, 9, 0),
                berlin(2027, 5, 31, 9, 0),
                berlin(2027, 6, 30, 9, 0),
            ]
        );
    }

    #[test]
    fn the_portable_rule_expands_to_the_services_dates_under_plain_rfc_5545() {
        for (rule, start) in [
            ("FREQ=MONTHLY", berlin(2027, 1, 31, 9, 0)),
            ("FREQ=MONTHLY;INTERVAL=2", berlin(2027, 8, 30, 9, 0)),
            ("FREQ=MONTHLY;COUNT=4", berlin(2027, 1, 29, 9, 0)),
            ("FREQ=YEARLY", berlin(2028, 2, 29, 9, 0)),
            ("FREQ=MONTHLY", berlin(2027, 1, 15, 9, 0)),
            ("FREQ=WEEKLY;BYDAY=MO,FR", berlin(2027, 3, 22, 9, 0)),
        ] {
            let recurrence = custom(rule, RecurrenceMode::FromDueDate);
            let ours = series(&recurrence, start, 6);
            let local = start.with_timezone(&Berlin);
            let text = format!(
                "DTSTART;TZID=Europe/Berlin:{}\nRRULE:{}",
                local.format("%Y%m%dT%H%M%S"),
                recurrence.portable_rule(local.date_naive())
            );
            let set: RRuleSet = text.parse().unwrap();
            let theirs: Vec<DateTime<Utc>> = set
                .all(6)
                .dates
                .iter()
                .map(|date| date.with_timezone(&Utc))
                .collect();
            assert_eq!(ours, theirs, "{rule} from {local}");
        }
    }

    #[test]
    fn monthly_on_the_31st_gives_feb_29_in_a_leap_year() {
        let monthly = preset(RecurrencePreset::Monthly, RecurrenceMode::FromDueDate);
        let dues = series(&monthly, berlin(2028, 1, 31, 9, 0), 3);
        assert_eq!(dues[1], berlin(2028, 2, 29, 9, 0));
        assert_eq!(dues[2], berlin(2028, 3, 31, 9, 0));
    }

    #[test]
    fn monthly_on_the_30th_keeps_the_30th() {
        let monthly = preset(RecurrencePreset::Monthly, RecurrenceMode::FromDueDate);
        let dues = series(&monthly, berlin(2027, 1, 30, 9, 0), 4);
        assert_eq!(dues[1], berlin(2027, 2, 28, 9, 0));
        assert_eq!(dues[2], berlin(2027, 3, 30, 9, 0));
        assert_eq!(dues[3], berlin(2027, 4, 30, 9, 0));
    }

    #[test]
    fn yearly_on_feb_29_falls_on_feb_28_in_common_years() {
        let yearly = preset(RecurrencePreset::Yearly, RecurrenceMode::FromDueDate);
        let dues = series(&yearly, berlin(2028, 2, 29, 9, 0), 5);
        assert_eq!(dues[1], berlin(2029, 2, 28, 9, 0));
        assert_eq!(dues[4], berlin(2032, 2, 29, 9, 0));
    }

    #[test]
    fn daily_at_nine_stays_nine_local_across_both_dst_switches() {
        let daily = preset(RecurrencePreset::Daily, RecurrenceMode::FromDueDate);
        // Spring forward on 2027-03-28, fall back on 2027-10-31.
        for first in [berlin(2027, 3, 26, 9, 0), berlin(2027, 10, 29, 9, 0)] {
            let dues = series(&daily, first, 5);
            for due in &dues {
                let local = due.with_timezone(&Berlin);
                assert_eq!((local.format("%H:%M").to_string()), "09:00", "{local}");
            }
            // The UTC offset really changed: the instants are not 24 h apart.
            let gaps: Vec<i64> = dues.windows(2).map(|w| (w[1] - w[0]).num_hours()).collect();
            assert!(gaps.contains(&23) || gaps.contains(&25), "{gaps:?}");
        }
    }

    #[test]
    fn from_due_date_skips_missed_instances() {
        let daily = preset(RecurrencePreset::Daily, RecurrenceMode::FromDueDate);
        let due = berlin(2027, 5, 3, 9, 0);
        let position = SeriesPosition {
            anchor: due,
            due,
            occurrence_number: 1,
            time_zone: Berlin,
        };
        // Completed five days late, in the afternoon.
        let next = daily
            .next_occurrence(&position, berlin(2027, 5, 8, 15, 0))
            .unwrap();
        assert_eq!(next.due, berlin(2027, 5, 9, 9, 0));
        assert_eq!(next.anchor, due);
    }

    #[test]
    fn completing_early_moves_to_the_instance_after_the_due_date() {
        let weekly = preset(RecurrencePreset::Weekly, RecurrenceMode::FromDueDate);
        let due = berlin(2027, 5, 10, 9, 0);
        let position = SeriesPosition {
            anchor: due,
            due,
            occurrence_number: 1,
            time_zone: Berlin,
        };
        let next = weekly
            .next_occurrence(&position, berlin(2027, 5, 7, 12, 0))
            .unwrap();
        assert_eq!(next.due, berlin(2027, 5, 17, 9, 0));
    }

    #[test]
    fn from_completion_restarts_on_the_completion_day_at_the_usual_time() {
        let every_three_days = custom("FREQ=DAILY;INTERVAL=3", RecurrenceMode::FromCompletion);
        // Usual time 09:00; due Saturday 2027-05-01, completed Tuesday 2027-05-04 15:00.
        let due = berlin(2027, 5, 1, 9, 0);
        let position = SeriesPosition {
            anchor: due,
            due,
            occurrence_number: 1,
            time_zone: Berlin,
        };
        let next = every_three_days
            .next_occurrence(&position, berlin(2027, 5, 4, 15, 0))
            .unwrap();
        assert_eq!(next.due, berlin(2027, 5, 7, 9, 0));
        assert_eq!(next.due.with_timezone(&Berlin).weekday(), Weekday::Fri);
        assert_eq!(next.anchor, next.due);
    }

    #[test]
    fn count_ends_the_series_after_its_last_occurrence() {
        let three = custom("FREQ=DAILY;COUNT=3", RecurrenceMode::FromDueDate);
        let dues = series(&three, berlin(2027, 5, 1, 9, 0), 10);
        assert_eq!(dues.len(), 3);
        let three = custom("FREQ=DAILY;COUNT=3", RecurrenceMode::FromCompletion);
        assert_eq!(series(&three, berlin(2027, 5, 1, 9, 0), 10).len(), 3);
    }

    #[test]
    fn a_passed_until_yields_no_next_occurrence() {
        let rule = custom(
            "FREQ=DAILY;UNTIL=20270503T000000Z",
            RecurrenceMode::FromDueDate,
        );
        let due = berlin(2027, 5, 1, 9, 0);
        let position = SeriesPosition {
            anchor: due,
            due,
            occurrence_number: 1,
            time_zone: Berlin,
        };
        assert!(
            rule.next_occurrence(&position, berlin(2027, 5, 1, 10, 0))
                .is_some()
        );
        assert!(
            rule.next_occurrence(&position, berlin(2027, 5, 4, 10, 0))
                .is_none()
        );
        let rule = custom(
            "FREQ=DAILY;UNTIL=20270503T000000Z",
            RecurrenceMode::FromCompletion,
        );
        assert!(
            rule.next_occurrence(&position, berlin(2027, 5, 4, 10, 0))
                .is_none()
        );
    }

    #[test]
    fn rejects_bad_rules() {
        for bad in [
            "FREQ=SOMETIMES",
            "FREQ=MINUTELY",
            "FREQ=SECONDLY",
            "BYDAY=MO",
            "FREQ=DAILY;BYHOUR=25",
            "DTSTART:20270101T000000Z\nRRULE:FREQ=DAILY",
            "FREQ=DAILY;INTERVAL=banana",
        ] {
            assert!(
                Recurrence::from_input(None, Some(bad), RecurrenceMode::FromDueDate).is_err(),
                "{bad}"
            );
        }
        let due = berlin(2027, 5, 1, 9, 0);
        for too_often in [
            "FREQ=HOURLY;BYMINUTE=0,30",
            "FREQ=DAILY;BYHOUR=9;BYMINUTE=0,10",
        ] {
            let r = custom(too_often, RecurrenceMode::FromDueDate);
            assert!(r.validate_schedule(due, Berlin).is_err(), "{too_often}");
        }
        let hourly = custom("FREQ=HOURLY", RecurrenceMode::FromDueDate);
        assert!(hourly.validate_schedule(due, Berlin).is_ok());
        let past_until = custom(
            "FREQ=DAILY;UNTIL=20260101T000000Z",
            RecurrenceMode::FromDueDate,
        );
        assert!(past_until.validate_schedule(due, Berlin).is_err());
        let never = custom(
            "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
            RecurrenceMode::FromDueDate,
        );
        assert!(never.validate_schedule(due, Berlin).is_err());
    }

    #[test]
    fn the_first_weekday_of_a_month_keeps_its_position() {
        let first_monday = custom("FREQ=MONTHLY;BYDAY=1MO,-1FR", RecurrenceMode::FromDueDate);
        assert_eq!(first_monday.rule(), "FREQ=MONTHLY;BYDAY=1MO,-1FR");
        let dues = series(&first_monday, berlin(2027, 2, 1, 9, 0), 3);
        assert_eq!(
            dues,
            vec![
                berlin(2027, 2, 1, 9, 0),
                berlin(2027, 2, 26, 9, 0),
                berlin(2027, 3, 1, 9, 0)
            ]
        );
    }

    #[test]
    fn preset_and_rule_resolution() {
        assert!(
            Recurrence::from_input(
                Some(RecurrencePreset::Custom),
                None,
                RecurrenceMode::FromDueDate
            )
            .is_err()
        );
        assert!(Recurrence::from_input(None, None, RecurrenceMode::FromDueDate).is_err());
        assert!(
            Recurrence::from_input(
                Some(RecurrencePreset::Daily),
                Some("FREQ=DAILY"),
                RecurrenceMode::FromDueDate
            )
            .is_err()
        );
        let weekdays = custom(
            "rrule:freq=weekly;byday=mo,tu,we,th,fr",
            RecurrenceMode::FromDueDate,
        );
        assert_eq!(weekdays.preset(), RecurrencePreset::Weekdays);
        let custom_rule = Recurrence::from_input(
            Some(RecurrencePreset::Custom),
            Some("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE"),
            RecurrenceMode::FromDueDate,
        )
        .unwrap();
        assert_eq!(custom_rule.preset(), RecurrencePreset::Custom);
    }

    #[test]
    fn descriptions_read_naturally() {
        let anchor = Some(
            berlin(2027, 1, 31, 9, 0)
                .with_timezone(&Berlin)
                .date_naive(),
        );
        let cases = [
            ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "Every weekday"),
            (
                "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE",
                "Every 2 weeks on Monday and Wednesday",
            ),
            (
                "FREQ=WEEKLY;INTERVAL=3;BYDAY=MO,WE,FR",
                "Every 3 weeks on Monday, Wednesday and Friday",
            ),
            ("FREQ=MONTHLY;BYMONTHDAY=-1", "Monthly on the last day"),
            (
                "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=2",
                "Monthly on the 2nd Monday",
            ),
            ("FREQ=MONTHLY;BYDAY=-1FR", "Monthly on the last Friday"),
            ("FREQ=DAILY", "Every day"),
            ("FREQ=DAILY;INTERVAL=3;COUNT=5", "Every 3 days, 5 times"),
            ("FREQ=WEEKLY", "Weekly on Sunday"),
            (
                "FREQ=MONTHLY",
                "Monthly on the 31st (or the last day of shorter months)",
            ),
            ("FREQ=YEARLY", "Yearly on January 31"),
        ];
        for (rule, expected) in cases {
            assert_eq!(
                custom(rule, RecurrenceMode::FromDueDate).describe(anchor),
                expected,
                "{rule}"
            );
        }
    }

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn at(tz: Tz, y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        let local = NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, 0)
            .unwrap();
        local_instant(tz, local).unwrap()
    }

    fn start_of(due: DateTime<Utc>, tz: Tz) -> SeriesPosition {
        SeriesPosition {
            anchor: due,
            due,
            occurrence_number: 1,
            time_zone: tz,
        }
    }

    /// The first instance after `threshold`, found by walking every instance from the
    /// start: what skipping ahead must agree with.
    fn walked(
        rule: &str,
        start: DateTime<Utc>,
        tz: Tz,
        threshold: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let set = build_set(
            parse_rule(rule).unwrap(),
            start.with_timezone(&rrule_tz(tz)),
        )
        .unwrap();
        set.into_iter()
            .take(2_000_000)
            .map(|instance| instance.with_timezone(&Utc))
            .find(|instance| *instance > threshold)
    }

    #[test]
    fn an_hourly_series_missed_for_years_resumes_at_the_next_hour() {
        // 2020-01-01 to late 2026 is ~60,000 missed hourly instances.
        let hourly = custom("FREQ=HOURLY", RecurrenceMode::FromDueDate);
        let due = at(Berlin, 2020, 1, 1, 0, 30);
        let completed = utc("2026-11-26T21:47:13Z");
        let next = hourly
            .next_or_end(&start_of(due, Berlin), completed)
            .unwrap();
        assert_eq!(next.due, utc("2026-11-26T22:30:00Z"));
        assert_eq!(next.anchor, due);
        assert_eq!(next.occurrence_number, 2);
    }

    #[test]
    fn a_daily_series_from_1800_resumes_tomorrow_at_its_local_time() {
        // Berlin kept local mean time (+00:53:28) in 1800; 09:00 local stays 09:00 local.
        let daily = preset(RecurrencePreset::Daily, RecurrenceMode::FromDueDate);
        let due = at(Berlin, 1800, 1, 1, 9, 0);
        for (completed, expected) in [
            ("2026-11-26T21:47:13Z", berlin(2026, 11, 27, 9, 0)),
            ("2026-07-01T06:00:00Z", berlin(2026, 7, 1, 9, 0)),
        ] {
            let next = daily
                .next_or_end(&start_of(due, Berlin), utc(completed))
                .unwrap();
            assert_eq!(next.due, expected, "{completed}");
        }
    }

    #[test]
    fn skipping_ahead_agrees_with_walking_for_awkward_rules() {
        let new_york = chrono_tz::America::New_York;
        let cases = [
            (
                "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE",
                at(Berlin, 2001, 1, 3, 18, 0),
                Berlin,
            ),
            (
                "FREQ=WEEKLY;INTERVAL=3;BYDAY=SU,TH;WKST=SU",
                at(new_york, 1999, 12, 30, 7, 15),
                new_york,
            ),
            (
                "FREQ=WEEKLY;INTERVAL=2",
                at(Berlin, 2003, 5, 7, 9, 0),
                Berlin,
            ),
            ("FREQ=MONTHLY", at(Berlin, 1990, 1, 31, 9, 0), Berlin),
            (
                "FREQ=MONTHLY;INTERVAL=5",
                at(Berlin, 1991, 8, 30, 9, 0),
                Berlin,
            ),
            ("FREQ=YEARLY", at(Berlin, 1904, 2, 29, 9, 0), Berlin),
            (
                "FREQ=YEARLY;INTERVAL=3",
                at(new_york, 1908, 2, 29, 23, 30),
                new_york,
            ),
            (
                "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
                at(Berlin, 1950, 3, 31, 17, 0),
                Berlin,
            ),
            (
                "FREQ=MONTHLY;INTERVAL=2;BYDAY=MO;BYSETPOS=2",
                at(Berlin, 1980, 2, 11, 8, 0),
                Berlin,
            ),
            (
                "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
                at(Berlin, 1985, 3, 31, 2, 30),
                Berlin,
            ),
            (
                "FREQ=DAILY;INTERVAL=7;BYHOUR=6,18",
                at(new_york, 1970, 1, 1, 6, 0),
                new_york,
            ),
            (
                "FREQ=HOURLY;INTERVAL=5;BYDAY=SA,SU",
                at(Berlin, 2015, 3, 28, 23, 10),
                Berlin,
            ),
            (
                "FREQ=DAILY;UNTIL=20300101T000000Z",
                at(Berlin, 1960, 6, 1, 12, 0),
                Berlin,
            ),
        ];
        let thresholds = [
            utc("2026-11-26T21:47:13Z"),
            utc("2027-03-28T01:30:00Z"),
            utc("2027-02-28T08:00:00Z"),
            utc("2028-02-29T12:00:00Z"),
            utc("2029-12-31T23:59:59Z"),
        ];
        for (rule, start, tz) in cases {
            let recurrence = custom(rule, RecurrenceMode::FromDueDate);
            recurrence.validate_schedule(start, tz).unwrap();
            for threshold in thresholds {
                let next = recurrence
                    .next_or_end(&start_of(start, tz), threshold)
                    .map(|n| n.due);
                assert_eq!(
                    next.ok(),
                    walked(rule, start, tz, threshold),
                    "{rule} after {threshold}"
                );
            }
        }
    }

    #[test]
    fn month_end_rules_keep_clamping_after_a_long_gap() {
        let monthly = preset(RecurrencePreset::Monthly, RecurrenceMode::FromDueDate);
        let position = start_of(berlin(1990, 1, 31, 9, 0), Berlin);
        let after = |completed| monthly.next_or_end(&position, completed).unwrap().due;
        assert_eq!(after(berlin(2027, 2, 10, 0, 0)), berlin(2027, 2, 28, 9, 0));
        assert_eq!(after(berlin(2027, 3, 1, 0, 0)), berlin(2027, 3, 31, 9, 0));
        assert_eq!(after(berlin(2028, 2, 1, 0, 0)), berlin(2028, 2, 29, 9, 0));

        let yearly = preset(RecurrencePreset::Yearly, RecurrenceMode::FromDueDate);
        let position = start_of(berlin(1904, 2, 29, 9, 0), Berlin);
        let after = |completed| yearly.next_or_end(&position, completed).unwrap().due;
        assert_eq!(after(berlin(2027, 1, 1, 0, 0)), berlin(2027, 2, 28, 9, 0));
        assert_eq!(after(berlin(2027, 3, 1, 0, 0)), berlin(2028, 2, 29, 9, 0));
    }

    #[test]
    fn any_gap_is_crossed_in_bounded_time() {
        // Year 1 to year 9999: billions of seconds, ~88 million hourly instances.
        let started = std::time::Instant::now();
        let hourly = custom("FREQ=HOURLY;BYMINUTE=15", RecurrenceMode::FromDueDate);
        let due = utc("0001-01-01T00:15:00Z");
        let next = hourly
            .next_or_end(&start_of(due, Tz::UTC), utc("9999-12-31T22:20:00Z"))
            .unwrap();
        assert_eq!(next.due, utc("9999-12-31T23:15:00Z"));
        let weekly = custom(
            "FREQ=WEEKLY;INTERVAL=3;BYDAY=TU,FR",
            RecurrenceMode::FromDueDate,
        );
        let due = at(Berlin, 1, 1, 2, 9, 0);
        assert!(
            weekly
                .next_or_end(&start_of(due, Berlin), utc("9999-01-01T00:00:00Z"))
                .is_ok()
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn a_series_that_would_leave_year_9999_ends_out_of_range() {
        let daily = preset(RecurrencePreset::Daily, RecurrenceMode::FromDueDate);
        let due = utc("9999-12-31T09:00:00Z");
        assert_eq!(
            daily.next_or_end(&start_of(due, Tz::UTC), utc("2026-11-26T21:00:00Z")),
            Err(SeriesEnd::OutOfRange)
        );
        // Local time is still 9999 in UTC-10, but the instant is not.
        let honolulu = chrono_tz::Pacific::Honolulu;
        let due = at(honolulu, 9999, 12, 30, 15, 0);
        assert_eq!(
            daily.next_or_end(&start_of(due, honolulu), due),
            Err(SeriesEnd::OutOfRange)
        );
        let yearly = preset(RecurrencePreset::Yearly, RecurrenceMode::FromDueDate);
        let due = utc("9999-03-01T09:00:00Z");
        assert_eq!(
            yearly.next_or_end(&start_of(due, Tz::UTC), due),
            Err(SeriesEnd::OutOfRange)
        );
        // From completion: restarting on 9999-12-31 leads into year 10000.
        let every_day = custom("FREQ=DAILY", RecurrenceMode::FromCompletion);
        let due = utc("9999-12-30T09:00:00Z");
        assert_eq!(
            every_day.next_or_end(&start_of(due, Tz::UTC), utc("9999-12-31T12:00:00Z")),
            Err(SeriesEnd::OutOfRange)
        );
        // The last day in range is still reached.
        let due = utc("9999-12-30T09:00:00Z");
        assert_eq!(
            daily
                .next_or_end(&start_of(due, Tz::UTC), due)
                .map(|n| n.due),
            Ok(utc("9999-12-31T09:00:00Z"))
        );
    }

    #[test]
    fn ended_series_say_why() {
        let three = custom("FREQ=DAILY;COUNT=3", RecurrenceMode::FromDueDate);
        let due = berlin(2027, 5, 1, 9, 0);
        let third = SeriesPosition {
            due: berlin(2027, 5, 3, 9, 0),
            occurrence_number: 3,
            ..start_of(due, Berlin)
        };
        assert_eq!(
            three.next_or_end(&third, third.due),
            Err(SeriesEnd::CountReached)
        );
        // Missed instances count: completing the first a week late ends the series.
        assert_eq!(
            three.next_or_end(&start_of(due, Berlin), berlin(2027, 5, 8, 9, 0)),
            Err(SeriesEnd::CountReached)
        );
        let until = custom(
            "FREQ=DAILY;UNTIL=20270503T000000Z",
            RecurrenceMode::FromDueDate,
        );
        assert_eq!(
            until.next_or_end(&start_of(due, Berlin), berlin(2027, 5, 4, 10, 0)),
            Err(SeriesEnd::UntilPassed)
        );
        let until = custom(
            "FREQ=DAILY;UNTIL=20270503T000000Z",
            RecurrenceMode::FromCompletion,
        );
        assert_eq!(
            until.next_or_end(&start_of(due, Berlin), berlin(2027, 5, 4, 10, 0)),
            Err(SeriesEnd::UntilPassed)
        );
        // Long past its UNTIL, a rule without COUNT skips ahead and still says why.
        let old = custom(
            "FREQ=HOURLY;UNTIL=20210101T000000Z",
            RecurrenceMode::FromDueDate,
        );
        assert_eq!(
            old.next_or_end(
                &start_of(utc("2020-01-01T00:00:00Z"), Berlin),
                utc("2026-01-01T00:00:00Z")
            ),
            Err(SeriesEnd::UntilPassed)
        );
    }

    #[test]
    fn count_is_bounded_so_a_count_series_is_always_walked_to_its_end() {
        let too_many = Recurrence::from_input(
            None,
            Some("FREQ=HOURLY;COUNT=10001"),
            RecurrenceMode::FromDueDate,
        )
        .unwrap_err();
        assert!(too_many.message.contains("COUNT"), "{too_many}");
        // The largest allowed COUNT, missed for years: ended, not found by luck.
        let most = custom("FREQ=HOURLY;COUNT=10000", RecurrenceMode::FromDueDate);
        let due = utc("2020-01-01T00:00:00Z");
        assert_eq!(
            most.next_or_end(&start_of(due, Tz::UTC), utc("2026-11-26T21:00:00Z")),
            Err(SeriesEnd::CountReached)
        );
        // Its 10,000th instance is still found.
        assert_eq!(
            most.next_or_end(&start_of(due, Tz::UTC), utc("2021-02-20T14:30:00Z"))
                .map(|n| n.due),
            Ok(utc("2021-02-20T15:00:00Z"))
        );
    }

    #[test]
    fn a_series_starts_on_the_rules_first_match_on_or_after_the_date_given() {
        let weekdays = preset(RecurrencePreset::Weekdays, RecurrenceMode::FromDueDate);
        // Saturday 09:00 before the spring DST change starts on Monday 09:00 after it.
        assert_eq!(
            weekdays.first_due(berlin(2027, 3, 27, 9, 0), Berlin),
            Ok(berlin(2027, 3, 29, 9, 0))
        );
        // And across the autumn one.
        assert_eq!(
            weekdays.first_due(berlin(2027, 10, 30, 9, 0), Berlin),
            Ok(berlin(2027, 11, 1, 9, 0))
        );
        let second_monday = custom("FREQ=MONTHLY;BYDAY=2MO", RecurrenceMode::FromDueDate);
        assert_eq!(
            second_monday.first_due(berlin(2027, 1, 3, 18, 30), Berlin),
            Ok(berlin(2027, 1, 11, 18, 30))
        );
        let last_day = custom("FREQ=MONTHLY;BYMONTHDAY=-1", RecurrenceMode::FromDueDate);
        assert_eq!(
            last_day.first_due(berlin(2027, 2, 10, 8, 0), Berlin),
            Ok(berlin(2027, 2, 28, 8, 0))
        );
    }

    #[test]
    fn a_start_the_rule_matches_stays_where_it_is() {
        let weekly = preset(RecurrencePreset::Weekly, RecurrenceMode::FromDueDate);
        assert_eq!(
            weekly.first_due(berlin(2027, 3, 27, 9, 0), Berlin),
            Ok(berlin(2027, 3, 27, 9, 0))
        );
        let monthly = preset(RecurrencePreset::Monthly, RecurrenceMode::FromDueDate);
        assert_eq!(
            monthly.first_due(berlin(2027, 1, 31, 9, 0), Berlin),
            Ok(berlin(2027, 1, 31, 9, 0))
        );
        let weekdays = preset(RecurrencePreset::Weekdays, RecurrenceMode::FromDueDate);
        assert_eq!(
            weekdays.first_due(berlin(2027, 1, 11, 9, 0), Berlin),
            Ok(berlin(2027, 1, 11, 9, 0))
        );
    }
}
