//! Property tests for recurrence: random rules, zones and starts (DST transition days and
//! month ends included). The seed is fixed so a run is repeatable; the case counts keep
//! a debug run to a few seconds.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use proptest::test_runner::RngSeed;

use super::{
    Recurrence, RecurrenceMode, SeriesEnd, SeriesPosition, build_set, local_instant, parse_rule,
    rrule_tz,
};

const ZONES: [Tz; 6] = [
    chrono_tz::Europe::Berlin,
    chrono_tz::America::New_York,
    chrono_tz::Australia::Lord_Howe,
    chrono_tz::Pacific::Chatham,
    chrono_tz::Asia::Kolkata,
    chrono_tz::UTC,
];

/// DST switches of the zones above in 2027 (Lord Howe moves by half an hour, Chatham
/// switches at 02:45).
const DST_DAYS: [(i32, u32, u32); 7] = [
    (2027, 3, 28),
    (2027, 10, 31),
    (2027, 3, 14),
    (2027, 11, 7),
    (2027, 4, 4),
    (2027, 10, 3),
    (2027, 9, 26),
];

const DAYS: [(&str, Weekday); 7] = [
    ("MO", Weekday::Mon),
    ("TU", Weekday::Tue),
    ("WE", Weekday::Wed),
    ("TH", Weekday::Thu),
    ("FR", Weekday::Fri),
    ("SA", Weekday::Sat),
    ("SU", Weekday::Sun),
];

/// Occurrences followed per case.
const CHAIN: usize = 12;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(0x0010_5eed),
        max_global_rejects: 10 * cases,
        ..ProptestConfig::default()
    }
}

/// What an instance of a generated rule must look like, checked independently of rrule.
#[derive(Debug, Clone, PartialEq)]
enum Shape {
    /// No day or time parts: the start supplies them.
    Bare,
    Weekdays(Vec<Weekday>),
    MonthDay(i8),
    Hours(Vec<u32>),
    /// Parts whose effect is only checked against walking the rule.
    Other,
}

#[derive(Debug, Clone)]
struct GeneratedRule {
    freq: &'static str,
    interval: u16,
    parts: String,
    shape: Shape,
    end: End,
}

#[derive(Debug, Clone, Copy)]
enum End {
    Open,
    Count(u32),
    UntilDays(i64),
}

impl GeneratedRule {
    fn text(&self, anchor: DateTime<Utc>) -> String {
        let end = match self.end {
            End::Open => String::new(),
            End::Count(count) => format!(";COUNT={count}"),
            End::UntilDays(days) => {
                format!(
                    ";UNTIL={}",
                    (anchor + Duration::days(days)).format("%Y%m%dT%H%M%SZ")
                )
            }
        };
        format!(
            "FREQ={};INTERVAL={}{}{end}",
            self.freq, self.interval, self.parts
        )
    }
}

fn weekdays() -> impl Strategy<Value = Vec<(&'static str, Weekday)>> {
    subsequence(DAYS.to_vec(), 1..=3)
}

fn by_day(days: &[(&str, Weekday)]) -> String {
    let names: Vec<&str> = days.iter().map(|(name, _)| *name).collect();
    format!(";BYDAY={}", names.join(","))
}

fn parts(freq: &'static str) -> BoxedStrategy<(String, Shape)> {
    let bare = Just((String::new(), Shape::Bare));
    let on_days = || {
        weekdays().prop_map(|days| {
            (
                by_day(&days),
                Shape::Weekdays(days.iter().map(|(_, d)| *d).collect()),
            )
        })
    };
    match freq {
        "DAILY" => prop_oneof![
            bare,
            on_days(),
            Just((";BYHOUR=8,20".to_owned(), Shape::Hours(vec![8, 20]))),
        ]
        .boxed(),
        "WEEKLY" => prop_oneof![
            bare,
            on_days(),
            on_days().prop_map(|(parts, shape)| (format!("{parts};WKST=SU"), shape)),
        ]
        .boxed(),
        "MONTHLY" => prop_oneof![
            bare,
            prop_oneof![Just(-1i8), 1i8..=31]
                .prop_map(|day| (format!(";BYMONTHDAY={day}"), Shape::MonthDay(day))),
            (select(vec![1, 2, 4, -1]), select(DAYS.to_vec())).prop_map(|(n, (day, weekday))| {
                (format!(";BYDAY={n}{day}"), Shape::Weekdays(vec![weekday]))
            }),
            (weekdays(), select(vec![1, 2, -1])).prop_map(|(days, pos)| {
                let shape = Shape::Weekdays(days.iter().map(|(_, d)| *d).collect());
                (format!("{};BYSETPOS={pos}", by_day(&days)), shape)
            }),
        ]
        .boxed(),
        "YEARLY" => prop_oneof![
            bare,
            (1u32..=12, 1i8..=31).prop_map(|(month, day)| (
                format!(";BYMONTH={month};BYMONTHDAY={day}"),
                Shape::MonthDay(day)
            )),
            (1u32..=12, select(DAYS.to_vec())).prop_map(|(month, (day, _))| (
                format!(";BYMONTH={month};BYDAY=-1{day}"),
                Shape::Other
            )),
        ]
        .boxed(),
        _ => prop_oneof![
            bare,
            Just((
                ";BYDAY=MO,TU,WE,TH,FR".to_owned(),
                Shape::Weekdays(vec![
                    Weekday::Mon,
                    Weekday::Tue,
                    Weekday::Wed,
                    Weekday::Thu,
                    Weekday::Fri
                ])
            )),
            Just((";BYHOUR=9,13,17".to_owned(), Shape::Hours(vec![9, 13, 17]))),
        ]
        .boxed(),
    }
}

fn rule() -> impl Strategy<Value = GeneratedRule> {
    let end = prop_oneof![
        6 => Just(End::Open),
        1 => (1u32..40).prop_map(End::Count),
        1 => (1i64..2000).prop_map(End::UntilDays),
    ];
    select(vec!["HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"])
        .prop_flat_map(move |freq| {
            let intervals = if freq == "HOURLY" { 1u16..=6 } else { 1u16..=4 };
            (Just(freq), intervals, parts(freq), end.clone())
        })
        .prop_map(|(freq, interval, (parts, shape), end)| GeneratedRule {
            freq,
            interval,
            parts,
            shape,
            end,
        })
}

/// A zone and a local start: any day over fifty years, month ends, and DST switch days
/// (and the days before them).
fn start() -> impl Strategy<Value = (Tz, NaiveDateTime)> {
    let any_day = (1990i32..2040, 1u32..=12, 1u32..=31);
    let month_end = (1990i32..2040, 1u32..=12, 28u32..=31);
    let date = prop_oneof![
        any_day.prop_filter_map("no such day", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)),
        month_end.prop_filter_map("no such day", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)),
        (select(DST_DAYS.to_vec()), 0u64..=2).prop_filter_map(
            "no such day",
            |((y, m, d), back)| {
                NaiveDate::from_ymd_opt(y, m, d)
                    .and_then(|day| day.checked_sub_days(chrono::Days::new(back)))
            }
        ),
    ];
    let time = (0u32..24, select(vec![0u32, 15, 30, 45]));
    (select(ZONES.to_vec()), date, time)
        .prop_filter_map("no such time", |(zone, date, (hour, minute))| {
            Some((zone, date.and_hms_opt(hour, minute, 0)?))
        })
}

/// The instances from `anchor` on, by walking every one; equal instants (rrule maps a
/// wall-clock time skipped by DST onto the next valid one) count once.
fn walked(rule: &str, anchor: DateTime<Utc>, tz: Tz) -> impl Iterator<Item = DateTime<Utc>> {
    let set = parse_rule(rule)
        .and_then(|parsed| build_set(parsed, anchor.with_timezone(&rrule_tz(tz))))
        .expect("validated rule builds");
    let mut previous: Option<DateTime<Utc>> = None;
    set.into_iter()
        .take(500_000)
        .map(|instance| instance.with_timezone(&Utc))
        .filter(move |instance| {
            let later = previous.is_none_or(|p| *instance > p);
            previous = Some(*instance);
            later
        })
}

fn position(anchor: DateTime<Utc>, due: DateTime<Utc>, number: u32, tz: Tz) -> SeriesPosition {
    SeriesPosition {
        anchor,
        due,
        occurrence_number: number,
        time_zone: tz,
    }
}

/// Builds the recurrence, or rejects the case when the validator refuses the rule for
/// this start (as a client would be refused).
fn accepted(rule: &str, anchor: DateTime<Utc>, tz: Tz) -> Option<Recurrence> {
    let recurrence = Recurrence::from_input(None, Some(rule), RecurrenceMode::FromDueDate).ok()?;
    recurrence.validate_schedule(anchor, tz).ok()?;
    Some(recurrence)
}

fn days_in_month(year: i32, month: u32) -> u32 {
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    };
    next.and_then(|n| n.pred_opt())
        .map_or(31, |last| last.day())
}

proptest! {
    #![proptest_config(config(160))]

    /// Completing each occurrence when it is due: every next occurrence is after the
    /// previous one, is an instance of the rule, has the rule's shape, keeps the
    /// wall-clock time across DST, and month-end rules return to their day.
    #[test]
    fn each_next_occurrence_follows_the_rule(generated in rule(), (tz, local) in start()) {
        let anchor = local_instant(tz, local).expect("every local time resolves");
        let text = generated.text(anchor);
        let recurrence = accepted(&text, anchor, tz);
        prop_assume!(recurrence.is_some());
        let recurrence = recurrence.expect("assumed");
        // The due date the series starts from is occurrence 1 of a COUNT, instance or not.
        let followed = match generated.end {
            End::Count(count) => CHAIN.min(count as usize - 1),
            _ => CHAIN,
        };
        let expected: Vec<DateTime<Utc>> =
            walked(&text, anchor, tz).filter(|i| *i > anchor).take(followed).collect();

        let anchor_local = anchor.with_timezone(&tz).naive_local();
        let mut current = position(anchor, anchor, 1, tz);
        let mut dues = Vec::new();
        while dues.len() < CHAIN {
            let Ok(next) = recurrence.next_or_end(&current, current.due) else { break };
            prop_assert!(next.due > current.due, "{text}: {} then {}", current.due, next.due);
            dues.push(next.due);
            current = position(next.anchor, next.due, next.occurrence_number, tz);
        }
        prop_assert_eq!(&dues, &expected, "{}", text);

        for due in &dues {
            let due_local = due.with_timezone(&tz).naive_local();
            let time_exists = tz.from_local_datetime(&due_local.date().and_time(anchor_local.time())).earliest().is_some();
            match &generated.shape {
                Shape::Weekdays(days) => prop_assert!(days.contains(&due_local.weekday()), "{text}: {due_local}"),
                Shape::MonthDay(day) => {
                    let wanted = if *day > 0 { i64::from(*day) } else { i64::from(days_in_month(due_local.year(), due_local.month())) + 1 + i64::from(*day) };
                    prop_assert_eq!(i64::from(due_local.day()), wanted, "{} {}", text, due_local);
                }
                Shape::Hours(hours) => {
                    // Unless the hour was skipped by DST and moved on.
                    let hour = chrono::Timelike::hour(&due_local);
                    prop_assert!(hours.contains(&hour) || hours.iter().any(|h| (h + 1) % 24 == hour), "{text}: {due_local}");
                }
                Shape::Bare | Shape::Other => {}
            }
            if generated.freq != "HOURLY" && !matches!(generated.shape, Shape::Hours(_)) && time_exists {
                prop_assert_eq!(due_local.time(), anchor_local.time(), "{} {}", text, due_local);
            }
            if generated.shape == Shape::Bare && generated.freq == "MONTHLY" {
                let wanted = anchor_local.day().min(days_in_month(due_local.year(), due_local.month()));
                prop_assert_eq!(due_local.day(), wanted, "{} {}", text, due_local);
            }
            if generated.shape == Shape::Bare && generated.freq == "YEARLY" {
                prop_assert_eq!(due_local.month(), anchor_local.month(), "{} {}", text, due_local);
                let wanted = anchor_local.day().min(days_in_month(due_local.year(), due_local.month()));
                prop_assert_eq!(due_local.day(), wanted, "{} {}", text, due_local);
            }
        }
    }

    /// Long after the due date, skipping ahead finds exactly what walking every missed
    /// instance finds, and an ended series says why.
    #[test]
    fn skipping_ahead_agrees_with_walking(
        generated in rule(),
        (tz, local) in start(),
        fraction in 0.0f64..1.0,
    ) {
        let anchor = local_instant(tz, local).expect("every local time resolves");
        let text = generated.text(anchor);
        let recurrence = accepted(&text, anchor, tz);
        prop_assume!(recurrence.is_some());
        let recurrence = recurrence.expect("assumed");
        // Gaps that the walk below can still afford for each frequency.
        let max_gap_hours = match generated.freq {
            "HOURLY" => 24.0 * 90.0,
            "DAILY" => 24.0 * 365.0 * 4.0,
            "WEEKLY" => 24.0 * 365.0 * 12.0,
            "MONTHLY" => 24.0 * 365.0 * 40.0,
            _ => 24.0 * 365.0 * 150.0,
        };
        // Whole seconds, to land on instances as well as between them.
        let gap = Duration::seconds((fraction * max_gap_hours * 3600.0) as i64 / 900 * 900);
        let threshold = anchor + gap;
        // The series' first due date is occurrence 1 of a COUNT, instance of the rule or not.
        let walked_next = match generated.end {
            End::Count(1) => None,
            _ => walked(&text, anchor, tz).find(|i| *i > threshold),
        };
        let result = recurrence.next_or_end(&position(anchor, anchor, 1, tz), threshold);
        match (walked_next, result) {
            (Some(expected), Ok(next)) => prop_assert_eq!(next.due, expected, "{}", text),
            (None, Err(end)) => {
                let expected_end = match generated.end {
                    End::Count(_) => SeriesEnd::CountReached,
                    End::UntilDays(_) => SeriesEnd::UntilPassed,
                    End::Open => SeriesEnd::OutOfRange,
                };
                prop_assert_eq!(end, expected_end, "{}", text);
            }
            (expected, result) => prop_assert!(false, "{text} after {threshold}: walked {expected:?}, got {result:?}"),
        }
    }
}
