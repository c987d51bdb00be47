//! New-commerce billing data as Microsoft serves it today: the Microsoft Graph partner billing
//! exports (reference §0 and §7.3). One export is three hops, each its own module:
//!
//! 1. [`GraphBilling::start`] POSTs the export (billed usage or reconciliation of an invoice;
//!    unbilled usage or reconciliation of the current or last period in one currency) and reads
//!    the operation's address from `Location` (202);
//! 2. [`GraphBilling::wait`] polls the operation, never earlier than its `Retry-After` and for a
//!    bounded total wait, until it succeeds (the manifest's address), fails with code 5000 (no
//!    data: a typed outcome, [`Prepared::NoData`]), or fails otherwise ([`crate::Error::ExportFailed`]);
//! 3. [`GraphBilling::manifest`] reads the manifest (its `eTag` is the data version) and
//!    [`GraphBilling::open_blob`] streams each gzip JSON-lines blob into typed rows.
//!
//! The Graph token is redeemed from the account's one refresh token for
//! `PartnerBilling.Read.All`; a missing admin consent or a 403 is
//! [`crate::Error::GraphConsent`], saying what the partner's admin must consent to.

mod blob;
mod client;
mod dates;
mod manifest;
mod poll;
mod rows;

pub use blob::{BlobLine, BlobReader};
pub use client::GraphBilling;
pub use manifest::{Manifest, ManifestBlob};
pub use poll::{PollLimits, Prepared, Sleep};
pub use rows::{GraphRow, ReconciliationRow, UsageRow};

use serde_json::json;

/// Which open period an unbilled export covers (`billingPeriod`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum BillingPeriod {
    /// The open month.
    Current,
    /// The month before, until its invoice is out.
    Last,
}

impl BillingPeriod {
    fn wire(self) -> &'static str {
        match self {
            BillingPeriod::Current => "current",
            BillingPeriod::Last => "last",
        }
    }
}

/// One export to ask Microsoft for. The attribute set is always `full`: the `basic` set has
/// no meter, which Rating cannot do without.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Export {
    /// Billed daily rated usage of an invoice.
    BilledUsage {
        /// Invoice id (`G...`).
        invoice_id: String,
    },
    /// Unbilled daily rated usage of an open period in one billing currency.
    UnbilledUsage {
        /// Which period.
        period: BillingPeriod,
        /// ISO currency code.
        currency: String,
    },
    /// Billed invoice reconciliation lines (licences, reservations, savings plans,
    /// marketplace, one-time purchases).
    BilledReconciliation {
        /// Invoice id.
        invoice_id: String,
    },
    /// What the open period will bill, in one currency.
    UnbilledReconciliation {
        /// Which period.
        period: BillingPeriod,
        /// ISO currency code.
        currency: String,
    },
}

impl Export {
    /// The export action's path under the Graph base.
    pub(crate) fn path(&self) -> &'static str {
        match self {
            Export::BilledUsage { .. } => "/reports/partners/billing/usage/billed/export",
            Export::UnbilledUsage { .. } => "/reports/partners/billing/usage/unbilled/export",
            Export::BilledReconciliation { .. } => {
                "/reports/partners/billing/reconciliation/billed/export"
            }
            Export::UnbilledReconciliation { .. } => {
                "/reports/partners/billing/reconciliation/unbilled/export"
            }
        }
    }

    /// The request body Microsoft documents for the action.
    pub(crate) fn body(&self) -> serde_json::Value {
        match self {
            Export::BilledUsage { invoice_id } | Export::BilledReconciliation { invoice_id } => {
                json!({ "invoiceId": invoice_id, "attributeSet": "full" })
            }
            Export::UnbilledUsage { period, currency }
            | Export::UnbilledReconciliation { period, currency } => json!({
                "billingPeriod": period.wire(),
                "currencyCode": currency,
                "attributeSet": "full",
            }),
        }
    }

    /// The export in words, for progress and errors.
    pub fn describe(&self) -> String {
        match self {
            Export::BilledUsage { invoice_id } => {
                format!("the billed usage export of {invoice_id}")
            }
            Export::BilledReconciliation { invoice_id } => {
                format!("the billed reconciliation export of {invoice_id}")
            }
            Export::UnbilledUsage { period, currency } => {
                format!(
                    "the unbilled usage export ({} period, {currency})",
                    period.wire()
                )
            }
            Export::UnbilledReconciliation { period, currency } => format!(
                "the unbilled reconciliation export ({} period, {currency})",
                period.wire()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_microsofts() {
        assert_eq!(
            Export::BilledUsage {
                invoice_id: "G016907411".into()
            }
            .body(),
            json!({"invoiceId": "G016907411", "attributeSet": "full"}),
            "the documented example body"
        );
        assert_eq!(
            Export::UnbilledReconciliation {
                period: BillingPeriod::Last,
                currency: "USD".into()
            }
            .body(),
            json!({"billingPeriod": "last", "currencyCode": "USD", "attributeSet": "full"})
        );
    }
}
