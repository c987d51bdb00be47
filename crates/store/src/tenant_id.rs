//! Microsoft Entra tenant ids. Customer id == customer tenant id in Partner Center, so
//! these GUIDs key most of our data; they are validated once, at the edge.

use std::fmt;
use std::str::FromStr;

/// A tenant GUID in canonical lower-case hyphenated form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TenantId(uuid::Uuid);

/// Why a text is not a tenant id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{input:?} is not a tenant id: expected a GUID like 0a1b2c3d-0000-4000-8000-000000000001 (Partner Center > Account settings > Account ID)")]
pub struct InvalidTenantId {
    /// What was given.
    pub input: String,
}

impl FromStr for TenantId {
    type Err = InvalidTenantId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let trimmed = s.trim();
        // Only the hyphenated 36-character form: uuid also accepts braces, URNs and the
        // 32-digit simple form, none of which Microsoft shows a user.
        let hyphenated = trimmed.len() == 36
            && trimmed
                .char_indices()
                .all(|(i, c)| matches!(i, 8 | 13 | 18 | 23) == (c == '-'));
        match uuid::Uuid::parse_str(trimmed) {
            Ok(id) if hyphenated && !id.is_nil() => Ok(Self(id)),
            _ => Err(InvalidTenantId {
                input: s.to_string(),
            }),
        }
    }
}

impl fmt::Display for TenantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_guids_in_any_case_and_normalises_to_lower() {
        let id: TenantId = " 0A1B2C3D-0000-4000-8000-00000000000F ".parse().unwrap();
        assert_eq!(id.to_string(), "0a1b2c3d-0000-4000-8000-00000000000f");
    }

    #[test]
    fn rejects_what_is_not_a_hyphenated_guid() {
        for bad in [
            "",
            "not-a-guid",
            "0a1b2c3d000040008000000000000001",
            "{0a1b2c3d-0000-4000-8000-000000000001}",
            "0a1b2c3d-0000-4000-8000-00000000000g",
            "00000000-0000-0000-0000-000000000000",
            "0a1b2c3d-0000-4000-8000-0000000000011",
        ] {
            assert!(bad.parse::<TenantId>().is_err(), "{bad:?} must be rejected");
        }
    }
}
