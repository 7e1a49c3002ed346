//! A small map whose entries expire: what one instance may keep of the database for a few seconds, to take
//! database reads off the busiest request paths (the bearer token of every API call, the units over a village
//! for routing each report).
//!
//! Each use states how stale its entries may be and what clears them early. Entries are whole values behind an
//! `Arc`, replaced, never edited in place, so a reader never sees half an update.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Most entries kept; past this the map is emptied and fills again from the database. The bound is what keeps a
/// flood of distinct keys (random token ids, say) from growing memory without end.
const MOST_ENTRIES: usize = 10_000;

pub struct TtlMap<K, V> {
    ttl: Duration,
    most: usize,
    entries: Mutex<HashMap<K, (Instant, Arc<V>)>>,
}

impl<K: Eq + Hash + Clone, V> TtlMap<K, V> {
    pub fn new(ttl: Duration) -> TtlMap<K, V> {
        TtlMap::bounded(ttl, MOST_ENTRIES)
    }

    /// A map of at most `most` entries, for large values.
    pub fn bounded(ttl: Duration, most: usize) -> TtlMap<K, V> {
        TtlMap { ttl, most: most.max(1), entries: Mutex::new(HashMap::new()) }
    }

    /// The value kept for `key`, if it is younger than the time to live.
    pub fn get<Q>(&self, key: &Q) -> Option<Arc<V>>
    where
        K: std::borrow::Borrow<Q>,
        Q: Eq + Hash + ?Sized,
    {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.get(key).filter(|(at, _)| at.elapsed() < self.ttl).map(|(_, v)| v.clone())
    }

    /// Keeps `value` for `key` from now on.
    pub fn put(&self, key: K, value: Arc<V>) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= self.most && !entries.contains_key(&key) {
            entries.clear();
        }
        entries.insert(key, (Instant::now(), value));
    }

    /// Replaces the value of `key` if one is kept, without making it younger.
    pub fn replace(&self, key: &K, value: Arc<V>) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(entry) = entries.get_mut(key) {
            entry.1 = value;
        }
    }

    /// Forgets everything: the next reads go to the database.
    pub fn clear(&self) {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_expires_and_clear_forgets() {
        let map: TtlMap<u32, &str> = TtlMap::new(Duration::from_millis(50));
        map.put(1, Arc::new("a"));
        assert_eq!(map.get(&1).as_deref(), Some(&"a"));
        map.replace(&1, Arc::new("b"));
        assert_eq!(map.get(&1).as_deref(), Some(&"b"));
        map.replace(&2, Arc::new("c"));
        assert_eq!(map.get(&2), None, "replace keeps nothing new");
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(map.get(&1), None, "expired");
        map.put(3, Arc::new("d"));
        map.clear();
        assert_eq!(map.get(&3), None);
    }

    #[test]
    fn a_flood_of_keys_stays_bounded() {
        let map: TtlMap<usize, usize> = TtlMap::new(Duration::from_secs(60));
        for i in 0..(MOST_ENTRIES + 10) {
            map.put(i, Arc::new(i));
        }
        let kept = map.entries.lock().map(|e| e.len()).unwrap_or(0);
        assert!(kept <= MOST_ENTRIES, "{kept} kept");
        assert_eq!(map.get(&(MOST_ENTRIES + 9)).as_deref(), Some(&(MOST_ENTRIES + 9)));
    }
}
