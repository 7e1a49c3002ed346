//! Population management of hybrid genetic search (Vidal et al. 2012; PyVRP).
//!
//! Two subpopulations (feasible / infeasible). Each individual's biased fitness combines its rank
//! by penalised cost and its rank by diversity contribution, the mean broken-pairs distance to its
//! `nb_close` closest individuals: `BF = cost_rank + (1 - nb_elite / size) * div_rank` (ranks
//! normalised to [0, 1]). When a subpopulation exceeds `min_pop + generation_size`, duplicates
//! and then the worst by biased fitness are removed until `min_pop` remain.

use crate::individual::Individual;
use crate::rng::Rng;
use crate::segment::Penalties;

pub(crate) struct Member {
    pub ind: Individual,
    id: u64,
    /// Broken-pairs distances to the others, ascending.
    prox: Vec<(f64, u64)>,
    fitness: f64,
}

#[derive(Default)]
pub(crate) struct SubPop {
    pub members: Vec<Member>,
}

pub(crate) struct PopParams {
    pub min_pop: usize,
    pub generation: usize,
    pub nb_elite: usize,
    pub nb_close: usize,
}

impl SubPop {
    fn add(&mut self, ind: Individual, id: u64) {
        let mut prox = Vec::with_capacity(self.members.len());
        for m in &mut self.members {
            let d = ind.broken_pairs(&m.ind);
            let pos = m.prox.partition_point(|&(x, _)| x < d);
            m.prox.insert(pos, (d, id));
            prox.push((d, m.id));
        }
        prox.sort_by(|a, b| a.0.total_cmp(&b.0));
        self.members.push(Member { ind, id, prox, fitness: 0.0 });
    }

    fn remove(&mut self, k: usize) {
        let id = self.members.swap_remove(k).id;
        for m in &mut self.members {
            if let Some(p) = m.prox.iter().position(|&(_, o)| o == id) {
                m.prox.remove(p);
            }
        }
    }

    fn diversity(&self, m: &Member, nb_close: usize) -> f64 {
        let k = nb_close.min(m.prox.len());
        if k == 0 {
            return 0.0;
        }
        m.prox[..k].iter().map(|p| p.0).sum::<f64>() / k as f64
    }

    pub fn update_fitness(&mut self, pen: &Penalties, pp: &PopParams) {
        let size = self.members.len();
        if size <= 1 {
            self.members.iter_mut().for_each(|m| m.fitness = 0.0);
            return;
        }
        let mut by_cost: Vec<(f64, usize)> =
            self.members.iter().enumerate().map(|(k, m)| (m.ind.penalised(pen), k)).collect();
        by_cost.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut div: Vec<(f64, usize)> =
            self.members.iter().enumerate().map(|(k, m)| (-self.diversity(m, pp.nb_close), k)).collect();
        div.sort_by(|a, b| a.0.total_cmp(&b.0));
        let norm = (size - 1) as f64;
        let w = (1.0 - pp.nb_elite as f64 / size as f64).max(0.0);
        for (rank, &(_, k)) in by_cost.iter().enumerate() {
            self.members[k].fitness = rank as f64 / norm;
        }
        for (rank, &(_, k)) in div.iter().enumerate() {
            self.members[k].fitness += w * rank as f64 / norm;
        }
    }

    fn purge(&mut self, pen: &Penalties, pp: &PopParams) {
        while self.members.len() > pp.min_pop {
            if let Some(k) = self.members.iter().position(|m| m.prox.first().is_some_and(|p| p.0 < 1e-12)) {
                self.remove(k);
                continue;
            }
            self.update_fitness(pen, pp);
            let mut worst = 0;
            for k in 1..self.members.len() {
                if self.members[k].fitness > self.members[worst].fitness {
                    worst = k;
                }
            }
            self.remove(worst);
        }
    }
}

pub(crate) struct Population {
    pub feasible: SubPop,
    pub infeasible: SubPop,
    next_id: u64,
}

impl Population {
    pub fn new() -> Self {
        Population { feasible: SubPop::default(), infeasible: SubPop::default(), next_id: 0 }
    }

    pub fn len(&self) -> usize {
        self.feasible.members.len() + self.infeasible.members.len()
    }

    pub fn clear(&mut self) {
        self.feasible.members.clear();
        self.infeasible.members.clear();
    }

    pub fn add(&mut self, ind: Individual, pen: &Penalties, pp: &PopParams) {
        self.next_id += 1;
        let sub = if ind.is_feasible() { &mut self.feasible } else { &mut self.infeasible };
        sub.add(ind, self.next_id);
        if sub.members.len() > pp.min_pop + pp.generation {
            sub.purge(pen, pp);
        }
    }

    fn tournament(&self, rng: &mut Rng) -> &Individual {
        let nf = self.feasible.members.len();
        let pick = |k: usize| if k < nf { &self.feasible.members[k] } else { &self.infeasible.members[k - nf] };
        let a = pick(rng.below(self.len()));
        let b = pick(rng.below(self.len()));
        if a.fitness <= b.fitness { &a.ind } else { &b.ind }
    }

    /// Binary-tournament selection of two parents, retrying (up to 10 times) for a second parent
    /// whose broken-pairs distance to the first lies in `[lb, ub]` (as in PyVRP).
    pub fn select(&mut self, rng: &mut Rng, pen: &Penalties, pp: &PopParams) -> (Individual, Individual) {
        self.feasible.update_fitness(pen, pp);
        self.infeasible.update_fitness(pen, pp);
        let p1 = self.tournament(rng);
        let mut p2 = self.tournament(rng);
        for _ in 0..10 {
            let d = p1.broken_pairs(p2);
            if (0.1..=0.5).contains(&d) {
                break;
            }
            p2 = self.tournament(rng);
        }
        (p1.clone(), p2.clone())
    }
}
