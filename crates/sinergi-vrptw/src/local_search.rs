//! Granular local search with O(1) move evaluation by segment concatenation.
//!
//! Neighbourhoods (Vidal et al. 2012, 2013; PyVRP): relocate of one or two consecutive customers
//! (also reversed), swap 1-1, 2-1 and 2-2, 2-opt* between routes, and intra-route relocate, swap
//! and 2-opt. Moves are only tried for a customer `u` and its granular neighbours `v` (Toth &
//! Vigo 2003), and a pair is re-examined only when one of its routes changed since `u` was last
//! examined. The search stops at a local optimum (first-improvement).

use crate::rng::Rng;
use crate::segment::{Data, Penalties, Seg};

const EPS: f64 = 1e-9;

/// Routes are SWAP* candidates when a customer of one has one of this many nearest neighbours in
/// the other (a stand-in, from the matrix alone, for the overlap of polar sectors of Vidal 2022).
const SWAP_STAR_NEIGHBOURS: usize = 5;

/// `nodes` (a route with its depots) without the customer at position `gone`, with `w` inserted
/// between the nodes at positions `p` and `p + 1` of the original route (`p = gone - 1`: in the
/// gap left by the removed customer).
fn exchanged(nodes: &[u32], gone: usize, w: u32, p: usize) -> Vec<u32> {
    let mut out = Vec::with_capacity(nodes.len());
    for (k, &x) in nodes.iter().enumerate() {
        if k != gone {
            out.push(x);
        }
        if k == p {
            out.push(w);
        }
    }
    out
}

struct Route {
    /// Depot, customers, depot.
    nodes: Vec<u32>,
    /// `pre[k]` summarises `nodes[0..=k]`, `suf[k]` summarises `nodes[k..]`.
    pre: Vec<Seg>,
    suf: Vec<Seg>,
    cost: f64,
}

pub(crate) struct LocalSearch<'a> {
    data: &'a Data,
    neigh: &'a [Vec<u32>],
    routes: Vec<Route>,
    route_of: Vec<usize>,
    pos_of: Vec<usize>,
    last_mod: Vec<u64>,
    last_tested: Vec<u64>,
    step: u64,
    pen: Penalties,
    order: Vec<u32>,
    /// Origin tag of each route (see `run`); 0 once the route has changed.
    origin: Vec<u8>,
    /// Where an empty route was last found.
    empty_hint: usize,
    /// Whether SWAP* runs after the node moves have converged.
    pub swap_star: bool,
    /// Step at which each route last led a SWAP* test (routes are paired with higher numbers).
    swap_tested: Vec<u64>,
    pairs: Vec<(u32, u32)>,
    ins_ab: Vec<[(f64, u32); 3]>,
    ins_ba: Vec<[(f64, u32); 3]>,
    rem_a: Vec<f64>,
    rem_b: Vec<f64>,
}

impl<'a> LocalSearch<'a> {
    pub fn new(data: &'a Data, neigh: &'a [Vec<u32>]) -> Self {
        LocalSearch {
            data,
            neigh,
            routes: Vec::new(),
            route_of: vec![0; data.size],
            pos_of: vec![0; data.size],
            last_mod: Vec::new(),
            last_tested: vec![0; data.size],
            step: 0,
            pen: Penalties { load: 1.0, tw: 1.0 },
            order: (1..data.size as u32).collect(),
            origin: Vec::new(),
            empty_hint: 0,
            swap_star: true,
            swap_tested: Vec::new(),
            pairs: Vec::new(),
            ins_ab: Vec::new(),
            ins_ba: Vec::new(),
            rem_a: Vec::new(),
            rem_b: Vec::new(),
        }
    }

    fn rebuild(&mut self, r: usize) {
        let d = self.data;
        let route = &mut self.routes[r];
        let len = route.nodes.len();
        route.pre.clear();
        route.suf.clear();
        let mut s = d.seg(route.nodes[0]);
        route.pre.push(s);
        for k in 1..len {
            s = d.merge_node(&s, route.nodes[k]);
            route.pre.push(s);
        }
        route.suf.resize(len, s);
        let mut t = d.seg(route.nodes[len - 1]);
        route.suf[len - 1] = t;
        for k in (0..len - 1).rev() {
            t = d.merge(&d.seg(route.nodes[k]), &t);
            route.suf[k] = t;
        }
        route.cost = if len == 2 { 0.0 } else { d.cost(&route.pre[len - 1], &self.pen) };
        for k in 1..len - 1 {
            let c = route.nodes[k] as usize;
            self.route_of[c] = r;
            self.pos_of[c] = k;
        }
        self.step += 1;
        self.last_mod[r] = self.step;
        if let Some(o) = self.origin.get_mut(r) {
            *o = 0;
        }
    }

    /// Loads `routes` (and their origin tags, see `run`) under penalties `pen`.
    fn load(&mut self, routes: &[Vec<u32>], origin: &[u8], pen: Penalties) {
        self.pen = pen;
        // One slot per vehicle, but never more than one per customer (empty routes are useless).
        let slots = self.data.fleet.min(self.data.size - 1).max(routes.len());
        self.routes.clear();
        self.last_mod = vec![0; slots];
        self.step = 0;
        for k in 0..slots {
            let mut nodes = vec![0u32];
            if let Some(r) = routes.get(k) {
                nodes.extend_from_slice(r);
            }
            nodes.push(0);
            self.routes.push(Route { nodes, pre: Vec::new(), suf: Vec::new(), cost: 0.0 });
        }
        for k in 0..slots {
            self.rebuild(k);
        }
        self.origin.clear();
        self.origin.resize(slots, 0);
        self.origin[..origin.len().min(slots)].copy_from_slice(&origin[..origin.len().min(slots)]);
        self.last_tested.iter_mut().for_each(|x| *x = 0);
        self.swap_tested.clear();
        self.swap_tested.resize(self.routes.len(), 0);
    }

    /// Runs the local search from `routes` under penalties `pen`; returns the improved routes.
    ///
    /// `origin` is empty or gives one tag per route: routes with the same non-zero tag are
    /// unchanged routes of one parent, which was a local optimum, so a customer and a neighbour
    /// in two such routes (or in one) are not examined until one of the routes changes.
    pub fn run(&mut self, rng: &mut Rng, routes: &[Vec<u32>], origin: &[u8], pen: Penalties) -> Vec<Vec<u32>> {
        self.load(routes, origin, pen);
        rng.shuffle(&mut self.order);
        let order = std::mem::take(&mut self.order);
        loop {
            self.node_passes(&order);
            if !(self.swap_star && self.swap_star_pass()) {
                break;
            }
        }
        self.order = order;
        self.routes.iter().filter(|r| r.nodes.len() > 2).map(|r| r.nodes[1..r.nodes.len() - 1].to_vec()).collect()
    }

    /// An empty route, if any (the last one found is remembered: routes rarely empty or fill).
    fn empty_route(&mut self) -> Option<usize> {
        if self.routes.get(self.empty_hint).is_some_and(|r| r.nodes.len() == 2) {
            return Some(self.empty_hint);
        }
        let e = self.routes.iter().position(|r| r.nodes.len() == 2)?;
        self.empty_hint = e;
        Some(e)
    }

    /// Node moves for every customer until none improves.
    fn node_passes(&mut self, order: &[u32]) {
        let neigh = self.neigh;
        loop {
            let mut improved = false;
            for &u in order {
                let last = self.last_tested[u as usize];
                self.last_tested[u as usize] = self.step;
                for &v in neigh[u as usize].iter() {
                    let (ru, rv) = (self.route_of[u as usize], self.route_of[v as usize]);
                    if self.last_mod[ru].max(self.last_mod[rv]) <= last
                        || (self.origin[ru] != 0 && self.origin[ru] == self.origin[rv])
                    {
                        continue;
                    }
                    if self.try_pair(u, rv, self.pos_of[v as usize]) {
                        improved = true;
                        continue;
                    }
                    if self.pos_of[v as usize] == 1 && self.try_pair(u, rv, 0) {
                        improved = true;
                    }
                }
                let ru = self.route_of[u as usize];
                if self.last_mod[ru] > last
                    && self.routes[ru].nodes.len() > 3
                    && let Some(e) = self.empty_route()
                    && self.try_pair(u, e, 0)
                {
                    improved = true;
                }
            }
            if !improved {
                break;
            }
        }
    }

    /// One SWAP* pass over the pairs of routes that are near each other (a customer of one has
    /// one of its `SWAP_STAR_NEIGHBOURS` nearest neighbours in the other), each pair tested
    /// again only when one of its routes changed since. Returns whether a move was applied.
    fn swap_star_pass(&mut self) -> bool {
        let mut pairs = std::mem::take(&mut self.pairs);
        pairs.clear();
        for (ra, r) in self.routes.iter().enumerate() {
            for &u in &r.nodes[1..r.nodes.len() - 1] {
                for &v in self.neigh[u as usize].iter().take(SWAP_STAR_NEIGHBOURS) {
                    let rb = self.route_of[v as usize];
                    if rb != ra {
                        pairs.push((ra.min(rb) as u32, ra.max(rb) as u32));
                    }
                }
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        let mut improved = false;
        let mut last = 0;
        for k in 0..pairs.len() {
            let (ra, rb) = (pairs[k].0 as usize, pairs[k].1 as usize);
            if k == 0 || pairs[k - 1].0 != pairs[k].0 {
                last = self.swap_tested[ra];
                self.swap_tested[ra] = self.step;
            }
            if self.last_mod[ra].max(self.last_mod[rb]) <= last
                || (self.origin[ra] != 0 && self.origin[ra] == self.origin[rb])
                || self.routes[ra].nodes.len() <= 2
                || self.routes[rb].nodes.len() <= 2
            {
                continue;
            }
            improved |= self.swap_star(ra, rb);
        }
        self.pairs = pairs;
        improved
    }

    /// For each customer of route `from`, the three cheapest insertions into route `into`
    /// (position `p` = between nodes `p` and `p + 1`), priced by distance and time warp.
    fn best_insertions(&self, from: usize, into: usize, out: &mut Vec<[(f64, u32); 3]>) {
        let d = self.data;
        let tw = self.pen.tw;
        let (a, b) = (&self.routes[from], &self.routes[into]);
        let lb = b.nodes.len();
        let base = b.pre[lb - 1].dist + tw * b.pre[lb - 1].tw;
        out.clear();
        for &u in &a.nodes[1..a.nodes.len() - 1] {
            let mut top = [(f64::INFINITY, u32::MAX); 3];
            for p in 0..lb - 1 {
                let s = d.merge(&d.merge_node(&b.pre[p], u), &b.suf[p + 1]);
                let c = s.dist + tw * s.tw - base;
                if c < top[2].0 {
                    top[2] = (c, p as u32);
                    if top[2].0 < top[1].0 {
                        top.swap(1, 2);
                        if top[1].0 < top[0].0 {
                            top.swap(0, 1);
                        }
                    }
                }
            }
            out.push(top);
        }
    }

    /// Removal of each customer of route `r`: change of distance plus weighted time warp.
    fn removals(&self, r: usize, out: &mut Vec<f64>) {
        let d = self.data;
        let tw = self.pen.tw;
        let route = &self.routes[r];
        let l = route.nodes.len();
        let base = route.pre[l - 1].dist + tw * route.pre[l - 1].tw;
        out.clear();
        for i in 1..l - 1 {
            let s = d.merge(&route.pre[i - 1], &route.suf[i + 1]);
            out.push(s.dist + tw * s.tw - base);
        }
    }

    /// SWAP* (Vidal 2022, Section 4, with time windows as in PyVRP): exchange a customer `u` of
    /// route `ra` with a customer `v` of route `rb`, each inserted at its best position in the
    /// other route rather than in the other's place. Candidates are priced from each customer's
    /// three best insertions, its removal, the exact change of excess load, and (for insertion in
    /// the place just vacated) a distance estimate; the best candidate is then evaluated exactly
    /// and applied if it improves the penalised cost. Returns whether a move was applied.
    fn swap_star(&mut self, ra: usize, rb: usize) -> bool {
        let mut ins_ab = std::mem::take(&mut self.ins_ab);
        let mut ins_ba = std::mem::take(&mut self.ins_ba);
        let mut rem_a = std::mem::take(&mut self.rem_a);
        let mut rem_b = std::mem::take(&mut self.rem_b);
        self.best_insertions(ra, rb, &mut ins_ab);
        self.best_insertions(rb, ra, &mut ins_ba);
        self.removals(ra, &mut rem_a);
        self.removals(rb, &mut rem_b);
        let d = self.data;
        let pen = self.pen;
        let (a, b) = (&self.routes[ra], &self.routes[rb]);
        let (la, lb) = (a.nodes.len(), b.nodes.len());
        let (load_a, load_b) = (a.pre[la - 1].load, b.pre[lb - 1].load);
        let excess = |l: f64| (l - d.capacity).max(0.0);
        let tc = |s: &Seg| s.dist + pen.tw * s.tw;
        let (base_a, base_b) = (tc(&a.pre[la - 1]), tc(&b.pre[lb - 1]));
        // Best change of a route from which the customer at position `gone` leaves (`removal`) and
        // into which a customer `w` with three best positions `top` comes: at a listed position
        // not next to `gone`, or exactly in the place left (evaluated exactly, `route` and `base`).
        let best_ins = |route: &Route, base: f64, top: &[(f64, u32); 3], gone: usize, removal: f64, w: u32| {
            let mut best = (f64::INFINITY, gone - 1);
            for &(c, p) in top {
                let p = p as usize;
                if p != gone - 1 && p != gone && removal + c < best.0 {
                    best = (removal + c, p);
                }
            }
            let s = d.merge(&d.merge_node(&route.pre[gone - 1], w), &route.suf[gone + 1]);
            let in_place = tc(&s) - base;
            if in_place < best.0 {
                best = (in_place, gone - 1);
            }
            best
        };
        let mut best = (-EPS, 0usize, 0usize, 0usize, 0usize);
        for i in 1..la - 1 {
            let u = a.nodes[i];
            let du = d.seg(u).load;
            for j in 1..lb - 1 {
                let v = b.nodes[j];
                let dv = d.seg(v).load;
                let load =
                    pen.load * (excess(load_a - du + dv) - excess(load_a) + excess(load_b - dv + du) - excess(load_b));
                let (rem_u, rem_v) = (rem_a[i - 1], rem_b[j - 1]);
                // Under the triangle inequality an insertion adds distance and time warp: a bound.
                if load + rem_u + rem_v >= best.0 {
                    continue;
                }
                let (da, pos_v) = best_ins(a, base_a, &ins_ba[j - 1], i, rem_u, v);
                if load + da + rem_v >= best.0 {
                    continue;
                }
                let (db, pos_u) = best_ins(b, base_b, &ins_ab[i - 1], j, rem_v, u);
                let total = load + da + db;
                if total < best.0 {
                    best = (total, i, j, pos_v, pos_u);
                }
            }
        }
        self.ins_ab = ins_ab;
        self.ins_ba = ins_ba;
        self.rem_a = rem_a;
        self.rem_b = rem_b;
        if best.1 == 0 {
            return false;
        }
        let (_, i, j, pos_v, pos_u) = best;
        let new_a = exchanged(&self.routes[ra].nodes, i, self.routes[rb].nodes[j], pos_v);
        let new_b = exchanged(&self.routes[rb].nodes, j, self.routes[ra].nodes[i], pos_u);
        let cost = |nodes: &[u32]| self.c(&d.route_seg(&nodes[1..nodes.len() - 1]));
        if cost(&new_a) + cost(&new_b) < self.routes[ra].cost + self.routes[rb].cost - EPS {
            self.routes[ra].nodes = new_a;
            self.routes[rb].nodes = new_b;
            self.rebuild(ra);
            self.rebuild(rb);
            return true;
        }
        false
    }

    #[inline]
    fn c(&self, s: &Seg) -> f64 {
        self.data.cost(s, &self.pen)
    }

    /// Penalised cost of a route made of `pre`, then the `mid` nodes, then `suf`.
    #[inline]
    fn cost3(&self, pre: &Seg, mid: &[u32], suf: &Seg) -> f64 {
        let d = self.data;
        let mut s = *pre;
        for &m in mid {
            s = d.merge_node(&s, m);
        }
        // An empty route (depot joined to depot) costs 0: `Data::merge` makes that join free.
        self.c(&d.merge(&s, suf))
    }

    /// Tries the moves for customer `u` and the node at position `j` of route `rv` (position 0 = the
    /// start depot). Applies the first improving move; returns whether one was applied.
    fn try_pair(&mut self, u: u32, rv: usize, j: usize) -> bool {
        let ru = self.route_of[u as usize];
        let i = self.pos_of[u as usize];
        if ru == rv { self.try_intra(ru, i, j) } else { self.try_inter(ru, i, rv, j) }
    }

    /// Distance between nodes, with a depot-to-depot join (empty route) counting 0.
    #[inline]
    fn dd(&self, i: u32, j: u32) -> f64 {
        if i == 0 && j == 0 { 0.0 } else { self.data.dist[i as usize * self.data.size + j as usize] }
    }

    /// Inter-route moves. Each move is first bounded from below by its distance change minus the
    /// current penalties of both routes (penalties can only vanish); only moves whose bound is
    /// negative are evaluated exactly by segment concatenation.
    fn try_inter(&mut self, ru: usize, i: usize, rv: usize, j: usize) -> bool {
        let a = &self.routes[ru];
        let b = &self.routes[rv];
        let (la, lb) = (a.nodes.len(), b.nodes.len());
        let u = a.nodes[i];
        let v = b.nodes[j];
        let old = a.cost + b.cost;
        let old_pen = old - a.pre[la - 1].dist - b.pre[lb - 1].dist;
        let x_ok = i + 2 < la; // X = next(U) is a customer
        let y_ok = j >= 1 && j + 2 < lb; // Y = next(V) is a customer
        let pu = a.nodes[i - 1];
        let x = a.nodes[i + 1];
        let nx = if x_ok { a.nodes[i + 2] } else { 0 };
        let y = b.nodes[j + 1];
        let pv = if j >= 1 { b.nodes[j - 1] } else { 0 };
        let ny = if y_ok { b.nodes[j + 2] } else { 0 };
        let d = |p: u32, q: u32| self.dd(p, q);

        // 1. Relocate U after V.
        let dd = d(pu, x) - d(pu, u) - d(u, x) + d(v, u) + d(u, y) - d(v, y);
        if dd - old_pen < -EPS {
            let na = self.cost3(&a.pre[i - 1], &[], &a.suf[i + 1]);
            let nb = self.cost3(&b.pre[j], &[u], &b.suf[j + 1]);
            if na + nb < old - EPS {
                self.apply_inter(ru, rv, i, 1, j + 1, 0, false);
                return true;
            }
        }
        if x_ok {
            // 2. Relocate (U, X) after V, and reversed (X, U).
            let base = d(pu, nx) - d(pu, u) - d(x, nx) - d(v, y);
            let dd = base + d(v, u) + d(x, y);
            let ddr = base + d(v, x) + d(x, u) + d(u, y) - d(u, x);
            if dd.min(ddr) - old_pen < -EPS {
                let na = self.cost3(&a.pre[i - 1], &[], &a.suf[i + 2]);
                if dd - old_pen < -EPS {
                    let nb = self.cost3(&b.pre[j], &[u, x], &b.suf[j + 1]);
                    if na + nb < old - EPS {
                        self.apply_inter(ru, rv, i, 2, j + 1, 0, false);
                        return true;
                    }
                }
                if ddr - old_pen < -EPS {
                    let nb = self.cost3(&b.pre[j], &[x, u], &b.suf[j + 1]);
                    if na + nb < old - EPS {
                        self.apply_inter(ru, rv, i, 2, j + 1, 0, true);
                        return true;
                    }
                }
            }
        }
        if j >= 1 {
            // 3. Swap U and V.
            let dd = d(pu, v) + d(v, x) - d(pu, u) - d(u, x) + d(pv, u) + d(u, y) - d(pv, v) - d(v, y);
            if dd - old_pen < -EPS {
                let na = self.cost3(&a.pre[i - 1], &[v], &a.suf[i + 1]);
                let nb = self.cost3(&b.pre[j - 1], &[u], &b.suf[j + 1]);
                if na + nb < old - EPS {
                    self.apply_inter(ru, rv, i, 1, j, 1, false);
                    return true;
                }
            }
            if x_ok {
                // 4. Swap (U, X) with V.
                let dd = d(pu, v) + d(v, nx) - d(pu, u) - d(x, nx) + d(pv, u) + d(x, y) - d(pv, v) - d(v, y);
                if dd - old_pen < -EPS {
                    let na = self.cost3(&a.pre[i - 1], &[v], &a.suf[i + 2]);
                    let nb = self.cost3(&b.pre[j - 1], &[u, x], &b.suf[j + 1]);
                    if na + nb < old - EPS {
                        self.apply_inter(ru, rv, i, 2, j, 1, false);
                        return true;
                    }
                }
                if y_ok {
                    // 5. Swap (U, X) with (V, Y).
                    // Internal edges U-X and V-Y move with their blocks.
                    let dd = d(pu, v) + d(y, nx) - d(pu, u) - d(x, nx) + d(pv, u) + d(x, ny) - d(pv, v) - d(y, ny);
                    if dd - old_pen < -EPS {
                        let na = self.cost3(&a.pre[i - 1], &[v, y], &a.suf[i + 2]);
                        let nb = self.cost3(&b.pre[j - 1], &[u, x], &b.suf[j + 2]);
                        if na + nb < old - EPS {
                            self.apply_inter(ru, rv, i, 2, j, 2, false);
                            return true;
                        }
                    }
                }
            }
        }
        // 6. 2-opt*: U's route continues with V's tail and vice versa.
        let dd = d(u, y) + d(v, x) - d(u, x) - d(v, y);
        if dd - old_pen < -EPS {
            let na = self.cost3(&a.pre[i], &[], &b.suf[j + 1]);
            let nb = self.cost3(&b.pre[j], &[], &a.suf[i + 1]);
            if na + nb < old - EPS {
                let ta: Vec<u32> = self.routes[ru].nodes[i + 1..].to_vec();
                let tb: Vec<u32> = self.routes[rv].nodes[j + 1..].to_vec();
                self.routes[ru].nodes.truncate(i + 1);
                self.routes[ru].nodes.extend_from_slice(&tb);
                self.routes[rv].nodes.truncate(j + 1);
                self.routes[rv].nodes.extend_from_slice(&ta);
                self.rebuild(ru);
                self.rebuild(rv);
                return true;
            }
        }
        false
    }

    /// Replaces `cnt_a` nodes at position `i` of route `ra` with `cnt_b` nodes at position `j` of
    /// route `rb` and vice versa (`rev` reverses the block moved from `ra`).
    #[allow(clippy::too_many_arguments)]
    fn apply_inter(&mut self, ra: usize, rb: usize, i: usize, cnt_a: usize, j: usize, cnt_b: usize, rev: bool) {
        let mut block_a: Vec<u32> = self.routes[ra].nodes[i..i + cnt_a].to_vec();
        if rev {
            block_a.reverse();
        }
        let block_b: Vec<u32> = self.routes[rb].nodes[j..j + cnt_b].to_vec();
        self.routes[ra].nodes.splice(i..i + cnt_a, block_b);
        self.routes[rb].nodes.splice(j..j + cnt_b, block_a);
        self.rebuild(ra);
        self.rebuild(rb);
    }

    fn try_intra(&mut self, r: usize, i: usize, j: usize) -> bool {
        if i == j {
            return false;
        }
        let route = &self.routes[r];
        let len = route.nodes.len();
        let nodes = &route.nodes;
        let old = route.cost;
        let u = nodes[i];
        let mut buf: Vec<u32> = Vec::with_capacity(len);
        // 1. Relocate U after V.
        if j + 1 != i {
            let c = if j < i {
                buf.push(u);
                buf.extend_from_slice(&nodes[j + 1..i]);
                self.cost3(&route.pre[j], &buf, &route.suf[i + 1])
            } else {
                buf.extend_from_slice(&nodes[i + 1..=j]);
                buf.push(u);
                self.cost3(&route.pre[i - 1], &buf, &route.suf[j + 1])
            };
            if c < old - EPS {
                let mut nn = nodes.clone();
                let x = nn.remove(i);
                let at = if j < i { j + 1 } else { j };
                nn.insert(at, x);
                self.routes[r].nodes = nn;
                self.rebuild(r);
                return true;
            }
        }
        if j >= 1 {
            // 2. Swap U and V.
            let (p, q) = (i.min(j), i.max(j));
            buf.clear();
            buf.push(nodes[q]);
            buf.extend_from_slice(&nodes[p + 1..q]);
            buf.push(nodes[p]);
            let c = self.cost3(&route.pre[p - 1], &buf, &route.suf[q + 1]);
            if c < old - EPS {
                self.routes[r].nodes.swap(p, q);
                self.rebuild(r);
                return true;
            }
        }
        // 3. 2-opt: reverse the nodes strictly after min(i, j) up to max(i, j).
        let (p, q) = (i.min(j) + 1, i.max(j));
        if q > p {
            buf.clear();
            buf.extend(nodes[p..=q].iter().rev());
            let c = self.cost3(&route.pre[p - 1], &buf, &route.suf[q + 1]);
            if c < old - EPS {
                self.routes[r].nodes[p..=q].reverse();
                self.rebuild(r);
                return true;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::{Node, Problem};

    /// Random instance on a 100 x 100 square; `tight` gives narrow windows and a small capacity.
    fn instance(seed: u64, n: usize, tight: bool) -> Problem {
        let mut rng = Rng::new(seed);
        let pts: Vec<(f64, f64)> = (0..=n).map(|_| (rng.unit() * 100.0, rng.unit() * 100.0)).collect();
        let size = n + 1;
        let mut m = vec![0.0; size * size];
        for i in 0..size {
            for j in 0..size {
                m[i * size + j] = ((pts[i].0 - pts[j].0).powi(2) + (pts[i].1 - pts[j].1).powi(2)).sqrt();
            }
        }
        let mut nodes = vec![Node { id: 0, demand: 0, ready: 0.0, due: 100_000.0, service: 0.0 }];
        for i in 1..=n {
            let (ready, due) = if tight {
                let c = rng.unit() * 600.0;
                (c, c + 40.0)
            } else {
                (0.0, 100_000.0)
            };
            nodes.push(Node { id: i, demand: 1 + rng.below(9) as u32, ready, due, service: 5.0 });
        }
        let capacity = if tight { 30 } else { 1_000 };
        Problem::new("swap*", nodes, m.clone(), m, capacity, 2).expect("valid instance")
    }

    /// Exact best change of penalised cost over all SWAP* moves between routes 0 and 1: every
    /// customer pair, every position of each in the other route.
    fn brute_force(ls: &LocalSearch) -> f64 {
        let (a, b) = (&ls.routes[0].nodes, &ls.routes[1].nodes);
        let cost = |nodes: &[u32]| ls.c(&ls.data.route_seg(&nodes[1..nodes.len() - 1]));
        let old = cost(a) + cost(b);
        let mut best = 0.0f64;
        for i in 1..a.len() - 1 {
            for j in 1..b.len() - 1 {
                for p in 0..a.len() - 1 {
                    if p == i {
                        continue;
                    }
                    let na = exchanged(a, i, b[j], p);
                    for q in 0..b.len() - 1 {
                        if q == j {
                            continue;
                        }
                        let nb = exchanged(b, j, a[i], q);
                        best = best.min(cost(&na) + cost(&nb) - old);
                    }
                }
            }
        }
        best
    }

    /// A search over two routes splitting the customers at random (the problem's data and a
    /// full neighbour list are leaked so the search can be returned; a test only).
    fn setup(p: &Problem, seed: u64) -> (LocalSearch<'static>, f64) {
        let n = p.num_customers();
        let data: &'static Data = Box::leak(Box::new(Data::new(p, (0..=n).collect())));
        let neigh: Vec<Vec<u32>> = (0..=n as u32).map(|i| (1..=n as u32).filter(|&j| j != i).collect()).collect();
        let neigh: &'static [Vec<u32>] = Box::leak(neigh.into_boxed_slice());
        let mut ls = LocalSearch::new(data, neigh);
        let mut rng = Rng::new(seed);
        let mut customers: Vec<u32> = (1..=n as u32).collect();
        rng.shuffle(&mut customers);
        let (r0, r1) = customers.split_at(n / 2);
        ls.load(&[r0.to_vec(), r1.to_vec()], &[], Penalties { load: 10.0, tw: 3.0 });
        let old = ls.routes[0].cost + ls.routes[1].cost;
        (ls, old)
    }

    fn check_routes(ls: &LocalSearch, n: usize) -> f64 {
        let mut seen = vec![false; n + 1];
        let mut total = 0.0;
        for r in &ls.routes {
            let inner = &r.nodes[1..r.nodes.len() - 1];
            inner.iter().for_each(|&c| {
                assert!(!seen[c as usize], "customer {c} twice");
                seen[c as usize] = true;
            });
            let fresh = ls.c(&ls.data.route_seg(inner));
            assert!((fresh - r.cost).abs() < 1e-6, "stored {} recomputed {fresh}", r.cost);
            total += fresh;
        }
        assert!(seen[1..].iter().all(|&s| s), "a customer was lost");
        total
    }

    #[test]
    fn swap_star_finds_the_best_exchange_when_only_distance_counts() {
        for seed in 0..20 {
            let n = 12;
            let (mut ls, old) = setup(&instance(seed, n, false), seed);
            let best = brute_force(&ls);
            let applied = ls.swap_star(0, 1);
            let new = check_routes(&ls, n);
            if best < -1e-6 {
                assert!(applied, "seed {seed}: an improving exchange of {best} was missed");
                assert!((new - old - best).abs() < 1e-6, "seed {seed}: change {} instead of {best}", new - old);
            } else {
                assert!(!applied, "seed {seed}: no improving exchange exists");
            }
        }
    }

    #[test]
    fn swap_star_moves_are_exact_and_improving_with_time_windows_and_loads() {
        let mut applied_some = false;
        for seed in 0..30 {
            let n = 10;
            let (mut ls, old) = setup(&instance(seed, n, true), seed);
            let best = brute_force(&ls);
            let applied = ls.swap_star(0, 1);
            let new = check_routes(&ls, n);
            if applied {
                applied_some = true;
                assert!(new < old - EPS, "seed {seed}: {old} -> {new}");
                assert!(new - old >= best - 1e-6, "seed {seed}: better than the best exchange");
            } else {
                assert!((new - old).abs() < 1e-9);
            }
        }
        assert!(applied_some, "no exchange was ever applied");
    }
}
