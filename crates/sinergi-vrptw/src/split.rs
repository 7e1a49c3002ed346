//! Giant-tour split and order crossover.
//!
//! Split is the Bellman-style shortest path of Prins (2004) / Vidal et al. (2012) over the giant
//! tour, where each candidate route is priced by its penalised cost (distance + load and
//! time-warp penalties), evaluated incrementally with segment concatenation. Route length is
//! bounded by 1.5 x capacity of load. When the unlimited split uses more routes than the fleet, a
//! fleet-bounded dynamic program is solved instead.

use crate::rng::Rng;
use crate::segment::{Data, Penalties};

const MAX_LOAD_FACTOR: f64 = 1.5;

fn reconstruct(tour: &[u32], cuts: &[usize]) -> Vec<Vec<u32>> {
    // cuts[j] = start index of the route ending at j (exclusive end j).
    let mut routes = Vec::new();
    let mut j = tour.len();
    while j > 0 {
        let i = cuts[j];
        routes.push(tour[i..j].to_vec());
        j = i;
    }
    routes.reverse();
    routes
}

/// Splits a giant tour into at most `data.fleet` routes minimising penalised cost.
pub(crate) fn split(data: &Data, pen: &Penalties, tour: &[u32]) -> Vec<Vec<u32>> {
    let n = tour.len();
    if n == 0 {
        return Vec::new();
    }
    let max_load = MAX_LOAD_FACTOR * data.capacity;
    let mut dp = vec![f64::INFINITY; n + 1];
    let mut cut = vec![0usize; n + 1];
    let mut count = vec![0usize; n + 1];
    dp[0] = 0.0;
    for i in 0..n {
        if !dp[i].is_finite() {
            continue;
        }
        let mut s = data.seg(0);
        for j in i..n {
            s = data.merge_node(&s, tour[j]);
            if j > i && s.load > max_load {
                break;
            }
            let c = dp[i] + data.cost(&data.merge_node(&s, 0), pen);
            if c < dp[j + 1] {
                dp[j + 1] = c;
                cut[j + 1] = i;
                count[j + 1] = count[i] + 1;
            }
        }
    }
    if count[n] <= data.fleet {
        return reconstruct(tour, &cut);
    }
    // Fleet-bounded version: layer k = routes used.
    let m = data.fleet;
    let mut prev = vec![f64::INFINITY; n + 1];
    prev[0] = 0.0;
    let mut cuts: Vec<Vec<usize>> = Vec::with_capacity(m);
    for k in 0..m {
        let last_layer = k + 1 == m;
        let mut cur = vec![f64::INFINITY; n + 1];
        let mut ck = vec![0usize; n + 1];
        for (i, &base) in prev.iter().enumerate().take(n) {
            if !base.is_finite() {
                continue;
            }
            let mut s = data.seg(0);
            for j in i..n {
                s = data.merge_node(&s, tour[j]);
                if !last_layer && j > i && s.load > max_load {
                    break;
                }
                let c = base + data.cost(&data.merge_node(&s, 0), pen);
                if c < cur[j + 1] {
                    cur[j + 1] = c;
                    ck[j + 1] = i;
                }
            }
        }
        cuts.push(ck);
        prev = cur;
        if prev[n].is_finite() && last_layer {
            break;
        }
    }
    // The last layer allows any length, so prev[n] is reachable with exactly m routes (or fewer
    // routes were found earlier; we simply use m layers, empty routes cannot occur here).
    let mut routes = Vec::new();
    let mut j = n;
    for k in (0..cuts.len()).rev() {
        if j == 0 {
            break;
        }
        let i = cuts[k][j];
        routes.push(tour[i..j].to_vec());
        j = i;
    }
    if j > 0 {
        // Should not happen; keep every customer anyway.
        routes.push(tour[..j].to_vec());
    }
    routes.reverse();
    routes
}

/// Order crossover (OX) on giant tours (Oliver, Smith & Holland 1987; Prins 2004).
pub(crate) fn order_crossover(rng: &mut Rng, p1: &[u32], p2: &[u32], size: usize) -> Vec<u32> {
    let n = p1.len();
    if n < 2 {
        return p1.to_vec();
    }
    let start = rng.below(n);
    let mut end = rng.below(n);
    while end == start {
        end = rng.below(n);
    }
    let mut child = vec![0u32; n];
    let mut used = vec![false; size];
    let mut k = start;
    loop {
        child[k] = p1[k];
        used[p1[k] as usize] = true;
        if k == end {
            break;
        }
        k = (k + 1) % n;
    }
    let mut pos = (end + 1) % n;
    for t in 0..n {
        let c = p2[(end + 1 + t) % n];
        if !used[c as usize] {
            child[pos] = c;
            pos = (pos + 1) % n;
        }
    }
    child
}

/// Route-based crossover in the spirit of RBX (Potvin & Bengio 1996) and SREX (Nagata &
/// Kobayashi 2010): the routes of parent `a` that serve a random customer and its nearest
/// neighbours (between 1 and half of `a`'s routes) are copied; the routes of parent `b` follow,
/// with the customers already copied removed. Every customer appears exactly once.
///
/// Also returns each child route's origin: 1 for a route of `a`, 2 for a route of `b` that lost
/// no customer, 0 for a route of `b` that lost some (see `LocalSearch::run`).
pub(crate) fn route_crossover(
    rng: &mut Rng,
    a: &[Vec<u32>],
    b: &[Vec<u32>],
    neigh: &[Vec<u32>],
    size: usize,
) -> (Vec<Vec<u32>>, Vec<u8>) {
    let mut route_of = vec![usize::MAX; size];
    for (k, r) in a.iter().enumerate() {
        for &c in r {
            route_of[c as usize] = k;
        }
    }
    let target = 1 + rng.below(a.len().div_ceil(2).max(1));
    let seed = 1 + rng.below(size - 1);
    let mut chosen = vec![false; a.len()];
    let mut count = 0;
    for &c in std::iter::once(&(seed as u32)).chain(neigh[seed].iter()) {
        let r = route_of[c as usize];
        if r != usize::MAX && !chosen[r] {
            chosen[r] = true;
            count += 1;
            if count >= target {
                break;
            }
        }
    }
    let mut taken = vec![false; size];
    let mut child: Vec<Vec<u32>> = Vec::new();
    let mut origin = Vec::new();
    for (k, r) in a.iter().enumerate() {
        if chosen[k] {
            r.iter().for_each(|&c| taken[c as usize] = true);
            child.push(r.clone());
            origin.push(1);
        }
    }
    for r in b {
        let rest: Vec<u32> = r.iter().copied().filter(|&c| !taken[c as usize]).collect();
        if !rest.is_empty() {
            origin.push(if rest.len() == r.len() { 2 } else { 0 });
            child.push(rest);
        }
    }
    (child, origin)
}
