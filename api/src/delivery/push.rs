//! Web Push: RFC 8030 delivery, RFC 8291 `aes128gcm` payload encryption (by
//! `web-push-native`), RFC 8292 VAPID (an ES256 JWT signed here).

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use p256::elliptic_curve::sec1::ToEncodedPoint as _;
use p256::pkcs8::EncodePrivateKey as _;
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, HeaderMap, RETRY_AFTER};
use secrecy::{ExposeSecret as _, SecretSlice};
use serde::Serialize;
use web_push_native::WebPushBuilder;

use crate::domain::delivery::AttemptOutcome;
use crate::domain::push::{PushSubscription, decode_key};

/// How long a VAPID JWT is valid: RFC 8292 allows at most 24 hours.
const JWT_LIFETIME: Duration = Duration::from_secs(12 * 60 * 60);
/// How long the push service keeps a message for a device that is offline: a reminder
/// a day late is no longer worth showing.
pub const MESSAGE_TTL: Duration = Duration::from_secs(24 * 60 * 60);
/// How long one request to a push service may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Debug, thiserror::Error)]
pub enum VapidKeyError {
    #[error("not base64url")]
    Encoding,
    #[error("not a P-256 private key (32 bytes)")]
    Key,
}

/// The server's VAPID key pair: it signs every push request, and browsers subscribe
/// with its public half.
#[derive(Clone)]
pub struct VapidKey {
    pkcs8: SecretSlice<u8>,
    public_key: String,
}

impl std::fmt::Debug for VapidKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VapidKey")
            .field("public_key", &self.public_key)
            .finish_non_exhaustive()
    }
}

impl VapidKey {
    pub fn generate() -> Self {
        Self::from_secret(&p256::SecretKey::random(
            &mut p256::elliptic_curve::rand_core::OsRng,
        ))
    }

    /// The key from its raw private scalar, base64url (as `TODO_VAPID_PRIVATE_KEY` and
    /// the data directory hold it).
    pub fn from_base64url(text: &str) -> Result<Self, VapidKeyError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(text.trim().trim_end_matches('='))
            .map_err(|_| VapidKeyError::Encoding)?;
        let secret = p256::SecretKey::from_slice(&bytes).map_err(|_| VapidKeyError::Key)?;
        Ok(Self::from_secret(&secret))
    }

    fn from_secret(secret: &p256::SecretKey) -> Self {
        let public = secret.public_key().to_encoded_point(false);
        Self {
            pkcs8: secret
                .to_pkcs8_der()
                .map(|der| SecretSlice::from(der.as_bytes().to_vec()))
                .unwrap_or_else(|_| SecretSlice::from(Vec::new())),
            public_key: URL_SAFE_NO_PAD.encode(public.as_bytes()),
        }
    }

    /// The private scalar, base64url: what is written to the data directory.
    pub fn private_base64url(&self) -> Option<String> {
        use p256::pkcs8::DecodePrivateKey as _;
        p256::SecretKey::from_pkcs8_der(self.pkcs8.expose_secret())
            .ok()
            .map(|secret| URL_SAFE_NO_PAD.encode(secret.to_bytes()))
    }

    /// The public key, base64url of the uncompressed point.
    pub fn public_key(&self) -> &str {
        &self.public_key
    }

    /// `Authorization: vapid t=<JWT>, k=<public key>` for a push service at `audience`
    /// (the endpoint's origin).
    fn authorization(
        &self,
        audience: &str,
        subject: &str,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        #[derive(Serialize)]
        struct Claims<'a> {
            aud: &'a str,
            exp: i64,
            sub: &'a str,
        }
        let exp = Utc::now().timestamp() + JWT_LIFETIME.as_secs() as i64;
        let token = jsonwebtoken::encode(
            &Header::new(Algorithm::ES256),
            &Claims {
                aud: audience,
                exp,
                sub: subject,
            },
            &EncodingKey::from_ec_der(self.pkcs8.expose_secret()),
        )?;
        Ok(format!("vapid t={token}, k={}", self.public_key))
    }
}

/// What a push carries to the service worker, encrypted: enough to show the
/// notification and to act on it without opening the app.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PushMessage {
    pub title: String,
    pub body: String,
    /// The same for every delivery of one reminder, so a browser shows it once.
    pub tag: String,
    pub task_id: String,
    /// The app page the notification opens.
    pub url: String,
    /// POST to complete the task: a one-time action link.
    pub complete_url: String,
    /// POST to snooze the reminder for an hour.
    pub snooze_url: String,
}

/// Sends Web Push messages.
#[derive(Clone)]
pub struct PushSender {
    client: reqwest::Client,
    key: VapidKey,
    /// The VAPID `sub` claim: how the push service can reach the operator.
    subject: String,
}

impl PushSender {
    pub fn new(key: VapidKey, subject: String) -> reqwest::Result<Self> {
        Ok(Self {
            client: reqwest::Client::builder()
                .timeout(REQUEST_TIMEOUT)
                .redirect(reqwest::redirect::Policy::none())
                .build()?,
            key,
            subject,
        })
    }

    /// Encrypts `message` for the subscription and posts it to its push service.
    /// `topic` (at most 32 base64url characters) lets the push service replace a copy
    /// it still holds (RFC 8030 §5.4) when a delivery is attempted again.
    pub async fn send(
        &self,
        subscription: &PushSubscription,
        message: &PushMessage,
        topic: &str,
    ) -> AttemptOutcome {
        let request = match self.request(subscription, message) {
            Ok(request) => request,
            Err(error) => return AttemptOutcome::Permanent { error },
        };
        let (parts, body) = request.into_parts();
        let sent = self
            .client
            .post(parts.uri.to_string())
            .headers(parts.headers)
            .header("Urgency", "high")
            .header("Topic", topic)
            .body(body)
            .send()
            .await;
        match sent {
            Ok(response) => classify(response.status(), response.headers()),
            Err(error) => AttemptOutcome::Transient {
                error: format!("push service unreachable: {error}"),
                retry_after: None,
            },
        }
    }

    fn request(
        &self,
        subscription: &PushSubscription,
        message: &PushMessage,
    ) -> Result<http::Request<Vec<u8>>, String> {
        let endpoint: http::Uri = subscription
            .endpoint
            .parse()
            .map_err(|error| format!("bad endpoint: {error}"))?;
        let audience = origin(&subscription.endpoint)?;
        let ua_public = decode_key(&subscription.p256dh)
            .and_then(|bytes| p256::PublicKey::from_sec1_bytes(&bytes).ok())
            .ok_or("the subscription's p256dh is not a P-256 key")?;
        let ua_auth = decode_key(&subscription.auth)
            .and_then(|bytes| <[u8; 16]>::try_from(bytes).ok())
            .map(web_push_native::Auth::from)
            .ok_or("the subscription's auth secret is not 16 bytes")?;
        let payload = serde_json::to_vec(message).map_err(|error| error.to_string())?;
        let mut request = WebPushBuilder::new(endpoint, ua_public, ua_auth)
            .with_valid_duration(MESSAGE_TTL)
            .build(payload)
            .map_err(|error| format!("encrypting the message: {error}"))?;
        let authorization = self
            .key
            .authorization(&audience, &self.subject)
            .map_err(|error| format!("signing the VAPID token: {error}"))?;
        request.headers_mut().insert(
            AUTHORIZATION,
            authorization
                .parse()
                .map_err(|_| "the VAPID header is not a header value".to_owned())?,
        );
        Ok(request)
    }
}

/// The origin of an endpoint URL (scheme, host and any non-default port): the `aud` of
/// its VAPID token.
fn origin(endpoint: &str) -> Result<String, String> {
    let url = url::Url::parse(endpoint).map_err(|error| format!("bad endpoint: {error}"))?;
    Ok(url.origin().ascii_serialization())
}

/// What a push service's answer means for the delivery (RFC 8030 §5, §8.3).
fn classify(status: StatusCode, headers: &HeaderMap) -> AttemptOutcome {
    let error = format!("push service answered {status}");
    match status {
        status if status.is_success() => AttemptOutcome::Sent,
        StatusCode::NOT_FOUND | StatusCode::GONE => AttemptOutcome::Gone { error },
        StatusCode::TOO_MANY_REQUESTS => AttemptOutcome::Transient {
            error,
            retry_after: retry_after(headers),
        },
        status if status.is_server_error() => AttemptOutcome::Transient {
            error,
            retry_after: retry_after(headers),
        },
        _ => AttemptOutcome::Permanent { error },
    }
}

/// `Retry-After` as seconds or as an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<chrono::Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u32>() {
        return Some(chrono::Duration::seconds(i64::from(seconds)));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    Some((at.with_timezone(&Utc) - Utc::now()).max(chrono::Duration::zero()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_audience_keeps_a_non_default_port() {
        assert_eq!(
            origin("http://127.0.0.1:4000/push/abc").unwrap(),
            "http://127.0.0.1:4000"
        );
        assert_eq!(
            origin("https://fcm.googleapis.com/fcm/send/xyz").unwrap(),
            "https://fcm.googleapis.com"
        );
    }

    #[test]
    fn answers_map_to_outcomes() {
        let none = HeaderMap::new();
        assert_eq!(classify(StatusCode::CREATED, &none), AttemptOutcome::Sent);
        assert!(matches!(
            classify(StatusCode::GONE, &none),
            AttemptOutcome::Gone { .. }
        ));
        assert!(matches!(
            classify(StatusCode::NOT_FOUND, &none),
            AttemptOutcome::Gone { .. }
        ));
        assert!(matches!(
            classify(StatusCode::BAD_REQUEST, &none),
            AttemptOutcome::Permanent { .. }
        ));
        let mut later = HeaderMap::new();
        later.insert(RETRY_AFTER, "120".parse().unwrap());
        assert_eq!(
            classify(StatusCode::TOO_MANY_REQUESTS, &later),
            AttemptOutcome::Transient {
                error: "push service answered 429 Too Many Requests".into(),
                retry_after: Some(chrono::Duration::seconds(120)),
            }
        );
        assert!(matches!(
            classify(StatusCode::SERVICE_UNAVAILABLE, &none),
            AttemptOutcome::Transient {
                retry_after: None,
                ..
            }
        ));
    }

    #[test]
    fn the_key_round_trips_and_bad_keys_are_refused() {
        let key = VapidKey::generate();
        let again = VapidKey::from_base64url(&key.private_base64url().unwrap()).unwrap();
        assert_eq!(key.public_key(), again.public_key());
        assert_eq!(URL_SAFE_NO_PAD.decode(key.public_key()).unwrap().len(), 65);
        assert!(matches!(
            VapidKey::from_base64url("!!"),
            Err(VapidKeyError::Encoding)
        ));
        assert!(matches!(
            VapidKey::from_base64url("AAAA"),
            Err(VapidKeyError::Key)
        ));
    }
}
