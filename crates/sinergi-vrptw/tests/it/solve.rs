use crate::helpers::random_problem;
use sinergi_vrptw::{Params, Problem, SolveError, check, solve};
use std::time::Duration;

/// Optimum by enumerating every permutation and every way of cutting it into routes.
fn brute_force(p: &Problem) -> Option<f64> {
    let n = p.num_customers();
    let mut perm: Vec<usize> = (1..=n).collect();
    let mut best: Option<f64> = None;
    let route_cost = |r: &[usize]| -> Option<f64> {
        let nodes = p.nodes();
        let (mut t, mut prev, mut load, mut d) = (nodes[0].ready, 0usize, 0u32, 0.0);
        for &c in r {
            d += p.dist(prev, c);
            t = (t + p.time(prev, c)).max(nodes[c].ready);
            if t > nodes[c].due {
                return None;
            }
            t += nodes[c].service;
            load += nodes[c].demand;
            prev = c;
        }
        t += p.time(prev, 0);
        (load <= p.capacity() && t <= nodes[0].due).then_some(d + p.dist(prev, 0))
    };
    permute(&mut perm, 0, &mut |perm| {
        for mask in 0u32..(1 << (n - 1)) {
            if mask.count_ones() as usize + 1 > p.num_vehicles() {
                continue;
            }
            let (mut total, mut start) = (0.0, 0);
            let mut ok = true;
            for k in 0..n {
                if k == n - 1 || mask & (1 << k) != 0 {
                    match route_cost(&perm[start..=k]) {
                        Some(c) => total += c,
                        None => {
                            ok = false;
                            break;
                        }
                    }
                    start = k + 1;
                }
            }
            if ok && best.is_none_or(|b| total < b) {
                best = Some(total);
            }
        }
    });
    best
}

fn permute(v: &mut Vec<usize>, k: usize, f: &mut impl FnMut(&[usize])) {
    if k == v.len() {
        f(v);
        return;
    }
    for i in k..v.len() {
        v.swap(k, i);
        permute(v, k + 1, f);
        v.swap(k, i);
    }
}

fn params(iters: u64, seed: u64) -> Params {
    Params { time_limit: Duration::from_secs(60), seed, max_iterations: Some(iters), ..Params::default() }
}

#[test]
fn matches_brute_force_on_tiny_instances() {
    let mut compared = 0;
    for seed in 0..6u64 {
        let p = random_problem(seed, 6, 20, 3, seed % 2 == 1);
        let Some(opt) = brute_force(&p) else { continue };
        // Without coordinates, and with (scrambled) ones: they only change the internal numbering.
        let xy: Vec<(f64, f64)> = (0..p.num_nodes()).map(|i| ((i * 7 % 5) as f64, (i * 3 % 4) as f64)).collect();
        for p in [p.clone(), p.with_coordinates(xy).unwrap()] {
            let sol = solve(&p, &params(300, seed)).unwrap_or_else(|e| panic!("seed {seed}: opt {opt}: {e}"));
            let cost = check(&p, &sol).expect("solution passes the checker");
            assert!((cost - sol.cost).abs() < 1e-6);
            assert!((cost - opt).abs() < 1e-6, "seed {seed}: solver {cost}, optimum {opt}");
        }
        compared += 1;
    }
    assert!(compared >= 3, "too few feasible random instances ({compared})");
}

#[test]
fn deterministic_for_seed_and_iteration_budget() {
    let p = random_problem(42, 40, 50, 12, true);
    let a = solve(&p, &params(150, 7)).unwrap();
    let b = solve(&p, &params(150, 7)).unwrap();
    assert_eq!(a, b);
    check(&p, &a).unwrap();
}

#[test]
fn reports_infeasible_instance() {
    // One vehicle, two customers whose windows cannot both be met.
    use sinergi_vrptw::Node;
    let nodes = vec![
        Node { id: 0, demand: 0, ready: 0.0, due: 100.0, service: 0.0 },
        Node { id: 1, demand: 1, ready: 0.0, due: 10.0, service: 0.0 },
        Node { id: 2, demand: 1, ready: 0.0, due: 10.0, service: 0.0 },
    ];
    let m = vec![0.0, 10.0, 10.0, 10.0, 0.0, 20.0, 10.0, 20.0, 0.0];
    let p = Problem::new("x", nodes, m.clone(), m, 10, 1).unwrap();
    let r = solve(&p, &params(20, 1));
    assert!(matches!(r, Err(SolveError::NoFeasibleSolution { .. })), "{r:?}");
}

/// C101 (the public Solomon instance in ../shared/data) within a fixed budget of offspring, not of time: the
/// result is the same on a busy machine. Best known 828.94; within 5 %.
#[test]
fn solves_c101_feasibly_and_near_the_best_known() {
    let p = Problem::from_solomon(include_str!("../../../../../shared/data/vrptw/solomon/C101.txt")).unwrap();
    let params =
        Params { time_limit: Duration::from_secs(600), seed: 1, max_iterations: Some(200), ..Params::default() };
    let sol = solve(&p, &params).unwrap();
    let cost = check(&p, &sol).unwrap();
    assert!(cost < 828.94 * 1.05, "cost {cost}");
}
