//! The SQL both backends share, written once.
//!
//! SQLite and PostgreSQL agree on everything Sinergi needs here: `$n` parameters (sqlx's SQLite driver reads them
//! as numbered), `ON CONFLICT … DO UPDATE` with `excluded`, `RETURNING`, `substr`, `CAST(… AS BIGINT)`. So one
//! macro expands the whole [`Store`](crate::Store) implementation for each backend's pool type; only the schema
//! files and the connection set-up (in `sqlite.rs` and `postgres.rs`) differ. A macro and not generic functions,
//! because sqlx's generic bounds over `Database` would be longer than the SQL they carry.

/// Ends every session of the account named `$1`: disabling an account and replacing its password both do it,
/// in the same transaction as the change.
pub(crate) const END_SESSIONS_OF_USER: &str =
    "DELETE FROM session WHERE account_id IN (SELECT id FROM account WHERE username = $1)";

/// Rows per multi-row INSERT: well under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters.
pub(crate) const BATCH: usize = 500;

/// The grid cell of a report whose place is not known (no coordinates, and a village without a centre): no
/// search asks for it, and it tells the report apart from one the duplicate search has not looked at yet (none).
pub(crate) const NO_CELL: i64 = -1;

// SQL fragments as macros, so that `concat!` can join them into `&'static str` statements: sqlx accepts only
// static SQL without an explicit audit, and static SQL is what we want anyway.

macro_rules! region_select {
    () => {
        "SELECT code, name, parent, lat, lng, boundary IS NOT NULL AS has_boundary FROM region"
    };
}

macro_rules! tps_select {
    () => {
        "SELECT t.id, t.village_code, r.name AS village_name, t.number, t.address, t.lat, t.lng, t.voters, \
         t.access, t.synthetic FROM tps t JOIN region r ON r.code = t.village_code"
    };
}

/// `village_code` inside the region bound as $1 (exact), $2 and $3 (the range below it).
macro_rules! tps_within {
    () => {
        "(t.village_code = $1 OR (t.village_code >= $2 AND t.village_code < $3))"
    };
}

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
        concat!("(", $crate::queries::covered!($c, $t1, $t2, $t3), " OR ", $c, " IN (", $t4, ", ", $t5, ", ", $t6, "))")
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

macro_rules! report_select {
    () => {
        "SELECT id, kind, category, severity, status, occurred_at_ms, reported_at_ms, updated_at_ms, village_code, \
         tps_id, lat, lng, description, source_agency, source_person, reporter_account, channel, classification, \
         CASE WHEN status IN ('verified', 'assigned') THEN COALESCE((SELECT MAX(e.at_ms) FROM report_event e \
         WHERE e.report_id = report.id AND e.to_status = 'verified'), updated_at_ms) ELSE updated_at_ms END \
         AS status_since_ms FROM report"
    };
}

macro_rules! scan_run_columns {
    () => {
        "id, regency_code, trigger_kind, requested_by, params, period_start, period_end, started_at_ms, \
         finished_at_ms, status, cases_used, cases_left_out, result, message"
    };
}

macro_rules! alert_columns {
    () => {
        "id, regency_code, center_code, radius_km, start_day, end_day, observed, expected, relative_risk, p_value, \
         gumbel_p_value, llr, first_run_id, first_seen_ms, last_run_id, last_seen_ms, gone_at_ms, status"
    };
}

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

macro_rules! unit_select {
    () => {
        "SELECT code, kind, name, territory, parent_code, phone, email, address, personnel FROM unit"
    };
}

/// The code range holding every region (for "per province" statistics): codes start with a digit.
pub(crate) fn scope(within: Option<&sinergi_domain::RegionCode>) -> (String, String) {
    match within {
        Some(code) => crate::inside_range(code),
        None => ("0".to_owned(), ":".to_owned()),
    }
}

/// Length of the code of a child of `parent` (a province's code has two characters).
pub(crate) fn child_code_len(parent: Option<&sinergi_domain::RegionCode>) -> i32 {
    match parent {
        None => 2,
        Some(code) => match code.level() {
            sinergi_domain::Level::Province | sinergi_domain::Level::Regency => code.as_str().len() as i32 + 3,
            _ => code.as_str().len() as i32 + 5,
        },
    }
}

macro_rules! impl_store {
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
            event: &sinergi_domain::audit::AuditEvent,
        ) -> $crate::Result<sinergi_domain::audit::AuditEntry> {
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
            let entry = sinergi_domain::audit::chain(seq, &hash, event.clone());
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

        /// Appends entries to the live feed inside the caller's transaction, as its last writes. On PostgreSQL
        /// an advisory lock, held to the commit, makes the appends of concurrent transactions (on any instance)
        /// take their sequence numbers in commit order, so that no reader ever sees `seq` before `seq − 1`.
        /// SQLite's single write lock does the same by itself.
        async fn append_feed(
            tx: &mut sqlx::Transaction<'_, $db>,
            entries: &[(i64, &str)],
            at_ms: i64,
        ) -> $crate::Result<()> {
            if entries.is_empty() {
                return Ok(());
            }
            if matches!($backend, $crate::Backend::Postgres) {
                sqlx::query("SELECT pg_advisory_xact_lock(7201300)").execute(&mut **tx).await?;
            }
            for chunk in entries.chunks($crate::queries::BATCH) {
                let mut qb = sqlx::QueryBuilder::<$db>::new("INSERT INTO report_feed (report_id, kind, at_ms) ");
                qb.push_values(chunk, |mut row, (id, kind)| {
                    row.push_bind(*id).push_bind(*kind).push_bind(at_ms);
                });
                qb.build().execute(&mut **tx).await?;
            }
            Ok(())
        }

        /// Gives each report read by the duplicate search its grid cell (`duplicates::cell` of its coordinates,
        /// else of its village's centre; [`NO_CELL`] when neither is known), in one short transaction. Only a
        /// report without one yet is written: on PostgreSQL two instances may look at the same report after a
        /// restart, and both would give it the same cell.
        async fn place_reports(
            pool: &sqlx::Pool<$db>,
            reports: &[(i64, String, i64, Option<f64>, Option<f64>, String)],
        ) -> $crate::Result<()> {
            use sinergi_domain::incident::duplicates::cell;
            if reports.is_empty() {
                return Ok(());
            }
            let mut tx = begin_write(pool).await?;
            for chunk in reports.chunks($crate::queries::BATCH / 2) {
                let mut qb = sqlx::QueryBuilder::<$db>::new("UPDATE report SET place_cell = CASE id");
                for (id, _, _, lat, lng, _) in chunk {
                    let placed = match (lat, lng) {
                        (Some(lat), Some(lng)) => cell(sinergi_domain::LatLng::new(*lat, *lng)),
                        _ => $crate::queries::NO_CELL,
                    };
                    qb.push(" WHEN ").push_bind(*id).push(" THEN ").push_bind(placed);
                }
                qb.push(" END WHERE place_cell IS NULL AND id IN (");
                let mut list = qb.separated(", ");
                for (id, ..) in chunk {
                    list.push_bind(*id);
                }
                qb.push(")");
                qb.build().persistent(false).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(())
        }

        /// Narrows a report query (after a `WHERE`) to the reports of `region` and the areas inside it. The
        /// condition on the regency (the first five characters of the village's code) lets the database read
        /// the index `report_regency_time` (migration 0017) instead of every report.
        fn push_report_region(qb: &mut sqlx::QueryBuilder<$db>, region: &sinergi_domain::RegionCode) {
            let code = region.to_string();
            let (from, to) = $crate::inside_range(region);
            match code.get(..5) {
                Some(regency) => {
                    qb.push(" AND substr(village_code, 1, 5) = ").push_bind(regency.to_owned());
                }
                // A province: its regencies' codes run from `33.` to just before `33/`.
                None => {
                    qb.push(" AND substr(village_code, 1, 5) >= ").push_bind(from.clone());
                    qb.push(" AND substr(village_code, 1, 5) < ").push_bind(to.clone());
                }
            }
            qb.push(" AND (village_code = ").push_bind(code);
            qb.push(" OR (village_code >= ").push_bind(from).push(" AND village_code < ").push_bind(to).push("))");
        }

        /// Narrows a report query (after a `WHERE`, starting with ` AND`) to what the viewer may read, territory
        /// aside: `Viewer::may_read_report` in SQL. Administrators read every report within their clearance;
        /// anyone a report they filed and one shared with their agency, whatever its level; otherwise, within
        /// the clearance, an external agency what it filed or what is routed to it, everyone else also every
        /// ordinary (`biasa`) report.
        fn push_report_access(qb: &mut sqlx::QueryBuilder<$db>, viewer: &sinergi_domain::access::Viewer) {
            use sinergi_domain::access::Action;
            use sinergi_domain::auth::Role;
            let levels = $crate::readable_levels(viewer);
            let push_levels = |qb: &mut sqlx::QueryBuilder<$db>| {
                qb.push("classification IN (").push_bind(levels[0]).push(", ").push_bind(levels[1]);
                qb.push(", ").push_bind(levels[2]).push(")");
            };
            qb.push(" AND (");
            if viewer.role == Role::Administrator {
                push_levels(qb);
                qb.push(")");
                return;
            }
            let agency = viewer.agency.as_str();
            qb.push("reporter_account = ").push_bind(viewer.account_id);
            qb.push(" OR id IN (SELECT report_id FROM report_share WHERE revoked_at_ms IS NULL AND agency = ");
            qb.push_bind(agency).push(") OR (");
            push_levels(qb);
            qb.push(" AND (");
            if viewer.may(Action::ReadReports) {
                qb.push("classification = 'biasa' OR ");
            }
            qb.push("source_agency = ").push_bind(agency);
            qb.push(" OR id IN (SELECT report_id FROM report_route WHERE agency = ").push_bind(agency).push("))))");
        }

        /// ` WHERE` the token (`t`) belongs to an account (`a`) that `owners` names.
        fn push_token_owners(qb: &mut sqlx::QueryBuilder<$db>, owners: &$crate::TokenOwners) {
            match owners {
                $crate::TokenOwners::Account(id) => {
                    qb.push(" WHERE t.account_id = ").push_bind(*id);
                }
                $crate::TokenOwners::Within(sinergi_domain::auth::Scope::National) => {
                    qb.push(" WHERE 1 = 1");
                }
                // A national account (no scope) lies inside no region.
                $crate::TokenOwners::Within(sinergi_domain::auth::Scope::Region(code)) => {
                    let (from, to) = $crate::inside_range(code);
                    qb.push(" WHERE (a.scope = ").push_bind(code.to_string());
                    qb.push(" OR (a.scope >= ").push_bind(from).push(" AND a.scope < ").push_bind(to).push("))");
                }
            }
        }

        /// Adds the conditions (after a `WHERE`, starting with ` AND`) that a report counts in a scan: its status,
        /// its classification and its time.
        fn push_scan_filter(qb: &mut sqlx::QueryBuilder<$db>, filter: &$crate::ScanCaseFilter) {
            qb.push("status IN (");
            let mut list = qb.separated(", ");
            for status in &filter.statuses {
                list.push_bind(status.clone());
            }
            qb.push(") AND classification IN (");
            let mut list = qb.separated(", ");
            for level in &filter.classifications {
                list.push_bind(level.clone());
            }
            qb.push(") AND occurred_at_ms >= ").push_bind(filter.from_ms);
            qb.push(" AND occurred_at_ms < ").push_bind(filter.to_ms);
        }

        /// Narrows an alert query (after a `WHERE`) to the alerts with at least one village inside `region` (none
        /// for the whole nation).
        fn push_alert_region(qb: &mut sqlx::QueryBuilder<$db>, region: Option<&sinergi_domain::RegionCode>) {
            if let Some(code) = region {
                let (from, to) = $crate::inside_range(code);
                qb.push(" AND EXISTS (SELECT 1 FROM scan_alert_village v WHERE v.alert_id = scan_alert.id AND ");
                qb.push("(v.village_code = ").push_bind(code.to_string());
                qb.push(" OR (v.village_code >= ").push_bind(from).push(" AND v.village_code < ").push_bind(to);
                qb.push(")))");
            }
        }

        /// The villages of an alert, nearest the centre first, with their names and centroids.
        async fn alert_villages(
            pool: &sqlx::Pool<$db>,
            alert_id: i64,
        ) -> $crate::Result<Vec<$crate::AlertVillage>> {
            let rows: Vec<(String, String, Option<f64>, Option<f64>)> = sqlx::query_as(
                "SELECT v.village_code, r.name, r.lat, r.lng FROM scan_alert_village v \
                 JOIN region r ON r.code = v.village_code WHERE v.alert_id = $1 ORDER BY v.position",
            )
            .bind(alert_id)
            .fetch_all(pool)
            .await?;
            rows.into_iter()
                .map(|(code, name, lat, lng)| {
                    Ok($crate::AlertVillage {
                        code: $crate::stored_code(&code)?,
                        name,
                        centroid: match (lat, lng) {
                            (Some(lat), Some(lng)) => Some(sinergi_domain::LatLng::new(lat, lng)),
                            _ => None,
                        },
                    })
                })
                .collect()
        }

        /// The history entry of a share or a revocation: the status stays, the reason names the agency.
        async fn share_event(
            tx: &mut sqlx::Transaction<'_, $db>,
            share: &$crate::ShareMove,
            action: &str,
            status: &str,
        ) -> $crate::Result<()> {
            sqlx::query(
                "INSERT INTO report_event (report_id, at_ms, account_id, actor, action, from_status, to_status, \
                 reason) VALUES ($1, $2, $3, $4, $5, $6, $6, $7)",
            )
            .bind(share.report_id)
            .bind(share.at_ms)
            .bind(share.account_id)
            .bind(share.actor.as_str())
            .bind(format!("{action}:{}", share.agency.as_str()))
            .bind(status)
            .bind(share.reason.as_str())
            .execute(&mut **tx)
            .await?;
            Ok(())
        }

        /// The TPS with this id when it lies in the viewer's territory, read through a pool or inside a
        /// transaction.
        async fn tps_in_territory<'e, E: sqlx::Executor<'e, Database = $db>>(
            executor: E,
            viewer: &sinergi_domain::access::Viewer,
            id: i64,
        ) -> $crate::Result<Option<$crate::TpsRecord>> {
            let t = $crate::territory(viewer);
            let sql = concat!(
                $crate::queries::tps_select!(),
                " WHERE t.id = $1 AND ",
                $crate::queries::covered!("t.village_code", "$2", "$3", "$4")
            );
            let row: Option<$crate::TpsRow> =
                sqlx::query_as(sql).bind(id).bind(t.exact).bind(t.from).bind(t.to).fetch_optional(executor).await?;
            row.map($crate::TpsRow::into_record).transpose()
        }

        /// One assessment as read for classifying: id, TPS, agency, time, stored class, stored causes, answers.
        type AssessmentFacts = (i64, i64, String, i64, String, String, String);

        /// The class (index) and causes (`variable.indicator;…`) of one answer text under `set`.
        fn outcome_of(
            set: &sinergi_domain::vulnerability::IndicatorSet,
            codec: &sinergi_domain::vulnerability::AnswerCodec,
            text: &str,
        ) -> (usize, String) {
            let mut answers = Vec::new();
            codec.decode_into(text, &mut answers);
            let outcome = set.classify(&answers);
            let causes = outcome.causes.iter().map(|i| set.indicator_name(*i)).collect::<Vec<_>>().join(";");
            (outcome.class, causes)
        }

        /// From assessments ordered by TPS, agency and newest first, each with the class and causes of its answers
        /// (from `answer_class`): each TPS's current class (class index, disagreement, causes).
        fn current_classes(
            set: &sinergi_domain::vulnerability::IndicatorSet,
            rows: &[AssessmentFacts],
        ) -> Vec<(i64, usize, bool, String)> {
            let index: std::collections::HashMap<&str, usize> =
                set.classes.iter().enumerate().map(|(i, c)| (c.id.as_str(), i)).collect();
            let mut current = Vec::new();
            // The latest assessment of each agency for the TPS being read: (class, time, its causes).
            let mut latest: Vec<(usize, i64, &str)> = Vec::new();
            let finish = |tps: i64, latest: &mut Vec<(usize, i64, &str)>, current: &mut Vec<(i64, usize, bool, String)>| {
                let pairs: Vec<(usize, i64)> = latest.iter().map(|(c, at, _)| (*c, *at)).collect();
                if let Some((class, disagree)) = set.current_class(&pairs) {
                    let deciding = latest.iter().filter(|(c, _, _)| *c == class).max_by_key(|(_, at, _)| *at);
                    current.push((tps, class, disagree, deciding.map(|(_, _, causes)| (*causes).to_owned()).unwrap_or_default()));
                }
                latest.clear();
            };
            for (i, (_, tps, agency, at, class, causes, _)) in rows.iter().enumerate() {
                if i > 0 && rows[i - 1].1 != *tps {
                    finish(rows[i - 1].1, &mut latest, &mut current);
                }
                let newest_of_agency = i == 0 || rows[i - 1].1 != *tps || rows[i - 1].2 != *agency;
                if newest_of_agency {
                    latest.push((index.get(class.as_str()).copied().unwrap_or(0), *at, causes.as_str()));
                }
            }
            if let Some(last) = rows.last() {
                finish(last.1, &mut latest, &mut current);
            }
            current
        }

        /// Brings `answer_class` up to the set's rules for these answer texts (every text of the set with `None`);
        /// returns the texts whose class or causes changed (new texts included).
        async fn sync_answer_classes(
            tx: &mut sqlx::Transaction<'_, $db>,
            set: &sinergi_domain::vulnerability::IndicatorSet,
            texts: Option<&[String]>,
        ) -> $crate::Result<Vec<String>> {
            let codec = sinergi_domain::vulnerability::AnswerCodec::new(set);
            let mut stored: std::collections::HashMap<String, (String, String)> = std::collections::HashMap::new();
            let wanted: Vec<String> = match texts {
                Some(texts) => {
                    for chunk in texts.chunks($crate::queries::BATCH) {
                        let mut qb = sqlx::QueryBuilder::<$db>::new(
                            "SELECT answers, class, causes FROM answer_class WHERE set_id = ",
                        );
                        qb.push_bind(set.id.as_str()).push(" AND answers IN (");
                        let mut list = qb.separated(", ");
                        for text in chunk {
                            list.push_bind(text.as_str());
                        }
                        qb.push(")");
                        let rows: Vec<(String, String, String)> = qb.build_query_as().fetch_all(&mut **tx).await?;
                        stored.extend(rows.into_iter().map(|(a, c, k)| (a, (c, k))));
                    }
                    texts.to_vec()
                }
                None => {
                    let rows: Vec<(String, String, String)> =
                        sqlx::query_as("SELECT answers, class, causes FROM answer_class WHERE set_id = $1")
                            .bind(set.id.as_str())
                            .fetch_all(&mut **tx)
                            .await?;
                    let all = rows.iter().map(|(a, _, _)| a.clone()).collect();
                    stored.extend(rows.into_iter().map(|(a, c, k)| (a, (c, k))));
                    all
                }
            };
            let mut changed: Vec<(String, usize, String)> = Vec::new();
            for text in wanted {
                let (class, causes) = outcome_of(set, &codec, &text);
                let same = stored.get(&text).is_some_and(|(c, k)| *c == set.classes[class].id && *k == causes);
                if !same && !changed.iter().any(|(t, _, _)| *t == text) {
                    changed.push((text, class, causes));
                }
            }
            for chunk in changed.chunks($crate::queries::BATCH) {
                let mut qb = sqlx::QueryBuilder::<$db>::new("INSERT INTO answer_class (set_id, answers, class, causes) ");
                qb.push_values(chunk, |mut b, (text, class, causes)| {
                    b.push_bind(set.id.as_str())
                        .push_bind(text.as_str())
                        .push_bind(set.classes[*class].id.as_str())
                        .push_bind(causes.as_str());
                });
                qb.push(
                    " ON CONFLICT (set_id, answers) DO UPDATE SET class = excluded.class, causes = excluded.causes",
                );
                qb.build().execute(&mut **tx).await?;
            }
            Ok(changed.into_iter().map(|(text, _, _)| text).collect())
        }

        /// The assessments of these TPS under a set, ordered for [`classify_assessments`].
        async fn facts_of(
            tx: &mut sqlx::Transaction<'_, $db>,
            set_id: &str,
            tps_ids: &[i64],
        ) -> $crate::Result<Vec<AssessmentFacts>> {
            let mut rows: Vec<AssessmentFacts> = Vec::new();
            for chunk in tps_ids.chunks($crate::queries::BATCH) {
                let mut qb = sqlx::QueryBuilder::<$db>::new(
                    "SELECT a.id, a.tps_id, a.agency, a.assessed_at_ms, c.class, c.causes, a.answers FROM assessment a \
                     JOIN answer_class c ON c.set_id = a.set_id AND c.answers = a.answers WHERE a.set_id = ",
                );
                qb.push_bind(set_id).push(" AND a.tps_id IN (");
                let mut list = qb.separated(", ");
                for id in chunk {
                    list.push_bind(*id);
                }
                qb.push(") ORDER BY a.tps_id, a.agency, a.assessed_at_ms DESC, a.id DESC");
                rows.extend(qb.build_query_as::<AssessmentFacts>().fetch_all(&mut **tx).await?);
            }
            Ok(rows)
        }

        /// Writes the classes that differ from what is stored: assessments' classes, then TPS classes. Returns how
        /// many TPS changed class.
        async fn store_classes(
            tx: &mut sqlx::Transaction<'_, $db>,
            set: &sinergi_domain::vulnerability::IndicatorSet,
            tps_ids: Option<&[i64]>,
            current: &[(i64, usize, bool, String)],
        ) -> $crate::Result<u64> {
            let mut stored: std::collections::HashMap<i64, (String, bool, String)> = std::collections::HashMap::new();
            let chunks: Vec<Option<&[i64]>> = match tps_ids {
                None => vec![None],
                Some(ids) => ids.chunks($crate::queries::BATCH).map(Some).collect(),
            };
            for chunk in chunks {
                let mut qb = sqlx::QueryBuilder::<$db>::new(
                    "SELECT tps_id, class, disagree, causes FROM tps_class WHERE set_id = ",
                );
                qb.push_bind(set.id.as_str());
                if let Some(ids) = chunk {
                    qb.push(" AND tps_id IN (");
                    let mut list = qb.separated(", ");
                    for id in ids {
                        list.push_bind(*id);
                    }
                    qb.push(")");
                }
                let rows: Vec<(i64, String, bool, String)> = qb.build_query_as().fetch_all(&mut **tx).await?;
                stored.extend(rows.into_iter().map(|(id, c, d, causes)| (id, (c, d, causes))));
            }
            let differing: Vec<&(i64, usize, bool, String)> = current
                .iter()
                .filter(|(tps, class, disagree, causes)| {
                    stored.get(tps).is_none_or(|(c, d, k)| *c != set.classes[*class].id || d != disagree || k != causes)
                })
                .collect();
            let moved = differing
                .iter()
                .filter(|(tps, class, _, _)| stored.get(tps).is_none_or(|(c, _, _)| *c != set.classes[*class].id))
                .count() as u64;
            for chunk in differing.chunks($crate::queries::BATCH) {
                let mut qb =
                    sqlx::QueryBuilder::<$db>::new("INSERT INTO tps_class (tps_id, set_id, class, disagree, causes) ");
                qb.push_values(chunk, |mut b, (tps, class, disagree, causes)| {
                    b.push_bind(*tps)
                        .push_bind(set.id.as_str())
                        .push_bind(set.classes[*class].id.as_str())
                        .push_bind(*disagree)
                        .push_bind(causes.as_str());
                });
                qb.push(
                    " ON CONFLICT (tps_id, set_id) DO UPDATE SET class = excluded.class, disagree = excluded.disagree, \
                     causes = excluded.causes",
                );
                qb.build().execute(&mut **tx).await?;
            }
            Ok(moved)
        }

        /// Binds a TPS's eight columns as `$1`–`$8`, in the order of the `tps` table.
        fn bind_tps<'q>(
            query: sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments>,
            tps: &'q sinergi_domain::Tps,
        ) -> sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments> {
            query
                .bind(tps.village.as_str())
                .bind(i64::from(tps.number))
                .bind(tps.address.as_str())
                .bind(tps.location.map(|c| c.lat))
                .bind(tps.location.map(|c| c.lng))
                .bind(i64::from(tps.voters))
                .bind(tps.access.as_str())
                .bind(tps.synthetic)
        }

        #[async_trait::async_trait]
        impl $crate::Store for $store {
            fn backend(&self) -> $crate::Backend {
                $backend
            }

            async fn upsert_regions(&self, regions: &[sinergi_domain::Region]) -> $crate::Result<u64> {
                // Parents sort before their children, so foreign keys hold at every row.
                let mut sorted: Vec<&sinergi_domain::Region> = regions.iter().collect();
                sorted.sort_by(|a, b| a.code.cmp(&b.code));
                let mut tx = begin_write(&self.pool).await?;
                let mut written = 0;
                for chunk in sorted.chunks($crate::queries::BATCH) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new("INSERT INTO region (code, name, level, parent, lat, lng) ");
                    qb.push_values(chunk, |mut b, r| {
                        b.push_bind(r.code.as_str())
                            .push_bind(r.name.as_str())
                            .push_bind(i64::from(r.code.level().number()))
                            .push_bind(r.code.parent().map(|p| p.to_string()))
                            .push_bind(r.centroid.map(|c| c.lat))
                            .push_bind(r.centroid.map(|c| c.lng));
                    });
                    qb.push(
                        " ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level, \
                         parent = excluded.parent, lat = excluded.lat, lng = excluded.lng",
                    );
                    written += qb.build().execute(&mut *tx).await?.rows_affected();
                }
                tx.commit().await?;
                Ok(written)
            }

            async fn region(
                &self,
                viewer: &sinergi_domain::access::Viewer,
                code: &sinergi_domain::RegionCode,
            ) -> $crate::Result<Option<$crate::RegionInfo>> {
                if !viewer.may(sinergi_domain::access::Action::ReadRegions) || !viewer.sees_region(code) {
                    return Ok(None);
                }
                let sql = concat!($crate::queries::region_select!(), " WHERE code = $1");
                let row: Option<$crate::RegionRow> =
                    sqlx::query_as(sql).bind(code.as_str()).fetch_optional(&self.pool).await?;
                row.map($crate::RegionRow::into_info).transpose()
            }

            async fn children(
                &self,
                viewer: &sinergi_domain::access::Viewer,
                parent: Option<&sinergi_domain::RegionCode>,
            ) -> $crate::Result<Vec<$crate::RegionInfo>> {
                if !viewer.may(sinergi_domain::access::Action::ReadRegions) {
                    return Ok(Vec::new());
                }
                let rows: Vec<$crate::RegionRow> = match parent {
                    Some(parent) => {
                        let sql = concat!($crate::queries::region_select!(), " WHERE parent = $1 ORDER BY code");
                        sqlx::query_as(sql).bind(parent.as_str()).fetch_all(&self.pool).await?
                    }
                    None => {
                        let sql = concat!($crate::queries::region_select!(), " WHERE level = 1 ORDER BY code");
                        sqlx::query_as(sql).fetch_all(&self.pool).await?
                    }
                };
                let regions = rows.into_iter().map($crate::RegionRow::into_info).collect::<$crate::Result<Vec<_>>>()?;
                Ok(regions.into_iter().filter(|r| viewer.sees_region(&r.code)).collect())
            }

            async fn search_regions(
                &self,
                viewer: &sinergi_domain::access::Viewer,
                query: &str,
                limit: u32,
            ) -> $crate::Result<Vec<$crate::RegionInfo>> {
                if !viewer.may(sinergi_domain::access::Action::ReadRegions) {
                    return Ok(Vec::new());
                }
                let needle = $crate::like_escape(&query.trim().to_lowercase());
                let t = $crate::territory(viewer);
                let sql = concat!(
                    $crate::queries::region_select!(),
                    " WHERE LOWER(name) LIKE $1 ESCAPE '\\' AND ",
                    $crate::queries::seen!("code", "$4", "$5", "$6", "$7", "$8", "$9"),
                    " ORDER BY CASE WHEN LOWER(name) LIKE $2 ESCAPE '\\' THEN 0 ELSE 1 END, level, name, code LIMIT $3"
                );
                let rows: Vec<$crate::RegionRow> = sqlx::query_as(sql)
                    .bind(format!("%{needle}%"))
                    .bind(format!("{needle}%"))
                    .bind(i64::from(limit))
                    .bind(t.exact)
                    .bind(t.from)
                    .bind(t.to)
                    .bind(&t.ancestors[0])
                    .bind(&t.ancestors[1])
                    .bind(&t.ancestors[2])
                    .fetch_all(&self.pool)
                    .await?;
                rows.into_iter().map($crate::RegionRow::into_info).collect()
            }

            async fn region_codes(&self) -> $crate::Result<std::collections::HashSet<sinergi_domain::RegionCode>> {
                let rows: Vec<(String,)> = sqlx::query_as("SELECT code FROM region").fetch_all(&self.pool).await?;
                rows.iter().map(|(c,)| $crate::stored_code(c)).collect()
            }

            async fn count_regions(&self) -> $crate::Result<u64> {
                let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM region").fetch_one(&self.pool).await?;
                Ok(n as u64)
            }

            async fn mapped_regencies(
                &self,
                viewer: &sinergi_domain::access::Viewer,
            ) -> $crate::Result<Vec<$crate::RegionInfo>> {
                if !viewer.may(sinergi_domain::access::Action::ReadRegions) {
                    return Ok(Vec::new());
                }
                let sql = concat!(
                    $crate::queries::region_select!(),
                    " WHERE level = 2 AND code IN \
                     (SELECT DISTINCT substr(code, 1, 5) FROM region WHERE level = 3 AND boundary IS NOT NULL) \
                     ORDER BY code"
                );
                let rows: Vec<$crate::RegionRow> = sqlx::query_as(sql).fetch_all(&self.pool).await?;
                let regions = rows.into_iter().map($crate::RegionRow::into_info).collect::<$crate::Result<Vec<_>>>()?;
                Ok(regions.into_iter().filter(|r| viewer.sees_region(&r.code)).collect())
            }

            async fn set_boundaries(
                &self,
                boundaries: &[(sinergi_domain::RegionCode, sinergi_domain::Boundary)],
            ) -> $crate::Result<u64> {
                let mut tx = begin_write(&self.pool).await?;
                for (code, boundary) in boundaries {
                    let bbox = boundary.bbox();
                    let done = sqlx::query(
                        "UPDATE region SET boundary = $2, min_lat = $3, min_lng = $4, max_lat = $5, max_lng = $6 \
                         WHERE code = $1",
                    )
                    .bind(code.as_str())
                    .bind(boundary.to_geojson_string())
                    .bind(bbox.map(|b| b.min_lat))
                    .bind(bbox.map(|b| b.min_lng))
                    .bind(bbox.map(|b| b.max_lat))
                    .bind(bbox.map(|b| b.max_lng))
                    .execute(&mut *tx)
                    .await?;
                    if done.rows_affected() != 1 {
                        // Dropping the transaction rolls back the boundaries already set.
                        return Err($crate::StoreError::InvalidReference(format!("region {code} does not exist")));
                    }
                }
                tx.commit().await?;
                Ok(boundaries.len() as u64)
            }

            async fn boundaries(
                &self,
                viewer: &sinergi_domain::access::Viewer,
                within: &sinergi_domain::RegionCode,
                level: sinergi_domain::Level,
            ) -> $crate::Result<Vec<$crate::BoundaryFeature>> {
                let Some(within) = viewer.narrow(within) else { return Ok(Vec::new()) };
                if !viewer.may(sinergi_domain::access::Action::ReadRegions) {
                    return Ok(Vec::new());
                }
                let within = &within;
                let (from, to) = $crate::inside_range(within);
                let rows: Vec<(String, String, String)> = sqlx::query_as(
                    "SELECT code, name, boundary FROM region \
                     WHERE ((code >= $1 AND code < $2) OR code = $4) AND level = $3 AND boundary IS NOT NULL \
                     ORDER BY code",
                )
                .bind(from)
                .bind(to)
                .bind(i64::from(level.number()))
                .bind(within.as_str())
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter()
                    .map(|(code, name, geometry)| {
                        Ok($crate::BoundaryFeature { code: $crate::stored_code(&code)?, name, geometry })
                    })
                    .collect()
            }

            async fn boundary(
                &self,
                viewer: &sinergi_domain::access::Viewer,
                code: &sinergi_domain::RegionCode,
            ) -> $crate::Result<Option<sinergi_domain::Boundary>> {
                if !viewer.may(sinergi_domain::access::Action::ReadRegions) || !viewer.sees_region(code) {
                    return Ok(None);
                }
                let row: Option<(Option<String>,)> = sqlx::query_as("SELECT boundary FROM region WHERE code = $1")
                    .bind(code.as_str())
                    .fetch_optional(&self.pool)
                    .await?;
                match row.and_then(|(g,)| g) {
                    None => Ok(None),
                    Some(text) => sinergi_domain::Boundary::from_geojson_str(&text)
                        .map(Some)
                        .map_err(|e| $crate::StoreError::Internal(format!("stored boundary of {code}: {e}"))),
                }
            }

            async fn upsert_tps(&self, tps: &[sinergi_domain::Tps]) -> $crate::Result<u64> {
                let mut tx = begin_write(&self.pool).await?;
                let mut written = 0;
                for chunk in tps.chunks($crate::queries::BATCH) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO tps (village_code, number, address, lat, lng, voters, access, synthetic) ",
                    );
                    qb.push_values(chunk, |mut b, t| {
                        b.push_bind(t.village.as_str())
                            .push_bind(i64::from(t.number))
                            .push_bind(t.address.as_str())
                            .push_bind(t.location.map(|c| c.lat))
                            .push_bind(t.location.map(|c| c.lng))
                            .push_bind(i64::from(t.voters))
                            .push_bind(t.access.as_str())
                            .push_bind(t.synthetic);
                    });
                    qb.push(
                        " ON CONFLICT (village_code, number) DO UPDATE SET address = excluded.address, \
                         lat = excluded.lat, lng = excluded.lng, voters = excluded.voters, \
                         access = excluded.access, synthetic = excluded.synthetic",
                    );
                    written += qb.build().execute(&mut *tx).await?.rows_affected();
                }
                tx.commit().await?;
                Ok(written)
            }

            async fn create_tps(
                &self,
                viewer: &sinergi_domain::access::Viewer,
                tps: &sinergi_domain::Tps,
                audit: &sinergi_domain::audit::AuditEvent,
            ) -> $crate::Result<$crate::TpsRecord> {
                use sqlx::Row as _;
                if !viewer.may(sinergi_domain::access::Action::WriteTps) || !viewer.covers(&tps.village) {
                    return Err($crate::StoreError::InvalidReference(format!("village {} is outside the scope", tps.village)));
                }
                let mut tx = begin_write(&self.pool).await?;
                lock_audit_head(&mut tx).await?;
                let insert = sqlx::query(
                    "INSERT INTO tps (village_code, number, address, lat, lng, voters, access, synthetic) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                );
                let id: i64 = bind_tps(insert, tps).fetch_one(&mut *tx).await?.try_get(0)?;
                let mut event = audit.clone();
                event.target = format!("tps:{id}");
                append_in(&mut tx, &event).await?;
                tx.commit().await?;
                self.tps(viewer, id).await?.ok_or_else(|| $crate::StoreError::Internal("created TPS vanished".into()))
            }

            async fn update_tps(
                &self,
                viewer: &sinergi_domain::access::Viewer,
                id: i64,
                tps: &sinergi_domain::Tps,
                audit: &sinergi_domain::audit::AuditEvent,
            ) -> $crate::Result<Option<$crate::TpsRecord>> {
                if !viewer.may(sinergi_domain::access::Action::WriteTps) {
                    return Ok(None);
                }
                if !viewer.covers(&tps.village) {
                    return Err($crate::StoreError::InvalidReference(format!("village {} is outside the scope", tps.village)));
                }
                let mut tx = begin_write(&self.pool).await?;
                lock_audit_head(&mut tx).await?;
                let Some(before) = tps_in_territory(&mut *tx, viewer, id).await? else { return Ok(None) };
                let update = sqlx::query(
                    "UPDATE tps SET village_code = $1, number = $2, address = $3, lat = $4, lng = $5, \
                     voters = $6, access = $7, synthetic = $8 WHERE id = $9",
                );
                bind_tps(update, tps).bind(id).execute(&mut *tx).await?;
                let mut event = audit.clone();
                event.target = format!("tps:{id}");
                event.detail = sinergi_domain::tps::changes(&before.tps, tps);
                append_in(&mut tx, &event).await?;
                tx.commit().await?;
                self.tps(viewer, id).await
            }

            async fn tps(
                &self,
                viewer: &sinergi_domain::access::Viewer,
                id: i64,
            ) -> $crate::Result<Option<$crate::TpsRecord>> {
                if !viewer.may(sinergi_domain::access::Action::ReadTps) {
                    return Ok(None);
                }
                tps_in_territory(&self.pool, viewer, id).await
            }

            async fn list_tps(
                &self,
                viewer: &sinergi_domain::access::Viewer,
                within: &sinergi_domain::RegionCode,
                page: $crate::Page,
            ) -> $crate::Result<(Vec<$crate::TpsRecord>, u64)> {
                let Some(within) = viewer.narrow(within) else { return Ok((Vec::new(), 0)) };
                if !viewer.may(sinergi_domain::access::Action::ReadTps) {
                    return Ok((Vec::new(), 0));
                }
                let within = &within;
                let (from, to) = $crate::inside_range(within);
                let sql = concat!(
                    $crate::queries::tps_select!(),
                    " WHERE ",
                    $crate::queries::tps_within!(),
                    " ORDER BY t.village_code, t.number LIMIT $4 OFFSET $5"
                );
                let rows: Vec<$crate::TpsRow> = sqlx::query_as(sql)
                    .bind(within.as_str())
                    .bind(&from)
                    .bind(&to)
                    .bind(i64::from(page.size))
                    .bind(page.offset())
                    .fetch_all(&self.pool)
                    .await?;
                let total = self.tps_stats(viewer, within).await?.tps;
                let records = rows.into_iter().map($crate::TpsRow::into_record).collect::<$crate::Result<_>>()?;
                Ok((records, total))
            }

            async fn all_tps(
                &self,
                viewer: &sinergi_domain::access::Viewer,
                within: &sinergi_domain::RegionCode,
            ) -> $crate::Result<Vec<$crate::TpsRecord>> {
                let Some(within) = viewer.narrow(within) else { return Ok(Vec::new()) };
                if !viewer.may(sinergi_domain::access::Action::ReadTps) {
                    return Ok(Vec::new());
                }
                let within = &within;
                let (from, to) = $crate::inside_range(within);
                let sql = concat!(
                    $crate::queries::tps_select!(),
                    " WHERE ",
                    $crate::queries::tps_within!(),
                    " ORDER BY t.village_code, t.number"
                );
                let rows: Vec<$crate::TpsRow> =
                    sqlx::query_as(sql).bind(within.as_str()).bind(from).bind(to).fetch_all(&self.pool).await?;
                rows.into_iter().map($crate::TpsRow::into_record).collect()
            }

            async fn tps_stats(
                &self,
                viewer: &sinergi_domain::access::Viewer,
                within: &sinergi_domain::RegionCode,
            ) -> $crate::Result<$crate::TpsStats> {
                let Some(within) = viewer.narrow(within) else { return Ok($crate::TpsStats::default()) };
                if !viewer.may(sinergi_domain::access::Action::ReadTps) {
                    return Ok($crate::TpsStats::default());
                }
                let within = &within;
                let (from, to) = $crate::inside_range(within);
                let sql = concat!(
                    "SELECT COUNT(*), CAST(COALESCE(SUM(t.voters), 0) AS BIGINT) FROM tps t WHERE ",
                    $crate::queries::tps_within!()
                );
                let (tps, voters): (i64, i64) =
                    sqlx::query_as(sql).bind(within.as_str()).bind(from).bind(to).fetch_one(&self.pool).await?;
                Ok($crate::TpsStats { tps: tps as u64, voters: voters as u64 })
            }

            async fn tps_stats_by_child(
                &self,
                viewer: &sinergi_domain::access::Viewer,
                parent: Option<&sinergi_domain::RegionCode>,
            ) -> $crate::Result<std::collections::HashMap<sinergi_domain::RegionCode, $crate::TpsStats>> {
                if !viewer.may(sinergi_domain::access::Action::ReadTps) {
                    return Ok(Default::default());
                }
                let (from, to) = $crate::queries::scope(parent);
                let t = $crate::territory(viewer);
                let sql = concat!(
                    "SELECT substr(village_code, 1, $1) AS child, COUNT(*), CAST(COALESCE(SUM(voters), 0) AS BIGINT) \
                     FROM tps WHERE village_code >= $2 AND village_code < $3 AND ",
                    $crate::queries::covered!("village_code", "$4", "$5", "$6"),
                    " GROUP BY 1"
                );
                let rows: Vec<(String, i64, i64)> = sqlx::query_as(sql)
                .bind($crate::queries::child_code_len(parent))
                .bind(from)
                .bind(to)
                .bind(t.exact)
                .bind(t.from)
                .bind(t.to)
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter()
                    .map(|(code, tps, voters)| {
                        Ok(($crate::stored_code(&code)?, $crate::TpsStats { tps: tps as u64, voters: voters as u64 }))
                    })
                    .collect()
            }

            async fn count_synthetic_tps(&self) -> $crate::Result<u64> {
                let (n,): (i64,) =
                    sqlx::query_as("SELECT COUNT(*) FROM tps WHERE synthetic").fetch_one(&self.pool).await?;
                Ok(n as u64)
            }

            async fn upsert_units(&self, units: &[sinergi_domain::Unit]) -> $crate::Result<u64> {
                let mut tx = begin_write(&self.pool).await?;
                let mut written = 0;
                for chunk in units.chunks($crate::queries::BATCH) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO unit (code, kind, agency, name, territory, parent_code, phone, email, address, \
                         personnel) ",
                    );
                    qb.push_values(chunk, |mut b, u| {
                        b.push_bind(u.code.as_str())
                            .push_bind(u.kind.as_str())
                            .push_bind(u.agency().as_str())
                            .push_bind(u.name.as_str())
                            .push_bind(u.territory.as_str())
                            .push_bind(u.parent.as_deref())
                            .push_bind(u.contact.phone.as_deref())
                            .push_bind(u.contact.email.as_deref())
                            .push_bind(u.contact.address.as_deref())
                            .push_bind(i64::from(u.personnel));
                    });
                    qb.push(
                        " ON CONFLICT (code) DO UPDATE SET kind = excluded.kind, agency = excluded.agency, \
                         name = excluded.name, territory = excluded.territory, parent_code = excluded.parent_code, \
                         phone = excluded.phone, email = excluded.email, address = excluded.address, \
                         personnel = excluded.personnel",
                    );
                    written += qb.build().execute(&mut *tx).await?.rows_affected();
                }
                tx.commit().await?;
                Ok(written)
            }

            async fn unit(
                &self,
                viewer: &sinergi_domain::access::Viewer,
                code: &str,
            ) -> $crate::Result<Option<sinergi_domain::Unit>> {
                if !viewer.may(sinergi_domain::access::Action::ReadUnits) {
                    return Ok(None);
                }
                let sql = concat!($crate::queries::unit_select!(), " WHERE code = $1");
                let row: Option<$crate::UnitRow> = sqlx::query_as(sql).bind(code).fetch_optional(&self.pool).await?;
                let unit = row.map($crate::UnitRow::into_unit).transpose()?;
                Ok(unit.filter(|u| viewer.sees_region(&u.territory)))
            }

            async fn unit_codes(&self) -> $crate::Result<std::collections::HashSet<String>> {
                let rows: Vec<(String,)> = sqlx::query_as("SELECT code FROM unit").fetch_all(&self.pool).await?;
                Ok(rows.into_iter().map(|(c,)| c).collect())
            }

            async fn list_units(
                &self,
                viewer: &sinergi_domain::access::Viewer,
                filter: &$crate::UnitFilter,
                page: $crate::Page,
            ) -> $crate::Result<(Vec<sinergi_domain::Unit>, u64)> {
                if !viewer.may(sinergi_domain::access::Action::ReadUnits) {
                    return Ok((Vec::new(), 0));
                }
                let t = $crate::territory(viewer);
                // The same WHERE clause for the page and for the count.
                fn push_where(qb: &mut sqlx::QueryBuilder<$db>, t: &$crate::Territory, filter: &$crate::UnitFilter) {
                    push_seen(qb, "territory", t);
                    if let Some(agency) = filter.agency {
                        qb.push(" AND agency = ").push_bind(agency.as_str());
                    }
                    if let Some(kind) = filter.kind {
                        qb.push(" AND kind = ").push_bind(kind.as_str());
                    }
                    if let Some(at) = &filter.at {
                        qb.push(" AND territory = ").push_bind(at.as_str());
                    }
                    if let Some(within) = &filter.within {
                        let (from, to) = $crate::inside_range(within);
                        qb.push(" AND (territory = ").push_bind(within.as_str());
                        qb.push(" OR (territory >= ").push_bind(from);
                        qb.push(" AND territory < ").push_bind(to).push("))");
                    }
                }
                let mut qb = sqlx::QueryBuilder::<$db>::new($crate::queries::unit_select!());
                push_where(&mut qb, &t, filter);
                qb.push(" ORDER BY territory, kind, code LIMIT ").push_bind(i64::from(page.size));
                qb.push(" OFFSET ").push_bind(page.offset());
                let rows: Vec<$crate::UnitRow> = qb.build_query_as().fetch_all(&self.pool).await?;
                let mut count = sqlx::QueryBuilder::<$db>::new("SELECT COUNT(*) FROM unit");
                push_where(&mut count, &t, filter);
                let (total,): (i64,) = count.build_query_as().fetch_one(&self.pool).await?;
                let units = rows.into_iter().map($crate::UnitRow::into_unit).collect::<$crate::Result<_>>()?;
                Ok((units, total as u64))
            }

            async fn agency_summaries(
                &self,
                viewer: &sinergi_domain::access::Viewer,
            ) -> $crate::Result<Vec<$crate::AgencySummary>> {
                let rows: Vec<(String, i64, i64)> = if viewer.may(sinergi_domain::access::Action::ReadUnits) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new(
                        "SELECT agency, COUNT(*), CAST(COALESCE(SUM(personnel), 0) AS BIGINT) FROM unit",
                    );
                    push_seen(&mut qb, "territory", &$crate::territory(viewer));
                    qb.push(" GROUP BY agency");
                    qb.build_query_as().fetch_all(&self.pool).await?
                } else {
                    Vec::new()
                };
                let mut out: Vec<$crate::AgencySummary> = sinergi_domain::AgencyKind::ALL
                    .iter()
                    .map(|&agency| $crate::AgencySummary { agency, units: 0, personnel: 0 })
                    .collect();
                for (agency, units, personnel) in rows {
                    if let Some(entry) = out.iter_mut().find(|s| s.agency.as_str() == agency) {
                        entry.units = units as u64;
                        entry.personnel = personnel as u64;
                    }
                }
                Ok(out)
            }

            async fn create_user(
                &self,
                user: &$crate::NewUser,
                audit: &sinergi_domain::audit::AuditEvent,
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
                let sql = concat!($crate::queries::user_select!(), " WHERE a.username = $1");
                let row: Option<$crate::UserRow> = sqlx::query_as(sql).bind(username).fetch_optional(&self.pool).await?;
                row.map($crate::UserRow::into_record).transpose()
            }

            async fn user(&self, id: i64) -> $crate::Result<Option<$crate::UserRecord>> {
                let sql = concat!($crate::queries::user_select!(), " WHERE a.id = $1");
                let row: Option<$crate::UserRow> = sqlx::query_as(sql).bind(id).fetch_optional(&self.pool).await?;
                row.map($crate::UserRow::into_record).transpose()
            }

            async fn list_users(&self) -> $crate::Result<Vec<$crate::UserRecord>> {
                let sql = concat!($crate::queries::user_select!(), " ORDER BY a.username");
                let rows: Vec<$crate::UserRow> = sqlx::query_as(sql).fetch_all(&self.pool).await?;
                rows.into_iter().map($crate::UserRow::into_record).collect()
            }

            async fn set_phone(
                &self,
                username: &str,
                phone: Option<&str>,
                audit: &sinergi_domain::audit::AuditEvent,
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
                    $crate::queries::user_select!(),
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
                audit: &sinergi_domain::audit::AuditEvent,
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
                    sqlx::query($crate::queries::END_SESSIONS_OF_USER)
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
                audit: &sinergi_domain::audit::AuditEvent,
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
                sqlx::query($crate::queries::END_SESSIONS_OF_USER)
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
                event: &sinergi_domain::audit::AuditEvent,
            ) -> $crate::Result<sinergi_domain::audit::AuditEntry> {
                let mut tx = begin_write(&self.pool).await?;
                let entry = append_in(&mut tx, event).await?;
                tx.commit().await?;
                Ok(entry)
            }

            async fn audit_entries(
                &self,
                after: i64,
                limit: u32,
            ) -> $crate::Result<Vec<sinergi_domain::audit::AuditEntry>> {
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
                audit: &sinergi_domain::audit::AuditEvent,
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
                let sql = concat!($crate::queries::token_select!(), " WHERE t.id = $1");
                let row: Option<$crate::TokenRow> = sqlx::query_as(sql).bind(id).fetch_optional(&self.pool).await?;
                let Some(row) = row else { return Ok(None) };
                let record = row.into_record()?;
                let Some(user) = self.user(record.account_id).await? else { return Ok(None) };
                Ok(Some((record, user)))
            }

            async fn list_tokens(&self, owners: &$crate::TokenOwners) -> $crate::Result<Vec<$crate::TokenRecord>> {
                let mut qb = sqlx::QueryBuilder::<$db>::new($crate::queries::token_select!());
                push_token_owners(&mut qb, owners);
                qb.push(" ORDER BY t.created_at_ms DESC, t.id");
                let rows: Vec<$crate::TokenRow> = qb.build_query_as().fetch_all(&self.pool).await?;
                rows.into_iter().map($crate::TokenRow::into_record).collect()
            }

            async fn revoke_token(
                &self,
                id: &str,
                owners: &$crate::TokenOwners,
                audit: &sinergi_domain::audit::AuditEvent,
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
                    let role_value = sinergi_domain::auth::Role::parse(&role).ok_or_else(bad)?;
                    let agency_value = if agency.is_empty() {
                        None
                    } else {
                        Some(sinergi_domain::AgencyKind::parse(&agency).ok_or_else(bad)?)
                    };
                    let level_value = sinergi_domain::auth::Classification::parse(&level).ok_or_else(bad)?;
                    rules.push(sinergi_domain::access::ClearanceRule { role: role_value, agency: agency_value, level: level_value });
                }
                Ok(sinergi_domain::access::ClearancePolicy { rules })
            }

            async fn set_clearance_rule(
                &self,
                rule: &sinergi_domain::access::ClearanceRule,
                audit: &sinergi_domain::audit::AuditEvent,
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
                role: sinergi_domain::auth::Role,
                agency: Option<sinergi_domain::AgencyKind>,
                audit: &sinergi_domain::audit::AuditEvent,
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

            async fn put_indicator_set(
                &self,
                set: &sinergi_domain::vulnerability::IndicatorSet,
                definition: &str,
                audit: &sinergi_domain::audit::AuditEvent,
            ) -> $crate::Result<()> {
                let mut tx = begin_write(&self.pool).await?;
                lock_audit_head(&mut tx).await?;
                sqlx::query(
                    "INSERT INTO indicator_set (id, version, definition, loaded_at_ms) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (id) DO UPDATE SET version = excluded.version, definition = excluded.definition, \
                     loaded_at_ms = excluded.loaded_at_ms",
                )
                .bind(set.id.as_str())
                .bind(set.version.as_str())
                .bind(definition)
                .bind(audit.at_ms)
                .execute(&mut *tx)
                .await?;
                append_in(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn indicator_sets(&self) -> $crate::Result<Vec<$crate::StoredSet>> {
                let rows: Vec<(String, String, String, i64)> =
                    sqlx::query_as("SELECT id, version, definition, loaded_at_ms FROM indicator_set ORDER BY id")
                        .fetch_all(&self.pool)
                        .await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, version, definition, loaded_at_ms)| $crate::StoredSet { id, version, definition, loaded_at_ms })
                    .collect())
            }

            async fn add_assessments(
                &self,
                set: &sinergi_domain::vulnerability::IndicatorSet,
                items: &[$crate::NewAssessment],
                audit: &sinergi_domain::audit::AuditEvent,
            ) -> $crate::Result<u64> {
                let codec = sinergi_domain::vulnerability::AnswerCodec::new(set);
                let mut tx = begin_write(&self.pool).await?;
                lock_audit_head(&mut tx).await?;
                for chunk in items.chunks($crate::queries::BATCH / 2) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO assessment (tps_id, set_id, set_version, agency, assessor, account_id, \
                         assessed_at_ms, recorded_at_ms, answers, evidence, class, causes, photo, photo_type) ",
                    );
                    qb.push_values(chunk, |mut b, a| {
                        let outcome = set.classify(&a.answers);
                        let causes =
                            outcome.causes.iter().map(|i| set.indicator_name(*i)).collect::<Vec<_>>().join(";");
                        b.push_bind(a.tps_id)
                            .push_bind(set.id.as_str())
                            .push_bind(set.version.as_str())
                            .push_bind(a.agency.as_str())
                            .push_bind(a.assessor.as_str())
                            .push_bind(a.account_id)
                            .push_bind(a.assessed_at_ms)
                            .push_bind(a.recorded_at_ms)
                            .push_bind(codec.encode(&a.answers))
                            .push_bind(a.evidence.as_str())
                            .push_bind(set.classes[outcome.class].id.clone())
                            .push_bind(causes)
                            .push_bind(a.photo.as_ref().map(|(_, bytes)| bytes.as_slice()))
                            .push_bind(a.photo.as_ref().map(|(media, _)| media.as_str()));
                    });
                    qb.build().execute(&mut *tx).await?;
                }
                let mut texts: Vec<String> = items.iter().map(|a| codec.encode(&a.answers)).collect();
                texts.sort_unstable();
                texts.dedup();
                sync_answer_classes(&mut tx, set, Some(&texts)).await?;
                let mut tps_ids: Vec<i64> = items.iter().map(|a| a.tps_id).collect();
                tps_ids.sort_unstable();
                tps_ids.dedup();
                let rows = facts_of(&mut tx, &set.id, &tps_ids).await?;
                let current = current_classes(set, &rows);
                store_classes(&mut tx, set, Some(&tps_ids), &current).await?;
                append_in(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(items.len() as u64)
            }

            async fn assessments(
                &self,
                viewer: &sinergi_domain::access::Viewer,
                tps_id: i64,
                set_id: &str,
            ) -> $crate::Result<Vec<$crate::AssessmentRecord>> {
                if !viewer.may(sinergi_domain::access::Action::ReadTps)
                    || tps_in_territory(&self.pool, viewer, tps_id).await?.is_none()
                {
                    return Ok(Vec::new());
                }
                let rows: Vec<(i64, i64, String, String, String, String, i64, i64, String, String, String, bool)> = sqlx::query_as(
                    "SELECT a.id, a.tps_id, a.set_id, a.set_version, a.agency, a.assessor, a.assessed_at_ms, \
                     a.recorded_at_ms, a.answers, a.evidence, COALESCE(c.class, a.class) AS class, \
                     a.photo IS NOT NULL AS has_photo FROM assessment a \
                     LEFT JOIN answer_class c ON c.set_id = a.set_id AND c.answers = a.answers \
                     WHERE a.tps_id = $1 AND a.set_id = $2 ORDER BY a.assessed_at_ms DESC, a.id DESC",
                )
                .bind(tps_id)
                .bind(set_id)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, tps_id, set_id, set_version, agency, assessor, assessed_at_ms, recorded_at_ms, answers, evidence, class, has_photo)| {
                        $crate::AssessmentRecord {
                            id, tps_id, set_id, set_version, agency, assessor, assessed_at_ms, recorded_at_ms, answers, evidence, class, has_photo,
                        }
                    })
                    .collect())
            }

            async fn assessment_photo(
                &self,
                viewer: &sinergi_domain::access::Viewer,
                id: i64,
            ) -> $crate::Result<Option<(String, Vec<u8>)>> {
                let row: Option<(i64, Option<String>, Option<Vec<u8>>)> =
                    sqlx::query_as("SELECT tps_id, photo_type, photo FROM assessment WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await?;
                let Some((tps_id, Some(media), Some(bytes))) = row else { return Ok(None) };
                if !viewer.may(sinergi_domain::access::Action::ReadTps)
                    || tps_in_territory(&self.pool, viewer, tps_id).await?.is_none()
                {
                    return Ok(None);
                }
                Ok(Some((media, bytes)))
            }

            async fn tps_classes(
                &self,
                viewer: &sinergi_domain::access::Viewer,
                set_id: &str,
                within: &sinergi_domain::RegionCode,
            ) -> $crate::Result<Vec<$crate::TpsClassRecord>> {
                let Some(within) = viewer.narrow(within) else { return Ok(Vec::new()) };
                if !viewer.may(sinergi_domain::access::Action::ReadTps) {
                    return Ok(Vec::new());
                }
                let (from, to) = $crate::inside_range(&within);
                let sql = concat!(
                    "SELECT c.tps_id, t.village_code, t.number, c.class, c.disagree, c.causes \
                     FROM tps_class c JOIN tps t ON t.id = c.tps_id WHERE c.set_id = $4 AND ",
                    $crate::queries::tps_within!(),
                    " ORDER BY t.village_code, t.number"
                );
                let rows: Vec<(i64, String, i64, String, bool, String)> = sqlx::query_as(sql)
                    .bind(within.as_str())
                    .bind(from)
                    .bind(to)
                    .bind(set_id)
                    .fetch_all(&self.pool)
                    .await?;
                rows.into_iter()
                    .map(|(tps_id, village, number, class, disagree, causes)| {
                        Ok($crate::TpsClassRecord {
                            tps_id,
                            village_code: $crate::stored_code(&village)?,
                            number: number as u32,
                            class,
                            disagree,
                            causes: causes.split(';').filter(|c| !c.is_empty()).map(str::to_owned).collect(),
                        })
                    })
                    .collect()
            }

            async fn add_area_assessments(
                &self,
                set: &sinergi_domain::vulnerability::IndicatorSet,
                items: &[$crate::NewAreaAssessment],
                audit: &sinergi_domain::audit::AuditEvent,
            ) -> $crate::Result<u64> {
                let codec = sinergi_domain::vulnerability::AnswerCodec::area(set);
                let mut tx = begin_write(&self.pool).await?;
                lock_audit_head(&mut tx).await?;
                for chunk in items.chunks($crate::queries::BATCH / 2) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO area_assessment (region_code, set_id, set_version, agency, assessor, account_id, \
                         assessed_at_ms, recorded_at_ms, answers, evidence) ",
                    );
                    qb.push_values(chunk, |mut b, a| {
                        b.push_bind(a.region.as_str())
                            .push_bind(set.id.as_str())
                            .push_bind(set.version.as_str())
                            .push_bind(a.agency.as_str())
                            .push_bind(a.assessor.as_str())
                            .push_bind(a.account_id)
                            .push_bind(a.assessed_at_ms)
                            .push_bind(a.recorded_at_ms)
                            .push_bind(codec.encode(&a.answers))
                            .push_bind(a.evidence.as_str());
                    });
                    qb.build().execute(&mut *tx).await?;
                }
                append_in(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(items.len() as u64)
            }

            async fn area_assessments(
                &self,
                viewer: &sinergi_domain::access::Viewer,
                set_id: &str,
                within: &sinergi_domain::RegionCode,
            ) -> $crate::Result<Vec<$crate::AreaAssessmentRecord>> {
                if !viewer.may(sinergi_domain::access::Action::ReadTps) {
                    return Ok(Vec::new());
                }
                // Inside: the part of `within` in the territory. Above: `within`'s ancestors the viewer sees.
                let inside = viewer.narrow(within);
                let (exact, (from, to)) = match &inside {
                    Some(code) => (code.to_string(), $crate::inside_range(code)),
                    None => (String::new(), (String::new(), String::new())),
                };
                let mut above: [String; 3] = Default::default();
                for (slot, a) in above.iter_mut().zip(within.ancestors().into_iter().filter(|a| viewer.sees_region(a))) {
                    *slot = a.to_string();
                }
                let rows: Vec<(i64, String, String, String, String, String, i64, i64, String, String)> = sqlx::query_as(
                    "SELECT id, region_code, set_id, set_version, agency, assessor, assessed_at_ms, recorded_at_ms, \
                     answers, evidence FROM area_assessment WHERE set_id = $1 AND (region_code = $2 \
                     OR (region_code >= $3 AND region_code < $4) OR region_code IN ($5, $6, $7)) \
                     ORDER BY region_code, assessed_at_ms DESC, id DESC",
                )
                .bind(set_id)
                .bind(exact)
                .bind(from)
                .bind(to)
                .bind(&above[0])
                .bind(&above[1])
                .bind(&above[2])
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter()
                    .map(|(id, region, set_id, set_version, agency, assessor, assessed_at_ms, recorded_at_ms, answers, evidence)| {
                        Ok($crate::AreaAssessmentRecord {
                            id,
                            region_code: $crate::stored_code(&region)?,
                            set_id,
                            set_version,
                            agency,
                            assessor,
                            assessed_at_ms,
                            recorded_at_ms,
                            answers,
                            evidence,
                        })
                    })
                    .collect()
            }

            async fn village_shapes(
                &self,
            ) -> $crate::Result<Vec<(sinergi_domain::RegionCode, sinergi_domain::LatLng, Option<String>)>> {
                // Village codes are the only ones with four segments (three dots).
                let rows: Vec<(String, f64, f64, Option<String>)> = sqlx::query_as(
                    "SELECT code, lat, lng, boundary FROM region \
                     WHERE LENGTH(code) = 13 AND lat IS NOT NULL AND lng IS NOT NULL",
                )
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter()
                    .map(|(code, lat, lng, boundary)| {
                        Ok(($crate::stored_code(&code)?, sinergi_domain::LatLng::new(lat, lng), boundary))
                    })
                    .collect()
            }

            async fn file_reports(&self, reports: &[$crate::NewReport]) -> $crate::Result<Vec<$crate::Filed>> {
                // SQLite files on a thread of its own (sqlite_writer.rs); what follows is PostgreSQL's way, and an
                // in-memory SQLite database's.
                if let Some(writer) = self.report_writer() {
                    return writer.file(reports).await;
                }
                // A group of reports is written with a few statements of many rows each, not a few statements per
                // report: at thousands of reports a second the cost of a statement, not of a row, is what counts.
                // Statements vary in size with the group, so they are not kept prepared (`persistent(false)`):
                // they would push the everyday statements out of the cache.
                let mut tx = begin_write(&self.pool).await?;
                let keys = $crate::filing::keys(reports);
                let mut known: std::collections::HashMap<String, i64> = std::collections::HashMap::new();
                let wanted: Vec<&str> = keys.iter().flatten().map(String::as_str).collect();
                for chunk in wanted.chunks($crate::queries::BATCH) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new(
                        "SELECT idempotency_key, id FROM report WHERE idempotency_key IN (",
                    );
                    let mut list = qb.separated(", ");
                    for key in chunk {
                        list.push_bind(*key);
                    }
                    qb.push(")");
                    let rows: Vec<(String, i64)> = qb.build_query_as().persistent(false).fetch_all(&mut *tx).await?;
                    known.extend(rows);
                }
                let slots = $crate::filing::slots(&keys, &known);
                let fresh: Vec<usize> =
                    (0..reports.len()).filter(|&i| matches!(slots[i], $crate::filing::Slot::New)).collect();
                let mut ids: Vec<Option<i64>> = vec![None; reports.len()];
                for chunk in fresh.chunks($crate::queries::BATCH) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO report (kind, category, severity, status, occurred_at_ms, reported_at_ms, \
                         updated_at_ms, village_code, tps_id, lat, lng, description, source_agency, source_person, \
                         reporter_account, channel, classification, idempotency_key) ",
                    );
                    // No grid cell (`place_cell`): the duplicate search gives each report its cell when it first
                    // looks at it.
                    qb.push_values(chunk, |mut row, &i| {
                        let r = &reports[i];
                        row.push_bind(r.kind.as_str())
                            .push_bind(r.category.as_str())
                            .push_bind(i64::from(r.severity.number()))
                            .push_bind("reported")
                            .push_bind(r.occurred_at_ms)
                            .push_bind(r.reported_at_ms)
                            .push_bind(r.reported_at_ms)
                            .push_bind(r.village.as_str())
                            .push_bind(r.tps_id)
                            .push_bind(r.location.map(|l| l.lat))
                            .push_bind(r.location.map(|l| l.lng))
                            .push_bind(r.description.as_str())
                            .push_bind(r.source_agency.as_str())
                            .push_bind(r.source_person.as_str())
                            .push_bind(r.reporter_account)
                            .push_bind(r.channel.as_str())
                            .push_bind(r.classification.as_str())
                            .push_bind(keys[i].as_deref());
                    });
                    qb.push(" RETURNING id, idempotency_key");
                    let mut rows: Vec<(i64, Option<String>)> =
                        qb.build_query_as().persistent(false).fetch_all(&mut *tx).await?;
                    // Rows are numbered in the order of the VALUES list (SQLite's rowids and PostgreSQL's identity
                    // both count up as rows are inserted), though RETURNING may list them in another order. The
                    // keys check that pairing, so a database that numbered otherwise fails loudly, not silently.
                    rows.sort_unstable_by_key(|(id, _)| *id);
                    if rows.len() != chunk.len() {
                        return Err($crate::StoreError::Internal("a report of the group was not stored".into()));
                    }
                    for (&i, (id, key)) in chunk.iter().zip(rows) {
                        if key != keys[i] {
                            return Err($crate::StoreError::Internal("stored reports came back out of order".into()));
                        }
                        ids[i] = Some(id);
                    }
                }
                let filed: Vec<(usize, i64)> = fresh.iter().filter_map(|&i| ids[i].map(|id| (i, id))).collect();
                for chunk in filed.chunks($crate::queries::BATCH) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO report_event (report_id, at_ms, account_id, actor, action, from_status, \
                         to_status, reason) ",
                    );
                    qb.push_values(chunk, |mut row, &(i, id)| {
                        let r = &reports[i];
                        row.push_bind(id)
                            .push_bind(r.reported_at_ms)
                            .push_bind(r.reporter_account)
                            .push_bind(r.source_person.as_str())
                            .push_bind("create")
                            .push_bind(None::<String>)
                            .push_bind("reported")
                            .push_bind("");
                    });
                    qb.build().persistent(false).execute(&mut *tx).await?;
                }
                let routes: Vec<(i64, i64, &sinergi_domain::incident::routing::Routed)> = filed
                    .iter()
                    .flat_map(|&(i, id)| reports[i].routes.iter().map(move |route| (id, reports[i].reported_at_ms, route)))
                    .collect();
                for chunk in routes.chunks($crate::queries::BATCH) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO report_route (report_id, unit_code, agency, role, at_ms) ",
                    );
                    qb.push_values(chunk, |mut row, &(id, at_ms, route)| {
                        row.push_bind(id)
                            .push_bind(route.unit_code.as_str())
                            .push_bind(route.agency.as_str())
                            .push_bind(route.role.as_str())
                            .push_bind(at_ms);
                    });
                    qb.build().persistent(false).execute(&mut *tx).await?;
                }
                let entries: Vec<(i64, &str)> = filed.iter().map(|&(_, id)| (id, "filed")).collect();
                let at_ms = reports.iter().map(|r| r.reported_at_ms).max().unwrap_or(0);
                append_feed(&mut tx, &entries, at_ms).await?;
                tx.commit().await?;
                $crate::filing::answers(slots, &ids)
            }

            async fn report(
                &self,
                viewer: &sinergi_domain::access::Viewer,
                id: i64,
            ) -> $crate::Result<Option<$crate::ReportRecord>> {
                if !viewer.reads_reports() {
                    return Ok(None);
                }
                let mut qb = sqlx::QueryBuilder::<$db>::new(concat!($crate::queries::report_select!(), " WHERE id = "));
                qb.push_bind(id);
                push_report_access(&mut qb, viewer);
                let row: Option<$crate::ReportRow> = qb.build_query_as().fetch_optional(&self.pool).await?;
                let Some(record) = row.map($crate::ReportRow::into_record).transpose()? else { return Ok(None) };
                Ok(viewer.covers(&record.village_code).then_some(record))
            }

            async fn reports(
                &self,
                viewer: &sinergi_domain::access::Viewer,
                filter: &$crate::ReportFilter,
                page: $crate::Page,
            ) -> $crate::Result<(Vec<$crate::ReportRecord>, u64)> {
                if !viewer.reads_reports() {
                    return Ok((Vec::new(), 0));
                }
                let region = match &filter.within {
                    Some(code) => viewer.narrow(code),
                    None => match &viewer.scope {
                        sinergi_domain::auth::Scope::National => None,
                        sinergi_domain::auth::Scope::Region(code) => Some(code.clone()),
                    },
                };
                if filter.within.is_some() && region.is_none() {
                    return Ok((Vec::new(), 0));
                }
                let push_where = |qb: &mut sqlx::QueryBuilder<$db>| {
                    qb.push(" WHERE 1 = 1");
                    push_report_access(qb, viewer);
                    if let Some(code) = &region {
                        push_report_region(qb, code);
                    }
                    if let Some(status) = &filter.status {
                        qb.push(" AND status = ").push_bind(status.clone());
                    }
                    if let Some(category) = &filter.category {
                        qb.push(" AND category = ").push_bind(category.clone());
                    }
                    if let Some(min) = filter.min_severity {
                        qb.push(" AND severity >= ").push_bind(i64::from(min));
                    }
                    if let Some(agency) = &filter.source_agency {
                        qb.push(" AND source_agency = ").push_bind(agency.clone());
                    }
                    if let Some(from) = filter.from_ms {
                        qb.push(" AND occurred_at_ms >= ").push_bind(from);
                    }
                    if let Some(to) = filter.to_ms {
                        qb.push(" AND occurred_at_ms < ").push_bind(to);
                    }
                    if filter.open {
                        qb.push(" AND status IN ('reported', 'verified', 'assigned')");
                    }
                    if let Some(agency) = filter.routed_to {
                        // An agency's queue: what it must act on, and what was shared with it.
                        qb.push(" AND (id IN (SELECT report_id FROM report_route WHERE role = 'responsible' AND agency = ");
                        qb.push_bind(agency.as_str());
                        qb.push(") OR id IN (SELECT report_id FROM report_share WHERE revoked_at_ms IS NULL AND agency = ");
                        qb.push_bind(agency.as_str()).push("))");
                    }
                };
                let mut count = sqlx::QueryBuilder::<$db>::new("SELECT COUNT(*) FROM report");
                push_where(&mut count);
                let (total,): (i64,) = count.build_query_as().fetch_one(&self.pool).await?;
                let mut qb = sqlx::QueryBuilder::<$db>::new($crate::queries::report_select!());
                push_where(&mut qb);
                qb.push(" ORDER BY occurred_at_ms DESC, id DESC LIMIT ").push_bind(i64::from(page.size));
                qb.push(" OFFSET ").push_bind(page.offset());
                let rows: Vec<$crate::ReportRow> = qb.build_query_as().fetch_all(&self.pool).await?;
                let records = rows.into_iter().map($crate::ReportRow::into_record).collect::<$crate::Result<_>>()?;
                Ok((records, total as u64))
            }

            async fn move_report(&self, step: &$crate::ReportMove) -> $crate::Result<()> {
                let mut tx = begin_write(&self.pool).await?;
                let moved = sqlx::query("UPDATE report SET status = $1, updated_at_ms = $2 WHERE id = $3 AND status = $4")
                    .bind(step.to.as_str())
                    .bind(step.at_ms)
                    .bind(step.report_id)
                    .bind(step.from.as_str())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if moved != 1 {
                    return Err($crate::StoreError::Conflict(format!(
                        "report {} is no longer {}",
                        step.report_id,
                        step.from.as_str()
                    )));
                }
                sqlx::query(
                    "INSERT INTO report_event (report_id, at_ms, account_id, actor, action, from_status, to_status, \
                     reject_reason, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(step.report_id)
                .bind(step.at_ms)
                .bind(step.account_id)
                .bind(step.actor.as_str())
                .bind(step.action.as_str())
                .bind(step.from.as_str())
                .bind(step.to.as_str())
                .bind(step.reject_reason.map(|r| r.as_str()))
                .bind(step.reason.as_str())
                .execute(&mut *tx)
                .await?;
                append_feed(&mut tx, &[(step.report_id, "moved")], step.at_ms).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn report_routes(&self, report_id: i64) -> $crate::Result<Vec<$crate::RouteRecord>> {
                routes_of(&self.pool, concat!($crate::queries::routes_select!("report_route"), " r.report_id = $1 ", $crate::queries::routes_order!()), report_id).await
            }

            async fn queue_counts(
                &self,
                viewer: &sinergi_domain::access::Viewer,
                agency: sinergi_domain::AgencyKind,
            ) -> $crate::Result<std::collections::HashMap<String, u64>> {
                if !viewer.reads_reports() {
                    return Ok(Default::default());
                }
                let mut qb = sqlx::QueryBuilder::<$db>::new("SELECT status, COUNT(*) FROM report WHERE 1 = 1");
                if let sinergi_domain::auth::Scope::Region(code) = &viewer.scope {
                    push_report_region(&mut qb, code);
                }
                push_report_access(&mut qb, viewer);
                qb.push(" AND (id IN (SELECT report_id FROM report_route WHERE role = 'responsible' AND agency = ");
                qb.push_bind(agency.as_str());
                qb.push(") OR id IN (SELECT report_id FROM report_share WHERE revoked_at_ms IS NULL AND agency = ");
                qb.push_bind(agency.as_str()).push(")) GROUP BY status");
                let rows: Vec<(String, i64)> = qb.build_query_as().fetch_all(&self.pool).await?;
                Ok(rows.into_iter().map(|(s, n)| (s, n as u64)).collect())
            }

            async fn units_over(&self, village: &sinergi_domain::RegionCode) -> $crate::Result<Vec<sinergi_domain::Unit>> {
                let mut codes: Vec<String> = village.ancestors().iter().map(|c| c.to_string()).collect();
                codes.push(village.to_string());
                codes.resize(4, String::new());
                let sql = concat!($crate::queries::unit_select!(), " WHERE territory IN ($1, $2, $3, $4) ORDER BY code");
                let rows: Vec<$crate::UnitRow> = sqlx::query_as(sql)
                    .bind(&codes[0])
                    .bind(&codes[1])
                    .bind(&codes[2])
                    .bind(&codes[3])
                    .fetch_all(&self.pool)
                    .await?;
                rows.into_iter().map($crate::UnitRow::into_unit).collect()
            }

            async fn report_history(&self, report_id: i64) -> $crate::Result<Vec<$crate::ReportEventRecord>> {
                let rows: Vec<(i64, i64, i64, Option<i64>, String, String, Option<String>, String, Option<String>, String)> =
                    sqlx::query_as(
                        "SELECT id, report_id, at_ms, account_id, actor, action, from_status, to_status, reject_reason, \
                         reason FROM report_event WHERE report_id = $1 ORDER BY id",
                    )
                    .bind(report_id)
                    .fetch_all(&self.pool)
                    .await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, report_id, at_ms, account_id, actor, action, from_status, to_status, reject_reason, reason)| {
                        $crate::ReportEventRecord {
                            id, report_id, at_ms, account_id, actor, action, from_status, to_status, reject_reason, reason,
                        }
                    })
                    .collect())
            }

            async fn add_comment(
                &self,
                report_id: i64,
                at_ms: i64,
                account_id: Option<i64>,
                author: &str,
                agency: &str,
                body: &str,
            ) -> $crate::Result<i64> {
                let mut tx = begin_write(&self.pool).await?;
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO report_comment (report_id, at_ms, account_id, author, agency, body) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(report_id)
                .bind(at_ms)
                .bind(account_id)
                .bind(author)
                .bind(agency)
                .bind(body)
                .fetch_one(&mut *tx)
                .await?;
                append_feed(&mut tx, &[(report_id, "commented")], at_ms).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn comments(&self, report_id: i64) -> $crate::Result<Vec<$crate::CommentRecord>> {
                let rows: Vec<(i64, i64, i64, Option<i64>, String, String, String)> = sqlx::query_as(
                    "SELECT id, report_id, at_ms, account_id, author, agency, body FROM report_comment \
                     WHERE report_id = $1 ORDER BY id",
                )
                .bind(report_id)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, report_id, at_ms, account_id, author, agency, body)| $crate::CommentRecord {
                        id, report_id, at_ms, account_id, author, agency, body,
                    })
                    .collect())
            }

            async fn feed_head(&self) -> $crate::Result<i64> {
                let (head,): (Option<i64>,) =
                    sqlx::query_as("SELECT MAX(seq) FROM report_feed").fetch_one(&self.pool).await?;
                Ok(head.unwrap_or(0))
            }

            async fn feed_after(&self, after: i64, limit: u32) -> $crate::Result<Vec<$crate::FeedEntry>> {
                let rows: Vec<(i64, i64, String, i64)> = sqlx::query_as(
                    "SELECT seq, report_id, kind, at_ms FROM report_feed WHERE seq > $1 ORDER BY seq LIMIT $2",
                )
                .bind(after)
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(seq, report_id, kind, at_ms)| $crate::FeedEntry { seq, report_id, kind, at_ms })
                    .collect())
            }

            async fn share_report(&self, share: &$crate::ShareMove) -> $crate::Result<()> {
                let mut tx = begin_write(&self.pool).await?;
                let (status,): (String,) = sqlx::query_as("SELECT status FROM report WHERE id = $1")
                    .bind(share.report_id)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or_else(|| $crate::StoreError::InvalidReference(format!("report {}", share.report_id)))?;
                // The partial unique index refuses a second active share of the same agency (a Conflict).
                sqlx::query(
                    "INSERT INTO report_share (report_id, agency, shared_at_ms, shared_by_account, shared_by, reason) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(share.report_id)
                .bind(share.agency.as_str())
                .bind(share.at_ms)
                .bind(share.account_id)
                .bind(share.actor.as_str())
                .bind(share.reason.as_str())
                .execute(&mut *tx)
                .await?;
                share_event(&mut tx, share, "share", &status).await?;
                append_feed(&mut tx, &[(share.report_id, "shared")], share.at_ms).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn revoke_share(&self, revoke: &$crate::ShareMove) -> $crate::Result<()> {
                let mut tx = begin_write(&self.pool).await?;
                let (status,): (String,) = sqlx::query_as("SELECT status FROM report WHERE id = $1")
                    .bind(revoke.report_id)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or_else(|| $crate::StoreError::InvalidReference(format!("report {}", revoke.report_id)))?;
                let revoked = sqlx::query(
                    "UPDATE report_share SET revoked_at_ms = $1, revoked_by = $2, revoke_reason = $3 \
                     WHERE report_id = $4 AND agency = $5 AND revoked_at_ms IS NULL",
                )
                .bind(revoke.at_ms)
                .bind(revoke.actor.as_str())
                .bind(revoke.reason.as_str())
                .bind(revoke.report_id)
                .bind(revoke.agency.as_str())
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if revoked == 0 {
                    return Err($crate::StoreError::Conflict(format!(
                        "report {} is not shared with {}",
                        revoke.report_id,
                        revoke.agency.as_str()
                    )));
                }
                share_event(&mut tx, revoke, "revoke", &status).await?;
                append_feed(&mut tx, &[(revoke.report_id, "revoked")], revoke.at_ms).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn report_shares(&self, report_id: i64) -> $crate::Result<Vec<$crate::ShareRecord>> {
                type Row = (i64, i64, String, i64, String, String, Option<i64>, Option<String>, Option<String>);
                let rows: Vec<Row> = sqlx::query_as(
                    "SELECT id, report_id, agency, shared_at_ms, shared_by, reason, revoked_at_ms, revoked_by, \
                     revoke_reason FROM report_share WHERE report_id = $1 ORDER BY id",
                )
                .bind(report_id)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, report_id, agency, shared_at_ms, shared_by, reason, revoked_at_ms, revoked_by, revoke_reason)| {
                        $crate::ShareRecord {
                            id, report_id, agency, shared_at_ms, shared_by, reason, revoked_at_ms, revoked_by, revoke_reason,
                        }
                    })
                    .collect())
            }

            async fn record_escalation(&self, e: &$crate::NewEscalation) -> $crate::Result<bool> {
                let mut tx = begin_write(&self.pool).await?;
                let inserted = sqlx::query(
                    "INSERT INTO report_escalation (report_id, stage, since_ms, steps, at_ms) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                )
                .bind(e.report_id)
                .bind(e.stage.as_str())
                .bind(e.since_ms)
                .bind(i64::from(e.steps))
                .bind(e.at_ms)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if inserted == 0 {
                    return Ok(false);
                }
                sqlx::query(
                    "INSERT INTO report_event (report_id, at_ms, account_id, actor, action, from_status, to_status, \
                     reason) VALUES ($1, $2, NULL, 'sinergi', $3, $4, $4, $5)",
                )
                .bind(e.report_id)
                .bind(e.at_ms)
                .bind(format!("escalate_{}", e.stage.as_str()))
                .bind(e.status.as_str())
                .bind(e.reason.as_str())
                .execute(&mut *tx)
                .await?;
                append_feed(&mut tx, &[(e.report_id, "escalated")], e.at_ms).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn escalations_due(
                &self,
                limits: &[sinergi_domain::incident::Limit],
                now_ms: i64,
                after_id: i64,
                limit: u32,
            ) -> $crate::Result<Vec<$crate::ReportRecord>> {
                if limits.is_empty() {
                    return Ok(Vec::new());
                }
                // Each open report's limit in milliseconds: verification while reported, action once verified or
                // assigned (`Status::awaits_verification`, `awaits_action`), as `escalation::overdue` reads them.
                let mut qb = sqlx::QueryBuilder::<$db>::new(
                    "SELECT * FROM (SELECT o.*, CASE WHEN o.status = 'reported' THEN CASE o.severity",
                );
                for l in limits {
                    qb.push(" WHEN ").push_bind(i64::from(l.severity.number()));
                    qb.push(" THEN ").push_bind(i64::from(l.verify_minutes.max(1)) * 60_000);
                }
                qb.push(" END ELSE CASE o.severity");
                for l in limits {
                    qb.push(" WHEN ").push_bind(i64::from(l.severity.number()));
                    qb.push(" THEN ").push_bind(i64::from(l.act_minutes.max(1)) * 60_000);
                }
                qb.push(concat!(" END END AS span_ms FROM (", $crate::queries::report_select!()));
                qb.push(" WHERE status IN ('reported', 'verified', 'assigned') AND id > ").push_bind(after_id);
                qb.push(") o) d WHERE d.status_since_ms + d.span_ms <= ").push_bind(now_ms);
                // The step due now is the second once twice the limit has passed; the sweep records both steps
                // together, so a recorded step due now means nothing is left to record.
                qb.push(
                    " AND NOT EXISTS (SELECT 1 FROM report_escalation x WHERE x.report_id = d.id \
                     AND x.stage = CASE WHEN d.status = 'reported' THEN 'verify' ELSE 'act' END \
                     AND x.since_ms = d.status_since_ms AND x.steps = CASE WHEN d.status_since_ms + 2 * d.span_ms <= ",
                );
                qb.push_bind(now_ms).push(" THEN 2 ELSE 1 END) ORDER BY d.id LIMIT ").push_bind(i64::from(limit));
                let rows: Vec<$crate::ReportRow> = qb.build_query_as().fetch_all(&self.pool).await?;
                rows.into_iter().map($crate::ReportRow::into_record).collect()
            }

            async fn link_duplicates(
                &self,
                report_ids: &[i64],
                rule: sinergi_domain::incident::duplicates::DuplicateRule,
                at_ms: i64,
            ) -> $crate::Result<u64> {
                use sinergi_domain::incident::duplicates::{Candidate, cells_around, probable_duplicates};
                /// Links made for one report at most, nearest first.
                const MOST_LINKS: usize = 5;
                /// Candidates weighed for one report at most, the nearest in time first: in a dense burst (one
                /// event reported by a whole village, or a load test) the few cells around hold thousands.
                const MOST_CANDIDATES: usize = 100;
                /// Of which each cell gives at most this many before the report, and as many after.
                const MOST_EACH_WAY: usize = 50;
                // A report's place for this purpose: its coordinates, else its village's centre.
                macro_rules! placed {
                    () => {
                        "SELECT r.id, r.category, r.occurred_at_ms, COALESCE(r.lat, g.lat), COALESCE(r.lng, g.lng) \
                         FROM report r JOIN region g ON g.code = r.village_code"
                    };
                }
                type Row = (i64, String, i64, Option<f64>, Option<f64>);
                let candidate = |(id, category, at_ms, lat, lng): Row| {
                    Some(Candidate { id, category, at_ms, point: sinergi_domain::LatLng::new(lat?, lng?) })
                };
                // Everything is read first, outside a transaction (readers run beside the report writer); only
                // the reports' cells and the links found are written, in short transactions. A report rejected
                // in between may still be linked; the verifier sees it rejected.
                let mut links: Vec<(i64, i64, f64, i64)> = Vec::new();
                for chunk in report_ids.chunks($crate::queries::BATCH) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new(
                        "SELECT r.id, r.category, r.occurred_at_ms, COALESCE(r.lat, g.lat), COALESCE(r.lng, g.lng), \
                         r.status FROM report r LEFT JOIN region g ON g.code = r.village_code WHERE r.id IN (",
                    );
                    // Every report read is placed, even one whose place cannot be known (`NO_CELL`): one left
                    // unplaced would be listed again and again by `unplaced_reports`.
                    let mut list = qb.separated(", ");
                    for id in chunk {
                        list.push_bind(*id);
                    }
                    qb.push(")");
                    let read: Vec<(i64, String, i64, Option<f64>, Option<f64>, String)> =
                        qb.build_query_as().persistent(false).fetch_all(&self.pool).await?;
                    // Each report gets its cell before any search of the chunk: the reports of one chunk find
                    // each other, and a report filed on another instance and searched later finds these.
                    place_reports(&self.pool, &read).await?;
                    let news = read
                        .into_iter()
                        .filter(|row| row.5 != "rejected")
                        .filter_map(|(id, category, at_ms, lat, lng, _)| candidate((id, category, at_ms, lat, lng)));
                    for new in news {
                        let cells = cells_around(new.point, rule.radius_m);
                        if cells.is_empty() {
                            continue;
                        }
                        // The nearest in time of each cell around, before and after, read from the index alone
                        // (category, cell, time) in its order: no row is visited, nothing is sorted but these few,
                        // however many reports the cells hold. Of those, the nearest in time are weighed.
                        let mut qb = sqlx::QueryBuilder::<$db>::new("WITH near (id, at_ms) AS (");
                        for (n, cell) in cells.iter().enumerate() {
                            for (side, (from, to, order)) in [
                                (new.at_ms.saturating_sub(rule.window_ms), new.at_ms, "DESC"),
                                (new.at_ms.saturating_add(1), new.at_ms.saturating_add(rule.window_ms), "ASC"),
                            ]
                            .into_iter()
                            .enumerate()
                            {
                                if n > 0 || side > 0 {
                                    qb.push(" UNION ALL ");
                                }
                                qb.push("SELECT id, occurred_at_ms FROM (SELECT id, occurred_at_ms FROM report WHERE category = ");
                                qb.push_bind(new.category.as_str()).push(" AND place_cell = ").push_bind(*cell);
                                qb.push(" AND occurred_at_ms >= ").push_bind(from).push(" AND occurred_at_ms <= ").push_bind(to);
                                qb.push(format_args!(" ORDER BY occurred_at_ms {order} LIMIT {MOST_EACH_WAY}) AS n{n}_{side}"));
                            }
                        }
                        qb.push("), nearest AS (SELECT id FROM near WHERE id <> ");
                        qb.push_bind(new.id).push(" ORDER BY ABS(at_ms - ").push_bind(new.at_ms);
                        qb.push(format_args!("), id LIMIT {MOST_CANDIDATES}) "));
                        qb.push(concat!(placed!(), " WHERE r.id IN (SELECT id FROM nearest) AND r.status <> 'rejected'"));
                        let others: Vec<Row> = qb.build_query_as().fetch_all(&self.pool).await?;
                        let others: Vec<Candidate> = others.into_iter().filter_map(candidate).collect();
                        // The nearest few are what a verifier can weigh; a burst of reports of one event must not
                        // link every report to every other.
                        for other_id in probable_duplicates(&new, &others, rule).into_iter().take(MOST_LINKS) {
                            let Some(other) = others.iter().find(|o| o.id == other_id) else { continue };
                            let (later, earlier) = if new.id > other_id { (new.id, other_id) } else { (other_id, new.id) };
                            let gap = new.at_ms.abs_diff(other.at_ms).min(i64::MAX as u64) as i64;
                            links.push((later, earlier, new.point.distance_km(&other.point) * 1000.0, gap));
                        }
                    }
                }
                // Two new reports of one group find each other: one link.
                links.sort_by_key(|l| (l.0, l.1));
                links.dedup_by_key(|l| (l.0, l.1));
                if links.is_empty() {
                    return Ok(0);
                }
                let mut tx = begin_write(&self.pool).await?;
                let mut made: Vec<(i64, i64)> = Vec::new();
                for chunk in links.chunks($crate::queries::BATCH) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO report_duplicate (report_id, other_id, distance_m, gap_ms, status, found_at_ms) ",
                    );
                    qb.push_values(chunk, |mut row, (later, earlier, metres, gap)| {
                        row.push_bind(*later).push_bind(*earlier).push_bind(*metres).push_bind(*gap);
                        row.push_bind("probable").push_bind(at_ms);
                    });
                    qb.push(" ON CONFLICT DO NOTHING RETURNING report_id, other_id");
                    let inserted: Vec<(i64, i64)> = qb.build_query_as().persistent(false).fetch_all(&mut *tx).await?;
                    made.extend(inserted);
                }
                let mut touched: Vec<i64> = made.iter().flat_map(|(a, b)| [*a, *b]).collect();
                touched.sort_unstable();
                touched.dedup();
                let entries: Vec<(i64, &str)> = touched.into_iter().map(|id| (id, "duplicate")).collect();
                append_feed(&mut tx, &entries, at_ms).await?;
                tx.commit().await?;
                Ok(made.len() as u64)
            }

            async fn unplaced_reports(&self, after_id: i64, limit: u32) -> $crate::Result<Vec<i64>> {
                let rows: Vec<(i64,)> =
                    sqlx::query_as("SELECT id FROM report WHERE place_cell IS NULL AND id > $1 ORDER BY id LIMIT $2")
                        .bind(after_id)
                        .bind(i64::from(limit))
                        .fetch_all(&self.pool)
                        .await?;
                Ok(rows.into_iter().map(|(id,)| id).collect())
            }

            async fn report_duplicates(&self, report_id: i64) -> $crate::Result<Vec<$crate::DuplicateRecord>> {
                type Row = (i64, i64, f64, i64, String, i64, Option<i64>, Option<String>);
                let rows: Vec<Row> = sqlx::query_as(
                    "SELECT report_id, other_id, distance_m, gap_ms, status, found_at_ms, decided_at_ms, decided_by \
                     FROM report_duplicate WHERE report_id = $1 OR other_id = $1 ORDER BY distance_m, report_id, other_id",
                )
                .bind(report_id)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(report_id, other_id, distance_m, gap_ms, status, found_at_ms, decided_at_ms, decided_by)| {
                        $crate::DuplicateRecord {
                            report_id, other_id, distance_m, gap_ms, status, found_at_ms, decided_at_ms, decided_by,
                        }
                    })
                    .collect())
            }

            async fn decide_duplicate(
                &self,
                report_id: i64,
                other_id: i64,
                confirm: bool,
                at_ms: i64,
                actor: &str,
            ) -> $crate::Result<$crate::DuplicateDecided> {
                let mut tx = begin_write(&self.pool).await?;
                let decided = sqlx::query(
                    "UPDATE report_duplicate SET status = $1, decided_at_ms = $2, decided_by = $3 \
                     WHERE report_id = $4 AND other_id = $5 AND status = 'probable'",
                )
                .bind(if confirm { "confirmed" } else { "dismissed" })
                .bind(at_ms)
                .bind(actor)
                .bind(report_id)
                .bind(other_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if decided == 0 {
                    let known: Option<(String,)> =
                        sqlx::query_as("SELECT status FROM report_duplicate WHERE report_id = $1 AND other_id = $2")
                            .bind(report_id)
                            .bind(other_id)
                            .fetch_optional(&mut *tx)
                            .await?;
                    return Ok(match known {
                        Some((status,)) => $crate::DuplicateDecided::Already { confirmed: status == "confirmed" },
                        None => $crate::DuplicateDecided::UnknownPair,
                    });
                }
                append_feed(&mut tx, &[(report_id, "duplicate"), (other_id, "duplicate")], at_ms).await?;
                tx.commit().await?;
                Ok($crate::DuplicateDecided::Recorded)
            }

            async fn reclassify(&self, set: &sinergi_domain::vulnerability::IndicatorSet) -> $crate::Result<u64> {
                // Each distinct answer text is classified once (`answer_class`); then only the TPS that have an
                // assessment whose text moved are recomputed. When the classes or their severities changed since
                // the last re-classification, which agency's class holds may change anywhere: every TPS is.
                let signature: String = set.classes.iter().map(|c| format!("{}:{};", c.id, c.severity)).collect();
                let key = format!("vulnerability.classes.{}", set.id);
                let mut tx = begin_write(&self.pool).await?;
                let stored: Option<(String,)> =
                    sqlx::query_as("SELECT value FROM meta WHERE key = $1").bind(&key).fetch_optional(&mut *tx).await?;
                let changed_texts = sync_answer_classes(&mut tx, set, None).await?;
                let moved = if stored.as_ref().map(|(v,)| v.as_str()) != Some(signature.as_str()) {
                    let rows: Vec<AssessmentFacts> = sqlx::query_as(
                        "SELECT a.id, a.tps_id, a.agency, a.assessed_at_ms, c.class, c.causes, a.answers \
                         FROM assessment a JOIN answer_class c ON c.set_id = a.set_id AND c.answers = a.answers \
                         WHERE a.set_id = $1 ORDER BY a.tps_id, a.agency, a.assessed_at_ms DESC, a.id DESC",
                    )
                    .bind(set.id.as_str())
                    .fetch_all(&mut *tx)
                    .await?;
                    store_classes(&mut tx, set, None, &current_classes(set, &rows)).await?
                } else {
                    let mut tps_ids: Vec<i64> = Vec::new();
                    for chunk in changed_texts.chunks($crate::queries::BATCH) {
                        let mut qb =
                            sqlx::QueryBuilder::<$db>::new("SELECT DISTINCT tps_id FROM assessment WHERE set_id = ");
                        qb.push_bind(set.id.as_str()).push(" AND answers IN (");
                        let mut list = qb.separated(", ");
                        for text in chunk {
                            list.push_bind(text.as_str());
                        }
                        qb.push(")");
                        let ids: Vec<(i64,)> = qb.build_query_as().fetch_all(&mut *tx).await?;
                        tps_ids.extend(ids.into_iter().map(|(id,)| id));
                    }
                    tps_ids.sort_unstable();
                    tps_ids.dedup();
                    let rows = facts_of(&mut tx, &set.id, &tps_ids).await?;
                    store_classes(&mut tx, set, Some(&tps_ids), &current_classes(set, &rows)).await?
                };
                sqlx::query(
                    "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                )
                .bind(&key)
                .bind(&signature)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(moved)
            }

            async fn scan_zones(
                &self,
                regency: &sinergi_domain::RegionCode,
            ) -> $crate::Result<Vec<(sinergi_domain::RegionCode, sinergi_domain::LatLng)>> {
                let (from, to) = $crate::inside_range(regency);
                // Village codes are the only ones with four segments (13 characters).
                let rows: Vec<(String, f64, f64)> = sqlx::query_as(
                    "SELECT code, lat, lng FROM region WHERE code >= $1 AND code < $2 AND LENGTH(code) = 13 \
                     AND lat IS NOT NULL AND lng IS NOT NULL ORDER BY code",
                )
                .bind(from)
                .bind(to)
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter()
                    .map(|(code, lat, lng)| Ok(($crate::stored_code(&code)?, sinergi_domain::LatLng::new(lat, lng))))
                    .collect()
            }

            async fn scan_cases(
                &self,
                regency: &sinergi_domain::RegionCode,
                filter: &$crate::ScanCaseFilter,
            ) -> $crate::Result<Vec<$crate::ScanCase>> {
                if filter.statuses.is_empty() || filter.classifications.is_empty() {
                    return Ok(Vec::new());
                }
                let mut qb = sqlx::QueryBuilder::<$db>::new("SELECT village_code, occurred_at_ms FROM report WHERE ");
                push_scan_filter(&mut qb, filter);
                push_report_region(&mut qb, regency);
                let rows: Vec<(String, i64)> = qb.build_query_as().fetch_all(&self.pool).await?;
                rows.into_iter()
                    .map(|(code, at)| Ok($crate::ScanCase { village: $crate::stored_code(&code)?, occurred_at_ms: at }))
                    .collect()
            }

            async fn regencies_with_reports(
                &self,
                filter: &$crate::ScanCaseFilter,
            ) -> $crate::Result<Vec<sinergi_domain::RegionCode>> {
                if filter.statuses.is_empty() || filter.classifications.is_empty() {
                    return Ok(Vec::new());
                }
                // A regency's code is the first five characters of its villages' (`15.07` of `15.07.01.2001`).
                let mut qb =
                    sqlx::QueryBuilder::<$db>::new("SELECT DISTINCT substr(village_code, 1, 5) AS regency FROM report WHERE ");
                push_scan_filter(&mut qb, filter);
                qb.push(" ORDER BY regency");
                let rows: Vec<(String,)> = qb.build_query_as().fetch_all(&self.pool).await?;
                rows.into_iter().map(|(code,)| $crate::stored_code(&code)).collect()
            }

            async fn claim_scan_slot(
                &self,
                regency: &sinergi_domain::RegionCode,
                slot_start_ms: i64,
                claimed_by: &str,
                at_ms: i64,
            ) -> $crate::Result<bool> {
                let inserted = sqlx::query(
                    "INSERT INTO scan_slot (regency_code, slot_start_ms, claimed_by, claimed_at_ms) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                )
                .bind(regency.as_str())
                .bind(slot_start_ms)
                .bind(claimed_by)
                .bind(at_ms)
                .execute(&self.pool)
                .await?
                .rows_affected();
                Ok(inserted == 1)
            }

            async fn record_scan(
                &self,
                run: &$crate::NewScanRun,
                candidates: &[$crate::AlertCandidate],
                audit: Option<&sinergi_domain::audit::AuditEvent>,
            ) -> $crate::Result<$crate::ScanRecorded> {
                let mut tx = begin_write(&self.pool).await?;
                if matches!($backend, $crate::Backend::Postgres) {
                    // Two runs of one regency at once (two instances, or a demand during the schedule) must not
                    // both read the same active alerts and both add the same new one: they take turns, per regency.
                    // SQLite's single write lock, taken by the INSERT below before anything is read, does the same.
                    sqlx::query("SELECT pg_advisory_xact_lock(7201400, hashtext($1))")
                        .bind(run.regency.as_str())
                        .execute(&mut *tx)
                        .await?;
                }
                let (run_id,): (i64,) = sqlx::query_as(
                    "INSERT INTO scan_run (regency_code, trigger_kind, requested_by, account_id, params, period_start, \
                     period_end, started_at_ms, finished_at_ms, status, cases_used, cases_left_out, result, message) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
                )
                .bind(run.regency.as_str())
                .bind(run.trigger.as_str())
                .bind(run.requested_by.as_str())
                .bind(run.account_id)
                .bind(run.params.as_str())
                .bind(run.period_start.as_str())
                .bind(run.period_end.as_str())
                .bind(run.started_at_ms)
                .bind(run.finished_at_ms)
                .bind(run.status.as_str())
                .bind(i64::try_from(run.cases_used).unwrap_or(i64::MAX))
                .bind(i64::try_from(run.cases_left_out).unwrap_or(i64::MAX))
                .bind(run.result.as_deref())
                .bind(run.message.as_str())
                .fetch_one(&mut *tx)
                .await?;
                if let Some(event) = audit {
                    let event = sinergi_domain::audit::AuditEvent { target: format!("scan:{run_id}"), ..event.clone() };
                    append_in(&mut tx, &event).await?;
                }
                let mut recorded = $crate::ScanRecorded { run_id, ..Default::default() };
                if run.status == "failed" {
                    // A run that could not look says nothing about the alerts: they stay as they are.
                    tx.commit().await?;
                    return Ok(recorded);
                }
                let ids: Vec<(i64,)> = sqlx::query_as(
                    "SELECT id FROM scan_alert WHERE regency_code = $1 AND status = 'active' ORDER BY id",
                )
                .bind(run.regency.as_str())
                .fetch_all(&mut *tx)
                .await?;
                let mut active = Vec::with_capacity(ids.len());
                for (id,) in ids {
                    let villages: Vec<(String,)> =
                        sqlx::query_as("SELECT village_code FROM scan_alert_village WHERE alert_id = $1 ORDER BY position")
                            .bind(id)
                            .fetch_all(&mut *tx)
                            .await?;
                    let villages =
                        villages.iter().map(|(c,)| $crate::stored_code(c)).collect::<$crate::Result<Vec<_>>>()?;
                    active.push((id, villages));
                }
                let found: Vec<Vec<sinergi_domain::RegionCode>> = candidates.iter().map(|c| c.villages.clone()).collect();
                let plan = sinergi_domain::scan::alerts::reconcile(&active, &found);
                let at = run.finished_at_ms;
                for (candidate, refreshes) in candidates.iter().zip(&plan.refreshes) {
                    let id = match refreshes {
                        Some(id) => {
                            sqlx::query(
                                "UPDATE scan_alert SET center_code = $1, radius_km = $2, start_day = $3, end_day = $4, \
                                 observed = $5, expected = $6, relative_risk = $7, p_value = $8, gumbel_p_value = $9, \
                                 llr = $10, last_run_id = $11, last_seen_ms = $12 WHERE id = $13",
                            )
                            .bind(candidate.center.as_str())
                            .bind(candidate.radius_km)
                            .bind(candidate.start_day.as_str())
                            .bind(candidate.end_day.as_str())
                            .bind(i64::try_from(candidate.observed).unwrap_or(i64::MAX))
                            .bind(candidate.expected)
                            .bind(candidate.relative_risk)
                            .bind(candidate.p_value)
                            .bind(candidate.gumbel_p_value)
                            .bind(candidate.llr)
                            .bind(run_id)
                            .bind(at)
                            .bind(*id)
                            .execute(&mut *tx)
                            .await?;
                            sqlx::query("DELETE FROM scan_alert_village WHERE alert_id = $1").bind(*id).execute(&mut *tx).await?;
                            *id
                        }
                        None => {
                            let (id,): (i64,) = sqlx::query_as(
                                "INSERT INTO scan_alert (regency_code, center_code, radius_km, start_day, end_day, \
                                 observed, expected, relative_risk, p_value, gumbel_p_value, llr, first_run_id, \
                                 first_seen_ms, last_run_id, last_seen_ms, status) \
                                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $12, $13, 'active') \
                                 RETURNING id",
                            )
                            .bind(run.regency.as_str())
                            .bind(candidate.center.as_str())
                            .bind(candidate.radius_km)
                            .bind(candidate.start_day.as_str())
                            .bind(candidate.end_day.as_str())
                            .bind(i64::try_from(candidate.observed).unwrap_or(i64::MAX))
                            .bind(candidate.expected)
                            .bind(candidate.relative_risk)
                            .bind(candidate.p_value)
                            .bind(candidate.gumbel_p_value)
                            .bind(candidate.llr)
                            .bind(run_id)
                            .bind(at)
                            .fetch_one(&mut *tx)
                            .await?;
                            id
                        }
                    };
                    for (position, village) in candidate.villages.iter().enumerate() {
                        sqlx::query("INSERT INTO scan_alert_village (alert_id, position, village_code) VALUES ($1, $2, $3)")
                            .bind(id)
                            .bind(position as i64)
                            .bind(village.as_str())
                            .execute(&mut *tx)
                            .await?;
                    }
                    // A refreshed alert keeps its units and gains those of villages it grew into.
                    for route in &candidate.routes {
                        sqlx::query(
                            "INSERT INTO scan_alert_route (alert_id, unit_code, agency, role, at_ms) \
                             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                        )
                        .bind(id)
                        .bind(route.unit_code.as_str())
                        .bind(route.agency.as_str())
                        .bind(route.role.as_str())
                        .bind(at)
                        .execute(&mut *tx)
                        .await?;
                    }
                    recorded.alerts.push((id, refreshes.is_none()));
                }
                for id in &plan.gone {
                    sqlx::query("UPDATE scan_alert SET status = 'gone', gone_at_ms = $1, gone_run_id = $2 WHERE id = $3")
                        .bind(at)
                        .bind(run_id)
                        .bind(*id)
                        .execute(&mut *tx)
                        .await?;
                }
                recorded.gone = plan.gone;
                tx.commit().await?;
                Ok(recorded)
            }

            async fn scan_run(
                &self,
                viewer: &sinergi_domain::access::Viewer,
                id: i64,
            ) -> $crate::Result<Option<$crate::ScanRunRecord>> {
                if !viewer.may(sinergi_domain::access::Action::ReadReports) {
                    return Ok(None);
                }
                let t = $crate::territory(viewer);
                let sql = concat!(
                    "SELECT ",
                    $crate::queries::scan_run_columns!(),
                    " FROM scan_run WHERE id = $1 AND ",
                    $crate::queries::covered!("regency_code", "$2", "$3", "$4")
                );
                let row: Option<$crate::ScanRunRow> =
                    sqlx::query_as(sql).bind(id).bind(t.exact).bind(t.from).bind(t.to).fetch_optional(&self.pool).await?;
                row.map($crate::ScanRunRow::into_record).transpose()
            }

            async fn scan_runs(
                &self,
                viewer: &sinergi_domain::access::Viewer,
                regency: Option<&sinergi_domain::RegionCode>,
                page: $crate::Page,
            ) -> $crate::Result<(Vec<$crate::ScanRunRecord>, u64)> {
                if !viewer.may(sinergi_domain::access::Action::ReadReports) {
                    return Ok((Vec::new(), 0));
                }
                if regency.is_some_and(|r| !viewer.covers(r)) {
                    return Ok((Vec::new(), 0));
                }
                let t = $crate::territory(viewer);
                let push_where = |qb: &mut sqlx::QueryBuilder<$db>| {
                    qb.push(" WHERE (regency_code = ").push_bind(t.exact.clone());
                    qb.push(" OR (regency_code >= ").push_bind(t.from.clone());
                    qb.push(" AND regency_code < ").push_bind(t.to.clone()).push("))");
                    if let Some(code) = regency {
                        qb.push(" AND regency_code = ").push_bind(code.to_string());
                    }
                };
                let mut count = sqlx::QueryBuilder::<$db>::new("SELECT COUNT(*) FROM scan_run");
                push_where(&mut count);
                let (total,): (i64,) = count.build_query_as().fetch_one(&self.pool).await?;
                let mut qb =
                    sqlx::QueryBuilder::<$db>::new(concat!("SELECT ", $crate::queries::scan_run_columns!(), " FROM scan_run"));
                push_where(&mut qb);
                qb.push(" ORDER BY id DESC LIMIT ").push_bind(i64::from(page.size));
                qb.push(" OFFSET ").push_bind(page.offset());
                let rows: Vec<$crate::ScanRunRow> = qb.build_query_as().fetch_all(&self.pool).await?;
                let records = rows.into_iter().map($crate::ScanRunRow::into_record).collect::<$crate::Result<_>>()?;
                Ok((records, total as u64))
            }

            async fn alert(
                &self,
                viewer: &sinergi_domain::access::Viewer,
                id: i64,
            ) -> $crate::Result<Option<$crate::AlertRecord>> {
                if !viewer.may(sinergi_domain::access::Action::ReadReports) {
                    return Ok(None);
                }
                let region = match &viewer.scope {
                    sinergi_domain::auth::Scope::National => None,
                    sinergi_domain::auth::Scope::Region(code) => Some(code.clone()),
                };
                let mut qb = sqlx::QueryBuilder::<$db>::new(concat!(
                    "SELECT ",
                    $crate::queries::alert_columns!(),
                    " FROM scan_alert WHERE id = "
                ));
                qb.push_bind(id);
                push_alert_region(&mut qb, region.as_ref());
                let row: Option<$crate::AlertRow> = qb.build_query_as().fetch_optional(&self.pool).await?;
                match row {
                    None => Ok(None),
                    Some(row) => {
                        let villages = alert_villages(&self.pool, row.id).await?;
                        row.into_record(villages).map(Some)
                    }
                }
            }

            async fn alerts(
                &self,
                viewer: &sinergi_domain::access::Viewer,
                filter: &$crate::AlertFilter,
                page: $crate::Page,
            ) -> $crate::Result<(Vec<$crate::AlertRecord>, u64)> {
                if !viewer.may(sinergi_domain::access::Action::ReadReports) {
                    return Ok((Vec::new(), 0));
                }
                let region = match &filter.within {
                    Some(code) => match viewer.narrow(code) {
                        Some(narrowed) => Some(narrowed),
                        None => return Ok((Vec::new(), 0)),
                    },
                    None => match &viewer.scope {
                        sinergi_domain::auth::Scope::National => None,
                        sinergi_domain::auth::Scope::Region(code) => Some(code.clone()),
                    },
                };
                let push_where = |qb: &mut sqlx::QueryBuilder<$db>| {
                    qb.push(" WHERE 1 = 1");
                    push_alert_region(qb, region.as_ref());
                    if let Some(status) = &filter.status {
                        qb.push(" AND status = ").push_bind(status.clone());
                    }
                };
                let mut count = sqlx::QueryBuilder::<$db>::new("SELECT COUNT(*) FROM scan_alert");
                push_where(&mut count);
                let (total,): (i64,) = count.build_query_as().fetch_one(&self.pool).await?;
                let mut qb =
                    sqlx::QueryBuilder::<$db>::new(concat!("SELECT ", $crate::queries::alert_columns!(), " FROM scan_alert"));
                push_where(&mut qb);
                qb.push(" ORDER BY last_seen_ms DESC, id DESC LIMIT ").push_bind(i64::from(page.size));
                qb.push(" OFFSET ").push_bind(page.offset());
                let rows: Vec<$crate::AlertRow> = qb.build_query_as().fetch_all(&self.pool).await?;
                let mut records = Vec::with_capacity(rows.len());
                for row in rows {
                    let villages = alert_villages(&self.pool, row.id).await?;
                    records.push(row.into_record(villages)?);
                }
                Ok((records, total as u64))
            }

            async fn alert_routes(&self, alert_id: i64) -> $crate::Result<Vec<$crate::RouteRecord>> {
                routes_of(&self.pool, concat!($crate::queries::routes_select!("scan_alert_route"), " r.alert_id = $1 ", $crate::queries::routes_order!()), alert_id).await
            }

            async fn add_taxonomy_version(
                &self,
                version: &$crate::NewTaxonomyVersion,
                audit: &sinergi_domain::audit::AuditEvent,
            ) -> $crate::Result<i64> {
                let mut tx = begin_write(&self.pool).await?;
                // The audit chain's lock first: it also orders concurrent loads, so that ids follow commit order
                // and the newest id is always the version loaded last.
                lock_audit_head(&mut tx).await?;
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO taxonomy_version (taxonomy_id, label, definition, loaded_by, loaded_at_ms, reason) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(version.taxonomy_id.as_str())
                .bind(version.label.as_str())
                .bind(version.definition.as_str())
                .bind(version.loaded_by.as_str())
                .bind(version.loaded_at_ms)
                .bind(version.reason.as_str())
                .fetch_one(&mut *tx)
                .await?;
                let mut event = audit.clone();
                event.target = format!("taxonomy_version:{id}");
                append_in(&mut tx, &event).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn latest_taxonomy_version_id(&self) -> $crate::Result<Option<i64>> {
                let (id,): (Option<i64>,) =
                    sqlx::query_as("SELECT MAX(id) FROM taxonomy_version").fetch_one(&self.pool).await?;
                Ok(id)
            }

            async fn latest_taxonomy_version(&self) -> $crate::Result<Option<$crate::StoredTaxonomy>> {
                let row: Option<(i64, String, String, String, i64, String, String)> = sqlx::query_as(
                    "SELECT id, taxonomy_id, label, loaded_by, loaded_at_ms, reason, definition FROM taxonomy_version \
                     ORDER BY id DESC LIMIT 1",
                )
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map($crate::stored_taxonomy))
            }

            async fn taxonomy_version(&self, id: i64) -> $crate::Result<Option<$crate::StoredTaxonomy>> {
                let row: Option<(i64, String, String, String, i64, String, String)> = sqlx::query_as(
                    "SELECT id, taxonomy_id, label, loaded_by, loaded_at_ms, reason, definition FROM taxonomy_version \
                     WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map($crate::stored_taxonomy))
            }

            async fn taxonomy_versions(&self, page: $crate::Page) -> $crate::Result<(Vec<$crate::TaxonomyVersion>, u64)> {
                let (total,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM taxonomy_version").fetch_one(&self.pool).await?;
                let rows: Vec<(i64, String, String, String, i64, String)> = sqlx::query_as(
                    "SELECT id, taxonomy_id, label, loaded_by, loaded_at_ms, reason FROM taxonomy_version \
                     ORDER BY id DESC LIMIT $1 OFFSET $2",
                )
                .bind(i64::from(page.size))
                .bind(page.offset())
                .fetch_all(&self.pool)
                .await?;
                let versions = rows
                    .into_iter()
                    .map(|(id, taxonomy_id, label, loaded_by, loaded_at_ms, reason)| $crate::TaxonomyVersion {
                        id,
                        taxonomy_id,
                        label,
                        loaded_by,
                        loaded_at_ms,
                        reason,
                    })
                    .collect();
                Ok((versions, u64::try_from(total).unwrap_or(0)))
            }

            async fn categories_in_use(&self, ids: &[String]) -> $crate::Result<Vec<String>> {
                // One probe per id on the (category, occurred_at_ms) index, in one transaction so that the answer
                // is one snapshot: a taxonomy names a few dozen categories, a report table may hold millions.
                let mut tx = begin_write(&self.pool).await?;
                let mut used: Vec<String> = Vec::new();
                for id in ids {
                    if used.contains(id) {
                        continue;
                    }
                    let (found,): (bool,) =
                        sqlx::query_as("SELECT EXISTS (SELECT 1 FROM report WHERE category = $1)")
                            .bind(id.as_str())
                            .fetch_one(&mut *tx)
                            .await?;
                    if found {
                        used.push(id.clone());
                    }
                }
                tx.commit().await?;
                Ok(used)
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

pub(crate) use {alert_columns, routes_order, routes_select, scan_run_columns};
pub(crate) use {
    covered, impl_store, region_select, report_select, seen, token_select, tps_select, tps_within, unit_select,
    user_select,
};
