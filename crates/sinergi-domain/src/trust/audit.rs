//! The tamper-evident audit log: every entry stores the hash of the one before it.
//!
//! An entry's hash covers its own fields and the previous entry's hash, so changing any entry changes its hash
//! and breaks the link from the next one; deleting an entry leaves a gap in the sequence. [`verify`] walks the
//! chain and names the first entry where it breaks. The storage keeps the head of the chain (last sequence
//! number and hash) beside the entries, so that cutting entries off the end is detected too.
//!
//! This detects tampering by anyone who cannot also rewrite every later entry and the head. Publishing the head
//! hash outside the database (in the daily situation report, say) anchors it against that, too.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The previous hash of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What an entry records, before it is chained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    /// Milliseconds since the Unix epoch, UTC.
    pub at_ms: i64,
    /// Who: a username, `cli:<os user>` for the command line, or `anonymous`.
    pub actor: String,
    /// What, as a stable dotted name: `tps.create`, `import.regions`, `user.login`, `user.login_failed`.
    pub action: String,
    /// On what: a record's identifier, or a file name for an import.
    pub target: String,
    /// Anything else worth keeping, short (never a password or a token).
    pub detail: String,
    /// From where: the client's IP address, or `cli`.
    pub origin: String,
}

/// A chained entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub seq: i64,
    #[serde(flatten)]
    pub event: AuditEvent,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash of an entry: SHA-256 over the previous hash and every field, each field prefixed with its length so
/// that no two different entries encode the same.
pub fn entry_hash(prev_hash: &str, seq: i64, event: &AuditEvent) -> String {
    let mut hasher = Sha256::new();
    let seq = seq.to_string();
    let at = event.at_ms.to_string();
    for field in [prev_hash, &seq, &at, &event.actor, &event.action, &event.target, &event.detail, &event.origin] {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    hex(&hasher.finalize())
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 0xf) as usize] as char);
    }
    out
}

/// Chains a new event after `(prev_seq, prev_hash)` (use `(0, GENESIS)` for the first).
pub fn chain(prev_seq: i64, prev_hash: &str, event: AuditEvent) -> AuditEntry {
    let seq = prev_seq + 1;
    let hash = entry_hash(prev_hash, seq, &event);
    AuditEntry { seq, event, prev_hash: prev_hash.to_owned(), hash }
}

/// Where and how the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Break {
    /// The entry's content no longer matches its hash: it was changed.
    Altered { seq: i64 },
    /// The entry does not point at the hash of the entry before it: an entry before it was changed or removed.
    Unlinked { seq: i64 },
    /// A sequence number is missing: entries were deleted.
    Gap { expected: i64, found: i64 },
    /// The log ends before the recorded head: entries were cut off the end.
    Truncated { head_seq: i64, last_seq: i64 },
    /// The last entry is not the recorded head.
    HeadMismatch { seq: i64 },
    /// Entries lie beyond the recorded head (written into the database around the application): `first` to
    /// `last`, `count` of them. The application appends nothing after them until someone looks.
    BeyondHead { head_seq: i64, first: i64, last: i64, count: u64 },
}

impl fmt::Display for Break {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Break::Altered { seq } => write!(f, "entry {seq} was changed: its content does not match its hash"),
            Break::Unlinked { seq } => {
                write!(f, "entry {seq} does not follow the entry before it: an earlier entry was changed or removed")
            }
            Break::Gap { expected, found } => {
                write!(f, "entry {expected} is missing (the next entry is {found}): entries were deleted")
            }
            Break::Truncated { head_seq, last_seq } => {
                write!(f, "the log ends at entry {last_seq} but its head says {head_seq}: entries were removed")
            }
            Break::HeadMismatch { seq } => write!(f, "entry {seq} is not the recorded head of the log"),
            Break::BeyondHead { head_seq, first, count: 1, .. } => write!(
                f,
                "entry {first} lies beyond the recorded head {head_seq}: it was written around the application"
            ),
            Break::BeyondHead { head_seq, first, last, count } => write!(
                f,
                "{count} entries ({first} to {last}) lie beyond the recorded head {head_seq}: they were written \
                 around the application"
            ),
        }
    }
}

/// Walks the entries in sequence order and checks every link; `head` is the stored `(seq, hash)` of the last
/// entry, if the store keeps one. Returns the number of entries checked.
pub fn verify<'a>(entries: impl IntoIterator<Item = &'a AuditEntry>, head: Option<(i64, &str)>) -> Result<u64, Break> {
    let mut prev_seq = 0;
    let mut prev_hash = GENESIS.to_owned();
    let mut count = 0;
    for entry in entries {
        if entry.seq != prev_seq + 1 {
            return Err(Break::Gap { expected: prev_seq + 1, found: entry.seq });
        }
        if entry.prev_hash != prev_hash {
            return Err(Break::Unlinked { seq: entry.seq });
        }
        if entry_hash(&entry.prev_hash, entry.seq, &entry.event) != entry.hash {
            return Err(Break::Altered { seq: entry.seq });
        }
        prev_seq = entry.seq;
        prev_hash.clone_from(&entry.hash);
        count += 1;
    }
    if let Some((head_seq, head_hash)) = head {
        if head_seq > prev_seq {
            return Err(Break::Truncated { head_seq, last_seq: prev_seq });
        }
        if head_seq != prev_seq || head_hash != prev_hash {
            return Err(Break::HeadMismatch { seq: prev_seq });
        }
    }
    Ok(count)
}

/// The entries read after the head `head_seq` that still lie beyond it when the head is read again (`head_now`):
/// an entry and its head commit together, so an entry appended meanwhile has a head at least as far, and what is
/// left was written around the application.
pub fn beyond_head(after_head: &[AuditEntry], head_now: i64) -> Option<Break> {
    let beyond: Vec<i64> = after_head.iter().map(|e| e.seq).filter(|&seq| seq > head_now).collect();
    let (&first, &last) = (beyond.first()?, beyond.last()?);
    Some(Break::BeyondHead { head_seq: head_now, first, last, count: beyond.len() as u64 })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn event(i: i64) -> AuditEvent {
        AuditEvent {
            at_ms: 1_700_000_000_000 + i,
            actor: format!("user{i}"),
            action: "tps.create".into(),
            target: format!("tps:{i}"),
            detail: String::new(),
            origin: "127.0.0.1".into(),
        }
    }

    fn log(n: i64) -> Vec<AuditEntry> {
        let mut out: Vec<AuditEntry> = Vec::new();
        for i in 1..=n {
            let (seq, hash) = out.last().map_or((0, GENESIS.to_owned()), |e| (e.seq, e.hash.clone()));
            out.push(chain(seq, &hash, event(i)));
        }
        out
    }

    #[test]
    fn an_intact_log_verifies() {
        let entries = log(5);
        let head = entries.last().map(|e| (e.seq, e.hash.as_str()));
        assert_eq!(verify(&entries, head), Ok(5));
        assert_eq!(verify(&[], None), Ok(0));
        assert_eq!(entries[0].prev_hash, GENESIS);
        assert_eq!(entries[0].hash.len(), 64);
    }

    #[test]
    fn each_kind_of_tampering_is_named() {
        let entries = log(5);
        let head = Some((5, entries[4].hash.clone()));
        let head = head.as_ref().map(|(s, h)| (*s, h.as_str()));

        let mut altered = entries.clone();
        altered[2].event.actor = "someone else".into();
        assert_eq!(verify(&altered, head), Err(Break::Altered { seq: 3 }));

        let mut rehashed = entries.clone();
        rehashed[2].event.detail = "covered up".into();
        rehashed[2].hash = entry_hash(&rehashed[2].prev_hash, 3, &rehashed[2].event);
        assert_eq!(verify(&rehashed, head), Err(Break::Unlinked { seq: 4 }));

        let mut deleted = entries.clone();
        deleted.remove(1);
        assert_eq!(verify(&deleted, head), Err(Break::Gap { expected: 2, found: 3 }));

        let truncated = &entries[..3];
        assert_eq!(verify(truncated, head), Err(Break::Truncated { head_seq: 5, last_seq: 3 }));
        assert_eq!(Break::Altered { seq: 3 }.to_string(), "entry 3 was changed: its content does not match its hash");
    }

    #[test]
    fn entries_beyond_the_head_are_named() {
        let entries = log(5);
        // Read after head 3: entries 4 and 5. The head, read again, says 4: entry 5 was written around it.
        assert_eq!(beyond_head(&entries[3..], 4), Some(Break::BeyondHead { head_seq: 4, first: 5, last: 5, count: 1 }));
        assert_eq!(beyond_head(&entries[3..], 5), None);
        assert_eq!(beyond_head(&[], 5), None);
        assert_eq!(
            Break::BeyondHead { head_seq: 4, first: 5, last: 6, count: 2 }.to_string(),
            "2 entries (5 to 6) lie beyond the recorded head 4: they were written around the application"
        );
        assert_eq!(
            Break::BeyondHead { head_seq: 4, first: 5, last: 5, count: 1 }.to_string(),
            "entry 5 lies beyond the recorded head 4: it was written around the application"
        );
    }

    #[test]
    fn fields_cannot_bleed_into_each_other() {
        let mut a = event(1);
        let mut b = event(1);
        a.actor = "ab".into();
        a.action = "c".into();
        b.actor = "a".into();
        b.action = "bc".into();
        assert_ne!(entry_hash(GENESIS, 1, &a), entry_hash(GENESIS, 1, &b));
    }

    proptest! {
        #[test]
        fn changing_any_entry_is_detected(n in 1i64..20, pick in 0usize..20, text in "[a-z]{1,8}") {
            let mut entries = log(n);
            let i = pick % entries.len();
            let head = entries.last().map(|e| (e.seq, e.hash.clone())).unwrap();
            entries[i].event.target.push_str(&text);
            let result = verify(&entries, Some((head.0, head.1.as_str())));
            prop_assert_eq!(result, Err(Break::Altered { seq: i as i64 + 1 }));
        }
    }
}
