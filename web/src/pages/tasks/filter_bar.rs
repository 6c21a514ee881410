//! The filter bar. It keeps nothing itself: each change goes to the address, a step
//! in the history for a choice and in place for typing, and the page follows it.

use dioxus::prelude::*;
use dioxus::router::Navigator;
use strum::VariantArray as _;

use super::filters::{ListFilters, Order, Status};
use crate::Route;
use crate::api::Priority;
use crate::organise::LABELS;

/// How a change reaches the history.
#[derive(Clone, Copy)]
enum Step {
    /// A choice: back returns to the view before it.
    Push,
    /// Typing: each key would otherwise be a step.
    Replace,
}

fn show(nav: Navigator, filters: ListFilters, step: Step) {
    let route = Route::Tasks { filters };
    // Within the app's own routes a navigation cannot fail.
    let _ = match step {
        Step::Push => nav.push(route),
        Step::Replace => nav.replace(route),
    };
}

#[component]
pub fn FilterBar(filters: ReadSignal<ListFilters>) -> Element {
    let nav = navigator();
    let change = move |step: Step, edit: &dyn Fn(&mut ListFilters)| {
        let mut next = filters();
        edit(&mut next);
        if next != filters() {
            show(nav, next, step);
        }
    };
    let f = filters();
    let refinements = f.refinements();
    rsx! {
        section { class: "filters", "aria-label": "Filters",
            div { class: "filters-main",
                div { class: "segments", role: "group", "aria-label": "Show",
                    for &status in Status::VARIANTS {
                        button {
                            class: if f.status == status { "segment active" } else { "segment" },
                            r#type: "button",
                            "aria-pressed": "{f.status == status}",
                            onclick: move |_| change(Step::Push, &|f| f.status = status),
                            "{status.label()}"
                        }
                    }
                }
                div { class: "filter-field filter-search",
                    label { r#for: "search", "Search" }
                    input {
                        id: "search",
                        r#type: "search",
                        placeholder: "Title or description",
                        "aria-keyshortcuts": "/",
                        value: "{f.search}",
                        oninput: move |e| change(Step::Replace, &|f| f.search = e.value()),
                    }
                }
                div { class: "filter-field filter-order",
                    label { r#for: "order", "Order" }
                    select {
                        id: "order",
                        onchange: move |e| change(Step::Push, &|f| f.order = e.value().parse().unwrap_or_default()),
                        for &order in Order::VARIANTS {
                            option { value: "{order}", selected: f.order == order, "{order.label()}" }
                        }
                    }
                }
                // The refinements fold away, on any screen; whether they show is part
                // of the address like the filters themselves.
                button {
                    class: "button filters-toggle",
                    r#type: "button",
                    "aria-expanded": "{f.refine}",
                    "aria-controls": "filters-more",
                    onclick: move |_| change(Step::Replace, &|f| f.refine = !f.refine),
                    if refinements > 0 { "More filters ({refinements})" } else { "More filters" }
                }
            }
            div { id: "filters-more", class: if f.refine { "filters-more open" } else { "filters-more" },
                div { class: "filter-field",
                    label { r#for: "filter-priority", "Priority" }
                    select {
                        id: "filter-priority",
                        onchange: move |e| change(Step::Push, &|f| f.priority = e.value().parse().ok()),
                        option { value: "", selected: f.priority.is_none(), "Any" }
                        for &p in Priority::VARIANTS {
                            option { value: "{p}", selected: f.priority == Some(p), "{p.label()}" }
                        }
                    }
                }
                div { class: "filter-field",
                    label { r#for: "filter-label", "Label" }
                    select {
                        id: "filter-label",
                        onchange: move |e| change(Step::Push, &|f| f.label = e.value()),
                        option { value: "", selected: f.label.is_empty(), "Any" }
                        for l in LABELS.read().iter() {
                            option { value: "{l.id.inner()}", selected: f.label == l.id.inner(), "{l.name}" }
                        }
                    }
                }
                div { class: "filter-field",
                    label { r#for: "filter-from", "Due from" }
                    input { id: "filter-from", r#type: "date", value: "{f.due_from}",
                        oninput: move |e| change(Step::Push, &|f| f.due_from = e.value()) }
                }
                div { class: "filter-field",
                    label { r#for: "filter-to", "Due until" }
                    input { id: "filter-to", r#type: "date", value: "{f.due_to}",
                        oninput: move |e| change(Step::Push, &|f| f.due_to = e.value()) }
                }
                label { class: "check-field",
                    input { r#type: "checkbox", checked: f.recurring,
                        onchange: move |e| change(Step::Push, &|f| f.recurring = e.checked()) }
                    "Recurring only"
                }
            }
        }
    }
}
