//! Settings: reminders, toasts, time zone, where reminders reach the person (this
//! device's push, email, the daily digest), the calendar feed, import and export, and
//! the agents connected by OAuth, and API tokens for agents with the MCP configurations
//! ready to paste.

use dioxus::prelude::*;

mod agent_config;
mod agents;
mod channels;
mod credential;
mod data;
mod display;
mod tokens;

use crate::api::{MutationBuilder as _, PreferencesInput, PreferencesVars, UpdatePreferences, run};
use crate::components::ZonePicker;
use crate::form::explain;
use crate::state::{PREFERENCES, toast};
use crate::time;
use agents::ConnectedAgents;
use channels::Channels;
use data::CalendarAndData;
use display::Display;
use tokens::Tokens;

#[component]
pub fn Settings() -> Element {
    rsx! {
        document::Title { "Settings · Todo" }
        div { class: "page settings-page",
            div { class: "page-head", h1 { "Settings" } }
            if let Some(prefs) = PREFERENCES.read().clone() {
                PreferencesForm { key: "{prefs.time_zone}", prefs: prefs.clone() }
                Channels { prefs }
            } else {
                div { class: "card skeleton", "aria-busy": "true", "aria-label": "Loading preferences",
                    span { class: "skeleton-line" }
                    span { class: "skeleton-line short" }
                }
            }
            Display {}
            CalendarAndData {}
            ConnectedAgents {}
            Tokens {}
        }
    }
}

#[component]
fn PreferencesForm(prefs: crate::api::Preferences) -> Element {
    let mut reminders = use_signal(|| prefs.reminders_enabled);
    let mut lead = use_signal(|| prefs.reminder_minutes_before.to_string());
    let mut toasts = use_signal(|| prefs.toast_notifications);
    let mut zone = use_signal(|| prefs.time_zone.clone());
    let mut all_day_at = use_signal(|| prefs.all_day_reminder_time.clone());
    let mut errors = use_signal(|| None::<(String, String)>);
    let mut saving = use_signal(|| false);
    let browser = use_hook(time::browser_zone);
    let submit = move |event: FormEvent| {
        event.prevent_default();
        let minutes = lead()
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|m| (5..=1440).contains(m));
        let Some(minutes) = minutes else {
            errors.set(Some(("lead".into(), "Give 5 to 1440 minutes".into())));
            return;
        };
        let input = PreferencesInput {
            reminders_enabled: Some(reminders()),
            reminder_minutes_before: Some(minutes),
            toast_notifications: Some(toasts()),
            time_zone: Some(zone().trim().to_owned()),
            all_day_reminder_time: Some(all_day_at()).filter(|at| !at.is_empty()),
            ..PreferencesInput::default()
        };
        spawn(async move {
            saving.set(true);
            match run(UpdatePreferences::build(PreferencesVars { input })).await {
                Ok(data) => {
                    errors.set(None);
                    *PREFERENCES.write() = Some(data.update_preferences);
                    toast("Settings saved", None, None);
                }
                Err(e) => {
                    let field = match e.field.as_deref() {
                        Some("input.timeZone") => "zone",
                        Some("input.allDayReminderTime") => "all-day",
                        Some(_) => "lead",
                        None => "form",
                    };
                    errors.set(Some((field.into(), explain(&e).message)));
                }
            }
            saving.set(false);
        });
    };
    let error_for = |field: &str| errors().filter(|(f, _)| f == field).map(|(_, m)| m);
    rsx! {
        section { class: "card", "aria-labelledby": "prefs-title",
            h2 { id: "prefs-title", "Reminders and time" }
            form { class: "settings-form", novalidate: true, onsubmit: submit,
                if let Some(message) = error_for("form") { p { class: "form-error", role: "alert", "{message}" } }
                label { class: "check-field",
                    input { r#type: "checkbox", checked: reminders(), onchange: move |e| reminders.set(e.checked()) }
                    "Remind me before tasks are due"
                }
                div { class: "field",
                    label { r#for: "lead", "Lead time (minutes)" }
                    input { id: "lead", r#type: "number", min: "5", max: "1440", value: "{lead}",
                        "aria-describedby": "lead-error lead-hint",
                        oninput: move |e| lead.set(e.value()) }
                    p { id: "lead-hint", class: "hint", "5 to 1440 minutes; a task can set its own." }
                    p { id: "lead-error", class: "field-error", if let Some(m) = error_for("lead") { "{m}" } }
                }
                div { class: "field",
                    label { r#for: "all-day-at", "All-day tasks: remind at" }
                    input { id: "all-day-at", r#type: "time", value: "{all_day_at}",
                        "aria-describedby": "all-day-error all-day-hint",
                        oninput: move |e| all_day_at.set(e.value()) }
                    p { id: "all-day-hint", class: "hint", "On the task's date, less the lead time in whole days." }
                    p { id: "all-day-error", class: "field-error", if let Some(m) = error_for("all-day") { "{m}" } }
                }
                label { class: "check-field",
                    input { r#type: "checkbox", checked: toasts(), onchange: move |e| toasts.set(e.checked()) }
                    "Show reminders as toasts"
                }
                div { class: "field",
                    label { r#for: "zone", "Time zone" }
                    ZonePicker { id: "zone", value: zone(), described_by: "zone-error zone-hint",
                        invalid: error_for("zone").is_some(), onchange: move |z| zone.set(z) }
                    p { id: "zone-hint", class: "hint",
                        "Type to search. This browser is in {browser}. "
                        if zone() != browser {
                            button { class: "link-button", r#type: "button", onclick: {
                                let browser = browser.clone();
                                move |_| zone.set(browser.clone())
                            }, "Use {browser}" }
                        }
                    }
                    p { id: "zone-error", class: "field-error", if let Some(m) = error_for("zone") { "{m}" } }
                }
                div { class: "form-actions",
                    button { class: "button button-primary", r#type: "submit", disabled: saving(), "Save settings" }
                }
            }
        }
    }
}
