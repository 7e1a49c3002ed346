//! The scan's arithmetic: circles, expected counts, the log-likelihood ratio, the replications and the p-values.
//!
//! Speed comes from what does not change between replications. Permuting the days among the cases keeps every
//! zone's total and every day's total, so the expected count of every cylinder, `cases(circle) × cases(window) /
//! N`, is fixed, and so are the circles. Only cases whose permuted day falls in the last `max_days` days can be
//! observed in a cylinder, and the first M places of a uniformly random permutation are a uniformly random ordered
//! sample of M cases without replacement: a replication draws just those M cases (M = cases on the last `max_days`
//! days), gives them those M days, and counts per zone and window.
//!
//! Each replication needs only its maximum LLR. A few replications are searched in full; their smallest maximum
//! sets a level, and every cylinder gets the count at which its LLR would reach that level. The other replications
//! then only add counts along each circle and compare them with those thresholds, a block of windows at a time;
//! logarithms are taken for the few cylinders that reach theirs, and a replication where none does is searched in
//! full. Every maximum is therefore exactly what the full search gives.

use super::{Case, Cluster, Day, Period, ScanOutcome, ScanParams, Zone};
use crate::geo::EARTH_RADIUS_KM;
use crate::rng::SplitMix64;

/// Replicate maxima within this of an LLR count as reaching it, so that rounding never decides a p-value.
const TIE: f64 = 1e-9;

/// The log-likelihood ratio of a cylinder with `c` cases observed and `mu` expected out of `n`:
/// `c ln(c/mu) + (n−c) ln((n−c)/(n−mu))` when `c > mu` and `c ≥ min_cases`, else 0.
pub fn llr(c: u64, n: u64, mu: f64, min_cases: u64) -> f64 {
    let cf = c as f64;
    // A NaN expectation compares as neither greater nor smaller, and gives 0 rather than a NaN maximum.
    if c < min_cases || c > n || cf.partial_cmp(&mu) != Some(std::cmp::Ordering::Greater) {
        return 0.0;
    }
    let nf = n as f64;
    let inside = cf * (cf / mu).ln();
    // (n−c) ln((n−c)/(n−mu)) = (n−c) ln(1 − (c−mu)/(n−mu)); ln_1p keeps it exact when c−mu is small against n,
    // and the term is 0 (the limit of x ln x) when every case is inside.
    let outside = if c == n { 0.0 } else { (nf - cf) * ((mu - cf) / (nf - mu)).ln_1p() };
    // Mathematically positive whenever c > mu; rounding must not make it negative.
    (inside + outside).max(0.0)
}

/// The Monte Carlo p-value of `llr` against the replicate maxima: (1 + maxima ≥ llr − 1e-9) / (R + 1).
pub fn p_value(llr: f64, maxima: &[f64]) -> f64 {
    let reaching = maxima.iter().filter(|&&m| m >= llr - TIE).count();
    (1 + reaching) as f64 / (maxima.len() + 1) as f64
}

/// A Gumbel (extreme value type I) distribution fitted to the replicate maxima by moments (Abrams, Kleinman and
/// Kulldorff 2010): scale `sqrt(6 var)/π` and location `mean − γ·scale`, with the variance's sum of squares divided
/// by R (not R − 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gumbel {
    pub location: f64,
    pub scale: f64,
}

impl Gumbel {
    const EULER_GAMMA: f64 = 0.577_215_664_9;

    /// `None` when there are no maxima or they do not vary (a Gumbel of scale 0 is no distribution).
    pub fn fit(maxima: &[f64]) -> Option<Gumbel> {
        if maxima.is_empty() {
            return None;
        }
        let r = maxima.len() as f64;
        let mean = maxima.iter().sum::<f64>() / r;
        let variance = maxima.iter().map(|m| (m - mean).powi(2)).sum::<f64>() / r;
        let scale = (6.0 * variance).sqrt() / std::f64::consts::PI;
        (scale > 0.0 && scale.is_finite()).then_some(Gumbel { location: mean - Self::EULER_GAMMA * scale, scale })
    }

    /// P(max ≥ llr) = 1 − exp(−exp(−(llr − location)/scale)), through expm1 so that small values keep their
    /// digits instead of rounding to 0 at 1e-16.
    pub fn p_value(&self, llr: f64) -> f64 {
        let z = (llr - self.location) / self.scale;
        (-(-(-z).exp()).exp_m1()).clamp(0.0, 1.0)
    }
}

/// Every centre's circles, flattened: centre `i`'s members are `members[start[i]..start[i + 1]]`, nearest first,
/// the centre itself first. Member `k` closes the circle of the centre and its `k` nearest neighbours.
pub(crate) struct Circles {
    pub start: Vec<usize>,
    pub members: Vec<u32>,
    /// Distance of each member from its centre: the radius of the circle it closes.
    pub radius: Vec<f64>,
    /// Cases over the whole period in the circle the member closes.
    pub cases: Vec<u64>,
}

impl Circles {
    /// Grows each centre's circle through its neighbours by (distance, code) while the radius stays within
    /// `max_radius_km` and the cases within `max_fraction` of `n`, stopping at the first neighbour that breaks
    /// either. A centre whose own cases already exceed the fraction has no circle.
    pub fn build(zones: &[Zone], totals: &[u64], n: u64, max_radius_km: f64, max_fraction: f64) -> Circles {
        let limit = max_fraction * n as f64;
        let rad: Vec<f64> = zones.iter().map(|z| z.centroid.lat.to_radians()).collect();
        // Zones sorted by latitude: a zone farther north or south than the radius (R·|Δφ| is a lower bound of the
        // great-circle distance) is never measured.
        let mut by_lat: Vec<usize> = (0..zones.len()).collect();
        by_lat.sort_by(|&a, &b| rad[a].total_cmp(&rad[b]));
        let lats: Vec<f64> = by_lat.iter().map(|&i| rad[i]).collect();
        let band = max_radius_km / EARTH_RADIUS_KM;
        let mut circles =
            Circles { start: Vec::with_capacity(zones.len() + 1), members: vec![], radius: vec![], cases: vec![] };
        let mut near: Vec<(f64, usize)> = Vec::new();
        for (centre, &lat) in rad.iter().enumerate() {
            circles.start.push(circles.members.len());
            near.clear();
            let from = lats.partition_point(|&l| l < lat - band - 1e-12);
            for &other in &by_lat[from..] {
                if rad[other] > lat + band + 1e-12 {
                    break;
                }
                let distance = zones[centre].centroid.distance_km(&zones[other].centroid);
                if distance <= max_radius_km {
                    near.push((distance, other));
                }
            }
            near.sort_by(|a, b| {
                (a.1 != centre)
                    .cmp(&(b.1 != centre))
                    .then(a.0.total_cmp(&b.0))
                    .then_with(|| zones[a.1].code.cmp(&zones[b.1].code))
            });
            let mut inside = 0u64;
            for &(distance, other) in &near {
                inside += totals[other];
                if inside as f64 > limit {
                    break;
                }
                circles.members.push(other as u32);
                circles.radius.push(distance);
                circles.cases.push(inside);
            }
        }
        circles.start.push(circles.members.len());
        circles
    }

    fn of(&self, centre: usize) -> std::ops::Range<usize> {
        self.start[centre]..self.start[centre + 1]
    }
}

/// A count of cases in the layout the searches read. Signed because SSE2, the SIMD every x86-64 processor has,
/// compares signed 32-bit integers in one instruction and unsigned ones in three; [`super::scan`] refuses more
/// cases than it can hold.
pub(crate) type Count = i32;

/// A threshold that no count reaches.
const NEVER: Count = Count::MAX;

/// Counts are kept in rows of whole blocks of this many windows, so that the screened search adds and compares a
/// block at a time (one or two SIMD instructions) instead of a window at a time.
const LANES: usize = 8;

/// What stays fixed across replications.
pub(crate) struct Model {
    n: u64,
    /// Number of windows: the last 1..=`windows` days.
    windows: usize,
    /// Length of a zone's row of counts and of a member's row of thresholds: `windows` rounded up to whole
    /// blocks of [`LANES`]; the padding holds 0 counts and unreachable thresholds.
    stride: usize,
    /// Cases on the last w days over N, for w = 1..=windows: the expected count of a cylinder is the circle's
    /// cases times this.
    share: Vec<f64>,
    ln_share: Vec<f64>,
    circles: Circles,
    /// ln of each circle's cases, beside `circles.cases`.
    ln_cases: Vec<f64>,
    /// ln c for every count a circle can hold, so that the bound needs no logarithm.
    ln_count: Vec<f64>,
    min_cases: u64,
}

/// The best cylinder of a centre.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Best {
    pub llr: f64,
    /// Index into `circles.members` of the member that closes the circle.
    pub member: usize,
    /// The window's length in days.
    pub days: usize,
    pub observed: u64,
    pub expected: f64,
}

impl Model {
    pub fn new(zones: &[Zone], cases: &[Case], period: Period, params: &ScanParams) -> Model {
        let n = cases.len() as u64;
        let windows = (params.max_days.min(period.days())) as usize;
        let mut totals = vec![0u64; zones.len()];
        let mut last_days = vec![0u64; windows];
        for case in cases {
            totals[case.zone] += 1;
            if let Some(back) = back_from_end(case.day, period.end, windows) {
                last_days[back] += 1;
            }
        }
        let mut share = Vec::with_capacity(windows);
        let mut cumulative = 0u64;
        for &count in &last_days {
            cumulative += count;
            share.push(cumulative as f64 / n as f64);
        }
        let circles = Circles::build(zones, &totals, n, params.max_radius_km, params.max_fraction);
        let ln_cases = circles.cases.iter().map(|&c| (c as f64).ln()).collect();
        let largest = circles.cases.iter().copied().max().unwrap_or(0);
        let ln_count = (0..=largest).map(|c| (c as f64).ln()).collect();
        let ln_share = share.iter().map(|s| s.ln()).collect();
        let stride = windows.div_ceil(LANES) * LANES;
        Model { n, windows, stride, share, ln_share, circles, ln_cases, ln_count, min_cases: params.min_cases }
    }

    #[cfg(test)]
    pub fn windows(&self) -> usize {
        self.windows
    }

    #[cfg(test)]
    pub fn stride(&self) -> usize {
        self.stride
    }

    /// Zeroed counts for `zones` zones, in the layout the searches read.
    pub fn empty_counts(&self, zones: usize) -> Vec<Count> {
        vec![0; zones * self.stride]
    }

    /// The expected count of the cylinder closed by `member` over the last `w + 1` days. Every path computes it
    /// this one way, so equal cylinders get bit-equal LLRs.
    fn expected(&self, member: usize, w: usize) -> f64 {
        self.circles.cases[member] as f64 * self.share[w]
    }

    /// The best cylinder of every centre (`None` where no cylinder has a positive LLR). `counts[z·stride + w]`
    /// holds zone z's cases on the last w + 1 days. Walking each circle outwards, and its windows from the
    /// shortest, and replacing only on a strictly higher LLR, keeps the smaller circle and then the shorter window
    /// on ties.
    pub fn best_per_centre(&self, counts: &[Count]) -> Vec<Option<Best>> {
        let mut acc = vec![0u64; self.windows];
        let centres = self.circles.start.len() - 1;
        (0..centres)
            .map(|centre| {
                acc.fill(0);
                let mut best: Option<Best> = None;
                for member in self.circles.of(centre) {
                    let z = self.circles.members[member] as usize;
                    for (w, sum) in acc.iter_mut().enumerate() {
                        *sum += counts[z * self.stride + w].unsigned_abs() as u64;
                        let expected = self.expected(member, w);
                        let value = llr(*sum, self.n, expected, self.min_cases);
                        if value > best.map_or(0.0, |b| b.llr) {
                            best = Some(Best { llr: value, member, days: w + 1, observed: *sum, expected });
                        }
                    }
                }
                best
            })
            .collect()
    }

    /// The highest LLR of any cylinder: the same value as the maximum of [`Model::best_per_centre`], found faster.
    ///
    /// Before taking logarithms, each cylinder with c > mu is checked against an upper bound of its LLR,
    /// `c ln(c/mu) − (c − mu)(1 − c/N)`, from ln(1 − x) ≤ −x applied to the outside term and N − mu ≤ N; only
    /// a cylinder whose bound reaches the maximum so far can raise it.
    pub fn max_llr(&self, counts: &[Count]) -> f64 {
        let inv_n = 1.0 / self.n as f64;
        let mut acc = [0 as Count; LANES];
        let mut best = 0.0f64;
        let centres = self.circles.start.len() - 1;
        for centre in 0..centres {
            // One block of windows at a time keeps the sums in registers.
            for block in 0..self.stride / LANES {
                let windows = (block * LANES)..self.windows.min((block + 1) * LANES);
                acc.fill(0);
                for member in self.circles.of(centre) {
                    let z = self.circles.members[member] as usize;
                    let ln_cases = self.ln_cases[member];
                    for (sum, w) in acc.iter_mut().zip(windows.clone()) {
                        *sum += counts[z * self.stride + w];
                        let c = sum.unsigned_abs() as u64;
                        let cf = c as f64;
                        let mu = self.expected(member, w);
                        if c < self.min_cases || cf <= mu {
                            continue;
                        }
                        let bound = cf * (self.ln_count[c as usize] - ln_cases - self.ln_share[w])
                            - (cf - mu) * (1.0 - cf * inv_n);
                        // The slack covers the rounding of the bound's own arithmetic.
                        if bound >= best - 1e-9 * (1.0 + best) {
                            best = best.max(llr(c, self.n, mu, self.min_cases));
                        }
                    }
                }
            }
        }
        best
    }

    /// For every cylinder (`member · stride + w`), the fewest observed cases at which its LLR reaches `level`
    /// ([`NEVER`] where even all the circle's cases would not, and in the padding). The LLR grows with the
    /// observed count, so `c ≥ threshold` is `LLR ≥ level`, up to a margin that only lets a few more through.
    /// Computed on `threads` threads; the result does not depend on how many.
    pub fn thresholds(&self, level: f64, threads: usize) -> Vec<Count> {
        let members = self.circles.members.len();
        let target = level - 1e-9 * (1.0 + level.abs());
        let mut out = vec![NEVER; members * self.stride];
        let per_thread = members.div_ceil(threads.max(1)).max(1);
        std::thread::scope(|scope| {
            for (part, rows) in out.chunks_mut(per_thread * self.stride).enumerate() {
                scope.spawn(move || {
                    for (i, row) in rows.chunks_exact_mut(self.stride).enumerate() {
                        let member = part * per_thread + i;
                        for (w, slot) in row.iter_mut().take(self.windows).enumerate() {
                            *slot = self.threshold(member, w, target);
                        }
                    }
                });
            }
        });
        out
    }

    fn threshold(&self, member: usize, w: usize, target: f64) -> Count {
        let mu = self.expected(member, w);
        let most = self.circles.cases[member];
        let least = self.min_cases.max(mu.floor() as u64 + 1);
        if least > most {
            return NEVER;
        }
        let reaches = |c: u64| llr(c, self.n, mu, self.min_cases) >= target;
        // Start from the normal approximation, (c − mu)² / 2mu = level, and gallop to a bracket (low, high] with
        // `low` short of the target and `high` reaching it; the LLR grows with c above mu, so bisection then finds
        // the first count that reaches it.
        let guess = (mu + (2.0 * target.max(0.0) * mu).sqrt()).ceil().clamp(least as f64, most as f64) as u64;
        let mut step = 1;
        let (mut low, mut high) = if reaches(guess) {
            let mut high = guess;
            loop {
                if high == least {
                    return Count::try_from(high).unwrap_or(NEVER);
                }
                let probe = high.saturating_sub(step).max(least);
                if !reaches(probe) {
                    break (probe, high);
                }
                high = probe;
                step *= 2;
            }
        } else {
            let mut low = guess;
            loop {
                if low == most {
                    return NEVER;
                }
                let probe = (low + step).min(most);
                if reaches(probe) {
                    break (low, probe);
                }
                low = probe;
                step *= 2;
            }
        };
        while high - low > 1 {
            let mid = low + (high - low) / 2;
            if reaches(mid) {
                high = mid;
            } else {
                low = mid;
            }
        }
        Count::try_from(high).unwrap_or(NEVER)
    }

    /// The highest LLR when it reaches `level` (`None` otherwise), taking logarithms only for cylinders whose
    /// count reaches their threshold for that level. Per member of a circle this is one block of additions and
    /// one of comparisons, rarely true, with the sums in registers: the loop runs at the speed of the additions.
    pub fn max_llr_reaching(&self, counts: &[Count], thresholds: &[Count], level: f64) -> Option<f64> {
        let blocks = self.stride / LANES;
        let (counts, _) = counts.as_chunks::<LANES>();
        let (thresholds, _) = thresholds.as_chunks::<LANES>();
        let mut best = 0.0f64;
        for block in 0..blocks {
            for centre in 0..self.circles.start.len() - 1 {
                let mut sums = [0 as Count; LANES];
                for member in self.circles.of(centre) {
                    let z = self.circles.members[member] as usize;
                    let (count, limit) = (&counts[z * blocks + block], &thresholds[member * blocks + block]);
                    let mut hit = false;
                    for i in 0..LANES {
                        sums[i] += count[i];
                        hit |= sums[i] >= limit[i];
                    }
                    if hit {
                        for i in (0..LANES).filter(|&i| sums[i] >= limit[i]) {
                            let (c, mu) = (sums[i].unsigned_abs() as u64, self.expected(member, block * LANES + i));
                            best = best.max(llr(c, self.n, mu, self.min_cases));
                        }
                    }
                }
            }
        }
        (best >= level).then_some(best)
    }
}

/// How many days before `end` the day lies (0 for `end` itself), when that is fewer than `windows`.
fn back_from_end(day: Day, end: Day, windows: usize) -> Option<usize> {
    let back = usize::try_from(end.number() - day.number()).ok()?;
    (back < windows).then_some(back)
}

/// Turns per-day counts into per-window counts in place: `counts[z·stride + w]` becomes the cases on the last
/// w + 1 days.
pub(crate) fn cumulate(counts: &mut [Count], windows: usize, stride: usize) {
    for row in counts.chunks_exact_mut(stride) {
        for w in 1..windows {
            row[w] += row[w - 1];
        }
    }
}

/// Draws one replication: which cases get the days of the last `windows` days, under a uniformly random
/// permutation of the days among the cases. The first M places of such a permutation are a uniformly random
/// ordered sample of M cases without replacement; the sample is paired with the M window days in a fixed order.
pub(crate) struct Sampler {
    /// Number of cases, N.
    n: usize,
    /// The day (back from the end) of each of the M places to fill: all days of the last `windows` days, with
    /// their multiplicities.
    slots: Vec<u32>,
    /// When M is small against N, positions 0..N are drawn uniformly and redrawn if already taken (marked in
    /// `taken`). Position p stands for a case of the zone z with `first[z] ≤ p < first[z + 1]` (the cases in zone
    /// order), found from `block_zone`, the zone of the first position of each block of 2^`shift` positions: a few
    /// KB that stay in cache, where an array of N zones would not.
    first: Vec<u32>,
    block_zone: Vec<u32>,
    shift: u32,
    taken: Vec<u64>,
    picked: Vec<u32>,
    /// Otherwise a partial Fisher–Yates shuffle of the cases' zones, undone after each draw so that every
    /// replication starts from the same order (and does not depend on which replications the thread drew
    /// before).
    shuffled: Vec<u32>,
}

impl Sampler {
    pub fn new(cases: &[Case], zones: usize, end: Day, windows: usize) -> Sampler {
        let n = cases.len();
        let mut slots: Vec<u32> =
            cases.iter().filter_map(|c| back_from_end(c.day, end, windows)).map(|b| b as u32).collect();
        slots.sort_unstable();
        let picked = Vec::with_capacity(slots.len());
        if slots.len() * 4 > n {
            let shuffled = cases.iter().map(|c| c.zone as u32).collect();
            let (first, block_zone, taken) = (Vec::new(), Vec::new(), Vec::new());
            return Sampler { n, slots, first, block_zone, shift: 0, taken, picked, shuffled };
        }
        let mut first = vec![0u32; zones + 1];
        for case in cases {
            first[case.zone + 1] += 1;
        }
        for z in 0..zones {
            first[z + 1] += first[z];
        }
        // Blocks of 2^shift positions, about a thousand of them.
        let shift = (n / 1024).max(1).ilog2();
        let mut block_zone = Vec::with_capacity(n.div_ceil(1 << shift));
        let mut z = 0;
        for block in 0..n.div_ceil(1 << shift) {
            while first[z + 1] as usize <= block << shift {
                z += 1;
            }
            block_zone.push(z as u32);
        }
        let taken = vec![0; n.div_ceil(64)];
        Sampler { n, slots, first, block_zone, shift, taken, picked, shuffled: Vec::new() }
    }

    /// The zone of the case at position `p` (in zone order).
    pub(crate) fn zone_at(&self, p: u32) -> usize {
        let mut z = self.block_zone[(p >> self.shift) as usize] as usize;
        // A block usually spans at most two zones: one step without a branch (the processor cannot guess it), and
        // a loop for the rest, which is then rarely entered.
        z += usize::from(self.first[z + 1] <= p);
        while self.first[z + 1] <= p {
            z += 1;
        }
        z
    }

    /// Adds the replication's cases per (zone, day back from the end) to `counts` (zeroed by the caller; rows of
    /// `stride`).
    pub fn draw(&mut self, rng: &mut SplitMix64, counts: &mut [Count], stride: usize) {
        let n = self.n;
        self.picked.clear();
        if self.shuffled.is_empty() {
            // At most a quarter of the cases are taken, so a draw is redrawn less than a quarter of the time.
            for i in 0..self.slots.len() {
                let pick = loop {
                    let pick = rng.below(n as u64) as usize;
                    let (word, bit) = (pick / 64, 1u64 << (pick % 64));
                    if self.taken[word] & bit == 0 {
                        self.taken[word] |= bit;
                        break pick as u32;
                    }
                };
                self.picked.push(pick);
                counts[self.zone_at(pick) * stride + self.slots[i] as usize] += 1;
            }
            for &pick in &self.picked {
                self.taken[pick as usize / 64] = 0;
            }
        } else {
            for (place, &slot) in self.slots.iter().enumerate() {
                let pick = place + rng.below((n - place) as u64) as usize;
                self.shuffled.swap(place, pick);
                self.picked.push(pick as u32);
                counts[self.shuffled[place] as usize * stride + slot as usize] += 1;
            }
            for (place, &pick) in self.picked.iter().enumerate().rev() {
                self.shuffled.swap(place, pick as usize);
            }
        }
    }
}

/// What every replication shares: the fixed model, the cases in the period and the seed.
pub(crate) struct Replications<'a> {
    pub model: &'a Model,
    pub cases: &'a [Case],
    pub end: Day,
    pub zones: usize,
    pub seed: u64,
}

/// Replications run in full before the others, to learn a level most maxima reach.
const PILOT: u32 = 8;

/// How replications find their maximum.
#[derive(Clone, Copy)]
enum Search<'a> {
    /// Every cylinder, with the bound of [`Model::max_llr`].
    Full,
    /// Only cylinders reaching their threshold for `level`, falling back to `Full` when none does.
    Screened { thresholds: &'a [Count], level: f64 },
}

impl Replications<'_> {
    /// The maximum LLR of replications `first..first + count`, each from its own stream of the seed.
    fn run(&self, first: u32, count: u32, search: Search<'_>, progress: &(dyn Fn() + Sync)) -> Vec<f64> {
        let model = self.model;
        let mut sampler = Sampler::new(self.cases, self.zones, self.end, model.windows);
        let mut counts = model.empty_counts(self.zones);
        (first..first + count)
            .map(|r| {
                counts.fill(0);
                sampler.draw(&mut SplitMix64::stream(self.seed, u64::from(r)), &mut counts, model.stride);
                cumulate(&mut counts, model.windows, model.stride);
                let max = match search {
                    Search::Screened { thresholds, level } => model.max_llr_reaching(&counts, thresholds, level),
                    Search::Full => None,
                };
                let max = max.unwrap_or_else(|| model.max_llr(&counts));
                progress();
                max
            })
            .collect()
    }

    /// Replications `first..first + total`, split into contiguous runs over `threads` threads and returned in
    /// replication order.
    fn split(
        &self,
        first: u32,
        total: u32,
        threads: usize,
        search: Search<'_>,
        progress: &(dyn Fn() + Sync),
    ) -> Vec<f64> {
        let threads = threads.clamp(1, total.max(1) as usize) as u32;
        if threads == 1 {
            return self.run(first, total, search, progress);
        }
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let start = first + total / threads * t + t.min(total % threads);
                    let count = total / threads + u32::from(t < total % threads);
                    scope.spawn(move || self.run(start, count, search, progress))
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
                .collect()
        })
    }

    /// The maxima of replications 0..`total`, in replication order.
    ///
    /// The first few are searched in full; the rest only where a cylinder's count reaches the threshold for a
    /// level below the smallest of those first maxima, and in full when no cylinder does. Either way every
    /// maximum is exactly the full search's, so the level (and the number of threads) changes the time taken,
    /// never the result.
    pub fn maxima(&self, total: u32, threads: usize, progress: &(dyn Fn() + Sync)) -> Vec<f64> {
        let pilot = total.min(PILOT);
        let mut maxima = self.split(0, pilot, threads, Search::Full, progress);
        let level = 0.8 * maxima.iter().copied().fold(f64::INFINITY, f64::min);
        if pilot == total {
            return maxima;
        }
        let rest = if level > 0.0 && level.is_finite() {
            let thresholds = self.model.thresholds(level, threads);
            self.split(pilot, total - pilot, threads, Search::Screened { thresholds: &thresholds, level }, progress)
        } else {
            self.split(pilot, total - pilot, threads, Search::Full, progress)
        };
        maxima.extend(rest);
        maxima
    }
}

/// The whole scan on validated input: `cases` are those inside the period.
pub(crate) fn run(
    zones: &[Zone],
    cases: &[Case],
    period: Period,
    params: &ScanParams,
    threads: usize,
    progress: &(dyn Fn() + Sync),
    left_out: u64,
) -> ScanOutcome {
    let model = Model::new(zones, cases, period, params);
    let (w, stride) = (model.windows, model.stride);
    let mut counts = model.empty_counts(zones.len());
    for case in cases {
        if let Some(back) = back_from_end(case.day, period.end, w) {
            counts[case.zone * stride + back] += 1;
        }
    }
    cumulate(&mut counts, w, stride);
    let found = model.best_per_centre(&counts);
    let kept = non_overlapping(zones, &model, &found);
    let maxima = if kept.is_empty() {
        Vec::new()
    } else {
        let replications =
            Replications { model: &model, cases, end: period.end, zones: zones.len(), seed: params.seed };
        replications.maxima(params.replications, threads, progress)
    };
    let gumbel = Gumbel::fit(&maxima);
    let clusters = kept
        .into_iter()
        .map(|(centre, best)| {
            let circle = model.circles.of(centre);
            Cluster {
                center: centre,
                zones: model.circles.members[circle.start..=best.member].iter().map(|&z| z as usize).collect(),
                radius_km: model.circles.radius[best.member],
                start_day: period.end.plus(1 - best.days as i32),
                end_day: period.end,
                observed: best.observed,
                expected: best.expected,
                llr: best.llr,
                p_value: p_value(best.llr, &maxima),
                gumbel_p_value: gumbel.map(|g| g.p_value(best.llr)),
            }
        })
        .collect();
    ScanOutcome {
        cases_used: cases.len() as u64,
        cases_left_out: left_out,
        max_days: w as u32,
        clusters,
        replicate_maxima: maxima,
        gumbel,
    }
}

/// SaTScan's default for secondary clusters: each centre's best cylinder, by LLR (ties: fewer zones, then the
/// lower centre code), keeping each that shares no zone with one already kept. The first is the most likely cluster.
fn non_overlapping(zones: &[Zone], model: &Model, found: &[Option<Best>]) -> Vec<(usize, Best)> {
    let size = |centre: usize, best: &Best| best.member + 1 - model.circles.start[centre];
    let mut candidates: Vec<(usize, Best)> = found.iter().enumerate().filter_map(|(c, b)| Some((c, (*b)?))).collect();
    candidates.sort_by(|(ca, a), (cb, b)| {
        b.llr
            .total_cmp(&a.llr)
            .then(size(*ca, a).cmp(&size(*cb, b)))
            .then_with(|| zones[*ca].code.cmp(&zones[*cb].code))
    });
    let mut taken = vec![false; zones.len()];
    let mut kept = Vec::new();
    for (centre, best) in candidates {
        let circle = &model.circles.members[model.circles.start[centre]..=best.member];
        if circle.iter().any(|&z| taken[z as usize]) {
            continue;
        }
        for &z in circle {
            taken[z as usize] = true;
        }
        kept.push((centre, best));
    }
    kept
}
