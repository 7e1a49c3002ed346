//! The incident desk in storage: reports, their history, comments, routes and the live feed.
//!
//! One macro expands the SQL below for each backend's pool type (see `crate::sql`).

/// The grid cell of a report whose place is not known (no coordinates, and a village without a centre): no
/// search asks for it, and it tells the report apart from one the duplicate search has not looked at yet (none).
pub(crate) const NO_CELL: i64 = -1;

macro_rules! report_select {
    () => {
        "SELECT id, kind, category, severity, status, occurred_at_ms, reported_at_ms, updated_at_ms, village_code, \
         tps_id, lat, lng, description, source_agency, source_person, reporter_account, channel, classification, \
         CASE WHEN status IN ('verified', 'assigned') THEN COALESCE((SELECT MAX(e.at_ms) FROM report_event e \
         WHERE e.report_id = report.id AND e.to_status = 'verified'), updated_at_ms) ELSE updated_at_ms END \
         AS status_since_ms FROM report"
    };
}

macro_rules! impl_incident_store {
    ($store:ty, $db:ty, $backend:expr) => {
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
            for chunk in entries.chunks($crate::sql::BATCH) {
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
            for chunk in reports.chunks($crate::sql::BATCH / 2) {
                let mut qb = sqlx::QueryBuilder::<$db>::new("UPDATE report SET place_cell = CASE id");
                for (id, _, _, lat, lng, _) in chunk {
                    let placed = match (lat, lng) {
                        (Some(lat), Some(lng)) => cell(sinergi_domain::LatLng::new(*lat, *lng)),
                        _ => $crate::incident::queries::NO_CELL,
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
            use sinergi_domain::trust::auth::Role;
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

        /// Files reports through the pool in one transaction: PostgreSQL's way, and an in-memory SQLite
        /// database's (a SQLite file goes through its writer thread, `sqlite_writer.rs`). Each backend's
        /// `file_batch` chooses.
        async fn file_in_pool(
            pool: &sqlx::Pool<$db>,
            reports: &[$crate::NewReport],
        ) -> $crate::Result<Vec<$crate::Filed>> {
            // A group of reports is written with a few statements of many rows each, not a few statements per
            // report: at thousands of reports a second the cost of a statement, not of a row, is what counts.
            // Statements vary in size with the group, so they are not kept prepared (`persistent(false)`):
            // they would push the everyday statements out of the cache.
            let mut tx = begin_write(pool).await?;
            let keys = $crate::incident::filing::keys(reports);
            let mut known: std::collections::HashMap<String, i64> = std::collections::HashMap::new();
            let wanted: Vec<&str> = keys.iter().flatten().map(String::as_str).collect();
            for chunk in wanted.chunks($crate::sql::BATCH) {
                let mut qb =
                    sqlx::QueryBuilder::<$db>::new("SELECT idempotency_key, id FROM report WHERE idempotency_key IN (");
                let mut list = qb.separated(", ");
                for key in chunk {
                    list.push_bind(*key);
                }
                qb.push(")");
                let rows: Vec<(String, i64)> = qb.build_query_as().persistent(false).fetch_all(&mut *tx).await?;
                known.extend(rows);
            }
            let slots = $crate::incident::filing::slots(&keys, &known);
            let fresh: Vec<usize> =
                (0..reports.len()).filter(|&i| matches!(slots[i], $crate::incident::filing::Slot::New)).collect();
            let mut ids: Vec<Option<i64>> = vec![None; reports.len()];
            for chunk in fresh.chunks($crate::sql::BATCH) {
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
            for chunk in filed.chunks($crate::sql::BATCH) {
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
            for chunk in routes.chunks($crate::sql::BATCH) {
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
            $crate::incident::filing::answers(slots, &ids)
        }

        #[async_trait::async_trait]
        impl $crate::IncidentStore for $store {
            async fn file_reports(&self, reports: &[$crate::NewReport]) -> $crate::Result<Vec<$crate::Filed>> {
                self.file_batch(reports).await
            }

            async fn report(
                &self,
                viewer: &sinergi_domain::access::Viewer,
                id: sinergi_domain::incident::ReportId,
            ) -> $crate::Result<Option<$crate::ReportRecord>> {
                let id = id.0;
                if !viewer.reads_reports() {
                    return Ok(None);
                }
                let mut qb = sqlx::QueryBuilder::<$db>::new(concat!(
                    $crate::incident::queries::report_select!(),
                    " WHERE id = "
                ));
                qb.push_bind(id);
                push_report_access(&mut qb, viewer);
                let row: Option<$crate::ReportRow> = qb.build_query_as().fetch_optional(&self.pool).await?;
                let Some(record) = row.map($crate::ReportRow::into_record).transpose()? else { return Ok(None) };
                Ok(viewer.covers(&record.village_code).then_some(record))
            }

            #[tracing::instrument(skip_all, fields(account = viewer.account_id))]
            async fn open_report_summary(
                &self,
                viewer: &sinergi_domain::access::Viewer,
                limits: &[sinergi_domain::incident::Limit],
                now_ms: i64,
                soon_ms: i64,
                keep: u32,
            ) -> $crate::Result<$crate::OpenReportSummary> {
                if !viewer.reads_reports() || limits.is_empty() {
                    return Ok($crate::OpenReportSummary::default());
                }
                let region = match &viewer.scope {
                    sinergi_domain::trust::auth::Scope::National => None,
                    sinergi_domain::trust::auth::Scope::Region(code) => Some(code.clone()),
                };
                // Each open report's limit in milliseconds (as `escalations_due` reads it), on the reports the
                // viewer reads in its territory.
                let open = |qb: &mut sqlx::QueryBuilder<$db>| {
                    qb.push("(SELECT o.*, CASE WHEN o.status = 'reported' THEN CASE o.severity");
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
                    qb.push(" WHERE status IN ('reported', 'verified', 'assigned')");
                    push_report_access(qb, viewer);
                    if let Some(code) = &region {
                        push_report_region(qb, code);
                    }
                    qb.push(") o) d");
                };
                let mut qb = sqlx::QueryBuilder::<$db>::new(
                    "SELECT d.severity, d.status, COUNT(*), SUM(CASE WHEN d.status_since_ms + d.span_ms <= ",
                );
                qb.push_bind(now_ms).push(" THEN 1 ELSE 0 END), SUM(CASE WHEN d.status_since_ms + d.span_ms > ");
                qb.push_bind(now_ms).push(" AND d.status_since_ms + d.span_ms <= ").push_bind(now_ms + soon_ms);
                // The viewer's agency's queue, as `ReportFilter::routed_to` reads it.
                let agency = viewer.agency.as_str();
                qb.push(" THEN 1 ELSE 0 END), SUM(CASE WHEN d.id IN (SELECT report_id FROM report_route ");
                qb.push("WHERE role = 'responsible' AND agency = ").push_bind(agency);
                qb.push(") OR d.id IN (SELECT report_id FROM report_share WHERE revoked_at_ms IS NULL AND agency = ");
                qb.push_bind(agency).push(") THEN 1 ELSE 0 END) FROM ");
                open(&mut qb);
                qb.push(" GROUP BY d.severity, d.status");
                let rows: Vec<(i64, String, i64, Option<i64>, Option<i64>, Option<i64>)> =
                    qb.build_query_as().fetch_all(&self.pool).await?;
                let mut groups = Vec::with_capacity(rows.len());
                for (severity, status, count, overdue, soon, mine) in rows {
                    let status = sinergi_domain::incident::Status::parse(&status)
                        .ok_or_else(|| $crate::StoreError::Internal(format!("stored report status {status:?}")))?;
                    groups.push($crate::OpenGroup {
                        severity: u8::try_from(severity).unwrap_or(0),
                        status,
                        count: u64::try_from(count).unwrap_or(0),
                        overdue: u64::try_from(overdue.unwrap_or(0)).unwrap_or(0),
                        soon: u64::try_from(soon.unwrap_or(0)).unwrap_or(0),
                        mine: u64::try_from(mine.unwrap_or(0)).unwrap_or(0),
                    });
                }
                if groups.iter().all(|g| g.soon == 0) {
                    return Ok($crate::OpenReportSummary { groups, soon: Vec::new() });
                }
                let mut qb = sqlx::QueryBuilder::<$db>::new("SELECT d.id, d.status_since_ms + d.span_ms FROM ");
                open(&mut qb);
                qb.push(" WHERE d.status_since_ms + d.span_ms > ").push_bind(now_ms);
                qb.push(" AND d.status_since_ms + d.span_ms <= ").push_bind(now_ms + soon_ms);
                qb.push(" ORDER BY d.status_since_ms + d.span_ms, d.id LIMIT ").push_bind(i64::from(keep));
                let nearest: Vec<(i64, i64)> = qb.build_query_as().fetch_all(&self.pool).await?;
                let mut soon = Vec::with_capacity(nearest.len());
                for (id, due_ms) in nearest {
                    if let Some(record) = self.report(viewer, sinergi_domain::incident::ReportId(id)).await? {
                        soon.push((record, due_ms));
                    }
                }
                Ok($crate::OpenReportSummary { groups, soon })
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
                        sinergi_domain::trust::auth::Scope::National => None,
                        sinergi_domain::trust::auth::Scope::Region(code) => Some(code.clone()),
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
                    if let Some(account) = filter.reporter_account {
                        qb.push(" AND reporter_account = ").push_bind(account);
                    }
                    if let Some(agency) = filter.routed_to {
                        // An agency's queue: what it must act on, and what was shared with it.
                        qb.push(
                            " AND (id IN (SELECT report_id FROM report_route WHERE role = 'responsible' AND agency = ",
                        );
                        qb.push_bind(agency.as_str());
                        qb.push(
                            ") OR id IN (SELECT report_id FROM report_share WHERE revoked_at_ms IS NULL AND agency = ",
                        );
                        qb.push_bind(agency.as_str()).push("))");
                    }
                };
                let mut count = sqlx::QueryBuilder::<$db>::new("SELECT COUNT(*) FROM report");
                push_where(&mut count);
                let (total,): (i64,) = count.build_query_as().fetch_one(&self.pool).await?;
                let mut qb = sqlx::QueryBuilder::<$db>::new($crate::incident::queries::report_select!());
                push_where(&mut qb);
                qb.push(" ORDER BY occurred_at_ms DESC, id DESC LIMIT ").push_bind(i64::from(page.size));
                qb.push(" OFFSET ").push_bind(page.offset());
                let rows: Vec<$crate::ReportRow> = qb.build_query_as().fetch_all(&self.pool).await?;
                let records = rows.into_iter().map($crate::ReportRow::into_record).collect::<$crate::Result<_>>()?;
                Ok((records, total as u64))
            }

            async fn move_report(&self, step: &$crate::ReportMove) -> $crate::Result<()> {
                let mut tx = begin_write(&self.pool).await?;
                let moved =
                    sqlx::query("UPDATE report SET status = $1, updated_at_ms = $2 WHERE id = $3 AND status = $4")
                        .bind(step.to.as_str())
                        .bind(step.at_ms)
                        .bind(step.report_id.0)
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
                     reject_reason, reason, assigned_unit) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(step.report_id.0)
                .bind(step.at_ms)
                .bind(step.account_id)
                .bind(step.actor.as_str())
                .bind(step.action.as_str())
                .bind(step.from.as_str())
                .bind(step.to.as_str())
                .bind(step.reject_reason.map(|r| r.as_str()))
                .bind(step.reason.as_str())
                .bind(step.assigned_unit.as_deref())
                .execute(&mut *tx)
                .await?;
                append_feed(&mut tx, &[(step.report_id.0, "moved")], step.at_ms).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn report_routes(
                &self,
                report_id: sinergi_domain::incident::ReportId,
            ) -> $crate::Result<Vec<$crate::RouteRecord>> {
                let report_id = report_id.0;
                routes_of(
                    &self.pool,
                    concat!(
                        $crate::sql::routes_select!("report_route"),
                        " r.report_id = $1 ",
                        $crate::sql::routes_order!()
                    ),
                    report_id,
                )
                .await
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
                if let sinergi_domain::trust::auth::Scope::Region(code) = &viewer.scope {
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

            async fn report_history(
                &self,
                report_id: sinergi_domain::incident::ReportId,
            ) -> $crate::Result<Vec<$crate::ReportEventRecord>> {
                let report_id = report_id.0;
                let rows: Vec<(
                    i64,
                    i64,
                    i64,
                    Option<i64>,
                    String,
                    String,
                    Option<String>,
                    String,
                    Option<String>,
                    String,
                    Option<String>,
                )> = sqlx::query_as(
                    "SELECT id, report_id, at_ms, account_id, actor, action, from_status, to_status, reject_reason, \
                         reason, assigned_unit FROM report_event WHERE report_id = $1 ORDER BY id",
                )
                .bind(report_id)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(
                        |(
                            id,
                            report_id,
                            at_ms,
                            account_id,
                            actor,
                            action,
                            from_status,
                            to_status,
                            reject_reason,
                            reason,
                            assigned_unit,
                        )| {
                            $crate::ReportEventRecord {
                                id,
                                report_id: sinergi_domain::incident::ReportId(report_id),
                                at_ms,
                                account_id,
                                actor,
                                action,
                                from_status,
                                to_status,
                                reject_reason,
                                assigned_unit,
                                reason,
                            }
                        },
                    )
                    .collect())
            }

            async fn add_comment(
                &self,
                report_id: sinergi_domain::incident::ReportId,
                at_ms: i64,
                account_id: Option<i64>,
                author: &str,
                agency: &str,
                body: &str,
            ) -> $crate::Result<i64> {
                let report_id = report_id.0;
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

            async fn comments(
                &self,
                report_id: sinergi_domain::incident::ReportId,
            ) -> $crate::Result<Vec<$crate::CommentRecord>> {
                let report_id = report_id.0;
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
                        id,
                        report_id: sinergi_domain::incident::ReportId(report_id),
                        at_ms,
                        account_id,
                        author,
                        agency,
                        body,
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
                    .map(|(seq, report_id, kind, at_ms)| $crate::FeedEntry {
                        seq,
                        report_id: sinergi_domain::incident::ReportId(report_id),
                        kind,
                        at_ms,
                    })
                    .collect())
            }
        }
    };
}

pub(crate) use {impl_incident_store, report_select};
