//! Accounts and their API tokens, and the rules for their fields.

use chrono::{DateTime, Utc};
use strum::{Display, EnumString, IntoStaticStr, VariantArray};
use uuid::Uuid;

use super::UnknownName;
use super::validation::{ValidationError, bounded_text};

/// What a token lets its bearer do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Display, EnumString, IntoStaticStr, VariantArray)]
#[strum(
    serialize_all = "SCREAMING_SNAKE_CASE",
    parse_err_ty = UnknownName,
    parse_err_fn = UnknownName::of::<Self>
)]
pub enum Scope {
    Read,
    Write,
}

/// An account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: Uuid,
    /// As `normalize_email` left it.
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An API token: only the SHA-256 of its secret is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    pub token_hash: String,
    pub scope: Scope,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A refresh token of a web session: only the SHA-256 of its secret is kept. Every use
/// replaces it with the next of its family (the tokens descended from one sign-in).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshToken {
    pub id: Uuid,
    pub user_id: Uuid,
    pub family_id: Uuid,
    pub token_hash: String,
    pub created_at: DateTime<Utc>,
    /// Unused for this long, the session is over (moved on at every use).
    pub expires_at: DateTime<Utc>,
    /// When it was exchanged for its successor; presenting it again after that is theft.
    pub rotated_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

pub const MIN_PASSWORD_CHARS: usize = 8;
/// argon2 hashes whatever it is given; the cap only stops absurd request bodies.
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// Normalises an email for storage and lookup: trimmed and lower-cased, so uniqueness is
/// case-insensitive on every database.
pub fn normalize_email(email: &str) -> Result<String, ValidationError> {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= 320
        && !email.chars().any(char::is_whitespace)
        && matches!(email.split_once('@'), Some((local, domain))
            if !local.is_empty() && domain.contains('.') && !domain.starts_with('.')
                && !domain.ends_with('.') && !domain.contains('@'));
    if valid {
        Ok(email)
    } else {
        Err(ValidationError::new(
            "email",
            "is not a valid email address",
        ))
    }
}

pub fn validate_password(password: &str) -> Result<(), ValidationError> {
    let length = password.chars().count();
    if length < MIN_PASSWORD_CHARS {
        return Err(ValidationError::new(
            "password",
            format!("must be at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    if length > MAX_PASSWORD_CHARS {
        return Err(ValidationError::new(
            "password",
            format!("must be at most {MAX_PASSWORD_CHARS} characters"),
        ));
    }
    Ok(())
}

pub fn validate_display_name(name: &str) -> Result<String, ValidationError> {
    bounded_text("displayName", name, 1, 100)
}

pub fn validate_token_name(name: &str) -> Result<String, ValidationError> {
    bounded_text("name", name, 1, 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            normalize_email("  Ada@Example.COM ").as_deref(),
            Ok("ada@example.com")
        );
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a da@example.com",
            "a@b@c.com",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_need_eight_characters() {
        assert!(validate_password("1234567").is_err());
        assert!(validate_password("12345678").is_ok());
        // Characters, not bytes.
        assert!(validate_password("ääääääa").is_err());
    }
}
