//! Accounts, sign-in and credentials: argon2id passwords, JWT sessions, and hashed
//! personal API tokens.

mod throttle;

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore as _;
use secrecy::{ExposeSecret as _, SecretSlice, SecretString};
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;
use uuid::Uuid;

use self::throttle::LoginThrottle;
use super::{Actor, Credential, Origin, Scope, ServiceError, ServiceResult};
use crate::domain::user::{
    ApiToken, User, normalize_email, validate_display_name, validate_password, validate_token_name,
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

/// A session token and the user it belongs to.
pub struct Session {
    pub token: SecretString,
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
        let user = match store::users::insert(self.inner.db.writer(), user).await {
            Ok(user) => user,
            Err(e) if store::is_unique_violation(&e) => {
                return Err(ServiceError::Conflict(
                    "an account with this email exists already",
                ));
            }
            Err(e) => return Err(e.into()),
        };
        tracing::info!(user_id = %user.id, "account registered");
        Ok(Session {
            token: self.issue_session(user.id)?,
            user,
        })
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
                Ok(Session {
                    token: self.issue_session(user.id)?,
                    user,
                })
            }
            _ => {
                self.inner.throttle.failed(&email, now).await?;
                tracing::info!("failed sign-in");
                Err(ServiceError::InvalidCredentials)
            }
        }
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
            credential: Credential::Session,
            origin,
        })
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
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let secret = URL_SAFE_NO_PAD.encode(bytes);
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

    fn issue_session(&self, user_id: Uuid) -> ServiceResult<SecretString> {
        let now = Utc::now().timestamp();
        let ttl = i64::try_from(self.inner.session_ttl.as_secs()).unwrap_or(i64::MAX);
        let claims = Claims {
            sub: user_id,
            iss: JWT_ISSUER.to_owned(),
            iat: now,
            exp: now.saturating_add(ttl),
        };
        jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.inner.encoding_key,
        )
        .map(SecretString::from)
        .map_err(|e| {
            anyhow::Error::new(e)
                .context("cannot sign a session token")
                .into()
        })
    }
}

/// API tokens are 256 random bits, so a fast hash is as good as a slow one here and
/// keeps token-authenticated requests cheap.
fn token_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
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
