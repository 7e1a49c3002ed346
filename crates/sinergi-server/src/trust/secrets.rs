//! Passwords and random secrets: argon2id hashes for what people choose, 256 random bits for what machines hand
//! out (session ids, API tokens). The formats and comparisons are in `sinergi_domain::trust::auth`.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

/// Why a secret could not be made.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("the operating system's random source failed: {0}")]
    Random(String),
    #[error("password hashing failed: {0}")]
    Hash(String),
}

/// An argon2id hash in PHC string form, with a fresh random salt and the crate's default parameters
/// (19 MiB, two passes, one lane: OWASP's recommendation).
pub fn hash_password(password: &str) -> Result<String, SecretError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| SecretError::Hash(e.to_string()))
}

/// True when the password matches the stored hash. A malformed stored hash never matches.
pub fn verify_password(password: &str, stored: &str) -> bool {
    Argon2::default().verify_password(password.as_bytes(), stored).is_ok()
}

/// 32 random bytes as 43 base64url characters (no padding).
pub fn random_secret() -> Result<String, SecretError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| SecretError::Random(e.to_string()))?;
    Ok(base64url(&bytes))
}

fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use sinergi_domain::trust::auth::{SECRET_CHARS, parse_session_id};

    #[test]
    fn passwords_verify_only_themselves() {
        let hash = hash_password("kuda lari pagi hari").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("kuda lari pagi hari", &hash));
        assert!(!verify_password("kuda lari pagi har", &hash));
        assert!(!verify_password("anything", "not a hash"));
        assert_ne!(hash, hash_password("kuda lari pagi hari").unwrap(), "salted");
    }

    #[test]
    fn secrets_have_the_session_id_shape() {
        let a = random_secret().unwrap();
        assert_eq!(a.len(), SECRET_CHARS);
        assert_eq!(parse_session_id(&a), Some(a.as_str()));
        assert_ne!(a, random_secret().unwrap());
        assert_eq!(base64url(b"\xfb\xff"), "-_8");
        assert_eq!(base64url(b"Man"), "TWFu");
    }
}
