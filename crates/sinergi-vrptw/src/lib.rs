//! # sinergi-vrptw
//!
//! A solver for the vehicle routing problem with time windows (VRPTW) by hybrid genetic search
//! (HGS) with time-warp penalties, after Vidal et al. (2012, 2013), Vidal (2022) and PyVRP
//! (Wouda, Lan & Kool 2024). The core works on arbitrary (possibly asymmetric) distance and
//! travel-time matrices; [`Problem::from_solomon`] reads the Solomon / Gehring–Homberger format.
//!
//! ```
//! use sinergi_vrptw::{Node, Params, Problem, check, solve};
//! use std::time::Duration;
//!
//! let node = |id, demand, ready, due| Node { id, demand, ready, due, service: 1.0 };
//! let nodes = vec![node(0, 0, 0.0, 100.0), node(1, 3, 0.0, 50.0), node(2, 4, 10.0, 60.0)];
//! let m = vec![0.0, 5.0, 6.0, 5.0, 0.0, 2.0, 6.0, 2.0, 0.0];
//! let problem = Problem::new("tiny", nodes, m.clone(), m, 10, 2).unwrap();
//! let params = Params { time_limit: Duration::from_secs(5), max_iterations: Some(50), ..Params::default() };
//! let solution = solve(&problem, &params).unwrap();
//! assert!((check(&problem, &solution).unwrap() - 13.0).abs() < 1e-9);
//! ```

mod crossover;
mod individual;
mod layout;
mod local_search;
mod population;
mod problem;
mod rng;
mod segment;
mod solution;
mod solver;
mod split;

pub use problem::{Matrix, Node, Problem, ProblemError, SolomonError};
pub use rng::Rng;
pub use solution::{Infeasibility, Solution, TIME_TOLERANCE, check, to_cvrplib};
pub use solver::{Params, SolveError, SolveStats, solve, solve_with_stats};
