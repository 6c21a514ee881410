//! Labels: the chips that show them, and the picker that sets them in the task form
//! (pick one you have, or type a new name to create it).

use dioxus::prelude::*;

use super::Field;
use super::focus;
use crate::api::{
    CreateLabel, CreateLabelInput, CreateLabelVars, Label, MutationBuilder as _, id_of, run,
};
use crate::form::TaskForm;
use crate::organise::{LABELS, css_color, label, label_named};

/// A task's labels as chips; the colour is a dot beside the name, never alone.
#[component]
pub fn LabelChips(labels: Vec<Label>) -> Element {
    rsx! {
        for l in labels {
            span { key: "{l.id.inner()}", class: "badge label-chip",
                span { class: "dot-color", style: "background: {css_color(l.color.as_deref())}", "aria-hidden": "true" }
                span { class: "visually-hidden", "Label: " }
                "{l.name}"
            }
        }
    }
}

/// Creates the label `name` and puts it among the known ones.
pub async fn create_label(name: String) -> Result<Label, String> {
    let input = CreateLabelInput { name, color: None };
    match run(CreateLabel::build(CreateLabelVars { input })).await {
        Ok(data) => {
            let created = data.create_label;
            let mut labels = LABELS.write();
            labels.push(created.clone());
            labels.sort_by_key(|l| l.name.to_lowercase());
            Ok(created)
        }
        Err(error) => Err(error.message),
    }
}

#[component]
pub fn LabelPicker(
    mut form: Signal<TaskForm>,
    #[props(!optional)] error: Option<String>,
) -> Element {
    let mut typed = use_signal(String::new);
    let mut local_error = use_signal(|| None::<String>);
    let mut busy = use_signal(|| false);
    let chosen: Vec<Label> = form
        .read()
        .labels
        .iter()
        .filter_map(|id| label(&crate::api::Id::new(id)))
        .collect();
    let mut add = move || {
        let name = typed().trim().to_owned();
        if name.is_empty() || busy() {
            return;
        }
        if let Some(existing) = label_named(&name) {
            let id = id_of(&existing.id);
            if !form.peek().labels.contains(&id) {
                form.write().labels.push(id);
            }
            typed.set(String::new());
            return;
        }
        busy.set(true);
        spawn(async move {
            match create_label(name).await {
                Ok(created) => {
                    form.write().labels.push(id_of(&created.id));
                    typed.set(String::new());
                    local_error.set(None);
                }
                Err(message) => local_error.set(Some(message)),
            }
            busy.set(false);
            focus("task-labels");
        });
    };
    let shown_error = local_error().or(error);
    rsx! {
        Field { id: "task-labels", label: "Labels", error: shown_error,
            if !chosen.is_empty() {
                ul { class: "chosen-labels", "aria-label": "Chosen labels",
                    for l in chosen {
                        li { key: "{l.id.inner()}", class: "badge label-chip",
                            span { class: "dot-color", style: "background: {css_color(l.color.as_deref())}", "aria-hidden": "true" }
                            "{l.name}"
                            button {
                                class: "chip-remove",
                                r#type: "button",
                                "aria-label": "Remove label “{l.name}”",
                                onclick: {
                                    let id = id_of(&l.id);
                                    move |_| form.write().labels.retain(|x| *x != id)
                                },
                                "✕"
                            }
                        }
                    }
                }
            }
            div { class: "label-add",
                input {
                    id: "task-labels",
                    r#type: "text",
                    list: "known-labels",
                    autocomplete: "off",
                    maxlength: "50",
                    placeholder: "Pick or type a new label",
                    value: "{typed}",
                    "aria-describedby": "task-labels-error",
                    oninput: move |e| typed.set(e.value()),
                    // Enter adds the label; the task is saved with the form's button.
                    onkeydown: move |e: KeyboardEvent| {
                        if e.key() == Key::Enter {
                            e.prevent_default();
                            add();
                        }
                    },
                }
                button { class: "button", r#type: "button", disabled: busy() || typed().trim().is_empty(), onclick: move |_| add(), "Add label" }
            }
            datalist { id: "known-labels",
                for l in LABELS.read().iter() { option { value: "{l.name}" } }
            }
        }
    }
}
