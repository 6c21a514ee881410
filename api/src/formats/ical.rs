//! iCalendar (RFC 5545): the calendar feed calendar apps subscribe to, one VEVENT per
//! open task with a date.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike as _, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use icalendar::{
    Calendar, CalendarDateTime, Component as _, DatePerhapsTime, Event, EventLike as _,
};

use super::vtimezone::vtimezone;
use crate::domain::recurrence::RecurrenceMode;
use crate::domain::task::Task;
use crate::domain::{Recurrence, RecurrencePreset};

const PRODUCT_ID: &str = "-//todo-app//Tasks//EN";
/// How often subscribers are asked to poll; ETag and Last-Modified keep a poll cheap.
const REFRESH_EVERY: Duration = Duration::minutes(15);
/// Years of zone transitions written beyond the current one: a series' later instances
/// stay right in apps that read the VTIMEZONE instead of their own zone database.
const ZONE_YEARS_AHEAD: i32 = 10;

/// The feed of `tasks` (open ones with a due date; others are left out), each linking to
/// `{web_url}/tasks/{id}`.
pub fn calendar_feed(tasks: &[Task], web_url: &str, now: DateTime<Utc>) -> String {
    let mut calendar = Calendar::empty();
    calendar
        .append_property(("VERSION", "2.0"))
        .append_property(("PRODID", PRODUCT_ID))
        .append_property(("CALSCALE", "GREGORIAN"))
        .append_property(("METHOD", "PUBLISH"))
        .name("Tasks")
        .ttl(&REFRESH_EVERY);
    // Each zone a timed event uses, with the first year it is needed from.
    let mut zones: BTreeMap<&str, (Tz, i32)> = BTreeMap::new();
    let mut events = Vec::new();
    for task in tasks.iter().filter(|task| !task.completed) {
        let Some(due) = task.due_at else { continue };
        let zone = task.zone();
        let local = due.with_timezone(&zone);
        let mut event = Event::new();
        event
            .uid(&uid_of(task))
            .timestamp(task.updated_at)
            .last_modified(task.updated_at)
            .created(task.created_at)
            .summary(&task.title)
            .url(&format!(
                "{}/tasks/{}",
                web_url.trim_end_matches('/'),
                task.id
            ));
        if let Some(description) = &task.description {
            event.description(description);
        }
        if task.all_day {
            event.starts(DatePerhapsTime::Date(local.date_naive()));
        } else {
            event.starts(CalendarDateTime::WithTimezone {
                date_time: local.naive_local(),
                tzid: zone.name().to_owned(),
            });
            let first = zones.entry(zone.name()).or_insert((zone, local.year()));
            first.1 = first.1.min(local.year());
        }
        if let Some(rule) = feed_rule(task, zone) {
            event.add_property("RRULE", rule);
        }
        events.push(event.done());
    }
    calendar.extend(events);
    let last_year = now.year().saturating_add(ZONE_YEARS_AHEAD);
    let zones: String = zones
        .into_values()
        .map(|(tz, first_year)| vtimezone(tz, first_year, last_year))
        .collect();
    with_zones(calendar.to_string(), &zones)
}

/// The calendar text with the VTIMEZONE components placed before its first event. They
/// are written as text: the crate stamps a DTSTAMP and a random UID on every component
/// it writes, which VTIMEZONE must not have.
fn with_zones(mut text: String, zones: &str) -> String {
    // Property values cannot hold a line break, so a line of its own is a component's.
    let at = text
        .find("\r\nBEGIN:VEVENT\r\n")
        .map(|line_break| line_break + 2)
        .or_else(|| text.rfind("END:VCALENDAR"));
    if let Some(at) = at {
        text.insert_str(at, zones);
    }
    text
}

/// Every occurrence of a series is one event: the series keeps its UID as it advances.
fn uid_of(task: &Task) -> String {
    format!("{}@todo-app", task.series_id.unwrap_or(task.id))
}

/// The RRULE of a task's event, counted from its current occurrence; none for a one-time
/// task, a series that repeats from completion (its dates depend on when each is done),
/// or one whose COUNT is used up.
fn feed_rule(task: &Task, zone: Tz) -> Option<String> {
    let recurrence = Recurrence::from_stored(
        task.recurrence_preset.unwrap_or(RecurrencePreset::Custom),
        task.rrule.as_deref()?,
        task.recurrence_mode.unwrap_or_default(),
    )
    .ok()?;
    if recurrence.mode() == RecurrenceMode::FromCompletion {
        return None;
    }
    let anchor = task.recurrence_anchor.or(task.due_at)?;
    let rule = recurrence.portable_rule(anchor.with_timezone(&zone).date_naive());
    let parts: Option<Vec<String>> = rule
        .split(';')
        .map(|part| match part.split_once('=') {
            // The event starts at this occurrence: what the series has used of its
            // COUNT is gone.
            Some(("COUNT", count)) => {
                let count: i64 = count.parse().ok()?;
                let left = count - i64::from(task.occurrence_number) + 1;
                (left > 0).then(|| format!("COUNT={left}"))
            }
            // UNTIL takes the value type of DTSTART: a date for an all-day series.
            Some(("UNTIL", until)) if task.all_day => Some(format!(
                "UNTIL={}",
                until_date(until, zone)?.format("%Y%m%d")
            )),
            _ => Some(part.to_owned()),
        })
        .collect();
    parts.map(|parts| parts.join(";"))
}

/// The local date of a UTC `UNTIL` ("20271231T225959Z").
fn until_date(until: &str, zone: Tz) -> Option<NaiveDate> {
    let at = chrono::NaiveDateTime::parse_from_str(until, "%Y%m%dT%H%M%SZ").ok()?;
    Some(at.and_utc().with_timezone(&zone).date_naive())
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use uuid::Uuid;

    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().expect("an RFC 3339 instant")
    }

    fn task(title: &str, due: &str, rule: Option<&str>) -> Task {
        let id = Uuid::now_v7();
        Task {
            id,
            title: title.to_owned(),
            due_at: Some(utc(due)),
            time_zone: "Europe/Berlin".to_owned(),
            rrule: rule.map(str::to_owned),
            recurrence_preset: rule.map(|_| RecurrencePreset::Custom),
            recurrence_mode: rule.map(|_| RecurrenceMode::FromDueDate),
            recurrence_anchor: rule.map(|_| utc(due)),
            series_id: rule.map(|_| id),
            occurrence_number: 1,
            created_at: utc("2027-01-01T00:00:00Z"),
            updated_at: utc("2027-01-02T00:00:00Z"),
            ..Task::default()
        }
    }

    fn feed(tasks: &[Task]) -> String {
        calendar_feed(tasks, "https://todo.example/", utc("2027-03-01T00:00:00Z"))
    }

    #[test]
    fn a_timed_task_is_an_event_in_its_zone_linking_to_the_web_ui() {
        let dentist = task("Dentist; bring X-rays", "2027-05-02T08:00:00Z", None);
        let text = feed(std::slice::from_ref(&dentist));
        assert!(
            text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"),
            "{text}"
        );
        assert!(
            text.contains("DTSTART;TZID=Europe/Berlin:20270502T100000\r\n"),
            "{text}"
        );
        assert!(
            text.contains("SUMMARY:Dentist\\; bring X-rays\r\n"),
            "{text}"
        );
        assert!(text.contains(&format!(
            "URL:https://todo.example/tasks/{}\r\n",
            dentist.id
        )));
        assert!(text.contains(&format!("UID:{}@todo-app\r\n", dentist.id)));
        assert!(
            text.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n"),
            "{text}"
        );
        assert!(!text.contains("RRULE"), "{text}");
        assert!(text.ends_with("END:VCALENDAR\r\n"));
    }

    #[test]
    fn a_series_counts_from_its_current_occurrence_and_an_all_day_one_ends_on_a_date() {
        let mut weekly = task(
            "Weekly",
            "2027-03-08T08:00:00Z",
            Some("FREQ=WEEKLY;COUNT=5"),
        );
        weekly.occurrence_number = 3;
        let mut plants = task(
            "Plants",
            "2027-03-01T23:00:00Z",
            Some("FREQ=DAILY;UNTIL=20270310T225959Z"),
        );
        plants.all_day = true;
        let mut used_up = task(
            "Done soon",
            "2027-03-08T08:00:00Z",
            Some("FREQ=DAILY;COUNT=2"),
        );
        used_up.occurrence_number = 3;
        let mut after_completion = task("Haircut", "2027-03-08T08:00:00Z", Some("FREQ=WEEKLY"));
        after_completion.recurrence_mode = Some(RecurrenceMode::FromCompletion);
        let text = feed(&[weekly, plants, used_up, after_completion]);
        assert!(text.contains("RRULE:FREQ=WEEKLY;COUNT=3\r\n"), "{text}");
        assert!(text.contains("DTSTART;VALUE=DATE:20270302\r\n"), "{text}");
        assert!(
            text.contains("RRULE:FREQ=DAILY;UNTIL=20270310\r\n"),
            "{text}"
        );
        assert_eq!(
            text.matches("RRULE").count(),
            2,
            "no rule for a used-up COUNT or dates that depend on completion: {text}"
        );
    }

    #[test]
    fn done_and_undated_tasks_stay_out() {
        let mut done = task("Done", "2027-05-02T08:00:00Z", None);
        done.completed = true;
        let undated = Task {
            due_at: None,
            ..task("Someday", "2027-05-02T08:00:00Z", None)
        };
        let text = feed(&[done, undated]);
        assert!(!text.contains("BEGIN:VEVENT"), "{text}");
        assert!(
            !text.contains("VTIMEZONE"),
            "no zone without an event using it"
        );
    }
}
