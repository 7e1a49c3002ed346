//! Reserve teams (*pasukan cadangan*): where to keep `p` reserve teams so that the worst response time to the
//! *rawan* and *sangat rawan* TPS is as short as possible — the vertex p-centre problem with separate candidate
//! bases and demand points.
//!
//! **Method.** The optimum is one of the matrix's distinct times. Between a lower bound (each TPS needs its nearest
//! base at least: `max_j min_c t(c, j)`) and the upper bound of a heuristic (greedy, then swaps of one base while
//! the worst time improves), a binary search over the sorted distinct times decides, for a radius `r`, whether `p`
//! bases can cover every demand point within `r`:
//!
//! - exactly, by branching on the uncovered point with the fewest bases in reach (each base in reach, the one
//!   covering most first; cut when even the `k` largest remaining covers cannot cover what is left), within a
//!   budget of search nodes ([`ReserveConfig::exact_nodes`]);
//! - when the budget runs out, by a packing argument: if `p + 1` demand points have pairwise disjoint sets of
//!   bases within `r`, no `p` bases cover them all, so the optimum exceeds `r`.
//!
//! The lower bound rises only on a proof (an exhausted exact search or a packing); the upper bound is always the
//! worst time of bases actually chosen. So `lower ≤ optimum ≤ worst` always holds, and on small instances (where the
//! exact search finishes) `lower == worst`: the answer is proven optimal ([`ReservePlan::proven`]).

use super::travel::TravelMatrix;
use crate::i18n::{Lang, Msg};

/// Limits of the search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReserveConfig {
    /// Search nodes allowed to each exact cover check (at most about 20 checks are made).
    pub exact_nodes: u64,
}

impl Default for ReserveConfig {
    fn default() -> ReserveConfig {
        ReserveConfig { exact_nodes: 200_000 }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReserveError {
    #[error("the number of reserve teams must be at least 1")]
    ZeroTeams,
    #[error("no candidate bases")]
    NoCandidates,
    #[error("candidate base `{0}` is not in the travel-time matrix")]
    UnknownBase(String),
    #[error("TPS `{0}` is not in the travel-time matrix")]
    UnknownTps(String),
    #[error("TPS `{0}` cannot be reached from any candidate base")]
    Unreachable(String),
    #[error("time from candidate {candidate} to demand point {demand} is {value}; times must not be negative or NaN")]
    BadTime { candidate: usize, demand: usize, value: f64 },
    #[error("the time matrix has {rows} rows of {columns} for {candidates} candidates and {demand} demand points")]
    Shape { rows: usize, columns: usize, candidates: usize, demand: usize },
}

impl ReserveError {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            ReserveError::ZeroTeams => lang.t(Msg::ReserveZeroTeams).to_owned(),
            ReserveError::NoCandidates => lang.t(Msg::ReserveNoCandidates).to_owned(),
            ReserveError::UnknownBase(base) => lang.format(Msg::ReserveUnknownBase, &[("base", base)]),
            ReserveError::UnknownTps(tps) => lang.format(Msg::ReserveUnknownTps, &[("tps", tps)]),
            ReserveError::Unreachable(tps) => lang.format(Msg::ReserveUnreachable, &[("tps", tps)]),
            ReserveError::BadTime { .. } | ReserveError::Shape { .. } => lang.t(Msg::ReserveBadTimes).to_owned(),
        }
    }
}

/// The solution of a p-centre instance, by index.
#[derive(Debug, Clone, PartialEq)]
pub struct PCentre {
    /// Chosen candidate indices, ascending (fewer than `p` when fewer suffice or exist).
    pub bases: Vec<usize>,
    /// The worst time from a demand point to its nearest chosen base: the upper bound.
    pub worst: f64,
    /// A proven lower bound of the optimum.
    pub lower: f64,
}

impl PCentre {
    pub fn proven(&self) -> bool {
        self.lower >= self.worst
    }
}

/// `times[c][j]`: minutes from candidate `c` to demand point `j` (infinite where there is no connection).
pub struct Times<'a> {
    pub rows: &'a [Vec<f64>],
    pub candidates: usize,
    pub demand: usize,
}

impl Times<'_> {
    fn at(&self, c: usize, j: usize) -> f64 {
        self.rows[c][j]
    }
}

fn worst_of(t: &Times<'_>, bases: &[usize]) -> f64 {
    (0..t.demand).map(|j| bases.iter().map(|&c| t.at(c, j)).fold(f64::INFINITY, f64::min)).fold(0.0, f64::max)
}

/// Bits of a set over `n` elements.
#[derive(Clone, PartialEq)]
struct Bits(Vec<u64>);

impl Bits {
    fn new(n: usize) -> Bits {
        Bits(vec![0; n.div_ceil(64)])
    }
    fn full(n: usize) -> Bits {
        let mut b = Bits::new(n);
        for i in 0..n {
            b.set(i);
        }
        b
    }
    fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    fn has(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }
    fn count(&self) -> u32 {
        self.0.iter().map(|w| w.count_ones()).sum()
    }
    fn and_count(&self, other: &Bits) -> u32 {
        self.0.iter().zip(&other.0).map(|(a, b)| (a & b).count_ones()).sum()
    }
    fn minus(&self, other: &Bits) -> Bits {
        Bits(self.0.iter().zip(&other.0).map(|(a, b)| a & !b).collect())
    }
    fn intersects(&self, other: &Bits) -> bool {
        self.0.iter().zip(&other.0).any(|(a, b)| a & b != 0)
    }
    fn union_with(&mut self, other: &Bits) {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a |= b;
        }
    }
    fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }
    fn first(&self) -> Option<usize> {
        self.0.iter().enumerate().find(|(_, w)| **w != 0).map(|(k, w)| k * 64 + w.trailing_zeros() as usize)
    }
}

enum Decision {
    Covered(Vec<usize>),
    Impossible,
    Unknown,
}

/// Whether `p` candidates cover every demand point within `r`, by branch and bound within `budget` nodes.
fn cover_search(t: &Times<'_>, r: f64, p: usize, budget: u64) -> Decision {
    let covers: Vec<Bits> = (0..t.candidates)
        .map(|c| {
            let mut b = Bits::new(t.demand);
            for j in 0..t.demand {
                if t.at(c, j) <= r {
                    b.set(j);
                }
            }
            b
        })
        .collect();
    let mut nodes = 0u64;
    let mut chosen = Vec::new();
    match branch(&covers, &Bits::full(t.demand), p, &mut chosen, &mut nodes, budget, t.demand) {
        Some(true) => Decision::Covered(chosen),
        Some(false) => Decision::Impossible,
        None => Decision::Unknown,
    }
}

/// `Some(true)` with `chosen` filled when `k` more covers can cover `uncovered`; `Some(false)` when they cannot;
/// `None` when the budget ran out.
fn branch(
    covers: &[Bits],
    uncovered: &Bits,
    k: usize,
    chosen: &mut Vec<usize>,
    nodes: &mut u64,
    budget: u64,
    n: usize,
) -> Option<bool> {
    if uncovered.is_empty() {
        return Some(true);
    }
    *nodes += 1;
    if *nodes > budget {
        return None;
    }
    if k == 0 {
        return Some(false);
    }
    // Bound: the k largest remaining covers together must reach what is left.
    let mut gains: Vec<u32> = covers.iter().map(|c| c.and_count(uncovered)).collect();
    gains.sort_unstable_by(|a, b| b.cmp(a));
    if gains.iter().take(k).sum::<u32>() < uncovered.count() {
        return Some(false);
    }
    // The uncovered point with the fewest covers in reach.
    let mut pick: Option<(usize, usize)> = None;
    for j in (0..n).filter(|&j| uncovered.has(j)) {
        let reach = covers.iter().filter(|c| c.has(j)).count();
        if pick.is_none_or(|(_, best)| reach < best) {
            pick = Some((j, reach));
        }
        if reach <= 1 {
            break;
        }
    }
    let (j, _) = pick.or(uncovered.first().map(|j| (j, 0)))?;
    let mut options: Vec<(u32, usize)> =
        covers.iter().enumerate().filter(|(_, c)| c.has(j)).map(|(i, c)| (c.and_count(uncovered), i)).collect();
    options.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut unknown = false;
    for (_, c) in options {
        chosen.push(c);
        match branch(covers, &uncovered.minus(&covers[c]), k - 1, chosen, nodes, budget, n) {
            Some(true) => return Some(true),
            Some(false) => {}
            None => unknown = true,
        }
        chosen.pop();
        if unknown {
            return None;
        }
    }
    Some(false)
}

/// Whether `p + 1` demand points have pairwise disjoint sets of candidates within `r` (then no `p` candidates cover
/// them all, and the optimum exceeds `r`). Greedy: points with the fewest candidates in reach first.
fn packing_proves_more_than(t: &Times<'_>, r: f64, p: usize) -> bool {
    let mut reach: Vec<(u32, usize, Bits)> = (0..t.demand)
        .map(|j| {
            let mut b = Bits::new(t.candidates);
            for c in 0..t.candidates {
                if t.at(c, j) <= r {
                    b.set(c);
                }
            }
            (b.count(), j, b)
        })
        .collect();
    reach.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut used = Bits::new(t.candidates);
    let mut packed = 0;
    for (_, _, b) in &reach {
        if !b.intersects(&used) {
            used.union_with(b);
            packed += 1;
            if packed > p {
                return true;
            }
        }
    }
    false
}

/// Greedy then one-swap local search.
fn heuristic(t: &Times<'_>, p: usize) -> Vec<usize> {
    let mut chosen: Vec<usize> = Vec::new();
    while chosen.len() < p.min(t.candidates) {
        let mut best: Option<(f64, usize)> = None;
        for c in 0..t.candidates {
            if chosen.contains(&c) {
                continue;
            }
            chosen.push(c);
            let w = worst_of(t, &chosen);
            chosen.pop();
            if best.is_none_or(|(bw, _)| w < bw) {
                best = Some((w, c));
            }
        }
        let Some((_, c)) = best else { break };
        chosen.push(c);
    }
    let mut current = worst_of(t, &chosen);
    for _ in 0..50 {
        let mut improved = false;
        for s in 0..chosen.len() {
            for c in 0..t.candidates {
                if chosen.contains(&c) {
                    continue;
                }
                let old = chosen[s];
                chosen[s] = c;
                let w = worst_of(t, &chosen);
                if w < current {
                    current = w;
                    improved = true;
                } else {
                    chosen[s] = old;
                }
            }
        }
        if !improved {
            break;
        }
    }
    chosen.sort_unstable();
    chosen
}

/// Solves a p-centre instance given as `times[c][j]`.
pub fn p_centre(t: &Times<'_>, p: usize, config: &ReserveConfig) -> Result<PCentre, ReserveError> {
    if p == 0 {
        return Err(ReserveError::ZeroTeams);
    }
    if t.candidates == 0 {
        return Err(ReserveError::NoCandidates);
    }
    if t.rows.len() != t.candidates || t.rows.iter().any(|r| r.len() != t.demand) {
        let columns = t.rows.first().map_or(0, Vec::len);
        return Err(ReserveError::Shape { rows: t.rows.len(), columns, candidates: t.candidates, demand: t.demand });
    }
    for c in 0..t.candidates {
        for j in 0..t.demand {
            let v = t.at(c, j);
            if v.is_nan() || v < 0.0 {
                return Err(ReserveError::BadTime { candidate: c, demand: j, value: v });
            }
        }
    }
    if t.demand == 0 {
        return Ok(PCentre { bases: Vec::new(), worst: 0.0, lower: 0.0 });
    }
    let trivial =
        (0..t.demand).map(|j| (0..t.candidates).map(|c| t.at(c, j)).fold(f64::INFINITY, f64::min)).fold(0.0, f64::max);
    if !trivial.is_finite() {
        let j = (0..t.demand).find(|&j| (0..t.candidates).all(|c| !t.at(c, j).is_finite())).unwrap_or(0);
        return Err(ReserveError::Unreachable(j.to_string()));
    }
    let mut best = heuristic(t, p);
    let mut worst = worst_of(t, &best);
    let mut values: Vec<f64> =
        t.rows.iter().flatten().copied().filter(|v| v.is_finite() && *v >= trivial && *v <= worst).collect();
    values.sort_by(f64::total_cmp);
    values.dedup();
    // values[lo] ≤ optimum always; values[hi] == worst of `best`.
    let (mut lo, mut hi) = (0, values.len().saturating_sub(1));
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let r = values[mid];
        match cover_search(t, r, p, config.exact_nodes) {
            Decision::Covered(mut found) => {
                found.sort_unstable();
                found.dedup();
                let w = worst_of(t, &found);
                if w < worst {
                    worst = w;
                    best = found;
                }
                hi = values.partition_point(|v| *v < w).min(mid);
            }
            Decision::Impossible => lo = mid + 1,
            Decision::Unknown if packing_proves_more_than(t, r, p) => lo = mid + 1,
            Decision::Unknown => hi = mid,
        }
    }
    let lower = values.get(lo).copied().unwrap_or(trivial).min(worst);
    Ok(PCentre { bases: best, worst, lower })
}

/// The ids of the TPS reserves must reach: those of the given classes (by default `rawan` and `sangat_rawan`,
/// [`DEMAND_CLASSES`]), in the order given.
pub fn demand_ids<'a>(tps: &'a [super::PlanTps], classes: &[&str]) -> Vec<&'a str> {
    tps.iter().filter(|t| classes.contains(&t.class.as_str())).map(|t| t.id.as_str()).collect()
}

/// The classes whose TPS the reserves must reach by default.
pub const DEMAND_CLASSES: [&str; 2] = ["rawan", "sangat_rawan"];

/// The chosen reserve bases, by id.
#[derive(Debug, Clone, PartialEq)]
pub struct ReservePlan {
    pub bases: Vec<String>,
    /// The worst response time in minutes (the upper bound).
    pub worst_minutes: f64,
    /// A proven lower bound of the best possible worst response time.
    pub lower_minutes: f64,
    /// Each demand TPS with its nearest chosen base and the time from it, in the order given.
    pub served: Vec<(String, String, f64)>,
}

impl ReservePlan {
    /// True when the bound meets the answer: no choice of bases responds faster.
    pub fn proven(&self) -> bool {
        self.lower_minutes >= self.worst_minutes
    }
}

/// Chooses `p` bases among `candidates` for the `demand` TPS (the *rawan* and *sangat rawan* ones), with times
/// from the matrix (base → TPS).
pub fn plan_reserves(
    matrix: &TravelMatrix,
    candidates: &[&str],
    demand: &[&str],
    p: usize,
    config: &ReserveConfig,
) -> Result<ReservePlan, ReserveError> {
    if p == 0 {
        return Err(ReserveError::ZeroTeams);
    }
    if candidates.is_empty() {
        return Err(ReserveError::NoCandidates);
    }
    let cs: Vec<usize> = candidates
        .iter()
        .map(|c| matrix.index(c).ok_or_else(|| ReserveError::UnknownBase((*c).to_owned())))
        .collect::<Result<_, _>>()?;
    let ds: Vec<usize> = demand
        .iter()
        .map(|d| matrix.index(d).ok_or_else(|| ReserveError::UnknownTps((*d).to_owned())))
        .collect::<Result<_, _>>()?;
    if let Some(d) = ds.iter().zip(demand).find(|(j, _)| cs.iter().all(|&c| !matrix.at(c, **j).is_finite())) {
        return Err(ReserveError::Unreachable((*d.1).to_owned()));
    }
    let rows: Vec<Vec<f64>> = cs.iter().map(|&c| ds.iter().map(|&j| matrix.at(c, j)).collect()).collect();
    let t = Times { rows: &rows, candidates: cs.len(), demand: ds.len() };
    let solution = p_centre(&t, p, config)?;
    let served = (0..ds.len())
        .map(|j| {
            let (c, time) = solution
                .bases
                .iter()
                .map(|&c| (c, rows[c][j]))
                .fold((0, f64::INFINITY), |best, x| if x.1 < best.1 { x } else { best });
            (demand[j].to_owned(), candidates.get(c).map_or(String::new(), |s| (*s).to_owned()), time)
        })
        .collect();
    Ok(ReservePlan {
        bases: solution.bases.iter().filter_map(|&c| candidates.get(c)).map(|s| (*s).to_owned()).collect(),
        worst_minutes: solution.worst,
        lower_minutes: solution.lower,
        served,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn brute_force(rows: &[Vec<f64>], p: usize) -> f64 {
        let m = rows.len();
        let n = rows.first().map_or(0, Vec::len);
        let t = Times { rows, candidates: m, demand: n };
        let mut best = f64::INFINITY;
        for mask in 1u32..(1 << m) {
            if mask.count_ones() as usize <= p {
                let bases: Vec<usize> = (0..m).filter(|c| mask & (1 << c) != 0).collect();
                best = best.min(worst_of(&t, &bases));
            }
        }
        best
    }

    fn instance() -> impl Strategy<Value = (Vec<Vec<f64>>, usize)> {
        (1usize..8, 1usize..10, 1usize..4).prop_flat_map(|(m, n, p)| {
            (proptest::collection::vec(proptest::collection::vec((0u32..60).prop_map(f64::from), n), m), Just(p))
        })
    }

    proptest! {
        #[test]
        fn small_instances_are_solved_to_proven_optimality((rows, p) in instance()) {
            let t = Times { rows: &rows, candidates: rows.len(), demand: rows[0].len() };
            let s = p_centre(&t, p, &ReserveConfig::default()).unwrap();
            let optimum = brute_force(&rows, p);
            prop_assert_eq!(s.worst, optimum);
            prop_assert_eq!(s.lower, optimum);
            prop_assert!(s.proven());
            prop_assert!(s.bases.len() <= p);
            prop_assert_eq!(worst_of(&t, &s.bases), s.worst);
        }

        /// Without any exact search (budget 0) the packing bound alone still brackets the optimum.
        #[test]
        fn the_bounds_bracket_the_optimum_without_exact_search((rows, p) in instance()) {
            let t = Times { rows: &rows, candidates: rows.len(), demand: rows[0].len() };
            let s = p_centre(&t, p, &ReserveConfig { exact_nodes: 0 }).unwrap();
            let optimum = brute_force(&rows, p);
            prop_assert!(s.lower <= optimum, "lower {} > optimum {}", s.lower, optimum);
            prop_assert!(optimum <= s.worst);
            prop_assert!(s.lower <= s.worst);
        }

        /// Larger instances: the bounds hold and each side is met by the chosen bases.
        #[test]
        fn larger_instances_keep_lower_below_upper(
            seed in any::<u64>(), m in 10usize..40, n in 20usize..80, p in 1usize..6,
        ) {
            let mut rng = crate::rng::SplitMix64::new(seed);
            let points: Vec<(f64, f64)> = (0..m + n).map(|_| (rng.next_f64() * 100.0, rng.next_f64() * 100.0)).collect();
            let rows: Vec<Vec<f64>> = (0..m)
                .map(|c| (0..n).map(|j| { let (a, b) = (points[c], points[m + j]); ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt().round() }).collect())
                .collect();
            let t = Times { rows: &rows, candidates: m, demand: n };
            let s = p_centre(&t, p, &ReserveConfig { exact_nodes: 2_000 }).unwrap();
            prop_assert!(s.lower <= s.worst);
            prop_assert_eq!(worst_of(&t, &s.bases), s.worst);
        }
    }

    #[test]
    fn the_packing_bound_proves_what_the_search_cannot_reach() {
        // Three TPS far apart, each with its own base 5 minutes away, every other base 50 away; 2 teams. The
        // optimum is 50: the packing of the three TPS (disjoint bases within 49) proves it without search.
        let rows = vec![vec![5.0, 50.0, 50.0], vec![50.0, 5.0, 50.0], vec![50.0, 50.0, 5.0]];
        let t = Times { rows: &rows, candidates: 3, demand: 3 };
        let s = p_centre(&t, 2, &ReserveConfig { exact_nodes: 0 }).unwrap();
        assert_eq!((s.worst, s.lower), (50.0, 50.0));
        let s = p_centre(&t, 3, &ReserveConfig::default()).unwrap();
        assert_eq!((s.worst, s.lower, s.bases.clone()), (5.0, 5.0, vec![0, 1, 2]));
    }

    #[test]
    fn bases_by_id_from_a_matrix() {
        let csv = "id,polsek-a,polsek-b,tps-1,tps-2,tps-3\n\
                   polsek-a,0,30,10,20,60\n\
                   polsek-b,30,0,40,15,12\n\
                   tps-1,10,40,0,9,9\n\
                   tps-2,20,15,9,0,9\n\
                   tps-3,60,12,9,9,0\n";
        let m = TravelMatrix::from_csv(csv).unwrap();
        let plan =
            plan_reserves(&m, &["polsek-a", "polsek-b"], &["tps-1", "tps-2", "tps-3"], 1, &ReserveConfig::default())
                .unwrap();
        assert_eq!(plan.bases, vec!["polsek-b".to_owned()]);
        assert_eq!((plan.worst_minutes, plan.lower_minutes), (40.0, 40.0));
        assert!(plan.proven());
        assert_eq!(plan.served[0], ("tps-1".to_owned(), "polsek-b".to_owned(), 40.0));
        let plan =
            plan_reserves(&m, &["polsek-a", "polsek-b"], &["tps-1", "tps-2", "tps-3"], 2, &ReserveConfig::default())
                .unwrap();
        assert_eq!(plan.worst_minutes, 15.0);
        assert_eq!(
            plan_reserves(&m, &["polres"], &["tps-1"], 1, &ReserveConfig::default()),
            Err(ReserveError::UnknownBase("polres".into()))
        );
        assert_eq!(
            plan_reserves(&m, &["polsek-a"], &["tps-9"], 1, &ReserveConfig::default()),
            Err(ReserveError::UnknownTps("tps-9".into()))
        );
        assert_eq!(
            plan_reserves(&m, &["polsek-a"], &["tps-1"], 0, &ReserveConfig::default()),
            Err(ReserveError::ZeroTeams)
        );
        assert_eq!(plan_reserves(&m, &[], &["tps-1"], 1, &ReserveConfig::default()), Err(ReserveError::NoCandidates));
        let far = TravelMatrix::from_csv("id,a,b,t\na,0,1,-\nb,1,0,5\nt,1,1,0\n").unwrap();
        assert_eq!(
            plan_reserves(&far, &["a"], &["t"], 1, &ReserveConfig::default()),
            Err(ReserveError::Unreachable("t".into()))
        );
    }

    #[test]
    fn the_demand_is_the_rawan_and_sangat_rawan_tps() {
        use crate::deployment::fixtures::tps;
        let list = vec![
            tps("a", 1, 1, "kurang_rawan", None),
            tps("b", 1, 1, "rawan", None),
            tps("c", 1, 1, "khusus", None),
            tps("d", 1, 1, "sangat_rawan", None),
        ];
        assert_eq!(demand_ids(&list, &DEMAND_CLASSES), vec!["b", "d"]);
    }

    #[test]
    fn bad_times_are_refused() {
        let rows = vec![vec![1.0, -2.0]];
        let t = Times { rows: &rows, candidates: 1, demand: 2 };
        assert!(matches!(p_centre(&t, 1, &ReserveConfig::default()), Err(ReserveError::BadTime { demand: 1, .. })));
        let t = Times { rows: &rows, candidates: 2, demand: 2 };
        assert!(matches!(p_centre(&t, 1, &ReserveConfig::default()), Err(ReserveError::Shape { .. })));
    }
}
