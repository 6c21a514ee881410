//! The rules of OAuth 2.1 as this service applies them to agents that connect to its MCP
//! server by URL (issue 31): PKCE with S256 only, redirect URIs on https or loopback and
//! matched exactly, resource indicators binding tokens to the MCP server (RFC 8707),
//! single-use codes that expire in a minute, and refresh tokens that rotate, a reused
//! one revoking the grant. Pure: the flows' endpoints apply these to what they store.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest as _, Sha256};

use super::user::Scope;
use super::validation::{bounded_text, is_loopback_url};

/// An authorization code is redeemed within a minute of the consent, or never.
pub const CODE_TTL: Duration = Duration::seconds(60);
/// Access tokens live briefly: revoking a grant also stops its refresh, and an access
/// token outliving a revocation is refused by the grant check on every request anyway.
pub const ACCESS_TOKEN_TTL: Duration = Duration::minutes(15);
/// A refresh token unused this long ends the grant's refreshing.
pub const REFRESH_TOKEN_TTL: Duration = Duration::days(30);
/// The one PKCE method OAuth 2.1 leaves (`plain` is refused).
pub const PKCE_METHOD: &str = "S256";

/// Why a request is refused, with its RFC 6749 (5.2, 4.1.2.1) or RFC 8707 error code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {description}", self.code())]
pub struct OAuthError {
    pub kind: OAuthErrorKind,
    /// For the developer reading `error_description`.
    pub description: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OAuthErrorKind {
    InvalidRequest,
    InvalidClient,
    InvalidGrant,
    UnauthorizedClient,
    UnsupportedGrantType,
    UnsupportedResponseType,
    InvalidScope,
    AccessDenied,
    /// RFC 8707: the resource is not one this server issues tokens for.
    InvalidTarget,
    /// RFC 7591: a redirect URI the server will not register.
    InvalidRedirectUri,
    /// RFC 7591: other client metadata the server will not register.
    InvalidClientMetadata,
}

impl OAuthError {
    pub fn new(kind: OAuthErrorKind, description: impl Into<String>) -> Self {
        Self {
            kind,
            description: description.into(),
        }
    }

    /// The `error` value of the response.
    pub fn code(&self) -> &'static str {
        match self.kind {
            OAuthErrorKind::InvalidRequest => "invalid_request",
            OAuthErrorKind::InvalidClient => "invalid_client",
            OAuthErrorKind::InvalidGrant => "invalid_grant",
            OAuthErrorKind::UnauthorizedClient => "unauthorized_client",
            OAuthErrorKind::UnsupportedGrantType => "unsupported_grant_type",
            OAuthErrorKind::UnsupportedResponseType => "unsupported_response_type",
            OAuthErrorKind::InvalidScope => "invalid_scope",
            OAuthErrorKind::AccessDenied => "access_denied",
            OAuthErrorKind::InvalidTarget => "invalid_target",
            OAuthErrorKind::InvalidRedirectUri => "invalid_redirect_uri",
            OAuthErrorKind::InvalidClientMetadata => "invalid_client_metadata",
        }
    }
}

fn refused(kind: OAuthErrorKind, description: impl Into<String>) -> OAuthError {
    OAuthError::new(kind, description)
}

/// A registered agent: a public client (it has no secret; PKCE proves each exchange).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub id: uuid::Uuid,
    /// What the consent page and the list of connected agents call it.
    pub name: String,
    pub redirect_uris: Vec<String>,
    pub created_at: DateTime<Utc>,
}

pub const MAX_REDIRECT_URIS: usize = 10;
pub const MAX_CLIENT_NAME_CHARS: usize = 100;
/// What a client that gives no `client_name` is called.
pub const UNNAMED_CLIENT: &str = "Unnamed agent";

/// RFC 7591 client metadata as a client sends it; fields this server does not use are
/// ignored, as the RFC asks.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct Registration {
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    pub client_name: Option<String>,
    pub token_endpoint_auth_method: Option<String>,
    pub grant_types: Option<Vec<String>>,
    pub response_types: Option<Vec<String>>,
}

impl Registration {
    /// The name and redirect URIs to register, or why not: public clients only
    /// (`token_endpoint_auth_method` `none`), the code flow with refresh only, and 1 to
    /// 10 redirect URIs that [`check_redirect_uri`] accepts.
    pub fn check(&self) -> Result<(String, Vec<String>), OAuthError> {
        let metadata = |why: &str| refused(OAuthErrorKind::InvalidClientMetadata, why);
        if self.redirect_uris.is_empty() || self.redirect_uris.len() > MAX_REDIRECT_URIS {
            return Err(refused(
                OAuthErrorKind::InvalidRedirectUri,
                format!("give 1 to {MAX_REDIRECT_URIS} redirect_uris"),
            ));
        }
        for uri in &self.redirect_uris {
            check_redirect_uri(uri)?;
        }
        if self
            .token_endpoint_auth_method
            .as_deref()
            .is_some_and(|method| method != "none")
        {
            return Err(metadata(
                "only public clients register here: token_endpoint_auth_method must be none",
            ));
        }
        let grants_ok = self.grant_types.as_ref().is_none_or(|grants| {
            grants
                .iter()
                .all(|grant| grant == "authorization_code" || grant == "refresh_token")
        });
        if !grants_ok {
            return Err(metadata(
                "grant_types may only be authorization_code and refresh_token",
            ));
        }
        let responses_ok = self
            .response_types
            .as_ref()
            .is_none_or(|types| types.iter().all(|t| t == "code"));
        if !responses_ok {
            return Err(metadata("response_types may only be code"));
        }
        let name = match self.client_name.as_deref().map(str::trim) {
            None | Some("") => UNNAMED_CLIENT.to_owned(),
            Some(name) => bounded_text("client_name", name, 1, MAX_CLIENT_NAME_CHARS)
                .map_err(|error| metadata(&error.message))?,
        };
        let mut uris: Vec<String> = Vec::with_capacity(self.redirect_uris.len());
        for uri in &self.redirect_uris {
            if !uris.contains(uri) {
                uris.push(uri.clone());
            }
        }
        Ok((name, uris))
    }
}

/// A code challenge as the authorization request sends it: S256 only, and the shape
/// of a base64url SHA-256 (43 characters).
pub fn check_code_challenge(
    challenge: Option<&str>,
    method: Option<&str>,
) -> Result<String, OAuthError> {
    let challenge = challenge.ok_or_else(|| {
        refused(
            OAuthErrorKind::InvalidRequest,
            "code_challenge is required (PKCE)",
        )
    })?;
    if method != Some(PKCE_METHOD) {
        return Err(refused(
            OAuthErrorKind::InvalidRequest,
            "code_challenge_method must be S256",
        ));
    }
    let decoded = URL_SAFE_NO_PAD.decode(challenge).ok();
    if challenge.len() != 43 || decoded.is_none_or(|bytes| bytes.len() != 32) {
        return Err(refused(
            OAuthErrorKind::InvalidRequest,
            "code_challenge must be the base64url SHA-256 of the verifier (43 characters)",
        ));
    }
    Ok(challenge.to_owned())
}

/// RFC 7636, 4.1 and 4.6: a verifier of 43 to 128 unreserved characters whose S256
/// transform is the challenge.
pub fn verify_pkce(verifier: &str, challenge: &str) -> Result<(), OAuthError> {
    let well_formed = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
    if !well_formed {
        return Err(refused(
            OAuthErrorKind::InvalidGrant,
            "code_verifier must be 43 to 128 unreserved characters",
        ));
    }
    let transformed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    if transformed != challenge {
        return Err(refused(
            OAuthErrorKind::InvalidGrant,
            "code_verifier does not match the code_challenge",
        ));
    }
    Ok(())
}

/// A redirect URI a client may register: absolute, without a fragment, and either
/// `https` or `http` to this machine (RFC 8252 7.3, native apps). Custom schemes are
/// refused: every client this server expects is a web or loopback one.
pub fn check_redirect_uri(uri: &str) -> Result<url::Url, OAuthError> {
    let invalid = |why: &str| {
        refused(
            OAuthErrorKind::InvalidRedirectUri,
            format!("{uri:?}: {why}"),
        )
    };
    let parsed = url::Url::parse(uri).map_err(|_| invalid("not an absolute URI"))?;
    if parsed.fragment().is_some() {
        return Err(invalid("a redirect URI has no fragment"));
    }
    match parsed.scheme() {
        "https" if parsed.host().is_some() => Ok(parsed),
        "http" if is_loopback_url(&parsed) => Ok(parsed),
        "http" => Err(invalid(
            "http is allowed only to loopback (127.0.0.1, [::1], localhost)",
        )),
        _ => Err(invalid("use https, or http to loopback")),
    }
}

/// OAuth 2.1, 4.1.1: the redirect URI of a request is one of the client's, compared as
/// strings, exactly.
pub fn redirect_registered(registered: &[String], given: &str) -> bool {
    registered.iter().any(|uri| uri == given)
}

/// RFC 8707: the `resource` a client names must be the MCP server's URL (a trailing
/// slash aside); a token is bound to it.
pub fn check_resource(given: &str, mcp_url: &str) -> Result<(), OAuthError> {
    let normal = |uri: &str| uri.trim_end_matches('/').to_owned();
    let parsed = url::Url::parse(given).map_err(|_| {
        refused(
            OAuthErrorKind::InvalidTarget,
            "resource must be an absolute URI",
        )
    })?;
    if parsed.fragment().is_some() {
        return Err(refused(
            OAuthErrorKind::InvalidTarget,
            "resource has no fragment",
        ));
    }
    if normal(given) != normal(mcp_url) {
        return Err(refused(
            OAuthErrorKind::InvalidTarget,
            format!("this server issues tokens for {mcp_url} only"),
        ));
    }
    Ok(())
}

/// The scopes an agent may ask for: `tasks:read`, and `tasks:write` (which implies
/// reading). None asked for means reading and writing, what an agent is for.
pub fn parse_scopes(scope: Option<&str>) -> Result<Vec<Scope>, OAuthError> {
    let Some(scope) = scope.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(vec![Scope::Read, Scope::Write]);
    };
    let mut scopes = Vec::new();
    for name in scope.split(' ').filter(|s| !s.is_empty()) {
        let wanted: &[Scope] = match name {
            "tasks:read" => &[Scope::Read],
            "tasks:write" => &[Scope::Read, Scope::Write],
            other => {
                return Err(refused(
                    OAuthErrorKind::InvalidScope,
                    format!("unknown scope {other:?}; use tasks:read or tasks:write"),
                ));
            }
        };
        for scope in wanted {
            if !scopes.contains(scope) {
                scopes.push(*scope);
            }
        }
    }
    Ok(scopes)
}

/// The `scope` string of a grant, as tokens and metadata report it.
pub fn scope_string(scopes: &[Scope]) -> String {
    if scopes.contains(&Scope::Write) {
        "tasks:read tasks:write".to_owned()
    } else {
        "tasks:read".to_owned()
    }
}

/// An authorization code as stored: what the consent granted, to whom, and how the
/// code must be redeemed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationCode {
    pub client_id: String,
    pub redirect_uri: String,
    pub code_challenge: String,
    pub resource: String,
    pub scopes: Vec<Scope>,
    pub expires_at: DateTime<Utc>,
    /// Set when the code was exchanged; a second exchange revokes what the first made.
    pub used: bool,
}

/// What the token request brings to redeem a code.
#[derive(Debug, Clone, Copy)]
pub struct Redemption<'a> {
    pub client_id: &'a str,
    pub redirect_uri: Option<&'a str>,
    pub code_verifier: Option<&'a str>,
    pub resource: Option<&'a str>,
}

/// Why a code cannot be redeemed; `Reused` tells the caller to revoke the grant the
/// code's first redemption made (OAuth 2.1, 4.1.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeRefusal {
    Reused,
    Refused(OAuthError),
}

impl AuthorizationCode {
    pub fn redeem(&self, request: &Redemption<'_>, now: DateTime<Utc>) -> Result<(), CodeRefusal> {
        let refuse = |description: &str| {
            CodeRefusal::Refused(refused(OAuthErrorKind::InvalidGrant, description))
        };
        if self.used {
            return Err(CodeRefusal::Reused);
        }
        if now >= self.expires_at {
            return Err(refuse("the authorization code has expired"));
        }
        if request.client_id != self.client_id {
            return Err(refuse("the code was issued to another client"));
        }
        if request.redirect_uri != Some(self.redirect_uri.as_str()) {
            return Err(refuse(
                "redirect_uri differs from the authorization request's",
            ));
        }
        let verifier = request.code_verifier.ok_or_else(|| {
            CodeRefusal::Refused(refused(
                OAuthErrorKind::InvalidRequest,
                "code_verifier is required",
            ))
        })?;
        verify_pkce(verifier, &self.code_challenge).map_err(CodeRefusal::Refused)?;
        if let Some(resource) = request.resource
            && resource.trim_end_matches('/') != self.resource.trim_end_matches('/')
        {
            return Err(CodeRefusal::Refused(refused(
                OAuthErrorKind::InvalidTarget,
                "resource differs from the authorization request's",
            )));
        }
        Ok(())
    }
}

/// A grant's refresh state: the generation of its current refresh token. Each refresh
/// hands out the next generation; a token of an earlier one has been used already, so
/// presenting it means it leaked, and the grant is revoked (OAuth 2.1, 4.3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefreshState {
    pub generation: i32,
    pub expires_at: DateTime<Utc>,
    pub revoked: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshRefusal {
    /// An earlier generation came back: revoke the grant.
    Reused,
    Refused(OAuthError),
}

impl RefreshState {
    /// Whether the token of `generation` may be exchanged now.
    pub fn check(&self, generation: i32, now: DateTime<Utc>) -> Result<(), RefreshRefusal> {
        let refuse = |description: &str| {
            RefreshRefusal::Refused(refused(OAuthErrorKind::InvalidGrant, description))
        };
        if self.revoked {
            return Err(refuse("the grant was revoked"));
        }
        if generation < self.generation {
            return Err(RefreshRefusal::Reused);
        }
        if generation != self.generation {
            return Err(refuse("unknown refresh token"));
        }
        if now >= self.expires_at {
            return Err(refuse("the refresh token has expired"));
        }
        Ok(())
    }
}

/// What a person's consent gave an agent: the agent may act for them, within the
/// scopes, at the MCP server named as the resource, until revoked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub id: uuid::Uuid,
    pub user_id: uuid::Uuid,
    pub client_id: uuid::Uuid,
    /// The client's name, as the consent page showed it.
    pub client_name: String,
    pub scopes: Vec<Scope>,
    pub resource: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl Grant {
    /// The effective scope of a request made with the grant: writing includes reading.
    pub fn scope(&self) -> Scope {
        if self.scopes.contains(&Scope::Write) {
            Scope::Write
        } else {
            Scope::Read
        }
    }
}

/// Access tokens authenticate requests; refresh tokens get the next access token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "lowercase")]
pub enum TokenKind {
    Access,
    Refresh,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7636, appendix B.
    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().expect("an RFC 3339 instant")
    }

    #[test]
    fn pkce_is_s256_only_and_checks_the_verifier_of_rfc_7636_appendix_b() {
        assert_eq!(
            check_code_challenge(Some(CHALLENGE), Some("S256")),
            Ok(CHALLENGE.to_owned())
        );
        for (challenge, method) in [
            (Some(CHALLENGE), Some("plain")),
            (Some(CHALLENGE), None),
            (None, Some("S256")),
            (Some("too-short"), Some("S256")),
        ] {
            let error = check_code_challenge(challenge, method).expect_err("refused");
            assert_eq!(error.code(), "invalid_request", "{challenge:?} {method:?}");
        }
        assert_eq!(verify_pkce(VERIFIER, CHALLENGE), Ok(()));
        let wrong = format!("{}x", &VERIFIER[..42]);
        assert_eq!(
            verify_pkce(&wrong, CHALLENGE).expect_err("refused").code(),
            "invalid_grant"
        );
        assert!(verify_pkce("short", CHALLENGE).is_err());
        assert!(verify_pkce(&"a".repeat(129), CHALLENGE).is_err());
        assert!(verify_pkce(&format!("{}!", &VERIFIER[..43]), CHALLENGE).is_err());
    }

    #[test]
    fn redirect_uris_are_https_or_loopback_http_and_match_exactly() {
        for good in [
            "https://claude.ai/api/mcp/auth_callback",
            "http://127.0.0.1:33418/callback",
            "http://[::1]:8080/cb",
            "http://localhost:6274/oauth/callback",
        ] {
            assert!(check_redirect_uri(good).is_ok(), "{good}");
        }
        for bad in [
            "http://example.com/cb",
            "https://example.com/cb#fragment",
            "myapp://callback",
            "/relative",
            "javascript:alert(1)",
        ] {
            let error = check_redirect_uri(bad).expect_err(bad);
            assert_eq!(error.code(), "invalid_redirect_uri", "{bad}");
        }
        let registered = vec!["https://claude.ai/api/mcp/auth_callback".to_owned()];
        assert!(redirect_registered(
            &registered,
            "https://claude.ai/api/mcp/auth_callback"
        ));
        for near in [
            "https://claude.ai/api/mcp/auth_callback/",
            "https://claude.ai/api/mcp/auth_callback?x=1",
            "https://CLAUDE.ai/api/mcp/auth_callback",
        ] {
            assert!(!redirect_registered(&registered, near), "{near}");
        }
    }

    #[test]
    fn tokens_are_for_the_mcp_server_and_scopes_are_read_or_write() {
        let mcp = "https://todo.example/mcp";
        assert_eq!(check_resource("https://todo.example/mcp/", mcp), Ok(()));
        assert_eq!(
            check_resource("https://other.example/mcp", mcp)
                .expect_err("refused")
                .code(),
            "invalid_target"
        );
        assert!(check_resource("https://todo.example/mcp#x", mcp).is_err());
        assert!(check_resource("mcp", mcp).is_err());

        assert_eq!(parse_scopes(None), Ok(vec![Scope::Read, Scope::Write]));
        assert_eq!(parse_scopes(Some("tasks:read")), Ok(vec![Scope::Read]));
        assert_eq!(
            parse_scopes(Some("tasks:read tasks:write")),
            Ok(vec![Scope::Read, Scope::Write])
        );
        assert_eq!(
            parse_scopes(Some("admin")).expect_err("refused").code(),
            "invalid_scope"
        );
        assert_eq!(scope_string(&[Scope::Read]), "tasks:read");
        assert_eq!(
            scope_string(&[Scope::Read, Scope::Write]),
            "tasks:read tasks:write"
        );
    }

    #[test]
    fn registration_takes_public_code_flow_clients_with_good_redirect_uris() {
        let good = Registration {
            redirect_uris: vec![
                "http://127.0.0.1:33418/callback".into(),
                "http://127.0.0.1:33418/callback".into(),
            ],
            client_name: Some("  Claude  ".into()),
            token_endpoint_auth_method: Some("none".into()),
            grant_types: Some(vec!["authorization_code".into(), "refresh_token".into()]),
            response_types: Some(vec!["code".into()]),
        };
        assert_eq!(
            good.check(),
            Ok((
                "Claude".to_owned(),
                vec!["http://127.0.0.1:33418/callback".to_owned()]
            ))
        );
        let unnamed = Registration {
            client_name: None,
            ..good.clone()
        };
        assert_eq!(
            unnamed.check().map(|(name, _)| name),
            Ok(UNNAMED_CLIENT.to_owned())
        );
        let refused =
            |registration: Registration| registration.check().expect_err("refused").code();
        assert_eq!(
            refused(Registration {
                redirect_uris: vec![],
                ..good.clone()
            }),
            "invalid_redirect_uri"
        );
        assert_eq!(
            refused(Registration {
                redirect_uris: vec!["http://evil.example/cb".into()],
                ..good.clone()
            }),
            "invalid_redirect_uri"
        );
        assert_eq!(
            refused(Registration {
                token_endpoint_auth_method: Some("client_secret_basic".into()),
                ..good.clone()
            }),
            "invalid_client_metadata"
        );
        assert_eq!(
            refused(Registration {
                grant_types: Some(vec!["implicit".into()]),
                ..good.clone()
            }),
            "invalid_client_metadata"
        );
        assert_eq!(
            refused(Registration {
                response_types: Some(vec!["token".into()]),
                ..good.clone()
            }),
            "invalid_client_metadata"
        );
        assert_eq!(
            refused(Registration {
                client_name: Some("x".repeat(101)),
                ..good
            }),
            "invalid_client_metadata"
        );
    }

    fn code() -> AuthorizationCode {
        AuthorizationCode {
            client_id: "client-1".into(),
            redirect_uri: "http://127.0.0.1:9/cb".into(),
            code_challenge: CHALLENGE.into(),
            resource: "https://todo.example/mcp".into(),
            scopes: vec![Scope::Read],
            expires_at: at("2027-01-01T00:01:00Z"),
            used: false,
        }
    }

    fn redemption() -> Redemption<'static> {
        Redemption {
            client_id: "client-1",
            redirect_uri: Some("http://127.0.0.1:9/cb"),
            code_verifier: Some(VERIFIER),
            resource: Some("https://todo.example/mcp"),
        }
    }

    #[test]
    fn a_code_is_redeemed_once_in_its_minute_by_its_client_with_its_verifier() {
        let now = at("2027-01-01T00:00:30Z");
        assert_eq!(code().redeem(&redemption(), now), Ok(()));
        let used = AuthorizationCode {
            used: true,
            ..code()
        };
        assert_eq!(used.redeem(&redemption(), now), Err(CodeRefusal::Reused));
        let grant = |refusal: Result<(), CodeRefusal>| match refusal {
            Err(CodeRefusal::Refused(error)) => error.code(),
            other => panic!("expected a refusal, got {other:?}"),
        };
        assert_eq!(
            grant(code().redeem(&redemption(), at("2027-01-01T00:01:00Z"))),
            "invalid_grant"
        );
        let other_client = Redemption {
            client_id: "client-2",
            ..redemption()
        };
        assert_eq!(grant(code().redeem(&other_client, now)), "invalid_grant");
        let other_redirect = Redemption {
            redirect_uri: Some("http://127.0.0.1:9/other"),
            ..redemption()
        };
        assert_eq!(grant(code().redeem(&other_redirect, now)), "invalid_grant");
        let no_verifier = Redemption {
            code_verifier: None,
            ..redemption()
        };
        assert_eq!(grant(code().redeem(&no_verifier, now)), "invalid_request");
        let wrong_verifier = Redemption {
            code_verifier: Some(&CHALLENGE[..43]),
            ..redemption()
        };
        assert_eq!(grant(code().redeem(&wrong_verifier, now)), "invalid_grant");
        let other_resource = Redemption {
            resource: Some("https://evil.example/mcp"),
            ..redemption()
        };
        assert_eq!(grant(code().redeem(&other_resource, now)), "invalid_target");
    }

    #[test]
    fn a_refresh_token_is_used_once_and_a_reused_one_revokes_the_grant() {
        let now = at("2027-01-01T00:00:00Z");
        let state = RefreshState {
            generation: 3,
            expires_at: at("2027-01-31T00:00:00Z"),
            revoked: false,
        };
        assert_eq!(state.check(3, now), Ok(()));
        assert_eq!(state.check(2, now), Err(RefreshRefusal::Reused));
        assert!(matches!(
            state.check(4, now),
            Err(RefreshRefusal::Refused(_))
        ));
        assert!(matches!(
            state.check(3, at("2027-01-31T00:00:00Z")),
            Err(RefreshRefusal::Refused(_))
        ));
        let revoked = RefreshState {
            revoked: true,
            ..state
        };
        assert!(matches!(
            revoked.check(3, now),
            Err(RefreshRefusal::Refused(_))
        ));
    }
}
