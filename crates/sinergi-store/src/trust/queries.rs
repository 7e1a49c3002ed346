//! Trust in storage: accounts, sessions, tokens, the sign-in throttle, clearance rules, the audit chain.
//!
//! One macro expands the SQL below for each backend's pool type (see `crate::sql`).

/// Ends every session of the account named `$1`: disabling an account and replacing its password both do it,
/// in the same transaction as the change.
pub(crate) const END_SESSIONS_OF_USER: &str =
    "DELETE FROM session WHERE account_id IN (SELECT id FROM account WHERE username = $1)";

macro_rules! user_select {
    () => {
        "SELECT a.id, a.username, a.display_name, a.unit_code, u.agency, a.role, a.scope, a.password_hash, \
         a.disabled, a.created_at_ms FROM account a JOIN unit u ON u.code = a.unit_code"
    };
}

macro_rules! token_select {
    () => {
        "SELECT t.id, t.digest, t.account_id, a.username, t.name, t.scope, t.read_only, t.created_at_ms, \
         t.expires_at_ms, t.last_used_at_ms, t.revoked_at_ms FROM api_token t JOIN account a ON a.id = t.account_id"
    };
}

macro_rules! impl_trust_store {
    ($store:ty, $db:ty, $backend:expr) => {
        /// ` WHERE` the token (`t`) belongs to an account (`a`) that `owners` names.
        fn push_token_owners(qb: &mut sqlx::QueryBuilder<$db>, owners: &$crate::TokenOwners) {
            match owners {
                $crate::TokenOwners::Account(id) => {
                    qb.push(" WHERE t.account_id = ").push_bind(*id);
                }
                $crate::TokenOwners::Within(sinergi_domain::trust::auth::Scope::National) => {
                    qb.push(" WHERE 1 = 1");
                }
                // A national account (no scope) lies inside no region.
                $crate::TokenOwners::Within(sinergi_domain::trust::auth::Scope::Region(code)) => {
                    let (from, to) = $crate::inside_range(code);
                    qb.push(" WHERE (a.scope = ").push_bind(code.to_string());
                    qb.push(" OR (a.scope >= ").push_bind(from).push(" AND a.scope < ").push_bind(to).push("))");
                }
            }
        }

        #[async_trait::async_trait]
        impl $crate::TrustStore for $store {
            async fn create_user(
                &self,
                user: &$crate::NewUser,
                audit: &sinergi_domain::trust::audit::AuditEvent,
            ) -> $crate::Result<$crate::UserRecord> {
                let mut tx = begin_write(&self.pool).await?;
                lock_audit_head(&mut tx).await?;
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO account (username, display_name, unit_code, role, scope, password_hash, created_at_ms) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(user.username.as_str())
                .bind(user.display_name.as_str())
                .bind(user.unit_code.as_str())
                .bind(user.role.as_str())
                .bind(user.scope.as_stored())
                .bind(user.password_hash.as_str())
                .bind(user.created_at_ms)
                .fetch_one(&mut *tx)
                .await?;
                append_in(&mut tx, audit).await?;
                tx.commit().await?;
                self.user(id).await?.ok_or_else(|| $crate::StoreError::Internal("created account vanished".into()))
            }

            async fn user_by_name(&self, username: &str) -> $crate::Result<Option<$crate::UserRecord>> {
                let sql = concat!($crate::trust::queries::user_select!(), " WHERE a.username = $1");
                let row: Option<$crate::UserRow> = sqlx::query_as(sql).bind(username).fetch_optional(&self.pool).await?;
                row.map($crate::UserRow::into_record).transpose()
            }

            async fn user(&self, id: i64) -> $crate::Result<Option<$crate::UserRecord>> {
                let sql = concat!($crate::trust::queries::user_select!(), " WHERE a.id = $1");
                let row: Option<$crate::UserRow> = sqlx::query_as(sql).bind(id).fetch_optional(&self.pool).await?;
                row.map($crate::UserRow::into_record).transpose()
            }

            async fn list_users(&self) -> $crate::Result<Vec<$crate::UserRecord>> {
                let sql = concat!($crate::trust::queries::user_select!(), " ORDER BY a.username");
                let rows: Vec<$crate::UserRow> = sqlx::query_as(sql).fetch_all(&self.pool).await?;
                rows.into_iter().map($crate::UserRow::into_record).collect()
            }

            async fn set_phone(
                &self,
                username: &str,
                phone: Option<&str>,
                audit: &sinergi_domain::trust::audit::AuditEvent,
            ) -> $crate::Result<bool> {
                let mut tx = begin_write(&self.pool).await?;
                lock_audit_head(&mut tx).await?;
                let id: Option<(i64,)> = sqlx::query_as("SELECT id FROM account WHERE username = $1")
                    .bind(username)
                    .fetch_optional(&mut *tx)
                    .await?;
                let Some((id,)) = id else { return Ok(false) };
                match phone {
                    None => {
                        sqlx::query("DELETE FROM account_phone WHERE account_id = $1").bind(id).execute(&mut *tx).await?;
                    }
                    Some(phone) => {
                        let owner: Option<(i64,)> = sqlx::query_as("SELECT account_id FROM account_phone WHERE phone = $1")
                            .bind(phone)
                            .fetch_optional(&mut *tx)
                            .await?;
                        match owner {
                            Some((owner,)) if owner != id => {
                                return Err($crate::StoreError::Conflict(format!("{phone} belongs to another account")));
                            }
                            Some(_) => {}
                            None => {
                                sqlx::query("INSERT INTO account_phone (phone, account_id) VALUES ($1, $2)")
                                    .bind(phone)
                                    .bind(id)
                                    .execute(&mut *tx)
                                    .await?;
                            }
                        }
                    }
                }
                append_in(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn user_by_phone(&self, phone: &str) -> $crate::Result<Option<$crate::UserRecord>> {
                let row: Option<$crate::UserRow> = sqlx::query_as(concat!(
                    $crate::trust::queries::user_select!(),
                    " WHERE a.id = (SELECT account_id FROM account_phone WHERE phone = $1)"
                ))
                .bind(phone)
                .fetch_optional(&self.pool)
                .await?;
                row.map($crate::UserRow::into_record).transpose()
            }

            async fn set_user_disabled(
                &self,
                username: &str,
                disabled: bool,
                audit: &sinergi_domain::trust::audit::AuditEvent,
            ) -> $crate::Result<bool> {
                let mut tx = begin_write(&self.pool).await?;
                lock_audit_head(&mut tx).await?;
                let done = sqlx::query("UPDATE account SET disabled = $2 WHERE username = $1")
                    .bind(username)
                    .bind(disabled)
                    .execute(&mut *tx)
                    .await?;
                if done.rows_affected() != 1 {
                    return Ok(false);
                }
                if disabled {
                    sqlx::query($crate::trust::queries::END_SESSIONS_OF_USER)
                        .bind(username)
                        .execute(&mut *tx)
                        .await?;
                }
                append_in(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn set_password_hash(
                &self,
                username: &str,
                hash: &str,
                audit: &sinergi_domain::trust::audit::AuditEvent,
            ) -> $crate::Result<bool> {
                let mut tx = begin_write(&self.pool).await?;
                lock_audit_head(&mut tx).await?;
                let done = sqlx::query("UPDATE account SET password_hash = $2 WHERE username = $1")
                    .bind(username)
                    .bind(hash)
                    .execute(&mut *tx)
                    .await?;
                if done.rows_affected() != 1 {
                    return Ok(false);
                }
                sqlx::query($crate::trust::queries::END_SESSIONS_OF_USER)
                    .bind(username)
                    .execute(&mut *tx)
                    .await?;
                append_in(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn create_session(&self, session: &$crate::NewSession) -> $crate::Result<()> {
                sqlx::query(
                    "INSERT INTO session (digest, account_id, created_at_ms, last_seen_at_ms, expires_at_ms, origin) \
                     VALUES ($1, $2, $3, $3, $4, $5)",
                )
                .bind(session.digest.as_str())
                .bind(session.account_id)
                .bind(session.created_at_ms)
                .bind(session.expires_at_ms)
                .bind(session.origin.as_str())
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn session(
                &self,
                digest: &str,
            ) -> $crate::Result<Option<($crate::SessionRecord, $crate::UserRecord)>> {
                let row: Option<(String, i64, i64, i64, i64)> = sqlx::query_as(
                    "SELECT digest, account_id, created_at_ms, last_seen_at_ms, expires_at_ms FROM session \
                     WHERE digest = $1",
                )
                .bind(digest)
                .fetch_optional(&self.pool)
                .await?;
                let Some((digest, account_id, created_at_ms, last_seen_at_ms, expires_at_ms)) = row else {
                    return Ok(None);
                };
                let Some(user) = self.user(account_id).await? else { return Ok(None) };
                let session = $crate::SessionRecord { digest, account_id, created_at_ms, last_seen_at_ms, expires_at_ms };
                Ok(Some((session, user)))
            }

            async fn touch_session(&self, digest: &str, now_ms: i64) -> $crate::Result<()> {
                sqlx::query("UPDATE session SET last_seen_at_ms = $2 WHERE digest = $1")
                    .bind(digest)
                    .bind(now_ms)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn delete_session(&self, digest: &str) -> $crate::Result<()> {
                sqlx::query("DELETE FROM session WHERE digest = $1").bind(digest).execute(&self.pool).await?;
                Ok(())
            }

            async fn purge_sessions(&self, now_ms: i64, idle_before_ms: i64) -> $crate::Result<u64> {
                let done = sqlx::query("DELETE FROM session WHERE expires_at_ms <= $1 OR last_seen_at_ms < $2")
                    .bind(now_ms)
                    .bind(idle_before_ms)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected())
            }

            async fn append_audit(
                &self,
                event: &sinergi_domain::trust::audit::AuditEvent,
            ) -> $crate::Result<sinergi_domain::trust::audit::AuditEntry> {
                let mut tx = begin_write(&self.pool).await?;
                let entry = append_in(&mut tx, event).await?;
                tx.commit().await?;
                Ok(entry)
            }

            async fn audit_entries(
                &self,
                after: i64,
                limit: u32,
            ) -> $crate::Result<Vec<sinergi_domain::trust::audit::AuditEntry>> {
                let rows: Vec<$crate::AuditRow> = sqlx::query_as(
                    "SELECT seq, at_ms, actor, action, target, detail, origin, prev_hash, hash FROM audit_log \
                     WHERE seq > $1 ORDER BY seq LIMIT $2",
                )
                .bind(after)
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn audit_head(&self) -> $crate::Result<(i64, String)> {
                Ok(sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&self.pool).await?)
            }

            async fn create_token(
                &self,
                token: &$crate::NewToken,
                audit: &sinergi_domain::trust::audit::AuditEvent,
            ) -> $crate::Result<$crate::TokenRecord> {
                let mut tx = begin_write(&self.pool).await?;
                lock_audit_head(&mut tx).await?;
                sqlx::query(
                    "INSERT INTO api_token (id, digest, account_id, name, scope, read_only, created_at_ms, \
                     expires_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(token.id.as_str())
                .bind(token.digest.as_str())
                .bind(token.account_id)
                .bind(token.name.as_str())
                .bind(token.scope.as_ref().map(|c| c.as_str()))
                .bind(token.read_only)
                .bind(token.created_at_ms)
                .bind(token.expires_at_ms)
                .execute(&mut *tx)
                .await?;
                append_in(&mut tx, audit).await?;
                tx.commit().await?;
                let (record, _) = self
                    .token(&token.id)
                    .await?
                    .ok_or_else(|| $crate::StoreError::Internal("created token vanished".into()))?;
                Ok(record)
            }

            async fn token(
                &self,
                id: &str,
            ) -> $crate::Result<Option<($crate::TokenRecord, $crate::UserRecord)>> {
                let sql = concat!($crate::trust::queries::token_select!(), " WHERE t.id = $1");
                let row: Option<$crate::TokenRow> = sqlx::query_as(sql).bind(id).fetch_optional(&self.pool).await?;
                let Some(row) = row else { return Ok(None) };
                let record = row.into_record()?;
                let Some(user) = self.user(record.account_id).await? else { return Ok(None) };
                Ok(Some((record, user)))
            }

            async fn list_tokens(&self, owners: &$crate::TokenOwners) -> $crate::Result<Vec<$crate::TokenRecord>> {
                let mut qb = sqlx::QueryBuilder::<$db>::new($crate::trust::queries::token_select!());
                push_token_owners(&mut qb, owners);
                qb.push(" ORDER BY t.created_at_ms DESC, t.id");
                let rows: Vec<$crate::TokenRow> = qb.build_query_as().fetch_all(&self.pool).await?;
                rows.into_iter().map($crate::TokenRow::into_record).collect()
            }

            async fn revoke_token(
                &self,
                id: &str,
                owners: &$crate::TokenOwners,
                audit: &sinergi_domain::trust::audit::AuditEvent,
            ) -> $crate::Result<bool> {
                let mut tx = begin_write(&self.pool).await?;
                lock_audit_head(&mut tx).await?;
                let mut qb = sqlx::QueryBuilder::<$db>::new("UPDATE api_token SET revoked_at_ms = ");
                qb.push_bind(audit.at_ms);
                qb.push(" WHERE revoked_at_ms IS NULL AND id IN (SELECT t.id FROM api_token t JOIN account a ON a.id = t.account_id");
                push_token_owners(&mut qb, owners);
                qb.push(" AND t.id = ").push_bind(id.to_owned()).push(")");
                let done = qb.build().execute(&mut *tx).await?;
                if done.rows_affected() != 1 {
                    return Ok(false);
                }
                append_in(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn touch_token(&self, id: &str, now_ms: i64) -> $crate::Result<()> {
                sqlx::query("UPDATE api_token SET last_used_at_ms = $2 WHERE id = $1")
                    .bind(id)
                    .bind(now_ms)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn clearance_policy(&self) -> $crate::Result<sinergi_domain::access::ClearancePolicy> {
                let rows: Vec<(String, String, String)> =
                    sqlx::query_as("SELECT role, agency, level FROM clearance_rule ORDER BY role, agency")
                        .fetch_all(&self.pool)
                        .await?;
                let mut rules = Vec::with_capacity(rows.len());
                for (role, agency, level) in rows {
                    let bad = || $crate::StoreError::Internal(format!("stored clearance rule is invalid: {role} {agency} {level}"));
                    let role_value = sinergi_domain::trust::auth::Role::parse(&role).ok_or_else(bad)?;
                    let agency_value = if agency.is_empty() {
                        None
                    } else {
                        Some(sinergi_domain::AgencyKind::parse(&agency).ok_or_else(bad)?)
                    };
                    let level_value = sinergi_domain::trust::auth::Classification::parse(&level).ok_or_else(bad)?;
                    rules.push(sinergi_domain::access::ClearanceRule { role: role_value, agency: agency_value, level: level_value });
                }
                Ok(sinergi_domain::access::ClearancePolicy { rules })
            }

            async fn set_clearance_rule(
                &self,
                rule: &sinergi_domain::access::ClearanceRule,
                audit: &sinergi_domain::trust::audit::AuditEvent,
            ) -> $crate::Result<()> {
                let mut tx = begin_write(&self.pool).await?;
                lock_audit_head(&mut tx).await?;
                sqlx::query(
                    "INSERT INTO clearance_rule (role, agency, level) VALUES ($1, $2, $3) \
                     ON CONFLICT (role, agency) DO UPDATE SET level = excluded.level",
                )
                .bind(rule.role.as_str())
                .bind(rule.agency.map_or("", |a| a.as_str()))
                .bind(rule.level.as_str())
                .execute(&mut *tx)
                .await?;
                append_in(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn remove_clearance_rule(
                &self,
                role: sinergi_domain::trust::auth::Role,
                agency: Option<sinergi_domain::AgencyKind>,
                audit: &sinergi_domain::trust::audit::AuditEvent,
            ) -> $crate::Result<bool> {
                let mut tx = begin_write(&self.pool).await?;
                lock_audit_head(&mut tx).await?;
                let done = sqlx::query("DELETE FROM clearance_rule WHERE role = $1 AND agency = $2")
                    .bind(role.as_str())
                    .bind(agency.map_or("", |a| a.as_str()))
                    .execute(&mut *tx)
                    .await?;
                if done.rows_affected() != 1 {
                    return Ok(false);
                }
                append_in(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn claim_login(
                &self,
                keys: &[$crate::ThrottleKey],
                now_ms: i64,
                window_ms: i64,
            ) -> $crate::Result<$crate::LoginClaim> {
                let mut tx = begin_write(&self.pool).await?;
                // Forget stale keys, so that an attacker cycling through names cannot grow the table for ever. A
                // check takes seconds, so what is still in flight after a whole window was lost with its server.
                sqlx::query("DELETE FROM login_throttle WHERE window_start_ms <= $1 AND locked_until_ms <= $2")
                    .bind(now_ms - window_ms)
                    .bind(now_ms)
                    .execute(&mut *tx)
                    .await?;
                for k in keys {
                    // A lock that has ended starts a new window.
                    sqlx::query(
                        "UPDATE login_throttle SET failures = 0, window_start_ms = $2, locked_until_ms = 0 \
                         WHERE key = $1 AND locked_until_ms <> 0 AND locked_until_ms <= $2",
                    )
                    .bind(k.key.as_str())
                    .bind(now_ms)
                    .execute(&mut *tx)
                    .await?;
                    // The claim, decided by the row as it is under the row's lock (PostgreSQL) or the write lock
                    // (SQLite): nothing returned means no slot.
                    let claimed: Option<(i64,)> = sqlx::query_as(
                        "INSERT INTO login_throttle (key, failures, window_start_ms, locked_until_ms, pending) \
                         VALUES ($1, 0, $2, 0, 1) ON CONFLICT (key) DO UPDATE SET pending = login_throttle.pending + 1 \
                         WHERE login_throttle.locked_until_ms <= $2 \
                         AND login_throttle.failures + login_throttle.pending < $3 RETURNING pending",
                    )
                    .bind(k.key.as_str())
                    .bind(now_ms)
                    .bind(i64::from(k.limit))
                    .fetch_optional(&mut *tx)
                    .await?;
                    if claimed.is_none() {
                        let (until,): (i64,) = sqlx::query_as("SELECT locked_until_ms FROM login_throttle WHERE key = $1")
                            .bind(k.key.as_str())
                            .fetch_one(&mut *tx)
                            .await?;
                        // Dropping the transaction gives back the claims made on the keys before this one.
                        return Ok($crate::LoginClaim::Refused { locked_until_ms: (until > now_ms).then_some(until) });
                    }
                }
                tx.commit().await?;
                Ok($crate::LoginClaim::Granted)
            }

            async fn settle_login(
                &self,
                keys: &[$crate::ThrottleKey],
                failed: bool,
                now_ms: i64,
                lock_ms: i64,
            ) -> $crate::Result<Vec<(String, i64)>> {
                let mut tx = begin_write(&self.pool).await?;
                let mut locked = Vec::new();
                for k in keys {
                    let forget = !failed && k.cleared_by_success;
                    let row: Option<(i64,)> = sqlx::query_as(
                        "UPDATE login_throttle SET pending = CASE WHEN pending > 0 THEN pending - 1 ELSE 0 END, \
                         failures = CASE WHEN $2 = 1 THEN failures + 1 WHEN $3 = 1 THEN 0 ELSE failures END \
                         WHERE key = $1 RETURNING failures",
                    )
                    .bind(k.key.as_str())
                    .bind(i64::from(failed))
                    .bind(i64::from(forget))
                    .fetch_optional(&mut *tx)
                    .await?;
                    if failed && row.is_some_and(|(failures,)| failures >= i64::from(k.limit)) {
                        let until = now_ms + lock_ms;
                        sqlx::query(
                            "UPDATE login_throttle SET failures = 0, window_start_ms = $2, locked_until_ms = $3 \
                             WHERE key = $1",
                        )
                        .bind(k.key.as_str())
                        .bind(now_ms)
                        .bind(until)
                        .execute(&mut *tx)
                        .await?;
                        locked.push((k.key.clone(), until));
                    }
                }
                tx.commit().await?;
                Ok(locked)
            }

            async fn clear_login_failures(&self, key: &str) -> $crate::Result<()> {
                sqlx::query("DELETE FROM login_throttle WHERE key = $1").bind(key).execute(&self.pool).await?;
                Ok(())
            }
        }
    };
}

pub(crate) use {impl_trust_store, token_select, user_select};
