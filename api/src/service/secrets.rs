//! The secrets the service hands out (API, refresh, agent and action tokens, codes,
//! feed addresses): 256 random bits, and how they are kept.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore as _;
use sha2::{Digest as _, Sha256};

/// 32 random bytes, base64url without padding.
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// How a secret is stored and looked up. The secrets are 256 random bits, so a fast
/// hash is as good as a slow one here and keeps token-authenticated requests cheap.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}
