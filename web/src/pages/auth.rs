//! Sign in and sign up. After either, the user returns to the page they were on.

use dioxus::prelude::*;

use crate::Route;
use crate::api::{
    Login, LoginVars, MutationBuilder as _, PreferencesInput, PreferencesVars, Register,
    RegisterInput, RegisterVars, UpdatePreferences, run,
};
use crate::form::explain;
use crate::session::{self, NOTICE, SESSION};
use crate::state::{RETURN_TO, error_toast};
use crate::time;

/// The API's rule for a new password (API.md: at least 8 characters).
const MIN_PASSWORD_CHARS: usize = 8;

fn after_sign_in() -> Route {
    RETURN_TO
        .write()
        .take()
        .and_then(|path| path.parse::<Route>().ok())
        .filter(|route| !matches!(route, Route::SignIn {} | Route::SignUp {}))
        .unwrap_or(Route::default_tasks())
}

/// A new account's zone is the server's default (UTC); dates should read in the zone the
/// person is in, so sign-up starts from the browser's (settings can change it).
async fn adopt_browser_zone() {
    let input = PreferencesInput {
        time_zone: Some(time::browser_zone()),
        ..PreferencesInput::default()
    };
    if let Err(error) = run(UpdatePreferences::build(PreferencesVars { input })).await {
        error_toast(format!("Could not set your time zone: {error}"));
    }
}

#[component]
pub fn SignIn() -> Element {
    rsx! { AuthForm { signing_up: false } }
}

#[component]
pub fn SignUp() -> Element {
    rsx! { AuthForm { signing_up: true } }
}

#[component]
fn AuthForm(signing_up: bool) -> Element {
    let nav = navigator();
    let mut email = use_signal(String::new);
    let mut password = use_signal(String::new);
    let mut name = use_signal(String::new);
    let mut error = use_signal(|| None::<(Option<String>, String)>);
    let mut busy = use_signal(|| false);
    // Already signed in (e.g. in another tab): straight on. Checked once, on arrival.
    use_effect(move || {
        if SESSION.peek().is_some() {
            nav.replace(after_sign_in());
        }
    });
    let submit = move |event: FormEvent| {
        event.prevent_default();
        // Checked here first, so the rule shown under the field is the one applied.
        if signing_up && password().chars().count() < MIN_PASSWORD_CHARS {
            error.set(Some((
                Some("password".to_owned()),
                format!("Use at least {MIN_PASSWORD_CHARS} characters for the password."),
            )));
            crate::components::focus("password");
            return;
        }
        spawn(async move {
            busy.set(true);
            let result = if signing_up {
                run(Register::build(RegisterVars {
                    input: RegisterInput {
                        email: email(),
                        password: password(),
                        display_name: name(),
                    },
                }))
                .await
                .map(|d| d.register)
            } else {
                run(Login::build(LoginVars {
                    email: email(),
                    password: password(),
                }))
                .await
                .map(|d| d.login)
            };
            busy.set(false);
            match result {
                Ok(payload) => {
                    let target = after_sign_in();
                    session::start(payload.into());
                    if signing_up {
                        adopt_browser_zone().await;
                    }
                    nav.replace(target);
                }
                Err(e) => {
                    let explained = explain(&e);
                    let field = (explained.field != "form").then(|| explained.field.to_owned());
                    error.set(Some((field, explained.message)));
                }
            }
        });
    };
    let field_error = |field: &str| {
        error().and_then(|(f, message)| {
            f.filter(|f| f.trim_start_matches("input.") == field)
                .map(|_| message)
        })
    };
    let general = error().filter(|(f, _)| f.is_none()).map(|(_, m)| m);
    let email_error = field_error("email");
    let password_error = field_error("password");
    let name_error = field_error("displayName");
    let typed = password().chars().count();
    let password_hint = match typed {
        0 => format!("At least {MIN_PASSWORD_CHARS} characters."),
        n if n < MIN_PASSWORD_CHARS => format!(
            "At least {MIN_PASSWORD_CHARS} characters: {} more to go.",
            MIN_PASSWORD_CHARS - n
        ),
        _ => format!("At least {MIN_PASSWORD_CHARS} characters: long enough."),
    };
    let password_invalid =
        password_error.is_some() || (signing_up && (1..MIN_PASSWORD_CHARS).contains(&typed));
    let heading = if signing_up {
        "Create your account"
    } else {
        "Sign in"
    };
    rsx! {
        document::Title { "{heading} · Todo" }
        main { class: "auth-page",
            div { class: "auth-card",
                p { class: "brand auth-brand", span { class: "brand-mark", "aria-hidden": "true", "✓" } "Todo" }
                h1 { "{heading}" }
                if let Some(notice) = NOTICE.read().clone() {
                    p { class: "notice", role: "status", "{notice}" }
                }
                if let Some(message) = general {
                    p { class: "form-error", role: "alert", "{message}" }
                }
                form { class: "auth-form", novalidate: true, onsubmit: submit,
                    if signing_up {
                        div { class: "field",
                            label { r#for: "name", "Name" }
                            input { id: "name", r#type: "text", autocomplete: "name", required: true, value: "{name}",
                                oninput: move |e| name.set(e.value()) }
                            p { class: "field-error", if let Some(e) = name_error { "{e}" } }
                        }
                    }
                    div { class: "field",
                        label { r#for: "email", "Email" }
                        input { id: "email", r#type: "email", autocomplete: "email", required: true, value: "{email}",
                            oninput: move |e| email.set(e.value()) }
                        p { class: "field-error", if let Some(e) = email_error { "{e}" } }
                    }
                    div { class: "field",
                        label { r#for: "password", "Password" }
                        input {
                            id: "password",
                            r#type: "password",
                            autocomplete: if signing_up { "new-password" } else { "current-password" },
                            required: true,
                            minlength: if signing_up { "8" } else { "1" },
                            value: "{password}",
                            "aria-describedby": if signing_up { "password-hint password-error" } else { "password-error" },
                            "aria-invalid": "{password_invalid}",
                            oninput: move |e| {
                                password.set(e.value());
                                // The rule's sentence goes once the typing answers it.
                                if error().is_some_and(|(f, _)| f.as_deref() == Some("password")) {
                                    error.set(None);
                                }
                            },
                        }
                        if signing_up {
                            p { id: "password-hint", class: if typed >= MIN_PASSWORD_CHARS { "hint hint-ok" } else { "hint" },
                                "aria-live": "polite",
                                "{password_hint}"
                            }
                        }
                        p { id: "password-error", class: "field-error", if let Some(e) = password_error { "{e}" } }
                    }
                    button { class: "button button-primary button-wide", r#type: "submit", disabled: busy(),
                        if signing_up { "Sign up" } else { "Sign in" }
                    }
                }
                p { class: "auth-switch",
                    if signing_up {
                        "Already have an account? "
                        Link { to: Route::SignIn {}, "Sign in" }
                    } else {
                        "New here? "
                        Link { to: Route::SignUp {}, "Create an account" }
                    }
                }
            }
        }
    }
}
