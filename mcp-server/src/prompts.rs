//! Prompts: ready-made instructions a user can pick in their MCP client.

use chrono::{DateTime, NaiveDate, SecondsFormat, TimeZone as _, Utc};
use chrono_tz::Tz;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{GetPromptResult, PromptMessage, Role};
use rmcp::{ErrorData, prompt, prompt_router};
use schemars::JsonSchema;
use serde::Deserialize;

use crate::server::TodoServer;

/// The phrase book behind `recurrence_guide`; it mirrors what the API accepts.
pub(crate) const RECURRENCE_GUIDE: &str = r#"# Turning what the user says into task arguments

Recurrence needs `dueAt` (the first occurrence, RFC 3339 with the offset of the task's time
zone) and goes in `recurrence` of add_task or update_task. Weekly, monthly and yearly presets
repeat on the weekday, day of month or date of `dueAt`, so pick a `dueAt` that lies on the
wanted day. A custom `rrule` is an RFC 5545 RRULE body: no `RRULE:` prefix, no DTSTART.

| The user says | Arguments |
|---|---|
| "every day", "daily" | `{"preset": "DAILY"}` |
| "every weekday", "Monday to Friday", "on workdays" | `{"preset": "WEEKDAYS"}` |
| "every week", "weekly" | `{"preset": "WEEKLY"}` (on dueAt's weekday) |
| "every Monday and Wednesday" | `{"rrule": "FREQ=WEEKLY;BYDAY=MO,WE"}` |
| "every other Monday", "every two weeks on Monday" | `{"rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"}`, dueAt on a Monday |
| "every month", "monthly" | `{"preset": "MONTHLY"}` (on dueAt's day; the 31st falls on the last day of shorter months) |
| "on the last day of each month", "end of every month" | `{"rrule": "FREQ=MONTHLY;BYMONTHDAY=-1"}` |
| "on the first of every month" | `{"rrule": "FREQ=MONTHLY;BYMONTHDAY=1"}` |
| "on the second Monday of each month" | `{"rrule": "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=2"}` |
| "on the last Friday of the month" | `{"rrule": "FREQ=MONTHLY;BYDAY=-1FR"}` |
| "every quarter" | `{"rrule": "FREQ=MONTHLY;INTERVAL=3"}` |
| "every year", "annually", "on my birthday" | `{"preset": "YEARLY"}` |
| "every 3 days" | `{"rrule": "FREQ=DAILY;INTERVAL=3"}` |
| "3 days after I last did it", "two weeks after I finish" | `{"rrule": "FREQ=DAILY;INTERVAL=3", "mode": "FROM_COMPLETION"}`, `{"rrule": "FREQ=WEEKLY;INTERVAL=2", "mode": "FROM_COMPLETION"}` |
| "at 9 and 17 every day" | `{"rrule": "FREQ=DAILY;BYHOUR=9,17"}` (dueAt at 09:00) |
| "every day for 10 days", "5 times" | add `;COUNT=10` / `;COUNT=5` to the rule |
| "every Friday until the end of June" | `{"rrule": "FREQ=WEEKLY;BYDAY=FR;UNTIL=20270630T235959Z"}` |
| "stop repeating", "just once from now on" | update_task with `"recurrence": null` |

Modes: FROM_DUE_DATE (the default) keeps a fixed calendar: "every Monday" stays on Mondays
however late the task is done, and missed dates are skipped rather than piled up.
FROM_COMPLETION restarts the rule when the task is done, at the task's usual time of day:
"water the plants every 3 days" done on Tuesday is due again on Friday. Rules firing more
often than hourly are refused.

Priority: "urgent", "ASAP", "critical", "right away", "top priority" → `"priority": "URGENT"`;
"important", "high priority" → `"HIGH"`; "normal priority" → `"NORMAL"`; "low priority",
"whenever", "someday", "no rush" → `"LOW"`. Say nothing about priority when the user does not.
"ASAP" sets urgency, not a deadline: add a `dueAt` only if the user names a time (or agrees to
one).

Times: "tomorrow at 9" is a `dueAt` at 09:00 in the user's time zone, written with that
zone's offset on that date (e.g. `2027-03-02T09:00:00+01:00`), plus `"timeZone":
"Europe/Berlin"`: the IANA name, never an abbreviation like CET. Ask for the user's time
zone if you do not know it. "Remind me an hour before" → `"remindBeforeMinutes": 60`.
"No deadline" → update_task with `"dueAt": null` (and `"recurrence": null` if it repeats).
"#;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecurrenceGuideArgs {
    /// The user's words to translate, e.g. "pay rent on the last day of each month".
    #[serde(default)]
    pub phrase: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlanMyDayArgs {
    /// The user's IANA time zone, e.g. "Europe/Berlin"; default UTC.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// The day to plan, YYYY-MM-DD; default today in that time zone.
    #[serde(default)]
    pub date: Option<String>,
}

#[prompt_router(vis = "pub(crate)")]
impl TodoServer {
    #[prompt(
        name = "recurrence_guide",
        description = "How to turn everyday phrases (\"every weekday\", \"every other Monday\", \
                       \"on the last day of each month\", \"urgent\", \"ASAP\") into add_task and \
                       update_task arguments: recurrence presets, RRULEs, modes, priorities and \
                       due dates."
    )]
    async fn recurrence_guide(
        &self,
        Parameters(args): Parameters<RecurrenceGuideArgs>,
    ) -> GetPromptResult {
        let mut text = RECURRENCE_GUIDE.to_owned();
        if let Some(phrase) = args.phrase.filter(|p| !p.trim().is_empty()) {
            text.push_str(&format!(
                "\nNow turn this into add_task (or update_task) arguments, then make the call: \
                 \"{}\"\n",
                phrase.trim()
            ));
        }
        GetPromptResult::new(vec![PromptMessage::new_text(Role::User, text)])
            .with_description("Phrase book for recurring tasks and priorities")
    }

    #[prompt(
        name = "plan_my_day",
        description = "Plan the user's day from their tasks: overdue work, what is due today, \
                       and urgent or high-priority tasks without a date, gathered with \
                       list_tasks and turned into an ordered plan."
    )]
    async fn plan_my_day(
        &self,
        Parameters(args): Parameters<PlanMyDayArgs>,
    ) -> Result<GetPromptResult, ErrorData> {
        let plan = DayPlan::resolve(args.time_zone.as_deref(), args.date.as_deref(), Utc::now())?;
        Ok(
            GetPromptResult::new(vec![PromptMessage::new_text(Role::User, plan.prompt())])
                .with_description(format!("Plan for {} ({})", plan.date, plan.zone)),
        )
    }
}

/// The day to plan, pinned to instants in the user's zone.
pub(crate) struct DayPlan {
    zone: Tz,
    date: NaiveDate,
    start: String,
    end: String,
}

impl DayPlan {
    pub(crate) fn resolve(
        zone: Option<&str>,
        date: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Self, ErrorData> {
        let zone: Tz = match zone.map(str::trim).filter(|z| !z.is_empty()) {
            None => Tz::UTC,
            Some(name) => name.parse().map_err(|_| {
                ErrorData::invalid_params(
                    format!("timeZone {name:?} is not an IANA time zone such as \"Europe/Berlin\""),
                    None,
                )
            })?,
        };
        let date = match date.map(str::trim).filter(|d| !d.is_empty()) {
            None => now.with_timezone(&zone).date_naive(),
            Some(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
                ErrorData::invalid_params(
                    format!("date {text:?} is not a YYYY-MM-DD date such as \"2027-03-01\""),
                    None,
                )
            })?,
        };
        let next = date.succ_opt().ok_or_else(|| {
            ErrorData::invalid_params(format!("date {date} is out of range"), None)
        })?;
        Ok(Self {
            zone,
            date,
            start: start_of_day(zone, date),
            end: start_of_day(zone, next),
        })
    }

    pub(crate) fn prompt(&self) -> String {
        let Self {
            zone,
            date,
            start,
            end,
        } = self;
        format!(
            "Help me plan my day: {date} ({zone}).\n\n\
             Gather my tasks with the list_tasks tool:\n\
             1. Overdue: {{\"overdue\": true, \"orderBy\": \"DUE_AT\", \"direction\": \"ASC\"}}\n\
             2. Due today: {{\"completed\": false, \"dueAfter\": \"{start}\", \"dueBefore\": \"{end}\", \
             \"orderBy\": \"DUE_AT\", \"direction\": \"ASC\"}}\n\
             3. Open urgent and high-priority tasks, dated or not: {{\"completed\": false, \
             \"priority\": \"URGENT\"}} and {{\"completed\": false, \"priority\": \"HIGH\"}}\n\
             Follow `endCursor` while `hasNextPage` is true.\n\n\
             Then give me a plan for the day in {zone} local time:\n\
             - first, what is overdue, most important first, and whether each should be done \
             today, rescheduled or dropped;\n\
             - then today's tasks in time order, with their due times in local time;\n\
             - then urgent or high-priority tasks worth fitting in.\n\
             Point out conflicts (several tasks due at the same time) and repeating tasks.\n\
             Keep it short. Do not change anything yet: offer to complete_task, or to move due \
             dates with update_task, and wait for my answer."
        )
    }
}

/// Midnight where it exists; on days whose midnight falls in a DST gap, the first
/// instant of the day.
fn start_of_day(zone: Tz, date: NaiveDate) -> String {
    let start = (0..24)
        .filter_map(|hour| date.and_hms_opt(hour, 0, 0))
        .find_map(|local| zone.from_local_datetime(&local).earliest())
        .map_or_else(
            || {
                date.and_time(chrono::NaiveTime::MIN)
                    .and_utc()
                    .fixed_offset()
            },
            |start| start.fixed_offset(),
        );
    start.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2027-03-28T22:30:00Z".parse().unwrap()
    }

    #[test]
    fn the_day_is_bounded_in_the_users_zone() {
        // 22:30 UTC on 28 March is already 29 March in Berlin (summer time since that
        // morning), so "today" is the 29th there.
        let plan = DayPlan::resolve(Some("Europe/Berlin"), None, now()).unwrap();
        assert_eq!(plan.date.to_string(), "2027-03-29");
        assert_eq!(plan.start, "2027-03-29T00:00:00+02:00");
        assert_eq!(plan.end, "2027-03-30T00:00:00+02:00");
        let prompt = plan.prompt();
        assert!(
            prompt.contains("\"dueAfter\": \"2027-03-29T00:00:00+02:00\""),
            "{prompt}"
        );
    }

    #[test]
    fn a_dst_change_day_keeps_its_offsets() {
        let plan = DayPlan::resolve(Some("Europe/Berlin"), Some("2027-03-28"), now()).unwrap();
        assert_eq!(plan.start, "2027-03-28T00:00:00+01:00");
        assert_eq!(plan.end, "2027-03-29T00:00:00+02:00");
    }

    #[test]
    fn midnight_in_a_dst_gap_starts_at_the_first_real_hour() {
        // Santiago skips from 00:00 to 01:00 when summer time starts.
        let date = NaiveDate::from_ymd_opt(2026, 9, 6).unwrap();
        assert_eq!(
            start_of_day("America/Santiago".parse().unwrap(), date),
            "2026-09-06T01:00:00-03:00"
        );
    }

    #[test]
    fn bad_arguments_are_named() {
        let error = DayPlan::resolve(Some("CET+1"), None, now()).err().unwrap();
        assert!(error.message.contains("timeZone"));
        let error = DayPlan::resolve(None, Some("tomorrow"), now())
            .err()
            .unwrap();
        assert!(error.message.contains("date"));
        let plan = DayPlan::resolve(None, None, now()).unwrap();
        assert_eq!(plan.start, "2027-03-28T00:00:00Z");
    }
}
