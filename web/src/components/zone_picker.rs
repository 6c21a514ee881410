//! The time zone field: a combobox over the IANA zones, this device's first. Typing
//! filters the list ("Berlin" finds Europe/Berlin); arrows and Enter pick, as does a
//! click. What is typed is the field's value until a zone is picked, and the form says
//! when it is not a zone; nothing here formats a date, so no text can break the page.

use std::rc::Rc;

use dioxus::prelude::*;

use crate::time;

/// At most this many matches are listed; typing narrows the rest.
const SHOWN: usize = 60;

#[component]
pub fn ZonePicker(
    /// The input's id, which its `<label for>` names.
    id: String,
    value: String,
    /// Ids of the hint and error texts.
    described_by: String,
    invalid: bool,
    onchange: EventHandler<String>,
) -> Element {
    let zones = use_hook(|| Rc::new(time::all_zones()));
    let mut open = use_signal(|| false);
    let mut active = use_signal(|| 0_usize);
    // Opened by a click or an arrow key on a picked zone: the whole list, to browse.
    let mut browsing = use_signal(|| false);
    let browser = zones.first().cloned().unwrap_or_default();
    let matches: Vec<String> = if browsing() && zones.contains(&value) {
        zones.iter().take(SHOWN).cloned().collect()
    } else {
        time::search_zones(&zones, &value)
            .into_iter()
            .take(SHOWN)
            .map(str::to_owned)
            .collect()
    };
    let count = matches.len();
    let list_id = format!("{id}-list");
    let option_id = {
        let id = id.clone();
        move |i: usize| format!("{id}-option-{i}")
    };
    let current = active().min(count.saturating_sub(1));
    // Typing a zone's full name leaves nothing to choose: the list stays out of the way.
    let settled = count == 1 && matches.first() == Some(&value);
    let expanded = open() && count > 0 && !settled;
    let picks = Rc::new(matches.clone());
    let mut pick = move |zone: String| {
        onchange.call(zone);
        open.set(false);
    };
    let keys = {
        let picks = picks.clone();
        move |event: KeyboardEvent| match event.key() {
            Key::ArrowDown => {
                event.prevent_default();
                if open() {
                    active.set((current + 1).min(count.saturating_sub(1)));
                } else {
                    open.set(true);
                    browsing.set(true);
                    active.set(0);
                }
            }
            Key::ArrowUp => {
                event.prevent_default();
                active.set(current.saturating_sub(1));
            }
            Key::Enter if expanded => {
                // Enter picks; it must not submit the form around the field.
                event.prevent_default();
                if let Some(zone) = picks.get(current) {
                    pick(zone.clone());
                }
            }
            Key::Escape if expanded => {
                // Closes the list only, not the dialog the field is in.
                event.stop_propagation();
                open.set(false);
            }
            Key::Tab => open.set(false),
            _ => {}
        }
    };
    let blur = {
        let zones = zones.clone();
        let value = value.clone();
        move |_| {
            open.set(false);
            // Leaving the field with a name the list spells differently, or with words
            // only one zone matches ("Berlin"), takes that zone.
            let only = time::search_zones(&zones, &value);
            if let Some(known) = time::known_zone(&value) {
                if known != value {
                    onchange.call(known);
                }
            } else if let [zone] = only.as_slice() {
                onchange.call((*zone).to_owned());
            }
        }
    };
    rsx! {
        div { class: "combobox",
            input {
                id: "{id}",
                r#type: "text",
                role: "combobox",
                autocomplete: "off",
                spellcheck: "false",
                "aria-autocomplete": "list",
                "aria-expanded": "{expanded}",
                "aria-controls": "{list_id}",
                "aria-activedescendant": if expanded { option_id(current) },
                "aria-invalid": "{invalid}",
                "aria-describedby": "{described_by}",
                value: "{value}",
                oninput: move |e| {
                    onchange.call(e.value());
                    open.set(true);
                    browsing.set(false);
                    active.set(0);
                },
                onclick: move |_| {
                    open.toggle();
                    browsing.set(true);
                },
                onkeydown: keys,
                onblur: blur,
            }
            ul {
                id: "{list_id}",
                class: "combobox-list",
                role: "listbox",
                "aria-label": "Suggested zones",
                hidden: !expanded,
                if expanded {
                    for (i, zone) in matches.into_iter().enumerate() {
                        li {
                            key: "{zone}",
                            id: option_id(i),
                            role: "option",
                            class: if i == current { "combobox-option active" } else { "combobox-option" },
                            "aria-selected": "{i == current}",
                            // Picked on press, before the field loses focus and closes the list.
                            onmousedown: {
                                let zone = zone.clone();
                                move |e: MouseEvent| {
                                    e.prevent_default();
                                    pick(zone.clone());
                                }
                            },
                            "{zone}"
                            if zone == browser {
                                span { class: "muted", " · this device" }
                            }
                        }
                    }
                }
            }
        }
    }
}
