//! Who may do what, where: roles, territorial scope, classification levels, and the formats of the secrets that
//! prove who a caller is (session ids and API tokens).
//!
//! The rules live here so that the storage queries, the API and the pages apply the same ones. Generating
//! secrets needs a random source and hashing passwords needs argon2; both happen outside this crate, which only
//! checks formats and compares.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::region::RegionCode;

/// What a user may do within their scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages accounts and settings; reads and writes everything in scope.
    Administrator,
    /// Reads everything in scope and approves (verifies, closes, signs off).
    Commander,
    /// Creates and edits records in scope.
    Operator,
    /// Submits reports and sees their own.
    FieldReporter,
    /// Reads, never writes.
    Observer,
    /// Of another agency: sees only what is routed or shared to its agency.
    External,
}

impl Role {
    pub const ALL: [Role; 6] =
        [Role::Administrator, Role::Commander, Role::Operator, Role::FieldReporter, Role::Observer, Role::External];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::Commander => "commander",
            Role::Operator => "operator",
            Role::FieldReporter => "field_reporter",
            Role::Observer => "observer",
            Role::External => "external",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        let t = text.trim().to_ascii_lowercase().replace('-', "_");
        Role::ALL.into_iter().find(|r| r.as_str() == t)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The territory a user sees: the whole nation, or one region and everything inside it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Scope {
    National,
    Region(RegionCode),
}

impl Scope {
    pub fn contains(&self, code: &RegionCode) -> bool {
        match self {
            Scope::National => true,
            Scope::Region(scope) => scope.contains(code),
        }
    }

    /// The stored form: empty for national, else the region code.
    pub fn as_stored(&self) -> Option<&str> {
        match self {
            Scope::National => None,
            Scope::Region(code) => Some(code.as_str()),
        }
    }
}

/// How secret a report or document is. Ordered: `Biasa < Terbatas < Rahasia`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Classification {
    /// Normal.
    #[default]
    Biasa,
    /// Restricted; the default for intelligence reports (*laporan informasi*).
    Terbatas,
    /// Secret.
    Rahasia,
}

impl Classification {
    pub fn as_str(self) -> &'static str {
        match self {
            Classification::Biasa => "biasa",
            Classification::Terbatas => "terbatas",
            Classification::Rahasia => "rahasia",
        }
    }

    pub fn parse(text: &str) -> Option<Classification> {
        match text.trim().to_ascii_lowercase().as_str() {
            "biasa" | "normal" => Some(Classification::Biasa),
            "terbatas" | "restricted" => Some(Classification::Terbatas),
            "rahasia" | "secret" => Some(Classification::Rahasia),
            _ => None,
        }
    }
}

/// Why a username or password is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    #[error("username must be 3 to 64 characters of a-z, 0-9, '.', '_' and '-', starting with a letter")]
    BadUsername,
    #[error("password must be at least {0} characters")]
    ShortPassword(usize),
    #[error("password must be at most {0} characters")]
    LongPassword(usize),
    #[error("password must not contain the username")]
    PasswordContainsUsername,
    #[error("password must use more than three different characters")]
    MonotonousPassword,
}

impl CredentialError {
    /// The reason in the user's language.
    pub fn message(&self, lang: crate::i18n::Lang) -> String {
        use crate::i18n::Msg;
        match self {
            CredentialError::BadUsername => lang.t(Msg::CredBadUsername).to_owned(),
            CredentialError::ShortPassword(n) => lang.format(Msg::CredShortPassword, &[("n", n)]),
            CredentialError::LongPassword(n) => lang.format(Msg::CredLongPassword, &[("n", n)]),
            CredentialError::PasswordContainsUsername => lang.t(Msg::CredPasswordContainsUsername).to_owned(),
            CredentialError::MonotonousPassword => lang.t(Msg::CredMonotonousPassword).to_owned(),
        }
    }
}

pub const MIN_PASSWORD: usize = 12;
pub const MAX_PASSWORD: usize = 256;

pub fn validate_username(name: &str) -> Result<(), CredentialError> {
    let ok = (3..=64).contains(&name.len())
        && name.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok { Ok(()) } else { Err(CredentialError::BadUsername) }
}

/// A passphrase policy in the spirit of NIST SP 800-63B: length matters, composition rules do not.
pub fn validate_password(username: &str, password: &str) -> Result<(), CredentialError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD {
        return Err(CredentialError::ShortPassword(MIN_PASSWORD));
    }
    if chars > MAX_PASSWORD {
        return Err(CredentialError::LongPassword(MAX_PASSWORD));
    }
    if !username.is_empty() && password.to_lowercase().contains(&username.to_lowercase()) {
        return Err(CredentialError::PasswordContainsUsername);
    }
    let mut distinct: Vec<char> = password.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() <= 3 {
        return Err(CredentialError::MonotonousPassword);
    }
    Ok(())
}

/// Compares two secrets in time that depends only on their lengths, never on where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut diff = 0u8;
    for (x, y) in a.iter().zip(b) {
        diff |= x ^ y;
    }
    // Keep the optimiser from short-circuiting the loop above.
    std::hint::black_box(diff) == 0
}

/// The SHA-256 of a secret, hex-encoded: what the database keeps of session ids and API tokens, so that a copy
/// of the database opens no session. (Passwords, which people choose, get argon2id instead.)
pub fn secret_digest(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Length of the random part of a session id or token, in base64url characters (32 bytes).
pub const SECRET_CHARS: usize = 43;

fn is_base64url(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A session id as it travels in the cookie: 43 base64url characters. Anything else is refused before any
/// lookup.
pub fn parse_session_id(text: &str) -> Option<&str> {
    (text.len() == SECRET_CHARS && is_base64url(text)).then_some(text)
}

/// An API token: `sinergi_<id>_<secret>`, where `<id>` names the token (12 lowercase hex digits, shown in lists
/// and logs) and `<secret>` is 43 base64url characters (never shown again after creation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenParts<'a> {
    pub id: &'a str,
    pub secret: &'a str,
}

pub const TOKEN_PREFIX: &str = "sinergi_";

pub fn parse_token(text: &str) -> Option<TokenParts<'_>> {
    let rest = text.strip_prefix(TOKEN_PREFIX)?;
    let (id, secret) = rest.split_once('_').filter(|(id, _)| id.len() == 12)?;
    let id_ok = id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    (id_ok && secret.len() == SECRET_CHARS && is_base64url(secret)).then_some(TokenParts { id, secret })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn roles_round_trip_and_rights() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("Field-Reporter"), Some(Role::FieldReporter));
    }

    #[test]
    fn scope_is_territorial() {
        let regency = Scope::Region(RegionCode::parse("15.07").unwrap());
        assert!(regency.contains(&RegionCode::parse("15.07.01.2001").unwrap()));
        assert!(!regency.contains(&RegionCode::parse("15.71").unwrap()));
        assert!(!regency.contains(&RegionCode::parse("15").unwrap()));
        assert!(Scope::National.contains(&RegionCode::parse("91").unwrap()));
    }

    #[test]
    fn classification_orders_and_parses() {
        assert!(Classification::Biasa < Classification::Terbatas && Classification::Terbatas < Classification::Rahasia);
        assert_eq!(Classification::parse("RAHASIA"), Some(Classification::Rahasia));
        assert_eq!(Classification::parse("top secret"), None);
    }

    #[test]
    fn credential_rules() {
        assert_eq!(validate_username("kabag.ops-jepara"), Ok(()));
        for bad in ["ab", "1abc", "Kabag", "a b c", "ops@jepara", ""] {
            assert_eq!(validate_username(bad), Err(CredentialError::BadUsername), "{bad}");
        }
        assert_eq!(validate_password("ops", "kuda lari pagi hari"), Ok(()));
        assert_eq!(validate_password("ops", "pendek"), Err(CredentialError::ShortPassword(12)));
        assert_eq!(validate_password("jepara", "Polres-JEPARA-2024"), Err(CredentialError::PasswordContainsUsername));
        assert_eq!(validate_password("ops", "abababababab"), Err(CredentialError::MonotonousPassword));
    }

    #[test]
    fn tokens_and_session_ids_have_one_shape() {
        let secret = "A".repeat(43);
        let token = format!("sinergi_0123456789ab_{secret}");
        assert_eq!(parse_token(&token), Some(TokenParts { id: "0123456789ab", secret: &secret }));
        assert_eq!(parse_token(&format!("sinergi_0123456789AB_{secret}")), None);
        assert_eq!(parse_token(&format!("sinergi_0123456789ab_{secret}=")), None);
        assert_eq!(parse_token("Bearer x"), None);
        assert_eq!(parse_session_id(&secret), Some(secret.as_str()));
        assert_eq!(parse_session_id("abc"), None);
        assert!(constant_time_eq(b"same", b"same"));
        assert!(!constant_time_eq(b"same", b"sane") && !constant_time_eq(b"a", b"ab"));
        assert_eq!(secret_digest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    proptest! {
        #[test]
        fn the_token_parser_never_panics_and_accepts_only_the_exact_shape(text in "\\PC{0,80}") {
            if let Some(parts) = parse_token(&text) {
                prop_assert_eq!(format!("{TOKEN_PREFIX}{}_{}", parts.id, parts.secret), text.clone());
                prop_assert_eq!(parts.secret.len(), SECRET_CHARS);
            }
            let _ = parse_session_id(&text);
        }

        #[test]
        fn well_formed_tokens_always_parse(id in "[0-9a-f]{12}", secret in "[A-Za-z0-9_-]{43}") {
            let token = format!("sinergi_{id}_{secret}");
            let parts = parse_token(&token).unwrap();
            prop_assert_eq!(parts.id, id.as_str());
            prop_assert_eq!(parts.secret, secret.as_str());
        }

        #[test]
        fn password_rules_never_panic(user in "[a-z]{0,10}", pw in "\\PC{0,300}") {
            let _ = validate_password(&user, &pw);
        }
    }
}
