//! Pieces shared by the pages.

mod dialog;
mod history_entry;
pub mod labels;
mod notifications;
mod shell;
mod sidebar;
mod task_form;
mod task_row;
mod toasts;
mod zone_picker;

pub use dialog::Dialog;
pub use history_entry::HistoryEntry;
pub use labels::{LabelChips, LabelPicker};
pub use shell::{Shell, current_path};
pub use sidebar::{ColorPicker, Sidebar};
pub use task_form::{Field, TaskFormDialog};
pub use task_row::{
    DueBadge, Held, ListNav, PriorityBadge, ProjectBadge, RecurrenceBadge, TaskRow,
    toggle_complete as task_row_toggle,
};
pub use toasts::Toasts;
pub use zone_picker::ZonePicker;

/// Runs a little JavaScript for what the DOM does best (focus, observers, clipboard).
pub fn js(script: &str) {
    let _ = dioxus::prelude::document::eval(script);
}

/// Moves focus to the element with `id` once it is in the page.
pub fn focus(id: &str) {
    js(&format!(
        "requestAnimationFrame(() => document.getElementById({})?.focus())",
        serde_json::Value::String(id.to_owned())
    ));
}
