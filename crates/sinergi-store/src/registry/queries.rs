//! The registry in storage: regions, boundaries, TPS and units.
//!
//! One macro expands the SQL below for each backend's pool type (see `crate::sql`).

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

macro_rules! impl_registry_store {
    ($store:ty, $db:ty, $backend:expr) => {
        /// The TPS with this id when it lies in the viewer's territory, read through a pool or inside a
        /// transaction.
        async fn tps_in_territory<'e, E: sqlx::Executor<'e, Database = $db>>(
            executor: E,
            viewer: &sinergi_domain::access::Viewer,
            id: i64,
        ) -> $crate::Result<Option<$crate::TpsRecord>> {
            let t = $crate::territory(viewer);
            let sql = concat!(
                $crate::registry::queries::tps_select!(),
                " WHERE t.id = $1 AND ",
                $crate::sql::covered!("t.village_code", "$2", "$3", "$4")
            );
            let row: Option<$crate::TpsRow> =
                sqlx::query_as(sql).bind(id).bind(t.exact).bind(t.from).bind(t.to).fetch_optional(executor).await?;
            row.map($crate::TpsRow::into_record).transpose()
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
        impl $crate::RegistryStore for $store {
            async fn upsert_regions(&self, regions: &[sinergi_domain::Region]) -> $crate::Result<u64> {
                // Parents sort before their children, so foreign keys hold at every row.
                let mut sorted: Vec<&sinergi_domain::Region> = regions.iter().collect();
                sorted.sort_by(|a, b| a.code.cmp(&b.code));
                let mut tx = begin_write(&self.pool).await?;
                let mut written = 0;
                for chunk in sorted.chunks($crate::sql::BATCH) {
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
                let sql = concat!($crate::registry::queries::region_select!(), " WHERE code = $1");
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
                        let sql = concat!($crate::registry::queries::region_select!(), " WHERE parent = $1 ORDER BY code");
                        sqlx::query_as(sql).bind(parent.as_str()).fetch_all(&self.pool).await?
                    }
                    None => {
                        let sql = concat!($crate::registry::queries::region_select!(), " WHERE level = 1 ORDER BY code");
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
                    $crate::registry::queries::region_select!(),
                    " WHERE LOWER(name) LIKE $1 ESCAPE '\\' AND ",
                    $crate::sql::seen!("code", "$4", "$5", "$6", "$7", "$8", "$9"),
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
                    $crate::registry::queries::region_select!(),
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
                for chunk in tps.chunks($crate::sql::BATCH) {
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
                audit: &sinergi_domain::trust::audit::AuditEvent,
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
                audit: &sinergi_domain::trust::audit::AuditEvent,
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
                event.detail = sinergi_domain::registry::tps::changes(&before.tps, tps);
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
                    $crate::registry::queries::tps_select!(),
                    " WHERE ",
                    $crate::registry::queries::tps_within!(),
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
                    $crate::registry::queries::tps_select!(),
                    " WHERE ",
                    $crate::registry::queries::tps_within!(),
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
                    $crate::registry::queries::tps_within!()
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
                let (from, to) = $crate::registry::queries::scope(parent);
                let t = $crate::territory(viewer);
                let sql = concat!(
                    "SELECT substr(village_code, 1, $1) AS child, COUNT(*), CAST(COALESCE(SUM(voters), 0) AS BIGINT) \
                     FROM tps WHERE village_code >= $2 AND village_code < $3 AND ",
                    $crate::sql::covered!("village_code", "$4", "$5", "$6"),
                    " GROUP BY 1"
                );
                let rows: Vec<(String, i64, i64)> = sqlx::query_as(sql)
                .bind($crate::registry::queries::child_code_len(parent))
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
                for chunk in units.chunks($crate::sql::BATCH) {
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
                let sql = concat!($crate::registry::queries::unit_select!(), " WHERE code = $1");
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
                let mut qb = sqlx::QueryBuilder::<$db>::new($crate::registry::queries::unit_select!());
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

            async fn units_over(&self, village: &sinergi_domain::RegionCode) -> $crate::Result<Vec<sinergi_domain::Unit>> {
                let mut codes: Vec<String> = village.ancestors().iter().map(|c| c.to_string()).collect();
                codes.push(village.to_string());
                codes.resize(4, String::new());
                let sql = concat!($crate::registry::queries::unit_select!(), " WHERE territory IN ($1, $2, $3, $4) ORDER BY code");
                let rows: Vec<$crate::UnitRow> = sqlx::query_as(sql)
                    .bind(&codes[0])
                    .bind(&codes[1])
                    .bind(&codes[2])
                    .bind(&codes[3])
                    .fetch_all(&self.pool)
                    .await?;
                rows.into_iter().map($crate::UnitRow::into_unit).collect()
            }
        }
    };
}

pub(crate) use {impl_registry_store, region_select, tps_select, tps_within, unit_select};
