//! SplitMix64 (Steele, Lea, Flood 2014): a tiny generator written out here so the demo data never
//! changes with a crate version, a platform or a build; the same anchor date gives the same bytes.

/// Deterministic pseudo-random numbers for synthetic data. Not for anything secret.
#[derive(Debug, Clone)]
pub(super) struct SplitMix64(u64);

impl SplitMix64 {
    /// Seeded from a label (FNV-1a), so each demo person gets their own stable stream.
    pub fn seeded(label: &str) -> Self {
        Self(crate::hash::fnv1a64(label.as_bytes()))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// `0..n`; the modulo bias is below 2⁻⁵⁰ for the small `n` used here.
    pub fn below(&mut self, n: u64) -> u64 {
        assert!(n > 0, "below(0) has no values");
        self.next_u64() % n
    }

    /// `lo..=hi`.
    pub fn between(&mut self, lo: i64, hi: i64) -> i64 {
        assert!(lo <= hi, "empty range {lo}..={hi}");
        let span = u64::try_from(hi - lo).expect("hi >= lo") + 1;
        lo + i64::try_from(self.below(span)).expect("span fits in i64")
    }

    /// True with the given probability in percent.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let len = u64::try_from(items.len()).expect("slice length fits in u64");
        &items[usize::try_from(self.below(len)).expect("index fits in usize")]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_reference_sequence() {
        // First outputs of SplitMix64 seeded with 0, as in the reference implementation.
        let mut r = SplitMix64(0);
        assert_eq!(r.next_u64(), 0xe220_a839_7b1d_cdaf);
        assert_eq!(r.next_u64(), 0x6e78_9e6a_a1b9_65f4);
    }

    #[test]
    fn ranges_stay_inside() {
        let mut r = SplitMix64::seeded("x");
        for _ in 0..1000 {
            let v = r.between(-3, 4);
            assert!((-3..=4).contains(&v));
        }
        assert_eq!(
            SplitMix64::seeded("a").next_u64(),
            SplitMix64::seeded("a").next_u64()
        );
    }
}
