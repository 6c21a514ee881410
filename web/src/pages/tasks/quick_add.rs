//! Quick add: a line of plain English ("Pay rent every month on the last day at 9am p1
//! #Home @bills") becomes a task. As the person types, the server's reading comes back:
//! the recognised parts are highlighted under the field and the task it will make is
//! summed up, a series with its first dates, before Enter saves it.

use std::time::Duration;

use dioxus::prelude::*;
use gloo_timers::future::sleep;

use crate::api::{
    CreateTask, CreateTaskInput, CreateTaskVars, Id, MutationBuilder as _, ParseTaskQuery,
    ParseTaskVars, QueryBuilder as _, RecurrenceInput, SpanKind, TaskDraft, run,
};
use crate::components::js;
use crate::components::labels::create_label;
use crate::drafts::use_draft;
use crate::state::error_toast;
use crate::store::{TaskStoreStoreImplExt as _, use_tasks};
use crate::time;

/// How long typing pauses before the text is read: a word at a time, not a key.
const READ_PAUSE: Duration = Duration::from_millis(150);

/// The line, and Enter: a task from what it says, in `project` (an id; empty for the
/// Inbox) unless it names one with `#`.
#[component]
pub fn QuickAdd(project: String) -> Element {
    let mut store = use_tasks();
    // Kept if the session ends before it is sent.
    let mut title = use_draft("quick-add".into(), String::new);
    let mut busy = use_signal(|| false);
    let reading = use_resource(move || async move {
        let text = title();
        if text.trim().is_empty() {
            return None;
        }
        sleep(READ_PAUSE).await;
        let draft = read(&text).await.ok()?;
        Some((text, draft))
    });
    let current = reading
        .read()
        .as_ref()
        .and_then(Option::as_ref)
        .filter(|(text, _)| *text == title())
        .map(|(_, draft)| draft.clone());
    let known = current.clone();
    let submit = move |event: FormEvent| {
        event.prevent_default();
        let text = title().trim().to_owned();
        if text.is_empty() || busy() {
            return;
        }
        let project = project.clone();
        let known = known.clone();
        spawn(async move {
            busy.set(true);
            let draft = match known {
                Some(draft) => Ok(draft),
                None => read(&text).await,
            };
            let created = match draft {
                Ok(draft) => create(draft, &project).await,
                Err(error) => Err(error),
            };
            match created {
                Ok(task) => {
                    store.upsert(task);
                    title.set(String::new());
                }
                Err(error) => error_toast(format!("Could not add the task: {error}")),
            }
            busy.set(false);
            js("document.getElementById('quick-add')?.focus()");
        });
    };
    rsx! {
        form { class: "quick-add", onsubmit: submit,
            label { r#for: "quick-add", class: "visually-hidden", "Add a task" }
            span { class: "quick-add-plus", "aria-hidden": "true", "+" }
            input {
                id: "quick-add",
                r#type: "text",
                placeholder: "Add a task, e.g. fri 6pm p1",
                autocomplete: "off",
                maxlength: "500",
                "aria-describedby": "quick-add-reading",
                value: "{title}",
                oninput: move |e| title.set(e.value()),
            }
            button { class: "button button-primary", r#type: "submit", disabled: busy() || title().trim().is_empty(), "Add task" }
        }
        div { id: "quick-add-reading", class: "quick-add-reading", "aria-live": "polite",
            if let Some(draft) = current.filter(|draft| !draft.spans.is_empty()) {
                Reading { text: title(), draft }
            }
        }
    }
}

async fn read(text: &str) -> Result<TaskDraft, String> {
    run(ParseTaskQuery::build(ParseTaskVars {
        text: text.to_owned(),
    }))
    .await
    .map(|data| data.parse_task)
    .map_err(|error| error.message)
}

/// Creates what the draft says: its new labels first, then the task.
async fn create(draft: TaskDraft, project: &str) -> Result<crate::api::Task, String> {
    let mut label_ids = Vec::with_capacity(draft.labels.len());
    for label in &draft.labels {
        label_ids.push(match &label.id {
            Some(id) => id.clone(),
            None => create_label(label.name.clone()).await?.id,
        });
    }
    let project_id = draft
        .project
        .as_ref()
        .and_then(|named| named.id.clone())
        .or_else(|| {
            Some(project.to_owned())
                .filter(|p| !p.is_empty())
                .map(Id::new)
        });
    let input = CreateTaskInput {
        project_id,
        label_ids: Some(label_ids).filter(|ids| !ids.is_empty()),
        priority: draft.priority,
        due_at: draft.due_at,
        all_day: Some(draft.all_day),
        time_zone: Some(draft.time_zone),
        recurrence: draft.recurrence.map(|recurrence| RecurrenceInput {
            preset: None,
            rrule: Some(recurrence.rrule),
            mode: recurrence.mode,
        }),
        remind_before_minutes: draft.remind_before_minutes,
        ..CreateTaskInput::titled(draft.title)
    };
    run(CreateTask::build(CreateTaskVars { input }))
        .await
        .map(|data| data.create_task)
        .map_err(|error| error.message)
}

/// The text with what was recognised marked, and the task it makes.
#[component]
fn Reading(text: String, draft: TaskDraft) -> Element {
    let zone = draft.time_zone.clone();
    let when = draft.due_at.as_ref().map(|due| {
        if draft.all_day {
            time::date_text(&zone, time::parse_ms(due), true)
        } else {
            time::at_text(&zone, due)
        }
    });
    let next: Vec<String> = draft
        .next_dates
        .iter()
        .map(|date| time::date_text(&zone, time::parse_ms(date), false))
        .collect();
    rsx! {
        p { class: "qa-text",
            for (index, (part, kind)) in segments(&text, &draft).into_iter().enumerate() {
                match kind {
                    Some(kind) => rsx! {
                        mark { key: "{index}", class: "{kind.class()}", title: "{kind.label()}",
                            span { class: "visually-hidden", "{kind.label()}: " }
                            "{part}"
                        }
                    },
                    None => rsx! { span { key: "{index}", "{part}" } },
                }
            }
        }
        ul { class: "qa-summary",
            li { class: "qa-title", "{draft.title}" }
            if let Some(when) = when {
                li { if draft.all_day { "Due {when}, all day" } else { "Due {when}" } }
            }
            if let Some(recurrence) = &draft.recurrence {
                li { "↻ {recurrence.description}" }
                if next.len() > 1 {
                    li { class: "qa-next", "Next: {next.join(\" · \")}" }
                }
            }
            if let Some(priority) = draft.priority {
                li { "{priority.label()}" }
            }
            if let Some(named) = &draft.project {
                if named.id.is_some() {
                    li { "#{named.name}" }
                } else {
                    li { class: "qa-warning", "No project \u{201c}{named.name}\u{201d}: create it first" }
                }
            }
            for label in &draft.labels {
                li { key: "{label.name}",
                    if label.id.is_some() { "@{label.name}" } else { "@{label.name} (new)" }
                }
            }
        }
    }
}

/// The text cut into runs: recognised ones with their kind, the rest plain.
fn segments(text: &str, draft: &TaskDraft) -> Vec<(String, Option<SpanKind>)> {
    let chars: Vec<char> = text.chars().collect();
    let mut runs = Vec::new();
    let mut at = 0usize;
    for span in &draft.spans {
        let start = usize::try_from(span.start).unwrap_or(0).min(chars.len());
        let end = usize::try_from(span.end).unwrap_or(0).min(chars.len());
        if start < at || end <= start {
            continue;
        }
        if start > at {
            runs.push((chars[at..start].iter().collect(), None));
        }
        runs.push((chars[start..end].iter().collect(), Some(span.kind)));
        at = end;
    }
    if at < chars.len() {
        runs.push((chars[at..].iter().collect(), None));
    }
    runs
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;
    use crate::api::TextSpan;

    #[wasm_bindgen_test]
    fn the_text_is_cut_at_the_recognised_spans_by_character() {
        let draft = TaskDraft {
            title: "Café".into(),
            due_at: None,
            all_day: false,
            time_zone: "UTC".into(),
            recurrence: None,
            priority: None,
            labels: Vec::new(),
            project: None,
            remind_before_minutes: None,
            next_dates: Vec::new(),
            spans: vec![
                TextSpan {
                    start: 5,
                    end: 13,
                    kind: SpanKind::Date,
                },
                TextSpan {
                    start: 14,
                    end: 16,
                    kind: SpanKind::Priority,
                },
            ],
        };
        assert_eq!(
            segments("Café tomorrow p1", &draft),
            vec![
                ("Café ".to_owned(), None),
                ("tomorrow".to_owned(), Some(SpanKind::Date)),
                (" ".to_owned(), None),
                ("p1".to_owned(), Some(SpanKind::Priority)),
            ]
        );
    }
}
