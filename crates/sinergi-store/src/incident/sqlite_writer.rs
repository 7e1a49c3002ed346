//! SQLite's report writer: a thread of its own, with a connection of its own, files each group of reports in one
//! transaction of prepared statements.
//!
//! Why not the pool: sqlx runs each SQLite statement on a connection's worker thread, reached over a channel. A
//! group took nine such round trips (begin, keys, village centres, reports, history, routes, feed, commit), and
//! under a stream of reports each trip waited its turn on a runtime busy with the very requests queued behind the
//! group; the statements of many rows were also parsed anew for every group. Under load a group of 64 reports
//! took about 8 ms that way, though SQLite's own work was about 2 ms (docs/benchmarks.md). Here a group is one
//! message in and one answer out, and each statement is prepared once for the life of the connection.
//!
//! What is written, and in which order, is what the pool's version (`file_in_pool` in `queries.rs`, used by
//! PostgreSQL and by an in-memory SQLite database) writes; the store's behaviour suite runs on both.
//!
//! The thread starts when the store opens a database file, beside a second one that copies the log into the
//! database (see [`LONGEST_LOG`]); both end when the last clone of the store is dropped.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, mpsc};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use tokio::sync::oneshot;

use crate::incident::filing::Slot;
use crate::{Filed, NewReport, Result, StoreError};

type Job = (Vec<NewReport>, oneshot::Sender<Result<Vec<Filed>>>);

pub(crate) struct ReportWriter {
    jobs: mpsc::Sender<Job>,
}

impl ReportWriter {
    /// Opens a connection to the database file at `path` (already created and migrated by the pool) and starts
    /// the thread.
    pub(crate) fn start(path: &Path, read_only: bool) -> Result<ReportWriter> {
        let open = |path: &Path| open(path, read_only);
        let conn = open(path)?;
        // The writer does not copy the log into the database after its commits (SQLite's automatic checkpoint):
        // a thread beside it does, so that no group waits for it.
        conn.pragma_update(None, "wal_autocheckpoint", 0).map_err(to_store)?;
        let checkpoints = open(path)?;
        let (jobs, queue) = mpsc::channel::<Job>();
        let (alive, watch) = mpsc::channel::<()>();
        let log_pages = Arc::new(AtomicI64::new(0));
        let failed = |e: std::io::Error| StoreError::Unavailable(format!("cannot start the report writer: {e}"));
        let seen = log_pages.clone();
        std::thread::Builder::new()
            .name("wal-checkpoint".into())
            .spawn(move || checkpoint_beside(checkpoints, seen, watch))
            .map_err(failed)?;
        std::thread::Builder::new()
            .name("report-writer".into())
            .spawn(move || {
                run(conn, log_pages, queue);
                drop(alive);
            })
            .map_err(failed)?;
        Ok(ReportWriter { jobs })
    }

    /// Files `reports` in one transaction and returns what became of each, in order. Nothing of the group is
    /// stored if any of it fails.
    pub(crate) async fn file(&self, reports: &[NewReport]) -> Result<Vec<Filed>> {
        let (done, answer) = oneshot::channel();
        let stopped = || StoreError::Unavailable("the report writer stopped".into());
        self.jobs.send((reports.to_vec(), done)).map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

/// Opens the file as the pool did: read-only when its URL said `mode=ro`, so that the writer refuses what the pool
/// refuses.
fn open(path: &Path, read_only: bool) -> Result<Connection> {
    let opened = if read_only {
        Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
    } else {
        Connection::open(path)
    };
    let conn = opened.map_err(|e| StoreError::Unavailable(format!("{}: {e}", path.display())))?;
    // The pool's settings (`sqlite::SETTINGS`), and a log file cut back to 64 MiB once the log starts afresh.
    for (name, value) in crate::sqlite::SETTINGS {
        conn.execute_batch(&format!("PRAGMA {name} = {value};")).map_err(to_store)?;
    }
    conn.execute_batch("PRAGMA journal_size_limit = 67108864;").map_err(to_store)?;
    conn.busy_timeout(crate::sqlite::BUSY_TIMEOUT).map_err(to_store)?;
    conn.set_prepared_statement_cache_capacity(16);
    Ok(conn)
}

/// How often the thread beside the writer copies the log into the database. A copy writes each page changed since
/// the last one once, however many groups changed it: under a stream of reports with random idempotency keys
/// (each on a random page of the key index), copies every 200 ms instead of every 100 ms took about a fifth more
/// reports a second (docs/benchmarks.md, "Random keys"). Longer still made the writer's own copies (below) long
/// enough to show in the p99.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(200);

/// Once the log is longer than this (in pages of 4 KiB: 32 MiB), the writer itself copies what is left of it
/// after its next commit, and so starts it afresh. The copies made beside it cannot do that: the log starts again
/// from its beginning only when a writer begins on a log copied whole, and beside a stream of groups the copy
/// never ends before the next group begins; the log would grow for as long as the stream lasts.
const LONGEST_LOG: i64 = 8192;

/// Copies the log into the database every [`CHECKPOINT_EVERY`] until the writer stops (`watch` disconnects),
/// telling the writer how long the log was (`log_pages`). Readers keep working throughout; a failed copy is tried
/// again next time.
fn checkpoint_beside(conn: Connection, log_pages: Arc<AtomicI64>, watch: mpsc::Receiver<()>) {
    while let Err(mpsc::RecvTimeoutError::Timeout) = watch.recv_timeout(CHECKPOINT_EVERY) {
        match checkpoint(&conn) {
            Ok(pages) => log_pages.store(pages, Ordering::Relaxed),
            Err(e) => tracing::debug!(error = %e, "the database log could not be copied now"),
        }
    }
}

/// Copies the log into the database as far as no reader still needs it; returns the log's length in pages.
fn checkpoint(conn: &Connection) -> Result<i64> {
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| row.get::<_, i64>(1)).map_err(to_store)
}

fn run(mut conn: Connection, log_pages: Arc<AtomicI64>, queue: mpsc::Receiver<Job>) {
    while let Ok((reports, done)) = queue.recv() {
        // A panic must not take the writer down with it: every later report would be refused.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| file_group(&mut conn, &reports)))
            .unwrap_or_else(|_| Err(StoreError::Internal("the report writer failed on a group".into())));
        let _ = done.send(result);
        // After answering: the reporters do not wait for this.
        if log_pages.load(Ordering::Relaxed) > LONGEST_LOG {
            log_pages.store(0, Ordering::Relaxed);
            if let Err(e) = checkpoint(&conn) {
                tracing::debug!(error = %e, "the database log could not be copied now");
            }
        }
    }
    // Whatever is left in the log is copied before the store closes.
    let _ = checkpoint(&conn);
}

/// Whether a path names a database file the writer can open beside the pool (an in-memory database cannot be
/// shared between two connections this way).
pub(crate) fn file_path(url: &str, filename: &Path) -> Option<PathBuf> {
    let memory = url.contains(":memory:") || url.contains("mode=memory") || filename.as_os_str().is_empty();
    (!memory).then(|| filename.to_path_buf())
}

/// Files one group in one transaction, as the pool's `file_reports` does: a report stored before under its key is
/// answered with that one, and nothing of the group is stored if any of it fails.
fn file_group(conn: &mut Connection, reports: &[NewReport]) -> Result<Vec<Filed>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(to_store)?;
    let keys = crate::incident::filing::keys(reports);
    let mut known: HashMap<String, i64> = HashMap::new();
    {
        let mut stored = tx.prepare_cached("SELECT id FROM report WHERE idempotency_key = ?1").map_err(to_store)?;
        for key in keys.iter().flatten() {
            if let Some(id) = stored.query_row([key], |row| row.get::<_, i64>(0)).optional().map_err(to_store)? {
                known.insert(key.clone(), id);
            }
        }
    }
    let slots = crate::incident::filing::slots(&keys, &known);
    let mut ids: Vec<Option<i64>> = vec![None; reports.len()];
    {
        // No grid cell (`place_cell`): the duplicate search gives each report its cell when it first looks at it.
        let mut insert = tx
            .prepare_cached(
                "INSERT INTO report (kind, category, severity, status, occurred_at_ms, reported_at_ms, \
                 updated_at_ms, village_code, tps_id, lat, lng, description, source_agency, source_person, \
                 reporter_account, channel, classification, idempotency_key) \
                 VALUES (?1, ?2, ?3, 'reported', ?4, ?5, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            )
            .map_err(to_store)?;
        let mut event = tx
            .prepare_cached(
                "INSERT INTO report_event (report_id, at_ms, account_id, actor, action, from_status, to_status, \
                 reason) VALUES (?1, ?2, ?3, ?4, 'create', NULL, 'reported', '')",
            )
            .map_err(to_store)?;
        let mut route = tx
            .prepare_cached(
                "INSERT INTO report_route (report_id, unit_code, agency, role, at_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .map_err(to_store)?;
        for (i, r) in reports.iter().enumerate() {
            if !matches!(slots[i], Slot::New) {
                continue;
            }
            insert
                .execute(params![
                    r.kind.as_str(),
                    r.category,
                    i64::from(r.severity.number()),
                    r.occurred_at_ms,
                    r.reported_at_ms,
                    r.village.as_str(),
                    r.tps_id,
                    r.location.map(|l| l.lat),
                    r.location.map(|l| l.lng),
                    r.description,
                    r.source_agency.as_str(),
                    r.source_person,
                    r.reporter_account,
                    r.channel.as_str(),
                    r.classification.as_str(),
                    keys[i],
                ])
                .map_err(to_store)?;
            let id = tx.last_insert_rowid();
            ids[i] = Some(id);
            event.execute(params![id, r.reported_at_ms, r.reporter_account, r.source_person]).map_err(to_store)?;
            for to in &r.routes {
                route
                    .execute(params![id, to.unit_code.as_str(), to.agency.as_str(), to.role.as_str(), r.reported_at_ms])
                    .map_err(to_store)?;
            }
        }
    }
    // The live feed's entries last, in the order of the reports' ids, as the pool's version writes them.
    {
        let at_ms = reports.iter().map(|r| r.reported_at_ms).max().unwrap_or(0);
        let mut feed = tx
            .prepare_cached("INSERT INTO report_feed (report_id, kind, at_ms) VALUES (?1, 'filed', ?2)")
            .map_err(to_store)?;
        for id in ids.iter().flatten() {
            feed.execute(params![id, at_ms]).map_err(to_store)?;
        }
    }
    tx.commit().map_err(to_store)?;
    crate::incident::filing::answers(slots, &ids)
}

/// The store's error for a SQLite one, as `From<sqlx::Error>` maps the pool's: broken uniqueness is a conflict,
/// a missing referent an invalid reference, a locked database unavailability; the rest is internal.
fn to_store(e: rusqlite::Error) -> StoreError {
    use rusqlite::ffi::ErrorCode;
    match &e {
        rusqlite::Error::SqliteFailure(f, _) => match (f.code, f.extended_code) {
            (ErrorCode::ConstraintViolation, rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY) => {
                StoreError::InvalidReference(e.to_string())
            }
            (
                ErrorCode::ConstraintViolation,
                rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY,
            ) => StoreError::Conflict(e.to_string()),
            (ErrorCode::ReadOnly, _) => StoreError::ReadOnly(e.to_string()),
            (ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked | ErrorCode::CannotOpen, _) => {
                StoreError::Unavailable(e.to_string())
            }
            _ => StoreError::Internal(e.to_string()),
        },
        _ => StoreError::Internal(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A report must be as durable written by the writer as by the pool: every setting reads back the same on
    /// both connections (`synchronous` = 2 is FULL).
    #[tokio::test]
    async fn the_writer_is_set_up_as_the_pool_is() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("settings.db");
        let store = crate::SqliteStore::connect(&format!("sqlite://{}", path.display())).await.expect("store");
        let writer = open(&path, false).expect("writer's connection");
        for (name, _) in crate::sqlite::SETTINGS {
            use sqlx::Row;
            let query = format!("PRAGMA {name}");
            let row = sqlx::query(sqlx::AssertSqlSafe(query.clone())).fetch_one(&store.pool).await.expect("pool");
            let pooled = row.try_get::<i64, _>(0).map(|n| n.to_string()).or_else(|_| row.try_get::<String, _>(0));
            let own = writer.query_row(&query, [], |row| row.get::<_, rusqlite::types::Value>(0)).expect("writer");
            let own = match own {
                rusqlite::types::Value::Integer(n) => n.to_string(),
                rusqlite::types::Value::Text(text) => text,
                other => format!("{other:?}"),
            };
            let pooled = pooled.expect("a number or a text");
            assert_eq!(pooled, own, "PRAGMA {name}");
        }
        let (synchronous,): (i64,) = sqlx::query_as("PRAGMA synchronous").fetch_one(&store.pool).await.expect("pool");
        assert_eq!(synchronous, 2, "FULL");
    }
}
