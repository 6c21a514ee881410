//! iCalendar (RFC 5545): the calendar feed calendar apps subscribe to (one VEVENT per
//! open task with a date), the VTODO export, and VTODO import from Apple Reminders,
//! Thunderbird and the like.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike as _, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use icalendar::{
    Calendar, CalendarDateTime, Component as _, DatePerhapsTime, Event, EventLike as _, Todo,
    TodoStatus,
};

use super::archive::Owned;
use super::import::{Import, ImportedRecurrence, ImportedTask, RowError, Skipped, Vocabulary};
use super::vtimezone::vtimezone;
use crate::domain::local_time::{local_instant, start_of_day};
use crate::domain::recurrence::RecurrenceMode;
use crate::domain::task::{Task, parse_time_zone};
use crate::domain::{Priority, Recurrence, RecurrencePreset};

const PRODUCT_ID: &str = "-//todo-app//Tasks//EN";
/// How often subscribers are asked to poll; ETag and Last-Modified keep a poll cheap.
const REFRESH_EVERY: Duration = Duration::minutes(15);
/// Years of zone transitions written beyond the current one: a series' later instances
/// stay right in apps that read the VTIMEZONE instead of their own zone database.
const ZONE_YEARS_AHEAD: i32 = 10;

/// The feed of `tasks` (open ones with a due date; others are left out), each linking to
/// `{web_url}/tasks/{id}`.
pub fn calendar_feed(tasks: &[Task], web_url: &str, now: DateTime<Utc>) -> String {
    let mut calendar = calendar("Tasks");
    calendar
        .append_property(("METHOD", "PUBLISH"))
        .ttl(&REFRESH_EVERY);
    let mut zones = Zones::default();
    let mut events = Vec::new();
    for task in tasks.iter().filter(|task| !task.completed) {
        let Some(start) = zones.start_of(task) else {
            continue;
        };
        let mut event = Event::new();
        event
            .uid(&uid_of(task))
            .timestamp(task.updated_at)
            .last_modified(task.updated_at)
            .created(task.created_at)
            .summary(&task.title)
            .url(&link(web_url, task))
            .starts(start);
        if let Some(description) = &task.description {
            event.description(description);
        }
        if let Some(rule) = feed_rule(task, task.zone()) {
            event.add_property("RRULE", rule);
        }
        events.push(event.done());
    }
    calendar.extend(events);
    zones.written_into(calendar.to_string(), now)
}

/// Every task an account owns as a VTODO: done ones with their completion, open series
/// with their rule, subtasks related to their parent, labels as CATEGORIES.
pub fn todo_export(owned: &Owned<'_>, web_url: &str, now: DateTime<Utc>) -> String {
    let mut calendar = calendar("Tasks export");
    let mut zones = Zones::default();
    let mut todos = Vec::new();
    for task in owned.tasks {
        let mut todo = Todo::new();
        todo.uid(&format!("{}@todo-app", task.id))
            .timestamp(task.updated_at)
            .last_modified(task.updated_at)
            .created(task.created_at)
            .summary(&task.title)
            .url(&link(web_url, task));
        if let Some(description) = &task.description {
            todo.description(description);
        }
        if let Some(start) = zones.start_of(task) {
            todo.starts(start.clone()).due(start);
        }
        if let Some(priority) = task.priority.and_then(Priority::from_rank) {
            todo.priority(ical_priority(priority));
        }
        let labels: Vec<&str> = owned
            .task_labels
            .get(&task.id)
            .into_iter()
            .flatten()
            .map(|label| label.name.as_str())
            .collect();
        if !labels.is_empty() {
            todo.categories(&labels);
        }
        if let Some(parent) = task.parent_id {
            todo.add_property("RELATED-TO", format!("{parent}@todo-app"));
        }
        match task.completed_at.filter(|_| task.completed) {
            Some(at) => {
                todo.status(TodoStatus::Completed).completed(at);
            }
            None => {
                todo.status(TodoStatus::NeedsAction);
                if let Some(rule) = feed_rule(task, task.zone()) {
                    todo.add_property("RRULE", rule);
                }
            }
        }
        todos.push(todo.done());
    }
    calendar.extend(todos);
    zones.written_into(calendar.to_string(), now)
}

fn calendar(name: &str) -> Calendar {
    let mut calendar = Calendar::empty();
    calendar
        .append_property(("VERSION", "2.0"))
        .append_property(("PRODID", PRODUCT_ID))
        .append_property(("CALSCALE", "GREGORIAN"))
        .name(name);
    calendar
}

fn link(web_url: &str, task: &Task) -> String {
    format!("{}/tasks/{}", web_url.trim_end_matches('/'), task.id)
}

/// The zones a calendar's timed dates use, each with the first year it is needed from.
#[derive(Default)]
struct Zones<'a>(BTreeMap<&'a str, (Tz, i32)>);

impl<'a> Zones<'a> {
    /// DTSTART of `task`: its date when all day, else its local time with its zone (which
    /// the calendar then defines).
    fn start_of(&mut self, task: &'a Task) -> Option<DatePerhapsTime> {
        let zone = task.zone();
        let local = task.due_at?.with_timezone(&zone);
        if task.all_day {
            return Some(DatePerhapsTime::Date(local.date_naive()));
        }
        let first = self
            .0
            .entry(task.time_zone.as_str())
            .or_insert((zone, local.year()));
        first.1 = first.1.min(local.year());
        Some(DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone {
            date_time: local.naive_local(),
            tzid: zone.name().to_owned(),
        }))
    }

    fn written_into(self, text: String, now: DateTime<Utc>) -> String {
        let last_year = now.year().saturating_add(ZONE_YEARS_AHEAD);
        let zones: String = self
            .0
            .into_values()
            .map(|(tz, first_year)| vtimezone(tz, first_year, last_year))
            .collect();
        with_zones(text, &zones)
    }
}

/// The calendar text with the VTIMEZONE components placed before its first component.
/// They are written as text: the crate stamps a DTSTAMP and a random UID on every
/// component it writes, which VTIMEZONE must not have.
fn with_zones(mut text: String, zones: &str) -> String {
    // Property values cannot hold a line break, so a line of its own is a component's.
    let at = ["\r\nBEGIN:VEVENT\r\n", "\r\nBEGIN:VTODO\r\n"]
        .iter()
        .filter_map(|begin| text.find(begin))
        .min()
        .map(|line_break| line_break + 2)
        .or_else(|| text.rfind("END:VCALENDAR"));
    if let Some(at) = at {
        text.insert_str(at, zones);
    }
    text
}

/// RFC 5545's PRIORITY: 1 is the highest, 9 the lowest (RFC 5545, 3.8.1.9).
fn ical_priority(priority: Priority) -> u32 {
    match priority {
        Priority::Urgent => 1,
        Priority::High => 3,
        Priority::Normal => 5,
        Priority::Low => 9,
    }
}

fn priority_of(value: u32) -> Option<Priority> {
    match value {
        1 => Some(Priority::Urgent),
        2..=4 => Some(Priority::High),
        5 => Some(Priority::Normal),
        6..=9 => Some(Priority::Low),
        _ => None,
    }
}

/// Reads the VTODOs of a calendar (Apple Reminders, Thunderbird, our export): summary,
/// notes, due date, rule, priority, completion, categories as labels and RELATED-TO as
/// subtasks. Dates without a zone are read in `zone`. Cancelled to-dos are skipped.
pub fn read_todos(text: &str, zone: Tz) -> Result<Import, RowError> {
    let calendar: Calendar = text
        .parse()
        .map_err(|error: String| RowError::new(1, "VCALENDAR", first_line(&error)))?;
    // The parser keeps no positions: the n-th VTODO begins on the n-th such line.
    let lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, line)| line.trim_end().eq_ignore_ascii_case("BEGIN:VTODO"))
        .map(|(index, _)| index + 1)
        .collect();
    let mut import = Import {
        vocabulary: Vocabulary::ICalendar,
        ..Import::default()
    };
    let mut todos: Vec<Related> = Vec::new();
    for (index, todo) in calendar.todos().enumerate() {
        let line = lines.get(index).copied().unwrap_or(0);
        if todo.get_status() == Some(TodoStatus::Cancelled) {
            import.skipped.push(Skipped {
                line,
                reason: "cancelled to-dos are not imported".to_owned(),
            });
            continue;
        }
        let title = todo
            .get_summary()
            .map(str::trim)
            .filter(|summary| !summary.is_empty())
            .ok_or_else(|| RowError::new(line, "SUMMARY", "a to-do needs a summary"))?;
        let (due_at, all_day, task_zone) = match todo.get_due().or_else(|| todo.get_start()) {
            Some(when) => {
                let (due_at, all_day, zone) = due_of(when, zone).ok_or_else(|| {
                    RowError::new(line, "DUE", "the date does not exist in its zone")
                })?;
                (Some(due_at), all_day, zone)
            }
            None => (None, false, zone),
        };
        let completed = todo.get_status() == Some(TodoStatus::Completed)
            || todo.property_value("COMPLETED").is_some();
        let task = ImportedTask {
            line,
            title: title.to_owned(),
            description: todo
                .get_description()
                .map(str::to_owned)
                .filter(|text| !text.trim().is_empty()),
            priority: todo.get_priority().and_then(priority_of),
            labels: todo.get_categories().unwrap_or_default(),
            due_at,
            all_day,
            time_zone: Some(task_zone.name().to_owned()),
            recurrence: todo
                .property_value("RRULE")
                .filter(|_| due_at.is_some())
                .map(|rule| ImportedRecurrence {
                    rrule: rule.to_owned(),
                    preset: None,
                    mode: RecurrenceMode::FromDueDate,
                    anchor: None,
                    occurrence_number: None,
                }),
            completed_at: completed.then(|| {
                todo.get_completed()
                    .or(todo.get_last_modified())
                    .unwrap_or_default()
            }),
            created_at: todo.get_created(),
            ..ImportedTask::default()
        };
        todos.push(Related {
            task,
            uid: todo.get_uid().map(str::to_owned),
            parent: todo.property_value("RELATED-TO").map(str::to_owned),
        });
    }
    import.tasks = nest(todos);
    Ok(import)
}

/// A to-do with the UIDs that relate it to others.
struct Related {
    task: ImportedTask,
    uid: Option<String>,
    parent: Option<String>,
}

/// Puts each to-do under the one its RELATED-TO names (one level: deeper ones go under
/// their top-level ancestor); the rest stay top-level, in file order.
fn nest(todos: Vec<Related>) -> Vec<ImportedTask> {
    let index_of: HashMap<String, usize> = todos
        .iter()
        .enumerate()
        .filter_map(|(index, todo)| Some((todo.uid.clone()?, index)))
        .collect();
    let parent_index: Vec<Option<usize>> = todos
        .iter()
        .map(|todo| index_of.get(todo.parent.as_deref()?).copied())
        .collect();
    // The top-level ancestor of each; a RELATED-TO cycle is cut after as many steps as
    // there are to-dos, and its members stay top-level.
    let home: Vec<Option<usize>> = (0..todos.len())
        .map(|start| {
            let mut current = start;
            for _ in 0..=todos.len() {
                match parent_index[current] {
                    Some(parent) if parent != start => current = parent,
                    Some(_) => return None,
                    None => return (current != start).then_some(current),
                }
            }
            None
        })
        .collect();
    let mut slots: Vec<Option<ImportedTask>> =
        todos.into_iter().map(|todo| Some(todo.task)).collect();
    let mut children: HashMap<usize, Vec<ImportedTask>> = HashMap::new();
    for (index, home) in home.iter().enumerate() {
        if let Some(home) = home
            && let Some(task) = slots.get_mut(index).and_then(Option::take)
        {
            children.entry(*home).or_default().push(task);
        }
    }
    slots
        .into_iter()
        .enumerate()
        .filter_map(|(index, task)| {
            let mut task = task?;
            task.subtasks = children.remove(&index).unwrap_or_default();
            Some(task)
        })
        .collect()
}

/// A DUE or DTSTART as an instant, whether it is all day, and its zone.
fn due_of(when: DatePerhapsTime, zone: Tz) -> Option<(DateTime<Utc>, bool, Tz)> {
    Some(match when {
        DatePerhapsTime::Date(date) => (start_of_day(zone, date)?, true, zone),
        DatePerhapsTime::DateTime(CalendarDateTime::Utc(at)) => (at, false, zone),
        DatePerhapsTime::DateTime(CalendarDateTime::Floating(local)) => {
            (local_instant(zone, local)?, false, zone)
        }
        DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone { date_time, tzid }) => {
            // A zone name that is not IANA's (Outlook's "W. Europe Standard Time") falls
            // back to the importing user's.
            let tz = parse_time_zone("TZID", &tzid).unwrap_or(zone);
            (local_instant(tz, date_time)?, false, tz)
        }
    })
}

fn first_line(text: &str) -> String {
    text.lines()
        .next()
        .unwrap_or("not an iCalendar file")
        .to_owned()
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
