//! Hybrid genetic search (HGS) for the VRPTW.
//!
//! The algorithm follows Vidal, Crainic, Gendreau, Lahrichi & Rei (2012), "A hybrid genetic
//! algorithm for multidepot and periodic vehicle routing problems", Operations Research 60(3);
//! its time-window version, Vidal, Crainic, Gendreau & Prins (2013), Computers & Operations
//! Research 40(1); Vidal (2022), "Hybrid genetic search for the CVRP: open-source implementation
//! and SWAP* neighborhood", Computers & Operations Research 140; and the design of PyVRP
//! (Wouda, Lan & Kool 2024, INFORMS Journal on Computing):
//!
//! 1. Initial population: random giant tours, split, educated by local search.
//! 2. Each iteration: two parents by binary tournament on biased fitness; either order crossover on
//!    giant tours and split into at most `fleet` routes, or a route-based crossover (SREX with
//!    greedy reinsertion, `crossover::srex`; or `split::route_crossover` when `Params::srex` is
//!    off); then local search under penalised cost
//!    (load excess and time warp, Nagata, Bräysy & Dullaert 2010). Infeasible offspring are
//!    repaired with probability `repair_probability` by a second local search with penalties
//!    multiplied by `repair_booster`.
//! 3. Penalties adapt every `penalty_update_every` offspring to target a share `target_feasible` of
//!    feasible offspring (defaults are PyVRP's: 50 offspring, x1.34 up, x0.32 down, target 0.43).
//! 4. Survivor selection per subpopulation (feasible / infeasible) by biased fitness.
//! 5. The population restarts after `restart_after` iterations without improving the best solution.

use crate::crossover::srex;
use crate::individual::{FEAS_EPS, Individual};
use crate::layout::node_order;
use crate::local_search::LocalSearch;
use crate::population::{PopParams, Population};
use crate::problem::Problem;
use crate::rng::Rng;
use crate::segment::{Data, Penalties};
use crate::solution::Solution;
use crate::split::{order_crossover, route_crossover, split};
use std::fmt;
use std::time::{Duration, Instant};

/// Solver parameters. `Params::default()` gives a 10 s time limit and seed 0.
#[derive(Clone, Debug)]
pub struct Params {
    /// Wall-clock limit (checked between offspring; one local search is not interrupted).
    pub time_limit: Duration,
    /// Seed of the random generator.
    pub seed: u64,
    /// Optional limit on offspring generated after the initial population. With a time limit
    /// that is not reached, the result is deterministic for a given seed.
    pub max_iterations: Option<u64>,
    /// Granular neighbourhood size (nearest neighbours per customer).
    pub num_neighbours: usize,
    /// Minimum subpopulation size (mu).
    pub min_pop_size: usize,
    /// Generation size (lambda).
    pub generation_size: usize,
    /// Number of elite individuals protected by the biased fitness.
    pub nb_elite: usize,
    /// Number of closest individuals used for the diversity contribution.
    pub nb_close: usize,
    /// Target share of feasible offspring for penalty adaptation.
    pub target_feasible: f64,
    /// Probability of repairing an infeasible offspring.
    pub repair_probability: f64,
    /// Penalty multiplier during repair.
    pub repair_booster: f64,
    /// Initial penalty per unit of excess load.
    pub init_load_penalty: f64,
    /// Initial penalty per unit of time warp.
    pub init_tw_penalty: f64,
    /// Offspring between penalty updates.
    pub penalty_update_every: usize,
    /// Penalty multiplier when too few offspring are feasible.
    pub penalty_increase: f64,
    /// Penalty multiplier when too many offspring are feasible.
    pub penalty_decrease: f64,
    /// Share of offspring made by route-based crossover (the rest by order crossover + split).
    /// `None` chooses 0.5 up to 500 customers and 1.0 above: an empirical choice (order crossover
    /// diversifies well on small instances but its offspring need long local searches on large ones).
    pub route_crossover_share: Option<f64>,
    /// Iterations without improvement before a restart.
    pub restart_after: u64,
    /// Whether the local search uses SWAP* (Vidal 2022) between nearby routes.
    pub swap_star: bool,
    /// Whether the route-based crossover is SREX with greedy reinsertion (`crossover::srex`)
    /// rather than the simpler route copy of `split::route_crossover`.
    pub srex: bool,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            time_limit: Duration::from_secs(10),
            seed: 0,
            max_iterations: None,
            num_neighbours: 25,
            min_pop_size: 25,
            generation_size: 40,
            nb_elite: 4,
            nb_close: 5,
            target_feasible: 0.43,
            repair_probability: 0.8,
            repair_booster: 12.0,
            init_load_penalty: 20.0,
            init_tw_penalty: 50.0,
            penalty_update_every: 50,
            penalty_increase: 1.34,
            penalty_decrease: 0.32,
            restart_after: 20_000,
            route_crossover_share: None,
            swap_star: false,
            srex: true,
        }
    }
}

/// Error from [`solve`].
#[derive(Clone, Debug, PartialEq)]
pub enum SolveError {
    /// No feasible solution was found within the limits. Gives the least infeasible one found.
    NoFeasibleSolution { time_warp: f64, excess_load: f64 },
    /// A parameter is out of range.
    InvalidParams(&'static str),
}

impl fmt::Display for SolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SolveError::NoFeasibleSolution { time_warp, excess_load } => write!(
                f,
                "no feasible solution found (best infeasible: time warp {time_warp}, excess load {excess_load})"
            ),
            SolveError::InvalidParams(m) => write!(f, "invalid parameters: {m}"),
        }
    }
}

impl std::error::Error for SolveError {}

/// Granular neighbours by the time-window-aware proximity of Vidal et al. (2013) as weighted in
/// PyVRP: `d_ij + 0.2 * min waiting + 1.0 * min time warp`, symmetrised by taking the minimum.
fn neighbours(problem: &Problem, k: usize) -> Vec<Vec<u32>> {
    let nodes = problem.nodes();
    let size = nodes.len();
    let prox = |i: usize, j: usize| {
        let (a, b) = (&nodes[i], &nodes[j]);
        let t = problem.time(i, j);
        let wait = (b.ready - a.service - t - a.due).max(0.0);
        let warp = (a.ready + a.service + t - b.due).max(0.0);
        problem.dist(i, j) + 0.2 * wait + warp
    };
    let mut out = vec![Vec::new(); size];
    for (i, list) in out.iter_mut().enumerate().skip(1) {
        let mut cand: Vec<(f64, u32)> =
            (1..size).filter(|&j| j != i).map(|j| (prox(i, j).min(prox(j, i)), j as u32)).collect();
        cand.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        cand.truncate(k);
        *list = cand.into_iter().map(|c| c.1).collect();
    }
    out
}

struct PenaltyManager {
    pen: Penalties,
    load_feas: Vec<bool>,
    tw_feas: Vec<bool>,
    target: f64,
    every: usize,
    up: f64,
    down: f64,
}

impl PenaltyManager {
    fn register(&mut self, ind: &Individual) {
        self.load_feas.push(ind.load_feasible());
        self.tw_feas.push(ind.tw_feasible());
        if self.load_feas.len() >= self.every {
            let (up, down, target) = (self.up, self.down, self.target);
            let adapt = |p: f64, v: &[bool]| {
                let frac = v.iter().filter(|&&b| b).count() as f64 / v.len() as f64;
                if frac < target - 0.05 {
                    (p * up).min(100_000.0)
                } else if frac > target + 0.05 {
                    (p * down).max(0.1)
                } else {
                    p
                }
            };
            self.pen.load = adapt(self.pen.load, &self.load_feas);
            self.pen.tw = adapt(self.pen.tw, &self.tw_feas);
            self.load_feas.clear();
            self.tw_feas.clear();
        }
    }
}

struct Search<'a> {
    data: &'a Data,
    params: &'a Params,
    rng: Rng,
    ls: LocalSearch<'a>,
    pm: PenaltyManager,
    pop: Population,
    pp: PopParams,
    best: Option<Individual>,
    least_infeasible: Option<Individual>,
    improved: bool,
}

impl Search<'_> {
    fn consider(&mut self, ind: &Individual) {
        if ind.is_feasible() {
            if self.best.as_ref().is_none_or(|b| ind.dist < b.dist - 1e-9) {
                self.best = Some(ind.clone());
                self.improved = true;
            }
        } else {
            let viol = |x: &Individual| x.time_warp + x.excess_load;
            if self.least_infeasible.as_ref().is_none_or(|b| viol(ind) < viol(b)) {
                self.least_infeasible = Some(ind.clone());
            }
        }
    }

    /// Local search, registration, insertion and (possibly) repair of one offspring.
    /// `origin` (optional, one per route): routes with the same non-zero origin are unchanged
    /// routes of one parent, a local optimum already (see `LocalSearch::run`).
    fn educate(&mut self, routes: Vec<Vec<u32>>, origin: &[u8]) {
        let pen = self.pm.pen;
        let improved = self.ls.run(&mut self.rng, &routes, origin, pen);
        let ind = Individual::new(self.data, improved);
        self.pm.register(&ind);
        self.consider(&ind);
        let feasible = ind.is_feasible();
        let repair_from = if feasible { None } else { Some(ind.routes.clone()) };
        self.pop.add(ind, &pen, &self.pp);
        if let Some(r) = repair_from
            && self.rng.unit() < self.params.repair_probability
        {
            let boosted =
                Penalties { load: pen.load * self.params.repair_booster, tw: pen.tw * self.params.repair_booster };
            // The offspring is a local optimum under `pen`; boosting the penalties cannot make a
            // move between (or within) routes that are already feasible improving, so those pairs
            // start as if unchanged (one origin tag for all feasible routes).
            let origin: Vec<u8> = r
                .iter()
                .map(|route| {
                    let s = self.data.route_seg(route);
                    u8::from(s.tw < FEAS_EPS && s.load <= self.data.capacity)
                })
                .collect();
            let repaired = self.ls.run(&mut self.rng, &r, &origin, boosted);
            let rep = Individual::new(self.data, repaired);
            if rep.is_feasible() {
                self.consider(&rep);
                self.pop.add(rep, &pen, &self.pp);
            }
        }
    }

    fn random_individual(&mut self) {
        let mut tour: Vec<u32> = (1..self.data.size as u32).collect();
        self.rng.shuffle(&mut tour);
        let routes = split(self.data, &self.pm.pen, &tour);
        self.educate(routes, &[]);
    }
}

/// Counters from one run of [`solve_with_stats`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SolveStats {
    /// Offspring generated after the initial population(s).
    pub iterations: u64,
    /// Individuals generated at random (initial population and restarts).
    pub random_individuals: u64,
    /// Number of restarts.
    pub restarts: u64,
    /// Seconds until the first feasible solution, if any.
    pub first_feasible_secs: Option<f64>,
    /// Seconds until the best solution was found, if any.
    pub best_found_secs: Option<f64>,
    /// Seconds spent building the first initial population.
    pub init_secs: f64,
    /// Final penalty weights (load, time warp).
    pub final_penalties: (f64, f64),
}

/// Solves the problem by hybrid genetic search; returns the best feasible solution found.
///
/// The objective is total distance; the number of routes is only bounded by the fleet size.
pub fn solve(problem: &Problem, params: &Params) -> Result<Solution, SolveError> {
    solve_with_stats(problem, params).0
}

/// As [`solve`], also returning run counters.
pub fn solve_with_stats(problem: &Problem, params: &Params) -> (Result<Solution, SolveError>, SolveStats) {
    let mut stats = SolveStats::default();
    let result = solve_inner(problem, params, &mut stats);
    (result, stats)
}

fn solve_inner(problem: &Problem, params: &Params, stats: &mut SolveStats) -> Result<Solution, SolveError> {
    let start = Instant::now();
    if params.min_pop_size == 0 {
        return Err(SolveError::InvalidParams("min_pop_size must be at least 1"));
    }
    if params.num_neighbours == 0 {
        return Err(SolveError::InvalidParams("num_neighbours must be at least 1"));
    }
    if !(params.repair_booster.is_finite() && params.repair_booster >= 1.0) {
        return Err(SolveError::InvalidParams("repair_booster must be finite and at least 1"));
    }
    if problem.num_customers() == 0 {
        return Ok(Solution { routes: Vec::new(), cost: 0.0 });
    }
    let neigh_p = neighbours(problem, params.num_neighbours);
    let order = node_order(problem, &neigh_p);
    let mut internal = vec![0u32; order.len()];
    for (k, &o) in order.iter().enumerate() {
        internal[o] = k as u32;
    }
    let neigh: Vec<Vec<u32>> =
        order.iter().map(|&o| neigh_p[o].iter().map(|&v| internal[v as usize]).collect()).collect();
    let data = Data::new(problem, order);
    let pen = Penalties { load: params.init_load_penalty, tw: params.init_tw_penalty };
    let mut ls = LocalSearch::new(&data, &neigh);
    ls.swap_star = params.swap_star;
    let mut s = Search {
        data: &data,
        params,
        rng: Rng::new(params.seed),
        ls,
        pm: PenaltyManager {
            pen,
            load_feas: Vec::new(),
            tw_feas: Vec::new(),
            target: params.target_feasible,
            every: params.penalty_update_every.max(1),
            up: params.penalty_increase,
            down: params.penalty_decrease,
        },
        pop: Population::new(),
        pp: PopParams {
            min_pop: params.min_pop_size,
            generation: params.generation_size,
            nb_elite: params.nb_elite,
            nb_close: params.nb_close,
        },
        best: None,
        least_infeasible: None,
        improved: false,
    };
    let max_iter = params.max_iterations.unwrap_or(u64::MAX);
    let rbx_share = params.route_crossover_share.unwrap_or(if problem.num_customers() <= 500 { 0.5 } else { 1.0 });
    let timed_out = |start: &Instant| start.elapsed() >= params.time_limit;
    let mut iter: u64 = 0;
    let mut since_improvement: u64 = 0;
    'outer: loop {
        for _ in 0..params.min_pop_size {
            if timed_out(&start) {
                break 'outer;
            }
            s.random_individual();
            stats.random_individuals += 1;
            if s.improved {
                stats.best_found_secs = Some(start.elapsed().as_secs_f64());
                stats.first_feasible_secs.get_or_insert(start.elapsed().as_secs_f64());
                s.improved = false;
            }
        }
        if stats.restarts == 0 {
            stats.init_secs = start.elapsed().as_secs_f64();
        }
        loop {
            if iter >= max_iter || timed_out(&start) {
                break 'outer;
            }
            iter += 1;
            let pen = s.pm.pen;
            let (p1, p2) = s.pop.select(&mut s.rng, &pen, &s.pp);
            let (mut routes, mut origin) = if s.rng.unit() < rbx_share {
                if params.srex {
                    srex(&mut s.rng, &data, &pen, &neigh, &p1.routes, &p2.routes)
                } else {
                    route_crossover(&mut s.rng, &p1.routes, &p2.routes, &neigh, data.size)
                }
            } else {
                (Vec::new(), Vec::new())
            };
            if routes.is_empty() || routes.len() > data.fleet {
                let child = order_crossover(&mut s.rng, &p1.giant_tour(), &p2.giant_tour(), data.size);
                routes = split(&data, &pen, &child);
                origin.clear();
            }
            s.improved = false;
            s.educate(routes, &origin);
            if s.improved {
                since_improvement = 0;
                stats.best_found_secs = Some(start.elapsed().as_secs_f64());
                stats.first_feasible_secs.get_or_insert(start.elapsed().as_secs_f64());
            } else {
                since_improvement += 1;
            }
            if since_improvement >= params.restart_after {
                since_improvement = 0;
                s.pop.clear();
                stats.restarts += 1;
                continue 'outer;
            }
        }
    }
    stats.iterations = iter;
    stats.final_penalties = (s.pm.pen.load, s.pm.pen.tw);
    match s.best {
        Some(best) => {
            let ids = problem.nodes();
            let order = &data.order;
            let routes: Vec<Vec<usize>> =
                best.routes.iter().map(|r| r.iter().map(|&c| ids[order[c as usize]].id).collect()).collect();
            let mut cost = 0.0;
            for r in &best.routes {
                let mut prev = 0usize;
                for &c in r {
                    cost += problem.dist(prev, order[c as usize]);
                    prev = order[c as usize];
                }
                cost += problem.dist(prev, 0);
            }
            Ok(Solution { routes, cost })
        }
        None => {
            let (time_warp, excess_load) =
                s.least_infeasible.map(|b| (b.time_warp, b.excess_load)).unwrap_or((f64::INFINITY, f64::INFINITY));
            Err(SolveError::NoFeasibleSolution { time_warp, excess_load })
        }
    }
}
