//! The list ordered by due date falls into groups: overdue, today, upcoming, no date.
//! Which group a task is in changes as time passes, at its due minute or at midnight.

use crate::api::Task;
use crate::time;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Overdue,
    Today,
    Upcoming,
    NoDate,
}

impl Group {
    pub fn label(self) -> &'static str {
        match self {
            Self::Overdue => "Overdue",
            Self::Today => "Today",
            Self::Upcoming => "Upcoming",
            Self::NoDate => "No date",
        }
    }

    /// For the heading's id and the group's class.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Overdue => "overdue",
            Self::Today => "today",
            Self::Upcoming => "upcoming",
            Self::NoDate => "no-date",
        }
    }
}

/// Where `task` falls at `now`, today ending at `day_end` (see `day_end`). A
/// completed task keeps the group it had open, so a row that stays a moment after
/// completing stays in its place.
pub fn group_of(task: &Task, now: f64, day_end: f64) -> Group {
    let Some(due) = &task.due_at else {
        return Group::NoDate;
    };
    let due = time::parse_ms(due);
    if due < now {
        Group::Overdue
    } else if due < day_end {
        Group::Today
    } else {
        Group::Upcoming
    }
}

/// Consecutive ids with their group, in the order given.
pub fn split(ids: &[String], group: impl Fn(&str) -> Group) -> Vec<(Group, Vec<String>)> {
    let mut groups: Vec<(Group, Vec<String>)> = Vec::new();
    for id in ids {
        let g = group(id);
        match groups.last_mut() {
            Some((last, members)) if *last == g => members.push(id.clone()),
            _ => groups.push((g, vec![id.clone()])),
        }
    }
    groups
}

/// The next midnight after `now` in `zone`: where today ends. Worked out once per
/// grouping, since each reading of a zone's clock goes through `Intl`.
pub fn day_end(zone: &str, now: f64) -> f64 {
    let today = time::wall_at(zone, now);
    let midnight = time::Wall {
        hour: 0,
        minute: 0,
        ..today
    };
    // Any day is 23 to 25 hours long, so 26 hours after today's midnight is tomorrow.
    let tomorrow = time::wall_at(zone, time::instant_of(zone, midnight) + 26.0 * 3_600_000.0);
    time::instant_of(
        zone,
        time::Wall {
            hour: 0,
            minute: 0,
            ..tomorrow
        },
    )
}

/// The next instant after `now` at which a group or a relative date word can change:
/// just past the first due minute still ahead (a task is overdue once its due instant
/// has passed), or the next midnight in `zone`.
pub fn next_change(dues: impl Iterator<Item = f64>, zone: &str, now: f64) -> f64 {
    dues.filter(|due| *due >= now)
        .map(|due| due + 1.0)
        .fold(day_end(zone, now), f64::min)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;
    use crate::api::DateTime;

    fn due(at: Option<&str>) -> Task {
        Task {
            due_at: at.map(|a| DateTime(a.into())),
            ..crate::api::test_task("t", "2027-01-01T00:00:00Z")
        }
    }

    #[wasm_bindgen_test]
    fn groups_by_the_users_day() {
        let now = time::parse_ms(&DateTime("2027-03-10T22:30:00Z".into()));
        let end = day_end("Europe/Berlin", now);
        let group = |at: Option<&str>| group_of(&due(at), now, end);
        assert_eq!(group(Some("2027-03-10T22:29:00Z")), Group::Overdue);
        // 23:45 in Berlin is still today; 00:15 is tomorrow.
        assert_eq!(group(Some("2027-03-10T22:45:00Z")), Group::Today);
        assert_eq!(group(Some("2027-03-10T23:15:00Z")), Group::Upcoming);
        assert_eq!(group(None), Group::NoDate);
    }

    #[wasm_bindgen_test]
    fn the_next_change_is_a_due_minute_or_midnight() {
        let zone = "Europe/Berlin";
        let now = time::parse_ms(&DateTime("2027-03-10T10:00:00Z".into()));
        let soon = time::parse_ms(&DateTime("2027-03-10T10:02:00Z".into()));
        let past = time::parse_ms(&DateTime("2027-03-10T09:00:00Z".into()));
        assert_eq!(next_change([past, soon].into_iter(), zone, now), soon + 1.0);
        let midnight = time::parse_ms(&DateTime("2027-03-10T23:00:00Z".into()));
        assert_eq!(next_change([past].into_iter(), zone, now), midnight);
        // The night clocks go forward (2027-03-28 in Berlin) is still midnight to midnight.
        let before_dst = time::parse_ms(&DateTime("2027-03-27T12:00:00Z".into()));
        let dst_midnight = time::parse_ms(&DateTime("2027-03-27T23:00:00Z".into()));
        assert_eq!(
            next_change(std::iter::empty(), zone, before_dst),
            dst_midnight
        );
    }

    #[wasm_bindgen_test]
    fn consecutive_ids_share_a_group() {
        let ids: Vec<String> = ["a", "b", "c", "d"].map(String::from).to_vec();
        let groups = split(&ids, |id| {
            if id < "c" {
                Group::Overdue
            } else {
                Group::NoDate
            }
        });
        assert_eq!(
            groups,
            [
                (Group::Overdue, vec!["a".to_owned(), "b".to_owned()]),
                (Group::NoDate, vec!["c".to_owned(), "d".to_owned()])
            ]
        );
    }
}
