//! Selective route exchange (SREX) crossover with greedy reinsertion.
//!
//! After Nagata & Kobayashi (2010), "A memetic algorithm for the pickup and delivery problem with
//! time windows using selective route exchange crossover", PPSN XI, and its use as the main
//! crossover of PyVRP (Wouda, Lan & Kool 2024). A set of routes of the second parent replaces an
//! overlapping set of routes of the first; customers then served twice are removed from one side,
//! customers no longer served are reinserted greedily at their cheapest position next to one of
//! their granular neighbours.
//!
//! Route selection works from the matrix alone (no coordinates are needed): the routes `S_B` of
//! parent `b` serving a random customer and its nearest neighbours are chosen, as in
//! `split::route_crossover`; then `S_A` is the set of routes of parent `a` that have more than half
//! of their customers in `S_B`. That choice minimises the symmetric difference of the customer
//! sets of `S_A` and `S_B` for the given `S_B` (a route joins `S_A` exactly when it removes more
//! customers from the difference than it adds), the quantity SREX's route selection minimises.
//!
//! Two children are built, as in PyVRP: (1) the routes of `S_B` are kept whole and the customers
//! they serve are removed from `a`'s other routes; (2) `a`'s other routes are kept whole and their
//! customers are removed from the routes of `S_B`. After reinsertion the child of lower penalised
//! cost is returned.

use crate::rng::Rng;
use crate::segment::{Data, Penalties, Seg};

const NONE: usize = usize::MAX;

/// Penalised cost of route `r` (customers only) with `u` inserted before position `p`.
fn cost_with(data: &Data, pen: &Penalties, r: &[u32], p: usize, u: u32) -> f64 {
    let mut s: Seg = data.seg(0);
    for &c in &r[..p] {
        s = data.merge_node(&s, c);
    }
    s = data.merge_node(&s, u);
    for &c in &r[p..] {
        s = data.merge_node(&s, c);
    }
    data.cost(&data.merge_node(&s, 0), pen)
}

fn route_cost(data: &Data, pen: &Penalties, r: &[u32]) -> f64 {
    if r.is_empty() { 0.0 } else { data.cost(&data.route_seg(r), pen) }
}

/// Inserts each customer of `missing` (in the given order) at the position of least increase of
/// penalised cost among: next to (before or after) each of its granular neighbours already in a
/// route, and alone in a new route when the fleet allows; when none of these exists, anywhere.
/// Returns the total penalised cost of the routes; `touched[k]` tells whether route `k` received
/// a customer (or is new).
pub(crate) fn greedy_insert(
    data: &Data,
    pen: &Penalties,
    neigh: &[Vec<u32>],
    routes: &mut Vec<Vec<u32>>,
    missing: &[u32],
    touched: &mut Vec<bool>,
) -> f64 {
    touched.clear();
    touched.resize(routes.len(), false);
    let mut route_of = vec![NONE; data.size];
    let mut pos_of = vec![0usize; data.size];
    let mut costs: Vec<f64> = Vec::with_capacity(routes.len());
    for (k, r) in routes.iter().enumerate() {
        for (p, &c) in r.iter().enumerate() {
            route_of[c as usize] = k;
            pos_of[c as usize] = p;
        }
        costs.push(route_cost(data, pen, r));
    }
    for &u in missing {
        // (increase, route, position); route == routes.len() means a new route.
        let mut best = (f64::INFINITY, NONE, 0usize);
        for &v in &neigh[u as usize] {
            let r = route_of[v as usize];
            if r == NONE {
                continue;
            }
            let p = pos_of[v as usize];
            for q in [p, p + 1] {
                let delta = cost_with(data, pen, &routes[r], q, u) - costs[r];
                if delta < best.0 {
                    best = (delta, r, q);
                }
            }
        }
        if routes.len() < data.fleet {
            let delta = route_cost(data, pen, &[u]);
            if delta < best.0 {
                best = (delta, routes.len(), 0);
            }
        }
        if best.1 == NONE {
            for (r, route) in routes.iter().enumerate() {
                for q in 0..=route.len() {
                    let delta = cost_with(data, pen, route, q, u) - costs[r];
                    if delta < best.0 {
                        best = (delta, r, q);
                    }
                }
            }
        }
        let (_, r, q) = best;
        if r == routes.len() {
            routes.push(Vec::new());
            costs.push(0.0);
            touched.push(true);
        }
        touched[r] = true;
        routes[r].insert(q, u);
        costs[r] = route_cost(data, pen, &routes[r]);
        for (p, &c) in routes[r].iter().enumerate().skip(q) {
            route_of[c as usize] = r;
            pos_of[c as usize] = p;
        }
    }
    costs.iter().sum()
}

/// SREX of parents `a` and `b` (non-empty routes of internal customer indices). Returns the child
/// and each child route's origin tag (1: a route of `a` unchanged, 2: a route of `b` unchanged,
/// 0: changed; see `LocalSearch::run`). Every customer appears exactly once.
pub(crate) fn srex(
    rng: &mut Rng,
    data: &Data,
    pen: &Penalties,
    neigh: &[Vec<u32>],
    a: &[Vec<u32>],
    b: &[Vec<u32>],
) -> (Vec<Vec<u32>>, Vec<u8>) {
    let size = data.size;
    let mut route_b = vec![NONE; size];
    for (k, r) in b.iter().enumerate() {
        for &c in r {
            route_b[c as usize] = k;
        }
    }
    // S_B: routes of b around a random customer (between 1 and half of b's routes).
    let target = 1 + rng.below(b.len().div_ceil(2).max(1));
    let seed = 1 + rng.below(size - 1);
    let mut in_sb = vec![false; b.len()];
    let mut count = 0;
    for &c in std::iter::once(&(seed as u32)).chain(neigh[seed].iter()) {
        let r = route_b[c as usize];
        if r != NONE && !in_sb[r] {
            in_sb[r] = true;
            count += 1;
            if count >= target {
                break;
            }
        }
    }
    let mut served_sb = vec![false; size];
    for (k, r) in b.iter().enumerate() {
        if in_sb[k] {
            r.iter().for_each(|&c| served_sb[c as usize] = true);
        }
    }
    // S_A: routes of a with more than half of their customers in S_B.
    let in_sa: Vec<bool> =
        a.iter().map(|r| 2 * r.iter().filter(|&&c| served_sb[c as usize]).count() > r.len()).collect();
    let mut kept_a = vec![false; size]; // served by a route of a outside S_A
    for (k, r) in a.iter().enumerate() {
        if !in_sa[k] {
            r.iter().for_each(|&c| kept_a[c as usize] = true);
        }
    }
    // Customers of S_A not served by S_B: served by neither side in both children.
    let mut missing: Vec<u32> = Vec::new();
    for (k, r) in a.iter().enumerate() {
        if in_sa[k] {
            missing.extend(r.iter().copied().filter(|&c| !served_sb[c as usize]));
        }
    }
    rng.shuffle(&mut missing);

    let mut best: Option<(f64, Vec<Vec<u32>>, Vec<u8>)> = None;
    let mut touched = Vec::new();
    for variant in 0..2 {
        let mut child: Vec<Vec<u32>> = Vec::with_capacity(a.len() + 1);
        let mut origin: Vec<u8> = Vec::with_capacity(a.len() + 1);
        for (k, r) in a.iter().enumerate() {
            if in_sa[k] {
                continue;
            }
            if variant == 0 {
                let rest: Vec<u32> = r.iter().copied().filter(|&c| !served_sb[c as usize]).collect();
                if !rest.is_empty() {
                    origin.push(if rest.len() == r.len() { 1 } else { 0 });
                    child.push(rest);
                }
            } else {
                child.push(r.clone());
                origin.push(1);
            }
        }
        for (k, r) in b.iter().enumerate() {
            if !in_sb[k] {
                continue;
            }
            if variant == 0 {
                child.push(r.clone());
                origin.push(2);
            } else {
                let rest: Vec<u32> = r.iter().copied().filter(|&c| !kept_a[c as usize]).collect();
                if !rest.is_empty() {
                    origin.push(if rest.len() == r.len() { 2 } else { 0 });
                    child.push(rest);
                }
            }
        }
        // Customers of S_B's routes served by a's kept routes in variant 0 were removed from the
        // kept routes; in variant 1 from S_B's routes: either way each is served once.
        let total = greedy_insert(data, pen, neigh, &mut child, &missing, &mut touched);
        // A route that received a customer is changed; new routes are changed too.
        origin.resize(child.len(), 0);
        for (o, &t) in origin.iter_mut().zip(&touched) {
            if t {
                *o = 0;
            }
        }
        if best.as_ref().is_none_or(|bst| total < bst.0) {
            best = Some((total, child, origin));
        }
        if variant == 0 && b.iter().enumerate().all(|(k, r)| !in_sb[k] || r.iter().all(|&c| !kept_a[c as usize])) {
            // No customer of S_B is served by a's kept routes: both children are the same.
            break;
        }
    }
    let (_, child, origin) = best.unwrap_or_default();
    (child, origin)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::{Node, Problem};

    fn instance(seed: u64, n: usize) -> Problem {
        let mut rng = Rng::new(seed);
        let pts: Vec<(f64, f64)> = (0..=n).map(|_| (rng.unit() * 100.0, rng.unit() * 100.0)).collect();
        let size = n + 1;
        let mut m = vec![0.0; size * size];
        for i in 0..size {
            for j in 0..size {
                m[i * size + j] = ((pts[i].0 - pts[j].0).powi(2) + (pts[i].1 - pts[j].1).powi(2)).sqrt();
            }
        }
        let mut nodes = vec![Node { id: 0, demand: 0, ready: 0.0, due: 2_000.0, service: 0.0 }];
        for i in 1..=n {
            let c = rng.unit() * 800.0;
            nodes.push(Node { id: i, demand: 1 + rng.below(9) as u32, ready: c, due: c + 100.0, service: 5.0 });
        }
        Problem::new("srex", nodes, m.clone(), m, 40, n / 2).expect("valid instance")
    }

    fn random_routes(rng: &mut Rng, n: usize, k: usize) -> Vec<Vec<u32>> {
        let mut c: Vec<u32> = (1..=n as u32).collect();
        rng.shuffle(&mut c);
        let mut routes = vec![Vec::new(); k];
        for (i, &x) in c.iter().enumerate() {
            routes[i % k].push(x);
        }
        routes
    }

    fn neighbours(p: &Problem, k: usize) -> Vec<Vec<u32>> {
        let n = p.num_customers();
        (0..=n)
            .map(|i| {
                let mut v: Vec<u32> = (1..=n as u32).filter(|&j| j as usize != i).collect();
                v.sort_by(|&x, &y| p.dist(i, x as usize).total_cmp(&p.dist(i, y as usize)));
                v.truncate(k);
                v
            })
            .collect()
    }

    #[test]
    fn srex_children_serve_every_customer_exactly_once() {
        for seed in 0..50 {
            let n = 30;
            let p = instance(seed, n);
            let data = Data::new(&p, (0..=n).collect());
            let neigh = neighbours(&p, 6);
            let mut rng = Rng::new(seed);
            let (ka, kb) = (4 + rng.below(4), 4 + rng.below(4));
            let a = random_routes(&mut rng, n, ka);
            let b = random_routes(&mut rng, n, kb);
            let pen = Penalties { load: 10.0, tw: 3.0 };
            let (child, origin) = srex(&mut rng, &data, &pen, &neigh, &a, &b);
            assert_eq!(child.len(), origin.len());
            assert!(child.len() <= data.fleet, "seed {seed}: {} routes", child.len());
            let mut seen = vec![0; n + 1];
            for r in &child {
                assert!(!r.is_empty());
                r.iter().for_each(|&c| seen[c as usize] += 1);
            }
            assert!(seen[1..].iter().all(|&s| s == 1), "seed {seed}: {seen:?}");
            // Routes tagged unchanged are routes of the parent they are tagged with.
            for (r, &o) in child.iter().zip(&origin) {
                match o {
                    1 => assert!(a.contains(r)),
                    2 => assert!(b.contains(r)),
                    _ => {}
                }
            }
        }
    }

    #[test]
    fn greedy_insertion_cost_equals_a_recomputation_and_each_step_is_cheapest() {
        for seed in 0..30 {
            let n = 25;
            let p = instance(seed, n);
            let data = Data::new(&p, (0..=n).collect());
            let neigh: Vec<Vec<u32>> = (0..=n as u32).map(|i| (1..=n as u32).filter(|&j| j != i).collect()).collect();
            let mut rng = Rng::new(seed);
            let mut routes = random_routes(&mut rng, n, 5);
            let pen = Penalties { load: 7.0, tw: 2.0 };
            // Take some customers out and put them back one at a time.
            let mut missing = Vec::new();
            for r in routes.iter_mut() {
                let k = rng.below(r.len());
                missing.push(r.remove(k));
            }
            let mut reference = routes.clone();
            let total = greedy_insert(&data, &pen, &neigh, &mut routes, &missing, &mut Vec::new());
            let fresh: f64 = routes.iter().map(|r| route_cost(&data, &pen, r)).sum();
            assert!((total - fresh).abs() < 1e-6, "seed {seed}: {total} vs {fresh}");
            let mut seen = vec![0; n + 1];
            routes.iter().flatten().for_each(|&c| seen[c as usize] += 1);
            assert!(seen[1..].iter().all(|&s| s == 1));
            // With every customer a neighbour, each insertion is the cheapest of all positions.
            for &u in &missing {
                let before: f64 = reference.iter().map(|r| route_cost(&data, &pen, r)).sum();
                let mut best = f64::INFINITY;
                for r in 0..reference.len() {
                    for q in 0..=reference[r].len() {
                        let mut t = reference.clone();
                        t[r].insert(q, u);
                        best = best.min(t.iter().map(|r| route_cost(&data, &pen, r)).sum::<f64>() - before);
                    }
                }
                if reference.len() < data.fleet {
                    best = best.min(route_cost(&data, &pen, &[u]));
                }
                let mut one = reference.clone();
                greedy_insert(&data, &pen, &neigh, &mut one, &[u], &mut Vec::new());
                let after: f64 = one.iter().map(|r| route_cost(&data, &pen, r)).sum();
                assert!((after - before - best).abs() < 1e-6, "seed {seed}: not the cheapest insertion");
                reference = one;
            }
        }
    }
}
