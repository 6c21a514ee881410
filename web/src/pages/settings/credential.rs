//! One credential in a settings list (an API token, a connected agent): its name and
//! access, when it was made and last used, and the button that ends it.

use dioxus::prelude::*;

#[component]
pub fn CredentialItem(
    name: String,
    access: String,
    detail: String,
    /// The button's word: "Revoke", "Disconnect".
    action: &'static str,
    on_end: EventHandler<()>,
) -> Element {
    rsx! {
        li { class: "token-item",
            div {
                p { class: "token-name", "{name}" span { class: "badge", "{access}" } }
                p { class: "muted small", "{detail}" }
            }
            button {
                class: "button button-small button-danger",
                r#type: "button",
                "aria-label": "{action} “{name}”",
                onclick: move |_| on_end.call(()),
                "{action}"
            }
        }
    }
}
