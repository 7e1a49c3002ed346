//! Issuing API tokens, shared by the API (`POST /api/v1/tokens`) and the command line (`sinergi token create`).
//!
//! A token is `sinergi_<id>_<secret>`: the id (12 hex digits) names it in lists and in the audit log, the secret
//! (256 random bits) is shown once and never stored — the database keeps the SHA-256 of the whole token. A
//! token acts for its account, narrowed to a region inside the account's scope and, if asked, to reading.

use sinergi_domain::RegionCode;
use sinergi_domain::trust::audit::AuditEvent;
use sinergi_domain::trust::auth::{TOKEN_PREFIX, secret_digest};
use sinergi_store::{NewToken, Store, StoreError, TokenRecord, UserRecord};

use crate::trust::secrets::{SecretError, random_secret};

/// Longest a token may live; without an explicit expiry a token lives [`DEFAULT_DAYS`].
pub const MAX_DAYS: u32 = 3650;
pub const DEFAULT_DAYS: u32 = 365;

/// What the issuer asks for.
#[derive(Debug, Clone)]
pub struct TokenRequest {
    /// What the token is for, e.g. "SMS gateway Telkomsel"; 1 to 80 printable characters.
    pub name: String,
    /// A region inside the account's scope; `None` keeps the account's scope.
    pub region: Option<RegionCode>,
    pub read_only: bool,
    /// Days until it expires, 1 to [`MAX_DAYS`].
    pub days: u32,
}

/// Why a token was not issued.
#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    #[error("name: 1 to 80 printable characters")]
    BadName,
    #[error("days: 1 to {MAX_DAYS}")]
    BadDays,
    #[error("region: {0} is outside the account's scope")]
    OutsideScope(RegionCode),
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Checks the request, makes the secret, and records the token with its audit entry in one transaction.
/// Returns the whole token (to show once) and its record.
pub async fn issue(
    store: &dyn Store,
    user: &UserRecord,
    request: &TokenRequest,
    now_ms: i64,
    actor: &str,
    origin: &str,
) -> Result<(String, TokenRecord), IssueError> {
    let name = request.name.trim();
    if name.is_empty() || name.chars().count() > 80 || name.chars().any(char::is_control) {
        return Err(IssueError::BadName);
    }
    if !(1..=MAX_DAYS).contains(&request.days) {
        return Err(IssueError::BadDays);
    }
    if let Some(region) = &request.region
        && !user.scope.contains(region)
    {
        return Err(IssueError::OutsideScope(region.clone()));
    }
    let secret = random_secret()?;
    // The id comes from fresh random bits too: 48 bits, shown in lists, never enough to open anything alone.
    let id: String = secret_digest(&random_secret()?).chars().take(12).collect();
    let token = format!("{TOKEN_PREFIX}{id}_{secret}");
    let record = NewToken {
        id: id.clone(),
        digest: secret_digest(&token),
        account_id: user.id,
        name: name.to_owned(),
        scope: request.region.clone(),
        read_only: request.read_only,
        created_at_ms: now_ms,
        expires_at_ms: Some(now_ms + i64::from(request.days) * 86_400_000),
    };
    let detail = format!(
        "name={name:?} region={} read_only={} days={}",
        request.region.as_ref().map_or("-".to_owned(), |r| r.to_string()),
        request.read_only,
        request.days
    );
    let event = AuditEvent {
        at_ms: now_ms,
        actor: actor.to_owned(),
        action: "token.create".to_owned(),
        target: format!("token:{id} of {}", user.username),
        detail,
        origin: origin.to_owned(),
    };
    let created = store.create_token(&record, &event).await?;
    Ok((token, created))
}
