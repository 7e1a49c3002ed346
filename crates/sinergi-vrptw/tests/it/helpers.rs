//! Helpers of the VRPTW tests.

use sinergi_vrptw::{Node, Problem, Rng};

/// Random instance with `n` customers; `asymmetric` perturbs travel times per direction.
pub fn random_problem(seed: u64, n: usize, capacity: u32, vehicles: usize, asymmetric: bool) -> Problem {
    let mut rng = Rng::new(seed);
    let pts: Vec<(f64, f64)> = (0..=n).map(|_| (rng.unit() * 100.0, rng.unit() * 100.0)).collect();
    let size = n + 1;
    let mut dist = vec![0.0; size * size];
    let mut time = vec![0.0; size * size];
    for i in 0..size {
        for j in 0..size {
            let d = ((pts[i].0 - pts[j].0).powi(2) + (pts[i].1 - pts[j].1).powi(2)).sqrt();
            dist[i * size + j] = d;
            time[i * size + j] = if asymmetric && i != j { d * (0.8 + 0.6 * rng.unit()) } else { d };
        }
    }
    let mut nodes = vec![Node { id: 0, demand: 0, ready: 0.0, due: 400.0, service: 0.0 }];
    for i in 1..=n {
        let centre = 60.0 + rng.unit() * 220.0;
        let half = 15.0 + rng.unit() * 60.0;
        nodes.push(Node {
            id: i,
            demand: 1 + rng.below(capacity as usize / 2) as u32,
            ready: (centre - half).max(0.0),
            due: centre + half,
            service: 5.0,
        });
    }
    Problem::new("random", nodes, dist, time, capacity, vehicles).expect("valid random instance")
}
