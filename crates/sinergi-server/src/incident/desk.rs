//! The incident desk's shared machinery: the taxonomy in force, the index that places a report by its
//! coordinates, the writer that files reports in groups (and the search that links their probable duplicates), and the
//! sweep that records escalations.
//!
//! *Group commit.* Each report must be durable before it is acknowledged, and SQLite with full sync commits a few
//! thousand transactions a second but hundreds of thousands of rows a second in batches. So requests hand their
//! report to one writer task and wait; the writer takes whatever has queued up (up to [`BATCH`]) and files it in
//! one transaction, then answers each request. Under light load a batch is one report and nothing waits; under
//! heavy load the batches grow by themselves. If a batch fails (one report names something that vanished), each
//! of its reports is filed alone, so one bad report cannot sink the others.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use sinergi_domain::access::Viewer;
use sinergi_domain::incident::ReportId;
use sinergi_domain::incident::duplicates::DuplicateRule;
use sinergi_domain::incident::place::{PlaceIndex, VillageShape};
use sinergi_domain::incident::{Severity, Taxonomy};
use sinergi_domain::{Boundary, RegionCode, Unit};
use sinergi_store::{Filed, NewEscalation, NewReport, ReportRecord, Store, StoreError};
use tokio::sync::{mpsc, oneshot};

/// Most reports filed in one transaction.
pub const BATCH: usize = 512;

/// How long the place index is trusted: boundaries imported meanwhile count within this time.
pub const PLACES_TTL: Duration = Duration::from_secs(600);

/// How long the units over a village are trusted for routing: units imported meanwhile (the directory is loaded by
/// the command line) receive reports within this time.
pub const UNITS_TTL: Duration = Duration::from_secs(30);

type Job = (NewReport, oneshot::Sender<Result<Filed, StoreError>>);

pub struct Desk {
    /// The taxonomy in force; replaced whole when a new version is loaded, so a request keeps the one it started
    /// with.
    taxonomy: std::sync::RwLock<Arc<Taxonomy>>,
    writer: OnceLock<mpsc::Sender<Job>>,
    places: tokio::sync::Mutex<Option<(Instant, Arc<PlaceIndex>)>>,
    units: crate::cache::TtlMap<RegionCode, Vec<Unit>>,
}

impl Desk {
    pub fn new(taxonomy: Taxonomy) -> Desk {
        Desk {
            taxonomy: std::sync::RwLock::new(Arc::new(taxonomy)),
            writer: OnceLock::new(),
            places: tokio::sync::Mutex::new(None),
            units: crate::cache::TtlMap::new(UNITS_TTL),
        }
    }

    /// The taxonomy in force now.
    pub fn taxonomy(&self) -> Arc<Taxonomy> {
        // A poisoned lock still holds a whole taxonomy: it is only ever replaced, never edited in place.
        self.taxonomy.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Puts `taxonomy` in force for every request that starts from now on.
    pub fn set_taxonomy(&self, taxonomy: Arc<Taxonomy>) {
        *self.taxonomy.write().unwrap_or_else(|e| e.into_inner()) = taxonomy;
    }

    /// Starts the writer and the duplicate search beside it, once: the search begins with the reports it has not
    /// looked at yet, those filed just before the server last stopped. The server starts it; the first report
    /// filed does if nothing did (tests that build only the router).
    pub fn start(&self, store: &Arc<dyn Store>) {
        self.writer(store);
    }

    fn writer(&self, store: &Arc<dyn Store>) -> &mpsc::Sender<Job> {
        self.writer.get_or_init(|| {
            let (tx, rx) = mpsc::channel(BATCH * 8);
            let filed = Arc::new(tokio::sync::Notify::new());
            let pressure =
                Arc::new(Pressure { start: Instant::now(), last_group_ms: std::sync::atomic::AtomicU64::new(0) });
            tokio::spawn(write_loop(store.clone(), pressure.clone(), rx, filed.clone()));
            tokio::spawn(link_loop(store.clone(), pressure, filed));
            tx
        })
    }

    /// Files a report through the writer and waits until it is committed.
    pub async fn file(&self, store: &Arc<dyn Store>, report: NewReport) -> Result<Filed, StoreError> {
        let writer = self.writer(store);
        let (done, answer) = oneshot::channel();
        writer.send((report, done)).await.map_err(|_| StoreError::Unavailable("the report writer stopped".into()))?;
        answer.await.map_err(|_| StoreError::Unavailable("the report writer stopped".into()))?
    }

    /// The units whose territory holds `village` or lies above it, read from the database at most every
    /// [`UNITS_TTL`]: every report is routed with them.
    pub async fn units_over(&self, store: &Arc<dyn Store>, village: &RegionCode) -> Result<Arc<Vec<Unit>>, StoreError> {
        if let Some(units) = self.units.get(village) {
            return Ok(units);
        }
        let units = Arc::new(store.units_over(village).await?);
        self.units.put(village.clone(), units.clone());
        Ok(units)
    }

    /// Whether `village` is a stored village. Those in the place index are (it is read from the stored
    /// villages); any other is looked up, so that a village imported since the index was read is found too.
    pub async fn village_exists(
        &self,
        store: &Arc<dyn Store>,
        viewer: &Viewer,
        village: &RegionCode,
    ) -> Result<bool, StoreError> {
        if self.places(store).await?.holds(village) {
            return Ok(true);
        }
        Ok(store.region(viewer, village).await?.is_some())
    }

    /// The index of village centroids and boundaries, read from the database at most every [`PLACES_TTL`].
    pub async fn places(&self, store: &Arc<dyn Store>) -> Result<Arc<PlaceIndex>, StoreError> {
        let mut cached = self.places.lock().await;
        if let Some((at, index)) = cached.as_ref()
            && at.elapsed() < PLACES_TTL
        {
            return Ok(index.clone());
        }
        let shapes = store.village_shapes().await?;
        let villages = shapes
            .into_iter()
            .map(|(code, centroid, boundary)| {
                // A stored boundary that no longer parses is left out (the centroid still places the village).
                let boundary = boundary
                    .and_then(|text| Boundary::from_geojson_str(&text).ok())
                    .and_then(|b| b.bbox().map(|bbox| (b, bbox)));
                VillageShape { code, centroid, boundary }
            })
            .collect();
        let index = Arc::new(PlaceIndex::new(villages));
        *cached = Some((Instant::now(), index.clone()));
        Ok(index)
    }
}

/// Reports linked in one go at most: one round of reads and one short transaction.
const LINK_CHUNK: usize = 256;

/// While the writer is filing groups (requests queue up behind one another), linking waits this long between
/// rounds, to leave the machine to the reports themselves ...
const LINK_YIELD: Duration = Duration::from_millis(200);

/// ... but never more than this in a row, so that links still come during a long burst.
const LINK_MOST_WAIT: Duration = Duration::from_secs(5);

/// When the writer last filed more than one report in a group, in milliseconds since the desk's start: the sign
/// that requests are queueing.
struct Pressure {
    start: Instant,
    last_group_ms: std::sync::atomic::AtomicU64,
}

impl Pressure {
    fn now_ms(&self) -> u64 {
        self.start.elapsed().as_millis() as u64
    }

    fn note_group(&self) {
        self.last_group_ms.store(self.now_ms().max(1), std::sync::atomic::Ordering::Relaxed);
    }

    fn busy(&self) -> bool {
        let last = self.last_group_ms.load(std::sync::atomic::Ordering::Relaxed);
        last > 0 && self.now_ms().saturating_sub(last) < LINK_YIELD.as_millis() as u64
    }
}

/// When there is nothing left to search, the search still looks again this often without a word from the writer:
/// reports filed by another instance (PostgreSQL) that stopped before searching them.
const LINK_LOOK_AGAIN: Duration = Duration::from_secs(30);

/// After a failed round the search waits this long before the next.
const LINK_RETRY: Duration = Duration::from_secs(1);

/// Searches for the probable duplicates of every report no search has looked at yet (`IncidentDeskStore::unplaced_reports`),
/// oldest first, on a task of its own, so that no report waits for it: after each group the writer wakes it
/// (`filed`). What is left to search is kept in the database, not here: a long burst costs no memory, and what a
/// stop left unsearched is searched when the server starts again. Under a burst it steps aside: searching is as
/// costly as filing, and the reporters' answers come first; the links follow (live feed) within
/// [`LINK_MOST_WAIT`] of each round.
async fn link_loop(store: Arc<dyn Store>, pressure: Arc<Pressure>, filed: Arc<tokio::sync::Notify>) {
    // Where the last round ended: a round that failed is passed over until the search comes round again from the
    // first report, so that it cannot hold up those after it.
    let mut after = ReportId(0);
    loop {
        let ids = match store.unplaced_reports(after, LINK_CHUNK as u32).await {
            Ok(ids) => ids,
            Err(e) => {
                tracing::warn!(error = %e, "could not read the reports left to search for probable duplicates");
                tokio::time::sleep(LINK_RETRY).await;
                continue;
            }
        };
        let Some(&last) = ids.last() else {
            if after == ReportId(0) {
                let _ = tokio::time::timeout(LINK_LOOK_AGAIN, filed.notified()).await;
            }
            after = ReportId(0);
            continue;
        };
        after = last;
        let waited = Instant::now();
        while pressure.busy() && waited.elapsed() < LINK_MOST_WAIT {
            tokio::time::sleep(LINK_YIELD).await;
        }
        if let Err(e) = store.link_duplicates(&ids, DuplicateRule::default(), crate::trust::auth::now_ms()).await {
            tracing::warn!(error = %e, reports = ids.len(), "probable duplicates could not be linked");
            tokio::time::sleep(LINK_RETRY).await;
        }
    }
}

async fn write_loop(
    store: Arc<dyn Store>,
    pressure: Arc<Pressure>,
    mut jobs: mpsc::Receiver<Job>,
    search: Arc<tokio::sync::Notify>,
) {
    while let Some(first) = jobs.recv().await {
        let mut batch = vec![first];
        while batch.len() < BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        if batch.len() > 1 {
            pressure.note_group();
        }
        let reports: Vec<NewReport> = batch.iter().map(|(r, _)| r.clone()).collect();
        let mut fresh = false;
        match store.file_reports(&reports).await {
            Ok(filed) => {
                for ((_, done), result) in batch.into_iter().zip(filed) {
                    fresh |= matches!(result, Filed::New(_));
                    let _ = done.send(Ok(result));
                }
            }
            Err(e) if batch.len() == 1 => {
                if let Some((_, done)) = batch.pop() {
                    let _ = done.send(Err(e));
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, size = batch.len(), "a batch of reports failed; filing each alone");
                for (report, done) in batch {
                    let result = store.file_reports(std::slice::from_ref(&report)).await.and_then(|mut f| {
                        f.pop().ok_or_else(|| StoreError::Internal("no result for a filed report".into()))
                    });
                    fresh |= matches!(result, Ok(Filed::New(_)));
                    let _ = done.send(result);
                }
            }
        }
        // Probable duplicates are linked after the reports are acknowledged, by another task: neither the
        // reporter nor the next group waits for it, and the verifier sees the link a moment later (live feed).
        if fresh {
            search.notify_one();
        }
    }
}

/// Reports the sweep reads at a time.
const SWEEP_PAGE: u32 = 1000;

/// How often each instance looks for reports past their time limits.
pub const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// Sweeps for escalations every [`SWEEP_EVERY`], for as long as the server runs. Every instance sweeps; each
/// escalation is recorded once all the same (see [`sweep_escalations`]).
pub async fn sweep_forever(store: Arc<dyn Store>, desk: Arc<Desk>) {
    let mut ticks = tokio::time::interval(SWEEP_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        match sweep_escalations(&store, &desk.taxonomy(), crate::trust::auth::now_ms()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(escalations = n, "reports escalated"),
            Err(e) => tracing::warn!(error = %e, "the escalation sweep failed; it runs again shortly"),
        }
    }
}

/// Records, in each report's history, every escalation step reached by `now_ms` and not yet recorded: the limit
/// that passed and the units it went up to. A step is keyed by report, stage, clock start and step in the
/// database, so several instances sweeping at once record it once, and a report reopened or re-verified starts
/// a new clock. Returns the steps recorded now.
pub async fn sweep_escalations(store: &Arc<dyn Store>, taxonomy: &Taxonomy, now_ms: i64) -> Result<u64, StoreError> {
    // Only what is due and not yet recorded is read, a page at a time by id: the open reports that are on time
    // or already escalated (nearly all of them, most minutes) cost the database an index walk, not a transfer.
    let limits: Vec<_> = Severity::ALL.into_iter().map(|s| taxonomy.limit(s)).collect();
    let mut overdue = Vec::new();
    let mut after = ReportId(0);
    loop {
        let due = store.escalations_due(&limits, now_ms, after, SWEEP_PAGE).await?;
        let done = due.len() < SWEEP_PAGE as usize;
        for r in due {
            after = after.max(r.id);
            let Some(severity) = Severity::from_number(i64::from(r.severity)) else { continue };
            let status = r.status;
            if let Some(o) = taxonomy.overdue(severity, status, r.status_since_ms, now_ms) {
                overdue.push((r, status, o));
            }
        }
        if done {
            break;
        }
    }
    let mut recorded = 0;
    for (report, status, o) in overdue {
        let targets = escalation_targets(store, &report, o.steps).await?;
        for step in 1..=o.steps {
            let names: Vec<&str> = targets.iter().filter(|(s, _)| *s == step).map(|(_, u)| u.name.as_str()).collect();
            let escalation = NewEscalation {
                report_id: report.id,
                status,
                stage: o.stage,
                since_ms: report.status_since_ms,
                steps: step,
                at_ms: now_ms,
                reason: names.join(", "),
            };
            if store.record_escalation(&escalation).await? {
                recorded += 1;
            }
        }
    }
    Ok(recorded)
}

/// The units a report goes up to, `steps` levels above each unit responsible for it, in the same agency's
/// territorial chain (Polsek → Polres → Polda), with the step (1 or 2) that reaches each.
pub async fn escalation_targets(
    store: &Arc<dyn Store>,
    report: &ReportRecord,
    steps: u8,
) -> Result<Vec<(u8, Unit)>, StoreError> {
    let over = store.units_over(&report.village_code).await?;
    let mut out: Vec<(u8, Unit)> = Vec::new();
    for route in store.report_routes(report.id).await?.into_iter().filter(|r| r.role == "responsible") {
        let Some(unit) = over.iter().find(|u| u.code == route.unit_code) else { continue };
        let mut above: Vec<&Unit> = over
            .iter()
            .filter(|u| u.kind.agency() == unit.kind.agency() && u.territory != unit.territory)
            .filter(|u| u.territory.contains(&unit.territory))
            .collect();
        // Nearest first: the deepest territory above the responsible unit's.
        above.sort_by_key(|u| std::cmp::Reverse(u.territory.level()));
        for (step, u) in (1..=steps).zip(above) {
            if !out.iter().any(|(_, e)| e.code == u.code) {
                out.push((step, u.clone()));
            }
        }
    }
    Ok(out)
}
