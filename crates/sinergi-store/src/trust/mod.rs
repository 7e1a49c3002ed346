//! Trust in storage: accounts, sessions, tokens, the sign-in throttle, clearance rules, the audit chain.

use async_trait::async_trait;
use serde::Serialize;
use sinergi_domain::access::{ClearancePolicy, ClearanceRule, Viewer};
use sinergi_domain::trust::audit::{AuditEntry, AuditEvent};
use sinergi_domain::trust::auth::{Role, Scope};
use sinergi_domain::{AgencyKind, RegionCode};

use crate::{Result, StoreError, stored_code};

pub(crate) mod queries;

/// Whose API tokens a listing or a revocation reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenOwners {
    /// One account's own.
    Account(i64),
    /// Every account whose territory lies inside this scope (an administrator's): `National` reaches every
    /// account, a region only the accounts scoped inside it (not national ones).
    Within(Scope),
}

/// A key the sign-in throttle counts under (`user:<name>`, `addr:<ip>`), with its limit of failures per window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThrottleKey {
    pub key: String,
    pub limit: u32,
    /// A successful sign-in forgets the failures counted under this key (the username's, not the address's).
    pub cleared_by_success: bool,
}

/// The answer to [`TrustStore::claim_login`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginClaim {
    /// The password may be checked.
    Granted,
    /// Locked until then (`Some`), or every check the window allows is already counted or in flight (`None`).
    Refused { locked_until_ms: Option<i64> },
}

/// An account to create. The password arrives already hashed (argon2id, by the caller).
#[derive(Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub unit_code: String,
    pub role: Role,
    pub scope: Scope,
    pub password_hash: String,
    pub created_at_ms: i64,
}

/// A stored account. Its `Debug` leaves the password hash out, so it can never reach a log line.
#[derive(Clone, PartialEq, Serialize)]
pub struct UserRecord {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub unit_code: String,
    /// The agency of the account's unit.
    pub agency: AgencyKind,
    pub role: Role,
    pub scope: Scope,
    #[serde(skip)]
    pub password_hash: String,
    pub disabled: bool,
    pub created_at_ms: i64,
}

impl std::fmt::Debug for UserRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRecord")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("unit_code", &self.unit_code)
            .field("agency", &self.agency)
            .field("role", &self.role)
            .field("scope", &self.scope)
            .field("disabled", &self.disabled)
            .finish_non_exhaustive()
    }
}

impl UserRecord {
    /// Who this account is when it makes a request, with its clearance under `policy`.
    pub fn viewer(&self, policy: &ClearancePolicy) -> Viewer {
        Viewer {
            account_id: self.id,
            username: self.username.clone(),
            role: self.role,
            agency: self.agency,
            scope: self.scope.clone(),
            read_only: false,
            clearance: policy.clearance(self.role, self.agency),
        }
    }
}

/// An API token to record: only the digest of the whole token is kept.
#[derive(Debug, Clone)]
pub struct NewToken {
    /// The public part (12 hex digits), by which the token is found.
    pub id: String,
    pub digest: String,
    pub account_id: i64,
    pub name: String,
    /// A region inside the account's scope, narrowing it; `None` keeps the account's scope.
    pub scope: Option<RegionCode>,
    pub read_only: bool,
    pub created_at_ms: i64,
    pub expires_at_ms: Option<i64>,
}

/// A stored API token, without its secret.
#[derive(Clone, Serialize)]
pub struct TokenRecord {
    pub id: String,
    #[serde(skip)]
    pub digest: String,
    pub account_id: i64,
    pub username: String,
    pub name: String,
    pub scope: Option<RegionCode>,
    pub read_only: bool,
    pub created_at_ms: i64,
    pub expires_at_ms: Option<i64>,
    pub last_used_at_ms: Option<i64>,
    pub revoked_at_ms: Option<i64>,
}

impl std::fmt::Debug for TokenRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenRecord")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("name", &self.name)
            .field("scope", &self.scope)
            .field("read_only", &self.read_only)
            .field("revoked_at_ms", &self.revoked_at_ms)
            .finish_non_exhaustive()
    }
}

impl TokenRecord {
    /// True when the token may be used at `now_ms`: not revoked and not expired.
    pub fn is_live(&self, now_ms: i64) -> bool {
        self.revoked_at_ms.is_none() && self.expires_at_ms.is_none_or(|end| now_ms < end)
    }

    /// Who a request made with this token acts as: its account, narrowed to the token's region and to reading
    /// when the token is read-only. `None` when the account's scope no longer meets the token's region (the
    /// account moved): such a token opens nothing.
    pub fn viewer(&self, user: &UserRecord, policy: &ClearancePolicy) -> Option<Viewer> {
        let mut viewer = user.viewer(policy);
        if let Some(region) = &self.scope {
            viewer.scope = Scope::Region(viewer.narrow(region)?);
        }
        viewer.read_only |= self.read_only;
        Some(viewer)
    }
}

/// A session to record, known by the digest of its id (see `sinergi_domain::trust::auth::secret_digest`).
#[derive(Debug, Clone)]
pub struct NewSession {
    pub digest: String,
    pub account_id: i64,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
    pub origin: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub digest: String,
    pub account_id: i64,
    pub created_at_ms: i64,
    pub last_seen_at_ms: i64,
    pub expires_at_ms: i64,
}

/// Accounts, sessions, API tokens, the sign-in throttle, clearance rules and the audit chain.
#[async_trait]
pub trait TrustStore: Send + Sync {
    /// Creates an account; a taken username is a [`StoreError::Conflict`], an unknown unit or scope region a
    /// [`StoreError::InvalidReference`].
    async fn create_user(&self, user: &NewUser, audit: &AuditEvent) -> Result<UserRecord>;

    async fn user_by_name(&self, username: &str) -> Result<Option<UserRecord>>;

    async fn user(&self, id: i64) -> Result<Option<UserRecord>>;

    async fn list_users(&self) -> Result<Vec<UserRecord>>;

    /// Disables or enables an account; disabling also ends its sessions. `false` when there is no such user.
    async fn set_user_disabled(&self, username: &str, disabled: bool, audit: &AuditEvent) -> Result<bool>;

    /// Replaces the password hash and ends the account's sessions. `false` when there is no such user.
    async fn set_password_hash(&self, username: &str, hash: &str, audit: &AuditEvent) -> Result<bool>;

    /// Gives an account a phone number (already normalized), or removes its numbers (`None`). `false` when there
    /// is no such user; [`StoreError::Conflict`] when the number belongs to another account.
    async fn set_phone(&self, username: &str, phone: Option<&str>, audit: &AuditEvent) -> Result<bool>;

    /// The account with this phone number.
    async fn user_by_phone(&self, phone: &str) -> Result<Option<UserRecord>>;

    async fn create_session(&self, session: &NewSession) -> Result<()>;

    /// The session with this digest and its account, expired or not (the caller decides).
    async fn session(&self, digest: &str) -> Result<Option<(SessionRecord, UserRecord)>>;

    async fn touch_session(&self, digest: &str, now_ms: i64) -> Result<()>;

    async fn delete_session(&self, digest: &str) -> Result<()>;

    /// Deletes sessions past their absolute expiry (`expires_at_ms <= now_ms`) or idle since before
    /// `idle_before_ms`; returns how many.
    async fn purge_sessions(&self, now_ms: i64, idle_before_ms: i64) -> Result<u64>;

    /// Appends an event to the audit log, chained to the entry before it. Appends are serialised by a lock on
    /// the chain's head, across connections and server instances.
    async fn append_audit(&self, event: &AuditEvent) -> Result<AuditEntry>;

    /// Entries with `seq > after`, in order, at most `limit`.
    async fn audit_entries(&self, after: i64, limit: u32) -> Result<Vec<AuditEntry>>;

    /// The recorded head of the chain: the last entry's number and hash (`0` and the genesis hash when empty).
    async fn audit_head(&self) -> Result<(i64, String)>;

    /// Records a new API token; its id must be new.
    async fn create_token(&self, token: &NewToken, audit: &AuditEvent) -> Result<TokenRecord>;

    /// The token with this id and its account, revoked or expired or not (the caller decides).
    async fn token(&self, id: &str) -> Result<Option<(TokenRecord, UserRecord)>>;

    /// The tokens of the accounts `owners` names, newest first.
    async fn list_tokens(&self, owners: &TokenOwners) -> Result<Vec<TokenRecord>>;

    /// Revokes a token of the accounts `owners` names as of `audit.at_ms`; `false` when there is no such token
    /// among theirs or it was revoked already.
    async fn revoke_token(&self, id: &str, owners: &TokenOwners, audit: &AuditEvent) -> Result<bool>;

    async fn touch_token(&self, id: &str, now_ms: i64) -> Result<()>;

    /// The clearance rules (who may read which classification), as set by administrators.
    async fn clearance_policy(&self) -> Result<ClearancePolicy>;

    /// Sets the rule for a role (and agency); replaces the rule for the same pair.
    async fn set_clearance_rule(&self, rule: &ClearanceRule, audit: &AuditEvent) -> Result<()>;

    /// Removes a rule, so that the default applies again; `false` when there was none.
    async fn remove_clearance_rule(&self, role: Role, agency: Option<AgencyKind>, audit: &AuditEvent) -> Result<bool>;

    /// Claims one password check under every key (each with its limit) in one transaction, or none: refused when
    /// a key is locked, or when its failures in the window and the checks in flight already reach its limit. A
    /// granted claim must be settled with [`TrustStore::settle_login`].
    async fn claim_login(&self, keys: &[ThrottleKey], now_ms: i64, window_ms: i64) -> Result<LoginClaim>;

    /// Settles a granted claim: a failure counts under every key, and the failure that reaches a key's limit locks
    /// it for `lock_ms` (returned: the keys it locked, with the end of the lock); a success forgets the failures of
    /// the keys marked so.
    async fn settle_login(
        &self,
        keys: &[ThrottleKey],
        failed: bool,
        now_ms: i64,
        lock_ms: i64,
    ) -> Result<Vec<(String, i64)>>;

    /// Forgets the failures of `key` (after a successful sign-in, or an administrator's unlock).
    async fn clear_login_failures(&self, key: &str) -> Result<()>;
}

// Rows as read from either backend, mapped to the records above.

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    pub(crate) id: i64,
    pub(crate) username: String,
    pub(crate) display_name: String,
    pub(crate) unit_code: String,
    pub(crate) agency: String,
    pub(crate) role: String,
    pub(crate) scope: Option<String>,
    pub(crate) password_hash: String,
    pub(crate) disabled: bool,
    pub(crate) created_at_ms: i64,
}

impl UserRow {
    pub(crate) fn into_record(self) -> Result<UserRecord> {
        let role = Role::parse(&self.role)
            .ok_or_else(|| StoreError::Internal(format!("stored role is invalid: {}", self.role)))?;
        let scope = match self.scope.as_deref() {
            None => Scope::National,
            Some(code) => Scope::Region(stored_code(code)?),
        };
        let agency = AgencyKind::parse(&self.agency)
            .ok_or_else(|| StoreError::Internal(format!("stored agency is invalid: {}", self.agency)))?;
        Ok(UserRecord {
            id: self.id,
            username: self.username,
            display_name: self.display_name,
            unit_code: self.unit_code,
            agency,
            role,
            scope,
            password_hash: self.password_hash,
            disabled: self.disabled,
            created_at_ms: self.created_at_ms,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct TokenRow {
    pub(crate) id: String,
    pub(crate) digest: String,
    pub(crate) account_id: i64,
    pub(crate) username: String,
    pub(crate) name: String,
    pub(crate) scope: Option<String>,
    pub(crate) read_only: bool,
    pub(crate) created_at_ms: i64,
    pub(crate) expires_at_ms: Option<i64>,
    pub(crate) last_used_at_ms: Option<i64>,
    pub(crate) revoked_at_ms: Option<i64>,
}

impl TokenRow {
    pub(crate) fn into_record(self) -> Result<TokenRecord> {
        Ok(TokenRecord {
            scope: self.scope.as_deref().map(stored_code).transpose()?,
            id: self.id,
            digest: self.digest,
            account_id: self.account_id,
            username: self.username,
            name: self.name,
            read_only: self.read_only,
            created_at_ms: self.created_at_ms,
            expires_at_ms: self.expires_at_ms,
            last_used_at_ms: self.last_used_at_ms,
            revoked_at_ms: self.revoked_at_ms,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct AuditRow {
    pub(crate) seq: i64,
    pub(crate) at_ms: i64,
    pub(crate) actor: String,
    pub(crate) action: String,
    pub(crate) target: String,
    pub(crate) detail: String,
    pub(crate) origin: String,
    pub(crate) prev_hash: String,
    pub(crate) hash: String,
}

impl From<AuditRow> for AuditEntry {
    fn from(r: AuditRow) -> AuditEntry {
        AuditEntry {
            seq: r.seq,
            event: AuditEvent {
                at_ms: r.at_ms,
                actor: r.actor,
                action: r.action,
                target: r.target,
                detail: r.detail,
                origin: r.origin,
            },
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}
