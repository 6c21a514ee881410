//! When something goes wrong that the page did not expect, a person sees what happened
//! and a way on (reload, or back to the list), never a page that ignores every click.
//! Three paths lead here: an error a component returns (the `ErrorBoundary` around the
//! routes), a Rust panic (which stops the WebAssembly for good, so the message is drawn
//! without it), and an exception thrown out of the app into the window.

use dioxus::prelude::*;
use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen(inline_js = r#"
const text = 'The page ran into an error it cannot recover from. What you saved is safe; what you had not saved yet may be lost.';
export function show_crash() {
  if (document.getElementById('crash')) return;
  const box = document.createElement('div');
  box.id = 'crash';
  box.className = 'crash';
  box.setAttribute('role', 'alertdialog');
  box.setAttribute('aria-modal', 'true');
  box.setAttribute('aria-labelledby', 'crash-title');
  box.setAttribute('aria-describedby', 'crash-text');
  box.innerHTML = '<div class="crash-card"><h1 id="crash-title">Something went wrong</h1>'
    + '<p id="crash-text"></p><p class="crash-actions">'
    + '<button type="button" class="button button-primary">Reload</button> '
    + '<a class="button" href="/">Go to the task list</a></p></div>';
  box.querySelector('#crash-text').textContent = text;
  box.querySelector('button').addEventListener('click', () => location.reload());
  document.body.append(box);
  box.querySelector('button').focus();
}
export function watch_errors() {
  // Only real exceptions: a ResizeObserver notice or a failed image carries no Error.
  addEventListener('error', (event) => { if (event.error instanceof Error) show_crash(); });
}
"#)]
extern "C" {
    fn show_crash();
    fn watch_errors();
}

/// Shows the message on a panic or an uncaught exception; called once, before launch.
pub fn install() {
    watch_errors();
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&format!("the app stopped: {info}").into());
        show_crash();
    }));
}

/// What the `ErrorBoundary` around the routes shows instead of them.
pub fn fallback(errors: ErrorContext) -> Element {
    if let Some(error) = errors.error() {
        web_sys::console::error_1(&format!("the page failed: {error}").into());
    }
    rsx! {
        main { class: "crash", role: "alert", "aria-labelledby": "crash-title",
            div { class: "crash-card",
                h1 { id: "crash-title", "Something went wrong" }
                p { "This page ran into an error. What you saved is safe; reload to go on, or start again from your task list." }
                p { class: "crash-actions",
                    button {
                        class: "button button-primary",
                        r#type: "button",
                        onclick: |_| {
                            if let Some(window) = web_sys::window() {
                                let _ = window.location().reload();
                            }
                        },
                        "Reload"
                    }
                    " "
                    // A full load, not a route change: it starts the app afresh.
                    a { class: "button", href: "/", "Go to the task list" }
                }
            }
        }
    }
}

/// For the browser tests only: `localStorage['todo.test.fail']` set to `error` makes a
/// component fail, `panic` makes one panic, so they can check what a person then sees.
/// No real trigger is left once zones are checked; nothing else sets this key.
#[component]
pub fn TestFailure() -> Element {
    let wanted = use_hook(|| {
        web_sys::window()
            .and_then(|w| w.local_storage().ok().flatten())
            .and_then(|s| s.get_item("todo.test.fail").ok().flatten())
    });
    match wanted.as_deref() {
        Some("error") => {
            Err(dioxus::CapturedError::msg("a failure the browser tests asked for").into())
        }
        Some("panic") => panic!("a panic the browser tests asked for"),
        _ => rsx! {},
    }
}
