//! The daily digest: one email a day, at the time the user picked in their zone, of
//! their open tasks due that day or overdue.

use chrono::{DateTime, Days, NaiveDate, Utc};

use super::preferences::Preferences;
use super::task::Task;

/// The local day whose digest is due at `now`, if one is: the user asked for a digest,
/// its time of day has come in their zone, and that day's has not gone out yet
/// (`sent_on`, as "YYYY-MM-DD").
pub fn due_day(
    preferences: &Preferences,
    sent_on: Option<&str>,
    now: DateTime<Utc>,
) -> Option<NaiveDate> {
    let at = preferences.daily_digest_at?;
    let local = now.with_timezone(&preferences.time_zone);
    let today = local.date_naive();
    let already = sent_on.and_then(|day| day.parse::<NaiveDate>().ok()) == Some(today);
    (local.time() >= at && !already).then_some(today)
}

/// What a digest of local `day` lists: open tasks due before the day ends (so overdue
/// ones too), earliest first.
pub fn digest_tasks(mut tasks: Vec<Task>, preferences: &Preferences, day: NaiveDate) -> Vec<Task> {
    let end_of_day = day
        .checked_add_days(Days::new(1))
        .and_then(|next| next.and_hms_opt(0, 0, 0))
        .and_then(|midnight| {
            midnight
                .and_local_timezone(preferences.time_zone)
                .earliest()
        })
        .map(|midnight| midnight.with_timezone(&Utc));
    tasks.retain(|task| {
        !task.completed && matches!((task.due_at, end_of_day), (Some(due), Some(end)) if due < end)
    });
    tasks.sort_by_key(|task| task.due_at);
    tasks
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveTime, TimeZone as _};

    use super::*;

    fn berlin_at_seven() -> Preferences {
        Preferences {
            time_zone: chrono_tz::Europe::Berlin,
            daily_digest_at: NaiveTime::from_hms_opt(7, 0, 0),
            ..Preferences::default()
        }
    }

    #[test]
    fn due_once_a_day_from_the_local_time_on() {
        let prefs = berlin_at_seven();
        // 05:59 UTC is 06:59 in Berlin in winter: not yet.
        let before = Utc.with_ymd_and_hms(2027, 1, 4, 5, 59, 0).unwrap();
        assert_eq!(due_day(&prefs, None, before), None);
        let at = Utc.with_ymd_and_hms(2027, 1, 4, 6, 0, 0).unwrap();
        let day = NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
        assert_eq!(due_day(&prefs, None, at), Some(day));
        assert_eq!(due_day(&prefs, Some("2027-01-03"), at), Some(day));
        assert_eq!(due_day(&prefs, Some("2027-01-04"), at), None, "once a day");
        let off = Preferences {
            daily_digest_at: None,
            ..prefs
        };
        assert_eq!(due_day(&off, None, at), None);
    }

    #[test]
    fn lists_open_tasks_due_by_the_end_of_the_local_day_earliest_first() {
        let prefs = berlin_at_seven();
        let day = NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
        let task = |title: &str, due: Option<DateTime<Utc>>, completed: bool| Task {
            title: title.into(),
            due_at: due,
            completed,
            ..Task::default()
        };
        let tasks = vec![
            // 22:59 UTC is 23:59 in Berlin: still today there.
            task(
                "late today",
                Utc.with_ymd_and_hms(2027, 1, 4, 22, 59, 0).single(),
                false,
            ),
            task(
                "tomorrow",
                Utc.with_ymd_and_hms(2027, 1, 4, 23, 0, 0).single(),
                false,
            ),
            task(
                "overdue",
                Utc.with_ymd_and_hms(2026, 12, 30, 9, 0, 0).single(),
                false,
            ),
            task(
                "done",
                Utc.with_ymd_and_hms(2027, 1, 4, 9, 0, 0).single(),
                true,
            ),
            task("undated", None, false),
        ];
        let titles: Vec<String> = digest_tasks(tasks, &prefs, day)
            .into_iter()
            .map(|task| task.title)
            .collect();
        assert_eq!(titles, ["overdue", "late today"]);
    }
}
