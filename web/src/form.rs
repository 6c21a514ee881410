//! The task form's state, one shape for create and edit, and what it turns into: the
//! API's inputs, the RRULE the recurrence picker stands for, and where a server error
//! is shown.

use crate::api::{
    ApiError, CreateTaskInput, DateTime, Id, Priority, RecurrenceInput, RecurrenceMode,
    RecurrencePreset, RecurrencePreviewInput, Task, UpdateTaskInput, id_of,
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
    /// Built from frequency, interval, weekdays and monthly position.
    Custom,
    /// Raw RRULE text, for what the builder cannot say.
    Advanced,
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
            Self::Custom => "Custom…",
            Self::Advanced => "Advanced (RRULE)",
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
            Self::Never | Self::Custom | Self::Advanced => None,
        }
    }

    fn preset(self) -> Option<RecurrencePreset> {
        match self {
            Self::Daily => Some(RecurrencePreset::Daily),
            Self::Weekdays => Some(RecurrencePreset::Weekdays),
            Self::Weekly => Some(RecurrencePreset::Weekly),
            Self::Monthly => Some(RecurrencePreset::Monthly),
            Self::Yearly => Some(RecurrencePreset::Yearly),
            Self::Never | Self::Custom | Self::Advanced => None,
        }
    }
}

/// How often a custom repeat comes round.
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
pub enum Freq {
    Daily,
    Weekly,
    Monthly,
    Yearly,
}

impl Freq {
    pub fn label(self) -> &'static str {
        match self {
            Self::Daily => "Daily",
            Self::Weekly => "Weekly",
            Self::Monthly => "Monthly",
            Self::Yearly => "Yearly",
        }
    }

    /// The unit after "Every 2 …".
    pub fn unit(self, plural: bool) -> &'static str {
        match (self, plural) {
            (Self::Daily, false) => "day",
            (Self::Daily, true) => "days",
            (Self::Weekly, false) => "week",
            (Self::Weekly, true) => "weeks",
            (Self::Monthly, false) => "month",
            (Self::Monthly, true) => "months",
            (Self::Yearly, false) => "year",
            (Self::Yearly, true) => "years",
        }
    }

    fn rule(self) -> &'static str {
        match self {
            Self::Daily => "DAILY",
            Self::Weekly => "WEEKLY",
            Self::Monthly => "MONTHLY",
            Self::Yearly => "YEARLY",
        }
    }
}

/// Which day of the month a monthly custom repeat falls on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum MonthlyOn {
    /// Day `month_day` of the month.
    Day,
    LastDay,
    /// The `nth` `nth_weekday` of the month ("the 2nd Monday", "the last Friday").
    Weekday,
}

/// Monday first, as the chips show them: (RRULE code, short name, full name).
pub const WEEKDAYS: [(&str, &str, &str); 7] = [
    ("MO", "Mon", "Monday"),
    ("TU", "Tue", "Tuesday"),
    ("WE", "Wed", "Wednesday"),
    ("TH", "Thu", "Thursday"),
    ("FR", "Fri", "Friday"),
    ("SA", "Sat", "Saturday"),
    ("SU", "Sun", "Sunday"),
];

/// The positions "the 2nd Monday" can take: (RRULE number, words).
pub const POSITIONS: [(i8, &str); 5] =
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (-1, "last")];

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
    /// The project's id; empty for the Inbox.
    #[serde(default)]
    pub project: String,
    /// The labels' ids, in the order picked.
    #[serde(default)]
    pub labels: Vec<String>,
    /// The assignee's user id; empty for nobody.
    #[serde(default)]
    pub assignee: String,
    /// `YYYY-MM-DD` in `time_zone`; empty for no due date.
    pub due_date: String,
    /// `HH:MM` in `time_zone`; unused when `all_day`.
    pub due_time: String,
    /// Due on `due_date` without a time.
    pub all_day: bool,
    pub time_zone: String,
    /// Minutes before the due time; empty for the user's default.
    pub remind_before: String,
    pub repeat: Repeat,
    /// The raw rule of [`Repeat::Advanced`].
    pub custom_rule: String,
    pub freq: Freq,
    /// "Every N" of a custom repeat, as typed.
    pub interval: String,
    /// The weekday chips of a weekly custom repeat, Monday first.
    pub weekdays: [bool; 7],
    pub monthly_on: MonthlyOn,
    /// As typed, 1 to 31.
    pub month_day: String,
    /// One of [`POSITIONS`]' numbers.
    pub nth: i8,
    /// Index into [`WEEKDAYS`].
    pub nth_weekday: usize,
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
        "email" => "email",
        "password" => "password",
        "displayName" => "displayName",
        "title" => "title",
        "description" => "description",
        "priority" => "priority",
        "projectId" => "project",
        n if n.starts_with("labelIds") => "labels",
        "assigneeId" => "assignee",
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
            project: String::new(),
            labels: Vec::new(),
            assignee: String::new(),
            due_date: String::new(),
            due_time: String::new(),
            all_day: false,
            time_zone: time_zone.to_owned(),
            remind_before: String::new(),
            repeat: Repeat::Never,
            custom_rule: String::new(),
            freq: Freq::Weekly,
            interval: "1".to_owned(),
            weekdays: [false; 7],
            monthly_on: MonthlyOn::Day,
            month_day: "1".to_owned(),
            nth: 1,
            nth_weekday: 0,
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
        form.project = id_of(&task.project.id);
        form.labels = task.labels.iter().map(|l| id_of(&l.id)).collect();
        form.assignee = task
            .assignee
            .as_ref()
            .map(|a| id_of(&a.id))
            .unwrap_or_default();
        if let Some(due) = due {
            form.due_date = due.date_input();
            form.all_day = task.all_day;
            if !task.all_day {
                form.due_time = due.time_input();
            }
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
            if form.repeat == Repeat::Custom && !form.read_custom(&base) {
                // What the builder cannot say stays the rule text, ending included.
                form.repeat = Repeat::Advanced;
                form.custom_rule = recurrence.rrule.clone();
                return form;
            }
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
        }
        form
    }

    /// The due date as a reading in the task's zone, if one is set.
    pub fn due_wall(&self) -> Result<Option<Wall>, FieldError> {
        if self.due_date.trim().is_empty() {
            return Ok(None);
        }
        // An all-day date stands at its midnight, which the server keeps.
        let time = if self.all_day {
            "00:00"
        } else {
            &self.due_time
        };
        Wall::parse(&self.due_date, time)
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
    /// an ending, and a custom repeat, are sent as a rule with COUNT or UNTIL.
    pub fn recurrence(&self) -> Result<Option<RecurrenceInput>, FieldError> {
        let base = match self.repeat {
            Repeat::Never => return Ok(None),
            Repeat::Advanced => {
                let rule = self.custom_rule.trim();
                let rule = rule.strip_prefix("RRULE:").unwrap_or(rule).trim();
                if rule.is_empty() {
                    return Err(FieldError::new(
                        "recurrence",
                        "Write a rule, e.g. FREQ=WEEKLY;BYDAY=MO,WE, or choose Custom… to pick the days",
                    ));
                }
                return Ok(Some(RecurrenceInput {
                    preset: None,
                    rrule: Some(rule.to_owned()),
                    mode: self.mode,
                }));
            }
            Repeat::Custom => self.custom_base()?,
            preset => preset.rule().unwrap_or_default().to_owned(),
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
                None => return Err(FieldError::new("recurrence", "Pick the last date")),
            },
        };
        Ok(Some(match (ending, self.repeat.preset()) {
            (None, Some(preset)) => RecurrenceInput {
                preset: Some(preset),
                rrule: None,
                mode: self.mode,
            },
            (None, None) => RecurrenceInput {
                preset: None,
                rrule: Some(base),
                mode: self.mode,
            },
            (Some(ending), _) => RecurrenceInput {
                preset: None,
                rrule: Some(format!("{base};{ending}")),
                mode: self.mode,
            },
        }))
    }

    /// The rule the custom builder stands for, without its ending:
    /// `FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE`, `FREQ=MONTHLY;BYDAY=-1FR`.
    fn custom_base(&self) -> Result<String, FieldError> {
        let interval = self
            .interval
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=999).contains(n))
            .ok_or_else(|| {
                FieldError::new(
                    "recurrence",
                    format!(
                        "Give how many {} apart, from 1 to 999",
                        self.freq.unit(true)
                    ),
                )
            })?;
        let mut parts = vec![format!("FREQ={}", self.freq.rule())];
        if interval > 1 {
            parts.push(format!("INTERVAL={interval}"));
        }
        match self.freq {
            Freq::Weekly => {
                let days: Vec<&str> = WEEKDAYS
                    .iter()
                    .zip(self.weekdays)
                    .filter(|(_, on)| *on)
                    .map(|((code, _, _), _)| *code)
                    .collect();
                // No chip: the weekday of the due date, as RRULE has it.
                if !days.is_empty() {
                    parts.push(format!("BYDAY={}", days.join(",")));
                }
            }
            Freq::Monthly => parts.push(match self.monthly_on {
                MonthlyOn::Day => {
                    let day = self
                        .month_day
                        .trim()
                        .parse::<u32>()
                        .ok()
                        .filter(|d| (1..=31).contains(d))
                        .ok_or_else(|| {
                            FieldError::new("recurrence", "Pick a day of the month from 1 to 31")
                        })?;
                    format!("BYMONTHDAY={day}")
                }
                MonthlyOn::LastDay => "BYMONTHDAY=-1".to_owned(),
                MonthlyOn::Weekday => {
                    let (code, _, _) = WEEKDAYS[self.nth_weekday.min(6)];
                    format!("BYDAY={}{code}", self.nth)
                }
            }),
            Freq::Daily | Freq::Yearly => {}
        }
        Ok(parts.join(";"))
    }

    /// Sets the builder from a rule without its ending; `false` when the builder cannot
    /// say it (BYHOUR, several monthly days, …), which leaves it to the raw text.
    fn read_custom(&mut self, base: &str) -> bool {
        let mut freq = None;
        let mut interval = 1u32;
        let mut by_day: Option<&str> = None;
        let mut month_day: Option<i32> = None;
        for part in base.split(';') {
            let Some((key, value)) = part.split_once('=') else {
                return false;
            };
            match key {
                "FREQ" => {
                    freq = Freq::VARIANTS.iter().copied().find(|f| f.rule() == value);
                }
                "INTERVAL" => match value.parse() {
                    Ok(n) => interval = n,
                    Err(_) => return false,
                },
                "BYDAY" => by_day = Some(value),
                "BYMONTHDAY" => match value.parse() {
                    Ok(n) => month_day = Some(n),
                    Err(_) => return false,
                },
                _ => return false,
            }
        }
        let Some(freq) = freq else { return false };
        let weekday = |code: &str| WEEKDAYS.iter().position(|(c, _, _)| *c == code);
        match (freq, by_day, month_day) {
            (Freq::Daily | Freq::Yearly, None, None) => {}
            (Freq::Weekly, days, None) => {
                for code in days.map(|d| d.split(',')).into_iter().flatten() {
                    match weekday(code) {
                        Some(i) => self.weekdays[i] = true,
                        None => return false,
                    }
                }
            }
            (Freq::Monthly, None, Some(-1)) => self.monthly_on = MonthlyOn::LastDay,
            (Freq::Monthly, None, Some(day @ 1..=31)) => {
                self.monthly_on = MonthlyOn::Day;
                self.month_day = day.to_string();
            }
            (Freq::Monthly, Some(day), None) if day.is_ascii() => {
                let split = day.len().saturating_sub(2);
                let (n, code) = day.split_at(split);
                let (Ok(n), Some(i)) = (n.parse::<i8>(), weekday(code)) else {
                    return false;
                };
                if !POSITIONS.iter().any(|(p, _)| *p == n) {
                    return false;
                }
                self.monthly_on = MonthlyOn::Weekday;
                self.nth = n;
                self.nth_weekday = i;
            }
            _ => return false,
        }
        self.freq = freq;
        self.interval = interval.to_string();
        true
    }

    /// Starts the custom builder from the due date: its weekday chip, its day of the
    /// month, its position in the month ("the 2nd Tuesday").
    pub fn seed_custom(&mut self) {
        let Some(due) = Wall::parse(&self.due_date, "") else {
            return;
        };
        // 1970-01-01 was a Thursday: index 3 with Monday first.
        let weekday = usize::try_from((due.day_number() + 3).rem_euclid(7)).unwrap_or(0);
        if !self.weekdays.contains(&true) {
            self.weekdays[weekday] = true;
        }
        self.month_day = due.day.to_string();
        self.nth_weekday = weekday;
        self.nth = if due.day + 7 > time::days_in_month(due.year, due.month) {
            -1
        } else {
            i8::try_from(due.day.div_ceil(7)).unwrap_or(1)
        };
    }

    /// The zone the form's dates are read in, as the browser spells it.
    pub fn zone(&self) -> Result<String, FieldError> {
        let typed = self.time_zone.trim();
        if typed.is_empty() {
            return Err(FieldError::new(
                "timeZone",
                "Pick a time zone, e.g. Europe/Berlin",
            ));
        }
        time::known_zone(typed).ok_or_else(|| {
            FieldError::new(
                "timeZone",
                format!("“{typed}” is not a time zone we know. Pick one from the list, e.g. Europe/Berlin"),
            )
        })
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
            project_id: Self::text(&self.project).map(Id::new),
            label_ids: Some(self.labels.iter().map(Id::new).collect()),
            parent_id: None,
            assignee_id: Self::text(&self.assignee).map(Id::new),
            all_day: Some(self.all_day && due_at.is_some()),
            due_at,
            time_zone: Some(self.zone()?),
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
            project_id: create.project_id,
            label_ids: create.label_ids,
            assignee_id: create.assignee_id,
            due_at: create.due_at,
            all_day: create.all_day,
            time_zone: create.time_zone,
            recurrence: create.recurrence,
            remind_before_minutes: create.remind_before_minutes,
        })
    }

    /// The input for `recurrencePreview`, when there is a recurrence to preview.
    pub fn to_preview(&self, due_at: Option<DateTime>) -> Option<RecurrencePreviewInput> {
        let recurrence = self.recurrence().ok()??;
        Some(RecurrencePreviewInput {
            all_day: Some(self.all_day),
            due_at,
            time_zone: Some(self.zone().ok()?),
            recurrence,
        })
    }

    /// The due instant, resolved in the task's zone through the browser's clock rules.
    pub fn due_at(&self) -> Result<Option<DateTime>, FieldError> {
        let Some(wall) = self.due_wall()? else {
            return Ok(None);
        };
        Ok(Some(time::to_datetime(time::instant_of(
            &self.zone()?,
            wall,
        ))))
    }
}

/// A server error as a person reads it: the form field it belongs beside (`"form"` for
/// none) and a sentence. The API's messages are written for developers ("input.recurrence.rrule:
/// invalid RRULE: …"); this is the one place they become words for people, by
/// `extensions.code` and `extensions.field`, with the message only telling apart the
/// cases one field has.
pub fn explain(error: &ApiError) -> FieldError {
    let field = error.field.as_deref().map_or("form", field_of);
    let says = |words: &str| error.message.contains(words);
    let message = match error.code.as_deref() {
        // Network trouble: the client wrote these itself.
        None => error.message.clone(),
        Some("UNAUTHENTICATED") if says("email or password") => {
            "That email and password do not match an account. Check both and try again.".into()
        }
        Some("UNAUTHENTICATED") => "Your session has ended. Sign in again to go on.".into(),
        Some("RATE_LIMITED") => "Too many tries in a row. Wait a minute, then try again.".into(),
        Some("FORBIDDEN") => "You do not have access to this.".into(),
        Some("NOT_FOUND") => {
            "This task no longer exists; it may have been deleted elsewhere.".into()
        }
        Some("CONFLICT") if says("email") => {
            "An account with this email exists already. Sign in instead.".into()
        }
        Some("CONFLICT") => "This changed elsewhere in the meantime. Reload and try again.".into(),
        Some("BAD_USER_INPUT") => input_sentence(field, &error.message),
        _ => "Something went wrong on our side. Try again in a moment.".into(),
    };
    FieldError { field, message }
}

/// The sentence for bad input in `field`, given the API's `message` for it.
fn input_sentence(field: &str, message: &str) -> String {
    let says = |words: &str| message.contains(words);
    let at_most = message
        .split("at most ")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .filter(|n| !n.is_empty());
    if says("control characters") {
        return "Remove the line breaks and special characters.".into();
    }
    if let (Some(n), false) = (at_most, field == "recurrence") {
        return format!("That is too long: use at most {n} characters.");
    }
    match field {
        "title" => "Give the task a title.".into(),
        "due" if says("needs a due date") => "Pick a due date to repeat from.".into(),
        "due" => "Pick a due date and time.".into(),
        "timeZone" => "Pick a time zone from the list, e.g. Europe/Berlin.".into(),
        "remindBefore" => "Give the minutes before the due time, from 0 to 10080 (a week).".into(),
        "recurrence" if says("once an hour") => {
            "A task can repeat at most once an hour. Pick a longer interval.".into()
        }
        "recurrence" if says("UNTIL lies before") => {
            "The end date is before the due date. Pick a later end date.".into()
        }
        "recurrence" if says("never produces") => {
            "This repeat never falls on a date. Check the days you picked.".into()
        }
        "recurrence" if says("COUNT must be") => {
            "A series can have at most 10000 occurrences. Pick fewer, or let it go on.".into()
        }
        "recurrence" if says("DTSTART") => {
            "Write only the rule, e.g. FREQ=WEEKLY;BYDAY=MO: the series starts on the due date."
                .into()
        }
        "recurrence" => {
            "This rule cannot be read. Write it like FREQ=WEEKLY;BYDAY=MO,WE, or choose Custom… to pick the days."
                .into()
        }
        "email" => "Give an email address like name@example.com.".into(),
        "password" => "Use at least 8 characters for the password.".into(),
        "displayName" => "Give your name.".into(),
        "project" => "Pick a project you can change tasks in.".into(),
        "labels" => "Pick labels from the list, or type a new one.".into(),
        "assignee" => "Pick someone the project is shared with.".into(),
        _ => "Something in the form is not right. Check the fields and try again.".into(),
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
    use crate::api::{Label, Recurrence};

    fn task(rrule: Option<&str>) -> Task {
        Task {
            title: "Pay rent".into(),
            priority: Some(Priority::High),
            labels: vec![Label {
                id: Id::new("l-home"),
                name: "Home".into(),
                color: None,
            }],
            due_at: Some(DateTime("2027-01-31T08:00:00Z".into())),
            time_zone: "Europe/Berlin".into(),
            recurrence: rrule.map(|rule| Recurrence {
                preset: RecurrencePreset::Custom,
                rrule: rule.into(),
                mode: RecurrenceMode::FromDueDate,
                description: String::new(),
            }),
            remind_before_minutes: Some(30),
            ..crate::api::test_task("t1", "2027-01-01T00:00:00Z")
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
        assert_eq!((custom.freq, custom.interval.as_str()), (Freq::Weekly, "2"));
        assert_eq!(
            custom.recurrence().unwrap().unwrap().rrule.as_deref(),
            Some("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO")
        );

        let advanced = TaskForm::from_task(&task(Some("FREQ=DAILY;BYHOUR=9,17;COUNT=4")), due);
        assert_eq!(advanced.repeat, Repeat::Advanced);
        assert_eq!(advanced.custom_rule, "FREQ=DAILY;BYHOUR=9,17;COUNT=4");

        let until = TaskForm::from_task(&task(Some("FREQ=DAILY;UNTIL=20270630T235959Z")), due);
        assert_eq!(
            (until.repeat, until.ends, until.until.as_str()),
            (Repeat::Daily, Ends::OnDate, "2027-06-30")
        );
    }

    #[wasm_bindgen_test]
    fn the_custom_builder_writes_rules_and_reads_them_back() {
        let mut form = TaskForm::blank("UTC");
        form.repeat = Repeat::Custom;
        form.freq = Freq::Weekly;
        form.interval = "2".into();
        form.weekdays = [true, false, true, false, false, false, false];
        form.ends = Ends::AfterCount;
        form.count = "5".into();
        let rule = form.recurrence().unwrap().unwrap().rrule.unwrap();
        assert_eq!(rule, "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=5");

        form = TaskForm::blank("UTC");
        form.repeat = Repeat::Custom;
        form.freq = Freq::Monthly;
        form.monthly_on = MonthlyOn::Weekday;
        form.nth = -1;
        form.nth_weekday = 4;
        let rule = form.recurrence().unwrap().unwrap().rrule.unwrap();
        assert_eq!(rule, "FREQ=MONTHLY;BYDAY=-1FR");
        let mut back = TaskForm::blank("UTC");
        assert!(back.read_custom(&rule));
        assert_eq!(
            (back.monthly_on, back.nth, back.nth_weekday),
            (MonthlyOn::Weekday, -1, 4)
        );

        form.monthly_on = MonthlyOn::LastDay;
        assert_eq!(
            form.recurrence().unwrap().unwrap().rrule.as_deref(),
            Some("FREQ=MONTHLY;BYMONTHDAY=-1")
        );
        form.monthly_on = MonthlyOn::Day;
        form.month_day = "32".into();
        assert_eq!(form.recurrence().unwrap_err().field, "recurrence");
        form.interval = "0".into();
        assert_eq!(form.recurrence().unwrap_err().field, "recurrence");
    }

    #[wasm_bindgen_test]
    fn the_custom_builder_starts_from_the_due_date() {
        let mut form = TaskForm::blank("UTC");
        // Tuesday 14 December 2027: the 2nd Tuesday.
        form.due_date = "2027-12-14".into();
        form.seed_custom();
        assert_eq!(
            form.weekdays,
            [false, true, false, false, false, false, false]
        );
        assert_eq!(
            (form.month_day.as_str(), form.nth, form.nth_weekday),
            ("14", 2, 1)
        );
        form.due_date = "2027-12-28".into();
        form.seed_custom();
        assert_eq!(form.nth, -1);
    }

    #[wasm_bindgen_test]
    fn server_errors_become_sentences_without_paths_or_parser_words() {
        let error = |code: &str, field: Option<&str>, message: &str| ApiError {
            code: Some(code.into()),
            field: field.map(Into::into),
            message: message.into(),
        };
        let rrule = explain(&error(
            "BAD_USER_INPUT",
            Some("input.recurrence.rrule"),
            "input.recurrence.rrule: invalid RRULE: malformed property parameter",
        ));
        assert_eq!(rrule.field, "recurrence");
        assert!(!rrule.message.contains("input.") && !rrule.message.contains("malformed"));
        let due = explain(&error(
            "BAD_USER_INPUT",
            Some("input.dueAt"),
            "input.dueAt: a recurring task needs a due date",
        ));
        assert_eq!(
            (due.field, due.message.as_str()),
            ("due", "Pick a due date to repeat from.")
        );
        let title = explain(&error(
            "BAD_USER_INPUT",
            Some("input.title"),
            "input.title: must be at most 200 characters (got 230)",
        ));
        assert_eq!(
            title.message,
            "That is too long: use at most 200 characters."
        );
        assert_eq!(
            explain(&error("INTERNAL", None, "internal error")).field,
            "form"
        );
    }

    #[wasm_bindgen_test]
    fn zones_are_checked_and_found_by_city() {
        assert_eq!(
            time::known_zone("europe/berlin").as_deref(),
            Some("Europe/Berlin")
        );
        assert_eq!(time::known_zone("Berlin"), None);
        assert_eq!(time::known_zone(""), None);
        let mut form = TaskForm::blank("Berlin");
        form.due_date = "2027-01-31".into();
        assert_eq!(form.due_at().unwrap_err().field, "timeZone");
        let zones = time::all_zones();
        assert_eq!(time::search_zones(&zones, "Berlin"), vec!["Europe/Berlin"]);
        assert!(time::search_zones(&zones, "new york").contains(&"America/New_York"));
    }

    #[wasm_bindgen_test]
    fn an_update_sends_every_field_so_empty_ones_are_cleared() {
        let mut form = TaskForm::from_task(&task(None), None);
        assert_eq!(form.labels, ["l-home"]);
        form.labels.clear();
        form.description = "Bank transfer".into();
        let update = form.to_update(None).unwrap();
        assert_eq!(update.title.as_deref(), Some("Pay rent"));
        assert_eq!(
            update.label_ids,
            Some(vec![]),
            "no labels is sent as an empty set"
        );
        assert_eq!(update.project_id, Some(Id::new("inbox")));
        assert_eq!(update.assignee_id, None);
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
