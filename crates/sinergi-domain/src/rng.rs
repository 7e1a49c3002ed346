//! A small deterministic random number generator (SplitMix64).
//!
//! Written out here rather than taken from a crate so that the demo's synthetic data stays byte-for-byte the same
//! across dependency upgrades: a demo that moves its TPS after `cargo update` would confuse every screenshot and
//! test that refers to it.

/// SplitMix64 (Steele, Lea and Flood 2014): fast, well mixed, and enough for synthetic data and permutations.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }

    /// A generator seeded from text (FNV-1a), so that each region gets its own stream from its code.
    pub fn from_text(seed: u64, text: &str) -> SplitMix64 {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325 ^ seed;
        for byte in text.bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        SplitMix64::new(hash)
    }

    /// The generator for item `index` of a run seeded with `seed` (a replication of the early warning scan, for
    /// example), so that every item draws the same numbers whichever thread computes it and in whatever order.
    ///
    /// Seed and index are both passed through the SplitMix64 finaliser: seeding with `seed + index` directly would
    /// make neighbouring items the same sequence shifted by one draw, since SplitMix64's state only counts up.
    pub fn stream(seed: u64, index: u64) -> SplitMix64 {
        SplitMix64::new(mix(seed ^ mix(index.wrapping_add(0x9e37_79b9_7f4a_7c15))))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.state)
    }

    /// Uniform in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [0, n); `n` must be positive.
    pub fn below(&mut self, n: u64) -> u64 {
        // Lemire's multiply-shift; the tiny bias is irrelevant for synthetic data.
        ((u128::from(self.next_u64()) * u128::from(n.max(1))) >> 64) as u64
    }
}

/// SplitMix64's output function: a bijection of `u64` that spreads every input bit over the whole word.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream() {
        let a: Vec<u64> = (0..5)
            .map({
                let mut r = SplitMix64::new(42);
                move |_| r.next_u64()
            })
            .collect();
        let mut r = SplitMix64::new(42);
        let b: Vec<u64> = (0..5).map(|_| r.next_u64()).collect();
        assert_eq!(a, b);
        // The reference value of SplitMix64 seeded with 0.
        assert_eq!(SplitMix64::new(0).next_u64(), 0xe220_a839_7b1d_cdaf);
    }

    #[test]
    fn streams_are_fixed_and_distinct() {
        let first = |seed, index| SplitMix64::stream(seed, index).next_u64();
        assert_eq!(first(7, 3), SplitMix64::stream(7, 3).next_u64());
        // Neighbouring streams must not be one sequence shifted by a draw, as `new(seed + index)` would be.
        let mut next = SplitMix64::stream(7, 3);
        next.next_u64();
        assert_ne!(first(7, 4), next.next_u64());
        let firsts: std::collections::HashSet<u64> = (0..1000).map(|i| first(7, i)).collect();
        assert_eq!(firsts.len(), 1000);
        assert_ne!(first(7, 0), first(8, 0));
    }

    #[test]
    fn floats_stay_in_range() {
        let mut r = SplitMix64::from_text(1, "15.07");
        for _ in 0..10_000 {
            let x = r.next_f64();
            assert!((0.0..1.0).contains(&x));
            assert!(r.below(7) < 7);
        }
    }
}
