//! Dates and times in the user's locale and time zone. The browser's `Intl` does the
//! zone arithmetic and the locale's names; the decisions (which word, which offset)
//! are plain functions, tested on their own.

use js_sys::{Array, Date, Object, Reflect};
use wasm_bindgen::{JsCast as _, JsValue};

use crate::api::DateTime;

/// A wall-clock reading in some zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Wall {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
}

impl Wall {
    /// This reading taken as if it were UTC, in milliseconds since the epoch.
    pub fn as_utc_ms(self) -> f64 {
        // Whole days since 1970 are far inside f64's exact integers.
        #[allow(clippy::cast_precision_loss)]
        let days = self.day_number() as f64;
        days * DAY_MS + f64::from(self.hour) * HOUR_MS + f64::from(self.minute) * MINUTE_MS
    }

    /// Days since the epoch of this reading's date: for "today", "tomorrow".
    pub fn day_number(self) -> i64 {
        days_from_civil(self.year, self.month, self.day)
    }

    /// `YYYY-MM-DD`, as `<input type=date>` takes it.
    pub fn date_input(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// `HH:MM`, as `<input type=time>` takes it.
    pub fn time_input(self) -> String {
        format!("{:02}:{:02}", self.hour, self.minute)
    }

    /// Reads `YYYY-MM-DD` and `HH:MM` (an empty time means 09:00, a calm default).
    pub fn parse(date: &str, time: &str) -> Option<Self> {
        let mut date_parts = date.trim().splitn(3, '-');
        let year = date_parts.next()?.parse().ok()?;
        let month: u32 = date_parts.next()?.parse().ok()?;
        let day: u32 = date_parts.next()?.parse().ok()?;
        let (hour, minute) = match time.trim() {
            "" => (9, 0),
            text => {
                let (h, m) = text.split_once(':')?;
                (h.parse().ok()?, m.get(..2).unwrap_or(m).parse().ok()?)
            }
        };
        let valid = (1..=12).contains(&month)
            && (1..=days_in_month(year, month)).contains(&day)
            && hour < 24
            && minute < 60;
        valid.then_some(Self {
            year,
            month,
            day,
            hour,
            minute,
        })
    }
}

const MINUTE_MS: f64 = 60_000.0;
const HOUR_MS: f64 = 3_600_000.0;
const DAY_MS: f64 = 86_400_000.0;

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(year: i32, month: u32, day: u32) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The instant at which a zone's clocks show the reading `wall_as_utc` (the reading
/// taken as if it were UTC). `offset_at(t)` is the zone's UTC offset in milliseconds at
/// instant `t`. In a fall-back overlap the first of the two instants wins; a reading
/// that a spring-forward gap skips moves forward by the gap (02:30 becomes 03:30).
pub fn resolve_local(wall_as_utc: f64, offset_at: impl Fn(f64) -> f64) -> f64 {
    // Offsets change at most once around any reading; the day before and the day after
    // give both offsets in play.
    let before = wall_as_utc - offset_at(wall_as_utc - DAY_MS);
    let after = wall_as_utc - offset_at(wall_as_utc + DAY_MS);
    let shows = |t: f64| t + offset_at(t) == wall_as_utc;
    match (shows(before), shows(after)) {
        (true, true) => before.min(after),
        (true, false) => before,
        (false, true) => after,
        (false, false) => before,
    }
}

/// Which word a date gets, relative to today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayWord {
    Yesterday,
    Today,
    Tomorrow,
    /// Within the coming week: the weekday's name is enough.
    ThisWeek,
    SameYear,
    OtherYear,
}

pub fn day_word(date: Wall, today: Wall) -> DayWord {
    match date.day_number() - today.day_number() {
        -1 => DayWord::Yesterday,
        0 => DayWord::Today,
        1 => DayWord::Tomorrow,
        2..=6 => DayWord::ThisWeek,
        _ if date.year == today.year => DayWord::SameYear,
        _ => DayWord::OtherYear,
    }
}

/// How a task's due date is shown in a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueLabel {
    pub text: String,
    pub overdue: bool,
    pub today: bool,
}

// ---- Intl-backed parts ----

pub fn now_ms() -> f64 {
    Date::now()
}

pub fn parse_ms(at: &DateTime) -> f64 {
    Date::parse(&at.0)
}

pub fn to_datetime(ms: f64) -> DateTime {
    let iso: String = Date::new(&JsValue::from_f64(ms)).to_iso_string().into();
    // The API writes whole seconds; so does the UI, so the two compare as text.
    DateTime(match iso.split_once('.') {
        Some((head, _)) => format!("{head}Z"),
        None => iso,
    })
}

/// The browser's own zone, the default for a new account's preferences and where a
/// formatting with an unknown zone falls back to.
pub fn browser_zone() -> String {
    let options =
        js_sys::Intl::DateTimeFormat::new(&Array::new(), &Object::new()).resolved_options();
    Reflect::get(&options, &"timeZone".into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| "UTC".to_owned())
}

/// `Intl.DateTimeFormat` built with `options`, or the error it throws: an unknown
/// `timeZone` throws a RangeError, which must never reach the app as an exception.
fn try_formatter(locales: &Array, options: &Object) -> Option<js_sys::Intl::DateTimeFormat> {
    let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
    let constructor = Reflect::get(&intl, &"DateTimeFormat".into())
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?;
    Reflect::construct(&constructor, &Array::of2(locales, options))
        .ok()?
        .dyn_into()
        .ok()
}

/// The zone's name as the browser spells it (`europe/berlin` → `Europe/Berlin`), or
/// `None` when the browser cannot compute in it (empty, "Berlin", a typo).
pub fn known_zone(name: &str) -> Option<String> {
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    let options = Object::new();
    let _ = Reflect::set(&options, &"timeZone".into(), &name.into());
    let format = try_formatter(&Array::new(), &options)?;
    Reflect::get(&format.resolved_options(), &"timeZone".into())
        .ok()
        .and_then(|v| v.as_string())
        // The browser canonicalises some links (`Asia/Calcutta` → `Asia/Kolkata`); the
        // name typed is kept when it is the same apart from case.
        .map(|resolved| {
            if resolved.eq_ignore_ascii_case(name) {
                resolved
            } else {
                zone_names()
                    .into_iter()
                    .find(|z| z.eq_ignore_ascii_case(name))
                    .unwrap_or(resolved)
            }
        })
}

/// The names the server accepts (chrono-tz's list, written by the build script), so the
/// picker offers nothing the API would refuse.
const SERVER_ZONES: &[&str] = include!(concat!(env!("OUT_DIR"), "/zones.rs"));

/// Every zone name for the pickers: the browser's IANA list where it has one, then the
/// server's names it lacks (links such as `US/Eastern`), each once.
fn zone_names() -> Vec<String> {
    let intl = Reflect::get(&js_sys::global(), &"Intl".into()).unwrap_or(JsValue::UNDEFINED);
    let supported = Reflect::get(&intl, &"supportedValuesOf".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    let mut zones: Vec<String> = supported
        .and_then(|f| f.call1(&intl, &"timeZone".into()).ok())
        .map(|list| {
            Array::from(&list)
                .iter()
                .filter_map(|v| v.as_string())
                .collect()
        })
        .unwrap_or_default();
    let mut seen: std::collections::HashSet<String> = zones.iter().cloned().collect();
    for zone in SERVER_ZONES {
        if seen.insert((*zone).to_owned()) {
            zones.push((*zone).to_owned());
        }
    }
    zones
}

/// Every zone for the pickers, the browser's own first, then UTC, then the rest.
pub fn all_zones() -> Vec<String> {
    let browser = browser_zone();
    let mut zones = zone_names();
    zones.retain(|z| *z != browser && z != "UTC");
    zones.insert(0, "UTC".to_owned());
    if browser != "UTC" {
        zones.insert(0, browser);
    }
    zones
}

/// The zones whose name contains every word of `query` (`new york`, `Berlin`,
/// `america/new_york`), best first: those whose city starts with the query, then the
/// rest, in `zones`' order. An empty query lists them all.
pub fn search_zones<'a>(zones: &'a [String], query: &str) -> Vec<&'a str> {
    let words: Vec<String> = query
        .split(|c: char| c.is_whitespace() || c == '_' || c == '/')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let wanted = query.trim().to_lowercase().replace(' ', "_");
    let mut found: Vec<(bool, &str)> = zones
        .iter()
        .map(String::as_str)
        .filter(|zone| {
            let name = zone.to_lowercase();
            words.iter().all(|w| name.contains(w.as_str()))
        })
        .map(|zone| {
            let city = zone.rsplit('/').next().unwrap_or(zone).to_lowercase();
            let starts = !wanted.is_empty()
                && (city.starts_with(&wanted) || zone.to_lowercase().starts_with(&wanted));
            (!starts, zone)
        })
        .collect();
    found.sort_by_key(|(later, _)| *later);
    found.into_iter().map(|(_, zone)| zone).collect()
}

/// The one place a formatter is made: every date and time this app shows goes through
/// it. A zone the browser does not know (a half-typed field, a stale preference) falls
/// back to the browser's zone instead of throwing.
fn formatter(zone: &str, fields: &[(&str, &str)]) -> js_sys::Intl::DateTimeFormat {
    let locales = Array::new();
    if let Some(locale) = locale_override() {
        locales.push(&locale.into());
    }
    let options = Object::new();
    for (key, value) in fields {
        let _ = Reflect::set(&options, &(*key).into(), &(*value).into());
    }
    let _ = Reflect::set(&options, &"timeZone".into(), &zone.into());
    if let Some(format) = try_formatter(&locales, &options) {
        return format;
    }
    let _ = Reflect::set(&options, &"timeZone".into(), &browser_zone().into());
    try_formatter(&locales, &options)
        .unwrap_or_else(|| js_sys::Intl::DateTimeFormat::new(&Array::new(), &Object::new()))
}

/// Tests pin the locale; the app follows the browser's.
fn locale_override() -> Option<String> {
    LOCALE.with(|l| l.borrow().clone())
}

thread_local! {
    static LOCALE: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

#[cfg(test)]
pub fn pin_locale(locale: &str) {
    LOCALE.with(|l| *l.borrow_mut() = Some(locale.to_owned()));
}

fn format_with(format: &js_sys::Intl::DateTimeFormat, ms: f64) -> String {
    format
        .format()
        .call1(&JsValue::NULL, &Date::new(&JsValue::from_f64(ms)))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// The wall-clock reading of instant `ms` in `zone`.
pub fn wall_at(zone: &str, ms: f64) -> Wall {
    let format = formatter(
        zone,
        &[
            ("year", "numeric"),
            ("month", "numeric"),
            ("day", "numeric"),
            ("hour", "numeric"),
            ("minute", "numeric"),
            ("hourCycle", "h23"),
        ],
    );
    let parts = format.format_to_parts(&Date::new(&JsValue::from_f64(ms)));
    let mut wall = Wall {
        year: 1970,
        month: 1,
        day: 1,
        hour: 0,
        minute: 0,
    };
    for part in parts.iter() {
        let kind = Reflect::get(&part, &"type".into())
            .ok()
            .and_then(|v| v.as_string());
        let value = Reflect::get(&part, &"value".into())
            .ok()
            .and_then(|v| v.as_string())
            .and_then(|v| v.parse::<i64>().ok());
        let (Some(kind), Some(value)) = (kind, value) else {
            continue;
        };
        let value = value.max(0);
        match kind.as_str() {
            "year" => wall.year = i32::try_from(value).unwrap_or(1970),
            "month" => wall.month = u32::try_from(value).unwrap_or(1),
            "day" => wall.day = u32::try_from(value).unwrap_or(1),
            "hour" => wall.hour = u32::try_from(value % 24).unwrap_or(0),
            "minute" => wall.minute = u32::try_from(value).unwrap_or(0),
            _ => {}
        }
    }
    wall
}

/// The instant at which clocks in `zone` show `wall`.
pub fn instant_of(zone: &str, wall: Wall) -> f64 {
    resolve_local(wall.as_utc_ms(), |t| wall_at(zone, t).as_utc_ms() - t)
}

/// "09:00" (or "9:00 AM"), in the locale's style.
pub fn time_text(zone: &str, ms: f64) -> String {
    format_with(
        &formatter(zone, &[("hour", "2-digit"), ("minute", "2-digit")]),
        ms,
    )
}

/// "Mon 3 Feb" (or "Mon, Feb 3"), in the locale's style; with the year when asked.
pub fn date_text(zone: &str, ms: f64, with_year: bool) -> String {
    let mut fields = vec![("weekday", "short"), ("day", "numeric"), ("month", "short")];
    if with_year {
        fields.push(("year", "numeric"));
    }
    format_with(&formatter(zone, &fields), ms)
}

/// "Mon 3 Feb 2027, 09:00": a date of a series, in the series' zone.
pub fn at_text(zone: &str, at: &DateTime) -> String {
    let ms = parse_ms(at);
    format!("{}, {}", date_text(zone, ms, true), time_text(zone, ms))
}

/// A full date and time with the year, for history and notifications.
pub fn full_text(zone: &str, at: &DateTime) -> String {
    format_with(
        &formatter(zone, &[("dateStyle", "medium"), ("timeStyle", "short")]),
        parse_ms(at),
    )
}

/// "Today, 09:00", "Tomorrow, 09:00", "Fri, 09:00", "Mon 3 Feb, 09:00".
pub fn relative_text(zone: &str, ms: f64, now: f64) -> String {
    let time = time_text(zone, ms);
    match day_word(wall_at(zone, ms), wall_at(zone, now)) {
        DayWord::Yesterday => format!("Yesterday, {time}"),
        DayWord::Today => format!("Today, {time}"),
        DayWord::Tomorrow => format!("Tomorrow, {time}"),
        DayWord::ThisWeek => format!(
            "{}, {time}",
            format_with(&formatter(zone, &[("weekday", "short")]), ms)
        ),
        DayWord::SameYear => format!("{}, {time}", date_text(zone, ms, false)),
        DayWord::OtherYear => format!("{}, {time}", date_text(zone, ms, true)),
    }
}

/// "Today", "Tomorrow", "Fri", "Mon 3 Feb": a date without a time.
pub fn relative_day_text(zone: &str, ms: f64, now: f64) -> String {
    match day_word(wall_at(zone, ms), wall_at(zone, now)) {
        DayWord::Yesterday => "Yesterday".to_owned(),
        DayWord::Today => "Today".to_owned(),
        DayWord::Tomorrow => "Tomorrow".to_owned(),
        DayWord::ThisWeek => format_with(&formatter(zone, &[("weekday", "short")]), ms),
        DayWord::SameYear => date_text(zone, ms, false),
        DayWord::OtherYear => date_text(zone, ms, true),
    }
}

/// How an all-day due date shows: its date, read in the task's own zone (where its
/// midnight is), and overdue only once that day is over.
pub fn all_day_label(due: &DateTime, completed: bool, task_zone: &str, now: f64) -> DueLabel {
    let ms = parse_ms(due);
    let days = wall_at(task_zone, ms).day_number() - wall_at(task_zone, now).day_number();
    DueLabel {
        text: relative_day_text(task_zone, ms, now),
        overdue: !completed && days < 0,
        today: !completed && days == 0,
    }
}

/// How a due date shows in the list, in the user's zone.
pub fn due_label(due: &DateTime, completed: bool, zone: &str, now: f64) -> DueLabel {
    let ms = parse_ms(due);
    let today = day_word(wall_at(zone, ms), wall_at(zone, now)) == DayWord::Today;
    DueLabel {
        text: relative_text(zone, ms, now),
        overdue: !completed && ms < now,
        today: !completed && today,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    fn wall(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> Wall {
        Wall {
            year,
            month,
            day,
            hour,
            minute,
        }
    }

    #[wasm_bindgen_test]
    fn dates_are_parsed_from_form_inputs_and_checked() {
        assert_eq!(
            Wall::parse("2027-02-28", "09:30"),
            Some(wall(2027, 2, 28, 9, 30))
        );
        assert_eq!(Wall::parse("2027-02-28", ""), Some(wall(2027, 2, 28, 9, 0)));
        assert_eq!(Wall::parse("2027-02-29", "09:00"), None);
        assert_eq!(
            Wall::parse("2028-02-29", "09:00"),
            Some(wall(2028, 2, 29, 9, 0))
        );
        assert_eq!(Wall::parse("", "09:00"), None);
        assert_eq!(Wall::parse("2027-01-31", "24:00"), None);
    }

    #[wasm_bindgen_test]
    fn day_words_follow_the_calendar_not_24_hour_spans() {
        let today = wall(2027, 12, 31, 23, 50);
        assert_eq!(day_word(wall(2028, 1, 1, 0, 10), today), DayWord::Tomorrow);
        assert_eq!(day_word(wall(2027, 12, 31, 0, 0), today), DayWord::Today);
        assert_eq!(
            day_word(wall(2027, 12, 30, 9, 0), today),
            DayWord::Yesterday
        );
        assert_eq!(day_word(wall(2028, 1, 4, 9, 0), today), DayWord::ThisWeek);
        assert_eq!(day_word(wall(2028, 3, 1, 9, 0), today), DayWord::OtherYear);
        assert_eq!(day_word(wall(2027, 3, 1, 9, 0), today), DayWord::SameYear);
    }

    /// A zone one hour ahead of UTC that springs forward to two hours at `switch`.
    fn spring(switch: f64) -> impl Fn(f64) -> f64 {
        move |t| if t < switch { HOUR_MS } else { 2.0 * HOUR_MS }
    }

    #[wasm_bindgen_test]
    fn local_readings_resolve_across_offset_changes() {
        let switch = wall(2027, 3, 28, 1, 0).as_utc_ms();
        // 01:30 local, before the change: UTC+1.
        let before = wall(2027, 3, 28, 1, 30).as_utc_ms();
        assert_eq!(resolve_local(before, spring(switch)), before - HOUR_MS);
        // 02:30 does not exist; it becomes 03:30 local (01:30 UTC).
        let gap = wall(2027, 3, 28, 2, 30).as_utc_ms();
        assert_eq!(
            resolve_local(gap, spring(switch)),
            wall(2027, 3, 28, 1, 30).as_utc_ms()
        );
        // 09:00 after the change: UTC+2.
        let after = wall(2027, 3, 28, 9, 0).as_utc_ms();
        assert_eq!(resolve_local(after, spring(switch)), after - 2.0 * HOUR_MS);
    }

    #[wasm_bindgen_test]
    fn intl_converts_between_zones() {
        let instant = instant_of("Europe/Berlin", wall(2027, 1, 31, 9, 0));
        assert_eq!(to_datetime(instant).0, "2027-01-31T08:00:00Z");
        let summer = instant_of("Europe/Berlin", wall(2027, 7, 1, 9, 0));
        assert_eq!(to_datetime(summer).0, "2027-07-01T07:00:00Z");
        assert_eq!(wall_at("America/New_York", summer), wall(2027, 7, 1, 3, 0));
    }

    #[wasm_bindgen_test]
    fn due_labels_use_words_near_today_and_mark_overdue() {
        pin_locale("en-GB");
        let now = parse_ms(&DateTime("2027-02-01T10:00:00Z".into()));
        let today = due_label(&DateTime("2027-02-01T15:00:00Z".into()), false, "UTC", now);
        assert_eq!(today.text, "Today, 15:00");
        assert!(today.today && !today.overdue);
        let late = due_label(&DateTime("2027-02-01T08:00:00Z".into()), false, "UTC", now);
        assert!(late.overdue);
        let done = due_label(&DateTime("2027-02-01T08:00:00Z".into()), true, "UTC", now);
        assert!(!done.overdue && !done.today);
        let later = due_label(&DateTime("2027-03-01T09:00:00Z".into()), false, "UTC", now);
        // All day: the date alone, and not overdue until the day is over.
        let all_day = all_day_label(&DateTime("2027-02-01T00:00:00Z".into()), false, "UTC", now);
        assert_eq!(
            (all_day.text.as_str(), all_day.overdue, all_day.today),
            ("Today", false, true)
        );
        let tomorrow = all_day_label(&DateTime("2027-02-02T00:00:00Z".into()), false, "UTC", now);
        assert_eq!(tomorrow.text, "Tomorrow");
        let yesterday = all_day_label(&DateTime("2027-01-31T00:00:00Z".into()), false, "UTC", now);
        assert!(yesterday.overdue);
        assert_eq!(later.text, "Mon 1 Mar, 09:00");
        // The same instant is tomorrow in Tokyo.
        let tokyo = due_label(
            &DateTime("2027-02-01T16:00:00Z".into()),
            false,
            "Asia/Tokyo",
            now,
        );
        assert_eq!(tokyo.text, "Tomorrow, 01:00");
    }
}
