//! What a recurrence will do, before the task exists: the rule's text and the due dates
//! the series takes when each occurrence is completed on time.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::domain::{Recurrence, SeriesPosition};

/// The most dates one preview walks, whatever the client asks for.
pub const MAX_PREVIEW_DATES: usize = 20;

pub struct RecurrencePreview {
    pub recurrence: Recurrence,
    pub time_zone: Tz,
    /// The first due date: the start of the series.
    pub anchor: DateTime<Utc>,
    /// The due dates of the first occurrences, the anchor included; shorter when the
    /// series ends (COUNT, UNTIL).
    pub dates: Vec<DateTime<Utc>>,
}

impl RecurrencePreview {
    /// Walks the series the way completing each occurrence would, so the preview shows
    /// exactly the dates `completeTask` will create (month ends, DST, COUNT, UNTIL).
    pub fn walk(
        recurrence: Recurrence,
        anchor: DateTime<Utc>,
        time_zone: Tz,
        count: usize,
    ) -> Self {
        let mut dates = vec![anchor];
        let mut position = SeriesPosition {
            anchor,
            due: anchor,
            occurrence_number: 1,
            time_zone,
        };
        while dates.len() < count.clamp(1, MAX_PREVIEW_DATES) {
            let Some(next) = recurrence.next_occurrence(&position, position.due) else {
                break;
            };
            dates.push(next.due);
            position = SeriesPosition {
                anchor: next.anchor,
                due: next.due,
                occurrence_number: next.occurrence_number,
                time_zone,
            };
        }
        Self {
            recurrence,
            time_zone,
            anchor,
            dates,
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;
    use crate::domain::{RecurrenceMode, RecurrencePreset};

    #[test]
    fn monthly_on_the_31st_lands_on_the_last_day_of_shorter_months() {
        let recurrence = Recurrence::from_input(
            Some(RecurrencePreset::Monthly),
            None,
            RecurrenceMode::FromDueDate,
        )
        .expect("preset");
        let tz: Tz = "Europe/Berlin".parse().expect("zone");
        let anchor = tz
            .with_ymd_and_hms(2027, 1, 31, 9, 0, 0)
            .single()
            .expect("instant")
            .with_timezone(&Utc);
        let preview = RecurrencePreview::walk(recurrence, anchor, tz, 5);
        let days: Vec<String> = preview
            .dates
            .iter()
            .map(|d| d.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string())
            .collect();
        assert_eq!(
            days,
            [
                "2027-01-31 09:00",
                "2027-02-28 09:00",
                "2027-03-31 09:00",
                "2027-04-30 09:00",
                "2027-05-31 09:00"
            ]
        );
    }

    #[test]
    fn a_counted_series_stops_early() {
        let recurrence = Recurrence::from_input(
            None,
            Some("FREQ=DAILY;COUNT=3"),
            RecurrenceMode::FromDueDate,
        )
        .expect("rule");
        let anchor = Utc
            .with_ymd_and_hms(2027, 3, 1, 8, 0, 0)
            .single()
            .expect("instant");
        let preview = RecurrencePreview::walk(recurrence, anchor, Tz::UTC, 5);
        assert_eq!(preview.dates.len(), 3);
    }
}
