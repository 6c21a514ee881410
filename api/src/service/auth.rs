//! Accounts, sign-in and credentials: argon2id passwords, JWT sessions kept going by
//! rotating refresh tokens, and hashed personal API tokens.

mod throttle;

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::{ExposeSecret as _, SecretSlice, SecretString};
use tokio::sync::Semaphore;
use uuid::Uuid;

use self::throttle::LoginThrottle;
use super::secrets::{random_secret, secret_hash as token_hash};
use super::{Actor, Credential, Origin, Scope, ServiceError, ServiceResult};
use crate::domain::project::Project;
use crate::domain::user::{
    ApiToken, RefreshToken, User, normalize_email, validate_display_name, validate_password,
    validate_token_name,
};
use crate::store::{self, Db};

/// API tokens carry this prefix, which tells them apart from JWTs at a glance (and lets
/// secret scanners find leaked ones).
const API_TOKEN_PREFIX: &str = "todo_";
const JWT_ISSUER: &str = "todo-api";

#[derive(Clone, Debug)]
pub struct AuthConfig {
    pub jwt_secret: SecretSlice<u8>,
    pub session_ttl: Duration,
    /// A refresh token unused for this long no longer continues its session.
    pub refresh_ttl: Duration,
}

/// Verified against when an email is unknown, so that a miss costs as much time as a
/// wrong password and timing does not reveal which emails have accounts. The hash of a
/// random password that was thrown away, made with the parameters of `Argon2::default()`
/// (a test keeps them equal): a constant, because computing one at start-up would delay
/// readiness by a whole hash.
const DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$qF9e5WdnOBKTztwGiPUWoA$UPIBDqPiEV642m3Iegi3LlPaxholZ0N1zqozHdWsRnM";

#[derive(Clone)]
pub struct AuthService {
    inner: Arc<Inner>,
}

struct Inner {
    db: Db,
    encoding_key: EncodingKey,
    decoding_key: DecodingKey,
    validation: Validation,
    session_ttl: Duration,
    refresh_ttl: Duration,
    throttle: LoginThrottle,
}

#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Claims {
    sub: Uuid,
    iss: String,
    iat: i64,
    exp: i64,
}

pub struct NewAccount {
    pub email: String,
    pub password: SecretString,
    pub display_name: String,
}

/// A session token, when it expires, the refresh token that gets the next one, and the
/// user they belong to.
pub struct Session {
    pub token: SecretString,
    pub expires_at: DateTime<Utc>,
    pub refresh_token: SecretString,
    pub user: User,
}

/// A freshly created API token: the only time its secret is available.
pub struct IssuedApiToken {
    pub secret: SecretString,
    pub token: ApiToken,
}

impl AuthService {
    pub fn new(db: Db, config: AuthConfig) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[JWT_ISSUER]);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        validation.leeway = 5;
        let throttle = LoginThrottle::new(db.clone());
        Self {
            inner: Arc::new(Inner {
                db,
                encoding_key: EncodingKey::from_secret(config.jwt_secret.expose_secret()),
                decoding_key: DecodingKey::from_secret(config.jwt_secret.expose_secret()),
                validation,
                session_ttl: config.session_ttl,
                refresh_ttl: config.refresh_ttl,
                throttle,
            }),
        }
    }

    pub async fn register(&self, account: NewAccount) -> ServiceResult<Session> {
        let email = normalize_email(&account.email)?;
        validate_password(account.password.expose_secret())?;
        let display_name = validate_display_name(&account.display_name)?;
        let password_hash = hash_blocking(account.password).await?;
        let now = Utc::now();
        let user = User {
            id: Uuid::now_v7(),
            email,
            display_name,
            password_hash,
            created_at: now,
            updated_at: now,
        };
        // Every account has its Inbox from the start.
        let tx = self.inner.db.begin_write().await?;
        let user = match store::users::insert(&tx, user).await {
            Ok(user) => user,
            Err(e) if store::is_unique_violation(&e) => {
                return Err(ServiceError::Conflict(
                    "an account with this email exists already",
                ));
            }
            Err(e) => return Err(e.into()),
        };
        store::projects::insert(&tx, Project::inbox_of(user.id, now)).await?;
        tx.commit().await?;
        tracing::info!(user_id = %user.id, "account registered");
        self.start_session(user).await
    }

    pub async fn login(&self, email: &str, password: SecretString) -> ServiceResult<Session> {
        // Unparseable emails get the same answer as unknown ones.
        let email = normalize_email(email).unwrap_or_else(|_| email.trim().to_lowercase());
        let now = chrono::Utc::now();
        self.inner.throttle.check(&email, now).await?;
        let user = store::users::find_by_email(self.inner.db.reader(), &email).await?;
        let stored_hash = user
            .as_ref()
            .map_or_else(|| DECOY_HASH.to_owned(), |u| u.password_hash.clone());
        let verified = verify_blocking(password, stored_hash).await?;
        match user {
            Some(user) if verified => {
                self.inner.throttle.succeeded(&email).await?;
                self.start_session(user).await
            }
            _ => {
                self.inner.throttle.failed(&email, now).await?;
                tracing::info!("failed sign-in");
                Err(ServiceError::InvalidCredentials)
            }
        }
    }

    /// Exchanges a refresh token for a new session token and the next refresh token. The
    /// one presented stops working; presenting it again later means two parties hold it,
    /// so the whole family (every token since that sign-in) is revoked.
    pub async fn refresh_session(&self, refresh_token: &str) -> ServiceResult<Session> {
        let now = Utc::now();
        let presented = self.live_refresh_token(refresh_token, now).await?;
        let (next, secret) = self.new_refresh_token(presented.user_id, presented.family_id, now);
        let tx = self.inner.db.begin_write().await?;
        if !store::refresh_tokens::mark_rotated(&tx, presented.id, now).await? {
            // Another request exchanged it first: the same token in two hands.
            drop(tx);
            return Err(self.reused(&presented, now).await);
        }
        store::refresh_tokens::insert(&tx, next).await?;
        tx.commit().await?;
        let user = store::users::find(self.inner.db.reader(), presented.user_id)
            .await?
            .ok_or(ServiceError::SessionEnded("the account no longer exists"))?;
        let (token, expires_at) = self.issue_session(user.id)?;
        Ok(Session {
            token,
            expires_at,
            refresh_token: secret,
            user,
        })
    }

    /// Ends the session the refresh token continues (its whole family). Session tokens
    /// already issued run out on their own, within the session TTL.
    pub async fn sign_out(&self, refresh_token: &str) -> ServiceResult<()> {
        let now = Utc::now();
        let token = self.live_refresh_token(refresh_token, now).await?;
        store::refresh_tokens::revoke_family(self.inner.db.writer(), token.family_id, now).await?;
        tracing::info!(user_id = %token.user_id, "signed out");
        Ok(())
    }

    /// Forgets refresh tokens that have expired.
    pub async fn purge_expired_refresh_tokens(&self, now: DateTime<Utc>) -> ServiceResult<u64> {
        Ok(store::refresh_tokens::purge_expired(self.inner.db.writer(), now).await?)
    }

    /// The presented refresh token if it still continues a session; a rotated one
    /// revokes its family.
    async fn live_refresh_token(
        &self,
        secret: &str,
        now: DateTime<Utc>,
    ) -> ServiceResult<RefreshToken> {
        let token =
            store::refresh_tokens::find_by_hash(self.inner.db.reader(), &token_hash(secret))
                .await?
                .ok_or(ServiceError::SessionEnded(
                    "unknown or expired refresh token",
                ))?;
        if token.revoked_at.is_some() {
            return Err(ServiceError::SessionEnded("this session was ended"));
        }
        if token.rotated_at.is_some() {
            return Err(self.reused(&token, now).await);
        }
        if token.expires_at <= now {
            return Err(ServiceError::SessionEnded("the session expired"));
        }
        Ok(token)
    }

    /// A refresh token came back after it was exchanged: whoever holds its successor may
    /// be a thief, so the family ends for both.
    async fn reused(&self, token: &RefreshToken, now: DateTime<Utc>) -> ServiceError {
        match store::refresh_tokens::revoke_family(self.inner.db.writer(), token.family_id, now)
            .await
        {
            Ok(_) => {
                tracing::warn!(
                    user_id = %token.user_id,
                    "a refresh token was used twice; its session is revoked"
                );
                ServiceError::SessionEnded(
                    "this refresh token was used already, so the session was ended to be safe",
                )
            }
            Err(e) => e.into(),
        }
    }

    /// A session for a user who just proved who they are: a new refresh token family.
    async fn start_session(&self, user: User) -> ServiceResult<Session> {
        let now = Utc::now();
        let (refresh, secret) = self.new_refresh_token(user.id, Uuid::now_v7(), now);
        store::refresh_tokens::insert(self.inner.db.writer(), refresh).await?;
        let (token, expires_at) = self.issue_session(user.id)?;
        Ok(Session {
            token,
            expires_at,
            refresh_token: secret,
            user,
        })
    }

    fn new_refresh_token(
        &self,
        user_id: Uuid,
        family_id: Uuid,
        now: DateTime<Utc>,
    ) -> (RefreshToken, SecretString) {
        let secret = random_secret();
        let ttl =
            chrono::Duration::from_std(self.inner.refresh_ttl).unwrap_or(chrono::Duration::MAX);
        let token = RefreshToken {
            id: Uuid::now_v7(),
            user_id,
            family_id,
            token_hash: token_hash(&secret),
            created_at: now,
            expires_at: now
                .checked_add_signed(ttl)
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
            rotated_at: None,
            revoked_at: None,
        };
        (token, secret.into())
    }

    /// Forgets failed sign-ins that no longer count towards a lock.
    pub async fn purge_expired_sign_in_failures(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> ServiceResult<u64> {
        self.inner.throttle.purge_expired(now).await
    }

    /// Resolves a bearer token (JWT or API token) to the actor it stands for.
    pub async fn authenticate(&self, bearer: &str, origin: Origin) -> ServiceResult<Actor> {
        if let Some(secret) = bearer.strip_prefix(API_TOKEN_PREFIX) {
            let hash = token_hash(secret);
            let token = store::api_tokens::find_active_by_hash(self.inner.db.reader(), &hash)
                .await?
                .ok_or(ServiceError::InvalidToken)?;
            let scope = token.scope;
            let now = Utc::now();
            if store::api_tokens::is_stale(&token, now) {
                store::api_tokens::touch(self.inner.db.writer(), token.id, now).await?;
            }
            return Ok(Actor {
                user_id: token.user_id,
                scope,
                credential: Credential::ApiToken { id: token.id },
                origin,
            });
        }
        let claims = jsonwebtoken::decode::<Claims>(
            bearer,
            &self.inner.decoding_key,
            &self.inner.validation,
        )
        .map_err(|_| ServiceError::InvalidToken)?
        .claims;
        Ok(Actor {
            user_id: claims.sub,
            scope: Scope::Write,
            credential: Credential::Session {
                expires_at: DateTime::from_timestamp(claims.exp, 0)
                    .ok_or(ServiceError::InvalidToken)?,
            },
            origin,
        })
    }

    /// The accounts with these ids that exist: for showing members, assignees and who
    /// made a change.
    pub async fn users(&self, ids: &[Uuid]) -> ServiceResult<Vec<User>> {
        Ok(store::users::find_many(self.inner.db.reader(), ids).await?)
    }

    pub async fn me(&self, actor: &Actor) -> ServiceResult<User> {
        store::users::find(self.inner.db.reader(), actor.user_id)
            .await?
            .ok_or(ServiceError::InvalidToken)
    }

    pub async fn create_api_token(
        &self,
        actor: &Actor,
        name: &str,
        scopes: &[Scope],
    ) -> ServiceResult<IssuedApiToken> {
        actor.require_session()?;
        let name = validate_token_name(name)?;
        // WRITE implies READ; a token has one effective scope.
        let scope = if scopes.contains(&Scope::Write) {
            Scope::Write
        } else if scopes.contains(&Scope::Read) {
            Scope::Read
        } else {
            return Err(
                crate::domain::ValidationError::new("scopes", "give at least one scope").into(),
            );
        };
        let secret = random_secret();
        let token = ApiToken {
            id: Uuid::now_v7(),
            user_id: actor.user_id,
            name,
            token_hash: token_hash(&secret),
            scope,
            created_at: Utc::now(),
            last_used_at: None,
            revoked_at: None,
        };
        let token = store::api_tokens::insert(self.inner.db.writer(), token).await?;
        tracing::info!(user_id = %actor.user_id, token_id = %token.id, "API token created");
        Ok(IssuedApiToken {
            secret: format!("{API_TOKEN_PREFIX}{secret}").into(),
            token,
        })
    }

    pub async fn revoke_api_token(&self, actor: &Actor, id: Uuid) -> ServiceResult<()> {
        actor.require_session()?;
        let revoked =
            store::api_tokens::revoke(self.inner.db.writer(), actor.user_id, id, Utc::now())
                .await?;
        if !revoked {
            return Err(ServiceError::NotFound("API token"));
        }
        tracing::info!(user_id = %actor.user_id, token_id = %id, "API token revoked");
        Ok(())
    }

    pub async fn api_tokens(&self, actor: &Actor) -> ServiceResult<Vec<ApiToken>> {
        actor.require_session()?;
        Ok(store::api_tokens::list_for_user(self.inner.db.reader(), actor.user_id).await?)
    }

    /// A signed session token and the moment it expires.
    fn issue_session(&self, user_id: Uuid) -> ServiceResult<(SecretString, DateTime<Utc>)> {
        let now = Utc::now().timestamp();
        let ttl = i64::try_from(self.inner.session_ttl.as_secs()).unwrap_or(i64::MAX);
        let exp = now.saturating_add(ttl);
        let expires_at = DateTime::from_timestamp(exp, 0)
            .ok_or_else(|| anyhow::anyhow!("the session TTL is out of range"))?;
        let claims = Claims {
            sub: user_id,
            iss: JWT_ISSUER.to_owned(),
            iat: now,
            exp,
        };
        let token = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.inner.encoding_key,
        )
        .map(SecretString::from)
        .map_err(|e| anyhow::Error::new(e).context("cannot sign a session token"))?;
        Ok((token, expires_at))
    }
}

fn hash_password(password: &str) -> Result<String, ServiceError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| ServiceError::Internal(anyhow::anyhow!("cannot hash a password: {e}")))
}

/// argon2 is deliberately slow and takes 19 MiB a hash; it runs off the async workers,
/// at most one hash per core at a time. More at once would not finish sooner, and each
/// would hold its buffer meanwhile: a burst of sign-ups would cost a gigabyte.
async fn argon2_blocking<T: Send + 'static>(
    what: &'static str,
    work: impl FnOnce() -> T + Send + 'static,
) -> ServiceResult<T> {
    static PERMITS: LazyLock<Semaphore> = LazyLock::new(|| {
        Semaphore::new(std::thread::available_parallelism().map_or(1, usize::from))
    });
    let _permit = PERMITS
        .acquire()
        .await
        .map_err(|e| anyhow::Error::new(e).context(what))?;
    Ok(tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| anyhow::Error::new(e).context(what))?)
}

async fn hash_blocking(password: SecretString) -> ServiceResult<String> {
    argon2_blocking("the password hashing task failed", move || {
        hash_password(password.expose_secret())
    })
    .await?
}

async fn verify_blocking(password: SecretString, stored_hash: String) -> ServiceResult<bool> {
    argon2_blocking("the password check task failed", move || {
        PasswordHash::new(&stored_hash)
            .map(|hash| {
                Argon2::default()
                    .verify_password(password.expose_secret().as_bytes(), &hash)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_decoy_hash_is_made_like_a_real_one() -> Result<(), Box<dyn std::error::Error>> {
        let real = hash_password("correct horse battery staple")?;
        let real = PasswordHash::new(&real)?;
        let decoy = PasswordHash::new(DECOY_HASH)?;
        assert_eq!(decoy.algorithm, real.algorithm);
        assert_eq!(decoy.version, real.version);
        assert_eq!(decoy.params.to_string(), real.params.to_string());
        assert_eq!(decoy.hash.map(|h| h.len()), real.hash.map(|h| h.len()));
        Ok(())
    }
}
