//! A project's own actions on its view: sharing (the owner), its settings (name,
//! colour, place in the sidebar, archive, delete), and leaving it (everyone else).

use dioxus::prelude::*;

use crate::Route;
use crate::api::{
    CancelInvitation, DeleteProject, Id, IdVars, MemberRoleVars, MemberVars, MutationBuilder as _,
    Project, ProjectRole, ProjectSharingQuery, QueryBuilder as _, RemoveProjectMember,
    ShareProject, ShareVars, UpdateProject, UpdateProjectInput, UpdateProjectMember,
    UpdateProjectVars, id_of, run,
};
use crate::components::{ColorPicker, Dialog, Field};
use crate::organise::{self, PROJECTS};
use crate::session::SESSION;
use crate::state::{error_toast, toast};

#[derive(Clone, Copy, PartialEq)]
enum Open {
    Share,
    Settings,
    Leave,
}

#[component]
pub fn ProjectActions(project: Project) -> Element {
    let mut open = use_signal(|| None::<Open>);
    if project.is_inbox {
        return rsx! {};
    }
    let owner = project.role == ProjectRole::Owner;
    let close = move |()| open.set(None);
    rsx! {
        if owner {
            button { class: "button", r#type: "button", onclick: move |_| open.set(Some(Open::Share)), "Share" }
            button { class: "button", r#type: "button", onclick: move |_| open.set(Some(Open::Settings)), "Project settings" }
        } else {
            button { class: "button", r#type: "button", onclick: move |_| open.set(Some(Open::Leave)), "Leave project" }
        }
        match open() {
            Some(Open::Share) => rsx! { ShareDialog { project: project.clone(), onclose: close } },
            Some(Open::Settings) => rsx! { SettingsDialog { project: project.clone(), onclose: close } },
            Some(Open::Leave) => rsx! { LeaveDialog { project: project.clone(), onclose: close } },
            None => rsx! {},
        }
    }
}

/// Sends `input` for `project`, then reloads the sidebar; the error as a toast.
async fn update(project: &Id, input: UpdateProjectInput) -> bool {
    let vars = UpdateProjectVars {
        id: project.clone(),
        input,
    };
    match run(UpdateProject::build(vars)).await {
        Ok(_) => {
            organise::load().await;
            true
        }
        Err(error) => {
            error_toast(format!("Could not change the project: {error}"));
            false
        }
    }
}

/// Moves `project` `by` places among the projects in the sidebar, writing each one's
/// new place, so the order holds whether the server stores the numbers as given or
/// moves a project to the index it is given.
async fn move_project(project: Id, by: isize) {
    let mut order: Vec<Id> = PROJECTS
        .peek()
        .iter()
        .filter(|p| !p.is_inbox && !p.archived)
        .map(|p| p.id.clone())
        .collect();
    let Some(at) = order.iter().position(|id| *id == project) else {
        return;
    };
    let to = at
        .saturating_add_signed(by)
        .min(order.len().saturating_sub(1));
    if to == at {
        return;
    }
    let moved = order.remove(at);
    order.insert(to, moved);
    for (index, id) in order.iter().enumerate() {
        let input = UpdateProjectInput {
            position: i32::try_from(index).ok(),
            ..UpdateProjectInput::default()
        };
        if run(UpdateProject::build(UpdateProjectVars {
            id: id.clone(),
            input,
        }))
        .await
        .is_err()
        {
            error_toast("Could not move the project");
            break;
        }
    }
    organise::load().await;
}

#[component]
fn SettingsDialog(project: Project, onclose: EventHandler<()>) -> Element {
    let nav = navigator();
    let mut name = use_signal(|| project.name.clone());
    let color = use_signal(|| project.color.clone().unwrap_or_default());
    let mut confirming = use_signal(|| false);
    let mut error = use_signal(|| None::<String>);
    let id = project.id.clone();
    let (first, last) = {
        let projects = PROJECTS.read();
        let shown: Vec<&Project> = projects
            .iter()
            .filter(|p| !p.is_inbox && !p.archived)
            .collect();
        (
            shown.first().is_some_and(|p| p.id == id),
            shown.last().is_some_and(|p| p.id == id),
        )
    };
    let save_id = id.clone();
    let save = move |event: FormEvent| {
        event.prevent_default();
        let id = save_id.clone();
        let input = UpdateProjectInput {
            name: Some(name().trim().to_owned()),
            color: Some(color()).filter(|c| !c.is_empty()),
            ..UpdateProjectInput::default()
        };
        spawn(async move {
            match run(UpdateProject::build(UpdateProjectVars { id, input })).await {
                Ok(_) => {
                    organise::load().await;
                    onclose.call(());
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    let up_id = id.clone();
    let down_id = id.clone();
    let archive_id = id.clone();
    let delete_id = id.clone();
    let archived = project.archived;
    rsx! {
        Dialog { id: "project-settings", title: "Project settings", onclose,
            form { class: "stack", onsubmit: save,
                if let Some(message) = error() {
                    p { class: "form-error", role: "alert", "{message}" }
                }
                Field { id: "project-name", label: "Name", error: None,
                    input { id: "project-name", r#type: "text", maxlength: "100", value: "{name}",
                        oninput: move |e| name.set(e.value()) }
                }
                ColorPicker { id: "project-color", value: color }
                div { class: "form-actions",
                    button { class: "button button-primary", r#type: "submit", "Save" }
                }
            }
            section { class: "stack", "aria-labelledby": "project-order-title",
                h3 { id: "project-order-title", "Place in the sidebar" }
                div { class: "button-row",
                    button { class: "button", r#type: "button", disabled: first,
                        onclick: move |_| { spawn(move_project(up_id.clone(), -1)); }, "Move up" }
                    button { class: "button", r#type: "button", disabled: last,
                        onclick: move |_| { spawn(move_project(down_id.clone(), 1)); }, "Move down" }
                }
            }
            section { class: "stack", "aria-labelledby": "project-end-title",
                h3 { id: "project-end-title", "Archive or delete" }
                p { class: "hint", "An archived project leaves the sidebar; its tasks are kept." }
                if confirming() {
                    div { class: "discard-confirm", role: "group", "aria-labelledby": "delete-question",
                        p { id: "delete-question", role: "alert",
                            "Delete “{project.name}”? Its {project.open_task_count} open tasks and all its other tasks go too. This cannot be undone."
                        }
                        div { class: "button-row",
                            button { class: "button", r#type: "button", onclick: move |_| confirming.set(false), "Keep it" }
                            button { class: "button button-danger", r#type: "button",
                                onclick: move |_| {
                                    let id = delete_id.clone();
                                    spawn(async move {
                                        match run(DeleteProject::build(IdVars { id })).await {
                                            Ok(_) => {
                                                toast("Project deleted", None, None);
                                                organise::load().await;
                                                onclose.call(());
                                                nav.replace(Route::default_tasks());
                                            }
                                            Err(e) => error_toast(format!("Could not delete the project: {e}")),
                                        }
                                    });
                                },
                                "Delete project and its tasks"
                            }
                        }
                    }
                } else {
                    div { class: "button-row",
                        button { class: "button", r#type: "button",
                            onclick: move |_| {
                                let id = archive_id.clone();
                                spawn(async move {
                                    let input = UpdateProjectInput { archived: Some(!archived), ..UpdateProjectInput::default() };
                                    if update(&id, input).await {
                                        toast(if archived { "Project restored" } else { "Project archived" }, None, None);
                                        onclose.call(());
                                    }
                                });
                            },
                            if archived { "Unarchive project" } else { "Archive project" }
                        }
                        button { class: "button button-danger", r#type: "button", onclick: move |_| confirming.set(true), "Delete project" }
                    }
                }
            }
        }
    }
}

#[component]
fn LeaveDialog(project: Project, onclose: EventHandler<()>) -> Element {
    let nav = navigator();
    let me = SESSION.read().as_ref().map(|s| s.email.to_lowercase());
    let my_id = project
        .members
        .iter()
        .find(|m| Some(m.user.email.to_lowercase()) == me)
        .map(|m| m.user.id.clone());
    let project_id = project.id.clone();
    rsx! {
        Dialog { id: "leave-project", title: "Leave this project?", onclose,
            p { "You will no longer see “{project.name}” or its tasks. Its owner can invite you again." }
            div { class: "form-actions",
                button { class: "button button-quiet", r#type: "button", onclick: move |_| onclose.call(()), "Cancel" }
                button { class: "button button-danger", r#type: "button", disabled: my_id.is_none(),
                    onclick: move |_| {
                        let Some(user_id) = my_id.clone() else { return };
                        let project_id = project_id.clone();
                        spawn(async move {
                            match run(RemoveProjectMember::build(MemberVars { project_id, user_id })).await {
                                Ok(_) => {
                                    organise::load().await;
                                    onclose.call(());
                                    nav.replace(Route::default_tasks());
                                }
                                Err(e) => error_toast(format!("Could not leave the project: {e}")),
                            }
                        });
                    },
                    "Leave project"
                }
            }
        }
    }
}

/// The roles the owner gives: there is one owner.
const SHARE_ROLES: [ProjectRole; 2] = [ProjectRole::Editor, ProjectRole::Viewer];

#[component]
fn ShareDialog(project: Project, onclose: EventHandler<()>) -> Element {
    let project_id = project.id.clone();
    let mut version = use_signal(|| 0u64);
    let query_id = project_id.clone();
    let sharing = use_resource(move || {
        let id = query_id.clone();
        async move {
            let _ = version();
            run(ProjectSharingQuery::build(IdVars { id }))
                .await
                .ok()
                .and_then(|data| data.project)
        }
    });
    let mut email = use_signal(String::new);
    let mut role = use_signal(|| ProjectRole::Editor);
    let mut error = use_signal(|| None::<String>);
    let mut busy = use_signal(|| false);
    let share_id = project_id.clone();
    let share = move |event: FormEvent| {
        event.prevent_default();
        let address = email().trim().to_owned();
        if address.is_empty() || busy() {
            return;
        }
        let project_id = share_id.clone();
        busy.set(true);
        spawn(async move {
            let vars = ShareVars {
                project_id,
                email: address.clone(),
                role: role(),
            };
            match run(ShareProject::build(vars)).await {
                Ok(_) => {
                    email.set(String::new());
                    error.set(None);
                    toast("Invitation sent", Some(address), None);
                    version += 1;
                }
                Err(e) => error.set(Some(e.message)),
            }
            busy.set(false);
        });
    };
    let loaded = sharing.read().clone().flatten();
    rsx! {
        Dialog { id: "share-dialog", title: "Share “{project.name}”", onclose,
            form { class: "share-form", onsubmit: share,
                Field { id: "share-email", label: "Email", error: error(),
                    input { id: "share-email", r#type: "email", autocomplete: "off", value: "{email}",
                        "aria-describedby": "share-email-error",
                        oninput: move |e| email.set(e.value()) }
                }
                Field { id: "share-role", label: "Role", error: None,
                    select { id: "share-role",
                        onchange: move |e| role.set(e.value().parse().unwrap_or(ProjectRole::Editor)),
                        for r in SHARE_ROLES {
                            option { value: "{r}", selected: role() == r, "{r.label()}" }
                        }
                    }
                }
                button { class: "button button-primary", r#type: "submit", disabled: busy() || email().trim().is_empty(), "Invite" }
            }
            p { class: "hint", "Editors read and change tasks. Viewers only read. Someone without an account yet gets access when they sign up with this email." }
            match loaded {
                None => rsx! { p { class: "muted", "Loading who has access…" } },
                Some(found) => rsx! {
                    section { "aria-labelledby": "pending-title",
                        h3 { id: "pending-title", "Pending invitations" }
                        if found.invitations.is_empty() {
                            p { class: "muted", "None." }
                        } else {
                            ul { class: "people",
                                for invitation in found.invitations {
                                    li { key: "{invitation.id.inner()}", class: "person",
                                        span { class: "person-name", "{invitation.email}" }
                                        span { class: "badge", "{invitation.role.label()}" }
                                        button { class: "button button-small button-quiet", r#type: "button",
                                            "aria-label": "Cancel the invitation for {invitation.email}",
                                            onclick: {
                                                let id = invitation.id.clone();
                                                move |_| {
                                                let id = id.clone();
                                                spawn(async move {
                                                    match run(CancelInvitation::build(IdVars { id })).await {
                                                        Ok(_) => version += 1,
                                                        Err(e) => error_toast(e.message),
                                                    }
                                                });
                                                }
                                            },
                                            "Cancel"
                                        }
                                    }
                                }
                            }
                        }
                    }
                    section { "aria-labelledby": "members-title",
                        h3 { id: "members-title", "People with access" }
                        ul { class: "people",
                            for member in found.members {
                                MemberRow { key: "{member.user.id.inner()}", project_id: project_id.clone(), member: member.clone(), onchange: move |_| {
                                    version += 1;
                                    spawn(organise::load());
                                } }
                            }
                        }
                    }
                },
            }
        }
    }
}

#[component]
fn MemberRow(
    project_id: Id,
    member: crate::api::ProjectMember,
    onchange: EventHandler<()>,
) -> Element {
    let user = member.user.clone();
    let name = user.display_name.clone();
    let select_id = format!("role-{}", id_of(&user.id));
    if member.role == ProjectRole::Owner {
        return rsx! {
            li { class: "person",
                span { class: "person-name", "{name}" span { class: "muted small", " {user.email}" } }
                span { class: "badge", "Owner" }
            }
        };
    }
    let role_project = project_id.clone();
    let role_user = user.id.clone();
    let remove_user = user.id.clone();
    rsx! {
        li { class: "person",
            span { class: "person-name", "{name}" span { class: "muted small", " {user.email}" } }
            label { class: "visually-hidden", r#for: "{select_id}", "Role for {name}" }
            select { id: "{select_id}", class: "select-small",
                onchange: move |e| {
                    let Ok(role) = e.value().parse::<ProjectRole>() else { return };
                    let vars = MemberRoleVars { project_id: role_project.clone(), user_id: role_user.clone(), role };
                    spawn(async move {
                        match run(UpdateProjectMember::build(vars)).await {
                            Ok(_) => onchange.call(()),
                            Err(e) => error_toast(format!("Could not change the role: {e}")),
                        }
                    });
                },
                for r in SHARE_ROLES {
                    option { value: "{r}", selected: member.role == r, "{r.label()}" }
                }
            }
            button { class: "button button-small button-quiet", r#type: "button",
                "aria-label": "Remove {name}",
                onclick: move |_| {
                    let vars = MemberVars { project_id: project_id.clone(), user_id: remove_user.clone() };
                    spawn(async move {
                        match run(RemoveProjectMember::build(vars)).await {
                            Ok(_) => onchange.call(()),
                            Err(e) => error_toast(format!("Could not remove them: {e}")),
                        }
                    });
                },
                "Remove"
            }
        }
    }
}
