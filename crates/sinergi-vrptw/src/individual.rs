//! Solutions inside the genetic algorithm: routes of internal node indices plus cost components.

use crate::segment::{Data, Penalties};

/// Time warp and excess load below this are treated as zero (floating-point noise).
pub(crate) const FEAS_EPS: f64 = 1e-7;

#[derive(Clone, Debug)]
pub(crate) struct Individual {
    /// Non-empty routes of customer indices (depot excluded).
    pub routes: Vec<Vec<u32>>,
    pub dist: f64,
    pub excess_load: f64,
    pub time_warp: f64,
    /// Successor / predecessor of each node (0 = depot), for the broken-pairs distance.
    pub succ: Vec<u32>,
    pub pred: Vec<u32>,
}

impl Individual {
    pub fn new(data: &Data, routes: Vec<Vec<u32>>) -> Individual {
        let mut routes: Vec<Vec<u32>> = routes.into_iter().filter(|r| !r.is_empty()).collect();
        // Canonical order so that equal solutions compare equal.
        routes.sort_unstable_by_key(|r| r[0]);
        let mut succ = vec![0u32; data.size];
        let mut pred = vec![0u32; data.size];
        let (mut dist, mut excess_load, mut time_warp) = (0.0, 0.0, 0.0);
        for r in &routes {
            let s = data.route_seg(r);
            dist += s.dist;
            excess_load += (s.load - data.capacity).max(0.0);
            time_warp += s.tw;
            for k in 0..r.len() {
                succ[r[k] as usize] = if k + 1 < r.len() { r[k + 1] } else { 0 };
                pred[r[k] as usize] = if k > 0 { r[k - 1] } else { 0 };
            }
        }
        Individual { routes, dist, excess_load, time_warp, succ, pred }
    }

    pub fn is_feasible(&self) -> bool {
        self.load_feasible() && self.tw_feasible()
    }
    pub fn load_feasible(&self) -> bool {
        self.excess_load < FEAS_EPS
    }
    pub fn tw_feasible(&self) -> bool {
        self.time_warp < FEAS_EPS
    }

    pub fn penalised(&self, pen: &Penalties) -> f64 {
        self.dist + pen.load * self.excess_load + pen.tw * self.time_warp
    }

    /// Giant tour: all routes concatenated.
    pub fn giant_tour(&self) -> Vec<u32> {
        self.routes.iter().flatten().copied().collect()
    }

    /// Broken-pairs distance in [0, 1] (Prins 2009; Vidal et al. 2012): share of customers whose
    /// neighbours differ, counting each customer's successor and predecessor links.
    pub fn broken_pairs(&self, other: &Individual) -> f64 {
        let n = self.succ.len() - 1;
        if n == 0 {
            return 0.0;
        }
        let mut diff = 0usize;
        for i in 1..=n {
            let (s, p) = (self.succ[i], self.pred[i]);
            if s != other.succ[i] && s != other.pred[i] {
                diff += 1;
            }
            if p == 0 && other.pred[i] != 0 && other.succ[i] != 0 {
                diff += 1;
            }
        }
        diff as f64 / n as f64
    }
}
