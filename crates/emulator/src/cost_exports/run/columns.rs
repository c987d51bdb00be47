//! The MPA cost-details columns in file order, and the twenty leading ones every row of a
//! customer's month shares (billing account, partner, customer, billing period, dates).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::world::tenancy::Partner;
use crate::world::{Customer, Month};

/// MPA (partner) cost and usage details columns, version 2023-12-01-preview, in file order.
pub const MPA_COLUMNS: [&str; 70] = [
    "invoiceId",
    "previousInvoiceId",
    "billingAccountId",
    "billingAccountName",
    "billingProfileId",
    "billingProfileName",
    "invoiceSectionId",
    "invoiceSectionName",
    "partnerTenantId",
    "partnerName",
    "resellerName",
    "resellerMpnId",
    "customerTenantId",
    "customerName",
    "costCenter",
    "billingPeriodEndDate",
    "billingPeriodStartDate",
    "servicePeriodEndDate",
    "servicePeriodStartDate",
    "date",
    "serviceFamily",
    "productOrderId",
    "productOrderName",
    "consumedService",
    "meterId",
    "meterName",
    "meterCategory",
    "meterSubCategory",
    "meterRegion",
    "ProductId",
    "ProductName",
    "SubscriptionId",
    "subscriptionName",
    "publisherType",
    "publisherId",
    "publisherName",
    "resourceGroupName",
    "ResourceId",
    "resourceLocation",
    "location",
    "effectivePrice",
    "quantity",
    "unitOfMeasure",
    "chargeType",
    "billingCurrency",
    "pricingCurrency",
    "costInBillingCurrency",
    "costInPricingCurrency",
    "costInUsd",
    "paygCostInBillingCurrency",
    "paygCostInUsd",
    "exchangeRatePricingToBilling",
    "exchangeRateDate",
    "isAzureCreditEligible",
    "serviceInfo1",
    "serviceInfo2",
    "additionalInfo",
    "tags",
    "partnerEarnedCreditRate",
    "partnerEarnedCreditApplied",
    "PayGPrice",
    "frequency",
    "term",
    "reservationId",
    "reservationName",
    "PricingModel",
    "unitPrice",
    "benefitId",
    "benefitName",
    "provider",
];

/// What every row of one customer's month shares.
pub(super) struct CustomerMonth<'a> {
    /// The partner (billing account and profile).
    pub(super) partner: &'a Partner,
    /// The customer.
    pub(super) customer: &'a Customer,
    /// The month the rows belong to.
    pub(super) month: Month,
    /// USD -> billing currency rate of the month.
    pub(super) fx: Decimal,
    /// Azure region display name of the customer's resources.
    pub(super) region: &'static str,
    /// ARM location of the customer's resources.
    pub(super) location: &'static str,
}

impl CustomerMonth<'_> {
    /// The leading columns of a row dated `date`.
    pub(super) fn leading(&self, date: NaiveDate) -> Vec<String> {
        let (p, c, month) = (self.partner, self.customer, self.month);
        vec![
            String::new(),
            String::new(),
            p.billing_account_id.clone(),
            p.name.clone(),
            p.billing_profile_id.clone(),
            format!("{} profile", p.name),
            String::new(),
            String::new(),
            p.tenant_id.clone(),
            p.name.clone(),
            String::new(),
            c.reseller_mpn_id.clone().unwrap_or_default(),
            c.tenant_id.clone(),
            c.company_name.clone(),
            String::new(),
            us_date(month.last_day()),
            us_date(month.first_day()),
            us_date(date),
            us_date(date),
            us_date(date),
        ]
    }
}

/// A date as the MPA files write it: `MM/DD/YYYY`.
pub(super) fn us_date(d: NaiveDate) -> String {
    d.format("%m/%d/%Y").to_string()
}
