//! The early warning scan in storage: the cases it counts, its runs, its alerts and their routes.
//!
//! One macro expands the SQL below for each backend's pool type (see `crate::sql`).

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

macro_rules! impl_early_warning_store {
    ($store:ty, $db:ty, $backend:expr) => {
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

        #[async_trait::async_trait]
        impl $crate::EarlyWarningStore for $store {
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
                audit: Option<&sinergi_domain::trust::audit::AuditEvent>,
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
                    let event = sinergi_domain::trust::audit::AuditEvent { target: format!("scan:{run_id}"), ..event.clone() };
                    append_in(&mut tx, &event).await?;
                }
                let mut recorded = $crate::ScanRecorded { run_id, ..Default::default() };
                if run.status == sinergi_domain::early_warning::alerts::RunStatus::Failed {
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
                let plan = sinergi_domain::early_warning::alerts::reconcile(&active, &found);
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
                    $crate::early_warning::queries::scan_run_columns!(),
                    " FROM scan_run WHERE id = $1 AND ",
                    $crate::sql::covered!("regency_code", "$2", "$3", "$4")
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
                    sqlx::QueryBuilder::<$db>::new(concat!("SELECT ", $crate::early_warning::queries::scan_run_columns!(), " FROM scan_run"));
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
                    sinergi_domain::trust::auth::Scope::National => None,
                    sinergi_domain::trust::auth::Scope::Region(code) => Some(code.clone()),
                };
                let mut qb = sqlx::QueryBuilder::<$db>::new(concat!(
                    "SELECT ",
                    $crate::early_warning::queries::alert_columns!(),
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
                        sinergi_domain::trust::auth::Scope::National => None,
                        sinergi_domain::trust::auth::Scope::Region(code) => Some(code.clone()),
                    },
                };
                let push_where = |qb: &mut sqlx::QueryBuilder<$db>| {
                    qb.push(" WHERE 1 = 1");
                    push_alert_region(qb, region.as_ref());
                    if let Some(status) = &filter.status {
                        qb.push(" AND status = ").push_bind(status.as_str());
                    }
                };
                let mut count = sqlx::QueryBuilder::<$db>::new("SELECT COUNT(*) FROM scan_alert");
                push_where(&mut count);
                let (total,): (i64,) = count.build_query_as().fetch_one(&self.pool).await?;
                let mut qb =
                    sqlx::QueryBuilder::<$db>::new(concat!("SELECT ", $crate::early_warning::queries::alert_columns!(), " FROM scan_alert"));
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
                routes_of(&self.pool, concat!($crate::sql::routes_select!("scan_alert_route"), " r.alert_id = $1 ", $crate::sql::routes_order!()), alert_id).await
            }
        }
    };
}

pub(crate) use {alert_columns, impl_early_warning_store, scan_run_columns};
