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
    }

    /// Runs the local search from `routes` under penalties `pen`; returns the improved routes.
    pub fn run(&mut self, rng: &mut Rng, routes: &[Vec<u32>], pen: Penalties) -> Vec<Vec<u32>> {
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
        self.last_tested.iter_mut().for_each(|x| *x = 0);
        rng.shuffle(&mut self.order);
        let order = std::mem::take(&mut self.order);
        let neigh = self.neigh;
        loop {
            let mut improved = false;
            for &u in &order {
                let last = self.last_tested[u as usize];
                self.last_tested[u as usize] = self.step;
                for &v in neigh[u as usize].iter() {
                    let (ru, rv) = (self.route_of[u as usize], self.route_of[v as usize]);
                    if self.last_mod[ru].max(self.last_mod[rv]) <= last {
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
                    && let Some(e) = self.routes.iter().position(|r| r.nodes.len() == 2)
                    && self.try_pair(u, e, 0)
                {
                    improved = true;
                }
            }
            if !improved {
                break;
            }
        }
        self.order = order;
        self.routes.iter().filter(|r| r.nodes.len() > 2).map(|r| r.nodes[1..r.nodes.len() - 1].to_vec()).collect()
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
