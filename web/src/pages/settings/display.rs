//! How the list looks on this device: a setting of the browser, not of the account,
//! since a phone and a desk want different densities.

use dioxus::prelude::*;

/// Where the choice is kept; `index.html` reads it before the app starts, so the
/// first paint already has it.
const DENSITY_KEY: &str = "todo.density";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn compact_now() -> bool {
    storage()
        .and_then(|s| s.get_item(DENSITY_KEY).ok().flatten())
        .is_some_and(|d| d == "compact")
}

fn set_compact(compact: bool) {
    if let Some(storage) = storage() {
        let _ = if compact {
            storage.set_item(DENSITY_KEY, "compact")
        } else {
            storage.remove_item(DENSITY_KEY)
        };
    }
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element());
    if let Some(root) = root {
        let _ = if compact {
            root.set_attribute("data-density", "compact")
        } else {
            root.remove_attribute("data-density")
        };
    }
}

#[component]
pub fn Display() -> Element {
    let mut compact = use_signal(compact_now);
    rsx! {
        section { class: "card", "aria-labelledby": "display-title",
            h2 { id: "display-title", "Display on this device" }
            label { class: "check-field",
                input {
                    r#type: "checkbox",
                    checked: compact(),
                    onchange: move |e| {
                        compact.set(e.checked());
                        set_compact(e.checked());
                    },
                }
                "Compact list"
            }
            p { class: "hint", "Tighter rows, with a task's details beside its title." }
        }
    }
}
