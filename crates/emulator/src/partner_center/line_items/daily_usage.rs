//! Daily rated usage line items (`usagelineitems`), billed or unbilled: rated on the fly from
//! the generated world and seek-paged, the token carrying each meter's cumulative quantity so a
//! page resumes without re-rating the rows before it.

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{Duration, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::Serialize;

use super::{bad, modern_customer, seek_links, Scope, LINE_PAGE};
use crate::partner_center::continuation::{self, Params};
use crate::partner_center::day_text;
use crate::server::Shared;
use crate::wire::{json_response_sized, page, pc_error, Num};
use crate::world::catalog;
use crate::world::exchange::rate_date;
use crate::world::rating::{pec_rate, PlanMonth, RowKey};
use crate::world::tenancy::meter_guid;

fn day_ordinal(d: NaiveDate) -> u64 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")).num_days() as u64
}

fn from_ordinal(n: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch") + Duration::days(n as i64)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DailyRatedUsage<'a> {
    partner_id: &'a str,
    partner_name: &'a str,
    customer_id: &'a str,
    customer_name: &'a str,
    customer_domain_name: &'a str,
    customer_country: &'a str,
    invoice_number: &'a str,
    mpn_id: &'a str,
    reseller_mpn_id: Option<&'a str>,
    product_id: &'a str,
    sku_id: &'a str,
    availability_id: &'a str,
    sku_name: &'a str,
    product_name: &'a str,
    publisher_name: &'a str,
    publisher_id: &'a str,
    subscription_id: &'a str,
    subscription_description: &'a str,
    charge_start_date: String,
    charge_end_date: String,
    usage_date: String,
    meter_type: &'a str,
    meter_category: &'a str,
    meter_id: String,
    meter_sub_category: &'a str,
    meter_name: &'a str,
    meter_region: &'a str,
    unit_of_measure: &'a str,
    resource_location: &'a str,
    consumed_service: &'a str,
    resource_group: &'a str,
    resource_uri: &'a str,
    tags: &'a str,
    additional_info: String,
    service_info1: &'a str,
    service_info2: &'a str,
    charge_type: &'a str,
    unit_price: Num,
    quantity: Num,
    unit_type: &'a str,
    billing_pre_tax_total: Num,
    billing_currency: &'a str,
    pricing_pre_tax_total: Num,
    pricing_currency: &'a str,
    entitlement_id: &'a str,
    entitlement_description: &'a str,
    #[serde(rename = "pcToBCExchangeRate")]
    pc_to_bc_exchange_rate: Num,
    #[serde(rename = "pcToBCExchangeRateDate")]
    pc_to_bc_exchange_rate_date: String,
    effective_unit_price: Num,
    rate_of_partner_earned_credit: Num,
    rate_of_credit: Num,
    credit_type: &'a str,
    invoice_line_item_type: &'a str,
    billing_provider: &'a str,
    attributes: ObjectType,
}

/// `{"objectType": ...}` without building a map per row.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ObjectType {
    object_type: &'static str,
}

pub(super) fn usage_page(
    s: &Shared,
    headers: &HeaderMap,
    params: &Params,
    scope: &Scope,
    base: &str,
) -> Response {
    let size = match continuation::size(params, LINE_PAGE, LINE_PAGE) {
        Ok(n) => n,
        Err(r) => return r,
    };
    let bound = continuation::binding(&format!("{base}/{}", scope.invoice_number), params);
    // Token: customer, day, Azure subscription, resource, then the month's cumulative quantity
    // per meter (millionths) so the next page resumes without re-rating earlier rows.
    let (start, resume_cumulative) = match continuation::seek(&s.key, headers, params, &bound) {
        Ok(Some(p)) if p.len() == 4 + catalog::meter_count() => (
            Some(RowKey {
                customer: p[0] as u32,
                day: from_ordinal(p[1]),
                entitlement: p[2] as u32,
                resource: p[3] as u32,
            }),
            Some(
                p[4..]
                    .iter()
                    .map(|m| Decimal::new(*m as i64, 6))
                    .collect::<Vec<_>>(),
            ),
        ),
        Ok(Some(_)) => return bad("The continuation token is malformed."),
        Ok(None) => (None, None),
        Err(r) => return r,
    };
    let mut resume_cumulative = resume_cumulative;
    let partner = &s.world.partner;
    let fx_date = day_text(rate_date(scope.month));
    let (charge_start, charge_end) = (
        day_text(scope.month.first_day()),
        day_text(scope.month.last_day()),
    );
    let mut items: Vec<Box<serde_json::value::RawValue>> =
        Vec::with_capacity(size.min(LINE_PAGE) as usize);
    let mut next: Option<Vec<u64>> = None;
    let first_customer = start.map(|k| k.customer).unwrap_or(0);
    'customers: for ci in first_customer..s.world.customer_count() {
        let c = s.world.customer(ci);
        if !modern_customer(&c, scope.currency) {
            continue;
        }
        let (region, location) = c.region();
        let mut pm = PlanMonth::new(&s.world, c.clone(), scope.month, scope.through);
        if let (Some(k), Some(cum)) = (start, resume_cumulative.take()) {
            if k.customer == ci {
                pm.resume_at(k, cum);
            }
        }
        while let Some(row) = pm.next() {
            if start.is_some_and(|k| row.key < k) {
                continue;
            }
            if items.len() as u64 == size {
                let mut pos = vec![
                    row.key.customer as u64,
                    day_ordinal(row.key.day),
                    row.key.entitlement as u64,
                    row.key.resource as u64,
                ];
                let mut before = pm.cumulative().to_vec();
                before[row.meter] -= row.quantity;
                pos.extend(before.iter().map(|q| {
                    (q * Decimal::from(1_000_000u32))
                        .trunc()
                        .to_u64()
                        .unwrap_or(0)
                }));
                next = Some(pos);
                break 'customers;
            }
            let e = &pm.entitlements[row.key.entitlement as usize];
            let r = &pm.resources[row.key.entitlement as usize][row.key.resource as usize];
            let m = catalog::meter(row.meter);
            let meter_region = if m.stack { "Azure Stack" } else { region };
            let additional = if m.stack {
                format!(
                    r#"{{"azureStack.MeterId":"{}","azureStack.SubscriptionId":"{}","azureStack.Location":"local"}}"#,
                    m.stack_meter_id, e.id
                )
            } else {
                format!(
                    r#"{{"ConsumptionMeter":"{}"}}"#,
                    meter_guid(row.meter, meter_region)
                )
            };
            let credit = if row.pec { pec_rate() } else { Decimal::ZERO };
            let line = DailyRatedUsage {
                partner_id: &partner.tenant_id,
                partner_name: &partner.name,
                customer_id: &c.tenant_id,
                customer_name: &c.company_name,
                customer_domain_name: &c.domain,
                customer_country: c.country,
                invoice_number: &scope.invoice_number,
                mpn_id: &partner.mpn_id,
                reseller_mpn_id: c.reseller_mpn_id.as_deref(),
                product_id: m.product_id,
                sku_id: "0001",
                availability_id: "DZH318XZXPHL",
                sku_name: m.name,
                product_name: m.category,
                publisher_name: if m.third_party {
                    "Twilio SendGrid"
                } else {
                    "Microsoft"
                },
                publisher_id: if m.third_party { "sendgrid" } else { "" },
                subscription_id: &c.plan_subscription_id,
                subscription_description: "Azure plan",
                charge_start_date: charge_start.clone(),
                charge_end_date: charge_end.clone(),
                usage_date: day_text(row.key.day),
                meter_type: if m.third_party {
                    "Marketplace"
                } else {
                    "1st Party"
                },
                meter_category: m.category,
                meter_id: meter_guid(row.meter, meter_region),
                meter_sub_category: m.subcategory,
                meter_name: m.name,
                meter_region,
                unit_of_measure: m.unit,
                resource_location: if m.stack { "azurestack" } else { location },
                consumed_service: m.provider,
                resource_group: &r.resource_group,
                resource_uri: &r.uri,
                tags: &r.tags,
                additional_info: additional,
                service_info1: "",
                service_info2: "",
                charge_type: "new",
                unit_price: Num(row.unit_price),
                quantity: Num(row.quantity),
                unit_type: m.unit,
                billing_pre_tax_total: Num(row.billing_total),
                billing_currency: scope.currency.code(),
                pricing_pre_tax_total: Num(row.pricing_total),
                pricing_currency: "USD",
                entitlement_id: &e.id,
                entitlement_description: &e.friendly_name,
                pc_to_bc_exchange_rate: Num(row.fx),
                pc_to_bc_exchange_rate_date: fx_date.clone(),
                effective_unit_price: Num(row.effective_unit_price),
                // As Microsoft's samples: the credit's rate twice (rateOfCredit is the credit
                // of whichever type applied) and its type in words; no yes/no flag.
                rate_of_partner_earned_credit: Num(credit),
                rate_of_credit: Num(credit),
                credit_type: if row.pec {
                    "Partner Earned Credit Applied"
                } else {
                    "Credit Not Applied"
                },
                invoice_line_item_type: "usage_line_items",
                billing_provider: if m.third_party {
                    "marketplace"
                } else {
                    "one_time"
                },
                attributes: ObjectType {
                    object_type: "DailyRatedUsageLineItem",
                },
            };
            match serde_json::value::to_raw_value(&line) {
                Ok(raw) => items.push(raw),
                Err(e) => {
                    return pc_error(StatusCode::INTERNAL_SERVER_ERROR, "800003", e.to_string())
                }
            }
        }
    }
    let (next_link, token) = seek_links(s, params, base, &bound, size, next);
    let self_q = continuation::next_query(params, &[("size", size.to_string())]);
    let hint = items.iter().map(|i| i.get().len() + 1).sum::<usize>() + 1024;
    json_response_sized(
        StatusCode::OK,
        &page(
            items,
            &format!("{base}?{self_q}"),
            next_link,
            token.as_deref(),
        ),
        hint,
    )
}
