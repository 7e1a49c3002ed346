//! Benchmark runner: solves Solomon / Gehring–Homberger instances and reports gaps.
//!
//! ```text
//! cargo run --release --example vrptw_bench -- [--time SECS] [--seed N] [--iters N]
//!     [--bks /path/BKS.json] [--show] [--verbose] [--neighbours K] [--min-pop MU] [--rbx SHARE]
//!     [--swap-star | --no-swap-star] [--srex | --no-srex] [--pen-every N] FILE_OR_DIR...
//! ```
//! For each instance prints name, cost, vehicles, seconds, the best-known cost used and the gap.
//! The best-known value is `NAME_distance` from BKS.json when present (distance-only), otherwise
//! `NAME` (the hierarchical vehicles-then-distance value, marked `H`).

#![allow(clippy::unwrap_used)] // a test's helpers may unwrap: a failure is a failed test

use sinergi_vrptw::{Params, Problem, check, solve_with_stats};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Minimal lookup of `"key": { ... "best_known_cost": X` in BKS.json (no JSON dependency).
fn bks_lookup(json: &str, key: &str) -> Option<f64> {
    let pat = format!("\"{key}\"");
    let at = json.find(&pat)? + pat.len();
    let rest = &json[at..];
    let end = rest.find('}')?;
    let obj = &rest[..end];
    let f = obj.find("\"best_known_cost\"")? + "\"best_known_cost\"".len();
    let v = obj[f..].trim_start().strip_prefix(':')?.trim_start();
    let num: String = v.chars().take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '-').collect();
    num.parse().ok()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut time = 10.0f64;
    let mut seed = 1u64;
    let mut iters = None;
    let mut bks_path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/vrptw/BKS.json"));
    let mut inputs = Vec::new();
    let mut show = false;
    let mut verbose = false;
    let mut defaults = Params::default();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--time" => time = args.next().and_then(|v| v.parse().ok()).unwrap_or(time),
            "--seed" => seed = args.next().and_then(|v| v.parse().ok()).unwrap_or(seed),
            "--iters" => iters = args.next().and_then(|v| v.parse().ok()),
            "--show" => show = true,
            "--no-swap-star" => defaults.swap_star = false,
            "--swap-star" => defaults.swap_star = true,
            "--srex" => defaults.srex = true,
            "--no-srex" => defaults.srex = false,
            "--pen-every" => {
                defaults.penalty_update_every =
                    args.next().and_then(|v| v.parse().ok()).unwrap_or(defaults.penalty_update_every)
            }
            "--verbose" => verbose = true,
            "--neighbours" => {
                defaults.num_neighbours = args.next().and_then(|v| v.parse().ok()).unwrap_or(defaults.num_neighbours)
            }
            "--rbx" => defaults.route_crossover_share = args.next().and_then(|v| v.parse().ok()),
            "--min-pop" => {
                defaults.min_pop_size = args.next().and_then(|v| v.parse().ok()).unwrap_or(defaults.min_pop_size)
            }
            "--bks" => bks_path = args.next().map(PathBuf::from).unwrap_or(bks_path),
            _ => inputs.push(PathBuf::from(a)),
        }
    }
    let mut files: Vec<PathBuf> = Vec::new();
    for p in &inputs {
        if p.is_dir() {
            let mut v: Vec<PathBuf> = std::fs::read_dir(p)
                .map(|rd| {
                    rd.filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
                        .collect()
                })
                .unwrap_or_default();
            v.sort();
            files.extend(v);
        } else {
            files.push(p.clone());
        }
    }
    let bks_json = std::fs::read_to_string(&bks_path).unwrap_or_default();
    println!("{:<10} {:>12} {:>4} {:>8} {:>12} {:>9}", "instance", "cost", "veh", "secs", "bks", "gap%");
    let mut gaps = Vec::new();
    for f in &files {
        let name = f.file_stem().and_then(|s| s.to_str()).unwrap_or("?").to_string();
        let text = match std::fs::read_to_string(f) {
            Ok(t) => t,
            Err(e) => {
                println!("{name:<10} read error: {e}");
                continue;
            }
        };
        let problem = match Problem::from_solomon(&text) {
            Ok(p) => p,
            Err(e) => {
                println!("{name:<10} parse error: {e}");
                continue;
            }
        };
        let params =
            Params { time_limit: Duration::from_secs_f64(time), seed, max_iterations: iters, ..defaults.clone() };
        let t0 = Instant::now();
        let (result, stats) = solve_with_stats(&problem, &params);
        let secs = t0.elapsed().as_secs_f64();
        if verbose {
            eprintln!("{name}: {stats:?}");
        }
        let sol = match result {
            Ok(s) => s,
            Err(e) => {
                println!("{name:<10} solve error: {e}");
                continue;
            }
        };
        let cost = match check(&problem, &sol) {
            Ok(c) => c,
            Err(e) => {
                println!("{name:<10} INFEASIBLE: {e}");
                continue;
            }
        };
        let (bks, tag) = match bks_lookup(&bks_json, &format!("{name}_distance")) {
            Some(b) => (Some(b), ""),
            None => (bks_lookup(&bks_json, &name), "H"),
        };
        let gap = bks.map(|b| 100.0 * (cost - b) / b);
        if show {
            print!("{}", sinergi_vrptw::to_cvrplib(&sol));
        }
        if let Some(g) = gap {
            gaps.push(g);
        }
        println!(
            "{name:<10} {cost:>12.2} {:>4} {secs:>8.2} {:>11}{tag:1} {:>9}",
            sol.num_vehicles_used(),
            bks.map_or("-".to_string(), |b| format!("{b:.2}")),
            gap.map_or("-".to_string(), |g| format!("{g:+.3}"))
        );
    }
    if !gaps.is_empty() {
        println!("average gap over {} instances: {:+.3}%", gaps.len(), gaps.iter().sum::<f64>() / gaps.len() as f64);
    }
}
