//! The authorization server for agents that connect to the MCP server by URL (issue
//! 31): dynamic client registration (RFC 7591, rate-limited), the consent that makes a
//! single-use authorization code, its exchange with PKCE for tokens bound to the MCP
//! server (RFC 8707), refresh tokens that rotate, and the grants a person can revoke.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use secrecy::SecretString;
use uuid::Uuid;

use super::secrets::{random_secret, secret_hash};
use super::{Actor, ServiceError, ServiceResult, now};
use crate::domain::oauth::{
    ACCESS_TOKEN_TTL, CODE_TTL, Client, CodeRefusal, Grant, OAuthError, OAuthErrorKind,
    REFRESH_TOKEN_TTL, Redemption, RefreshRefusal, Registration, TokenKind, check_code_challenge,
    check_resource, parse_scopes, redirect_registered, scope_string,
};
use crate::domain::user::Scope;
use crate::store::oauth_grants::{NewCode, NewGrant, NewToken};
use crate::store::{self, Db};

/// Registrations one replica accepts per minute: agents register once per install, so
/// more means a script hammering the endpoint.
const REGISTRATIONS_PER_MINUTE: usize = 30;
const WINDOW: Duration = Duration::from_secs(60);

/// Agent access tokens start with this, refresh tokens with [`REFRESH_TOKEN_PREFIX`]:
/// neither can be mistaken for an API token (`todo_`) or a session (a JWT).
pub const ACCESS_TOKEN_PREFIX: &str = "agent_";
const REFRESH_TOKEN_PREFIX: &str = "agentrefresh_";

/// Where this authorization server lives and what it issues tokens for.
#[derive(Debug, Clone)]
pub struct OAuthSettings {
    /// The API's public URL (`TODO_PUBLIC_URL`): the issuer (RFC 8414).
    pub issuer: String,
    /// The MCP server's public URL (`TODO_MCP_PUBLIC_URL`): the one resource tokens are
    /// issued for.
    pub resource: String,
}

/// Why a registration did not happen.
#[derive(Debug, thiserror::Error)]
pub enum RegistrationError {
    #[error(transparent)]
    Refused(#[from] OAuthError),
    #[error("too many registrations; try again in {} s", retry_after.as_secs().max(1))]
    TooMany { retry_after: Duration },
    #[error(transparent)]
    Service(#[from] ServiceError),
}

/// An authorization request's parameters, as the client sent them (RFC 6749, 4.1.1).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AuthorizationRequest {
    pub response_type: Option<String>,
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub resource: Option<String>,
}

/// A request worth asking the person about: what the consent page shows.
#[derive(Debug, Clone)]
pub struct ConsentRequest {
    pub client: Client,
    pub redirect_uri: String,
    pub scopes: Vec<Scope>,
    pub resource: String,
    pub code_challenge: String,
    pub state: Option<String>,
}

impl ConsentRequest {
    /// The host the code goes to, as the person should check it.
    pub fn redirect_host(&self) -> String {
        url::Url::parse(&self.redirect_uri)
            .ok()
            .and_then(|url| {
                let host = url.host_str()?.to_owned();
                Some(match url.port() {
                    Some(port) => format!("{host}:{port}"),
                    None => host,
                })
            })
            .unwrap_or_default()
    }
}

/// Why an authorization request goes no further.
#[derive(Debug, thiserror::Error)]
pub enum AuthorizeError {
    /// The client or its redirect URI cannot be trusted with an answer: the person is
    /// told, and nothing is sent anywhere (RFC 6749, 4.1.2.1).
    #[error("{0}")]
    NotRedirectable(OAuthError),
    /// Sent back to the client's redirect URI (this URL, with `error` and `state`).
    #[error("{error}")]
    Redirect { to: String, error: OAuthError },
    #[error(transparent)]
    Service(#[from] ServiceError),
}

/// A token request's parameters (RFC 6749, 4.1.3 and 6).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct TokenRequest {
    pub grant_type: Option<String>,
    pub code: Option<String>,
    pub redirect_uri: Option<String>,
    pub client_id: Option<String>,
    pub code_verifier: Option<String>,
    pub refresh_token: Option<String>,
    pub resource: Option<String>,
    pub scope: Option<String>,
}

/// What a successful token request answers.
pub struct IssuedTokens {
    pub access_token: SecretString,
    pub expires_in: i64,
    pub refresh_token: SecretString,
    pub scope: String,
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error(transparent)]
    Refused(#[from] OAuthError),
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl From<store::StoreDbError> for TokenError {
    fn from(error: store::StoreDbError) -> Self {
        Self::Service(error.into())
    }
}

#[derive(Clone)]
pub struct OAuthService {
    db: Db,
    settings: Arc<OAuthSettings>,
    /// When this replica accepted its recent registrations, oldest first.
    recent: Arc<Mutex<VecDeque<Instant>>>,
}

impl OAuthService {
    pub fn new(db: Db, settings: OAuthSettings) -> Self {
        Self {
            db,
            settings: Arc::new(settings),
            recent: Arc::default(),
        }
    }

    pub fn settings(&self) -> &OAuthSettings {
        &self.settings
    }

    /// Registers a public client from its RFC 7591 metadata.
    pub async fn register(&self, registration: &Registration) -> Result<Client, RegistrationError> {
        let (name, redirect_uris) = registration.check()?;
        self.admit(Instant::now())?;
        let client = Client {
            id: Uuid::now_v7(),
            name,
            redirect_uris,
            created_at: now(),
        };
        store::oauth_clients::insert(self.db.writer(), &client)
            .await
            .map_err(ServiceError::from)?;
        Ok(client)
    }

    /// Checks an authorization request before anyone is asked: first that the client
    /// and its redirect URI are known (else the answer may not go there), then the rest,
    /// whose refusals go back to the client.
    pub async fn check_authorization(
        &self,
        request: &AuthorizationRequest,
    ) -> Result<ConsentRequest, AuthorizeError> {
        let not_redirectable =
            |kind, why: &str| AuthorizeError::NotRedirectable(OAuthError::new(kind, why));
        let client_id = request.client_id.as_deref().ok_or_else(|| {
            not_redirectable(OAuthErrorKind::InvalidRequest, "client_id is required")
        })?;
        let client = match Uuid::parse_str(client_id) {
            Ok(id) => store::oauth_clients::find(self.db.reader(), id)
                .await
                .map_err(ServiceError::from)?,
            Err(_) => None,
        }
        .ok_or_else(|| {
            not_redirectable(
                OAuthErrorKind::InvalidClient,
                "this client_id is not registered here; register the client again",
            )
        })?;
        let redirect_uri = request.redirect_uri.clone().ok_or_else(|| {
            not_redirectable(OAuthErrorKind::InvalidRequest, "redirect_uri is required")
        })?;
        if !redirect_registered(&client.redirect_uris, &redirect_uri) {
            return Err(not_redirectable(
                OAuthErrorKind::InvalidRequest,
                "redirect_uri is not one the client registered",
            ));
        }
        let back = |error: OAuthError| AuthorizeError::Redirect {
            to: self.redirect_with_error(&redirect_uri, &error, request.state.as_deref()),
            error,
        };
        if request.response_type.as_deref() != Some("code") {
            return Err(back(OAuthError::new(
                OAuthErrorKind::UnsupportedResponseType,
                "response_type must be code",
            )));
        }
        let code_challenge = check_code_challenge(
            request.code_challenge.as_deref(),
            request.code_challenge_method.as_deref(),
        )
        .map_err(back)?;
        let resource = match request.resource.as_deref() {
            Some(resource) => {
                check_resource(resource, &self.settings.resource).map_err(back)?;
                resource.to_owned()
            }
            // RFC 8707 lets a client leave it out: the one resource there is.
            None => self.settings.resource.clone(),
        };
        let scopes = parse_scopes(request.scope.as_deref()).map_err(back)?;
        Ok(ConsentRequest {
            client,
            redirect_uri,
            scopes,
            resource,
            code_challenge,
            state: request.state.clone(),
        })
    }

    /// The person's answer on the consent page: where their browser goes next, with a
    /// code when they allowed, with `access_denied` when not. Only a signed-in session
    /// may answer: a token must not be able to grant itself more access.
    pub async fn decide(
        &self,
        actor: &Actor,
        request: &AuthorizationRequest,
        allow: bool,
    ) -> Result<String, AuthorizeError> {
        actor.require_session()?;
        let consent = self.check_authorization(request).await?;
        if !allow {
            let denied = OAuthError::new(OAuthErrorKind::AccessDenied, "the person said no");
            return Ok(self.redirect_with_error(
                &consent.redirect_uri,
                &denied,
                consent.state.as_deref(),
            ));
        }
        let code = random_secret();
        let now = now();
        store::oauth_grants::insert_code(
            self.db.writer(),
            NewCode {
                code_hash: &secret_hash(&code),
                client_id: consent.client.id,
                user_id: actor.user_id,
                redirect_uri: &consent.redirect_uri,
                code_challenge: &consent.code_challenge,
                resource: &consent.resource,
                scopes: &scope_string(&consent.scopes),
                expires_at: now + CODE_TTL,
            },
        )
        .await
        .map_err(ServiceError::from)?;
        Ok(self.redirect(
            &consent.redirect_uri,
            &[("code", code.as_str())],
            consent.state.as_deref(),
        ))
    }

    /// The token endpoint: a code or a refresh token for a new access token and refresh
    /// token.
    pub async fn exchange(&self, request: &TokenRequest) -> Result<IssuedTokens, TokenError> {
        let client_id = request.client_id.as_deref().ok_or_else(|| {
            OAuthError::new(
                OAuthErrorKind::InvalidRequest,
                "client_id is required (public clients identify themselves)",
            )
        })?;
        let client = match Uuid::parse_str(client_id) {
            Ok(id) => store::oauth_clients::find(self.db.reader(), id).await?,
            Err(_) => None,
        }
        .ok_or_else(|| OAuthError::new(OAuthErrorKind::InvalidClient, "unknown client_id"))?;
        match request.grant_type.as_deref() {
            Some("authorization_code") => self.redeem_code(&client, request).await,
            Some("refresh_token") => self.refresh(&client, request).await,
            Some(_) => Err(OAuthError::new(
                OAuthErrorKind::UnsupportedGrantType,
                "grant_type must be authorization_code or refresh_token",
            )
            .into()),
            None => Err(
                OAuthError::new(OAuthErrorKind::InvalidRequest, "grant_type is required").into(),
            ),
        }
    }

    async fn redeem_code(
        &self,
        client: &Client,
        request: &TokenRequest,
    ) -> Result<IssuedTokens, TokenError> {
        let invalid_grant = |why: &str| OAuthError::new(OAuthErrorKind::InvalidGrant, why);
        let code = request
            .code
            .as_deref()
            .ok_or_else(|| OAuthError::new(OAuthErrorKind::InvalidRequest, "code is required"))?;
        let code_hash = secret_hash(code);
        let stored = store::oauth_grants::find_code(self.db.reader(), &code_hash)
            .await?
            .ok_or_else(|| invalid_grant("unknown authorization code"))?;
        let now = now();
        let client_id = client.id.to_string();
        let redemption = Redemption {
            client_id: &client_id,
            redirect_uri: request.redirect_uri.as_deref(),
            code_verifier: request.code_verifier.as_deref(),
            resource: request.resource.as_deref(),
        };
        match stored.code.redeem(&redemption, now) {
            Ok(()) => {}
            Err(CodeRefusal::Refused(error)) => return Err(error.into()),
            Err(CodeRefusal::Reused) => {
                return Err(self.code_replayed(stored.grant_id, now).await?.into());
            }
        }
        let grant_id = Uuid::now_v7();
        let tx = self.db.begin_write().await?;
        let scopes = scope_string(&stored.code.scopes);
        store::oauth_grants::insert_grant(
            &tx,
            NewGrant {
                id: grant_id,
                user_id: stored.user_id,
                client_id: client.id,
                scopes: &scopes,
                resource: &stored.code.resource,
                created_at: now,
                refresh_expires_at: now + REFRESH_TOKEN_TTL,
            },
        )
        .await?;
        if !store::oauth_grants::redeem_code(&tx, &code_hash, grant_id, now).await? {
            // Another exchange of the same code got there first.
            drop(tx);
            let first = store::oauth_grants::find_code(self.db.reader(), &code_hash)
                .await?
                .and_then(|code| code.grant_id);
            return Err(self.code_replayed(first, now).await?.into());
        }
        let tokens = self.issue(&tx, grant_id, 0, scopes, now).await?;
        tx.commit().await?;
        tracing::info!(%grant_id, client = %client.name, "agent granted access");
        Ok(tokens)
    }

    /// OAuth 2.1, 4.1.3: a code used twice revokes what its first use gave.
    async fn code_replayed(
        &self,
        grant_id: Option<Uuid>,
        now: DateTime<Utc>,
    ) -> Result<OAuthError, TokenError> {
        if let Some(grant_id) = grant_id {
            store::oauth_grants::revoke(self.db.writer(), grant_id, None, now).await?;
            tracing::warn!(%grant_id, "an authorization code came back; its grant is revoked");
        }
        Ok(OAuthError::new(
            OAuthErrorKind::InvalidGrant,
            "the authorization code was used already; the access it gave is revoked",
        ))
    }

    async fn refresh(
        &self,
        client: &Client,
        request: &TokenRequest,
    ) -> Result<IssuedTokens, TokenError> {
        let invalid_grant = |why: &str| OAuthError::new(OAuthErrorKind::InvalidGrant, why);
        let secret = request
            .refresh_token
            .as_deref()
            .ok_or_else(|| {
                OAuthError::new(OAuthErrorKind::InvalidRequest, "refresh_token is required")
            })?
            .strip_prefix(REFRESH_TOKEN_PREFIX)
            .ok_or_else(|| invalid_grant("unknown refresh token"))?;
        let found = store::oauth_grants::find_token(
            self.db.reader(),
            &secret_hash(secret),
            TokenKind::Refresh,
        )
        .await?
        .ok_or_else(|| invalid_grant("unknown refresh token"))?;
        let grant = found.grant;
        if grant.client_id != client.id {
            return Err(invalid_grant("the refresh token was issued to another client").into());
        }
        let now = now();
        match found.refresh.check(found.generation, now) {
            Ok(()) => {}
            Err(RefreshRefusal::Refused(error)) => return Err(error.into()),
            Err(RefreshRefusal::Reused) => return Err(self.refresh_replayed(&grant, now).await?),
        }
        if let Some(resource) = request.resource.as_deref()
            && resource.trim_end_matches('/') != grant.resource.trim_end_matches('/')
        {
            return Err(OAuthError::new(
                OAuthErrorKind::InvalidTarget,
                "resource differs from the grant's",
            )
            .into());
        }
        if let Some(asked) = request.scope.as_deref() {
            let asked = parse_scopes(Some(asked))?;
            if asked.iter().any(|scope| !grant.scopes.contains(scope)) {
                return Err(OAuthError::new(
                    OAuthErrorKind::InvalidScope,
                    "a refresh cannot widen the granted scope",
                )
                .into());
            }
        }
        let tx = self.db.begin_write().await?;
        if !store::oauth_grants::advance_refresh(
            &tx,
            grant.id,
            found.generation,
            now + REFRESH_TOKEN_TTL,
        )
        .await?
        {
            // A concurrent refresh with the same token won: the token was used twice.
            drop(tx);
            return Err(self.refresh_replayed(&grant, now).await?);
        }
        let tokens = self
            .issue(
                &tx,
                grant.id,
                found.generation + 1,
                scope_string(&grant.scopes),
                now,
            )
            .await?;
        tx.commit().await?;
        Ok(tokens)
    }

    /// OAuth 2.1, 4.3.1: a refresh token used twice has leaked; the grant ends.
    async fn refresh_replayed(
        &self,
        grant: &Grant,
        now: DateTime<Utc>,
    ) -> Result<TokenError, TokenError> {
        store::oauth_grants::revoke(self.db.writer(), grant.id, None, now).await?;
        tracing::warn!(grant_id = %grant.id, client = %grant.client_name,
            "a refresh token came back after its rotation; the grant is revoked");
        Ok(OAuthError::new(
            OAuthErrorKind::InvalidGrant,
            "the refresh token was used already; the grant is revoked",
        )
        .into())
    }

    /// A new access token and the refresh token of `generation` for the grant.
    async fn issue(
        &self,
        tx: &store::Tx,
        grant_id: Uuid,
        generation: i32,
        scope: String,
        now: DateTime<Utc>,
    ) -> Result<IssuedTokens, TokenError> {
        let access = random_secret();
        let refresh = random_secret();
        store::oauth_grants::insert_tokens(
            tx,
            &[
                NewToken {
                    token_hash: &secret_hash(&access),
                    grant_id,
                    kind: TokenKind::Access,
                    generation: 0,
                    expires_at: now + ACCESS_TOKEN_TTL,
                },
                NewToken {
                    token_hash: &secret_hash(&refresh),
                    grant_id,
                    kind: TokenKind::Refresh,
                    generation,
                    expires_at: now + REFRESH_TOKEN_TTL,
                },
            ],
        )
        .await?;
        Ok(IssuedTokens {
            access_token: format!("{ACCESS_TOKEN_PREFIX}{access}").into(),
            expires_in: ACCESS_TOKEN_TTL.num_seconds(),
            refresh_token: format!("{REFRESH_TOKEN_PREFIX}{refresh}").into(),
            scope,
        })
    }

    /// The grant an access token (without its prefix) carries, when the token is live
    /// and presented at the resource it was issued for.
    pub async fn authenticate(&self, secret: &str, resource: Option<&str>) -> ServiceResult<Grant> {
        let found = store::oauth_grants::find_token(
            self.db.reader(),
            &secret_hash(secret),
            TokenKind::Access,
        )
        .await?
        .ok_or(ServiceError::InvalidToken)?;
        let now = now();
        let for_this_resource = resource.is_some_and(|resource| {
            resource.trim_end_matches('/') == found.grant.resource.trim_end_matches('/')
        });
        if found.refresh.revoked || found.expires_at <= now || !for_this_resource {
            return Err(ServiceError::InvalidToken);
        }
        store::oauth_grants::touch(self.db.writer(), &found.grant, now).await?;
        Ok(found.grant)
    }

    /// Forgets expired tokens, and codes a day after they expired: the retention job's
    /// share of OAuth.
    pub async fn purge_expired(&self, now: DateTime<Utc>) -> ServiceResult<u64> {
        Ok(
            store::oauth_grants::delete_expired(self.db.writer(), now, chrono::Duration::days(1))
                .await?,
        )
    }

    /// The agents the actor has connected, newest first.
    pub async fn grants(&self, actor: &Actor) -> ServiceResult<Vec<Grant>> {
        Ok(store::oauth_grants::list_for_user(self.db.reader(), actor.user_id).await?)
    }

    /// Ends an agent's access at once: its tokens stop working on their next request.
    pub async fn revoke(&self, actor: &Actor, grant_id: Uuid) -> ServiceResult<()> {
        actor.require_session()?;
        if store::oauth_grants::revoke(self.db.writer(), grant_id, Some(actor.user_id), now())
            .await?
        {
            Ok(())
        } else {
            Err(ServiceError::NotFound("agent grant"))
        }
    }

    fn redirect_with_error(&self, to: &str, error: &OAuthError, state: Option<&str>) -> String {
        self.redirect(
            to,
            &[
                ("error", error.code()),
                ("error_description", &error.description),
            ],
            state,
        )
    }

    /// The redirect URI with the answer added to its query, `state` as it came, and the
    /// issuer (RFC 9207), so a client talking to several servers knows which answered.
    fn redirect(&self, to: &str, answer: &[(&str, &str)], state: Option<&str>) -> String {
        let Ok(mut url) = url::Url::parse(to) else {
            return to.to_owned();
        };
        {
            let mut query = url.query_pairs_mut();
            for (name, value) in answer {
                query.append_pair(name, value);
            }
            if let Some(state) = state {
                query.append_pair("state", state);
            }
            query.append_pair("iss", &self.settings.issuer);
        }
        url.into()
    }

    /// Counts a registration in the window, or says when the next one is allowed.
    fn admit(&self, at: Instant) -> Result<(), RegistrationError> {
        let mut recent = self
            .recent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        while recent
            .front()
            .is_some_and(|first| at.duration_since(*first) >= WINDOW)
        {
            recent.pop_front();
        }
        if recent.len() >= REGISTRATIONS_PER_MINUTE {
            let oldest = recent.front().copied().unwrap_or(at);
            return Err(RegistrationError::TooMany {
                retry_after: WINDOW.saturating_sub(at.duration_since(oldest)),
            });
        }
        recent.push_back(at);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_replica_admits_thirty_registrations_a_minute() {
        let db = Db::connect_with("sqlite::memory:", Some(1))
            .await
            .expect("a database");
        let service = OAuthService::new(
            db,
            OAuthSettings {
                issuer: "http://127.0.0.1:8080".into(),
                resource: "http://127.0.0.1:8081/mcp".into(),
            },
        );
        let start = Instant::now();
        for _ in 0..REGISTRATIONS_PER_MINUTE {
            assert!(service.admit(start).is_ok());
        }
        match service.admit(start + Duration::from_secs(20)) {
            Err(RegistrationError::TooMany { retry_after }) => {
                assert_eq!(retry_after, Duration::from_secs(40));
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert!(service.admit(start + WINDOW).is_ok(), "the window moved on");
    }
}
