//! Sign in and sign up. After either, the user returns to the page they were on.

use dioxus::prelude::*;

use crate::Route;
use crate::api::{
    Login, LoginVars, MutationBuilder as _, PreferencesInput, PreferencesVars, Register,
    RegisterInput, RegisterVars, UpdatePreferences, run,
};
use crate::session::{self, NOTICE, SESSION};
use crate::state::{RETURN_TO, error_toast};
use crate::time;

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
        reminders_enabled: None,
        reminder_minutes_before: None,
        toast_notifications: None,
        time_zone: Some(time::browser_zone()),
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
                Err(e) => error.set(Some((e.field.clone(), e.message))),
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
                form { class: "auth-form", onsubmit: submit,
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
                            oninput: move |e| password.set(e.value()),
                        }
                        p { class: "field-error", if let Some(e) = password_error { "{e}" } }
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
