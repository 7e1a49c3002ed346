//! Solutions, an independent feasibility checker, and CVRPLIB-style output.

use crate::problem::Problem;
use std::fmt;
use std::fmt::Write as _;

/// Tolerance used by [`check`] for time-window and return-time comparisons.
pub const TIME_TOLERANCE: f64 = 1e-6;

/// A solution: routes of customer numbers (external ids, as in the input file), depot excluded.
#[derive(Clone, Debug, PartialEq)]
pub struct Solution {
    /// One entry per vehicle used; empty routes are allowed and ignored.
    pub routes: Vec<Vec<usize>>,
    /// Total distance as computed by the solver.
    pub cost: f64,
}

impl Solution {
    /// Number of non-empty routes.
    pub fn num_vehicles_used(&self) -> usize {
        self.routes.iter().filter(|r| !r.is_empty()).count()
    }
}

/// Why a solution is infeasible (routes are numbered from 0 as in `Solution::routes`).
#[derive(Clone, Debug, PartialEq)]
pub enum Infeasibility {
    /// A route visits an id that is not a customer of the problem.
    UnknownCustomer { route: usize, customer: usize },
    /// A route visits the depot.
    DepotInRoute { route: usize },
    /// A customer is visited more than once.
    DuplicateCustomer { customer: usize },
    /// A customer is not visited.
    MissingCustomer { customer: usize },
    /// More non-empty routes than vehicles.
    TooManyRoutes { used: usize, available: usize },
    /// A route's load exceeds the capacity.
    Capacity { route: usize, load: u64, capacity: u32 },
    /// Service at a customer would start after its due time.
    TimeWindow { route: usize, customer: usize, start: f64, due: f64 },
    /// The vehicle returns to the depot after the depot's due time.
    DepotReturn { route: usize, arrival: f64, due: f64 },
}

impl fmt::Display for Infeasibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Infeasibility::UnknownCustomer { route, customer } => {
                write!(f, "route {route} visits unknown customer {customer}")
            }
            Infeasibility::DepotInRoute { route } => write!(f, "route {route} visits the depot"),
            Infeasibility::DuplicateCustomer { customer } => write!(f, "customer {customer} is visited more than once"),
            Infeasibility::MissingCustomer { customer } => write!(f, "customer {customer} is not visited"),
            Infeasibility::TooManyRoutes { used, available } => {
                write!(f, "{used} routes used but only {available} vehicles available")
            }
            Infeasibility::Capacity { route, load, capacity } => {
                write!(f, "route {route} carries {load}, capacity is {capacity}")
            }
            Infeasibility::TimeWindow { route, customer, start, due } => {
                write!(f, "route {route}: service at customer {customer} starts at {start}, due {due}")
            }
            Infeasibility::DepotReturn { route, arrival, due } => {
                write!(f, "route {route} returns to the depot at {arrival}, due {due}")
            }
        }
    }
}

impl std::error::Error for Infeasibility {}

/// Checks a solution against the problem, independently of the solver, by simulating each route
/// (departure at the depot's ready time, waiting allowed, service must start by the due time).
///
/// Returns the recomputed total distance.
pub fn check(problem: &Problem, solution: &Solution) -> Result<f64, Infeasibility> {
    let nodes = problem.nodes();
    let mut visited = vec![false; nodes.len()];
    let used = solution.num_vehicles_used();
    if used > problem.num_vehicles() {
        return Err(Infeasibility::TooManyRoutes { used, available: problem.num_vehicles() });
    }
    let mut total = 0.0;
    for (r, route) in solution.routes.iter().enumerate() {
        if route.is_empty() {
            continue;
        }
        let mut prev = 0usize;
        let mut t = nodes[0].ready;
        let mut load: u64 = 0;
        for &c in route {
            let i = problem.index_of(c).ok_or(Infeasibility::UnknownCustomer { route: r, customer: c })?;
            if i == 0 {
                return Err(Infeasibility::DepotInRoute { route: r });
            }
            if visited[i] {
                return Err(Infeasibility::DuplicateCustomer { customer: c });
            }
            visited[i] = true;
            total += problem.dist(prev, i);
            t = (t + problem.time(prev, i)).max(nodes[i].ready);
            if t > nodes[i].due + TIME_TOLERANCE {
                return Err(Infeasibility::TimeWindow { route: r, customer: c, start: t, due: nodes[i].due });
            }
            t += nodes[i].service;
            load += nodes[i].demand as u64;
            prev = i;
        }
        total += problem.dist(prev, 0);
        t += problem.time(prev, 0);
        if t > nodes[0].due + TIME_TOLERANCE {
            return Err(Infeasibility::DepotReturn { route: r, arrival: t, due: nodes[0].due });
        }
        if load > problem.capacity() as u64 {
            return Err(Infeasibility::Capacity { route: r, load, capacity: problem.capacity() });
        }
    }
    if let Some(i) = (1..nodes.len()).find(|&i| !visited[i]) {
        return Err(Infeasibility::MissingCustomer { customer: nodes[i].id });
    }
    Ok(total)
}

/// Formats a solution in the CVRPLIB style: one `Route #k: c1 c2 ...` line per non-empty route
/// (numbered from 1), then `Cost X` with two decimals.
pub fn to_cvrplib(solution: &Solution) -> String {
    let mut out = String::new();
    for (k, route) in solution.routes.iter().filter(|r| !r.is_empty()).enumerate() {
        let _ = write!(out, "Route #{}:", k + 1);
        for c in route {
            let _ = write!(out, " {c}");
        }
        out.push('\n');
    }
    let _ = writeln!(out, "Cost {:.2}", solution.cost);
    out
}
