//! Fingerprints of rating inputs: a stable 64-bit FNV-1a hash over the stored text of the rows
//! read, in the order read. Stable across builds and platforms (unlike std's `DefaultHasher`),
//! so a fingerprint written by one version of CSP Desk still compares equal in the next. It
//! only has to tell "the same rows" from "other rows" for one customer-period; it is not a
//! security measure.

const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0000_0100_0000_01b3;
/// Separates fields, so ("ab", "c") and ("a", "bc") differ.
const FIELD: u8 = 0x1f;
/// Marks an absent value, so `None` and `Some("")` differ.
const ABSENT: u8 = 0x00;
/// Ends a row.
const ROW: u8 = 0x1e;

/// A running fingerprint.
#[derive(Clone, Debug)]
pub(crate) struct Fingerprint {
    hash: u64,
    rows: u64,
}

impl Default for Fingerprint {
    fn default() -> Self {
        Self {
            hash: OFFSET,
            rows: 0,
        }
    }
}

impl Fingerprint {
    fn byte(&mut self, b: u8) {
        self.hash ^= u64::from(b);
        self.hash = self.hash.wrapping_mul(PRIME);
    }

    /// Adds one field.
    pub(crate) fn field(&mut self, value: Option<&str>) {
        match value {
            Some(text) => text.bytes().for_each(|b| self.byte(b)),
            None => self.byte(ABSENT),
        }
        self.byte(FIELD);
    }

    /// Ends a row.
    pub(crate) fn end_row(&mut self) {
        self.byte(ROW);
        self.rows += 1;
    }

    /// Rows added.
    pub(crate) fn rows(&self) -> u64 {
        self.rows
    }

    /// The fingerprint as 16 hex digits.
    pub(crate) fn hex(&self) -> String {
        format!("{:016x}", self.hash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(rows: &[&[Option<&str>]]) -> String {
        let mut f = Fingerprint::default();
        for row in rows {
            for v in *row {
                f.field(*v);
            }
            f.end_row();
        }
        f.hex()
    }

    #[test]
    fn field_boundaries_absence_and_order_count() {
        assert_ne!(
            of(&[&[Some("ab"), Some("c")]]),
            of(&[&[Some("a"), Some("bc")]])
        );
        assert_ne!(of(&[&[None]]), of(&[&[Some("")]]));
        assert_ne!(
            of(&[&[Some("1")], &[Some("2")]]),
            of(&[&[Some("2")], &[Some("1")]])
        );
        assert_eq!(of(&[&[Some("x")]]), of(&[&[Some("x")]]));
    }

    #[test]
    fn is_stable_across_builds() {
        // FNV-1a of the empty input is its offset basis; a change here would re-rate everything.
        assert_eq!(Fingerprint::default().hex(), "cbf29ce484222325");
        assert_eq!(of(&[&[Some("a")]]), "e5eacf19043b5455");
    }
}
