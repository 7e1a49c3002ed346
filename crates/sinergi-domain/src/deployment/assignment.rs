//! Named people assigned to posts, and what cannot be covered.
//!
//! **Who may stand at a post.** A person of force F may stand at a post when their unit is of force F and its
//! territory covers the post: for police the Polsek of the post's district first, then the Polres; for TNI the
//! Koramil, then the Kodim; for Linmas the Linmas of each TPS's own village (each village's share apart), then the
//! regency's Satpol PP. Narrower units come first; within a level, the person whose unit's base (when given) is
//! nearest to the post's centre, then by id. Without a base, a unit counts as at the post (it covers it).
//!
//! **Order.** Posts are staffed from the densest guard (police per TPS of their rule: *khusus* and *sangat
//! rawan* first) to the lightest, then by post id, so that when people run short the gravest posts are covered.
//! Only people available on the voting day are taken, each at most once.
//!
//! A plan keeps its assignments by person, so one person in two posts cannot be represented; a plan read from
//! elsewhere goes through [`validate_plan`], which names each person found twice.

use std::collections::{BTreeMap, BTreeSet};

use super::pattern::Pattern;
use super::personnel::Person;
use super::posts::Post;
use super::{Force, PlanTps};
use crate::coordination::calendar::Date;
use crate::geo::LatLng;
use crate::i18n::{Lang, Msg};
use crate::region::RegionCode;
use crate::registry::agency::Unit;

/// One person at one post.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Assignment {
    pub post: String,
    pub person: String,
    pub force: Force,
}

/// Why a post lacks people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GapReason {
    /// No unit of the force covers the post's territory.
    NoUnit,
    /// The units that cover it (their names) have no one available and unassigned on the day.
    NoOneFree { units: Vec<String>, day: Date },
}

/// People missing at a post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    pub post: String,
    /// The post's TPS, as people name them.
    pub label: String,
    pub force: Force,
    pub short: u32,
    pub reason: GapReason,
}

fn force_words(force: Force, lang: Lang) -> &'static str {
    lang.t(match force {
        Force::Polri => Msg::DeployForcePolri,
        Force::Tni => Msg::DeployForceTni,
        Force::Linmas => Msg::DeployForceLinmas,
    })
}

impl Gap {
    /// "TPS 003 Kedungmalang: 2 police short; Polsek Sabak have no one free on 27 November 2026".
    pub fn message(&self, lang: Lang) -> String {
        let force = force_words(self.force, lang);
        match &self.reason {
            GapReason::NoUnit => {
                lang.format(Msg::DeployGapNoUnit, &[("post", &self.label), ("count", &self.short), ("force", &force)])
            }
            GapReason::NoOneFree { units, day } => lang.format(
                Msg::DeployGapNoOneFree,
                &[
                    ("post", &self.label),
                    ("count", &self.short),
                    ("force", &force),
                    ("units", &units.join(", ")),
                    ("day", &lang.day_month_year(*day)),
                ],
            ),
        }
    }
}

/// A deployment plan: at most one post per person, by construction.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    by_person: BTreeMap<String, Assignment>,
    pub gaps: Vec<Gap>,
}

impl Plan {
    /// Every assignment, by person id.
    pub fn assignments(&self) -> impl Iterator<Item = &Assignment> {
        self.by_person.values()
    }

    pub fn len(&self) -> usize {
        self.by_person.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_person.is_empty()
    }

    /// The post of a person.
    pub fn post_of(&self, person: &str) -> Option<&str> {
        self.by_person.get(person).map(|a| a.post.as_str())
    }

    /// The people at a post, by person id.
    pub fn at_post<'a>(&'a self, post: &'a str) -> impl Iterator<Item = &'a Assignment> + 'a {
        self.by_person.values().filter(move |a| a.post == post)
    }

    /// True when some post lacks people.
    pub fn partial(&self) -> bool {
        !self.gaps.is_empty()
    }
}

/// What [`assign`] works from.
pub struct AssignInput<'a> {
    pub posts: &'a [Post],
    pub tps: &'a [PlanTps],
    pub pattern: &'a Pattern,
    pub people: &'a [Person],
    pub units: &'a [Unit],
    /// Where units are based, by unit code (optional per unit).
    pub bases: &'a BTreeMap<String, LatLng>,
    /// The voting day.
    pub day: Date,
}

/// The people who may fill a need in `area`, best first: (level rank, distance, id) keys of available people.
fn candidates<'a>(
    input: &'a AssignInput<'a>,
    force: Force,
    area: &RegionCode,
    centre: Option<LatLng>,
) -> (Vec<&'a Unit>, Vec<&'a Person>) {
    let mut units: Vec<&Unit> =
        input.units.iter().filter(|u| Force::of_unit(u.kind) == Some(force) && u.territory.contains(area)).collect();
    units.sort_by(|a, b| b.territory.level().cmp(&a.territory.level()).then_with(|| a.code.cmp(&b.code)));
    let rank: BTreeMap<&str, (usize, f64)> = units
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let level = units.iter().position(|v| v.territory.level() == u.territory.level()).unwrap_or(i);
            let distance = match (input.bases.get(&u.code), centre) {
                (Some(base), Some(c)) => base.distance_km(&c),
                _ => 0.0,
            };
            (u.code.as_str(), (level, distance))
        })
        .collect();
    let mut people: Vec<(&(usize, f64), &Person)> = input
        .people
        .iter()
        .filter(|p| p.force == force && p.availability.on(input.day))
        .filter_map(|p| rank.get(p.unit.as_str()).map(|r| (r, p)))
        .collect();
    people.sort_by(|(a, p), (b, q)| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).then_with(|| p.id.cmp(&q.id)));
    (units, people.into_iter().map(|(_, p)| p).collect())
}

/// Assigns people to posts (see the module's rules) and reports what remains uncovered.
pub fn assign(input: &AssignInput<'_>) -> Plan {
    let mut order: Vec<&Post> = input.posts.iter().collect();
    let density =
        |p: &Post| input.pattern.rules.get(p.rule).map_or(0.0, |r| f64::from(r.police) / f64::from(r.tps.max(1)));
    order.sort_by(|a, b| density(b).total_cmp(&density(a)).then_with(|| a.id.cmp(&b.id)));
    let mut plan = Plan::default();
    let mut used: BTreeSet<&str> = BTreeSet::new();
    for post in order {
        let Some(rule) = input.pattern.rules.get(post.rule) else { continue };
        let label = post.label(input.tps);
        // Each need with the area whose units fill it: the district for police and TNI, each village for Linmas.
        let mut needs: Vec<(Force, RegionCode, u32)> =
            vec![(Force::Polri, post.district.clone(), rule.police), (Force::Tni, post.district.clone(), rule.tni)];
        for (village, n) in post.linmas_by_village(input.tps, rule) {
            needs.push((Force::Linmas, village, n));
        }
        let mut short: BTreeMap<Force, (u32, BTreeSet<String>)> = BTreeMap::new();
        for (force, area, n) in needs.into_iter().filter(|(_, _, n)| *n > 0) {
            let (units, people) = candidates(input, force, &area, post.centre);
            let mut filled = 0;
            for person in people {
                if filled == n {
                    break;
                }
                if used.insert(person.id.as_str()) {
                    plan.by_person.insert(
                        person.id.clone(),
                        Assignment { post: post.id.clone(), person: person.id.clone(), force },
                    );
                    filled += 1;
                }
            }
            if filled < n {
                let entry = short.entry(force).or_default();
                entry.0 += n - filled;
                entry.1.extend(units.iter().map(|u| u.name.clone()));
            }
        }
        for (force, (count, units)) in short {
            let reason = if units.is_empty() {
                GapReason::NoUnit
            } else {
                GapReason::NoOneFree { units: units.into_iter().collect(), day: input.day }
            };
            plan.gaps.push(Gap { post: post.id.clone(), label: label.clone(), force, short: count, reason });
        }
    }
    plan.gaps.sort_by(|a, b| a.post.cmp(&b.post).then(a.force.cmp(&b.force)));
    plan
}

/// Why a plan read from elsewhere cannot stand.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("{name} ({person}) is assigned to two posts at once: {first} and {second}")]
    TwoPosts { person: String, name: String, first: String, second: String },
    #[error("person `{0}` is not on the roster")]
    UnknownPerson(String),
    #[error("post `{post}` (for {person}) is not a post of the plan")]
    UnknownPost { post: String, person: String },
    #[error("{name} ({person}) is not available on {day}")]
    NotAvailable { person: String, name: String, day: Date },
    #[error("{name} ({person}) is {actual}, assigned as {assigned}")]
    WrongForce { person: String, name: String, actual: Force, assigned: Force },
}

/// Checks a plan read from elsewhere (an import, an edited export): every person on the roster, available on the
/// day, of the force they are assigned as, at a known post, and in one post only. Returns the plan or every fault.
pub fn validate_plan(
    rows: &[Assignment],
    people: &[Person],
    posts: &[Post],
    day: Date,
) -> Result<Plan, Vec<PlanError>> {
    let roster: BTreeMap<&str, &Person> = people.iter().map(|p| (p.id.as_str(), p)).collect();
    let post_ids: BTreeSet<&str> = posts.iter().map(|p| p.id.as_str()).collect();
    let mut errors = Vec::new();
    let mut plan = Plan::default();
    for row in rows {
        let Some(person) = roster.get(row.person.as_str()) else {
            errors.push(PlanError::UnknownPerson(row.person.clone()));
            continue;
        };
        let name = person.name.clone();
        if !post_ids.contains(row.post.as_str()) {
            errors.push(PlanError::UnknownPost { post: row.post.clone(), person: row.person.clone() });
        }
        if !person.availability.on(day) {
            errors.push(PlanError::NotAvailable { person: row.person.clone(), name: name.clone(), day });
        }
        if person.force != row.force {
            errors.push(PlanError::WrongForce {
                person: row.person.clone(),
                name: name.clone(),
                actual: person.force,
                assigned: row.force,
            });
        }
        match plan.by_person.get(&row.person) {
            Some(first) if first.post != row.post => errors.push(PlanError::TwoPosts {
                person: row.person.clone(),
                name,
                first: first.post.clone(),
                second: row.post.clone(),
            }),
            Some(_) => {}
            None => {
                plan.by_person.insert(row.person.clone(), row.clone());
            }
        }
    }
    if errors.is_empty() { Ok(plan) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deployment::fixtures::tps;
    use crate::deployment::personnel::Availability;
    use crate::deployment::posts::{PostConfig, group};
    use crate::deployment::requirement::rules_of;
    use crate::registry::agency::{Contact, UnitKind};
    use crate::vulnerability::{IndicatorSet, SHIPPED};
    use proptest::prelude::*;

    fn pattern() -> Pattern {
        Pattern::shipped(&IndicatorSet::from_toml(SHIPPED[1].1).unwrap()).unwrap()
    }

    fn unit(code: &str, kind: UnitKind, territory: &str, name: &str) -> Unit {
        Unit {
            code: code.into(),
            kind,
            name: name.into(),
            territory: RegionCode::parse(territory).unwrap(),
            parent: None,
            contact: Contact::default(),
            personnel: 0,
        }
    }

    fn person(id: &str, unit: &str, force: Force) -> Person {
        Person {
            id: id.into(),
            name: format!("Orang {id}"),
            rank: "Bripka".into(),
            unit: unit.into(),
            force,
            phone: None,
            availability: Availability::Always,
            synthetic: false,
        }
    }

    fn units() -> Vec<Unit> {
        vec![
            unit("polres-15.07", UnitKind::Polres, "15.07", "Polres Tanjung Jabung Timur"),
            unit("polsek-15.07.01", UnitKind::Polsek, "15.07.01", "Polsek Muara Sabak Timur"),
            unit("linmas-15.07.01.2001", UnitKind::Linmas, "15.07.01.2001", "Linmas Kedungmalang"),
        ]
    }

    fn day() -> Date {
        Date::parse("2026-11-27").unwrap()
    }

    #[test]
    fn the_polsek_first_then_the_polres_and_gaps_say_why() {
        let p = pattern();
        // One kurang rawan TPS (2-8-16: 2 police, 2 Linmas) and one sangat rawan TPS (4-2-8: 4 police, 4 Linmas).
        let mut list =
            vec![tps("003", 1, 1, "kurang_rawan", Some((-1.0, 104.0))), tps("004", 1, 1, "sangat_rawan", None)];
        list[0].label = "TPS 003 Kedungmalang".into();
        let posts = group(&list, &rules_of(&list, &p).unwrap(), &p, &PostConfig::default());
        let mut people = vec![
            person("s1", "polsek-15.07.01", Force::Polri),
            person("s2", "polsek-15.07.01", Force::Polri),
            person("s3", "polsek-15.07.01", Force::Polri),
            person("r1", "polres-15.07", Force::Polri),
            person("r2", "polres-15.07", Force::Polri),
            person("l1", "linmas-15.07.01.2001", Force::Linmas),
            person("l2", "linmas-15.07.01.2001", Force::Linmas),
            person("l3", "linmas-15.07.01.2001", Force::Linmas),
            person("l4", "linmas-15.07.01.2001", Force::Linmas),
            person("l5", "linmas-15.07.01.2001", Force::Linmas),
        ];
        people[2].availability = Availability::Days([Date::parse("2026-11-28").unwrap()].into());
        let bases = BTreeMap::new();
        let units = units();
        let input = AssignInput {
            posts: &posts,
            tps: &list,
            pattern: &p,
            people: &people,
            units: &units,
            bases: &bases,
            day: day(),
        };
        let plan = assign(&input);
        // The sangat rawan post comes first: s1, s2 from the Polsek (s3 is away), then r1, r2 from the Polres.
        let grave = posts.iter().find(|p| p.tps == vec![1]).unwrap();
        let at: Vec<&str> = plan.at_post(&grave.id).map(|a| a.person.as_str()).collect();
        assert_eq!(at, vec!["l1", "l2", "l3", "l4", "r1", "r2", "s1", "s2"]);
        assert_eq!(plan.post_of("s3"), None);
        // The kurang rawan post finds no police free, and one Linmas of two.
        assert!(plan.partial());
        let light = posts.iter().find(|p| p.tps == vec![0]).unwrap();
        let gaps: Vec<String> = plan.gaps.iter().map(|g| g.message(Lang::En)).collect();
        assert_eq!(plan.gaps.len(), 2, "{gaps:?}");
        assert_eq!(plan.gaps[0].post, light.id);
        assert_eq!(
            gaps[0],
            "TPS 003 Kedungmalang: 2 police short; Polres Tanjung Jabung Timur, Polsek Muara Sabak Timur have no one \
             free on 27 November 2026"
        );
        assert_eq!(
            plan.gaps[1].message(Lang::Id),
            "TPS 003 Kedungmalang: kurang 1 Linmas; Linmas Kedungmalang tidak punya personel yang bebas pada 27 November 2026"
        );
        // Nobody is in two posts, and the plan checks out.
        let rows: Vec<Assignment> = plan.assignments().cloned().collect();
        let checked = validate_plan(&rows, &people, &posts, day()).unwrap();
        assert!(checked.assignments().eq(plan.assignments()));
    }

    #[test]
    fn no_unit_covering_a_post_is_said_so() {
        let p = pattern();
        let list = vec![tps("001", 2, 1, "khusus", None)];
        let posts = group(&list, &rules_of(&list, &p).unwrap(), &p, &PostConfig::default());
        let people = vec![person("s1", "polsek-15.07.01", Force::Polri)];
        let bases = BTreeMap::new();
        let units = vec![units()[1].clone()];
        let input = AssignInput {
            posts: &posts,
            tps: &list,
            pattern: &p,
            people: &people,
            units: &units,
            bases: &bases,
            day: day(),
        };
        let plan = assign(&input);
        assert!(plan.is_empty());
        assert_eq!(plan.gaps[0].reason, GapReason::NoUnit);
        assert_eq!(plan.gaps[0].message(Lang::En), "TPS 001: 2 police short; no unit's territory covers this post");
    }

    #[test]
    fn the_nearer_base_is_preferred_within_a_level() {
        let p = pattern();
        let list = vec![tps("001", 1, 1, "kurang_rawan", Some((-1.0, 104.0)))];
        let posts = group(&list, &rules_of(&list, &p).unwrap(), &p, &PostConfig::default());
        let mut units = units();
        units.push(unit("polsek-15.07.01-b", UnitKind::Polsek, "15.07.01", "Polsek B"));
        let people = vec![
            person("a1", "polsek-15.07.01", Force::Polri),
            person("a2", "polsek-15.07.01", Force::Polri),
            person("b1", "polsek-15.07.01-b", Force::Polri),
            person("b2", "polsek-15.07.01-b", Force::Polri),
        ];
        let bases: BTreeMap<String, LatLng> = [
            ("polsek-15.07.01".to_owned(), LatLng::new(-1.2, 104.0)),
            ("polsek-15.07.01-b".to_owned(), LatLng::new(-1.01, 104.0)),
        ]
        .into();
        let input = AssignInput {
            posts: &posts,
            tps: &list,
            pattern: &p,
            people: &people,
            units: &units,
            bases: &bases,
            day: day(),
        };
        let plan = assign(&input);
        let police: Vec<&str> =
            plan.assignments().filter(|a| a.force == Force::Polri).map(|a| a.person.as_str()).collect();
        assert_eq!(police, vec!["b1", "b2"]);
    }

    #[test]
    fn an_imported_plan_with_a_person_twice_is_refused_by_name() {
        let p = pattern();
        let list = vec![tps("001", 1, 1, "khusus", None), tps("002", 1, 1, "khusus", None)];
        let posts = group(&list, &rules_of(&list, &p).unwrap(), &p, &PostConfig::default());
        let mut people = vec![
            person("87010123", "polsek-15.07.01", Force::Polri),
            person("l1", "linmas-15.07.01.2001", Force::Linmas),
        ];
        people[0].name = "Budi Santoso".into();
        people[1].availability = Availability::Days(BTreeSet::new());
        let row = |post: &Post, person: &str, force| Assignment { post: post.id.clone(), person: person.into(), force };
        let rows = vec![
            row(&posts[0], "87010123", Force::Polri),
            row(&posts[1], "87010123", Force::Polri),
            row(&posts[0], "87010123", Force::Polri),
            row(&posts[0], "l1", Force::Polri),
            row(&posts[0], "x9", Force::Polri),
            Assignment { post: "POS-X".into(), person: "87010123".into(), force: Force::Polri },
        ];
        let e = validate_plan(&rows, &people, &posts, day()).unwrap_err();
        assert_eq!(
            e[0].to_string(),
            format!("Budi Santoso (87010123) is assigned to two posts at once: {} and {}", posts[0].id, posts[1].id)
        );
        assert!(matches!(&e[1], PlanError::NotAvailable { person, .. } if person == "l1"));
        assert!(matches!(&e[2], PlanError::WrongForce { actual: Force::Linmas, .. }));
        assert_eq!(e[3], PlanError::UnknownPerson("x9".into()));
        assert!(matches!(&e[4], PlanError::UnknownPost { post, .. } if post == "POS-X"));
        assert!(matches!(&e[5], PlanError::TwoPosts { second, .. } if second == "POS-X"));
        assert_eq!(e.len(), 6);
    }

    proptest! {
        /// Whatever the roster, nobody stands in two posts, nobody unavailable stands anywhere, each post gets at
        /// most its need of each force, and what is missing is exactly reported as gaps.
        #[test]
        fn assignments_respect_people_and_needs(
            classes in proptest::collection::vec(0usize..4, 1..12),
            roster in proptest::collection::vec((0usize..3, 0usize..3, any::<bool>()), 0..40),
        ) {
            let p = pattern();
            let names = ["kurang_rawan", "rawan", "sangat_rawan", "khusus"];
            let list: Vec<PlanTps> = classes.iter().enumerate()
                .map(|(i, c)| tps(&format!("{i:03}"), 1, 1, names[*c], Some((-1.0 + 0.0005 * i as f64, 104.0))))
                .collect();
            let posts = group(&list, &rules_of(&list, &p).unwrap(), &p, &PostConfig::default());
            let unit_codes = ["polsek-15.07.01", "polres-15.07", "linmas-15.07.01.2001"];
            let forces = [Force::Polri, Force::Polri, Force::Linmas];
            let people: Vec<Person> = roster.iter().enumerate().map(|(i, (u, _, away))| {
                let mut x = person(&format!("p{i}"), unit_codes[*u], forces[*u]);
                if *away { x.availability = Availability::Days(BTreeSet::new()); }
                x
            }).collect();
            let bases = BTreeMap::new();
            let units = units();
            let input = AssignInput { posts: &posts, tps: &list, pattern: &p, people: &people, units: &units, bases: &bases, day: day() };
            let plan = assign(&input);
            let rows: Vec<Assignment> = plan.assignments().cloned().collect();
            prop_assert!(validate_plan(&rows, &people, &posts, day()).is_ok());
            for post in &posts {
                let need = post.need(&list, &p.rules[post.rule]);
                for force in Force::ALL {
                    let got = plan.at_post(&post.id).filter(|a| a.force == force).count() as u32;
                    let missing: u32 = plan.gaps.iter().filter(|g| g.post == post.id && g.force == force).map(|g| g.short).sum();
                    prop_assert_eq!(got + missing, need.get(force));
                }
            }
            prop_assert_eq!(plan.partial(), !plan.gaps.is_empty());
        }
    }
}
