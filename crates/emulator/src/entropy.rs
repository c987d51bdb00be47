//! Counter-based randomness. Every generated fact is a pure function of (seed, a domain tag,
//! indices), so preset L can be derived on demand in any order without materialising anything,
//! and two emulators with the same seed agree byte for byte.

/// SplitMix64 finaliser: a good 64-bit mixer, cheap enough for tens of millions of rows.
fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A deterministic stream of numbers keyed by a seed and a path of indices.
#[derive(Clone, Debug)]
pub(crate) struct Draw {
    state: u64,
}

impl Draw {
    /// Starts the stream for `seed` and `path` (domain tag first, then indices).
    pub(crate) fn new(seed: u64, path: &[u64]) -> Self {
        let mut state = mix64(seed ^ 0x5EED_5EED_5EED_5EED);
        for part in path {
            state = mix64(state ^ mix64(*part));
        }
        Draw { state }
    }

    /// Next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix64(self.state)
    }

    /// Uniform integer in `0..n` (n > 0).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        // Multiply-shift is unbiased enough for fixtures and avoids a division per row.
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// Uniform integer in `lo..=hi`.
    pub(crate) fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `permille / 1000`.
    pub(crate) fn chance(&mut self, permille: u64) -> bool {
        self.below(1000) < permille
    }

    /// A GUID-shaped string (version 4 layout, lowercase) drawn from the stream.
    pub(crate) fn guid(&mut self) -> String {
        let a = self.next_u64();
        let b = self.next_u64();
        format!(
            "{:08x}-{:04x}-4{:03x}-{:x}{:03x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0x0fff,
            8 + (b >> 62),
            (b >> 48) & 0x0fff,
            b & 0xffff_ffff_ffff
        )
    }
}

/// Domain tags keep streams for different facts independent even with equal indices.
pub(crate) mod tag {
    pub const PARTNER: u64 = 1;
    pub const CUSTOMER: u64 = 2;
    pub const ENTITLEMENT: u64 = 3;
    pub const RESOURCE: u64 = 4;
    pub const DAILY: u64 = 5;
    pub const FX: u64 = 6;
    pub const USER: u64 = 7;
    pub const FAULT: u64 = 8;
    pub const REQUEST: u64 = 9;
    pub const STACK: u64 = 10;
    pub const CODE: u64 = 11;
    pub const PRICE: u64 = 12;
}

/// FNV-1a of a string, to key streams by stable codes (meter codes, route names).
pub(crate) fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_path_same_numbers_and_different_paths_differ() {
        let a: Vec<u64> = (0..4)
            .map({
                let mut d = Draw::new(7, &[1, 2]);
                move |_| d.next_u64()
            })
            .collect();
        let b: Vec<u64> = (0..4)
            .map({
                let mut d = Draw::new(7, &[1, 2]);
                move |_| d.next_u64()
            })
            .collect();
        let c: Vec<u64> = (0..4)
            .map({
                let mut d = Draw::new(7, &[1, 3]);
                move |_| d.next_u64()
            })
            .collect();
        assert_eq!(a, b, "a counter-based stream must be reproducible");
        assert_ne!(a, c, "a different index path must give a different stream");
    }

    #[test]
    fn guid_has_the_canonical_shape() {
        let g = Draw::new(1, &[9]).guid();
        assert_eq!(g.len(), 36, "GUID text is 36 characters: {g}");
        assert_eq!(&g[14..15], "4", "version nibble must be 4: {g}");
        assert!(
            g.chars()
                .all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase()),
            "{g}"
        );
    }
}
