//! The planner end to end: TPS → pattern → posts → requirement and coverage → roster → assignment → patrols and
//! reserves.

use std::collections::BTreeMap;
use std::time::Duration;

use super::assignment::{AssignInput, GapReason, assign, validate_plan};
use super::fixtures::tps;
use super::patrol::{PatrolConfig, plan_patrol};
use super::pattern::Pattern;
use super::personnel::synthetic_roster;
use super::posts::{PostConfig, group};
use super::requirement::{Requirement, coverage, rules_of};
use super::reserves::{DEMAND_CLASSES, ReserveConfig, demand_ids, plan_reserves};
use super::travel::{Place, TravelMatrix, TravelModel};
use super::{Force, PlanTps};
use crate::coordination::calendar::Date;
use crate::geo::LatLng;
use crate::region::RegionCode;
use crate::registry::agency::{Contact, Unit, UnitKind};
use crate::vulnerability::{IndicatorSet, SHIPPED};

fn unit(kind: UnitKind, territory: &str) -> Unit {
    let territory = RegionCode::parse(territory).unwrap();
    Unit {
        code: Unit::conventional_code(kind, &territory),
        kind,
        name: format!("{} {territory}", kind.title()),
        territory,
        parent: None,
        contact: Contact::default(),
        personnel: 0,
    }
}

#[test]
fn a_regency_is_planned_from_tps_to_patrols() {
    let set = IndicatorSet::from_toml(SHIPPED[1].1).unwrap();
    let pattern = Pattern::shipped(&set).unwrap();
    // Two districts, two villages each, 24 TPS on a grid 300 m apart; every seventh sangat rawan, every fifth rawan.
    let mut list: Vec<PlanTps> = Vec::new();
    for i in 0..24u32 {
        let (district, village) = (1 + i / 12, 1 + (i / 6) % 2);
        let class = if i % 7 == 3 {
            "sangat_rawan"
        } else if i % 5 == 1 {
            "rawan"
        } else {
            "kurang_rawan"
        };
        let at = (-1.0 + 0.0027 * f64::from(i % 4) + 0.1 * f64::from(district), 104.0 + 0.0027 * f64::from(i / 4 % 3));
        let mut t = tps(&format!("{district}-{i:03}"), district, village, class, Some(at));
        if class == "rawan" {
            t.causes = vec!["sosial.potensi_konflik".into()];
        }
        list.push(t);
    }
    let rules = rules_of(&list, &pattern).unwrap();
    let estimate = Requirement::estimate(&list, &rules, &pattern);
    let posts = group(&list, &rules, &pattern, &PostConfig::default());
    let grouped = Requirement::from_posts(&posts, &list, &pattern);
    assert!(estimate.regency.polri <= grouped.regency.polri);
    assert_eq!(grouped.districts.len(), 2);

    let mut units = vec![unit(UnitKind::Polres, "15.07")];
    for d in ["15.07.01", "15.07.02"] {
        units.push(unit(UnitKind::Polsek, d));
        units.push(unit(UnitKind::Koramil, d));
        for v in ["2001", "2002"] {
            units.push(unit(UnitKind::Linmas, &format!("{d}.{v}")));
        }
    }
    let mut per_village: BTreeMap<RegionCode, u32> = BTreeMap::new();
    for t in &list {
        *per_village.entry(t.village.clone()).or_default() += 1;
    }
    let people = synthetic_roster(&units, &per_village, 7);
    // The units' strength is what the roster holds.
    for u in &mut units {
        u.personnel = people.iter().filter(|p| p.unit == u.code).count() as u32;
    }
    let cov = coverage(&grouped, &units);
    assert!(cov.bko.iter().all(|b| b.force != Force::Polri), "a Polres of 400+ needs no BKO: {:?}", cov.bko);

    let day = Date::parse("2026-11-27").unwrap();
    let bases = BTreeMap::new();
    let input = AssignInput {
        posts: &posts,
        tps: &list,
        pattern: &pattern,
        people: &people,
        units: &units,
        bases: &bases,
        day,
    };
    let plan = assign(&input);
    // Police are plenty; Linmas are 2 per TPS, and sangat rawan posts (4-2-8: 4 per TPS) need more: they are staffed
    // first, so what their village lacks falls on its lighter posts.
    let mut linmas_short = 0;
    for (village, need) in &grouped.villages {
        let have = people.iter().filter(|p| p.unit == format!("linmas-{village}")).count() as u32;
        linmas_short += need.saturating_sub(have);
    }
    assert!(linmas_short > 0);
    assert_eq!(plan.gaps.iter().map(|g| g.short).sum::<u32>(), linmas_short);
    for gap in &plan.gaps {
        assert_eq!(gap.force, Force::Linmas, "{gap:?}");
        assert!(matches!(gap.reason, GapReason::NoOneFree { .. }));
        let post = posts.iter().find(|p| p.id == gap.post).unwrap();
        assert_ne!(pattern.rules[post.rule].class, "sangat_rawan", "the gravest posts are staffed first");
    }
    assert!(plan.partial());
    let police = plan.assignments().filter(|a| a.force == Force::Polri).count() as u32;
    assert_eq!(police, grouped.regency.polri);
    let rows: Vec<_> = plan.assignments().cloned().collect();
    assert!(validate_plan(&rows, &people, &posts, day).is_ok());

    // Patrols of district 1 from its Polsek, and reserves for the rawan and sangat rawan TPS.
    let district: Vec<PlanTps> = list.iter().filter(|t| t.district.to_string() == "15.07.01").cloned().collect();
    let polsek = LatLng::new(-0.9, 104.0);
    let mut places = vec![Place { id: "polsek".into(), location: polsek, access: Default::default() }];
    places.extend(list.iter().map(|t| Place { id: t.id.clone(), location: t.location.unwrap(), access: t.access }));
    let matrix = TravelMatrix::from_model(&places, &TravelModel::default()).unwrap();
    let config = PatrolConfig {
        teams: 2,
        max_iterations: Some(100),
        time_limit: Duration::from_secs(30),
        ..PatrolConfig::default()
    };
    let patrol = plan_patrol(&district, "polsek", &matrix, &config).unwrap();
    let visits: usize = patrol.routes.iter().map(|r| r.stops.len()).sum();
    let grave = district.iter().filter(|t| t.class == "sangat_rawan").count();
    assert_eq!(visits, district.len() + grave);
    let demand = demand_ids(&list, &DEMAND_CLASSES);
    let candidates: Vec<&str> = list.iter().filter(|t| t.class == "kurang_rawan").map(|t| t.id.as_str()).collect();
    let reserves = plan_reserves(&matrix, &candidates, &demand, 2, &ReserveConfig::default()).unwrap();
    assert!(reserves.proven());
    assert_eq!(reserves.served.len(), demand.len());
}
