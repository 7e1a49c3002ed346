//! The incident desk's shared work in storage: shares, escalations and probable duplicates.

macro_rules! impl_incident_desk_store {
    ($store:ty, $db:ty, $backend:expr) => {
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
            .bind(share.report_id.0)
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

        #[async_trait::async_trait]
        impl $crate::IncidentDeskStore for $store {
            async fn share_report(&self, share: &$crate::ShareMove) -> $crate::Result<()> {
                let mut tx = begin_write(&self.pool).await?;
                let (status,): (String,) = sqlx::query_as("SELECT status FROM report WHERE id = $1")
                    .bind(share.report_id.0)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or_else(|| $crate::StoreError::InvalidReference(format!("report {}", share.report_id)))?;
                // The partial unique index refuses a second active share of the same agency (a Conflict).
                sqlx::query(
                    "INSERT INTO report_share (report_id, agency, shared_at_ms, shared_by_account, shared_by, reason) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(share.report_id.0)
                .bind(share.agency.as_str())
                .bind(share.at_ms)
                .bind(share.account_id)
                .bind(share.actor.as_str())
                .bind(share.reason.as_str())
                .execute(&mut *tx)
                .await?;
                share_event(&mut tx, share, "share", &status).await?;
                append_feed(&mut tx, &[(share.report_id.0, "shared")], share.at_ms).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn revoke_share(&self, revoke: &$crate::ShareMove) -> $crate::Result<()> {
                let mut tx = begin_write(&self.pool).await?;
                let (status,): (String,) = sqlx::query_as("SELECT status FROM report WHERE id = $1")
                    .bind(revoke.report_id.0)
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
                .bind(revoke.report_id.0)
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
                append_feed(&mut tx, &[(revoke.report_id.0, "revoked")], revoke.at_ms).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn report_shares(&self, report_id: sinergi_domain::incident::ReportId) -> $crate::Result<Vec<$crate::ShareRecord>> {
                let report_id = report_id.0;
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
                            id, report_id: sinergi_domain::incident::ReportId(report_id), agency, shared_at_ms, shared_by, reason, revoked_at_ms, revoked_by, revoke_reason,
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
                .bind(e.report_id.0)
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
                .bind(e.report_id.0)
                .bind(e.at_ms)
                .bind(format!("escalate_{}", e.stage.as_str()))
                .bind(e.status.as_str())
                .bind(e.reason.as_str())
                .execute(&mut *tx)
                .await?;
                append_feed(&mut tx, &[(e.report_id.0, "escalated")], e.at_ms).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn escalations_due(
                &self,
                limits: &[sinergi_domain::incident::Limit],
                now_ms: i64,
                after_id: sinergi_domain::incident::ReportId,
                limit: u32,
            ) -> $crate::Result<Vec<$crate::ReportRecord>> {
                let after_id = after_id.0;
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
                qb.push(concat!(" END END AS span_ms FROM (", $crate::incident::queries::report_select!()));
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
                report_ids: &[sinergi_domain::incident::ReportId],
                rule: sinergi_domain::incident::duplicates::DuplicateRule,
                at_ms: i64,
            ) -> $crate::Result<u64> {
                let report_ids: Vec<i64> = report_ids.iter().map(|id| id.0).collect();
                let report_ids = report_ids.as_slice();
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
                for chunk in report_ids.chunks($crate::sql::BATCH) {
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
                for chunk in links.chunks($crate::sql::BATCH) {
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

            async fn unplaced_reports(&self, after_id: sinergi_domain::incident::ReportId, limit: u32) -> $crate::Result<Vec<sinergi_domain::incident::ReportId>> {
                let after_id = after_id.0;
                let rows: Vec<(i64,)> =
                    sqlx::query_as("SELECT id FROM report WHERE place_cell IS NULL AND id > $1 ORDER BY id LIMIT $2")
                        .bind(after_id)
                        .bind(i64::from(limit))
                        .fetch_all(&self.pool)
                        .await?;
                Ok(rows.into_iter().map(|(id,)| sinergi_domain::incident::ReportId(id)).collect())
            }

            async fn report_duplicates(&self, report_id: sinergi_domain::incident::ReportId) -> $crate::Result<Vec<$crate::DuplicateRecord>> {
                let report_id = report_id.0;
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
                            report_id: sinergi_domain::incident::ReportId(report_id), other_id: sinergi_domain::incident::ReportId(other_id), distance_m, gap_ms, status, found_at_ms, decided_at_ms, decided_by,
                        }
                    })
                    .collect())
            }

            async fn decide_duplicate(
                &self,
                report_id: sinergi_domain::incident::ReportId,
                other_id: sinergi_domain::incident::ReportId,
                confirm: bool,
                at_ms: i64,
                actor: &str,
            ) -> $crate::Result<$crate::DuplicateDecided> {
                let report_id = report_id.0;
                let other_id = other_id.0;
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
        }
    };
}

pub(crate) use impl_incident_desk_store;
