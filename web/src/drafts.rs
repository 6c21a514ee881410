//! Unsent input kept across a re-sign-in. Fields that hold typing worth keeping (quick
//! add, an open task form) register their state here while mounted; when the session
//! ends on its own, what they hold is saved in `sessionStorage` for that user, and the
//! same fields pick it up when they are created again after signing in.

use std::cell::RefCell;
use std::collections::BTreeMap;

use dioxus::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::session;

const STORAGE_PREFIX: &str = "todo.drafts.";

thread_local! {
    /// What the mounted fields hold now, by draft key.
    static OPEN: RefCell<BTreeMap<String, Value>> = const { RefCell::new(BTreeMap::new()) };
}

type Drafts = BTreeMap<String, Value>;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

fn storage_key(email: &str) -> String {
    format!("{STORAGE_PREFIX}{}", email.to_lowercase())
}

fn read(email: &str) -> Drafts {
    storage()
        .and_then(|s| s.get_item(&storage_key(email)).ok().flatten())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

fn write(email: &str, drafts: &Drafts) {
    let Some(storage) = storage() else { return };
    let key = storage_key(email);
    if drafts.is_empty() {
        let _ = storage.remove_item(&key);
    } else if let Ok(text) = serde_json::to_string(drafts) {
        let _ = storage.set_item(&key, &text);
    }
}

/// A signal for a field's state that survives the session ending: it starts from the
/// draft saved under `key` for the signed-in user, if any, else from `initial`.
pub fn use_draft<T>(key: String, initial: impl FnOnce() -> T) -> Signal<T>
where
    T: Serialize + DeserializeOwned + 'static,
{
    let key = use_hook(|| key);
    let state = use_signal(|| take(&key).unwrap_or_else(initial));
    let watched = key.clone();
    use_effect(move || {
        let value = serde_json::to_value(&*state.read()).ok();
        OPEN.with(|open| match value {
            Some(value) => open.borrow_mut().insert(watched.clone(), value),
            None => open.borrow_mut().remove(&watched),
        });
    });
    use_drop(move || {
        OPEN.with(|open| open.borrow_mut().remove(&key));
    });
    state
}

/// The draft saved under `key` for the signed-in user, removed from storage.
fn take<T: DeserializeOwned>(key: &str) -> Option<T> {
    let email = session::email()?;
    let mut drafts = read(&email);
    let value = drafts.remove(key)?;
    write(&email, &drafts);
    serde_json::from_value(value).ok()
}

/// Saves what the mounted fields hold for `email`, as the session ends by itself.
pub fn stash(email: &str) {
    let mut drafts = read(email);
    OPEN.with(|open| drafts.extend(open.borrow().clone()));
    write(email, &drafts);
}

/// Forgets `email`'s drafts: signing out on purpose keeps nothing.
pub fn discard(email: &str) {
    write(email, &Drafts::new());
}
