//! Internal numbering of the nodes for memory locality.
//!
//! The local search is bound by reads of the distance matrix at pairs of nodes that are close to
//! each other (a customer, its granular neighbours, their route neighbours). When close nodes
//! have close numbers, these reads fall in a narrow band around the diagonal of the matrix and
//! stay in cache. With coordinates the customers are numbered along a Hilbert curve; without,
//! by a breadth-first search of the granular neighbour graph from a customer far from the depot
//! (the idea of Cuthill & McKee 1969 for reducing the bandwidth of sparse matrices).

use crate::problem::Problem;

/// Position of `(x, y)` along the Hilbert curve of order 16 (`x, y < 2^16`); the iterative form
/// of the classic rotate-and-reflect construction (Hilbert 1891; Butz 1971).
fn hilbert(mut x: u32, mut y: u32) -> u64 {
    const N: u32 = 1 << 16;
    let mut d = 0u64;
    let mut s = N / 2;
    while s > 0 {
        let rx = u32::from(x & s > 0);
        let ry = u32::from(y & s > 0);
        d += u64::from(s) * u64::from(s) * u64::from((3 * rx) ^ ry);
        // Rotate the quadrant so the sub-curve has the standard orientation.
        if ry == 0 {
            if rx == 1 {
                x = s.wrapping_sub(1).wrapping_sub(x) & (N - 1);
                y = s.wrapping_sub(1).wrapping_sub(y) & (N - 1);
            }
            std::mem::swap(&mut x, &mut y);
        }
        s /= 2;
    }
    d
}

/// Problem indices in internal order: `order[k]` is the problem node numbered `k` inside the
/// solver; the depot keeps 0. `neigh[i]` lists node `i`'s granular neighbours (problem indices).
pub(crate) fn node_order(problem: &Problem, neigh: &[Vec<u32>]) -> Vec<usize> {
    let size = problem.num_nodes();
    if size <= 2 {
        return (0..size).collect();
    }
    if let Some(xy) = problem.coordinates() {
        let (mut x0, mut y0, mut x1, mut y1) = (f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY);
        for &(x, y) in &xy[1..] {
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
        }
        let span = (x1 - x0).max(y1 - y0).max(f64::MIN_POSITIVE);
        let cell = |v: f64, lo: f64| (((v - lo) / span) * 65_535.0).round().clamp(0.0, 65_535.0) as u32;
        let mut keyed: Vec<(u64, usize)> =
            (1..size).map(|i| (hilbert(cell(xy[i].0, x0), cell(xy[i].1, y0)), i)).collect();
        keyed.sort_unstable();
        return std::iter::once(0).chain(keyed.into_iter().map(|k| k.1)).collect();
    }
    let mut order = Vec::with_capacity(size);
    order.push(0);
    let mut seen = vec![false; size];
    seen[0] = true;
    let mut head = 1;
    while order.len() < size {
        // Start (or restart, for another component) at the unseen customer farthest from the depot.
        let start = (1..size)
            .filter(|&i| !seen[i])
            .max_by(|&a, &b| problem.dist(0, a).total_cmp(&problem.dist(0, b)).then(b.cmp(&a)));
        let Some(start) = start else { break };
        seen[start] = true;
        order.push(start);
        while head < order.len() {
            let u = order[head];
            head += 1;
            // The closest few neighbours only: a narrow search front gives a narrow band.
            for &v in neigh[u].iter().take(8) {
                if !seen[v as usize] {
                    seen[v as usize] = true;
                    order.push(v as usize);
                }
            }
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::hilbert;

    #[test]
    fn hilbert_curve_visits_neighbouring_cells_in_turn() {
        // On a 4 x 4 corner of the grid the curve's first 16 cells are each adjacent to the next.
        let mut cells: Vec<(u64, u32, u32)> = Vec::new();
        for x in 0..4u32 {
            for y in 0..4u32 {
                cells.push((hilbert(x, y), x, y));
            }
        }
        cells.sort_unstable();
        assert_eq!(cells.iter().map(|c| c.0).collect::<Vec<_>>(), (0..16).collect::<Vec<u64>>());
        for w in cells.windows(2) {
            let step = w[0].1.abs_diff(w[1].1) + w[0].2.abs_diff(w[1].2);
            assert_eq!(step, 1, "{:?} -> {:?}", w[0], w[1]);
        }
    }
}
