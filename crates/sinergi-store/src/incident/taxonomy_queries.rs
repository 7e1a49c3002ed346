//! The report taxonomy in storage: versions are only ever added; the newest is in force.

macro_rules! impl_taxonomy_store {
    ($store:ty, $db:ty, $backend:expr) => {
        #[async_trait::async_trait]
        impl $crate::TaxonomyStore for $store {
            async fn add_taxonomy_version(
                &self,
                version: &$crate::NewTaxonomyVersion,
                audit: &sinergi_domain::trust::audit::AuditEvent,
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

            async fn taxonomy_versions(
                &self,
                page: $crate::Page,
            ) -> $crate::Result<(Vec<$crate::TaxonomyVersion>, u64)> {
                let (total,): (i64,) =
                    sqlx::query_as("SELECT COUNT(*) FROM taxonomy_version").fetch_one(&self.pool).await?;
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
                    let (found,): (bool,) = sqlx::query_as("SELECT EXISTS (SELECT 1 FROM report WHERE category = $1)")
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
        }
    };
}

pub(crate) use impl_taxonomy_store;
