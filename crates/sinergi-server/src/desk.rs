//! The incident desk's shared machinery: the taxonomy in force, the index that places a report by its
//! coordinates, and the writer that files reports in groups.
//!
//! *Group commit.* Each report must be durable before it is acknowledged, and SQLite with full sync commits a few
//! thousand transactions a second but hundreds of thousands of rows a second in batches. So requests hand their
//! report to one writer task and wait; the writer takes whatever has queued up (up to [`BATCH`]) and files it in
//! one transaction, then answers each request. Under light load a batch is one report and nothing waits; under
//! heavy load the batches grow by themselves. If a batch fails (one report names something that vanished), each
//! of its reports is filed alone, so one bad report cannot sink the others.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use sinergi_domain::Boundary;
use sinergi_domain::incident::Taxonomy;
use sinergi_domain::incident::place::{PlaceIndex, VillageShape};
use sinergi_store::{Filed, NewReport, Store, StoreError};
use tokio::sync::{mpsc, oneshot};

/// Most reports filed in one transaction.
pub const BATCH: usize = 512;

/// How long the place index is trusted: boundaries imported meanwhile count within this time.
pub const PLACES_TTL: Duration = Duration::from_secs(600);

type Job = (NewReport, oneshot::Sender<Result<Filed, StoreError>>);

pub struct Desk {
    pub taxonomy: Arc<Taxonomy>,
    writer: OnceLock<mpsc::Sender<Job>>,
    places: tokio::sync::Mutex<Option<(Instant, Arc<PlaceIndex>)>>,
}

impl Desk {
    pub fn new(taxonomy: Taxonomy) -> Desk {
        Desk { taxonomy: Arc::new(taxonomy), writer: OnceLock::new(), places: tokio::sync::Mutex::new(None) }
    }

    /// Files a report through the writer and waits until it is committed.
    pub async fn file(&self, store: &Arc<dyn Store>, report: NewReport) -> Result<Filed, StoreError> {
        let writer = self.writer.get_or_init(|| {
            let (tx, rx) = mpsc::channel(BATCH * 8);
            tokio::spawn(write_loop(store.clone(), rx));
            tx
        });
        let (done, answer) = oneshot::channel();
        writer.send((report, done)).await.map_err(|_| StoreError::Unavailable("the report writer stopped".into()))?;
        answer.await.map_err(|_| StoreError::Unavailable("the report writer stopped".into()))?
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

async fn write_loop(store: Arc<dyn Store>, mut jobs: mpsc::Receiver<Job>) {
    while let Some(first) = jobs.recv().await {
        let mut batch = vec![first];
        while batch.len() < BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let reports: Vec<NewReport> = batch.iter().map(|(r, _)| r.clone()).collect();
        match store.file_reports(&reports).await {
            Ok(filed) => {
                for ((_, done), result) in batch.into_iter().zip(filed) {
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
                    let _ = done.send(result);
                }
            }
        }
    }
}
