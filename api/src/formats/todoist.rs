//! Todoist's CSV export template: TYPE, CONTENT (with its inline `@labels`), DESCRIPTION,
//! PRIORITY (4 = p1), INDENT (2 = a subtask of the task above), DATE in Todoist's own
//! words (read by the quick-add parser), TIMEZONE. Sections and comments are skipped.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use quick_add::{Context, Draft};

use super::import::{Import, ImportedRecurrence, ImportedTask, RowError, Skipped, Vocabulary};
use crate::domain::task::parse_time_zone;
use crate::domain::{Priority, RecurrenceMode};

/// Reads a Todoist CSV export; dates without a TIMEZONE are read in `zone`, relative
/// to `now` ("every monday" starts next Monday).
pub fn read(csv_text: &[u8], zone: Tz, now: DateTime<Utc>) -> Result<Import, RowError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(csv_text);
    let headers = reader
        .headers()
        .map_err(|error| RowError::new(1, "header", error.to_string()))?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|header| header.eq_ignore_ascii_case(name))
    };
    let (Some(kind_at), Some(content_at)) = (column("TYPE"), column("CONTENT")) else {
        return Err(RowError::new(
            1,
            "header",
            "not Todoist's template: it needs TYPE and CONTENT columns",
        ));
    };
    let (description_at, priority_at, indent_at, date_at, zone_at) = (
        column("DESCRIPTION"),
        column("PRIORITY"),
        column("INDENT"),
        column("DATE"),
        column("TIMEZONE"),
    );
    let mut import = Import {
        vocabulary: Vocabulary::Todoist,
        ..Import::default()
    };
    for record in reader.records() {
        let record = record.map_err(|error| {
            let line = error.position().map_or(0, |position| position.line());
            RowError::new(usize::try_from(line).unwrap_or(0), "row", error.to_string())
        })?;
        let line = record
            .position()
            .and_then(|position| usize::try_from(position.line()).ok())
            .unwrap_or(0);
        let field = |at: Option<usize>| at.and_then(|at| record.get(at)).unwrap_or("");
        match field(Some(kind_at)).to_ascii_lowercase().as_str() {
            "task" => {}
            "section" => {
                import.skipped.push(Skipped {
                    line,
                    reason: "sections are not imported; their tasks are".to_owned(),
                });
                continue;
            }
            "note" => {
                import.skipped.push(Skipped {
                    line,
                    reason: "comments are not imported".to_owned(),
                });
                continue;
            }
            "" if record.iter().all(str::is_empty) => continue,
            other => {
                return Err(RowError::new(
                    line,
                    "TYPE",
                    format!("{other:?} is not task, section or note"),
                ));
            }
        }
        let (title, labels) = split_labels(field(Some(content_at)));
        if title.is_empty() {
            return Err(RowError::new(line, "CONTENT", "a task needs a title"));
        }
        let zone = match field(zone_at) {
            "" => zone,
            name => parse_time_zone("TIMEZONE", name)
                .map_err(|error| RowError::new(line, "TIMEZONE", error.message))?,
        };
        let mut task = ImportedTask {
            line,
            title,
            description: Some(field(description_at).to_owned()).filter(|text| !text.is_empty()),
            priority: priority(field(priority_at))
                .map_err(|message| RowError::new(line, "PRIORITY", message))?,
            labels,
            time_zone: Some(zone.name().to_owned()),
            ..ImportedTask::default()
        };
        schedule(&mut task, field(date_at), zone, now)
            .map_err(|message| RowError::new(line, "DATE", message))?;
        match field(indent_at) {
            "" | "1" => import.tasks.push(task),
            indent if indent.parse::<u8>().is_ok_and(|depth| depth > 1) => {
                // This service nests one level: deeper tasks join the top-level task above.
                let Some(parent) = import.tasks.last_mut() else {
                    return Err(RowError::new(
                        line,
                        "INDENT",
                        "a subtask needs a task above it",
                    ));
                };
                parent.subtasks.push(task);
            }
            indent => {
                return Err(RowError::new(
                    line,
                    "INDENT",
                    format!("{indent:?} is not a level (1 for a task, 2 or more for a subtask)"),
                ));
            }
        }
    }
    Ok(import)
}

/// CONTENT without its `@labels`, and the labels.
fn split_labels(content: &str) -> (String, Vec<String>) {
    let mut labels: Vec<String> = Vec::new();
    let mut words = Vec::new();
    for word in content.split_whitespace() {
        match word.strip_prefix('@') {
            Some(label) if !label.is_empty() => {
                if !labels.iter().any(|known| known.eq_ignore_ascii_case(label)) {
                    labels.push(label.to_owned());
                }
            }
            _ => words.push(word),
        }
    }
    (words.join(" "), labels)
}

/// Todoist counts priority the other way round: 4 is p1, the most urgent.
fn priority(text: &str) -> Result<Option<Priority>, String> {
    match text {
        "" => Ok(None),
        "4" => Ok(Some(Priority::Urgent)),
        "3" => Ok(Some(Priority::High)),
        "2" => Ok(Some(Priority::Normal)),
        "1" => Ok(Some(Priority::Low)),
        other => Err(format!("{other:?} is not a priority from 1 to 4")),
    }
}

/// The due date and recurrence DATE says. Todoist's `every!` repeats from completion.
fn schedule(
    task: &mut ImportedTask,
    date: &str,
    zone: Tz,
    now: DateTime<Utc>,
) -> Result<(), String> {
    if date.is_empty() {
        return Ok(());
    }
    let (text, mode) = match date.to_lowercase().contains("every!") {
        true => (
            date.replace("every!", "every").replace("Every!", "every"),
            RecurrenceMode::FromCompletion,
        ),
        false => (date.to_owned(), RecurrenceMode::FromDueDate),
    };
    let draft = quick_add::parse(
        &text,
        &Context {
            now: now.with_timezone(&zone),
            projects: &[],
            labels: &[],
        },
    );
    if !read_whole(&text, &draft) {
        return Err(format!("cannot read {date:?} as a date"));
    }
    let Some(due) = draft.due else {
        return Err(format!("{date:?} names no date"));
    };
    task.due_at = Some(quick_add::resolve_local(due.at, zone).with_timezone(&Utc));
    task.all_day = due.all_day;
    task.recurrence = draft.recurrence.map(|rule| ImportedRecurrence {
        rrule: rule.rrule,
        preset: None,
        mode,
        anchor: None,
        occurrence_number: None,
    });
    Ok(())
}

/// Whether the parser recognised every word of `text`: a date with words left over
/// ("every full moon") is not one this service can keep.
fn read_whole(text: &str, draft: &Draft) -> bool {
    text.chars().enumerate().all(|(at, character)| {
        character.is_whitespace()
            || matches!(character, ',' | '.')
            || draft
                .spans
                .iter()
                .any(|span| (span.start..span.end).contains(&at))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = "TYPE,CONTENT,DESCRIPTION,PRIORITY,INDENT,AUTHOR,RESPONSIBLE,DATE,DATE_LANG,TIMEZONE,DURATION,DURATION_UNIT\n";

    fn now() -> DateTime<Utc> {
        "2027-03-17T09:00:00Z".parse().expect("an instant")
    }

    fn read_rows(rows: &str) -> Result<Import, RowError> {
        read(
            format!("{TEMPLATE}{rows}").as_bytes(),
            chrono_tz::Europe::Berlin,
            now(),
        )
    }

    #[test]
    fn tasks_subtasks_labels_priorities_and_dates_come_through() {
        let import = read_rows(
            "section,Errands,,,,,,,,,,\n\
             task,Buy milk @shop @Shop,Two litres,4,1,Ada,,tomorrow,en,,,\n\
             task,Oat milk,,1,2,Ada,,,,,,\n\
             note,Remember the bag,,,,,,,,,,\n\
             task,Water plants,,2,1,Ada,,every! 3 days,en,America/New_York,,\n\
             ,,,,,,,,,,,\n",
        )
        .expect("a valid file");
        assert_eq!(
            import.skipped.iter().map(|s| s.line).collect::<Vec<_>>(),
            [2, 5]
        );
        let [milk, plants] = import.tasks.as_slice() else {
            panic!("two top-level tasks: {:?}", import.tasks);
        };
        assert_eq!(milk.title, "Buy milk");
        assert_eq!(milk.labels, ["shop"]);
        assert_eq!(milk.priority, Some(Priority::Urgent));
        assert_eq!(milk.description.as_deref(), Some("Two litres"));
        assert!(milk.all_day);
        assert_eq!(
            milk.due_at,
            Some("2027-03-17T23:00:00Z".parse().expect("an instant"))
        );
        assert_eq!(milk.subtasks.len(), 1);
        assert_eq!(milk.subtasks[0].priority, Some(Priority::Low));
        let rule = plants.recurrence.as_ref().expect("a series");
        assert_eq!(rule.rrule, "FREQ=DAILY;INTERVAL=3");
        assert_eq!(rule.mode, RecurrenceMode::FromCompletion);
        assert_eq!(plants.time_zone.as_deref(), Some("America/New_York"));
    }

    #[test]
    fn a_bad_row_is_refused_by_line_and_column() {
        let refused = |rows: &str| read_rows(rows).expect_err("refused");
        assert_eq!(
            refused("task,Fine,,,,,,,,,,\ntask,Bad date,,,,,,every full moon,,,,\n"),
            RowError::new(3, "DATE", "cannot read \"every full moon\" as a date")
        );
        assert_eq!(refused("task,Urgent,,5,,,,,,,,\n").field, "PRIORITY");
        assert_eq!(refused("task,Orphan,,,2,,,,,,,\n").field, "INDENT");
        assert_eq!(refused("task,@only-a-label,,,,,,,,,,\n").field, "CONTENT");
        assert_eq!(
            refused("task,Far away,,,,,,,,Mars/Base,,\n").field,
            "TIMEZONE"
        );
        assert_eq!(refused("meeting,Standup,,,,,,,,,,\n").field, "TYPE");
        assert_eq!(
            read(b"name,due\nx,y\n", chrono_tz::UTC, now())
                .expect_err("refused")
                .field,
            "header"
        );
    }
}
