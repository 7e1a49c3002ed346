//! Route segment data with O(1) concatenation.
//!
//! A segment summarises a sequence of visits by its distance, load, duration, time warp and the
//! earliest/latest start times that achieve this duration with minimal time warp. Concatenation
//! follows Vidal, Crainic, Gendreau & Prins (2013), "A hybrid genetic algorithm with adaptive
//! diversity management for a large class of vehicle routing problems with time-windows",
//! Computers & Operations Research 40(1), Section 4 (time-warp concept of Nagata, Bräysy &
//! Dullaert 2010), in the form used by PyVRP (Wouda, Lan & Kool 2024).

use crate::problem::Problem;

/// Summary of a sequence of visits.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Seg {
    pub first: u32,
    pub last: u32,
    pub dist: f64,
    pub load: f64,
    pub dur: f64,
    pub tw: f64,
    pub early: f64,
    pub late: f64,
}

/// Penalty weights for excess load and time warp.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Penalties {
    pub load: f64,
    pub tw: f64,
}

/// Solver-side copy of the problem in flat arrays, in the solver's own node numbering: internal
/// node `k` is the problem's node `order[k]` (the depot stays 0). A numbering in which nearby
/// nodes have nearby numbers keeps the matrix rows the search reads in cache.
pub(crate) struct Data {
    pub size: usize,
    pub dist: Vec<f64>,
    /// Travel times; empty when they equal the distances (then only one matrix is read).
    time: Vec<f64>,
    pub node_seg: Vec<Seg>,
    pub capacity: f64,
    pub fleet: usize,
    /// Problem index of each internal node.
    pub order: Vec<usize>,
}

impl Data {
    /// `order` must be a permutation of the problem's node indices with `order[0] == 0`.
    pub fn new(p: &Problem, order: Vec<usize>) -> Data {
        let size = p.num_nodes();
        let mut dist = Vec::with_capacity(size * size);
        let mut time = Vec::with_capacity(size * size);
        let mut same = true;
        for &i in &order {
            for &j in &order {
                let (d, t) = (p.dist(i, j), p.time(i, j));
                same &= d.to_bits() == t.to_bits();
                dist.push(d);
                time.push(t);
            }
        }
        if same {
            time = Vec::new();
        }
        let nodes = p.nodes();
        let node_seg = order
            .iter()
            .enumerate()
            .map(|(i, &o)| (i, &nodes[o]))
            .map(|(i, nd)| Seg {
                first: i as u32,
                last: i as u32,
                dist: 0.0,
                load: nd.demand as f64,
                dur: nd.service,
                tw: 0.0,
                early: nd.ready,
                late: nd.due,
            })
            .collect();
        Data { size, dist, time, node_seg, capacity: p.capacity() as f64, fleet: p.num_vehicles(), order }
    }

    #[inline]
    pub fn seg(&self, i: u32) -> Seg {
        self.node_seg[i as usize]
    }

    /// Concatenates `a` then `b`. A depot-to-depot join (an empty route) costs nothing.
    #[inline]
    pub fn merge(&self, a: &Seg, b: &Seg) -> Seg {
        let (ed, et) = if a.last == 0 && b.first == 0 {
            (0.0, 0.0)
        } else {
            let k = a.last as usize * self.size + b.first as usize;
            let d = self.dist[k];
            (d, if self.time.is_empty() { d } else { self.time[k] })
        };
        let at_second = a.dur - a.tw + et;
        let diff_wait = (b.early - at_second - a.late).max(0.0);
        let diff_tw = (a.early + at_second - b.late).max(0.0);
        Seg {
            first: a.first,
            last: b.last,
            dist: a.dist + ed + b.dist,
            load: a.load + b.load,
            dur: a.dur + b.dur + et + diff_wait,
            tw: a.tw + b.tw + diff_tw,
            early: (b.early - at_second).max(a.early) - diff_wait,
            late: (b.late - at_second).min(a.late) + diff_tw,
        }
    }

    #[inline]
    pub fn merge_node(&self, a: &Seg, i: u32) -> Seg {
        self.merge(a, &self.node_seg[i as usize])
    }

    /// Penalised cost of a complete route segment.
    #[inline]
    pub fn cost(&self, s: &Seg, pen: &Penalties) -> f64 {
        s.dist + pen.load * (s.load - self.capacity).max(0.0) + pen.tw * s.tw
    }

    /// Segment of a whole route (customers only given; depots added).
    pub fn route_seg(&self, customers: &[u32]) -> Seg {
        let mut s = self.seg(0);
        for &c in customers {
            s = self.merge_node(&s, c);
        }
        self.merge_node(&s, 0)
    }
}
