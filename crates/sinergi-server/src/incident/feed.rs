//! The live feed of the incident desk: server-sent events that push every new or changed report to each open
//! dashboard that may see it.
//!
//! *Through the database.* Every change of a report appends a row to `report_feed` in the same transaction (see
//! the store), in commit order. Each server instance runs one poller that reads the rows after the last one it
//! saw, every [`POLL`], and hands them to its subscribers; so a change made on one instance reaches the dashboards
//! of every other instance within a poll, and nothing depends on the instance that made it.
//!
//! *Exactly once, after reconnects.* Each event's id is its `seq`. A subscriber keeps the last `seq` it handled;
//! when a batch from the poller does not follow on from it (the subscriber connected with `Last-Event-ID`, or
//! fell behind), it reads the gap from the database first. Rows after `seq` are final once seen, so resuming from
//! the id the browser sends back loses nothing and repeats nothing.
//!
//! *Access per event.* Whether the subscriber may see a report is decided as each event is sent, by reading the
//! report through the store as that user (territory, clearance, need-to-know), so a report shared or moved
//! meanwhile is judged as it is now. The credential the feed was opened with is checked again every
//! [`RECHECK`]; when it no longer holds (signed out, revoked, disabled), the feed ends.
//!
//! *Overdue action items.* The feed also carries `action_items` events (no id: they are a count, not a change to
//! replay): the number of the user's overdue items, told at once and again whenever it changes (see
//! `coordination::overdue`).
//!
//! *Bounded.* Each feed holds a database reader now and then and a task always, so one account may keep at most
//! [`FEEDS_PER_ACCOUNT`] open and one address [`FEEDS_PER_ADDRESS`] (more are answered 429 with `Retry-After`),
//! and a resume replays at most [`MAX_REPLAY`] rows: a client further behind is told to reload its list (a
//! `reset` event) and goes on from the newest row.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::response::sse::Event;
use sinergi_domain::i18n::Lang;
use sinergi_store::{FeedEntry, Store, StoreError};
use tokio::sync::{broadcast, mpsc};

use crate::AppState;
use crate::trust::auth::CurrentUser;

/// How often each instance reads new feed rows: well within the one second a change may take to show on
/// another instance.
pub const POLL: Duration = Duration::from_millis(200);

/// Rows read from the database at once.
const PAGE: u32 = 500;

/// How often an open feed checks that its credential still holds.
pub const RECHECK: Duration = Duration::from_secs(30);

/// Feeds one account may hold open at once: a few tabs and a wall screen.
pub const FEEDS_PER_ACCOUNT: usize = 8;

/// Feeds one address may hold open at once: a command post's office behind one address.
pub const FEEDS_PER_ADDRESS: usize = 64;

/// The most feed rows a resume replays; further behind, the client reloads its list instead.
pub const MAX_REPLAY: i64 = 2_000;

/// What a refused feed is told to wait, in seconds.
pub const RETRY_AFTER_SECONDS: i64 = 30;

/// The feeds open on this instance, counted per account and per address.
#[derive(Default)]
pub struct FeedLimits {
    open: Arc<Mutex<HashMap<String, usize>>>,
}

/// One open feed's place in [`FeedLimits`], given back when dropped (when the client goes away, the response
/// stream that holds it is dropped).
pub struct FeedSlot {
    open: Arc<Mutex<HashMap<String, usize>>>,
    keys: [String; 2],
}

impl FeedLimits {
    /// A slot for a feed of `account` from `address`, or `None` when either already holds its limit.
    pub fn acquire(&self, account: i64, address: &str) -> Option<FeedSlot> {
        let keys = [format!("account:{account}"), format!("addr:{address}")];
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let count = |key: &str| open.get(key).copied().unwrap_or(0);
        if count(&keys[0]) >= FEEDS_PER_ACCOUNT || count(&keys[1]) >= FEEDS_PER_ADDRESS {
            return None;
        }
        for key in &keys {
            *open.entry(key.clone()).or_insert(0) += 1;
        }
        drop(open);
        Some(FeedSlot { open: self.open.clone(), keys })
    }

    /// Feeds open for this account (for tests and logs).
    pub fn open_for(&self, account: i64) -> usize {
        self.open.lock().unwrap_or_else(|p| p.into_inner()).get(&format!("account:{account}")).copied().unwrap_or(0)
    }
}

impl Drop for FeedSlot {
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        for key in &self.keys {
            if let Some(n) = open.get_mut(key) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    open.remove(key);
                }
            }
        }
    }
}

/// Rows the poller found after `after`, in order.
#[derive(Debug)]
pub struct Batch {
    pub after: i64,
    pub entries: Vec<FeedEntry>,
}

/// One instance's poller and the channel its subscribers listen on.
pub struct Feed {
    sender: broadcast::Sender<Arc<Batch>>,
    started: OnceLock<()>,
}

impl Default for Feed {
    fn default() -> Feed {
        Feed::new()
    }
}

impl Feed {
    pub fn new() -> Feed {
        let (sender, _) = broadcast::channel(256);
        Feed { sender, started: OnceLock::new() }
    }

    /// Subscribes to the batches the poller finds, starting the poller on first use (an instance nobody watches
    /// does not poll).
    pub async fn subscribe(&self, store: &Arc<dyn Store>) -> Result<broadcast::Receiver<Arc<Batch>>, StoreError> {
        let receiver = self.sender.subscribe();
        if self.started.get().is_none() {
            let head = store.feed_head().await?;
            if self.started.set(()).is_ok() {
                tokio::spawn(poll(store.clone(), self.sender.clone(), head));
            }
        }
        Ok(receiver)
    }
}

async fn poll(store: Arc<dyn Store>, sender: broadcast::Sender<Arc<Batch>>, mut cursor: i64) {
    let mut ticks = tokio::time::interval(POLL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        loop {
            match store.feed_after(cursor, PAGE).await {
                Ok(entries) if entries.is_empty() => break,
                Ok(entries) => {
                    let full = entries.len() == PAGE as usize;
                    let last = entries.last().map_or(cursor, |e| e.seq);
                    // No subscriber is not an error: the rows are in the database for whoever comes.
                    let _ = sender.send(Arc::new(Batch { after: cursor, entries }));
                    cursor = last;
                    if !full {
                        break;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "the live feed could not read new changes; retrying");
                    break;
                }
            }
        }
    }
}

/// Where a new subscriber starts: after the id its browser last saw, or (a first connection) after the newest
/// row now. The second value is true when the id lies more than [`MAX_REPLAY`] rows behind: the subscriber starts
/// from the newest row instead and must tell its client to reload.
pub async fn start_after(store: &Arc<dyn Store>, last_event_id: Option<i64>) -> Result<(i64, bool), StoreError> {
    let head = store.feed_head().await?;
    match last_event_id {
        Some(id) if head - id.max(0) > MAX_REPLAY => Ok((head, true)),
        Some(id) => Ok((id.max(0), false)),
        None => Ok((head, false)),
    }
}

/// The event that tells a client it missed more than a resume replays: reload the list, then follow from here.
pub fn reset_event(cursor: i64) -> Event {
    let data = serde_json::json!({"reason": "too_far_behind", "max_replay": MAX_REPLAY, "seq": cursor});
    Event::default().id(cursor.to_string()).event("reset").data(data.to_string())
}

/// The events of one subscriber, written into `out` until the client goes away or its credential ends.
pub async fn run_subscriber(
    state: AppState,
    current: CurrentUser,
    lang: Lang,
    mut cursor: i64,
    mut batches: broadcast::Receiver<Arc<Batch>>,
    out: mpsc::Sender<Result<Event, Infallible>>,
) {
    let mut checked = Instant::now();
    // Whatever was committed after the cursor before we subscribed (a resumed connection's gap).
    if catch_up(&state, &current, lang, &mut cursor, &out).await.is_err() {
        return;
    }
    // Overdue action items are counted now and then (they turn overdue as deadlines pass, with no change to
    // feed); the first tick is at once.
    let mut overdue = crate::coordination::overdue::Watch::of(&current.viewer);
    let mut overdue_ticks = tokio::time::interval(state.config.overdue_check);
    overdue_ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let batch = tokio::select! {
            batch = batches.recv() => Some(batch),
            // The client went away: stop at once.
            () = out.closed() => return,
            // A quiet feed still re-checks its credential.
            () = tokio::time::sleep(RECHECK) => Some(Err(broadcast::error::RecvError::Lagged(0))),
            _ = overdue_ticks.tick(), if overdue.is_some() => None,
        };
        if checked.elapsed() >= RECHECK {
            if !crate::trust::auth::still_valid(&state, &current).await {
                return;
            }
            checked = Instant::now();
        }
        let Some(batch) = batch else {
            // Time to count the overdue action items again.
            if let Some(watch) = overdue.as_mut()
                && let Some(event) = watch.check(&*state.store, &current.viewer, lang).await
                && out.send(Ok(event)).await.is_err()
            {
                return;
            }
            continue;
        };
        let result = match batch {
            Ok(batch) if batch.after > cursor => catch_up(&state, &current, lang, &mut cursor, &out).await,
            Ok(batch) => send_entries(&state, &current, lang, &mut cursor, &batch.entries, &out).await,
            // Fell behind the channel (or woke up to re-check): the database has everything after the cursor.
            Err(broadcast::error::RecvError::Lagged(_)) => catch_up(&state, &current, lang, &mut cursor, &out).await,
            Err(broadcast::error::RecvError::Closed) => return,
        };
        if result.is_err() {
            return;
        }
    }
}

/// Why a subscriber stops: the client went away, or the database failed (the browser reconnects and resumes).
struct Stop;

async fn catch_up(
    state: &AppState,
    current: &CurrentUser,
    lang: Lang,
    cursor: &mut i64,
    out: &mpsc::Sender<Result<Event, Infallible>>,
) -> Result<(), Stop> {
    loop {
        let entries = state.store.feed_after(*cursor, PAGE).await.map_err(|e| {
            tracing::warn!(error = %e, "a live feed could not read its backlog; it closes and the browser resumes");
            Stop
        })?;
        let full = entries.len() == PAGE as usize;
        send_entries(state, current, lang, cursor, &entries, out).await?;
        if !full {
            return Ok(());
        }
    }
}

async fn send_entries(
    state: &AppState,
    current: &CurrentUser,
    lang: Lang,
    cursor: &mut i64,
    entries: &[FeedEntry],
    out: &mpsc::Sender<Result<Event, Infallible>>,
) -> Result<(), Stop> {
    for entry in entries {
        if entry.seq <= *cursor {
            continue;
        }
        let record = state.store.report(&current.viewer, entry.report_id).await.map_err(|e| {
            tracing::warn!(error = %e, "a live feed could not read a report; it closes and the browser resumes");
            Stop
        })?;
        if let Some(record) = record {
            let mut report = crate::incident::views::ReportDto::new(record, state, lang);
            // A restricted or secret report's text is read on its own page, where the read is audited; the feed
            // says only that it changed.
            let redacted = report.classification != sinergi_domain::trust::auth::Classification::Biasa.as_str();
            if redacted {
                report.description.clear();
            }
            let data = serde_json::json!({
                "seq": entry.seq, "kind": entry.kind, "at_ms": entry.at_ms, "redacted": redacted, "report": report,
            });
            let event = Event::default().id(entry.seq.to_string()).event("report").data(data.to_string());
            out.send(Ok(event)).await.map_err(|_| Stop)?;
        }
        *cursor = entry.seq;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feeds_are_counted_per_account_and_per_address_and_given_back() {
        let limits = FeedLimits::default();
        let mine: Vec<FeedSlot> = (0..FEEDS_PER_ACCOUNT).map(|_| limits.acquire(1, "10.0.0.1").unwrap()).collect();
        assert!(limits.acquire(1, "10.0.0.2").is_none(), "the account's limit holds from any address");
        assert_eq!(limits.open_for(1), FEEDS_PER_ACCOUNT);
        drop(mine);
        assert_eq!(limits.open_for(1), 0);
        let office: Vec<FeedSlot> =
            (0..FEEDS_PER_ADDRESS as i64).map(|account| limits.acquire(account, "10.0.0.9").unwrap()).collect();
        assert!(limits.acquire(999, "10.0.0.9").is_none(), "the address's limit holds for any account");
        assert!(limits.acquire(999, "10.0.0.10").is_some());
        drop(office);
        assert!(limits.acquire(999, "10.0.0.9").is_some());
    }
}
