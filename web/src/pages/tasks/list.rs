//! The list for one query: its first page, more on scroll, and its empty state.

use dioxus::prelude::*;

use super::filters::Status;
use crate::api::{QueryBuilder as _, TasksQuery, TasksVars, run};
use crate::components::TaskRow;
use crate::state::{RESYNC, error_toast};
use crate::store::{
    ListQuery, TaskStoreStoreExt as _, TaskStoreStoreImplExt as _, Tasks, use_tasks,
};

/// One page holds a long list whole; more come on scroll.
const PAGE: i32 = 200;

/// A page of `query` after `after` (the first page without), into the store.
async fn load(mut store: Tasks, query: ListQuery, after: Option<String>) {
    let first = after.is_none();
    let vars = TasksVars {
        filter: Some(query.filter),
        order_by: Some(query.order),
        first: Some(PAGE),
        after,
    };
    match run(TasksQuery::build(vars)).await {
        Ok(data) => store.receive_page(data.tasks, first),
        Err(error) => {
            if !error.is_unauthenticated() {
                error_toast(format!("Could not load tasks: {error}"));
            }
        }
    }
}

/// The page mounts one of these per query (a new query is a new instance), so what
/// one started (its first page, a next page) ends with it and never lands in
/// another's list.
#[component]
pub fn TaskList(
    query: ListQuery,
    status: Status,
    narrowed: bool,
    onedit: EventHandler<String>,
) -> Element {
    let mut store = use_tasks();
    let mut loading_more = use_signal(|| false);
    let this_query = query.clone();
    // The first page now, and again whenever the live connection comes back.
    let _first = use_resource(move || {
        let query = this_query.clone();
        async move {
            let _ = RESYNC.read();
            if store.list().peek().query != query {
                store.reset(query.clone());
            }
            load(store, query, None).await;
        }
    });
    let mut load_more = move || {
        let (more, cursor, query) = {
            let list = store.list();
            let list = list.peek();
            (list.has_next, list.end_cursor.clone(), list.query.clone())
        };
        if !more || loading_more() {
            return;
        }
        loading_more.set(true);
        spawn(async move {
            load(store, query, cursor).await;
            loading_more.set(false);
        });
    };
    // More on scroll: a sentinel under the list tells when it comes into view.
    use_future(move || async move {
        let mut seen = document::eval(
            r#"const observer = new IntersectionObserver(entries => {
  if (!entries[0].target.isConnected) { observer.disconnect(); return; }
  if (entries.some(e => e.isIntersecting)) dioxus.send(true);
}, { rootMargin: '400px' });
const attach = () => { const el = document.getElementById('list-end'); if (el) { observer.observe(el); } else { requestAnimationFrame(attach); } };
attach();"#,
        );
        while seen.recv::<bool>().await.is_ok() {
            load_more();
        }
    });

    // Only a change to the list (not to a task in it) renders it again.
    let list = store.list().cloned();
    // Until the first page arrives, the store may still hold another query's list.
    let loaded = list.loaded && list.query == query;
    rsx! {
        p { class: "list-count muted", role: "status",
            if loaded {
                if list.total == 1 { "1 task" } else { "{list.total} tasks" }
            } else {
                "Loading tasks…"
            }
        }
        if !loaded {
            ul { class: "task-list", "aria-hidden": "true",
                for i in 0..6 {
                    li { key: "{i}", class: "task-row skeleton",
                        span { class: "check" }
                        div { class: "task-main",
                            span { class: "skeleton-line" }
                            span { class: "skeleton-line short" }
                        }
                    }
                }
            }
        } else if list.ids.is_empty() {
            EmptyState { status, narrowed }
        } else {
            ul { class: "task-list", "aria-label": "Tasks",
                for id in list.ids {
                    TaskRow { key: "{id}", id: id.clone(), onedit }
                }
            }
        }
        div { id: "list-end", class: "list-end",
            if loaded && list.has_next {
                button {
                    class: "button button-quiet",
                    r#type: "button",
                    disabled: loading_more(),
                    onclick: move |_| load_more(),
                    if loading_more() { "Loading…" } else { "Load more" }
                }
            }
        }
    }
}

#[component]
fn EmptyState(status: Status, narrowed: bool) -> Element {
    let (title, hint) = if narrowed {
        (
            "No tasks match these filters",
            "Clear a filter or search for something else.",
        )
    } else {
        match status {
            Status::Open => (
                "Nothing to do",
                "Type a task above and press Enter, or press N for the full form.",
            ),
            Status::Done => ("Nothing done yet", "Completed tasks show up here."),
            Status::All => (
                "No tasks yet",
                "Type a task above and press Enter to add your first.",
            ),
        }
    };
    rsx! {
        div { class: "empty",
            p { class: "empty-title", "{title}" }
            p { "{hint}" }
        }
    }
}
