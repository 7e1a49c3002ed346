//! Deployment in storage: one macro expands the SQL below for each backend's pool type (see `crate::sql`).

macro_rules! plan_head_columns {
    () => {
        "id, regency_code, name, version, status, partial, summary, created_by, created_at_ms, decided_by, \
         decided_at_ms"
    };
}

macro_rules! impl_deployment_store {
    ($store:ty, $db:ty, $backend:expr) => {
        type PlanHeadRow = (i64, String, String, i64, String, bool, String, String, i64, Option<String>, Option<i64>);
        type PersonRow = (String, String, String, String, String, Option<String>, String, bool);

        fn plan_head(row: PlanHeadRow) -> $crate::Result<$crate::PlanHead> {
            let bad = |what: &str| $crate::StoreError::Internal(format!("deployment_plan {}: bad {what}", row.0));
            Ok($crate::PlanHead {
                id: row.0,
                regency: sinergi_domain::RegionCode::parse(&row.1).map_err(|_| bad("regency"))?,
                name: row.2.clone(),
                version: row.3,
                status: sinergi_domain::deployment::planner::PlanStatus::parse(&row.4).ok_or_else(|| bad("status"))?,
                partial: row.5,
                summary: serde_json::from_str(&row.6).map_err(|_| bad("summary"))?,
                created_by: row.7.clone(),
                created_at_ms: row.8,
                decided_by: row.9.clone(),
                decided_at_ms: row.10,
            })
        }

        /// `SELECT` the heads of the plans of the regencies the viewer sees (`WHERE` begun: more conditions follow
        /// with ` AND …`), of one regency if given.
        fn plan_heads_seen(
            viewer: &sinergi_domain::access::Viewer,
            regency: Option<&sinergi_domain::RegionCode>,
        ) -> sqlx::QueryBuilder<$db> {
            let mut qb = sqlx::QueryBuilder::<$db>::new(concat!(
                "SELECT ",
                $crate::deployment::queries::plan_head_columns!(),
                " FROM deployment_plan"
            ));
            push_seen(&mut qb, "regency_code", &$crate::territory(viewer));
            if let Some(regency) = regency {
                qb.push(" AND regency_code = ").push_bind(regency.to_string());
            }
            qb
        }

        fn person(row: PersonRow) -> $crate::Result<sinergi_domain::deployment::personnel::Person> {
            use sinergi_domain::deployment::personnel::{Availability, Person};
            let bad = |what: &str| $crate::StoreError::Internal(format!("person {}: bad {what}", row.0));
            Ok(Person {
                force: sinergi_domain::deployment::Force::parse(&row.4).ok_or_else(|| bad("force"))?,
                availability: Availability::from_text(&row.6).ok_or_else(|| bad("availability"))?,
                id: row.0.clone(),
                unit: row.1,
                name: row.2,
                rank: row.3,
                phone: row.5,
                synthetic: row.7,
            })
        }

        #[async_trait::async_trait]
        impl $crate::DeploymentStore for $store {
            #[tracing::instrument(skip_all, fields(units = units.len(), people = people.len()))]
            async fn replace_roster(
                &self,
                units: &[String],
                people: &[sinergi_domain::deployment::personnel::Person],
                actor: &str,
                at_ms: i64,
                audit: &sinergi_domain::trust::audit::AuditEvent,
            ) -> $crate::Result<u64> {
                let mut tx = begin_write(&self.pool).await?;
                lock_audit_head(&mut tx).await?;
                for chunk in units.chunks($crate::sql::BATCH) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new("DELETE FROM person WHERE unit_code IN (");
                    let mut list = qb.separated(", ");
                    for u in chunk {
                        list.push_bind(u.clone());
                    }
                    qb.push(")");
                    qb.build().execute(&mut *tx).await?;
                }
                for chunk in people.chunks($crate::sql::BATCH / 10) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO person (id, unit_code, name, rank, force, phone, availability, synthetic, \
                         updated_by, updated_at_ms) ",
                    );
                    qb.push_values(chunk, |mut b, p| {
                        b.push_bind(p.id.clone())
                            .push_bind(p.unit.clone())
                            .push_bind(p.name.clone())
                            .push_bind(p.rank.clone())
                            .push_bind(p.force.as_str())
                            .push_bind(p.phone.clone())
                            .push_bind(p.availability.to_text())
                            .push_bind(p.synthetic)
                            .push_bind(actor.to_owned())
                            .push_bind(at_ms);
                    });
                    qb.build().execute(&mut *tx).await?;
                }
                append_in(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(people.len() as u64)
            }

            #[tracing::instrument(skip_all, fields(ids = ids.len()))]
            async fn people_elsewhere(
                &self,
                ids: &[String],
                units: &[String],
            ) -> $crate::Result<Vec<(String, String)>> {
                let mut out = Vec::new();
                for chunk in ids.chunks($crate::sql::BATCH) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new("SELECT id, unit_code FROM person WHERE id IN (");
                    let mut list = qb.separated(", ");
                    for id in chunk {
                        list.push_bind(id.clone());
                    }
                    qb.push(")");
                    let rows: Vec<(String, String)> = qb.build_query_as().fetch_all(&self.pool).await?;
                    out.extend(rows.into_iter().filter(|(_, unit)| !units.contains(unit)));
                }
                out.sort();
                Ok(out)
            }

            #[tracing::instrument(skip_all, fields(units = units.len()))]
            async fn people(
                &self,
                units: &[String],
            ) -> $crate::Result<Vec<sinergi_domain::deployment::personnel::Person>> {
                let mut out = Vec::new();
                for chunk in units.chunks($crate::sql::BATCH) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new(
                        "SELECT id, unit_code, name, rank, force, phone, availability, synthetic FROM person \
                         WHERE unit_code IN (",
                    );
                    let mut list = qb.separated(", ");
                    for u in chunk {
                        list.push_bind(u.clone());
                    }
                    qb.push(")");
                    let rows: Vec<PersonRow> = qb.build_query_as().fetch_all(&self.pool).await?;
                    for row in rows {
                        out.push(person(row)?);
                    }
                }
                out.sort_by(|a, b| a.unit.cmp(&b.unit).then_with(|| a.id.cmp(&b.id)));
                Ok(out)
            }

            #[tracing::instrument(skip(self))]
            async fn roster_counts(
                &self,
                within: &sinergi_domain::RegionCode,
            ) -> $crate::Result<Vec<$crate::RosterCount>> {
                let (from, to) = $crate::inside_range(within);
                let rows: Vec<(String, String, i64)> = sqlx::query_as(
                    "SELECT p.unit_code, p.force, COUNT(*) FROM person p JOIN unit u ON u.code = p.unit_code \
                     WHERE u.territory = $1 OR (u.territory >= $2 AND u.territory < $3) \
                     GROUP BY p.unit_code, p.force ORDER BY p.unit_code, p.force",
                )
                .bind(within.as_str())
                .bind(from)
                .bind(to)
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter()
                    .map(|(unit, force, n)| {
                        let force = sinergi_domain::deployment::Force::parse(&force)
                            .ok_or_else(|| $crate::StoreError::Internal(format!("person of {unit}: bad force")))?;
                        Ok($crate::RosterCount { unit, force, people: u64::try_from(n).unwrap_or(0) })
                    })
                    .collect()
            }

            #[tracing::instrument(skip_all, fields(regency = %pattern.regency))]
            async fn put_pattern(
                &self,
                pattern: &$crate::StoredPattern,
                audit: &sinergi_domain::trust::audit::AuditEvent,
            ) -> $crate::Result<()> {
                let mut tx = begin_write(&self.pool).await?;
                lock_audit_head(&mut tx).await?;
                sqlx::query(
                    "INSERT INTO deployment_pattern (regency_code, pattern_id, version, definition, loaded_by, \
                     loaded_at_ms) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (regency_code) DO UPDATE SET \
                     pattern_id = excluded.pattern_id, version = excluded.version, \
                     definition = excluded.definition, loaded_by = excluded.loaded_by, \
                     loaded_at_ms = excluded.loaded_at_ms",
                )
                .bind(pattern.regency.as_str())
                .bind(&pattern.pattern_id)
                .bind(&pattern.version)
                .bind(&pattern.definition)
                .bind(&pattern.loaded_by)
                .bind(pattern.loaded_at_ms)
                .execute(&mut *tx)
                .await?;
                append_in(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            #[tracing::instrument(skip(self))]
            async fn pattern(
                &self,
                regency: &sinergi_domain::RegionCode,
            ) -> $crate::Result<Option<$crate::StoredPattern>> {
                let row: Option<(String, String, String, String, i64)> = sqlx::query_as(
                    "SELECT pattern_id, version, definition, loaded_by, loaded_at_ms FROM deployment_pattern \
                     WHERE regency_code = $1",
                )
                .bind(regency.as_str())
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(|(pattern_id, version, definition, loaded_by, loaded_at_ms)| $crate::StoredPattern {
                    regency: regency.clone(),
                    pattern_id,
                    version,
                    definition,
                    loaded_by,
                    loaded_at_ms,
                }))
            }

            #[tracing::instrument(skip_all, fields(regency = %plan.regency, name = plan.name))]
            async fn create_plan(
                &self,
                plan: &$crate::NewPlan<'_>,
                audit: &sinergi_domain::trust::audit::AuditEvent,
            ) -> $crate::Result<(i64, i64)> {
                let internal = |e: serde_json::Error| $crate::StoreError::Internal(e.to_string());
                let summary = serde_json::to_string(&plan.document.summary).map_err(internal)?;
                let body = serde_json::to_string(plan.document).map_err(internal)?;
                let mut tx = begin_write(&self.pool).await?;
                lock_audit_head(&mut tx).await?;
                let (last,): (Option<i64>,) =
                    sqlx::query_as("SELECT MAX(version) FROM deployment_plan WHERE regency_code = $1 AND name = $2")
                        .bind(plan.regency.as_str())
                        .bind(plan.name)
                        .fetch_one(&mut *tx)
                        .await?;
                let version = last.unwrap_or(0) + 1;
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO deployment_plan (regency_code, name, version, status, partial, summary, body, \
                     created_by, created_at_ms) VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7, $8) RETURNING id",
                )
                .bind(plan.regency.as_str())
                .bind(plan.name)
                .bind(version)
                .bind(plan.document.summary.partial)
                .bind(summary)
                .bind(body)
                .bind(plan.created_by)
                .bind(plan.at_ms)
                .fetch_one(&mut *tx)
                .await?;
                let mut event = audit.clone();
                event.target = format!("plan:{id}");
                append_in(&mut tx, &event).await?;
                tx.commit().await?;
                Ok((id, version))
            }

            #[tracing::instrument(skip_all, fields(viewer = %viewer.username))]
            async fn plans(
                &self,
                viewer: &sinergi_domain::access::Viewer,
                regency: Option<&sinergi_domain::RegionCode>,
            ) -> $crate::Result<Vec<$crate::PlanHead>> {
                let mut qb = plan_heads_seen(viewer, regency);
                qb.push(" ORDER BY id DESC LIMIT 500");
                let rows: Vec<PlanHeadRow> = qb.build_query_as().fetch_all(&self.pool).await?;
                rows.into_iter().map(plan_head).collect()
            }

            #[tracing::instrument(skip_all, fields(viewer = %viewer.username))]
            async fn plans_in_force(
                &self,
                viewer: &sinergi_domain::access::Viewer,
                regency: Option<&sinergi_domain::RegionCode>,
            ) -> $crate::Result<Vec<$crate::PlanHead>> {
                let mut qb = plan_heads_seen(viewer, regency);
                // Per regency: the highest id among its approved plans (at most one is approved at a time), else
                // among its drafts; each found through the (regency_code, id) index.
                qb.push(
                    " AND id IN (SELECT COALESCE(\
                       (SELECT MAX(a.id) FROM deployment_plan a \
                         WHERE a.regency_code = r.regency_code AND a.status = 'approved'), \
                       (SELECT MAX(d.id) FROM deployment_plan d \
                         WHERE d.regency_code = r.regency_code AND d.status = 'draft')) \
                     FROM (SELECT DISTINCT regency_code FROM deployment_plan) r) \
                     ORDER BY regency_code",
                );
                let rows: Vec<PlanHeadRow> = qb.build_query_as().fetch_all(&self.pool).await?;
                rows.into_iter().map(plan_head).collect()
            }

            #[tracing::instrument(skip(self))]
            async fn plan(&self, id: i64) -> $crate::Result<Option<$crate::PlanRecord>> {
                let row: Option<(
                    i64,
                    String,
                    String,
                    i64,
                    String,
                    bool,
                    String,
                    String,
                    i64,
                    Option<String>,
                    Option<i64>,
                    String,
                )> = sqlx::query_as(concat!(
                    "SELECT ",
                    $crate::deployment::queries::plan_head_columns!(),
                    ", body FROM deployment_plan WHERE id = $1"
                ))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
                let Some(row) = row else { return Ok(None) };
                let body = row.11;
                let head = plan_head((row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8, row.9, row.10))?;
                let document = serde_json::from_str(&body)
                    .map_err(|e| $crate::StoreError::Internal(format!("deployment_plan {id}: {e}")))?;
                Ok(Some($crate::PlanRecord { head, document }))
            }

            #[tracing::instrument(skip(self, audit))]
            async fn decide_plan(
                &self,
                id: i64,
                from: sinergi_domain::deployment::planner::PlanStatus,
                to: sinergi_domain::deployment::planner::PlanStatus,
                actor: &str,
                at_ms: i64,
                audit: &sinergi_domain::trust::audit::AuditEvent,
            ) -> $crate::Result<bool> {
                use sinergi_domain::deployment::planner::PlanStatus;
                let mut tx = begin_write(&self.pool).await?;
                lock_audit_head(&mut tx).await?;
                let regency: Option<(String,)> =
                    sqlx::query_as("SELECT regency_code FROM deployment_plan WHERE id = $1 AND status = $2")
                        .bind(id)
                        .bind(from.as_str())
                        .fetch_optional(&mut *tx)
                        .await?;
                let Some((regency,)) = regency else {
                    tx.rollback().await?;
                    return Ok(false);
                };
                if to == PlanStatus::Approved {
                    sqlx::query(
                        "UPDATE deployment_plan SET status = 'superseded', decided_by = $1, decided_at_ms = $2 \
                         WHERE regency_code = $3 AND status = 'approved' AND id <> $4",
                    )
                    .bind(actor)
                    .bind(at_ms)
                    .bind(&regency)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                }
                sqlx::query(
                    "UPDATE deployment_plan SET status = $1, decided_by = $2, decided_at_ms = $3 WHERE id = $4",
                )
                .bind(to.as_str())
                .bind(actor)
                .bind(at_ms)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                let mut event = audit.clone();
                event.target = format!("plan:{id}");
                append_in(&mut tx, &event).await?;
                tx.commit().await?;
                Ok(true)
            }
        }
    };
}

pub(crate) use {impl_deployment_store, plan_head_columns};
