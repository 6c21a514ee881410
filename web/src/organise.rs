//! Projects, labels and the invitations waiting for the user: what the sidebar, the
//! task form and the notification center share. One request loads all three; it runs
//! when the shell opens, when the live connection (re)connects, and after anything
//! that changes them (a task change moves the open counts, an invitation arrives).

use dioxus::prelude::*;

use crate::api::{
    Id, Invitation, Label, OrganiseQuery, Project, ProjectRole, QueryBuilder as _, run,
};

pub static PROJECTS: GlobalSignal<Vec<Project>> = Signal::global(Vec::new);
pub static LABELS: GlobalSignal<Vec<Label>> = Signal::global(Vec::new);
pub static INVITATIONS: GlobalSignal<Vec<Invitation>> = Signal::global(Vec::new);
/// Bumped to ask for a fresh load; the shell's loader follows it.
pub static STALE: GlobalSignal<u64> = Signal::global(|| 0);

/// Asks the shell's loader to load projects, labels and invitations again.
pub fn refresh() {
    *STALE.write() += 1;
}

/// Loads all three, writing each only when it changed so that nothing renders for
/// a refetch that brings the same.
pub async fn load() {
    let Ok(data) = run(OrganiseQuery::build(())).await else {
        return;
    };
    if *PROJECTS.peek() != data.projects {
        *PROJECTS.write() = data.projects;
    }
    if *LABELS.peek() != data.labels {
        *LABELS.write() = data.labels;
    }
    if *INVITATIONS.peek() != data.invitations {
        *INVITATIONS.write() = data.invitations;
    }
}

/// The project with `id`, as last loaded.
pub fn project(id: &str) -> Option<Project> {
    PROJECTS.read().iter().find(|p| p.id.inner() == id).cloned()
}

pub fn inbox() -> Option<Project> {
    PROJECTS.read().iter().find(|p| p.is_inbox).cloned()
}

/// Whether the user may change tasks in `project`: a viewer only reads.
pub fn can_edit(role: ProjectRole) -> bool {
    role != ProjectRole::Viewer
}

/// The label named `name` (regardless of case, as the server keeps them unique).
pub fn label_named(name: &str) -> Option<Label> {
    let name = name.trim().to_lowercase();
    LABELS
        .read()
        .iter()
        .find(|l| l.name.to_lowercase() == name)
        .cloned()
}

pub fn label(id: &Id) -> Option<Label> {
    LABELS.read().iter().find(|l| l.id == *id).cloned()
}

/// A colour from the API (`#rrggbb`) as a CSS value; anything else falls back to the
/// theme's quiet colour, so a stored value can never inject a style.
pub fn css_color(color: Option<&str>) -> String {
    match color {
        Some(c)
            if c.len() == 7
                && c.starts_with('#')
                && c[1..].chars().all(|ch| ch.is_ascii_hexdigit()) =>
        {
            c.to_owned()
        }
        _ => "var(--muted)".to_owned(),
    }
}

/// The colours offered for a new project or label: distinct in both themes.
pub const COLORS: &[(&str, &str)] = &[
    ("#db4035", "Red"),
    ("#ff9933", "Orange"),
    ("#c9a100", "Yellow"),
    ("#299438", "Green"),
    ("#14aaf5", "Sky"),
    ("#4073ff", "Blue"),
    ("#884dff", "Violet"),
    ("#e05194", "Pink"),
    ("#808080", "Grey"),
];

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::css_color;

    #[wasm_bindgen_test]
    fn only_hex_colours_reach_a_style() {
        assert_eq!(css_color(Some("#4073ff")), "#4073ff");
        assert_eq!(css_color(Some("red;background:url(x)")), "var(--muted)");
        assert_eq!(css_color(Some("#12345g")), "var(--muted)");
        assert_eq!(css_color(None), "var(--muted)");
    }
}
