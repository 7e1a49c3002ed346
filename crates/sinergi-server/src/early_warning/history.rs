//! What each run did to the alerts, rebuilt. The store keeps an alert's current state (first and last seen,
//! gone), not its numbers at each run. Each run keeps its clusters, though, and the alerts are what
//! `early_warning::alerts::reconcile` made of them, run after run, so [`replay`] rebuilds the history by matching the
//! runs' clusters again with the same function. It checks the result against the stored alerts and says so when they
//! disagree, rather than show a history that did not happen. The alert and run pages show what it finds.

use std::collections::BTreeMap;

use serde::Deserialize;
use sinergi_domain::RegionCode;
use sinergi_domain::access::Viewer;
use sinergi_domain::early_warning::alerts::{self, RunStatus};
use sinergi_store::{AlertFilter, Page, ScanRunRecord, Store, StoreError};

/// Runs read per page while rebuilding a history.
const REPLAY_PAGE: u32 = 500;
/// Most runs read to rebuild one history: about two years of hourly runs. Beyond it the page shows the stored
/// first and last sightings instead of reading without end.
const REPLAY_MAX_RUNS: usize = 20_000;

// ---------------------------------------------------------------------------------------------------------------
// The clusters a run stored (the shape `early_warning::run_scan` writes and `GET /api/v1/scans` documents).

#[derive(Deserialize, Default)]
pub(crate) struct StoredResult {
    #[serde(default)]
    pub(crate) most_likely_cluster: Option<StoredCluster>,
    #[serde(default)]
    pub(crate) secondary_clusters: Vec<StoredCluster>,
}

/// A stored cluster. Numbers that JSON cannot hold (an infinite relative risk) were written as `null`.
#[derive(Deserialize, Clone)]
pub(crate) struct StoredCluster {
    pub(crate) center_zone: String,
    #[serde(default)]
    pub(crate) radius_km: Option<f64>,
    #[serde(default)]
    pub(crate) zone_codes: Vec<String>,
    pub(crate) start_day: String,
    pub(crate) end_day: String,
    pub(crate) observed: u64,
    #[serde(default)]
    pub(crate) expected: Option<f64>,
    #[serde(default)]
    pub(crate) relative_risk: Option<f64>,
    #[serde(default)]
    pub(crate) p_value: Option<f64>,
    #[serde(default)]
    pub(crate) gumbel_p_value: Option<f64>,
    #[serde(default)]
    pub(crate) significant: bool,
}

/// The clusters of a run in order, the most likely first; `None` when its stored result cannot be read.
pub(crate) fn clusters_of(status: &str, result: Option<&serde_json::Value>) -> Option<Vec<StoredCluster>> {
    if status != "done" {
        return Some(Vec::new());
    }
    let stored: StoredResult = serde_json::from_value(result?.clone()).ok()?;
    Some(stored.most_likely_cluster.into_iter().chain(stored.secondary_clusters).collect())
}

pub(crate) fn clusters_of_record(run: &ScanRunRecord) -> Option<Vec<StoredCluster>> {
    let value = match &run.result {
        Some(text) => Some(serde_json::from_str::<serde_json::Value>(text).ok()?),
        None => None,
    };
    clusters_of(run.status.as_str(), value.as_ref())
}

// ---------------------------------------------------------------------------------------------------------------
// Rebuilding what each run did to the alerts.

/// What one run did to its regency's alerts.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Effect {
    /// For each cluster of the run in order (the most likely first): the alert it raised (`true`) or refreshed
    /// (`false`); `None` for a cluster that was not significant.
    pub(crate) clusters: Vec<Option<(i64, bool)>>,
    /// The alerts it ended.
    pub(crate) gone: Vec<i64>,
}

/// A run, its clusters and what it did.
pub(crate) struct Replayed {
    pub(crate) run: ScanRunRecord,
    pub(crate) clusters: Vec<StoredCluster>,
    pub(crate) effect: Effect,
}

/// Rebuilds what the runs of a regency did to its alerts, from the last run before `from` that left no alert
/// active (so that the replay starts from a known state) through `through`, and, with `and_next`, the first run
/// after `through` that did not fail (the one that may have ended an alert last seen at `through`). `None` when
/// the stored runs do not lead to the stored alerts (a result that cannot be read, a new alert where the store has
/// none), or when there are too many runs to read.
pub(crate) async fn replay(
    store: &dyn Store,
    regency: &RegionCode,
    from: i64,
    through: i64,
    and_next: bool,
) -> Result<Option<Vec<Replayed>>, StoreError> {
    let system = Viewer::system("sinergi");
    // Keyed by id: a run recorded while the pages are read shifts them by one, which repeats a run but skips none.
    let mut kept: BTreeMap<i64, (ScanRunRecord, Vec<StoredCluster>)> = BTreeMap::new();
    let mut next: Option<(ScanRunRecord, Vec<StoredCluster>)> = None;
    let mut start_after = 0;
    let mut read = 0;
    'pages: for number in 1.. {
        let (items, _) = store.scan_runs(&system, Some(regency), Page::new(number, REPLAY_PAGE)).await?;
        let last = items.len() < REPLAY_PAGE as usize;
        for run in items {
            read += 1;
            if read > REPLAY_MAX_RUNS {
                return Ok(None);
            }
            if run.id > through {
                // Newest first: the last one kept here is the earliest after `through`.
                if and_next && run.status != RunStatus::Failed {
                    let Some(clusters) = clusters_of_record(&run) else { return Ok(None) };
                    next = Some((run, clusters));
                }
                continue;
            }
            let Some(clusters) = clusters_of_record(&run) else { return Ok(None) };
            // A run that looked and found nothing significant ended every active alert: nothing before it matters.
            let quiet = run.status != RunStatus::Failed && !clusters.iter().any(|c| c.significant);
            if run.id < from && quiet {
                start_after = run.id;
                break 'pages;
            }
            kept.insert(run.id, (run, clusters));
        }
        if last {
            break;
        }
    }
    // The alerts raised after the starting point, in the order they were raised (ids grow with time).
    let mut raised: Vec<(i64, i64)> = Vec::new();
    let filter = AlertFilter { within: Some(regency.clone()), status: None };
    for number in 1.. {
        let page = Page::new(number, Page::MAX_SIZE);
        let (items, total) = store.alerts(&system, &filter, page).await?;
        raised.extend(items.iter().filter(|a| a.first_run_id > start_after).map(|a| (a.id, a.first_run_id)));
        if items.is_empty() || u64::from(number) * u64::from(page.size) >= total {
            break;
        }
    }
    raised.sort_unstable();
    raised.dedup();
    let mut raised = raised.into_iter();

    let mut active: Vec<(i64, Vec<RegionCode>)> = Vec::new();
    let mut out = Vec::with_capacity(kept.len() + 1);
    for (run, clusters) in kept.into_values().chain(next) {
        let mut effect = Effect { clusters: vec![None; clusters.len()], gone: Vec::new() };
        // A run that failed left the alerts as they were (the store records nothing for it).
        if run.status != RunStatus::Failed {
            let significant: Vec<usize> = (0..clusters.len()).filter(|&i| clusters[i].significant).collect();
            let mut found = Vec::with_capacity(significant.len());
            for &i in &significant {
                let codes: Result<Vec<RegionCode>, _> =
                    clusters[i].zone_codes.iter().map(|c| RegionCode::parse(c)).collect();
                let Ok(codes) = codes else { return Ok(None) };
                found.push(codes);
            }
            let plan = alerts::reconcile(&active, &found);
            for ((&i, villages), refreshes) in significant.iter().zip(found).zip(plan.refreshes) {
                match refreshes {
                    Some(id) => {
                        if let Some(alert) = active.iter_mut().find(|(a, _)| *a == id) {
                            alert.1 = villages;
                        }
                        effect.clusters[i] = Some((id, false));
                    }
                    None => {
                        // The store raised the next alert of the regency for this cluster, in this run.
                        let Some((id, first_run)) = raised.next() else { return Ok(None) };
                        if first_run != run.id {
                            return Ok(None);
                        }
                        active.push((id, villages));
                        effect.clusters[i] = Some((id, true));
                    }
                }
            }
            active.retain(|(id, _)| !plan.gone.contains(id));
            effect.gone = plan.gone;
        }
        out.push(Replayed { run, clusters, effect });
    }
    Ok(Some(out))
}
