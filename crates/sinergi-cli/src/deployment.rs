//! `sinergi plan …`: the deployment planner (issue 20). Its routing engine is the `sinergi-vrptw` crate; this
//! command runs it on a file of the public benchmarks, so that anyone can check a figure of docs/benchmarks.md
//! with their own checker: `sinergi plan solve-vrptw FILE.txt --seconds 30 --seed 1` reads a Solomon or
//! Gehring–Homberger instance and prints the solution in the CVRPLIB solution format (one `Route #k: …` line per
//! vehicle, customers numbered as in the file, then `Cost X`) on standard output, after checking it is feasible
//! (capacity, time windows, every customer once).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use sinergi_vrptw::{Params, Problem, check, solve, to_cvrplib};

#[derive(clap::Subcommand)]
pub enum PlanWhat {
    /// Solve a VRPTW instance (Solomon / Gehring–Homberger text format): the solution in CVRPLIB format on
    /// standard output, its cost, vehicles and time on standard error
    SolveVrptw {
        /// The instance file
        file: PathBuf,
        /// Time limit in seconds
        #[arg(long, default_value_t = 30)]
        seconds: u64,
        /// Seed of the search (the same seed and an unreached limit give the same answer)
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

pub fn run(what: PlanWhat) -> anyhow::Result<ExitCode> {
    match what {
        PlanWhat::SolveVrptw { file, seconds, seed } => solve_vrptw(&file, seconds, seed),
    }
}

fn solve_vrptw(file: &Path, seconds: u64, seed: u64) -> anyhow::Result<ExitCode> {
    if seconds == 0 {
        anyhow::bail!("--seconds: give at least 1");
    }
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let problem = Problem::from_solomon(&text).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let params = Params { time_limit: Duration::from_secs(seconds), seed, ..Params::default() };
    let started = Instant::now();
    let solution = solve(&problem, &params).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    // Never print a solution the independent checker refuses.
    let cost =
        check(&problem, &solution).map_err(|e| anyhow::anyhow!("{}: infeasible solution: {e}", file.display()))?;
    print!("{}", to_cvrplib(&solution));
    eprintln!(
        "{}: cost {cost:.2}, {} vehicles, {:.1} s, seed {seed}",
        problem.name(),
        solution.num_vehicles_used(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
