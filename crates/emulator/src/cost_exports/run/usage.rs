//! The columns of one rated Azure plan usage row after the leading ones: meter, resource,
//! effective and list prices, the cost in billing currency, USD and pay-as-you-go, and PEC.

use rust_decimal::RoundingStrategy;

use super::columns::{us_date, CustomerMonth};
use crate::world::catalog;
use crate::world::exchange::rate_date;
use crate::world::rating::{pec_rate, PlanMonth, RatedRow};
use crate::world::tenancy::meter_guid;

/// The columns of `row`, one of `pm`'s rows, after [`CustomerMonth::leading`].
pub(super) fn usage_columns(
    at: &CustomerMonth<'_>,
    pm: &PlanMonth<'_>,
    row: &RatedRow,
) -> [String; 50] {
    let (c, month, fx, region, location) = (at.customer, at.month, at.fx, at.region, at.location);
    let e = &pm.entitlements[row.key.entitlement as usize];
    let r = &pm.resources[row.key.entitlement as usize][row.key.resource as usize];
    let m = catalog::meter(row.meter);
    let meter_region = if m.stack { "Azure Stack" } else { region };
    let payg_usd = row.unit_price * row.quantity;
    [
        if m.category == "Virtual Machines" {
            "Compute"
        } else {
            "Other"
        }
        .to_string(),
        c.plan_subscription_id.clone(),
        "Azure plan".to_string(),
        m.provider.to_string(),
        meter_guid(row.meter, meter_region),
        m.name.to_string(),
        m.category.to_string(),
        m.subcategory.to_string(),
        meter_region.to_string(),
        m.product_id.to_string(),
        format!("{} - {}", m.category, m.name),
        e.id.clone(),
        e.friendly_name.clone(),
        if m.third_party {
            "Marketplace"
        } else {
            "Azure"
        }
        .to_string(),
        String::new(),
        if m.third_party {
            "Twilio SendGrid"
        } else {
            "Microsoft"
        }
        .to_string(),
        r.resource_group.clone(),
        r.uri.clone(),
        if m.stack {
            "azurestack".to_string()
        } else {
            location.to_string()
        },
        if m.stack {
            "azurestack".to_string()
        } else {
            location.to_string()
        },
        row.effective_unit_price.normalize().to_string(),
        row.quantity.normalize().to_string(),
        m.unit.to_string(),
        "Usage".to_string(),
        c.currency.code().to_string(),
        "USD".to_string(),
        row.billing_total.to_string(),
        row.pricing_total.to_string(),
        row.pricing_total.to_string(),
        (payg_usd * fx)
            .round_dp_with_strategy(8, RoundingStrategy::MidpointAwayFromZero)
            .normalize()
            .to_string(),
        payg_usd
            .round_dp_with_strategy(8, RoundingStrategy::MidpointAwayFromZero)
            .normalize()
            .to_string(),
        fx.normalize().to_string(),
        us_date(rate_date(month)),
        (!m.third_party).to_string().to_uppercase(),
        String::new(),
        String::new(),
        String::new(),
        r.tags.clone(),
        if row.pec {
            pec_rate().to_string()
        } else {
            "0".into()
        },
        if row.pec { "True" } else { "False" }.to_string(),
        row.unit_price.normalize().to_string(),
        "UsageBased".to_string(),
        String::new(),
        String::new(),
        String::new(),
        m.pricing_model.to_string(),
        row.unit_price.normalize().to_string(),
        String::new(),
        String::new(),
        "Azure".to_string(),
    ]
}
