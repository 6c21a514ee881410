//! A modal dialog: labelled, focus kept inside while open and given back on close,
//! closed by Esc.

use dioxus::prelude::*;

use super::js;

#[component]
pub fn Dialog(id: String, title: String, onclose: EventHandler<()>, children: Element) -> Element {
    let heading = format!("{id}-title");
    let dialog_id = id.clone();
    use_hook(move || {
        js(&format!(
            r#"(() => {{
  window.__todoFocus = window.__todoFocus || [];
  window.__todoFocus.push(document.activeElement);
  // Focus can leave a dialog without the user moving it (the button it was on becomes
  // disabled, say); Esc still closes the topmost dialog then, through its Close button.
  if (!window.__todoEscape) {{
    window.__todoEscape = true;
    document.addEventListener('keydown', e => {{
      // A dialog that handled Esc itself marks it so: by now the element Esc was
      // pressed on may be gone from the page, so its place cannot tell.
      if (e.key !== 'Escape' || e.defaultPrevented || e.target.closest?.('[role=dialog]')) return;
      const open = document.querySelectorAll('[role=dialog]');
      open[open.length - 1]?.querySelector('.dialog-head [aria-label=Close]')?.click();
    }});
  }}
  requestAnimationFrame(() => {{
    const d = document.getElementById({id});
    if (!d) return;
    const focusables = () => [...d.querySelectorAll('a[href],button:not([disabled]),input:not([disabled]),select:not([disabled]),textarea:not([disabled]),[tabindex]:not([tabindex="-1"])')].filter(x => x.offsetParent !== null);
    d.addEventListener('keydown', e => {{
      if (e.key !== 'Tab') return;
      const f = focusables();
      if (!f.length) return;
      if (e.shiftKey && document.activeElement === f[0]) {{ e.preventDefault(); f[f.length - 1].focus(); }}
      else if (!e.shiftKey && document.activeElement === f[f.length - 1]) {{ e.preventDefault(); f[0].focus(); }}
    }});
    (d.querySelector('[data-autofocus]') || focusables()[0])?.focus();
  }});
}})()"#,
            id = serde_json::Value::String(dialog_id)
        ));
    });
    use_drop(|| {
        js(
            "(() => { const el = (window.__todoFocus || []).pop(); if (el && el.isConnected) el.focus(); })()",
        );
    });
    rsx! {
        div { class: "backdrop", onclick: move |_| onclose.call(()),
        }
        div {
            id: "{id}",
            class: "dialog",
            role: "dialog",
            "aria-modal": "true",
            "aria-labelledby": "{heading}",
            onkeydown: move |event: KeyboardEvent| {
                if event.key() == Key::Escape {
                    event.prevent_default();
                    event.stop_propagation();
                    onclose.call(());
                }
            },
            div { class: "dialog-head",
                h2 { id: "{heading}", "{title}" }
                button {
                    class: "icon-button",
                    r#type: "button",
                    "aria-label": "Close",
                    onclick: move |_| onclose.call(()),
                    "✕"
                }
            }
            {children}
        }
    }
}
