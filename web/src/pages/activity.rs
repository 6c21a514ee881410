//! The activity page: the audit log with filters.

use dioxus::prelude::*;

use super::detail::HistoryEntry;
use crate::api::{
    AuditAction, AuditEntry, AuditFilter, AuditLogQuery, AuditSource, AuditVars, Id,
    QueryBuilder as _, id_of, run,
};
use crate::state::{RESYNC, STORE, user_zone};
use crate::time::{self, Wall};

#[derive(Debug, Clone, Default, PartialEq)]
struct Filters {
    task: String,
    action: Option<AuditAction>,
    source: Option<AuditSource>,
    from: String,
    to: String,
}

impl Filters {
    fn to_filter(&self) -> AuditFilter {
        let zone = user_zone();
        let at = |date: &str, days: f64| {
            Wall::parse(date, "00:00")
                .map(|w| time::to_datetime(time::instant_of(&zone, w) + days * 86_400_000.0))
        };
        AuditFilter {
            task_id: Some(self.task.clone())
                .filter(|t| !t.is_empty())
                .map(Id::new),
            action: self.action,
            source: self.source,
            from: at(&self.from, 0.0),
            to: at(&self.to, 1.0),
        }
    }
}

#[component]
pub fn Activity() -> Element {
    let mut filters = use_signal(Filters::default);
    let mut entries = use_signal(Vec::<AuditEntry>::new);
    let mut cursor = use_signal(|| None::<String>);
    let mut total = use_signal(|| None::<i32>);
    let mut error = use_signal(|| None::<String>);
    // Each filter change (or reconnect) starts a new round; an answer from an older round
    // arrives late and would show the wrong filter's entries.
    let mut round = use_signal(|| 0_u64);

    use_effect(move || {
        let filter = filters.read().to_filter();
        let _ = RESYNC.read();
        let this = *round.peek() + 1;
        round.set(this);
        spawn(async move {
            let answer = run(AuditLogQuery::build(AuditVars {
                filter: Some(filter),
                after: None,
            }))
            .await;
            if *round.peek() != this {
                return;
            }
            match answer {
                Ok(data) => {
                    let log = data.audit_log;
                    entries.set(log.edges.into_iter().map(|e| e.node).collect());
                    cursor.set(
                        log.page_info
                            .has_next_page
                            .then_some(log.page_info.end_cursor)
                            .flatten(),
                    );
                    total.set(Some(log.total_count));
                    error.set(None);
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    });
    let more = move |_| {
        let filter = filters.read().to_filter();
        let after = cursor();
        let this = *round.peek();
        spawn(async move {
            if let Ok(data) = run(AuditLogQuery::build(AuditVars {
                filter: Some(filter),
                after,
            }))
            .await
                && *round.peek() == this
            {
                let log = data.audit_log;
                entries
                    .write()
                    .extend(log.edges.into_iter().map(|e| e.node));
                cursor.set(
                    log.page_info
                        .has_next_page
                        .then_some(log.page_info.end_cursor)
                        .flatten(),
                );
            }
        });
    };
    // The task filter offers the tasks this page and the list know about.
    let mut known: Vec<(String, String)> = STORE
        .read()
        .tasks
        .values()
        .map(|t| (id_of(&t.id), t.title.clone()))
        .collect();
    for entry in entries.read().iter() {
        let id = id_of(&entry.entity_id);
        if !known.iter().any(|(k, _)| *k == id) {
            let title = entry
                .after
                .as_ref()
                .or(entry.before.as_ref())
                .and_then(|s| s.0.get("title"))
                .and_then(|t| t.as_str())
                .unwrap_or("Untitled")
                .to_owned();
            known.push((id, title));
        }
    }
    known.sort_by_key(|(_, title)| title.to_lowercase());
    let f = filters();
    let zone = user_zone();
    let count = match total() {
        Some(1) => "1 change".to_owned(),
        Some(n) => format!("{n} changes"),
        None => "Loading…".to_owned(),
    };
    rsx! {
        document::Title { "Activity · Todo" }
        div { class: "page",
            div { class: "page-head", h1 { "Activity" } }
            section { class: "filters filters-grid", "aria-label": "Filters",
                div { class: "filter-field",
                    label { r#for: "activity-task", "Task" }
                    select { id: "activity-task", onchange: move |e| filters.write().task = e.value(),
                        option { value: "", "All tasks" }
                        for (id, title) in known {
                            option { value: "{id}", selected: f.task == id, "{title}" }
                        }
                    }
                }
                div { class: "filter-field",
                    label { r#for: "activity-action", "Action" }
                    select {
                        id: "activity-action",
                        onchange: move |e| filters.write().action = AuditAction::ALL.into_iter().find(|a| a.label() == e.value()),
                        option { value: "", "Any" }
                        for a in AuditAction::ALL { option { value: "{a.label()}", selected: f.action == Some(a), "{a.label()}" } }
                    }
                }
                div { class: "filter-field",
                    label { r#for: "activity-source", "Source" }
                    select {
                        id: "activity-source",
                        onchange: move |e| filters.write().source = AuditSource::ALL.into_iter().find(|s| s.label() == e.value()),
                        option { value: "", "Any" }
                        for s in AuditSource::ALL { option { value: "{s.label()}", selected: f.source == Some(s), "{s.label()}" } }
                    }
                }
                div { class: "filter-field",
                    label { r#for: "activity-from", "From" }
                    input { id: "activity-from", r#type: "date", value: "{f.from}", oninput: move |e| filters.write().from = e.value() }
                }
                div { class: "filter-field",
                    label { r#for: "activity-to", "To" }
                    input { id: "activity-to", r#type: "date", value: "{f.to}", oninput: move |e| filters.write().to = e.value() }
                }
            }
            if let Some(message) = error() {
                p { class: "form-error", role: "alert", "{message}" }
            }
            p { class: "list-count muted", role: "status", "{count}" }
            if total() == Some(0) {
                div { class: "empty",
                    p { class: "empty-title", "No activity to show" }
                    p { "Changes to tasks from the web, GraphQL clients and AI agents are listed here." }
                }
            } else {
                ol { class: "history-list",
                    for (key, entry) in entries().into_iter().map(|e| (id_of(&e.id), e)) {
                        HistoryEntry { key: "{key}", entry, zone: zone.clone(), show_task: true }
                    }
                }
            }
            if cursor().is_some() {
                div { class: "list-end",
                    button { class: "button button-quiet", r#type: "button", onclick: more, "Load more" }
                }
            }
        }
    }
}
