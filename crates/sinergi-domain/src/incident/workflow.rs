//! The life of a report:
//!
//! ```text
//! reported ──verify──▶ verified ──assign──▶ assigned ──start──▶ in_handling ──resolve──▶ resolved ──close──▶ closed
//!    │                                                                                      │                 │
//!    └──reject (hoax, duplicate, not election-related, other; with reason)──▶ rejected       │                 │
//!  rejected ──reopen (reason)──▶ reported          resolved/closed ──reopen (reason)──▶ in_handling ◀──────────┘
//! ```
//!
//! The verifier (who verifies or rejects) must not be the reporter: a report is checked by a second person.
//! Every move is kept with who, when and why; nothing here stores anything, it only says whether a move is allowed
//! and where it leads.

use crate::i18n::{Lang, Msg};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Reported,
    Verified,
    Rejected,
    Assigned,
    InHandling,
    Resolved,
    Closed,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::Reported,
        Status::Verified,
        Status::Rejected,
        Status::Assigned,
        Status::InHandling,
        Status::Resolved,
        Status::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Reported => "reported",
            Status::Verified => "verified",
            Status::Rejected => "rejected",
            Status::Assigned => "assigned",
            Status::InHandling => "in_handling",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
        }
    }

    pub fn parse(text: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == text.trim())
    }

    pub fn label(self, lang: Lang) -> &'static str {
        lang.t(match self {
            Status::Reported => Msg::StatusReported,
            Status::Verified => Msg::StatusVerified,
            Status::Rejected => Msg::StatusRejected,
            Status::Assigned => Msg::StatusAssigned,
            Status::InHandling => Msg::StatusInHandling,
            Status::Resolved => Msg::StatusResolved,
            Status::Closed => Msg::StatusClosed,
        })
    }

    /// Still waiting for verification.
    pub fn awaits_verification(self) -> bool {
        self == Status::Reported
    }

    /// Verified, but nobody has started acting on it yet.
    pub fn awaits_action(self) -> bool {
        matches!(self, Status::Verified | Status::Assigned)
    }
}

/// Why a report was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    Hoax,
    Duplicate,
    NotElection,
    Other,
}

impl RejectReason {
    pub fn as_str(self) -> &'static str {
        match self {
            RejectReason::Hoax => "hoax",
            RejectReason::Duplicate => "duplicate",
            RejectReason::NotElection => "not_election",
            RejectReason::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<RejectReason> {
        [RejectReason::Hoax, RejectReason::Duplicate, RejectReason::NotElection, RejectReason::Other]
            .into_iter()
            .find(|r| r.as_str() == text.trim())
    }
}

/// A move of the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transition {
    Verify,
    Reject,
    Assign,
    Start,
    Resolve,
    Close,
    Reopen,
}

impl Transition {
    pub const ALL: [Transition; 7] = [
        Transition::Verify,
        Transition::Reject,
        Transition::Assign,
        Transition::Start,
        Transition::Resolve,
        Transition::Close,
        Transition::Reopen,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Transition::Verify => "verify",
            Transition::Reject => "reject",
            Transition::Assign => "assign",
            Transition::Start => "start",
            Transition::Resolve => "resolve",
            Transition::Close => "close",
            Transition::Reopen => "reopen",
        }
    }

    pub fn parse(text: &str) -> Option<Transition> {
        Transition::ALL.into_iter().find(|t| t.as_str() == text.trim())
    }

    /// Whether this move must say why (a rejection, a reopening).
    pub fn needs_reason(self) -> bool {
        matches!(self, Transition::Reject | Transition::Reopen)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransitionError {
    /// Not a move from this status.
    NotAllowed { from: Status, transition: Transition },
    /// The reporter may not verify or reject their own report.
    OwnReport,
    /// A rejection or reopening without a reason (a rejection also needs its kind).
    ReasonRequired,
}

impl TransitionError {
    pub fn message(self, lang: Lang) -> String {
        match self {
            TransitionError::NotAllowed { from, transition } => lang.format(
                Msg::ErrTransitionNotAllowed,
                &[("transition", &transition.as_str()), ("status", &from.label(lang))],
            ),
            TransitionError::OwnReport => lang.t(Msg::ErrOwnReport).to_owned(),
            TransitionError::ReasonRequired => lang.t(Msg::ErrReasonRequired).to_owned(),
        }
    }
}

/// Where a move leads from a status, if it is allowed there (regardless of who makes it).
pub fn next(from: Status, transition: Transition) -> Option<Status> {
    use Status::*;
    use Transition::*;
    match (from, transition) {
        (Reported, Verify) => Some(Verified),
        (Reported, Reject) => Some(Rejected),
        (Verified, Assign) => Some(Assigned),
        (Verified | Assigned, Start) => Some(InHandling),
        (InHandling, Resolve) => Some(Resolved),
        (Resolved, Close) => Some(Closed),
        (Rejected, Reopen) => Some(Reported),
        (Resolved | Closed, Reopen) => Some(InHandling),
        _ => None,
    }
}

/// Whether an agency moves a report through its workflow: the agency that filed it (its owner) and the agencies
/// its routes make responsible for it. Any other agency that reads the report comments on it, shares it (when it
/// owns it) or escalates it, but does not verify, assign or resolve another agency's work (docs/security.md).
pub fn agency_may_move(agency: crate::AgencyKind, owner: crate::AgencyKind, responsible: &[crate::AgencyKind]) -> bool {
    agency == owner || responsible.contains(&agency)
}

/// The moves an account may offer on a report now: those the workflow allows from `from`, without verifying or
/// rejecting its own report (`own`: the account filed it). Empty when its agency may not move the report at all.
pub fn offered(from: Status, own: bool, agency_may_move: bool) -> Vec<Transition> {
    if !agency_may_move {
        return Vec::new();
    }
    Transition::ALL
        .into_iter()
        .filter(|t| next(from, *t).is_some())
        .filter(|t| !(own && matches!(t, Transition::Verify | Transition::Reject)))
        .collect()
}

/// Checks a move by an account and returns the new status. `reporter` is the account that filed the report
/// (`None` for reports from SMS or a gateway, which anyone else may verify); `reason` and `reject` are what the
/// move says.
pub fn apply(
    from: Status,
    transition: Transition,
    actor: i64,
    reporter: Option<i64>,
    reason: &str,
    reject: Option<RejectReason>,
) -> Result<Status, TransitionError> {
    let to = next(from, transition).ok_or(TransitionError::NotAllowed { from, transition })?;
    if matches!(transition, Transition::Verify | Transition::Reject) && reporter == Some(actor) {
        return Err(TransitionError::OwnReport);
    }
    if transition.needs_reason() && reason.trim().is_empty() {
        return Err(TransitionError::ReasonRequired);
    }
    if transition == Transition::Reject && reject.is_none() {
        return Err(TransitionError::ReasonRequired);
    }
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_owning_and_responsible_agencies_move_a_report_and_nobody_else() {
        use crate::AgencyKind::*;
        assert!(agency_may_move(Polri, Polri, &[]), "the owner");
        assert!(agency_may_move(Tni, Polri, &[Polri, Tni]), "a responsible agency");
        assert!(!agency_may_move(Kpu, Polri, &[Polri, Tni]), "an agency only informed or shared with");
        // The reporter is not offered the verification of its own report; nobody is offered a move at all when
        // its agency may not move the report.
        assert_eq!(offered(Status::Reported, true, true), Vec::<Transition>::new());
        assert_eq!(offered(Status::Reported, false, true), vec![Transition::Verify, Transition::Reject]);
        assert!(offered(Status::Verified, true, true).contains(&Transition::Assign));
        assert!(offered(Status::Verified, false, false).is_empty());
    }
    use proptest::prelude::*;

    #[test]
    fn the_happy_path_and_its_refusals() {
        let mut s = Status::Reported;
        assert_eq!(apply(s, Transition::Verify, 1, Some(1), "", None), Err(TransitionError::OwnReport));
        s = apply(s, Transition::Verify, 2, Some(1), "", None).unwrap();
        assert_eq!(s, Status::Verified);
        for t in [Transition::Assign, Transition::Start, Transition::Resolve, Transition::Close] {
            s = apply(s, t, 1, Some(1), "", None).unwrap();
        }
        assert_eq!(s, Status::Closed);
        assert_eq!(apply(s, Transition::Reopen, 1, Some(1), " ", None), Err(TransitionError::ReasonRequired));
        assert_eq!(apply(s, Transition::Reopen, 1, Some(1), "Massa kembali", None), Ok(Status::InHandling));
        assert_eq!(
            apply(Status::Closed, Transition::Verify, 2, None, "", None),
            Err(TransitionError::NotAllowed { from: Status::Closed, transition: Transition::Verify })
        );
    }

    #[test]
    fn a_rejection_needs_its_kind_and_reason_and_a_second_person() {
        let r = Some(RejectReason::Hoax);
        assert_eq!(
            apply(Status::Reported, Transition::Reject, 2, Some(1), "", r),
            Err(TransitionError::ReasonRequired)
        );
        assert_eq!(
            apply(Status::Reported, Transition::Reject, 2, Some(1), "Foto lama", None),
            Err(TransitionError::ReasonRequired)
        );
        assert_eq!(
            apply(Status::Reported, Transition::Reject, 1, Some(1), "Foto lama", r),
            Err(TransitionError::OwnReport)
        );
        assert_eq!(apply(Status::Reported, Transition::Reject, 2, None, "Foto lama", r), Ok(Status::Rejected));
        assert_eq!(apply(Status::Rejected, Transition::Reopen, 2, None, "Saksi baru", None), Ok(Status::Reported));
    }

    proptest! {
        /// Whatever the moves, a report only goes where the table says, and verification is never by the
        /// reporter.
        #[test]
        fn moves_follow_the_table(moves in proptest::collection::vec((0usize..7, 1i64..3), 0..30)) {
            let mut s = Status::Reported;
            for (t, actor) in moves {
                let t = Transition::ALL[t];
                match apply(s, t, actor, Some(1), "alasan", Some(RejectReason::Other)) {
                    Ok(to) => {
                        prop_assert_eq!(Some(to), next(s, t));
                        if matches!(t, Transition::Verify | Transition::Reject) {
                            prop_assert_ne!(actor, 1);
                        }
                        s = to;
                    }
                    Err(TransitionError::NotAllowed { from, .. }) => prop_assert!(next(from, t).is_none()),
                    Err(TransitionError::OwnReport) => prop_assert_eq!(actor, 1),
                    Err(TransitionError::ReasonRequired) => prop_assert!(false, "a reason was given"),
                }
            }
        }
    }
}
