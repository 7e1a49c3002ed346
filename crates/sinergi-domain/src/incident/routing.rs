//! Who must act on a report, and who is kept informed: the taxonomy's route for its category, resolved to the
//! units whose territory holds the report's village (a clash goes to that district's Polsek, with the regency's
//! Polres informed; a power outage to the PLN unit of the area).
//!
//! Every responsible kind that has a unit there is routed (money politics goes to both the Panwascam and the
//! regency's Bawaslu). When none of them has a unit over the village, the report is not left without an owner: it
//! goes to the nearest police unit above the village (Polsek, else Polres, else Polda), which the directory of
//! every regency has.

use crate::region::RegionCode;
use crate::registry::agency::{AgencyKind, Unit, UnitKind};

use super::Taxonomy;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RouteRole {
    /// Must act: the report is in this unit's queue.
    Responsible,
    /// Kept informed: sees the report and its moves.
    Informed,
}

impl RouteRole {
    pub fn as_str(self) -> &'static str {
        match self {
            RouteRole::Responsible => "responsible",
            RouteRole::Informed => "informed",
        }
    }

    pub fn parse(text: &str) -> Option<RouteRole> {
        match text {
            "responsible" => Some(RouteRole::Responsible),
            "informed" => Some(RouteRole::Informed),
            _ => None,
        }
    }
}

/// A unit a report is routed to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Routed {
    pub unit_code: String,
    pub agency: AgencyKind,
    pub role: RouteRole,
}

impl Taxonomy {
    /// The units a report of `category` in `village` goes to, responsible ones first, each unit once (a unit both
    /// responsible and informed is responsible). `units` are candidates; only those over the village count.
    pub fn route_report(&self, category: &str, village: &RegionCode, units: &[Unit]) -> Vec<Routed> {
        let over: Vec<&Unit> = units.iter().filter(|u| u.territory.contains(village)).collect();
        let of_kind = |kind: UnitKind| {
            let mut found: Vec<&&Unit> = over.iter().filter(|u| u.kind == kind).collect();
            found.sort_by(|a, b| a.code.cmp(&b.code));
            found.into_iter().map(|u| (*u).clone()).collect::<Vec<Unit>>()
        };
        let mut out: Vec<Routed> = Vec::new();
        fn push(out: &mut Vec<Routed>, unit: &Unit, role: RouteRole) {
            if !out.iter().any(|r| r.unit_code == unit.code) {
                out.push(Routed { unit_code: unit.code.clone(), agency: unit.kind.agency(), role });
            }
        }
        if let Some(route) = self.route(category) {
            for kind in &route.responsible {
                for unit in of_kind(*kind) {
                    push(&mut out, &unit, RouteRole::Responsible);
                }
            }
        }
        if out.is_empty() {
            // Nobody responsible is registered here: the nearest police unit owns the report.
            for kind in [UnitKind::Polsek, UnitKind::Polres, UnitKind::Polda] {
                if let Some(unit) = of_kind(kind).first() {
                    push(&mut out, unit, RouteRole::Responsible);
                    break;
                }
            }
        }
        if let Some(route) = self.route(category) {
            for kind in &route.informed {
                for unit in of_kind(*kind) {
                    push(&mut out, &unit, RouteRole::Informed);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::agency::Contact;

    fn unit(kind: UnitKind, territory: &str) -> Unit {
        let territory = RegionCode::parse(territory).unwrap();
        Unit {
            code: Unit::conventional_code(kind, &territory),
            kind,
            name: format!("{} {territory}", kind.title()),
            territory,
            parent: None,
            contact: Contact::default(),
            personnel: 10,
        }
    }

    fn codes(routed: &[Routed]) -> Vec<(&str, &str)> {
        routed.iter().map(|r| (r.unit_code.as_str(), r.role.as_str())).collect()
    }

    #[test]
    fn reports_go_to_the_units_over_their_village() {
        let t = Taxonomy::shipped();
        let units = [
            unit(UnitKind::Polda, "15"),
            unit(UnitKind::Polres, "15.07"),
            unit(UnitKind::Polsek, "15.07.01"),
            unit(UnitKind::Polsek, "15.07.02"),
            unit(UnitKind::Panwascam, "15.07.01"),
            unit(UnitKind::BawasluKabupaten, "15.07"),
            unit(UnitKind::Kejari, "15.07"),
            unit(UnitKind::PlnUp3, "15.07"),
        ];
        let village = RegionCode::parse("15.07.01.2001").unwrap();
        assert_eq!(
            codes(&t.route_report("bentrok", &village, &units)),
            [("polsek-15.07.01", "responsible"), ("polres-15.07", "informed"), ("panwascam-15.07.01", "informed")]
        );
        assert_eq!(
            codes(&t.route_report("politik_uang", &village, &units)),
            [
                ("panwascam-15.07.01", "responsible"),
                ("bawaslu-kabupaten-15.07", "responsible"),
                ("polres-15.07", "informed"),
                ("kejari-15.07", "informed")
            ]
        );
        // No ULP in the directory: the regency's UP3 acts.
        assert_eq!(codes(&t.route_report("listrik_padam", &village, &units))[0], ("pln-up3-15.07", "responsible"));
        // Nobody of the kinds responsible for a network outage is registered: the Polsek owns it.
        assert_eq!(codes(&t.route_report("jaringan_putus", &village, &units)), [("polsek-15.07.01", "responsible")]);
        // Units of another district do not count.
        let other = RegionCode::parse("15.07.02.1001").unwrap();
        assert_eq!(codes(&t.route_report("bentrok", &other, &units))[0], ("polsek-15.07.02", "responsible"));
    }
}
