//! Coordination in storage: one macro expands the SQL below for each backend's pool type (see `crate::sql`).

macro_rules! meeting_columns {
    () => {
        "m.id, m.body, m.version, m.created_by, m.created_at_ms, m.updated_at_ms, u.code, u.name, u.agency, u.territory"
    };
}

macro_rules! item_columns {
    () => {
        "a.id, a.meeting_id, m.title AS meeting_title, m.starts_at_ms AS meeting_starts_at_ms, m.forum, \
         m.convening_unit, m.classification, a.decision_number, a.owner_unit, u.name AS owner_name, a.owner_agency, \
         a.owner_territory, a.task, a.deadline, a.status, a.note, a.created_at_ms, a.updated_at_ms"
    };
}

macro_rules! attachment_columns {
    () => {
        "id, meeting_id, unit_code, item_id, file_name, media_type, size, sha256, classification, uploaded_by, \
         uploaded_at_ms"
    };
}

macro_rules! impl_coordination_store {
    ($store:ty, $db:ty, $backend:expr) => {
        type MeetingRow = (i64, String, i64, String, i64, i64, String, String, String, String);
        use $crate::coordination::ItemRow;
        type AttachmentRow = (i64, i64, String, Option<i64>, String, String, i64, String, String, String, i64);

        /// Adds the reading rule of `coordination::meeting::may_read` for the meeting aliased `m` (after a
        /// `WHERE`): the territory's meetings within the viewer's clearance, for those who read meetings; and the
        /// meetings a unit the viewer acts for is invited to, for those who read meetings or take part.
        fn push_meeting_visible(qb: &mut sqlx::QueryBuilder<$db>, viewer: &sinergi_domain::access::Viewer) {
            use sinergi_domain::access::Action;
            let reads = viewer.may(Action::ReadMeetings);
            let takes_part = reads || viewer.may(Action::TakePart);
            let t = $crate::territory(viewer);
            qb.push("((");
            qb.push_bind(reads);
            qb.push(" AND (m.region_code = ").push_bind(t.exact.clone());
            qb.push(" OR (m.region_code >= ").push_bind(t.from.clone());
            qb.push(" AND m.region_code < ").push_bind(t.to.clone()).push(")) AND m.classification IN (");
            let mut list = qb.separated(", ");
            for level in $crate::readable_levels(viewer) {
                list.push_bind(level);
            }
            qb.push(")) OR (").push_bind(takes_part);
            qb.push(" AND EXISTS (SELECT 1 FROM meeting_invitee i WHERE i.meeting_id = m.id AND i.agency = ");
            qb.push_bind(viewer.agency.as_str());
            qb.push(" AND (i.territory = ").push_bind(t.exact.clone());
            qb.push(" OR (i.territory >= ").push_bind(t.from.clone());
            qb.push(" AND i.territory < ").push_bind(t.to).push(")))))");
        }

        /// A region column inside `code` or equal to it (after a `WHERE … AND`).
        fn push_within(qb: &mut sqlx::QueryBuilder<$db>, column: &'static str, code: &sinergi_domain::RegionCode) {
            let (from, to) = $crate::inside_range(code);
            qb.push(" AND (").push(column).push(" = ").push_bind(code.to_string());
            qb.push(" OR (").push(column).push(" >= ").push_bind(from);
            qb.push(" AND ").push(column).push(" < ").push_bind(to).push("))");
        }

        fn meeting_unit(
            code: String,
            name: String,
            agency: &str,
            territory: &str,
        ) -> $crate::Result<$crate::MeetingUnit> {
            Ok($crate::MeetingUnit {
                code,
                name,
                agency: $crate::stored(agency, sinergi_domain::AgencyKind::parse, "agency")?,
                territory: $crate::stored_code(territory)?,
            })
        }

        /// The meetings of the rows, with their invited units (one query for all of them).
        async fn meeting_records(
            pool: &sqlx::Pool<$db>,
            rows: Vec<MeetingRow>,
        ) -> $crate::Result<Vec<$crate::MeetingRecord>> {
            if rows.is_empty() {
                return Ok(Vec::new());
            }
            let mut qb = sqlx::QueryBuilder::<$db>::new(
                "SELECT i.meeting_id, i.unit_code, u.name, i.agency, i.territory FROM meeting_invitee i \
                 JOIN unit u ON u.code = i.unit_code WHERE i.meeting_id IN (",
            );
            let mut list = qb.separated(", ");
            for row in &rows {
                list.push_bind(row.0);
            }
            qb.push(")");
            let units: Vec<(i64, String, String, String, String)> = qb.build_query_as().fetch_all(pool).await?;
            let mut out = Vec::with_capacity(rows.len());
            for (id, body, version, created_by, created_at_ms, updated_at_ms, code, name, agency, territory) in rows {
                let meeting: sinergi_domain::coordination::meeting::Meeting = serde_json::from_str(&body)
                    .map_err(|e| $crate::StoreError::Internal(format!("stored meeting {id} is invalid: {e}")))?;
                let mut invited = Vec::new();
                for (m, code, name, agency, territory) in &units {
                    if *m == id {
                        invited.push(meeting_unit(code.clone(), name.clone(), agency, territory)?);
                    }
                }
                // In the meeting's own order.
                invited.sort_by_key(|u| meeting.invitees.iter().position(|i| i.unit == u.code).unwrap_or(usize::MAX));
                out.push($crate::MeetingRecord {
                    id,
                    meeting,
                    version,
                    convener: meeting_unit(code, name, &agency, &territory)?,
                    units: invited,
                    created_by,
                    created_at_ms,
                    updated_at_ms,
                });
            }
            Ok(out)
        }

        /// Makes the invited units' table match the meeting's list, and inserts the new items with their first
        /// event, inside the caller's transaction.
        async fn write_parts(
            tx: &mut sqlx::Transaction<'_, $db>,
            id: i64,
            write: &$crate::MeetingWrite<'_>,
        ) -> $crate::Result<()> {
            sqlx::query("DELETE FROM meeting_invitee WHERE meeting_id = $1").bind(id).execute(&mut **tx).await?;
            for unit in write.units {
                sqlx::query(
                    "INSERT INTO meeting_invitee (meeting_id, unit_code, agency, territory) VALUES ($1, $2, $3, $4)",
                )
                .bind(id)
                .bind(unit.code.as_str())
                .bind(unit.agency.as_str())
                .bind(unit.territory.as_str())
                .execute(&mut **tx)
                .await?;
            }
            for item in write.new_items {
                let (item_id,): (i64,) = sqlx::query_as(
                    "INSERT INTO action_item (meeting_id, decision_number, owner_unit, owner_agency, owner_territory, \
                     task, deadline, status, note, created_at_ms, updated_at_ms) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', NULL, $8, $8) RETURNING id",
                )
                .bind(id)
                .bind(i64::from(item.decision_number))
                .bind(item.owner.code.as_str())
                .bind(item.owner.agency.as_str())
                .bind(item.owner.territory.as_str())
                .bind(item.task.as_str())
                .bind(item.deadline.to_string())
                .bind(write.at_ms)
                .fetch_one(&mut **tx)
                .await?;
                sqlx::query(
                    "INSERT INTO action_item_event (item_id, at_ms, actor, status, note) VALUES ($1, $2, $3, 'open', NULL)",
                )
                .bind(item_id)
                .bind(write.at_ms)
                .bind(write.actor)
                .execute(&mut **tx)
                .await?;
            }
            Ok(())
        }

        fn item_record(row: ItemRow) -> $crate::Result<$crate::ItemRecord> {
            let $crate::coordination::ItemRow {
                id,
                meeting_id,
                meeting_title,
                meeting_starts_at_ms,
                forum,
                convening_unit,
                classification,
                decision_number,
                owner_unit,
                owner_name,
                owner_agency,
                owner_territory,
                task,
                deadline,
                status,
                note,
                created_at_ms,
                updated_at_ms,
            } = row;
            Ok($crate::ItemRecord {
                id,
                meeting_id,
                meeting_title,
                meeting_starts_at_ms,
                forum,
                convening_unit,
                classification: $crate::stored(
                    &classification,
                    sinergi_domain::trust::auth::Classification::parse,
                    "classification",
                )?,
                decision_number: u32::try_from(decision_number).unwrap_or(0),
                owner: meeting_unit(owner_unit, owner_name, &owner_agency, &owner_territory)?,
                task,
                deadline: $crate::stored(&deadline, sinergi_domain::coordination::calendar::Date::parse, "deadline")?,
                status: $crate::stored(&status, sinergi_domain::coordination::follow_up::ItemStatus::parse, "status")?,
                note,
                created_at_ms,
                updated_at_ms,
            })
        }

        fn attachment_meta(row: AttachmentRow) -> $crate::Result<$crate::AttachmentMeta> {
            let (id, meeting_id, unit_code, item_id, file_name, media_type, size, sha256, level, by, at) = row;
            Ok($crate::AttachmentMeta {
                id,
                meeting_id,
                unit_code,
                item_id,
                file_name,
                media_type,
                size: u64::try_from(size).unwrap_or(0),
                sha256,
                classification: $crate::stored(
                    &level,
                    sinergi_domain::trust::auth::Classification::parse,
                    "classification",
                )?,
                uploaded_by: by,
                uploaded_at_ms: at,
            })
        }

        /// The conditions of an item list (after `FROM … WHERE`), the meeting's reading rule first.
        fn push_item_filter(
            qb: &mut sqlx::QueryBuilder<$db>,
            viewer: &sinergi_domain::access::Viewer,
            filter: &$crate::ItemFilter,
        ) {
            use sinergi_domain::coordination::follow_up::ItemState;
            push_meeting_visible(qb, viewer);
            if let Some(id) = filter.meeting_id {
                qb.push(" AND a.meeting_id = ").push_bind(id);
            }
            if let Some(forum) = &filter.forum {
                qb.push(" AND m.forum = ").push_bind(forum.clone());
            }
            if let Some(agency) = filter.owner_agency {
                qb.push(" AND a.owner_agency = ").push_bind(agency.as_str());
            }
            if let Some(unit) = &filter.owner_unit {
                qb.push(" AND a.owner_unit = ").push_bind(unit.clone());
            }
            if let Some(within) = &filter.within {
                push_within(qb, "m.region_code", within);
            }
            if filter.mine {
                let t = $crate::territory(viewer);
                qb.push(" AND ((a.owner_agency = ").push_bind(viewer.agency.as_str());
                qb.push(" AND (a.owner_territory = ").push_bind(t.exact.clone());
                qb.push(" OR (a.owner_territory >= ").push_bind(t.from.clone());
                qb.push(" AND a.owner_territory < ").push_bind(t.to.clone()).push(")))");
                if filter.or_convened {
                    qb.push(" OR EXISTS (SELECT 1 FROM unit cu WHERE cu.code = m.convening_unit AND cu.agency = ");
                    qb.push_bind(viewer.agency.as_str());
                    qb.push(" AND (cu.territory = ").push_bind(t.exact);
                    qb.push(" OR (cu.territory >= ").push_bind(t.from);
                    qb.push(" AND cu.territory < ").push_bind(t.to).push(")))");
                }
                qb.push(")");
            }
            if let Some(state) = filter.state {
                let today = filter.today.map(|d| d.to_string()).unwrap_or_default();
                match state {
                    ItemState::Overdue => {
                        qb.push(" AND a.status IN ('open', 'in_progress') AND a.deadline < ").push_bind(today);
                    }
                    ItemState::Open | ItemState::InProgress => {
                        let status = if state == ItemState::Open { "open" } else { "in_progress" };
                        qb.push(" AND a.status = ").push_bind(status);
                        qb.push(" AND a.deadline >= ").push_bind(today);
                    }
                    ItemState::Done => {
                        qb.push(" AND a.status = 'done'");
                    }
                    ItemState::Dropped => {
                        qb.push(" AND a.status = 'dropped'");
                    }
                }
            }
        }

        type CalendarRow = (i64, String, String, String, String, i64, String);

        fn stored_calendar(row: CalendarRow) -> $crate::Result<$crate::StoredCalendar> {
            let (id, region, calendar_id, definition, loaded_by, loaded_at_ms, reason) = row;
            Ok($crate::StoredCalendar {
                id,
                region: $crate::stored_code(&region)?,
                calendar_id,
                definition,
                loaded_by,
                loaded_at_ms,
                reason,
            })
        }

        #[async_trait::async_trait]
        impl $crate::CoordinationStore for $store {
            #[tracing::instrument(skip_all, fields(title = %write.meeting.head.title))]
            async fn create_meeting(
                &self,
                write: &$crate::MeetingWrite<'_>,
                audit: &sinergi_domain::trust::audit::AuditEvent,
            ) -> $crate::Result<i64> {
                let m = write.meeting;
                let body = serde_json::to_string(m).map_err(|e| $crate::StoreError::Internal(e.to_string()))?;
                let mut tx = begin_write(&self.pool).await?;
                lock_audit_head(&mut tx).await?;
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO meeting (forum, region_code, convening_unit, title, status, classification, \
                     starts_at_ms, ends_at_ms, body, version, created_by, created_at_ms, updated_at_ms) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $11, $11) RETURNING id",
                )
                .bind(m.head.forum.as_str())
                .bind(m.head.region.as_str())
                .bind(m.head.convening_unit.as_str())
                .bind(m.head.title.as_str())
                .bind(m.status.as_str())
                .bind(m.head.classification.as_str())
                .bind(m.head.starts_at_ms)
                .bind(m.head.ends_at_ms)
                .bind(body)
                .bind(write.actor)
                .bind(write.at_ms)
                .fetch_one(&mut *tx)
                .await?;
                write_parts(&mut tx, id, write).await?;
                let mut event = audit.clone();
                event.target = format!("meeting:{id}");
                append_in(&mut tx, &event).await?;
                tx.commit().await?;
                Ok(id)
            }

            #[tracing::instrument(skip(self))]
            async fn meeting_record(&self, id: i64) -> $crate::Result<Option<$crate::MeetingRecord>> {
                let rows: Vec<MeetingRow> = sqlx::query_as(concat!(
                    "SELECT ",
                    $crate::coordination::queries::meeting_columns!(),
                    " FROM meeting m JOIN unit u ON u.code = m.convening_unit WHERE m.id = $1"
                ))
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
                Ok(meeting_records(&self.pool, rows).await?.pop())
            }

            #[tracing::instrument(skip_all, fields(id, version))]
            async fn save_meeting(
                &self,
                id: i64,
                version: i64,
                write: &$crate::MeetingWrite<'_>,
                audit: &sinergi_domain::trust::audit::AuditEvent,
            ) -> $crate::Result<Option<i64>> {
                let m = write.meeting;
                let body = serde_json::to_string(m).map_err(|e| $crate::StoreError::Internal(e.to_string()))?;
                let mut tx = begin_write(&self.pool).await?;
                lock_audit_head(&mut tx).await?;
                let done = sqlx::query(
                    "UPDATE meeting SET forum = $1, region_code = $2, convening_unit = $3, title = $4, status = $5, \
                     classification = $6, starts_at_ms = $7, ends_at_ms = $8, body = $9, version = version + 1, \
                     updated_at_ms = $10 WHERE id = $11 AND version = $12",
                )
                .bind(m.head.forum.as_str())
                .bind(m.head.region.as_str())
                .bind(m.head.convening_unit.as_str())
                .bind(m.head.title.as_str())
                .bind(m.status.as_str())
                .bind(m.head.classification.as_str())
                .bind(m.head.starts_at_ms)
                .bind(m.head.ends_at_ms)
                .bind(body)
                .bind(write.at_ms)
                .bind(id)
                .bind(version)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    tx.rollback().await?;
                    return Ok(None);
                }
                write_parts(&mut tx, id, write).await?;
                let mut event = audit.clone();
                event.target = format!("meeting:{id}");
                append_in(&mut tx, &event).await?;
                tx.commit().await?;
                Ok(Some(version + 1))
            }

            #[tracing::instrument(skip_all, fields(viewer = %viewer.username))]
            async fn meetings(
                &self,
                viewer: &sinergi_domain::access::Viewer,
                filter: &$crate::MeetingFilter,
                page: $crate::Page,
            ) -> $crate::Result<(Vec<$crate::MeetingRecord>, u64)> {
                let push_filter = |qb: &mut sqlx::QueryBuilder<$db>| {
                    push_meeting_visible(qb, viewer);
                    if let Some(within) = &filter.within {
                        push_within(qb, "m.region_code", within);
                    }
                    if let Some(forum) = &filter.forum {
                        qb.push(" AND m.forum = ").push_bind(forum.clone());
                    }
                    if let Some(status) = filter.status {
                        qb.push(" AND m.status = ").push_bind(status.as_str());
                    }
                    if let Some(from) = filter.from_ms {
                        qb.push(" AND m.starts_at_ms >= ").push_bind(from);
                    }
                    if let Some(before) = filter.before_ms {
                        qb.push(" AND m.starts_at_ms < ").push_bind(before);
                    }
                };
                let mut count = sqlx::QueryBuilder::<$db>::new("SELECT COUNT(*) FROM meeting m WHERE ");
                push_filter(&mut count);
                let (total,): (i64,) = count.build_query_as().fetch_one(&self.pool).await?;
                let mut qb = sqlx::QueryBuilder::<$db>::new(concat!(
                    "SELECT ",
                    $crate::coordination::queries::meeting_columns!(),
                    " FROM meeting m JOIN unit u ON u.code = m.convening_unit WHERE "
                ));
                push_filter(&mut qb);
                qb.push(if filter.soonest_first {
                    " ORDER BY m.starts_at_ms, m.id LIMIT "
                } else {
                    " ORDER BY m.starts_at_ms DESC, m.id DESC LIMIT "
                })
                .push_bind(i64::from(page.size));
                qb.push(" OFFSET ").push_bind(page.offset());
                let rows: Vec<MeetingRow> = qb.build_query_as().fetch_all(&self.pool).await?;
                Ok((meeting_records(&self.pool, rows).await?, u64::try_from(total).unwrap_or(0)))
            }

            #[tracing::instrument(skip_all, fields(viewer = %viewer.username))]
            async fn items(
                &self,
                viewer: &sinergi_domain::access::Viewer,
                filter: &$crate::ItemFilter,
                page: $crate::Page,
            ) -> $crate::Result<(Vec<$crate::ItemRecord>, u64)> {
                let mut count = sqlx::QueryBuilder::<$db>::new(
                    "SELECT COUNT(*) FROM action_item a JOIN meeting m ON m.id = a.meeting_id WHERE ",
                );
                push_item_filter(&mut count, viewer, filter);
                let (total,): (i64,) = count.build_query_as().fetch_one(&self.pool).await?;
                let mut qb = sqlx::QueryBuilder::<$db>::new(concat!(
                    "SELECT ",
                    $crate::coordination::queries::item_columns!(),
                    " FROM action_item a JOIN meeting m ON m.id = a.meeting_id JOIN unit u ON u.code = a.owner_unit \
                     WHERE "
                ));
                push_item_filter(&mut qb, viewer, filter);
                qb.push(" ORDER BY a.deadline, a.meeting_id, a.decision_number, a.id LIMIT ");
                qb.push_bind(i64::from(page.size)).push(" OFFSET ").push_bind(page.offset());
                let rows: Vec<ItemRow> = qb.build_query_as().fetch_all(&self.pool).await?;
                let items = rows.into_iter().map(item_record).collect::<$crate::Result<Vec<_>>>()?;
                Ok((items, u64::try_from(total).unwrap_or(0)))
            }

            #[tracing::instrument(skip(self))]
            async fn item(&self, id: i64) -> $crate::Result<Option<$crate::ItemRecord>> {
                let row: Option<ItemRow> = sqlx::query_as(concat!(
                    "SELECT ",
                    $crate::coordination::queries::item_columns!(),
                    " FROM action_item a JOIN meeting m ON m.id = a.meeting_id JOIN unit u ON u.code = a.owner_unit \
                     WHERE a.id = $1"
                ))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
                row.map(item_record).transpose()
            }

            #[tracing::instrument(skip(self, update, audit))]
            async fn update_item(
                &self,
                id: i64,
                from: sinergi_domain::coordination::follow_up::ItemStatus,
                update: &sinergi_domain::coordination::follow_up::ItemUpdate,
                actor: &str,
                at_ms: i64,
                audit: &sinergi_domain::trust::audit::AuditEvent,
            ) -> $crate::Result<bool> {
                let mut tx = begin_write(&self.pool).await?;
                lock_audit_head(&mut tx).await?;
                let done = sqlx::query(
                    "UPDATE action_item SET status = $1, note = COALESCE($2, note), updated_at_ms = $3 \
                     WHERE id = $4 AND status = $5",
                )
                .bind(update.status.as_str())
                .bind(update.note.as_deref())
                .bind(at_ms)
                .bind(id)
                .bind(from.as_str())
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                sqlx::query("INSERT INTO action_item_event (item_id, at_ms, actor, status, note) VALUES ($1, $2, $3, $4, $5)")
                    .bind(id)
                    .bind(at_ms)
                    .bind(actor)
                    .bind(update.status.as_str())
                    .bind(update.note.as_deref())
                    .execute(&mut *tx)
                    .await?;
                let mut event = audit.clone();
                event.target = format!("action_item:{id}");
                append_in(&mut tx, &event).await?;
                tx.commit().await?;
                Ok(true)
            }

            #[tracing::instrument(skip(self))]
            async fn item_events(&self, id: i64) -> $crate::Result<Vec<$crate::ItemEvent>> {
                let rows: Vec<(i64, String, String, Option<String>)> = sqlx::query_as(
                    "SELECT at_ms, actor, status, note FROM action_item_event WHERE item_id = $1 ORDER BY id",
                )
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter()
                    .map(|(at_ms, actor, status, note)| {
                        Ok($crate::ItemEvent {
                            at_ms,
                            actor,
                            status: $crate::stored(
                                &status,
                                sinergi_domain::coordination::follow_up::ItemStatus::parse,
                                "status",
                            )?,
                            note,
                        })
                    })
                    .collect()
            }

            #[tracing::instrument(skip_all, fields(meeting = file.meeting_id, size = file.content.len()))]
            async fn add_attachment(
                &self,
                file: &$crate::NewAttachment,
                audit: &sinergi_domain::trust::audit::AuditEvent,
            ) -> $crate::Result<i64> {
                let mut tx = begin_write(&self.pool).await?;
                lock_audit_head(&mut tx).await?;
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO meeting_attachment (meeting_id, unit_code, item_id, file_name, media_type, size, \
                     sha256, classification, content, uploaded_by, uploaded_at_ms) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                )
                .bind(file.meeting_id)
                .bind(file.unit_code.as_str())
                .bind(file.item_id)
                .bind(file.file_name.as_str())
                .bind(file.media_type.as_str())
                .bind(i64::try_from(file.content.len()).unwrap_or(i64::MAX))
                .bind(file.sha256.as_str())
                .bind(file.classification.as_str())
                .bind(file.content.as_slice())
                .bind(file.uploaded_by.as_str())
                .bind(file.at_ms)
                .fetch_one(&mut *tx)
                .await?;
                let mut event = audit.clone();
                event.target = format!("attachment:{id}");
                append_in(&mut tx, &event).await?;
                tx.commit().await?;
                Ok(id)
            }

            #[tracing::instrument(skip(self))]
            async fn attachments(&self, meeting_id: i64) -> $crate::Result<Vec<$crate::AttachmentMeta>> {
                let rows: Vec<AttachmentRow> = sqlx::query_as(concat!(
                    "SELECT ",
                    $crate::coordination::queries::attachment_columns!(),
                    " FROM meeting_attachment WHERE meeting_id = $1 ORDER BY id"
                ))
                .bind(meeting_id)
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(attachment_meta).collect()
            }

            #[tracing::instrument(skip(self))]
            async fn attachment(&self, id: i64) -> $crate::Result<Option<($crate::AttachmentMeta, Vec<u8>)>> {
                let row: Option<AttachmentRow> = sqlx::query_as(concat!(
                    "SELECT ",
                    $crate::coordination::queries::attachment_columns!(),
                    " FROM meeting_attachment WHERE id = $1"
                ))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
                let Some(row) = row else { return Ok(None) };
                let (content,): (Vec<u8>,) = sqlx::query_as("SELECT content FROM meeting_attachment WHERE id = $1")
                    .bind(id)
                    .fetch_one(&self.pool)
                    .await?;
                Ok(Some((attachment_meta(row)?, content)))
            }

            #[tracing::instrument(skip_all, fields(region = %version.region))]
            async fn add_calendar_version(
                &self,
                version: &$crate::NewCalendarVersion,
                audit: &sinergi_domain::trust::audit::AuditEvent,
            ) -> $crate::Result<i64> {
                let mut tx = begin_write(&self.pool).await?;
                lock_audit_head(&mut tx).await?;
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO calendar_version (region_code, calendar_id, definition, loaded_by, loaded_at_ms, reason) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(version.region.as_str())
                .bind(version.calendar_id.as_str())
                .bind(version.definition.as_str())
                .bind(version.loaded_by.as_str())
                .bind(version.loaded_at_ms)
                .bind(version.reason.as_str())
                .fetch_one(&mut *tx)
                .await?;
                let mut event = audit.clone();
                event.target = format!("calendar_version:{id}");
                append_in(&mut tx, &event).await?;
                tx.commit().await?;
                Ok(id)
            }

            #[tracing::instrument(skip(self))]
            async fn calendar_in_force(
                &self,
                regions: &[sinergi_domain::RegionCode],
            ) -> $crate::Result<Option<$crate::StoredCalendar>> {
                if regions.is_empty() {
                    return Ok(None);
                }
                // The nearest region is the one with the longest code (regions nest by prefix).
                let mut qb = sqlx::QueryBuilder::<$db>::new(
                    "SELECT id, region_code, calendar_id, definition, loaded_by, loaded_at_ms, reason \
                     FROM calendar_version WHERE region_code IN (",
                );
                let mut list = qb.separated(", ");
                for region in regions {
                    list.push_bind(region.to_string());
                }
                qb.push(") ORDER BY LENGTH(region_code) DESC, id DESC LIMIT 1");
                let row: Option<CalendarRow> = qb.build_query_as().fetch_optional(&self.pool).await?;
                row.map(stored_calendar).transpose()
            }

            #[tracing::instrument(skip(self))]
            async fn calendar_versions(
                &self,
                region: &sinergi_domain::RegionCode,
            ) -> $crate::Result<Vec<$crate::StoredCalendar>> {
                let rows: Vec<CalendarRow> = sqlx::query_as(
                    "SELECT id, region_code, calendar_id, definition, loaded_by, loaded_at_ms, reason \
                     FROM calendar_version WHERE region_code = $1 ORDER BY id DESC",
                )
                .bind(region.as_str())
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(stored_calendar).collect()
            }
        }
    };
}

pub(crate) use {attachment_columns, impl_coordination_store, item_columns, meeting_columns};
