//! The calendar feed (a secret URL calendar apps subscribe to: copy it, or replace it),
//! and moving tasks in and out: export as JSON or iCalendar, import our JSON, Todoist's
//! CSV or iCalendar to-dos.

use dioxus::prelude::*;
use serde::Deserialize;

use super::agent_config::copy;
use crate::api::{
    CalendarFeedQuery, MutationBuilder as _, QueryBuilder as _, RotateCalendarFeed, run,
};
use crate::components::Dialog;
use crate::session;
use crate::state::{error_toast, toast};

#[component]
pub fn CalendarAndData() -> Element {
    let mut feed_open = use_signal(|| false);
    let mut report = use_signal(|| None::<ImportReport>);
    let mut importing = use_signal(|| false);
    let import = move |_| {
        if importing() {
            return;
        }
        spawn(async move {
            importing.set(true);
            match upload().await {
                Ok(Some(answer)) => report.set(Some(answer)),
                Ok(None) => {}
                Err(error) => error_toast(format!("Could not import: {error}")),
            }
            importing.set(false);
        });
    };
    rsx! {
        section { class: "card", "aria-labelledby": "data-title",
            h2 { id: "data-title", "Calendar, import and export" }
            p { class: "hint",
                "See your tasks with a date in Google Calendar, Apple Calendar or Thunderbird: they subscribe to a private address and update on their own."
            }
            div { class: "form-actions",
                button { class: "button", r#type: "button", onclick: move |_| feed_open.set(true), "Calendar feed…" }
            }
            h3 { "Export" }
            p { class: "hint", "Everything you own: projects, labels, tasks with their subtasks and repeats, and these settings." }
            div { class: "form-actions",
                button { class: "button", r#type: "button", onclick: move |_| download("json"), "Export as JSON" }
                button { class: "button", r#type: "button", onclick: move |_| download("ics"), "Export as iCalendar" }
            }
            h3 { "Import" }
            p { id: "import-hint", class: "hint",
                "A JSON export of this app, a Todoist CSV export, or to-dos from Apple Reminders or Thunderbird (.ics). A file with a row it cannot read imports nothing."
            }
            div { class: "field",
                label { r#for: "import-file", "File to import" }
                input { id: "import-file", r#type: "file", accept: ".json,.csv,.ics,.ical,application/json,text/csv,text/calendar",
                    "aria-describedby": "import-hint" }
            }
            div { class: "form-actions",
                button { class: "button button-primary", r#type: "button", disabled: importing(), onclick: import,
                    if importing() { "Importing…" } else { "Import" }
                }
            }
        }
        if feed_open() {
            FeedDialog { onclose: move |_| feed_open.set(false) }
        }
        if let Some(answer) = report() {
            ImportResult { report: answer, onclose: move |_| report.set(None) }
        }
    }
}

/// The feed's URL, to copy or replace.
#[component]
fn FeedDialog(onclose: EventHandler<()>) -> Element {
    let feed = use_resource(|| async {
        run(CalendarFeedQuery::build(()))
            .await
            .map(|data| data.calendar_feed.url)
    });
    let mut confirming = use_signal(|| false);
    // The address a rotation made replaces the one first read.
    let mut rotated = use_signal(|| None::<String>);
    let rotate = move |_| {
        spawn(async move {
            match run(RotateCalendarFeed::build(())).await {
                Ok(data) => {
                    confirming.set(false);
                    rotated.set(Some(data.rotate_calendar_feed.url));
                    toast(
                        "New feed address made; the old one no longer works",
                        None,
                        None,
                    );
                }
                Err(error) => {
                    error_toast(format!("Could not replace the address: {}", error.message))
                }
            }
        });
    };
    let url = rotated().or_else(|| match &*feed.read() {
        Some(Ok(url)) => Some(url.clone()),
        _ => None,
    });
    let failed = match &*feed.read() {
        Some(Err(error)) => Some(error.message.clone()),
        _ => None,
    };
    rsx! {
        Dialog { id: "feed-dialog", title: "Calendar feed", onclose: move |_| onclose.call(()),
            p { "Add this address to your calendar app as a subscription (\u{201c}From URL\u{201d} in Google Calendar, \u{201c}New Calendar Subscription\u{201d} in Apple Calendar). Anyone with it can see your dated tasks." }
            match url {
                Some(url) => rsx! {
                    div { class: "copy-row",
                        label { r#for: "feed-url", class: "visually-hidden", "Feed address" }
                        input { id: "feed-url", class: "mono", readonly: true, value: "{url}", "data-autofocus": true,
                            onfocus: |_| crate::components::js("document.getElementById('feed-url')?.select()") }
                        button { class: "button button-primary", r#type: "button", onclick: {
                            let url = url.clone();
                            move |_| copy(&url)
                        }, "Copy address" }
                    }
                },
                None => match failed {
                    Some(message) => rsx! { p { class: "form-error", role: "alert", "Could not read the address: {message}" } },
                    None => rsx! { p { "aria-busy": "true", "Loading the address…" } },
                },
            }
            if confirming() {
                div { class: "confirm", role: "alert",
                    p { "Replace the address? Calendars subscribed to the old one stop updating until you subscribe again." }
                    div { class: "form-actions",
                        button { class: "button button-danger", r#type: "button", onclick: rotate, "Replace address" }
                        button { class: "button", r#type: "button", onclick: move |_| confirming.set(false), "Keep it" }
                    }
                }
            } else {
                div { class: "form-actions",
                    button { class: "button", r#type: "button", onclick: move |_| confirming.set(true), "Make a new address…" }
                }
            }
        }
    }
}

/// What `POST /import` answered.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum ImportReport {
    Imported {
        imported: u32,
        skipped: Vec<Skipped>,
    },
    Refused {
        errors: Vec<Refusal>,
    },
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Skipped {
    pub line: u32,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Refusal {
    pub message: String,
}

#[component]
fn ImportResult(report: ImportReport, onclose: EventHandler<()>) -> Element {
    rsx! {
        Dialog { id: "import-result", title: "Import", onclose: move |_| onclose.call(()),
            match report {
                ImportReport::Imported { imported, skipped } => rsx! {
                    p { class: "import-count", strong { "Imported {imported} task" if imported != 1 { "s" } "." } }
                    if !skipped.is_empty() {
                        p { "Left out:" }
                        ul { class: "import-skipped",
                            for s in skipped {
                                li { key: "{s.line}", "Line {s.line}: {s.reason}" }
                            }
                        }
                    }
                },
                ImportReport::Refused { errors } => rsx! {
                    p { class: "form-error", role: "alert",
                        {errors.first().map(|e| e.message.clone()).unwrap_or_else(|| "The file was refused.".to_owned())}
                    }
                    p { "Correct the file and import it again." }
                },
            }
            div { class: "form-actions",
                button { class: "button button-primary", r#type: "button", "data-autofocus": true, onclick: move |_| onclose.call(()), "Done" }
            }
        }
    }
}

/// Downloads an export: fetched with the session's token (a plain link could not carry
/// it), saved under the name the server gives.
fn download(format: &'static str) {
    spawn(async move {
        let Some(token) = session::fresh_token().await else {
            return;
        };
        crate::components::js(&format!(
            r#"(async () => {{
  const r = await fetch('/export?format={format}', {{ headers: {{ Authorization: 'Bearer ' + {token} }} }});
  if (!r.ok) return;
  const name = /filename="([^"]+)"/.exec(r.headers.get('content-disposition') || '')?.[1] || 'tasks.{format}';
  const a = document.createElement('a');
  a.href = URL.createObjectURL(await r.blob());
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}})()"#,
            token = serde_json::Value::String(token),
        ));
    });
}

/// Sends the chosen file to `POST /import` with the type its name says; `None` when no
/// file is chosen.
async fn upload() -> Result<Option<ImportReport>, String> {
    let token = session::fresh_token().await.ok_or("signed out")?;
    let script = format!(
        r#"(async () => {{
const input = document.getElementById('import-file');
const file = input?.files?.[0];
if (!file) {{ dioxus.send(null); return; }}
const name = file.name.toLowerCase();
const type = name.endsWith('.json') ? 'application/json'
  : name.endsWith('.csv') ? 'text/csv'
  : (name.endsWith('.ics') || name.endsWith('.ical')) ? 'text/calendar'
  : file.type;
const r = await fetch('/import', {{ method: 'POST', body: file,
  headers: {{ Authorization: 'Bearer ' + {token}, 'Content-Type': type }} }});
let body = null;
try {{ body = await r.json(); }} catch (_) {{}}
if (r.status === 413) body = {{ errors: [{{ message: 'The file is over 10 MiB.' }}] }};
if (r.ok) input.value = '';
dioxus.send(body);
}})().catch(e => dioxus.send({{ errors: [{{ message: String(e) }}] }}));"#,
        token = serde_json::Value::String(token),
    );
    let mut eval = document::eval(&script);
    let answer: Option<serde_json::Value> = eval.recv().await.map_err(|e| e.to_string())?;
    match answer {
        None => {
            toast("Choose a file to import first", None, None);
            Ok(None)
        }
        Some(body) => serde_json::from_value(body)
            .map(Some)
            .map_err(|_| "the server's answer was not understood".to_owned()),
    }
}
