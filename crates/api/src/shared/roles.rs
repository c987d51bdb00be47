//! From the directory roles in a user's token to what CSP Desk lets them do. Partner
//! Center's own admin roles are group memberships that tokens do not carry, so the
//! directory role template ids (`wids`) are the only reliable signal on the desktop.
//!
//! | directory role (template id)                               | CSP Desk access |
//! |------------------------------------------------------------|-----------------|
//! | Global Administrator `62e90394-69f5-4237-9190-012177145e10` | Admin           |
//! | Billing Administrator `b0f54661-2d74-4c50-afa3-1ec803f12efe`| Finance         |
//! | Global Reader `f2ef992c-3afb-46b9-b7cf-a126ee74c451`        | Finance         |
//! | anything else, or none                                      | Finance         |
//!
//! Admin may add and remove partner accounts and change their settings (later also run
//! Discovery and edit markups); Finance is the read-only app: browse, reconcile and export.
//! Unknown roles fall to Finance so a token never grants more than we understand. The core
//! enforces it (`crate::shared::access`), for the app and the CLI alike.

use serde::Serialize;
use ts_rs::TS;

/// Global Administrator.
pub const GLOBAL_ADMINISTRATOR: &str = "62e90394-69f5-4237-9190-012177145e10";
/// Billing Administrator.
pub const BILLING_ADMINISTRATOR: &str = "b0f54661-2d74-4c50-afa3-1ec803f12efe";
/// Global Reader.
pub const GLOBAL_READER: &str = "f2ef992c-3afb-46b9-b7cf-a126ee74c451";

/// What a signed-in user may do in CSP Desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub enum Access {
    /// Everything, including accounts, settings, Discovery and markups.
    Admin,
    /// Read-only: browse, reconcile, export.
    Finance,
}

/// The access a set of directory role template ids grants.
pub fn access_for(roles: &[String]) -> Access {
    if roles
        .iter()
        .any(|r| r.eq_ignore_ascii_case(GLOBAL_ADMINISTRATOR))
    {
        Access::Admin
    } else {
        Access::Finance
    }
}

/// A role's name in words, for the Accounts page.
pub fn role_name(template_id: &str) -> String {
    match template_id.to_ascii_lowercase().as_str() {
        GLOBAL_ADMINISTRATOR => "Global Administrator".into(),
        BILLING_ADMINISTRATOR => "Billing Administrator".into(),
        GLOBAL_READER => "Global Reader".into(),
        other => format!("Directory role {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_global_administrators_get_admin() {
        assert_eq!(
            access_for(&[GLOBAL_ADMINISTRATOR.to_uppercase()]),
            Access::Admin
        );
        assert_eq!(
            access_for(&[BILLING_ADMINISTRATOR.into(), GLOBAL_READER.into()]),
            Access::Finance
        );
        assert_eq!(
            access_for(&[]),
            Access::Finance,
            "no role never means more access"
        );
        assert_eq!(
            access_for(&["00000000-0000-0000-0000-000000000000".into()]),
            Access::Finance
        );
    }
}
