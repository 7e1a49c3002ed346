//! The SQL both backends share, written once.
//!
//! SQLite and PostgreSQL agree on everything Sinergi needs here: `$n` parameters (sqlx's SQLite driver reads them
//! as numbered), `ON CONFLICT … DO UPDATE` with `excluded`, `RETURNING`, `substr`, `CAST(… AS BIGINT)`. So each
//! capability has one macro (`impl_<capability>_store!` in its folder's `queries.rs`) that expands its storage trait
//! for each backend's pool type; only the schema files and the connection set-up (in `sqlite.rs` and `postgres.rs`)
//! differ. Macros and not generic functions, because sqlx's generic bounds over `Database` would be longer than the
//! SQL they carry. This file holds what the capabilities share: SQL fragments, and the helpers [`impl_common`] expands
//! once per backend (the audit chain, transactions, routes) with the [`Store`](crate::Store) methods of its own.

/// Rows per multi-row INSERT: well under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters.
pub(crate) const BATCH: usize = 500;

// SQL fragments as macros, so that `concat!` can join them into `&'static str` statements: sqlx accepts only
// static SQL without an explicit audit, and static SQL is what we want anyway.

/// A code column `$c` inside the viewer's territory, bound as `$t1` (exact), `$t2` and `$t3` (the range); see
/// `crate::Territory`.
macro_rules! covered {
    ($c:literal, $t1:literal, $t2:literal, $t3:literal) => {
        concat!("(", $c, " = ", $t1, " OR (", $c, " >= ", $t2, " AND ", $c, " < ", $t3, "))")
    };
}

/// A code column `$c` covered by the viewer's territory (`$t1`–`$t3`) or one of its ancestors (`$t4`–`$t6`).
macro_rules! seen {
    ($c:literal, $t1:literal, $t2:literal, $t3:literal, $t4:literal, $t5:literal, $t6:literal) => {
        concat!("(", $crate::sql::covered!($c, $t1, $t2, $t3), " OR ", $c, " IN (", $t4, ", ", $t5, ", ", $t6, "))")
    };
}

/// The routes of one report or alert, from the table `$t` (`report_route`, `scan_alert_route`), with their units'
/// names; a condition on one id and [`routes_order`] follow.
macro_rules! routes_select {
    ($t:literal) => {
        concat!(
            "SELECT r.unit_code, u.name, r.agency, r.role, r.at_ms FROM ",
            $t,
            " r JOIN unit u ON u.code = r.unit_code WHERE"
        )
    };
}

/// Responsible units first, then by code.
macro_rules! routes_order {
    () => {
        "ORDER BY CASE r.role WHEN 'responsible' THEN 0 ELSE 1 END, r.unit_code"
    };
}

macro_rules! impl_common {
    ($store:ty, $db:ty, $backend:expr) => {
        /// Adds ` WHERE` and the condition that `column` is seen by the viewer of territory `t` (the
        /// query-builder form of the `seen!` fragment).
        fn push_seen(qb: &mut sqlx::QueryBuilder<$db>, column: &'static str, t: &$crate::Territory) {
            qb.push(" WHERE (").push(column).push(" = ").push_bind(t.exact.clone());
            qb.push(" OR (").push(column).push(" >= ").push_bind(t.from.clone());
            qb.push(" AND ").push(column).push(" < ").push_bind(t.to.clone());
            qb.push(") OR ").push(column).push(" IN (");
            let mut list = qb.separated(", ");
            for a in &t.ancestors {
                list.push_bind(a.clone());
            }
            qb.push("))");
        }

        /// Takes the lock on the audit chain's head: the write lock (SQLite) or the row lock (PostgreSQL). A
        /// transaction that will append takes it first, so no other append can read the same head before this one
        /// commits, and a SQLite transaction never has to upgrade from reading to writing.
        async fn lock_audit_head(tx: &mut sqlx::Transaction<'_, $db>) -> $crate::Result<()> {
            sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1").execute(&mut **tx).await?;
            Ok(())
        }

        /// Appends an event to the audit log inside the caller's transaction, so that the change it records and
        /// the entry commit together or not at all.
        async fn append_in(
            tx: &mut sqlx::Transaction<'_, $db>,
            event: &sinergi_domain::trust::audit::AuditEvent,
        ) -> $crate::Result<sinergi_domain::trust::audit::AuditEntry> {
            lock_audit_head(tx).await?;
            let (seq, hash): (i64, String) =
                sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&mut **tx).await?;
            // A row past the head was written around the application: appending after the head would hide it, and
            // its number may be the next one's. Refuse every audited change until someone has looked.
            let beyond: Option<(i64,)> =
                sqlx::query_as("SELECT seq FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT 1")
                    .bind(seq)
                    .fetch_optional(&mut **tx)
                    .await?;
            if let Some((first,)) = beyond {
                return Err($crate::StoreError::AuditChainBroken(format!(
                    "entry {first} lies beyond the audit log's head {seq}; run `sinergi audit verify`"
                )));
            }
            let entry = sinergi_domain::trust::audit::chain(seq, &hash, event.clone());
            sqlx::query(
                "INSERT INTO audit_log (seq, at_ms, actor, action, target, detail, origin, prev_hash, hash) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(entry.seq)
            .bind(entry.event.at_ms)
            .bind(entry.event.actor.as_str())
            .bind(entry.event.action.as_str())
            .bind(entry.event.target.as_str())
            .bind(entry.event.detail.as_str())
            .bind(entry.event.origin.as_str())
            .bind(entry.prev_hash.as_str())
            .bind(entry.hash.as_str())
            .execute(&mut **tx)
            .await?;
            sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
                .bind(entry.seq)
                .bind(entry.hash.as_str())
                .execute(&mut **tx)
                .await?;
            Ok(entry)
        }

        /// The units a report or an alert is routed to, responsible ones first; `sql` selects them by one id
        /// (see `routes_select!`).
        async fn routes_of(pool: &sqlx::Pool<$db>, sql: &'static str, id: i64) -> $crate::Result<Vec<$crate::RouteRecord>> {
            let rows: Vec<(String, String, String, String, i64)> = sqlx::query_as(sql).bind(id).fetch_all(pool).await?;
            Ok(rows
                .into_iter()
                .map(|(unit_code, unit_name, agency, role, at_ms)| $crate::RouteRecord { unit_code, unit_name, agency, role, at_ms })
                .collect())
        }

        /// Begins a transaction that will write. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`,
        /// waiting out the busy timeout like any writer): a deferred transaction that reads first and writes
        /// after fails outright (`SQLITE_BUSY_SNAPSHOT`) whenever another writer committed in between, which under
        /// load is nearly always.
        async fn begin_write(pool: &sqlx::Pool<$db>) -> Result<sqlx::Transaction<'static, $db>, sqlx::Error> {
            if matches!($backend, $crate::Backend::Sqlite) { pool.begin_with("BEGIN IMMEDIATE").await } else { pool.begin().await }
        }

        #[async_trait::async_trait]
        impl $crate::Store for $store {
            fn backend(&self) -> $crate::Backend {
                $backend
            }

            async fn check_writable(&self) -> $crate::Result<()> {
                let mut tx = begin_write(&self.pool).await?;
                sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1").execute(&mut *tx).await?;
                tx.rollback().await?;
                Ok(())
            }

            async fn meta(&self, key: &str) -> $crate::Result<Option<String>> {
                let row: Option<(String,)> = sqlx::query_as("SELECT value FROM meta WHERE key = $1")
                    .bind(key)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(row.map(|(v,)| v))
            }

            async fn set_meta(&self, key: &str, value: &str) -> $crate::Result<()> {
                sqlx::query(
                    "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                )
                .bind(key)
                .bind(value)
                .execute(&self.pool)
                .await?;
                Ok(())
            }
        }
    };
}

pub(crate) use {covered, impl_common, routes_order, routes_select, seen};
