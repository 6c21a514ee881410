//! The task form's state, one shape for create and edit, and what it turns into: the
//! API's inputs, the RRULE the recurrence picker stands for, and where a server error
//! is shown.

use crate::api::{
    CreateTaskInput, DateTime, Priority, RecurrenceInput, RecurrenceMode, RecurrencePreset,
    RecurrencePreviewInput, Task, UpdateTaskInput,
};
use crate::time::{self, Wall};
use strum::VariantArray as _;

/// Written (`Display`) and parsed (`FromStr`) in lower case as the picker's values;
/// listed (`VARIANTS`) in the picker's order.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    strum::Display,
    strum::EnumString,
    strum::VariantArray,
    serde::Serialize,
    serde::Deserialize,
)]
#[strum(serialize_all = "lowercase")]
pub enum Repeat {
    Never,
    Daily,
    Weekdays,
    Weekly,
    Monthly,
    Yearly,
    Custom,
}

impl Repeat {
    pub fn label(self) -> &'static str {
        match self {
            Self::Never => "Does not repeat",
            Self::Daily => "Daily",
            Self::Weekdays => "Every weekday",
            Self::Weekly => "Weekly",
            Self::Monthly => "Monthly",
            Self::Yearly => "Yearly",
            Self::Custom => "Custom rule (RRULE)",
        }
    }

    /// The RRULE a preset stands for, exactly as the server names it.
    fn rule(self) -> Option<&'static str> {
        match self {
            Self::Daily => Some("FREQ=DAILY"),
            Self::Weekdays => Some("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
            Self::Weekly => Some("FREQ=WEEKLY"),
            Self::Monthly => Some("FREQ=MONTHLY"),
            Self::Yearly => Some("FREQ=YEARLY"),
            Self::Never | Self::Custom => None,
        }
    }

    fn preset(self) -> Option<RecurrencePreset> {
        match self {
            Self::Daily => Some(RecurrencePreset::Daily),
            Self::Weekdays => Some(RecurrencePreset::Weekdays),
            Self::Weekly => Some(RecurrencePreset::Weekly),
            Self::Monthly => Some(RecurrencePreset::Monthly),
            Self::Yearly => Some(RecurrencePreset::Yearly),
            Self::Never | Self::Custom => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Ends {
    Never,
    AfterCount,
    OnDate,
}

impl Ends {
    /// The word after "Ends" in the picker: "Ends never", "Ends after 3 times", "Ends on …".
    pub fn label(self) -> &'static str {
        match self {
            Self::Never => "never",
            Self::AfterCount => "after",
            Self::OnDate => "on",
        }
    }
}

/// Everything the form holds, as text where the user types it. Serialised as a draft
/// kept across a re-sign-in (`drafts`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TaskForm {
    pub title: String,
    pub description: String,
    pub priority: Option<Priority>,
    pub category: String,
    /// `YYYY-MM-DD` in `time_zone`; empty for no due date.
    pub due_date: String,
    /// `HH:MM` in `time_zone`.
    pub due_time: String,
    pub time_zone: String,
    /// Minutes before the due time; empty for the user's default.
    pub remind_before: String,
    pub repeat: Repeat,
    pub custom_rule: String,
    pub mode: RecurrenceMode,
    pub ends: Ends,
    pub count: String,
    /// `YYYY-MM-DD`.
    pub until: String,
}

/// A problem the form finds itself, shown beside its field like the server's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

impl FieldError {
    fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

/// The form field that shows an error whose `extensions.field` is `path`
/// (`input.title` → `title`, `recurrence.rrule` → `recurrence`).
pub fn field_of(path: &str) -> &'static str {
    let name = path.strip_prefix("input.").unwrap_or(path);
    match name {
        "title" => "title",
        "description" => "description",
        "priority" => "priority",
        "category" => "category",
        "dueAt" => "due",
        "timeZone" => "timeZone",
        "remindBeforeMinutes" => "remindBefore",
        n if n.starts_with("recurrence") => "recurrence",
        _ => "form",
    }
}

impl TaskForm {
    pub fn blank(time_zone: &str) -> Self {
        Self {
            title: String::new(),
            description: String::new(),
            priority: None,
            category: String::new(),
            due_date: String::new(),
            due_time: String::new(),
            time_zone: time_zone.to_owned(),
            remind_before: String::new(),
            repeat: Repeat::Never,
            custom_rule: String::new(),
            mode: RecurrenceMode::FromDueDate,
            ends: Ends::Never,
            count: "10".to_owned(),
            until: String::new(),
        }
    }

    /// The form for editing `task`; `due` is its due date read in its own zone.
    pub fn from_task(task: &Task, due: Option<Wall>) -> Self {
        let mut form = Self::blank(&task.time_zone);
        form.title = task.title.clone();
        form.description = task.description.clone().unwrap_or_default();
        form.priority = task.priority;
        form.category = task.category.clone().unwrap_or_default();
        if let Some(due) = due {
            form.due_date = due.date_input();
            form.due_time = due.time_input();
        }
        form.remind_before = task
            .remind_before_minutes
            .map(|m| m.to_string())
            .unwrap_or_default();
        if let Some(recurrence) = &task.recurrence {
            form.mode = recurrence.mode;
            let (base, ends) = split_ends(&recurrence.rrule);
            form.repeat = Repeat::VARIANTS
                .iter()
                .copied()
                .find(|r| r.rule() == Some(base.as_str()))
                .unwrap_or(Repeat::Custom);
            match ends {
                SeriesEnd::Never => {}
                SeriesEnd::Count(n) => {
                    form.ends = Ends::AfterCount;
                    form.count = n.to_string();
                }
                SeriesEnd::Until(date) => {
                    form.ends = Ends::OnDate;
                    form.until = date;
                }
            }
            if form.repeat == Repeat::Custom {
                // A custom rule keeps its ending inside the rule text.
                form.custom_rule = recurrence.rrule.clone();
                form.ends = Ends::Never;
            }
        }
        form
    }

    /// The due date as a reading in the task's zone, if one is set.
    pub fn due_wall(&self) -> Result<Option<Wall>, FieldError> {
        if self.due_date.trim().is_empty() {
            return Ok(None);
        }
        Wall::parse(&self.due_date, &self.due_time)
            .map(Some)
            .ok_or_else(|| FieldError::new("due", "Give a date and a time, e.g. 2027-02-01 09:00"))
    }

    pub fn remind_minutes(&self) -> Result<Option<i32>, FieldError> {
        match self.remind_before.trim() {
            "" => Ok(None),
            text => text
                .parse::<i32>()
                .ok()
                .filter(|m| *m >= 0)
                .map(Some)
                .ok_or_else(|| FieldError::new("remindBefore", "Give a number of minutes")),
        }
    }

    /// What the recurrence picker stands for; `None` for a one-time task. A preset with
    /// an ending is sent as its rule plus COUNT or UNTIL.
    pub fn recurrence(&self) -> Result<Option<RecurrenceInput>, FieldError> {
        let base = match self.repeat {
            Repeat::Never => return Ok(None),
            Repeat::Custom => {
                let rule = self.custom_rule.trim();
                let rule = rule.strip_prefix("RRULE:").unwrap_or(rule).trim();
                if rule.is_empty() {
                    return Err(FieldError::new(
                        "recurrence",
                        "Write a rule, e.g. FREQ=WEEKLY;BYDAY=MO,WE",
                    ));
                }
                return Ok(Some(RecurrenceInput {
                    preset: None,
                    rrule: Some(rule.to_owned()),
                    mode: self.mode,
                }));
            }
            preset => preset.rule().unwrap_or_default(),
        };
        let ending = match self.ends {
            Ends::Never => None,
            Ends::AfterCount => match self.count.trim().parse::<u32>() {
                Ok(n) if n >= 1 => Some(format!("COUNT={n}")),
                _ => {
                    return Err(FieldError::new(
                        "recurrence",
                        "Give how many times, 1 or more",
                    ));
                }
            },
            Ends::OnDate => match Wall::parse(&self.until, "23:59") {
                Some(day) => Some(format!(
                    "UNTIL={:04}{:02}{:02}T235959Z",
                    day.year, day.month, day.day
                )),
                None => return Err(FieldError::new("recurrence", "Give the last date")),
            },
        };
        Ok(Some(match ending {
            None => RecurrenceInput {
                preset: self.repeat.preset(),
                rrule: None,
                mode: self.mode,
            },
            Some(ending) => RecurrenceInput {
                preset: None,
                rrule: Some(format!("{base};{ending}")),
                mode: self.mode,
            },
        }))
    }

    fn text(value: &str) -> Option<String> {
        let value = value.trim();
        (!value.is_empty()).then(|| value.to_owned())
    }

    /// The input for `createTask`; `due_at` is the due reading resolved to an instant.
    pub fn to_create(&self, due_at: Option<DateTime>) -> Result<CreateTaskInput, FieldError> {
        Ok(CreateTaskInput {
            title: self.title.trim().to_owned(),
            description: Self::text(&self.description),
            priority: self.priority,
            category: Self::text(&self.category),
            due_at,
            time_zone: Self::text(&self.time_zone),
            recurrence: self.recurrence()?,
            remind_before_minutes: self.remind_minutes()?,
        })
    }

    /// The input for `updateTask`: every field, so a field left empty is cleared.
    pub fn to_update(&self, due_at: Option<DateTime>) -> Result<UpdateTaskInput, FieldError> {
        let create = self.to_create(due_at)?;
        Ok(UpdateTaskInput {
            title: Some(create.title),
            description: create.description,
            priority: create.priority,
            category: create.category,
            due_at: create.due_at,
            time_zone: create.time_zone,
            recurrence: create.recurrence,
            remind_before_minutes: create.remind_before_minutes,
        })
    }

    /// The input for `recurrencePreview`, when there is a recurrence to preview.
    pub fn to_preview(&self, due_at: Option<DateTime>) -> Option<RecurrencePreviewInput> {
        let recurrence = self.recurrence().ok()??;
        Some(RecurrencePreviewInput {
            due_at,
            time_zone: Self::text(&self.time_zone),
            recurrence,
        })
    }

    /// The due instant, resolved in the task's zone through the browser's clock rules.
    pub fn due_at(&self) -> Result<Option<DateTime>, FieldError> {
        Ok(self
            .due_wall()?
            .map(|wall| time::to_datetime(time::instant_of(&self.time_zone, wall))))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum SeriesEnd {
    Never,
    Count(u32),
    /// `YYYY-MM-DD`.
    Until(String),
}

/// Splits COUNT or UNTIL off a rule: `FREQ=DAILY;COUNT=5` → (`FREQ=DAILY`, 5 times).
fn split_ends(rule: &str) -> (String, SeriesEnd) {
    let mut end = SeriesEnd::Never;
    let base: Vec<&str> = rule
        .split(';')
        .filter(|part| {
            if let Some(n) = part.strip_prefix("COUNT=").and_then(|n| n.parse().ok()) {
                end = SeriesEnd::Count(n);
                false
            } else if let Some(date) = part.strip_prefix("UNTIL=").filter(|d| d.len() >= 8) {
                end = SeriesEnd::Until(format!("{}-{}-{}", &date[..4], &date[4..6], &date[6..8]));
                false
            } else {
                true
            }
        })
        .collect();
    (base.join(";"), end)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;
    use crate::api::{Id, Recurrence};

    fn task(rrule: Option<&str>) -> Task {
        Task {
            id: Id::new("t1"),
            title: "Pay rent".into(),
            description: None,
            priority: Some(Priority::High),
            category: Some("Home".into()),
            due_at: Some(DateTime("2027-01-31T08:00:00Z".into())),
            time_zone: "Europe/Berlin".into(),
            recurrence: rrule.map(|rule| Recurrence {
                preset: RecurrencePreset::Custom,
                rrule: rule.into(),
                mode: RecurrenceMode::FromDueDate,
                description: String::new(),
            }),
            remind_before_minutes: Some(30),
            completed: false,
            completed_at: None,
            created_at: DateTime("2027-01-01T00:00:00Z".into()),
            updated_at: DateTime("2027-01-01T00:00:00Z".into()),
        }
    }

    #[wasm_bindgen_test]
    fn a_preset_without_an_ending_is_sent_by_name() {
        let mut form = TaskForm::blank("UTC");
        form.repeat = Repeat::Monthly;
        let recurrence = form.recurrence().unwrap().unwrap();
        assert_eq!(recurrence.preset, Some(RecurrencePreset::Monthly));
        assert_eq!(recurrence.rrule, None);
    }

    #[wasm_bindgen_test]
    fn a_preset_with_an_ending_becomes_its_rule_with_count_or_until() {
        let mut form = TaskForm::blank("UTC");
        form.repeat = Repeat::Weekdays;
        form.ends = Ends::AfterCount;
        form.count = "5".into();
        let counted = form.recurrence().unwrap().unwrap();
        assert_eq!(counted.preset, None);
        assert_eq!(
            counted.rrule.as_deref(),
            Some("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT=5")
        );

        form.ends = Ends::OnDate;
        form.until = "2027-06-30".into();
        let until = form.recurrence().unwrap().unwrap();
        assert_eq!(
            until.rrule.as_deref(),
            Some("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20270630T235959Z")
        );

        form.count = "0".into();
        form.ends = Ends::AfterCount;
        assert_eq!(form.recurrence().unwrap_err().field, "recurrence");
    }

    #[wasm_bindgen_test]
    fn editing_reads_the_picker_back_from_the_rule() {
        let due = Some(Wall {
            year: 2027,
            month: 1,
            day: 31,
            hour: 9,
            minute: 0,
        });
        let form = TaskForm::from_task(&task(Some("FREQ=MONTHLY;COUNT=12")), due);
        assert_eq!(form.repeat, Repeat::Monthly);
        assert_eq!(form.ends, Ends::AfterCount);
        assert_eq!(form.count, "12");
        assert_eq!(form.due_date, "2027-01-31");
        assert_eq!(form.due_time, "09:00");
        assert_eq!(form.remind_before, "30");

        let custom = TaskForm::from_task(&task(Some("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO")), due);
        assert_eq!(custom.repeat, Repeat::Custom);
        assert_eq!(custom.custom_rule, "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO");
        assert_eq!(
            custom.recurrence().unwrap().unwrap().rrule.as_deref(),
            Some("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO")
        );

        let until = TaskForm::from_task(&task(Some("FREQ=DAILY;UNTIL=20270630T235959Z")), due);
        assert_eq!(
            (until.repeat, until.ends, until.until.as_str()),
            (Repeat::Daily, Ends::OnDate, "2027-06-30")
        );
    }

    #[wasm_bindgen_test]
    fn an_update_sends_every_field_so_empty_ones_are_cleared() {
        let mut form = TaskForm::from_task(&task(None), None);
        form.category = "  ".into();
        form.description = "Bank transfer".into();
        let update = form.to_update(None).unwrap();
        assert_eq!(update.title.as_deref(), Some("Pay rent"));
        assert_eq!(update.category, None);
        assert_eq!(update.description.as_deref(), Some("Bank transfer"));
        assert_eq!(update.recurrence, None);
        assert_eq!(update.remind_before_minutes, Some(30));
    }

    #[wasm_bindgen_test]
    fn server_fields_map_onto_form_fields() {
        assert_eq!(field_of("input.title"), "title");
        assert_eq!(field_of("input.dueAt"), "due");
        assert_eq!(field_of("recurrence.rrule"), "recurrence");
        assert_eq!(field_of("recurrence"), "recurrence");
        assert_eq!(field_of("input.remindBeforeMinutes"), "remindBefore");
        assert_eq!(field_of("input.timeZone"), "timeZone");
        assert_eq!(field_of("somethingElse"), "form");
    }

    #[wasm_bindgen_test]
    fn the_due_date_resolves_in_the_tasks_zone() {
        let mut form = TaskForm::blank("Europe/Berlin");
        form.due_date = "2027-01-31".into();
        form.due_time = "09:00".into();
        assert_eq!(
            form.due_at().unwrap(),
            Some(DateTime("2027-01-31T08:00:00Z".into()))
        );
        form.due_date = "2027-02-30".into();
        assert_eq!(form.due_at().unwrap_err().field, "due");
    }
}
