//! The signed-in session: kept in `localStorage` so it survives a reload, renewed with
//! its refresh token before the session token runs out (or when the server refuses
//! one), and ended only when renewing fails: then unsent input is kept (`drafts`) and
//! the page returns to sign-in.

use std::cell::RefCell;

use dioxus::prelude::*;
use futures_util::FutureExt as _;
use futures_util::future::{LocalBoxFuture, Shared};
use serde::{Deserialize, Serialize};

use crate::api::{
    AuthPayload, MutationBuilder as _, RefreshSession, RefreshTokenVars, SignOut, run_anonymous,
};
use crate::{drafts, time};

const STORAGE_KEY: &str = "todo.session";
/// Renew once this share of the session token's life has passed.
const RENEW_AT: f64 = 0.75;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub token: String,
    pub email: String,
    pub display_name: String,
    /// Gets the next session token; absent in sessions stored before refresh tokens.
    #[serde(default)]
    pub refresh_token: Option<String>,
    /// When to renew (ms since the epoch, this browser's clock).
    #[serde(default)]
    pub renew_at_ms: Option<f64>,
}

impl From<AuthPayload> for Session {
    fn from(payload: AuthPayload) -> Self {
        let now = time::now_ms();
        let expires = time::parse_ms(&payload.expires_at);
        Self {
            token: payload.token,
            email: payload.user.email,
            display_name: payload.user.display_name,
            refresh_token: Some(payload.refresh_token),
            renew_at_ms: Some(now + (expires - now).max(0.0) * RENEW_AT),
        }
    }
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

/// Whose session this is, for what is kept per user.
pub fn email() -> Option<String> {
    SESSION.peek().as_ref().map(|s| s.email.clone())
}

pub fn start(session: Session) {
    if let (Some(storage), Ok(text)) = (storage(), serde_json::to_string(&session)) {
        let _ = storage.set_item(STORAGE_KEY, &text);
    }
    *NOTICE.write() = None;
    *SESSION.write() = Some(session);
}

fn end() {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(STORAGE_KEY);
    }
    crate::offline::forget();
    *SESSION.write() = None;
}

/// Signing out: the server ends the refresh token's session too, and nothing typed is
/// kept for later.
pub async fn sign_out() {
    let session = SESSION.peek().as_ref().cloned();
    if let Some(session) = session {
        if let Some(refresh_token) = session.refresh_token {
            // Signed out here either way; an unreachable server lets the token expire.
            let _ = run_anonymous(SignOut::build(RefreshTokenVars { refresh_token })).await;
        }
        drafts::discard(&session.email);
    }
    end();
}

/// The session cannot be renewed: keep what was being typed, and back to sign-in,
/// saying why.
pub fn expire() {
    let email = email();
    if let Some(email) = email {
        drafts::stash(&email);
        *NOTICE.write() = Some(
            "Your session has expired. Sign in again to continue; what you were typing is kept."
                .into(),
        );
        end();
    }
}

/// Why a session could not be renewed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenewError {
    /// The server refused: the session is over (and `expire` has run).
    Ended,
    /// The server could not be asked; the session may still be good.
    Unreachable,
}

type Renewal = Shared<LocalBoxFuture<'static, Result<(), RenewError>>>;

thread_local! {
    /// The renewal under way: requests that need one meanwhile wait for it, since a
    /// refresh token works once.
    static RENEWING: RefCell<Option<Renewal>> = const { RefCell::new(None) };
}

/// Exchanges the refresh token for a new session token, once however many callers ask
/// at the same time.
pub async fn renew() -> Result<(), RenewError> {
    let renewal = RENEWING.with(|slot| {
        slot.borrow_mut()
            .get_or_insert_with(|| renew_once().boxed_local().shared())
            .clone()
    });
    let result = renewal.clone().await;
    RENEWING.with(|slot| {
        let mut slot = slot.borrow_mut();
        if slot
            .as_ref()
            .is_some_and(|running| running.ptr_eq(&renewal))
        {
            *slot = None;
        }
    });
    result
}

async fn renew_once() -> Result<(), RenewError> {
    let Some(current) = SESSION.peek().as_ref().cloned() else {
        return Err(RenewError::Ended);
    };
    // Another tab may have renewed already (tabs share the stored session): its token is
    // the one to continue with, since the one held here no longer works.
    if let Some(stored) = load()
        && stored.email == current.email
        && stored.refresh_token.is_some()
        && stored.refresh_token != current.refresh_token
    {
        *SESSION.write() = Some(stored);
        return Ok(());
    }
    let Some(refresh_token) = current.refresh_token else {
        expire();
        return Err(RenewError::Ended);
    };
    match run_anonymous(RefreshSession::build(RefreshTokenVars { refresh_token })).await {
        Ok(data) => {
            start(data.refresh_session.into());
            Ok(())
        }
        Err(error) if error.is_unauthenticated() => {
            expire();
            Err(RenewError::Ended)
        }
        Err(_) => Err(RenewError::Unreachable),
    }
}

/// The session token to send, renewed first when it is due.
pub async fn fresh_token() -> Option<String> {
    let due = SESSION
        .peek()
        .as_ref()
        .and_then(|s| s.renew_at_ms.filter(|_| s.refresh_token.is_some()))
        .is_some_and(|at| time::now_ms() >= at);
    if due {
        // Unreachable: the current token may still do; Ended: there is none.
        let _ = renew().await;
    }
    token()
}
