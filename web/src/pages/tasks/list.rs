//! The list for one query: its first page, more on scroll, its groups by due date,
//! and its empty state.

use dioxus::prelude::*;

use std::time::Duration;

use super::filters::Status;
use super::groups::{self, Group};
use crate::api::{QueryBuilder as _, TasksQuery, TasksVars, run};
use crate::components::{Held, ListNav, TaskRow};
use crate::state::{TICK, error_toast, now, sync_round, user_zone};
use crate::store::{
    ListQuery, TaskStoreStoreExt as _, TaskStoreStoreImplExt as _, Tasks, use_tasks,
};
use crate::time;

/// A screenful and more: the first page paints sooner than a long list whole would,
/// and costs the server a quarter of one (`loadbench ui`); more come on scroll.
const PAGE: i32 = 50;

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
/// another's list. `grouped` shows it in groups by due date (see `groups`).
#[component]
pub fn TaskList(
    query: ListQuery,
    status: Status,
    narrowed: bool,
    grouped: bool,
    onedit: EventHandler<String>,
) -> Element {
    let mut store = use_tasks();
    let mut loading_more = use_signal(|| false);
    let this_query = query.clone();
    // The first page once the live connection is up (see `sync_round`), and again
    // whenever it comes back. Nothing else here is read, so nothing else refetches.
    let _first = use_resource(move || {
        let query = this_query.clone();
        async move {
            if sync_round().is_none() {
                return;
            }
            if store.list().peek().query != query {
                store.reset(query.clone());
            }
            load(store, query, None).await;
        }
    });
    let held = use_signal(Vec::<Held>::new);
    // The rows as shown: the list's, and those held where they were.
    let shown = use_memo(move || {
        let mut ids = store.list().read().ids.clone();
        for hold in held.read().iter() {
            if ids.contains(&hold.id) {
                continue;
            }
            let at = hold
                .above
                .iter()
                .find_map(|above| ids.iter().position(|id| id == above))
                .map_or(0, |at| at + 1);
            ids.insert(at, hold.id.clone());
        }
        ids
    });
    let nav = ListNav {
        active: use_signal(|| None),
        order: shown,
        held,
        hold_round: use_signal(|| 0),
    };
    // Reads every task listed, but tells the list only when the grouping changes.
    let groups = use_memo(move || {
        let ids = shown.read();
        if !grouped {
            return Vec::new();
        }
        let now = now();
        let day_end = groups::day_end(&user_zone(), now);
        let tasks = store.tasks();
        let tasks = tasks.read();
        groups::split(&ids, |id| {
            tasks
                .get(id)
                .map_or(Group::NoDate, |task| groups::group_of(task, now, day_end))
        })
    });
    // Time moves the tasks between groups and changes their words ("Overdue",
    // "Tomorrow"): one timer to the next such moment, set again when it fires or the
    // list changes.
    let _clock = use_resource(move || async move {
        let wait = {
            let _ = TICK.read();
            let ids = shown.read();
            let tasks = store.tasks();
            let tasks = tasks.read();
            let now = time::now_ms();
            let dues = ids
                .iter()
                .filter_map(|id| tasks.get(id)?.due_at.as_ref())
                .map(time::parse_ms);
            groups::next_change(dues, &user_zone(), now) - now
        };
        gloo_timers::future::sleep(Duration::from_secs_f64(wait.max(0.0) / 1000.0)).await;
        *TICK.write() += 1;
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
        } else if shown.read().is_empty() {
            EmptyState { status, narrowed }
        } else {
            // The skip link's target. The pointer leaving lets go of the rows held
            // under it.
            section {
                id: "task-list",
                class: "task-groups",
                "aria-label": "Tasks",
                tabindex: "-1",
                onmouseleave: move |_| nav.release(),
                if grouped {
                    for (group, ids) in groups() {
                        div { key: "{group.slug()}", class: "task-group task-group-{group.slug()}",
                            h2 { id: "group-{group.slug()}", class: "group-heading", "{group.label()}" }
                            ul { class: "task-list", "aria-labelledby": "group-{group.slug()}",
                                for id in ids {
                                    TaskRow { key: "{id}", id: id.clone(), onedit, nav }
                                }
                            }
                        }
                    }
                } else {
                    ul { class: "task-list",
                        for id in shown() {
                            TaskRow { key: "{id}", id: id.clone(), onedit, nav }
                        }
                    }
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
