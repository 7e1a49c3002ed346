//! What needs attention now among the open reports of a territory, for the command dashboard: how many wait, by
//! severity; how many have missed their time limit; which are about to (the nearest first, with the time left).
//! Pure: the caller reads the reports and passes the clock.

use super::{Severity, Status, Taxonomy};

/// Within this much of its limit, a report is "due soon".
pub const SOON_MS: i64 = 30 * 60_000;

/// The most "due soon" reports kept (the nearest).
pub const SOON_KEPT: usize = 5;

/// An open report as the summary needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenReport {
    pub id: i64,
    pub severity: Severity,
    pub status: Status,
    /// When its current limit started to run (ms).
    pub since_ms: i64,
}

/// The summary of the open reports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attention {
    /// Open reports by severity, from low (index 0) to critical (index 3).
    pub by_severity: [u64; 4],
    /// Awaiting verification (reported).
    pub unverified: u64,
    /// Past their limit.
    pub overdue: u64,
    /// Not yet past it but within [`SOON_MS`]: (report id, ms left), the nearest first, at most [`SOON_KEPT`].
    pub soon: Vec<(i64, i64)>,
    /// How many are due soon in all.
    pub soon_total: u64,
}

impl Attention {
    pub fn open(&self) -> u64 {
        self.by_severity.iter().sum()
    }
}

/// Sums up `reports` (open ones; others are ignored) under `taxonomy`'s limits at `now_ms`.
pub fn attention(taxonomy: &Taxonomy, reports: impl IntoIterator<Item = OpenReport>, now_ms: i64) -> Attention {
    let mut out = Attention::default();
    for r in reports {
        if !(r.status.awaits_verification() || r.status.awaits_action()) {
            continue;
        }
        out.by_severity[usize::from(r.severity.number() - 1)] += 1;
        if r.status.awaits_verification() {
            out.unverified += 1;
        }
        let Some(due) = super::escalation::due_at(taxonomy.limit(r.severity), r.status, r.since_ms) else { continue };
        let left = due - now_ms;
        if left <= 0 {
            out.overdue += 1;
        } else if left <= SOON_MS {
            out.soon_total += 1;
            out.soon.push((r.id, left));
        }
    }
    out.soon.sort_by_key(|(id, left)| (*left, *id));
    out.soon.truncate(SOON_KEPT);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    #[test]
    fn open_reports_are_counted_and_their_limits_watched() {
        let t = Taxonomy::shipped();
        let now = 10_000 * MIN;
        let r = |id, severity, status, minutes_ago: i64| OpenReport {
            id,
            severity,
            status,
            since_ms: now - minutes_ago * MIN,
        };
        let reports = [
            // Critical: 15 minutes to verify. 20 minutes ago: overdue; 5 minutes ago: 10 minutes left.
            r(1, Severity::Critical, Status::Reported, 20),
            r(2, Severity::Critical, Status::Reported, 5),
            // Verified critical: 30 minutes to act; 10 minutes ago: 20 left.
            r(3, Severity::Critical, Status::Verified, 10),
            // In handling, resolved: no limit holds; only the first is open.
            r(4, Severity::High, Status::InHandling, 500),
            r(5, Severity::Low, Status::Resolved, 500),
            r(6, Severity::Low, Status::Reported, 0),
        ];
        let a = attention(&t, reports, now);
        assert_eq!(a.by_severity, [1, 0, 0, 3], "in handling is not waiting; resolved is not open");
        assert_eq!(a.open(), 4);
        assert_eq!((a.unverified, a.overdue), (3, 1));
        assert_eq!(a.soon, vec![(2, 10 * MIN), (3, 20 * MIN)], "the nearest first");
        assert_eq!(a.soon_total, 2);
    }
}
