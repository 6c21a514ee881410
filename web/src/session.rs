//! The signed-in session: kept in `localStorage` so it survives a reload, and ended
//! when the server says it is no longer valid.

use dioxus::prelude::*;
use serde::{Deserialize, Serialize};

const STORAGE_KEY: &str = "todo.session";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub token: String,
    pub email: String,
    pub display_name: String,
}

/// The current session; `None` sends every page but sign-in and sign-up to sign-in.
pub static SESSION: GlobalSignal<Option<Session>> = Signal::global(load);

/// A message for the sign-in page, e.g. why the session ended.
pub static NOTICE: GlobalSignal<Option<String>> = Signal::global(|| None);

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn load() -> Option<Session> {
    let text = storage()?.get_item(STORAGE_KEY).ok()??;
    serde_json::from_str(&text).ok()
}

pub fn token() -> Option<String> {
    SESSION.peek().as_ref().map(|s| s.token.clone())
}

pub fn start(session: Session) {
    if let (Some(storage), Ok(text)) = (storage(), serde_json::to_string(&session)) {
        let _ = storage.set_item(STORAGE_KEY, &text);
    }
    *NOTICE.write() = None;
    *SESSION.write() = Some(session);
}

pub fn end() {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(STORAGE_KEY);
    }
    *SESSION.write() = None;
}

/// The server refused the session: back to sign-in, saying why.
pub fn expire() {
    if SESSION.peek().is_some() {
        *NOTICE.write() = Some("Your session has expired. Sign in again to continue.".into());
        end();
    }
}
