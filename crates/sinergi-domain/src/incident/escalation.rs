//! Time limits and escalation. Each severity has a limit for verification and one for first action once verified
//! (the taxonomy's `[[limit]]`s). A report that misses one is **escalated** up the territorial chain: one step (the
//! Polsek's report to the Polres) when the limit passes, a second step (to the Polda) when it has passed twice
//! over; it stays flagged until it moves on. Nothing here reads a clock: the caller passes `now`.

use super::{Limit, Severity, Status, Taxonomy};

/// Which limit a report missed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Not verified (or rejected) in time.
    Verify,
    /// Verified, but nobody started handling it in time.
    Act,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Verify => "verify",
            Stage::Act => "act",
        }
    }
}

/// A report past its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overdue {
    pub stage: Stage,
    /// When the limit passed (ms).
    pub due_at_ms: i64,
    /// How far up the chain: 1 (the next unit up), 2 (the one above that). Never more: the chain of a regency's
    /// report ends at the Polda.
    pub steps: u8,
}

/// The most steps a report is escalated.
pub const MAX_STEPS: u8 = 2;

/// Whether a report is overdue now. `entered_ms` is when it entered its current status (reported, or verified
/// / assigned for the action limit).
pub fn overdue(limit: Limit, status: Status, entered_ms: i64, now_ms: i64) -> Option<Overdue> {
    let (stage, due_at_ms, span) = due(limit, status, entered_ms)?;
    if now_ms < due_at_ms {
        return None;
    }
    let late_spans = (now_ms - due_at_ms) / span;
    let steps = if late_spans >= 1 { MAX_STEPS } else { 1 };
    Some(Overdue { stage, due_at_ms, steps })
}

/// When the limit of a report's current status passes (ms), whether or not it has; `None` for a status no limit
/// holds (in handling, resolved, closed, rejected).
pub fn due_at(limit: Limit, status: Status, entered_ms: i64) -> Option<i64> {
    due(limit, status, entered_ms).map(|(_, at, _)| at)
}

/// The limit that holds in a status: which, when it passes, and its length (ms).
fn due(limit: Limit, status: Status, entered_ms: i64) -> Option<(Stage, i64, i64)> {
    let (stage, minutes) = if status.awaits_verification() {
        (Stage::Verify, limit.verify_minutes)
    } else if status.awaits_action() {
        (Stage::Act, limit.act_minutes)
    } else {
        return None;
    };
    let span = i64::from(minutes.max(1)) * 60_000;
    Some((stage, entered_ms.saturating_add(span), span))
}

impl Taxonomy {
    /// [`overdue`] under this taxonomy's limit for the severity.
    pub fn overdue(&self, severity: Severity, status: Status, entered_ms: i64, now_ms: i64) -> Option<Overdue> {
        overdue(self.limit(severity), status, entered_ms, now_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const MIN: i64 = 60_000;

    #[test]
    fn a_critical_report_escalates_after_15_then_30_minutes() {
        let t = Taxonomy::shipped();
        let at = 1_000 * MIN;
        assert_eq!(t.overdue(Severity::Critical, Status::Reported, at, at + 14 * MIN), None);
        assert_eq!(
            t.overdue(Severity::Critical, Status::Reported, at, at + 15 * MIN),
            Some(Overdue { stage: Stage::Verify, due_at_ms: at + 15 * MIN, steps: 1 })
        );
        assert_eq!(t.overdue(Severity::Critical, Status::Reported, at, at + 30 * MIN).map(|o| o.steps), Some(2));
        // Verified: the action limit (30 minutes) runs from verification.
        assert_eq!(t.overdue(Severity::Critical, Status::Verified, at, at + 29 * MIN), None);
        assert_eq!(
            t.overdue(Severity::Critical, Status::Assigned, at, at + 31 * MIN).map(|o| o.stage),
            Some(Stage::Act)
        );
        for done in [Status::InHandling, Status::Resolved, Status::Closed, Status::Rejected] {
            assert_eq!(t.overdue(Severity::Critical, done, at, at + 10_000 * MIN), None, "{done:?}");
        }
    }

    proptest! {
        /// Later is never less overdue, and the steps stay in 1..=2.
        #[test]
        fn escalation_only_grows(entered in 0i64..1_000_000_000, a in 0i64..10_000_000, b in 0i64..10_000_000, sev in 1i64..=4) {
            let t = Taxonomy::shipped();
            let severity = Severity::from_number(sev).unwrap_or(Severity::Low);
            let (early, late) = (entered + a.min(b), entered + a.max(b));
            let e = t.overdue(severity, Status::Reported, entered, early).map_or(0, |o| o.steps);
            let l = t.overdue(severity, Status::Reported, entered, late).map_or(0, |o| o.steps);
            prop_assert!(e <= l && l <= MAX_STEPS);
        }
    }
}
