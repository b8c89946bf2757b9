//! Passwords and sessions. Passwords are hashed with argon2 (default parameters); a
//! session token is 32 random bytes, base64url, of which only the SHA-256 is stored.
//! [`user_for_token`] is what the HTTP layer's extractor asks: no valid, unexpired,
//! unrevoked token of an enabled user, no request.

use crate::domain::user::User;
use crate::error::ServerError;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use jiff::Timestamp;
use sha2::{Digest, Sha256};
use std::time::SystemTime;

pub fn hash_password(password: &str) -> Result<String, ServerError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| ServerError::Invalid(format!("no randomness: {e}")))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| ServerError::Invalid(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ServerError::Invalid(format!("cannot hash the password: {e}")))
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// A fresh token and the hash to store.
pub fn new_token() -> Result<(String, Vec<u8>), ServerError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| ServerError::Invalid(format!("no randomness: {e}")))?;
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let hash = token_hash(&token);
    Ok((token, hash))
}

pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

pub fn to_system(t: Timestamp) -> SystemTime {
    let d = t.as_duration();
    if d.is_negative() { SystemTime::UNIX_EPOCH - d.unsigned_abs() } else { SystemTime::UNIX_EPOCH + d.unsigned_abs() }
}

/// The user a token belongs to, if the token is valid now.
pub async fn user_for_token(client: &tokio_postgres::Client, token: &str) -> Result<Option<User>, ServerError> {
    let hash = token_hash(token);
    let row = client
        .query_opt(
            "SELECT u.id, u.tenant_id, u.username, u.display_name, u.role, u.queues
             FROM tokens t JOIN users u ON u.id = t.user_id
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > now() AND NOT u.disabled",
            &[&hash],
        )
        .await?;
    row.map(|r| {
        let role: String = r.get(4);
        Ok(User {
            id: r.get(0),
            tenant: r.get(1),
            username: r.get(2),
            display_name: r.get(3),
            role: role.parse().map_err(ServerError::Corrupt)?,
            queues: r.get(5),
            token_hash: hash.clone(),
        })
    })
    .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_hash() {
        let h = hash_password("demo").unwrap();
        assert!(verify_password(&h, "demo"));
        assert!(!verify_password(&h, "Demo"));
        assert!(!verify_password("not a hash", "demo"));
    }

    #[test]
    fn tokens_are_43_characters_of_base64url_and_hash_to_32_bytes() {
        let (t, h) = new_token().unwrap();
        assert_eq!(t.len(), 43);
        assert_eq!(h, token_hash(&t));
        assert_eq!(h.len(), 32);
    }
}
