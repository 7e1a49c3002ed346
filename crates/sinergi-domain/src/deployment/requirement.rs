//! Personnel needed by force, per district and for the regency, and how the units' strength covers it.
//!
//! **Rounding.** Before the TPS are grouped into posts, the need of `n` TPS of one pattern rule in one district is
//! estimated as ⌈n/T⌉·P police and ⌈n/T⌉·N TNI (as many posts as the pattern's T allows), and Linmas per village as
//! ⌈n_v·L/T⌉ (Linmas stand at their own village's TPS, so their shares round up per village). After grouping
//! ([`super::posts`]) the need is counted post by post: P police and N TNI per post, and Linmas ⌈k_v·L/T⌉ for the
//! `k_v` TPS of each village in the post. Walking distance and missing coordinates only ever add posts, so the
//! estimate never exceeds the grouped need.
//!
//! **Coverage.** Each force's need is borne first by the narrowest unit of that force whose territory holds it (a
//! Polsek its district, a Koramil its district, a village's Linmas its village); a unit's shortfall passes up to
//! the next wider unit (the Polres, the Kodim, the Satpol PP of the regency); what the widest unit cannot cover is
//! the cascade's shortfall. A unit's strength is its own personnel, not its subordinates'. A surplus stays where it
//! is in the cascade, but the regency's commander can move people between units: the BKO request to the Polda (or,
//! for TNI, to the Korem) is what the regency's total strength of the force cannot cover, and the rest of the
//! cascade's shortfall is moved inside the regency.

use std::collections::{BTreeMap, HashMap};

use super::pattern::Pattern;
use super::posts::Post;
use super::{Force, Need, PlanTps};
use crate::i18n::{Lang, Msg};
use crate::region::{Level, RegionCode};
use crate::registry::agency::{Unit, UnitKind};

/// Why the TPS list cannot be planned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequirementError {
    #[error("TPS id `{id}` appears more than once (first as {first})")]
    DuplicateTps { id: String, first: String },
    #[error("{tps}: no rule of the pattern covers class `{class}`")]
    NoRule { tps: String, class: String },
    #[error("{tps}: village {village} is not in district {district}")]
    VillageOutsideDistrict { tps: String, village: String, district: String },
    #[error("{tps}: {code} is not a district code")]
    NotDistrict { tps: String, code: String },
}

impl RequirementError {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            RequirementError::DuplicateTps { id, first } => {
                lang.format(Msg::ReqDuplicateTps, &[("id", id), ("first", first)])
            }
            RequirementError::NoRule { tps, class } => {
                lang.format(Msg::ReqNoRule, &[("tps", tps), ("class", &class.replace('_', " "))])
            }
            RequirementError::VillageOutsideDistrict { tps, village, district } => lang
                .format(Msg::ReqVillageOutsideDistrict, &[("tps", tps), ("village", village), ("district", district)]),
            RequirementError::NotDistrict { tps, code } => {
                lang.format(Msg::ReqNotDistrict, &[("tps", tps), ("code", code)])
            }
        }
    }
}

/// The pattern rule of every TPS, in the order given; every fault named with its TPS.
pub fn rules_of(tps: &[PlanTps], pattern: &Pattern) -> Result<Vec<usize>, Vec<RequirementError>> {
    let mut errors = Vec::new();
    let mut seen: HashMap<&str, &str> = HashMap::new();
    let mut rules = Vec::with_capacity(tps.len());
    for t in tps {
        if let Some(first) = seen.insert(&t.id, &t.label) {
            errors.push(RequirementError::DuplicateTps { id: t.id.clone(), first: first.to_owned() });
        }
        if t.district.level() != Level::District {
            errors.push(RequirementError::NotDistrict { tps: t.label.clone(), code: t.district.to_string() });
        } else if t.village.level() != Level::Village || !t.district.contains(&t.village) {
            errors.push(RequirementError::VillageOutsideDistrict {
                tps: t.label.clone(),
                village: t.village.to_string(),
                district: t.district.to_string(),
            });
        }
        match pattern.rule_for(&t.class, &t.causes) {
            Some(r) => rules.push(r),
            None => errors.push(RequirementError::NoRule { tps: t.label.clone(), class: t.class.clone() }),
        }
    }
    if errors.is_empty() { Ok(rules) } else { Err(errors) }
}

/// The need of the TPS of one rule in one district.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupNeed {
    pub district: RegionCode,
    /// The pattern rule's index.
    pub rule: usize,
    pub tps: u32,
    /// Posts: ⌈n/T⌉ in an estimate, the posts made when grouped.
    pub posts: u32,
    pub need: Need,
}

/// Personnel needed, by group, district, village (Linmas) and for the regency.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Requirement {
    /// True when counted from posts, false for the estimate before grouping.
    pub grouped: bool,
    /// By district, then rule.
    pub groups: Vec<GroupNeed>,
    pub districts: BTreeMap<RegionCode, Need>,
    /// Linmas by village (Linmas are the village's own).
    pub villages: BTreeMap<RegionCode, u32>,
    pub regency: Need,
}

fn linmas_share(k: u32, linmas: u32, tps: u32) -> u32 {
    u32::try_from((u64::from(k) * u64::from(linmas)).div_ceil(u64::from(tps.max(1)))).unwrap_or(u32::MAX)
}

impl Requirement {
    /// The estimate before grouping. `rules` is [`rules_of`]'s answer for the same TPS.
    pub fn estimate(tps: &[PlanTps], rules: &[usize], pattern: &Pattern) -> Requirement {
        // (district, rule) → village → count.
        let mut counts: BTreeMap<(RegionCode, usize), BTreeMap<RegionCode, u32>> = BTreeMap::new();
        for (t, &rule) in tps.iter().zip(rules) {
            *counts.entry((t.district.clone(), rule)).or_default().entry(t.village.clone()).or_default() += 1;
        }
        let mut out = Requirement::default();
        for ((district, rule_index), villages) in counts {
            let Some(rule) = pattern.rules.get(rule_index) else { continue };
            let n: u32 = villages.values().fold(0, |a, b| a.saturating_add(*b));
            let posts = n.div_ceil(rule.tps.max(1));
            let mut need =
                Need { polri: rule.police.saturating_mul(posts), tni: rule.tni.saturating_mul(posts), linmas: 0 };
            for (village, k) in villages {
                let share = linmas_share(k, rule.linmas, rule.tps);
                need.linmas = need.linmas.saturating_add(share);
                let v = out.villages.entry(village).or_default();
                *v = v.saturating_add(share);
            }
            out.add_group(GroupNeed { district, rule: rule_index, tps: n, posts, need });
        }
        out
    }

    /// The need counted post by post (see [`Post::need`]).
    pub fn from_posts(posts: &[Post], tps: &[PlanTps], pattern: &Pattern) -> Requirement {
        let mut groups: BTreeMap<(RegionCode, usize), GroupNeed> = BTreeMap::new();
        let mut out = Requirement { grouped: true, ..Requirement::default() };
        for post in posts {
            let Some(rule) = pattern.rules.get(post.rule) else { continue };
            let need = post.need(tps, rule);
            for (village, share) in post.linmas_by_village(tps, rule) {
                let v = out.villages.entry(village).or_default();
                *v = v.saturating_add(share);
            }
            let g = groups.entry((post.district.clone(), post.rule)).or_insert_with(|| GroupNeed {
                district: post.district.clone(),
                rule: post.rule,
                tps: 0,
                posts: 0,
                need: Need::default(),
            });
            g.tps = g.tps.saturating_add(u32::try_from(post.tps.len()).unwrap_or(u32::MAX));
            g.posts = g.posts.saturating_add(1);
            g.need += need;
        }
        for g in groups.into_values() {
            out.add_group(g);
        }
        out
    }

    fn add_group(&mut self, g: GroupNeed) {
        *self.districts.entry(g.district.clone()).or_default() += g.need;
        self.regency += g.need;
        self.groups.push(g);
    }
}

/// One unit's strength against what falls to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitBalance {
    pub code: String,
    pub kind: UnitKind,
    pub force: Force,
    /// The need of its territory that no narrower unit bears, plus the shortfalls of the narrower units under it.
    pub demand: u32,
    pub strength: u32,
    /// Strength minus demand: a surplus when positive, a shortfall when negative.
    pub balance: i64,
}

/// The request for reinforcement (*bantuan kendali operasi*, BKO) of one force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BkoRequest {
    pub force: Force,
    pub count: u32,
    /// Who is asked: the Polda for police, the Korem for TNI; `None` for Linmas, whom the regency's government
    /// recruits itself.
    pub to: Option<UnitKind>,
}

/// One force's figures for the regency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForceTotal {
    pub force: Force,
    pub need: u32,
    pub strength: u32,
    /// The cascade's shortfall: need no unit above could take on.
    pub shortfall: u32,
    /// Of the shortfall, what the regency covers by moving people between its units (surplus to shortfall).
    pub moved: u32,
}

/// How the units cover a requirement.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Coverage {
    /// Narrowest units first, then by code.
    pub units: Vec<UnitBalance>,
    pub totals: Vec<ForceTotal>,
    /// Only forces the regency's total cannot cover.
    pub bko: Vec<BkoRequest>,
}

/// Compares a requirement with the units' strength. Units of other agencies, and units above the regency or
/// outside the regencies of the requirement, are left out.
pub fn coverage(req: &Requirement, units: &[Unit]) -> Coverage {
    let regencies: Vec<RegionCode> =
        req.districts.keys().chain(req.villages.keys()).filter_map(|d| d.at_level(Level::Regency)).collect();
    let mut relevant: Vec<&Unit> = units
        .iter()
        .filter(|u| Force::of_unit(u.kind).is_some())
        .filter(|u| u.territory.level() >= Level::Regency && regencies.iter().any(|r| r.contains(&u.territory)))
        .collect();
    // Narrowest first (a village's level is the highest number), then by code.
    relevant.sort_by(|a, b| b.territory.level().cmp(&a.territory.level()).then_with(|| a.code.cmp(&b.code)));
    let mut out = Coverage::default();
    for force in Force::ALL {
        // Open demand: (region, amount, claimed).
        let mut open: Vec<(RegionCode, u32)> = match force {
            Force::Linmas => req.villages.iter().map(|(v, n)| (v.clone(), *n)).collect(),
            _ => req.districts.iter().map(|(d, n)| (d.clone(), n.get(force))).collect(),
        };
        open.retain(|(_, n)| *n > 0);
        let need = saturating_sum(open.iter().map(|(_, n)| *n));
        let mut strength = 0u32;
        for unit in relevant.iter().filter(|u| Force::of_unit(u.kind) == Some(force)) {
            let (mine, rest): (Vec<_>, Vec<_>) = open.into_iter().partition(|(r, _)| unit.territory.contains(r));
            open = rest;
            let demand = saturating_sum(mine.iter().map(|(_, n)| *n));
            strength = strength.saturating_add(unit.personnel);
            let balance = i64::from(unit.personnel) - i64::from(demand);
            if balance < 0 {
                open.push((unit.territory.clone(), u32::try_from(-balance).unwrap_or(u32::MAX)));
            }
            out.units.push(UnitBalance {
                code: unit.code.clone(),
                kind: unit.kind,
                force,
                demand,
                strength: unit.personnel,
                balance,
            });
        }
        let shortfall = saturating_sum(open.iter().map(|(_, n)| *n));
        let bko = need.saturating_sub(strength);
        out.totals.push(ForceTotal { force, need, strength, shortfall, moved: shortfall.saturating_sub(bko) });
        if bko > 0 {
            let to = match force {
                Force::Polri => Some(UnitKind::Polda),
                Force::Tni => Some(UnitKind::Korem),
                Force::Linmas => None,
            };
            out.bko.push(BkoRequest { force, count: bko, to });
        }
    }
    out.units.sort_by(|a, b| {
        let (la, lb) = (level_of(units, &a.code), level_of(units, &b.code));
        lb.cmp(&la).then_with(|| a.code.cmp(&b.code))
    });
    out
}

pub(crate) fn saturating_sum(values: impl Iterator<Item = u32>) -> u32 {
    values.fold(0, u32::saturating_add)
}

fn level_of(units: &[Unit], code: &str) -> Option<Level> {
    units.iter().find(|u| u.code == code).map(|u| u.territory.level())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deployment::fixtures::tps;
    use crate::registry::agency::Contact;
    use crate::vulnerability::{IndicatorSet, SHIPPED};
    use proptest::prelude::*;

    fn pattern() -> Pattern {
        Pattern::shipped(&IndicatorSet::from_toml(SHIPPED[1].1).unwrap()).unwrap()
    }

    fn unit(code: &str, kind: UnitKind, territory: &str, personnel: u32) -> Unit {
        Unit {
            code: code.into(),
            kind,
            name: code.into(),
            territory: RegionCode::parse(territory).unwrap(),
            parent: None,
            contact: Contact::default(),
            personnel,
        }
    }

    /// 17 kurang rawan TPS in district 1 (village 1: 10, village 2: 7), 3 rawan (social) in district 2.
    fn sample() -> Vec<PlanTps> {
        let mut out = Vec::new();
        for i in 0..17 {
            out.push(tps(&format!("a{i}"), 1, if i < 10 { 1 } else { 2 }, "kurang_rawan", None));
        }
        for i in 0..3 {
            let mut t = tps(&format!("b{i}"), 2, 1, "rawan", None);
            t.causes = vec!["sosial.potensi_konflik".into()];
            out.push(t);
        }
        out
    }

    #[test]
    fn the_estimate_rounds_posts_per_district_and_linmas_per_village() {
        let p = pattern();
        let list = sample();
        let rules = rules_of(&list, &p).unwrap();
        let req = Requirement::estimate(&list, &rules, &p);
        // District 1: ⌈17/8⌉ = 3 posts → 6 police; Linmas 10·2 + 7·2 = 34.
        let d1 = RegionCode::parse("15.07.01").unwrap();
        assert_eq!(req.districts[&d1], Need { polri: 6, tni: 0, linmas: 34 });
        // District 2: 3 rawan TPS under 2-2-4 → 2 posts, 4 police, 6 Linmas.
        let d2 = RegionCode::parse("15.07.02").unwrap();
        assert_eq!(req.districts[&d2], Need { polri: 4, tni: 0, linmas: 6 });
        assert_eq!(req.regency, Need { polri: 10, tni: 0, linmas: 40 });
        assert_eq!(req.villages[&RegionCode::parse("15.07.01.2001").unwrap()], 20);
        assert!(!req.grouped);
    }

    #[test]
    fn bad_tps_lists_are_refused_naming_each_tps() {
        let mut list = sample();
        list[1].id = "a0".into();
        list[2].class = "aman".into();
        list[3].village = RegionCode::parse("15.07.09.2001").unwrap();
        list[4].district = RegionCode::parse("15.07").unwrap();
        let e = rules_of(&list, &pattern()).unwrap_err();
        assert_eq!(e[0], RequirementError::DuplicateTps { id: "a0".into(), first: "TPS a0".into() });
        assert_eq!(e[1].to_string(), "TPS a2: no rule of the pattern covers class `aman`");
        assert!(matches!(&e[2], RequirementError::VillageOutsideDistrict { tps, .. } if tps == "TPS a3"));
        assert!(matches!(&e[3], RequirementError::NotDistrict { tps, .. } if tps == "TPS a4"));
    }

    #[test]
    fn shortfalls_pass_up_and_the_regency_asks_for_bko() {
        let p = pattern();
        let list = sample();
        let req = Requirement::estimate(&list, &rules_of(&list, &p).unwrap(), &p);
        let units = vec![
            unit("polres-15.07", UnitKind::Polres, "15.07", 2),
            unit("polsek-15.07.01", UnitKind::Polsek, "15.07.01", 4),
            unit("polsek-15.07.02", UnitKind::Polsek, "15.07.02", 9),
            unit("linmas-15.07.01.2001", UnitKind::Linmas, "15.07.01.2001", 30),
            unit("kpu-15.07", UnitKind::KpuKabupaten, "15.07", 50),
            unit("polda-15", UnitKind::Polda, "15", 5000),
        ];
        let cov = coverage(&req, &units);
        let balance = |code: &str| cov.units.iter().find(|u| u.code == code).map(|u| (u.demand, u.balance));
        assert_eq!(balance("polsek-15.07.01"), Some((6, -2)));
        assert_eq!(balance("polsek-15.07.02"), Some((4, 5)));
        assert_eq!(balance("polres-15.07"), Some((2, 0)), "the Polres takes the Polsek's shortfall");
        assert_eq!(balance("kpu-15.07"), None);
        assert_eq!(balance("polda-15"), None);
        let polri = &cov.totals[0];
        assert_eq!((polri.need, polri.strength, polri.shortfall), (10, 15, 0));
        // Linmas: village 1 of district 1 needs 20 and has 30; village 2 (14) and district 2's village (6) have
        // no Linmas unit: 20 short, which the regency's total (30 for 40) cannot cover by 10.
        let linmas = &cov.totals[2];
        assert_eq!((linmas.need, linmas.strength, linmas.shortfall, linmas.moved), (40, 30, 20, 10));
        assert_eq!(cov.bko, vec![BkoRequest { force: Force::Linmas, count: 10, to: None }]);
        // Too few police: the Polda is asked for what the regency's total cannot cover.
        let mut few = units.clone();
        few[2].personnel = 1;
        let cov = coverage(&req, &few);
        assert_eq!(cov.bko[0], BkoRequest { force: Force::Polri, count: 3, to: Some(UnitKind::Polda) });
        assert_eq!(cov.units[0].kind, UnitKind::Linmas, "narrowest first");
    }

    proptest! {
        /// The cascade never shows less shortfall than the BKO, and the BKO is exactly need minus strength.
        #[test]
        fn bko_is_what_the_total_cannot_cover(
            counts in proptest::collection::vec((1u32..4, 0u32..20), 1..6),
            strengths in proptest::collection::vec(0u32..30, 4),
        ) {
            let p = pattern();
            let mut list = Vec::new();
            for (d, (district, n)) in counts.iter().enumerate() {
                for i in 0..*n {
                    list.push(tps(&format!("{d}-{i}"), *district, 1, if i % 3 == 0 { "rawan" } else { "kurang_rawan" }, None));
                }
            }
            let req = Requirement::estimate(&list, &rules_of(&list, &p).unwrap(), &p);
            let units = vec![
                unit("polres-15.07", UnitKind::Polres, "15.07", strengths[0]),
                unit("polsek-15.07.01", UnitKind::Polsek, "15.07.01", strengths[1]),
                unit("polsek-15.07.02", UnitKind::Polsek, "15.07.02", strengths[2]),
                unit("polsek-15.07.03", UnitKind::Polsek, "15.07.03", strengths[3]),
            ];
            let cov = coverage(&req, &units);
            let polri = &cov.totals[0];
            prop_assert_eq!(polri.need, req.regency.polri);
            let bko = cov.bko.iter().find(|b| b.force == Force::Polri).map_or(0, |b| b.count);
            prop_assert_eq!(bko, polri.need.saturating_sub(polri.strength));
            prop_assert!(polri.shortfall >= bko);
            prop_assert_eq!(polri.moved + bko, polri.shortfall);
        }
    }
}
