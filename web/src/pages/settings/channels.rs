//! Where reminders reach the person beyond an open tab: Web Push on this device (and the
//! list of every device registered), email, and the daily digest. Notification
//! permission is asked only from the button here, never on load.

use dioxus::prelude::*;
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;

use crate::api::{
    DevicesQuery, Id, IdVars, MutationBuilder as _, Preferences, PreferencesInput, PreferencesVars,
    PushSubscription, PushSubscriptionInput, PushSubscriptionVars, QueryBuilder as _,
    RegisterPushSubscription, RemovePushSubscription, UpdatePreferences, id_of, run,
};
use crate::state::{PREFERENCES, error_toast, toast, user_zone};
use crate::time;

#[wasm_bindgen(inline_js = r#"
export function push_supported() {
  return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}
export function push_permission() {
  return "Notification" in window ? Notification.permission : "unsupported";
}
function keyBytes(base64url) {
  const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
  const raw = atob(base64 + "=".repeat((4 - base64.length % 4) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}
export async function push_subscribe(publicKey) {
  const permission = await Notification.requestPermission();
  if (permission !== "granted") {
    throw new Error("Notifications are blocked for this site. Allow them in the browser's site settings, then try again.");
  }
  const registration = await navigator.serviceWorker.ready;
  const subscription = await registration.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: keyBytes(publicKey),
  });
  const json = subscription.toJSON();
  return JSON.stringify({ endpoint: json.endpoint, p256dh: json.keys.p256dh, auth: json.keys.auth });
}
export async function push_endpoint() {
  if (!("serviceWorker" in navigator)) return "";
  const registration = await navigator.serviceWorker.getRegistration();
  const subscription = registration && await registration.pushManager.getSubscription();
  return subscription ? subscription.endpoint : "";
}
export async function push_unsubscribe() {
  const registration = await navigator.serviceWorker.getRegistration();
  const subscription = registration && await registration.pushManager.getSubscription();
  if (subscription) await subscription.unsubscribe();
}
export function device_name() {
  const ua = navigator.userAgent;
  const browser = /Edg\//.test(ua) ? "Edge" : /Firefox\//.test(ua) ? "Firefox"
    : /Chrome\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : "Browser";
  const system = /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS"
    : /Mac OS X/.test(ua) ? "macOS" : /Windows/.test(ua) ? "Windows" : /Linux/.test(ua) ? "Linux" : "";
  return system ? `${browser} on ${system}` : browser;
}
"#)]
extern "C" {
    fn push_supported() -> bool;
    fn push_permission() -> String;
    #[wasm_bindgen(catch)]
    async fn push_subscribe(public_key: &str) -> Result<JsValue, JsValue>;
    async fn push_endpoint() -> JsValue;
    #[wasm_bindgen(catch)]
    async fn push_unsubscribe() -> Result<JsValue, JsValue>;
    fn device_name() -> String;
}

/// What a rejected promise said, in words a person can act on.
fn js_message(error: &JsValue) -> String {
    js_sys::Reflect::get(error, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "the browser refused".to_owned())
}

/// Saves some preferences and keeps the app's copy in step.
async fn save(input: PreferencesInput) -> bool {
    match run(UpdatePreferences::build(PreferencesVars { input })).await {
        Ok(data) => {
            *PREFERENCES.write() = Some(data.update_preferences);
            true
        }
        Err(error) => {
            error_toast(format!("Could not save: {error}"));
            false
        }
    }
}

#[component]
pub fn Channels(prefs: Preferences) -> Element {
    let mut devices = use_resource(|| async { run(DevicesQuery::build(())).await });
    let this_endpoint =
        use_resource(|| async { push_endpoint().await.as_string().unwrap_or_default() });
    let mut busy = use_signal(|| false);
    let mut push_error = use_signal(|| None::<String>);
    let mut digest = use_signal(|| prefs.daily_digest_at.clone().unwrap_or_default());
    let supported = use_hook(push_supported);
    let (list, public_key) = match &*devices.read() {
        Some(Ok(data)) => (
            data.me.push_subscriptions.clone(),
            Some(data.push_public_key.clone()),
        ),
        _ => (Vec::new(), None),
    };
    let this_device = this_endpoint.read().clone().unwrap_or_default();
    let registered_here = !this_device.is_empty() && list.iter().any(|d| d.endpoint == this_device);
    let key_missing = public_key.is_none();
    let enable = move |_| {
        let Some(key) = public_key.clone() else {
            return;
        };
        spawn(async move {
            busy.set(true);
            push_error.set(None);
            match push_subscribe(&key).await {
                Ok(json) => {
                    let parsed: serde_json::Value = json
                        .as_string()
                        .and_then(|text| serde_json::from_str(&text).ok())
                        .unwrap_or_default();
                    let field = |name: &str| parsed[name].as_str().unwrap_or_default().to_owned();
                    let input = PushSubscriptionInput {
                        endpoint: field("endpoint"),
                        p256dh: field("p256dh"),
                        auth: field("auth"),
                        device_name: device_name(),
                    };
                    match run(RegisterPushSubscription::build(PushSubscriptionVars {
                        input,
                    }))
                    .await
                    {
                        Ok(_) => {
                            if save(PreferencesInput {
                                push_reminders: Some(true),
                                ..PreferencesInput::default()
                            })
                            .await
                            {
                                toast("Reminders will reach this device", None, None);
                            }
                            devices.restart();
                        }
                        Err(error) => push_error.set(Some(error.message)),
                    }
                }
                Err(error) => push_error.set(Some(js_message(&error))),
            }
            busy.set(false);
        });
    };
    let zone = user_zone();
    let permission = push_permission();
    rsx! {
        section { class: "card", "aria-labelledby": "channels-title",
            h2 { id: "channels-title", "Where reminders reach you" }
            p { class: "muted", "Reminders always show in the app while it is open. They can reach you with no tab open too." }

            h3 { "Push notifications" }
            label { class: "check-field",
                input { r#type: "checkbox", checked: prefs.push_reminders,
                    onchange: move |e| { spawn(async move { save(PreferencesInput { push_reminders: Some(e.checked()), ..PreferencesInput::default() }).await; }); } }
                "Send reminders to my devices"
            }
            if !supported {
                p { class: "hint", "This browser cannot receive push notifications." }
            } else if registered_here {
                p { class: "hint", "This device receives reminders." }
            } else {
                div { class: "channel-row",
                    button { class: "button button-primary", r#type: "button", disabled: busy() || key_missing,
                        onclick: enable, "Turn on push for this device" }
                    if permission == "denied" {
                        span { class: "hint", "Notifications are blocked for this site in the browser's settings." }
                    }
                }
            }
            if let Some(message) = push_error() { p { class: "form-error", role: "alert", "{message}" } }
            if !list.is_empty() {
                ul { class: "device-list", "aria-label": "Devices",
                    for device in list {
                        DeviceItem { key: "{device.id.inner()}", device: device.clone(), this: device.endpoint == this_device, zone: zone.clone(),
                            onremoved: move |_| devices.restart() }
                    }
                }
            }

            h3 { "Email" }
            if !prefs.email_available {
                p { class: "hint", role: "note", "Email is not set up on this server (no SMTP server is configured), so reminder emails and the digest are unavailable." }
            }
            label { class: "check-field",
                input { r#type: "checkbox", checked: prefs.email_reminders, disabled: !prefs.email_available,
                    onchange: move |e| { spawn(async move { save(PreferencesInput { email_reminders: Some(e.checked()), ..PreferencesInput::default() }).await; }); } }
                "Email me reminders"
            }
            div { class: "field",
                label { r#for: "digest", "Daily digest at" }
                div { class: "channel-row",
                    input { id: "digest", r#type: "time", value: "{digest}", disabled: !prefs.email_available,
                        "aria-describedby": "digest-hint", oninput: move |e| digest.set(e.value()) }
                    button { class: "button", r#type: "button", disabled: !prefs.email_available,
                        onclick: move |_| { let at = digest(); spawn(async move {
                            if save(PreferencesInput { daily_digest_at: Some(at.clone()), ..PreferencesInput::default() }).await {
                                toast(if at.is_empty() { "Daily digest off".to_owned() } else { format!("Daily digest at {at}") }, None, None);
                            }
                        }); },
                        "Save digest time" }
                }
                p { id: "digest-hint", class: "hint", "An email each day with what is due that day and what is overdue. Empty: no digest." }
            }
        }
    }
}

#[component]
fn DeviceItem(
    device: PushSubscription,
    this: bool,
    zone: String,
    onremoved: EventHandler<()>,
) -> Element {
    let added = time::full_text(&zone, &device.created_at);
    let reached = device.last_success_at.as_ref().map_or_else(
        || "no reminder sent yet".to_owned(),
        |at| format!("last reminder {}", time::full_text(&zone, at)),
    );
    let id = id_of(&device.id);
    let name = device.device_name.clone();
    rsx! {
        li {
            div {
                p { span { class: "device-name", "{device.device_name}" } if this { span { class: "badge-this", "This device" } } }
                p { class: "device-meta", "Added {added}, {reached}" }
            }
            button { class: "button button-small button-danger", r#type: "button", "aria-label": "Remove “{name}”",
                onclick: move |_| {
                    let id = id.clone();
                    spawn(async move {
                        if this {
                            let _ = push_unsubscribe().await;
                        }
                        match run(RemovePushSubscription::build(IdVars { id: Id::new(id) })).await {
                            Ok(_) => { toast("Device removed", None, None); onremoved.call(()); }
                            Err(error) => error_toast(error.message),
                        }
                    });
                },
                "Remove"
            }
        }
    }
}
