//! The access rules: who may do what, and which records they see.
//!
//! A request is served on behalf of a [`Viewer`]: an account's role, agency and territorial scope, narrowed
//! further when the request carries an API token (a token may be limited to a smaller region and to reading).
//! The storage queries take the viewer and filter by it, and the handlers ask [`Viewer::may`] before they act,
//! so a rule holds whether a record is reached through a page, the API, a list or a single lookup. The rules are
//! written once, here, and tested as a table.
//!
//! *Territory.* A viewer sees the regions inside its scope and the ancestors of its scope (a Polsek user sees
//! the name of its regency and province, for the breadcrumbs and the chain of command), but records — TPS, and
//! later reports — only inside the scope itself.
//!
//! *Clearance.* Who may read which [`Classification`] is configurable per role and agency
//! ([`ClearancePolicy`]): the most specific rule wins, and without any rule the defaults below apply.

use serde::{Deserialize, Serialize};

use crate::region::RegionCode;
use crate::registry::agency::AgencyKind;
use crate::trust::auth::{Classification, Role, Scope};

/// Something a viewer may or may not do. Territory and clearance are checked separately, per record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Read the region registry (names, codes, boundaries): the geography every view is drawn on.
    ReadRegions,
    /// Read the units of the agencies (the coordination directory, with personnel strength).
    ReadUnits,
    /// Read TPS.
    ReadTps,
    /// Create and edit TPS.
    WriteTps,
    /// Record an assessment of a TPS (vulnerability mapping), for one's own agency.
    Assess,
    /// Read the incident reports of the territory (within the viewer's clearance).
    ReadReports,
    /// Read only the reports of the territory that concern one's own agency: filed by it, routed to it or shared
    /// with it (another agency's view; see [`Viewer::may_read_report`]).
    ReadSharedReports,
    /// File an incident or intelligence report.
    FileReports,
    /// Verify, reject, assign and move reports through their workflow.
    HandleReports,
    /// Create, list and revoke one's own API tokens.
    ManageOwnTokens,
    /// Manage accounts, every account's tokens and the clearance rules.
    Administer,
    /// Load a new version of the report taxonomy (categories, routes, time limits) and read the versions loaded.
    ManageTaxonomy,
    /// Read the coordination meetings of the territory and their follow-up (within clearance).
    ReadMeetings,
    /// Convene and manage meetings for one's unit (coordination; `coordination::meeting::may_manage`).
    ConveneMeetings,
    /// Take part in meetings one's unit is invited to: record its attendance and briefing, update its action
    /// items (`coordination::meeting::may_record_for`).
    TakePart,
    /// Read the deployment plans of the territory (posts, routes, reserves, figures; names of people only through
    /// [`Action::PlanDeployment`]'s roster rule, `deployment::may_read_roster`).
    ReadPlans,
    /// Make deployment plans, load a regency's security pattern and import the rosters of one's own agency's units.
    PlanDeployment,
    /// Approve a deployment plan (the commander's decision), superseding the one approved before.
    ApprovePlans,
}

impl Action {
    pub const ALL: [Action; 18] = [
        Action::ReadRegions,
        Action::ReadUnits,
        Action::ReadTps,
        Action::WriteTps,
        Action::Assess,
        Action::ReadReports,
        Action::ReadSharedReports,
        Action::FileReports,
        Action::HandleReports,
        Action::ManageOwnTokens,
        Action::Administer,
        Action::ManageTaxonomy,
        Action::ReadMeetings,
        Action::ConveneMeetings,
        Action::TakePart,
        Action::ReadPlans,
        Action::PlanDeployment,
        Action::ApprovePlans,
    ];

    /// True for actions that change something (refused to read-only tokens).
    pub fn writes(self) -> bool {
        matches!(
            self,
            Action::WriteTps
                | Action::Assess
                | Action::FileReports
                | Action::HandleReports
                | Action::ManageOwnTokens
                | Action::Administer
                | Action::ManageTaxonomy
                | Action::ConveneMeetings
                | Action::TakePart
                | Action::PlanDeployment
                | Action::ApprovePlans
        )
    }
}

/// What a role may do, before territory and clearance. External users of another agency see the geography and
/// what is shared with their agency, nothing of the registry.
pub fn role_permits(role: Role, action: Action) -> bool {
    use Action::*;
    match role {
        Role::Administrator => true,
        // The taxonomy routes every agency's reports: changing it is for administrators alone.
        // Operators (the Kabag Ops' staff) make plans; the commander approves them.
        Role::Operator => !matches!(action, Administer | ManageTaxonomy | ApprovePlans),
        // Field reporters are the officers at the village: they answer the questionnaires and file reports.
        Role::FieldReporter => {
            matches!(
                action,
                ReadRegions | ReadUnits | ReadTps | Assess | ReadReports | FileReports | ManageOwnTokens | ReadMeetings
            )
        }
        // Commanders direct: they read everything of their territory, file, and move reports along.
        Role::Commander => {
            matches!(
                action,
                ReadRegions
                    | ReadUnits
                    | ReadTps
                    | ReadReports
                    | FileReports
                    | HandleReports
                    | ManageOwnTokens
                    | ReadMeetings
                    | ConveneMeetings
                    | TakePart
                    | ReadPlans
                    | PlanDeployment
                    | ApprovePlans
            )
        }
        Role::Observer => {
            matches!(
                action,
                ReadRegions | ReadUnits | ReadTps | ReadReports | ManageOwnTokens | ReadMeetings | ReadPlans
            )
        }
        // Another agency (PLN, Telkom) takes part in the meetings it is invited to and reads only those.
        Role::External => matches!(action, ReadRegions | ReadSharedReports | ManageOwnTokens | TakePart),
    }
}

/// What the access rules need to know of a report to decide whether a viewer may read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFacts<'a> {
    pub village: &'a RegionCode,
    pub classification: Classification,
    pub source_agency: AgencyKind,
    /// The account that filed it (on the web, the field form, or by SMS from the account's phone).
    pub reporter_account: Option<i64>,
    /// Routed to the viewer's agency by the taxonomy (responsible or informed).
    pub routed_to_agency: bool,
    /// Shared with the viewer's agency by the owner, and not revoked.
    pub shared_with_agency: bool,
}

/// Who a request is served for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    pub account_id: i64,
    pub username: String,
    pub role: Role,
    pub agency: AgencyKind,
    pub scope: Scope,
    /// Set for API tokens limited to reading.
    pub read_only: bool,
    /// The highest classification this viewer may read.
    pub clearance: Classification,
}

impl Viewer {
    /// The command line acting on the server itself: whoever can run it can read the database file anyway.
    pub fn system(actor: &str) -> Viewer {
        Viewer {
            account_id: 0,
            username: actor.to_owned(),
            role: Role::Administrator,
            agency: AgencyKind::Pemda,
            scope: Scope::National,
            read_only: false,
            clearance: Classification::Rahasia,
        }
    }

    pub fn may(&self, action: Action) -> bool {
        role_permits(self.role, action) && !(self.read_only && action.writes())
    }

    /// True when the viewer reads some reports: all of the territory's within its clearance, or those of its own
    /// agency ([`Action::ReadSharedReports`]).
    pub fn reads_reports(&self) -> bool {
        self.may(Action::ReadReports) || self.may(Action::ReadSharedReports)
    }

    /// Whether the viewer may read a report: the need-to-know rule, written once (the store's queries apply the
    /// same rule in SQL, and the access matrix checks both agree).
    ///
    /// Only inside the territory. An administrator reads every report there within its clearance. Anyone reads
    /// a report they filed themselves, and one shared with their agency, whatever its level (sharing is the
    /// owner's decision that the agency needs to know). Otherwise, within the viewer's clearance: an external
    /// agency reads what it filed or what is routed to it; everyone else also every ordinary (`biasa`) report.
    pub fn may_read_report(&self, report: &ReportFacts<'_>) -> bool {
        if !self.reads_reports() || !self.covers(report.village) {
            return false;
        }
        if self.role == Role::Administrator {
            return self.may_read(report.classification);
        }
        if report.reporter_account == Some(self.account_id) || report.shared_with_agency {
            return true;
        }
        let concerns_agency = report.source_agency == self.agency || report.routed_to_agency;
        let open = self.may(Action::ReadReports) && report.classification == Classification::Biasa;
        (concerns_agency || open) && self.may_read(report.classification)
    }

    /// True when records of `code` (and everything inside it) are within this viewer's territory.
    pub fn covers(&self, code: &RegionCode) -> bool {
        self.scope.contains(code)
    }

    /// True when the region itself may be shown: inside the scope, or one of the scope's ancestors.
    pub fn sees_region(&self, code: &RegionCode) -> bool {
        match &self.scope {
            Scope::National => true,
            Scope::Region(scope) => scope.contains(code) || code.contains(scope),
        }
    }

    /// The part of `within` this viewer covers: `within` itself, the viewer's scope when that lies inside it, or
    /// nothing when the two do not meet. Two regions either nest or are disjoint, so this is exact.
    pub fn narrow(&self, within: &RegionCode) -> Option<RegionCode> {
        match &self.scope {
            Scope::National => Some(within.clone()),
            Scope::Region(scope) if scope.contains(within) => Some(within.clone()),
            Scope::Region(scope) if within.contains(scope) => Some(scope.clone()),
            Scope::Region(_) => None,
        }
    }

    /// The region codes shown although they lie outside the territory: the scope's ancestors.
    pub fn visible_ancestors(&self) -> Vec<RegionCode> {
        match &self.scope {
            Scope::National => Vec::new(),
            Scope::Region(scope) => scope.ancestors(),
        }
    }

    pub fn may_read(&self, level: Classification) -> bool {
        level <= self.clearance
    }
}

/// One clearance rule: accounts of `role` (and of `agency`, when given) may read up to `level`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClearanceRule {
    pub role: Role,
    pub agency: Option<AgencyKind>,
    pub level: Classification,
}

/// Who may read which classification, per role and agency.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClearancePolicy {
    pub rules: Vec<ClearanceRule>,
}

impl ClearancePolicy {
    /// The defaults, used for every role and agency without a rule: commanders read everything (they decide on
    /// secret intelligence); administrators and operators read up to *terbatas*, so intelligence reports reach
    /// the desk that handles them; field reporters, observers and other agencies read *biasa* (a field reporter
    /// still sees their own reports, and an external agency what is shared with it, whatever their level).
    pub fn default_level(role: Role) -> Classification {
        match role {
            Role::Commander => Classification::Rahasia,
            Role::Administrator | Role::Operator => Classification::Terbatas,
            Role::FieldReporter | Role::Observer | Role::External => Classification::Biasa,
        }
    }

    /// The clearance of an account: the rule for its role and agency, else the rule for its role, else the
    /// default.
    pub fn clearance(&self, role: Role, agency: AgencyKind) -> Classification {
        let exact = self.rules.iter().find(|r| r.role == role && r.agency == Some(agency));
        let any_agency = || self.rules.iter().find(|r| r.role == role && r.agency.is_none());
        exact.or_else(any_agency).map_or_else(|| Self::default_level(role), |r| r.level)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    fn viewer(role: Role, scope: Scope) -> Viewer {
        Viewer {
            account_id: 1,
            username: "u".into(),
            role,
            agency: AgencyKind::Polri,
            scope,
            read_only: false,
            clearance: ClearancePolicy::default_level(role),
        }
    }

    /// The whole role × action table, spelled out so that a change to it is a visible change to this test.
    #[test]
    fn the_role_table() {
        use Action::*;
        let expected: [(Role, [bool; 18]); 6] = [
            //                     regions units tps   write assess rd-rep shared file  handle tokens admin taxonomy
            //                     rd-meet convene take-part rd-plans plan approve
            (
                Role::Administrator,
                [
                    true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true,
                    true, true,
                ],
            ),
            (
                Role::Commander,
                [
                    true, true, true, false, false, true, false, true, true, true, false, false, true, true, true,
                    true, true, true,
                ],
            ),
            (
                Role::Operator,
                [
                    true, true, true, true, true, true, true, true, true, true, false, false, true, true, true, true,
                    true, false,
                ],
            ),
            (
                Role::FieldReporter,
                [
                    true, true, true, false, true, true, false, true, false, true, false, false, true, false, false,
                    false, false, false,
                ],
            ),
            (
                Role::Observer,
                [
                    true, true, true, false, false, true, false, false, false, true, false, false, true, false, false,
                    true, false, false,
                ],
            ),
            (
                Role::External,
                [
                    true, false, false, false, false, false, true, false, false, true, false, false, false, false,
                    true, false, false, false,
                ],
            ),
        ];
        for (role, row) in expected {
            let actions = [
                ReadRegions,
                ReadUnits,
                ReadTps,
                WriteTps,
                Assess,
                ReadReports,
                ReadSharedReports,
                FileReports,
                HandleReports,
                ManageOwnTokens,
                Administer,
                ManageTaxonomy,
                ReadMeetings,
                ConveneMeetings,
                TakePart,
                ReadPlans,
                PlanDeployment,
                ApprovePlans,
            ];
            for (action, allowed) in actions.iter().zip(row) {
                assert_eq!(role_permits(role, *action), allowed, "{role} {action:?}");
            }
        }
    }

    /// The need-to-know rule as a table: who reads which report.
    #[test]
    fn who_reads_which_report() {
        let village = code("33.20.01.2001");
        let report =
            |classification, source_agency, reporter_account, routed_to_agency, shared_with_agency| ReportFacts {
                village: &village,
                classification,
                source_agency,
                reporter_account,
                routed_to_agency,
                shared_with_agency,
            };
        let in_jepara = Scope::Region(code("33.20"));
        let polri = |role| viewer(role, in_jepara.clone());
        let pln = Viewer { agency: AgencyKind::Pln, ..viewer(Role::External, in_jepara.clone()) };
        use AgencyKind::{Kpu, Pln, Polri};
        use Classification::{Biasa, Rahasia, Terbatas};
        // An ordinary report of another agency: every reader of the territory, not an external agency.
        let kpu_biasa = report(Biasa, Kpu, Some(9), false, false);
        assert!(polri(Role::Observer).may_read_report(&kpu_biasa));
        assert!(!pln.may_read_report(&kpu_biasa));
        // Shared with PLN, even restricted: PLN reads it; routed to PLN: within PLN's clearance.
        assert!(pln.may_read_report(&report(Terbatas, Polri, Some(9), false, true)));
        assert!(pln.may_read_report(&report(Biasa, Polri, Some(9), true, false)));
        assert!(!pln.may_read_report(&report(Terbatas, Polri, Some(9), true, false)));
        assert!(pln.may_read_report(&report(Biasa, Pln, None, false, false)));
        // A field reporter reads their own intelligence report, not a colleague's.
        let reporter = polri(Role::FieldReporter);
        assert!(reporter.may_read_report(&report(Terbatas, Polri, Some(1), false, false)));
        assert!(!reporter.may_read_report(&report(Terbatas, Polri, Some(2), false, false)));
        // Clearance still holds for the rest; administrators read within theirs.
        assert!(polri(Role::Commander).may_read_report(&report(Rahasia, Polri, Some(2), false, false)));
        assert!(!polri(Role::Operator).may_read_report(&report(Rahasia, Polri, Some(2), false, false)));
        assert!(!polri(Role::Administrator).may_read_report(&report(Rahasia, Kpu, Some(2), false, false)));
        // Outside the territory: nobody, not even the one who filed it.
        let elsewhere = viewer(Role::FieldReporter, Scope::Region(code("15.07")));
        assert!(!elsewhere.may_read_report(&report(Biasa, Polri, Some(1), false, true)));
    }

    #[test]
    fn read_only_tokens_never_write() {
        let mut v = viewer(Role::Administrator, Scope::National);
        v.read_only = true;
        for action in Action::ALL {
            assert_eq!(v.may(action), !action.writes(), "{action:?}");
        }
    }

    #[test]
    fn a_district_sees_its_ancestors_but_covers_only_itself() {
        let v = viewer(Role::Observer, Scope::Region(code("33.20.01")));
        assert!(v.sees_region(&code("33.20")));
        assert!(v.sees_region(&code("33")));
        assert!(v.sees_region(&code("33.20.01.2001")));
        assert!(!v.sees_region(&code("33.20.02")));
        assert!(!v.sees_region(&code("33.21")));
        assert!(!v.covers(&code("33.20")));
        assert!(v.covers(&code("33.20.01.2001")));
        assert_eq!(v.visible_ancestors(), vec![code("33.20"), code("33")]);
    }

    #[test]
    fn narrowing() {
        let v = viewer(Role::Observer, Scope::Region(code("33.20")));
        assert_eq!(v.narrow(&code("33")), Some(code("33.20")));
        assert_eq!(v.narrow(&code("33.20.01")), Some(code("33.20.01")));
        assert_eq!(v.narrow(&code("33.21")), None);
        assert_eq!(viewer(Role::Observer, Scope::National).narrow(&code("33")), Some(code("33")));
    }

    #[test]
    fn clearance_most_specific_rule_wins() {
        let policy = ClearancePolicy {
            rules: vec![
                ClearanceRule { role: Role::Operator, agency: None, level: Classification::Biasa },
                ClearanceRule { role: Role::Operator, agency: Some(AgencyKind::Polri), level: Classification::Rahasia },
            ],
        };
        assert_eq!(policy.clearance(Role::Operator, AgencyKind::Polri), Classification::Rahasia);
        assert_eq!(policy.clearance(Role::Operator, AgencyKind::Kpu), Classification::Biasa);
        assert_eq!(policy.clearance(Role::Commander, AgencyKind::Kpu), Classification::Rahasia);
        assert_eq!(policy.clearance(Role::Observer, AgencyKind::Kpu), Classification::Biasa);
    }

    fn any_code() -> impl Strategy<Value = RegionCode> {
        (prop_oneof![Just("33"), Just("34")], 0..3usize, 1..4u8, 1..3u8).prop_map(|(p, depth, a, b)| {
            let mut s = p.to_owned();
            if depth >= 1 {
                s.push_str(&format!(".{a:02}"));
            }
            if depth >= 2 {
                s.push_str(&format!(".{b:02}"));
            }
            RegionCode::parse(&s).unwrap()
        })
    }

    proptest! {
        /// Narrowing never widens: what comes out is covered by the viewer and lies inside what was asked.
        #[test]
        fn narrowing_stays_inside_both(scope in any_code(), within in any_code()) {
            let v = viewer(Role::Observer, Scope::Region(scope.clone()));
            match v.narrow(&within) {
                Some(n) => {
                    prop_assert!(v.covers(&n));
                    prop_assert!(within.contains(&n));
                }
                None => prop_assert!(!scope.contains(&within) && !within.contains(&scope)),
            }
        }

        /// A covered region is always seen; a seen region outside the territory is an ancestor of the scope.
        #[test]
        fn seeing_and_covering(scope in any_code(), other in any_code()) {
            let v = viewer(Role::Observer, Scope::Region(scope.clone()));
            if v.covers(&other) {
                prop_assert!(v.sees_region(&other));
            }
            if v.sees_region(&other) && !v.covers(&other) {
                prop_assert!(v.visible_ancestors().contains(&other));
            }
        }
    }
}
