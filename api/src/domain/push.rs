//! A browser's Web Push subscription (RFC 8030), and the rules its fields follow.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::validation::{ValidationError, bounded_text, is_loopback_url};

pub const MAX_ENDPOINT_CHARS: usize = 2048;
pub const MAX_DEVICE_NAME_CHARS: usize = 100;
/// An uncompressed P-256 point: 0x04, then x and y.
const P256DH_BYTES: usize = 65;
const AUTH_BYTES: usize = 16;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushSubscription {
    pub id: Uuid,
    pub user_id: Uuid,
    pub endpoint: String,
    /// The browser's P-256 public key, base64url as the browser gave it.
    pub p256dh: String,
    /// The browser's authentication secret, base64url.
    pub auth: String,
    pub device_name: String,
    pub created_at: DateTime<Utc>,
    pub last_success_at: Option<DateTime<Utc>>,
}

/// A subscription as `PushManager.subscribe()` hands it to the page.
#[derive(Debug, Clone)]
pub struct NewPushSubscription {
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
    pub device_name: String,
}

/// Which push endpoints the server accepts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EndpointPolicy {
    /// Plain `http` to a loopback address too (`TODO_PUSH_ALLOW_LOOPBACK_HTTP`), for
    /// tests with a push service on the same machine.
    pub allow_loopback_http: bool,
}

impl NewPushSubscription {
    /// The subscription with its fields checked: an `https` endpoint (or loopback
    /// `http` when allowed), a P-256 key and a 16-byte secret.
    pub fn validated(self, policy: EndpointPolicy) -> Result<Self, ValidationError> {
        Ok(Self {
            endpoint: endpoint(&self.endpoint, policy)?,
            p256dh: key("p256dh", &self.p256dh, P256DH_BYTES)?,
            auth: key("auth", &self.auth, AUTH_BYTES)?,
            device_name: bounded_text("deviceName", &self.device_name, 1, MAX_DEVICE_NAME_CHARS)?,
        })
    }
}

/// Decodes a base64url key as browsers send it (with or without padding).
pub fn decode_key(value: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(value.trim_end_matches('=')).ok()
}

fn key(field: &'static str, value: &str, bytes: usize) -> Result<String, ValidationError> {
    match decode_key(value) {
        Some(decoded) if decoded.len() == bytes && (bytes != P256DH_BYTES || decoded[0] == 4) => {
            Ok(value.trim_end_matches('=').to_owned())
        }
        _ => Err(ValidationError::new(
            field,
            format!("must be the base64url encoding of {bytes} bytes, as the browser gives it"),
        )),
    }
}

fn endpoint(value: &str, policy: EndpointPolicy) -> Result<String, ValidationError> {
    let invalid = |message: &str| ValidationError::new("endpoint", message);
    if value.len() > MAX_ENDPOINT_CHARS {
        return Err(invalid("is too long"));
    }
    let url = url::Url::parse(value).map_err(|_| invalid("must be an absolute URL"))?;
    if url.host().is_none() {
        return Err(invalid("must name a host"));
    }
    let loopback = is_loopback_url(&url);
    match url.scheme() {
        "https" => Ok(url.into()),
        "http" if loopback && policy.allow_loopback_http => Ok(url.into()),
        _ => Err(invalid("must be an https URL")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subscription(endpoint: &str) -> NewPushSubscription {
        NewPushSubscription {
            endpoint: endpoint.into(),
            p256dh: URL_SAFE_NO_PAD.encode([[4u8].as_slice(), &[7; 64]].concat()),
            auth: URL_SAFE_NO_PAD.encode([9u8; 16]),
            device_name: "Firefox on Linux".into(),
        }
    }

    #[test]
    fn endpoints_must_be_https_unless_loopback_http_is_allowed() {
        let strict = EndpointPolicy::default();
        let tests = EndpointPolicy {
            allow_loopback_http: true,
        };
        assert!(
            subscription("https://push.example.net/send/abc")
                .validated(strict)
                .is_ok()
        );
        for bad in [
            "http://push.example.net/x",
            "ftp://x/y",
            "/relative",
            "not a url",
        ] {
            let error = subscription(bad).validated(tests).unwrap_err();
            assert_eq!(error.field, "endpoint", "{bad}");
        }
        assert!(
            subscription("http://127.0.0.1:9/push")
                .validated(strict)
                .is_err()
        );
        assert!(
            subscription("http://127.0.0.1:9/push")
                .validated(tests)
                .is_ok()
        );
        assert!(subscription("http://[::1]:9/push").validated(tests).is_ok());
    }

    #[test]
    fn keys_must_have_their_sizes() {
        let policy = EndpointPolicy::default();
        let mut short = subscription("https://push.example.net/x");
        short.auth = URL_SAFE_NO_PAD.encode([1u8; 8]);
        assert_eq!(short.validated(policy).unwrap_err().field, "auth");
        let mut compressed = subscription("https://push.example.net/x");
        compressed.p256dh = URL_SAFE_NO_PAD.encode([[2u8].as_slice(), &[7; 64]].concat());
        assert_eq!(compressed.validated(policy).unwrap_err().field, "p256dh");
        let mut padded = subscription("https://push.example.net/x");
        padded.auth.push_str("==");
        assert!(padded.validated(policy).is_ok(), "padding is accepted");
        let mut unnamed = subscription("https://push.example.net/x");
        unnamed.device_name = " ".into();
        assert_eq!(unnamed.validated(policy).unwrap_err().field, "deviceName");
    }
}
