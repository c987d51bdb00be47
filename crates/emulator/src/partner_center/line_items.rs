//! Invoice line items: legacy Azure billing lines (offset paging), new-commerce billing lines and
//! daily rated usage (seek paging, max 2000), billed or unbilled (`period=current|previous`).

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{Duration, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{json, Value};

use super::continuation::{self, normalise, Params};
use super::day_text;
use super::guard::admit;
use super::subscriptions::{AZURE_PLAN_OFFER, SEATS_OFFER};
use crate::server::{AppState, Shared};
use crate::wire::{
    collection, json_response, json_response_sized, link, num_value, page, pc_error, Num,
};
use crate::world::billing::{BillingLine, InvoiceKind, InvoiceRef, LineSubject};
use crate::world::catalog;
use crate::world::exchange::rate_date;
use crate::world::rating::{pec_rate, PlanMonth, RowKey};
use crate::world::tenancy::meter_guid;
use crate::world::{Currency, Customer, Month, PlanKind};

/// Default and maximum page size of line items.
pub const LINE_PAGE: u64 = 2000;

fn bad(text: impl Into<String>) -> Response {
    pc_error(StatusCode::BAD_REQUEST, "800002", text)
}

/// `GET /v1/invoices/{id}/lineitems?provider=&invoicelineitemtype=...`.
pub(crate) async fn by_query(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(invoice): Path<String>,
    Query(raw): Query<Vec<(String, String)>>,
) -> Response {
    serve(&s, &headers, &invoice, normalise(raw))
}

/// `GET /v1/invoices/{id}/lineitems/{provider}/{type}` (path form of the same call).
pub(crate) async fn by_path(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((invoice, provider, kind)): Path<(String, String, String)>,
    Query(raw): Query<Vec<(String, String)>>,
) -> Response {
    let mut params = normalise(raw);
    params.insert("provider".into(), provider);
    params.insert("invoicelineitemtype".into(), kind);
    serve(&s, &headers, &invoice, params)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Billing,
    Usage,
}

fn serve(s: &Shared, headers: &HeaderMap, invoice: &str, params: Params) -> Response {
    if let Err(r) = admit(s, headers, "lineitems", None) {
        return r;
    }
    let provider = params
        .get("provider")
        .map(|p| p.to_ascii_lowercase().replace('_', ""))
        .unwrap_or_default();
    let kind = match params
        .get("invoicelineitemtype")
        .map(|t| t.to_ascii_lowercase().replace('_', ""))
        .as_deref()
    {
        Some("billinglineitems") => Kind::Billing,
        Some("usagelineitems") => Kind::Usage,
        _ => return bad("invoicelineitemtype must be billinglineitems or usagelineitems."),
    };
    let today = s.clock.today();
    let yesterday = today.pred_opt().unwrap_or(today);
    if invoice.eq_ignore_ascii_case("unbilled") {
        if provider != "onetime" {
            return bad("Unbilled line items are served for provider=onetime only.");
        }
        let Some(currency) = params.get("currencycode").and_then(|c| Currency::parse(c)) else {
            return bad("currencycode is required (USD, EUR or GBP).");
        };
        let this_month = Month::of(today);
        let (month, open) = match params
            .get("period")
            .map(|p| p.to_ascii_lowercase())
            .as_deref()
        {
            Some("current") => (this_month, true),
            // Last month stays unbilled until its invoice is issued on the 8th.
            Some("previous") => (this_month.prev(), today < this_month.prev().invoice_date()),
            _ => return bad("period must be current or previous."),
        };
        let scope = Scope {
            invoice_number: String::new(),
            month,
            currency,
            through: if open {
                yesterday
            } else {
                month.first_day() - Duration::days(1)
            },
        };
        let base = "/v1/invoices/unbilled/lineitems".to_string();
        return match kind {
            Kind::Usage => usage_page(s, headers, &params, &scope, &base),
            Kind::Billing => modern_billing_page(s, headers, &params, &scope, &base),
        };
    }
    let Some(inv) = s.world.invoice(invoice, today) else {
        return pc_error(
            StatusCode::NOT_FOUND,
            "1000",
            format!("Invoice {invoice} was not found."),
        );
    };
    let base = format!("/v1/invoices/{}/lineitems", inv.id);
    match (inv.kind, provider.as_str(), kind) {
        (InvoiceKind::Legacy, "azure", Kind::Billing) => legacy_page(s, &params, &inv),
        (InvoiceKind::Modern, "onetime", _) => {
            if let Some(code) = params.get("currencycode") {
                if !code.eq_ignore_ascii_case(inv.currency.code()) {
                    return bad(format!(
                        "Invoice {} is billed in {}.",
                        inv.id,
                        inv.currency.code()
                    ));
                }
            }
            let scope = Scope {
                invoice_number: inv.id.clone(),
                month: inv.month,
                currency: inv.currency,
                through: inv.month.last_day(),
            };
            match kind {
                Kind::Usage => usage_page(s, headers, &params, &scope, &base),
                Kind::Billing => modern_billing_page(s, headers, &params, &scope, &base),
            }
        }
        _ => bad(format!(
            "Invoice {} has no {provider} line items of that type.",
            inv.id
        )),
    }
}

/// What a seek-paged line-item call covers.
struct Scope {
    invoice_number: String,
    month: Month,
    currency: Currency,
    through: NaiveDate,
}

fn seek_links(
    s: &Shared,
    params: &Params,
    base: &str,
    bound: &str,
    size: u64,
    next: Option<Vec<u64>>,
) -> (Option<Value>, Option<String>) {
    match next {
        Some(pos) => {
            let token = continuation::issue(&s.key, bound, &pos);
            let q = continuation::next_query(
                params,
                &[("size", size.to_string()), ("seekOperation", "Next".into())],
            );
            (
                Some(link(&format!("{base}?{q}"), Some(&token))),
                Some(token),
            )
        }
        None => (None, None),
    }
}

fn modern_customer(c: &Customer, currency: Currency) -> bool {
    c.plan == PlanKind::AzurePlan && c.currency == currency
}

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
    has_partner_earned_credit: bool,
    rate_of_credit: Num,
    credit_type: &'a str,
    benefit_order_id: &'a str,
    benefit_id: &'a str,
    benefit_type: &'a str,
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

fn usage_page(
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
                rate_of_partner_earned_credit: Num(if row.pec {
                    pec_rate()
                } else {
                    Decimal::ZERO
                }),
                has_partner_earned_credit: row.pec,
                rate_of_credit: Num(Decimal::ZERO),
                credit_type: "Credit Not Applied",
                benefit_order_id: "",
                benefit_id: "",
                benefit_type: "",
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

/// A new-commerce billing line as Partner Center's `OneTimeInvoiceLineItem`.
fn onetime_json(s: &Shared, c: &Customer, line: &BillingLine, scope: &Scope) -> Value {
    let partner = &s.world.partner;
    let fx = s.world.fx(scope.currency, scope.month);
    let (
        product_id,
        sku_id,
        availability,
        product,
        sku,
        sub_id,
        charge_type,
        unit_type,
        term,
        pec,
        meter_desc,
        offer,
    ) = match &line.subject {
        LineSubject::AzurePlanUsage { meter, pec } => {
            let m = catalog::meter(*meter);
            (
                m.product_id,
                "0001",
                "DZH318XZXPHL",
                m.category,
                m.name,
                c.plan_subscription_id.as_str(),
                "usage",
                m.unit,
                "",
                *pec,
                m.name,
                AZURE_PLAN_OFFER,
            )
        }
        _ => (
            "CFQ7TTC0LH18",
            "0001",
            "CFQ7TTC0LH0R",
            "Microsoft 365 Business Basic",
            "Microsoft 365 Business Basic",
            c.license_subscription_id.as_str(),
            "cycleCharge",
            "Licenses",
            "One-Month commitment for monthly/yearly billing",
            false,
            "",
            SEATS_OFFER,
        ),
    };
    let quantity = if matches!(line.subject, LineSubject::Seats) {
        line.quantity
    } else {
        Decimal::ONE
    };
    json!({
        "partnerId": partner.tenant_id,
        "customerId": c.tenant_id,
        "customerName": c.company_name,
        "customerDomainName": c.domain,
        "customerCountry": c.country,
        "invoiceNumber": scope.invoice_number,
        "mpnId": partner.mpn_id,
        "resellerMpnId": c.reseller_mpn_id.as_ref().and_then(|m| m.parse::<u64>().ok()).unwrap_or(0),
        "orderId": format!("{}{:04}", &sub_id[..8], c.index),
        "orderDate": day_text(c.created),
        "productId": product_id,
        "skuId": sku_id,
        "availabilityId": availability,
        "productName": product,
        "skuName": sku,
        "productQualifiers": [],
        "chargeType": charge_type,
        "unitPrice": num_value(line.unit_price),
        "effectiveUnitPrice": num_value(line.unit_price),
        "unitType": unit_type,
        "quantity": num_value(quantity),
        "subtotal": num_value(line.subtotal),
        "taxTotal": 0,
        "totalForCustomer": num_value(line.subtotal),
        "currency": scope.currency.code(),
        "publisherName": "Microsoft",
        "publisherId": "",
        "subscriptionDescription": sku,
        "subscriptionId": sub_id,
        "subscriptionStartDate": day_text(c.created),
        "subscriptionEndDate": "9999-12-31T00:00:00Z",
        "chargeStartDate": day_text(line.charge_start),
        "chargeEndDate": day_text(line.charge_end),
        "termAndBillingCycle": term,
        "alternateId": format!("{}{:02}", &sub_id[..12], scope.month.month),
        "referenceId": offer,
        "priceAdjustmentDescription": if pec { "[\"15.0% Partner earned credit for services managed\"]" } else { "[]" },
        "pricingCurrency": if matches!(line.subject, LineSubject::Seats) { scope.currency.code() } else { "USD" },
        "pcToBCExchangeRate": num_value(if matches!(line.subject, LineSubject::Seats) { Decimal::ONE } else { fx }),
        "pcToBCExchangeRateDate": day_text(rate_date(scope.month)),
        "billableQuantity": num_value(line.quantity),
        "meterDescription": meter_desc,
        "billingFrequency": if matches!(line.subject, LineSubject::Seats) { "Monthly" } else { "" },
        "reservationOrderId": "",
        "creditReasonCode": "",
        "promotionId": "",
        "invoiceLineItemType": "billing_line_items",
        "billingProvider": "one_time",
        "attributes": { "objectType": "OneTimeInvoiceLineItem" },
    })
}

fn modern_billing_page(
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
    let bound = continuation::binding(&format!("{base}/billing/{}", scope.invoice_number), params);
    let (first_customer, mut skip) = match continuation::seek(&s.key, headers, params, &bound) {
        Ok(Some(p)) if p.len() == 2 => (p[0] as u32, p[1] as usize),
        Ok(Some(_)) => return bad("The continuation token is malformed."),
        Ok(None) => (0, 0),
        Err(r) => return r,
    };
    let mut items = Vec::new();
    let mut next = None;
    'customers: for ci in first_customer..s.world.customer_count() {
        let c = s.world.customer(ci);
        if !modern_customer(&c, scope.currency) {
            continue;
        }
        let lines = s.world.modern_lines(&c, scope.month, scope.through);
        for (li, line) in lines.iter().enumerate().skip(skip) {
            if items.len() as u64 == size {
                next = Some(vec![ci as u64, li as u64]);
                break 'customers;
            }
            items.push(onetime_json(s, &c, line, scope));
        }
        skip = 0;
    }
    let (next_link, token) = seek_links(s, params, base, &bound, size, next);
    let self_q = continuation::next_query(params, &[("size", size.to_string())]);
    json_response(
        StatusCode::OK,
        &collection(
            items,
            &format!("{base}?{self_q}"),
            next_link,
            token.as_deref(),
        ),
    )
}

fn legacy_page(s: &Shared, params: &Params, inv: &InvoiceRef) -> Response {
    let (size, offset) = match (
        continuation::size(params, LINE_PAGE, LINE_PAGE),
        continuation::offset(params),
    ) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    let partner = &s.world.partner;
    let mut seen = 0u64;
    let mut items = Vec::new();
    let mut more = false;
    'customers: for ci in 0..s.world.customer_count() {
        let c = s.world.customer(ci);
        if !s.world.on_invoice(&c, inv) {
            continue;
        }
        for line in s.world.billing_lines(&c, inv) {
            if seen < offset {
                seen += 1;
                continue;
            }
            if items.len() as u64 == size {
                more = true;
                break 'customers;
            }
            seen += 1;
            let LineSubject::LegacyUsage { entitlement, meter } = line.subject else {
                continue;
            };
            let e = s.world.entitlement(&c, entitlement);
            let m = catalog::meter(meter);
            let (region, _) = c.region();
            let overage = (line.quantity - line.included).max(Decimal::ZERO);
            items.push(json!({
                "partnerId": partner.tenant_id,
                "partnerName": partner.name,
                "partnerBillableAccountId": format!("{}-{}", partner.mpn_id, inv.currency.code()),
                "customerCompanyName": c.company_name,
                "customerId": c.tenant_id,
                "domainName": c.domain,
                "mpnId": partner.mpn_id,
                "tier2MpnId": c.reseller_mpn_id,
                "invoiceNumber": inv.id,
                "chargeStartDate": day_text(line.charge_start),
                "chargeEndDate": day_text(line.charge_end),
                "subscriptionId": e.pc_subscription_id,
                "subscriptionName": e.friendly_name,
                "subscriptionDescription": "Microsoft Azure",
                "orderId": format!("{}{}", &e.pc_subscription_id[..8], inv.month.year),
                "serviceName": m.category,
                "serviceType": m.subcategory,
                "resourceGuid": meter_guid(meter, if m.stack { "Azure Stack" } else { region }),
                "resourceName": m.name,
                "region": if m.stack { "Azure Stack" } else { region },
                "sku": "",
                "detailLineItemId": 0,
                "consumedQuantity": num_value(line.quantity),
                "includedQuantity": num_value(line.included),
                "overageQuantity": num_value(overage),
                "listPrice": num_value(line.unit_price),
                "pretaxCharges": num_value(line.subtotal),
                "taxAmount": 0,
                "postTaxTotal": num_value(line.subtotal),
                "currency": inv.currency.code(),
                "pretaxEffectiveRate": num_value(if overage.is_zero() { Decimal::ZERO } else { (line.subtotal / overage).round_dp(6) }),
                "postTaxEffectiveRate": num_value(if overage.is_zero() { Decimal::ZERO } else { (line.subtotal / overage).round_dp(6) }),
                "chargeType": "Charge for Consumed Units",
                "billingProvider": "azure",
                "invoiceLineItemType": "billing_line_items",
                "attributes": { "objectType": "UsageBasedLineItem" },
            }));
        }
    }
    let base = format!(
        "/invoices/{}/lineitems?provider=azure&invoicelineitemtype=billinglineitems",
        inv.id
    );
    let next = more.then(|| {
        link(
            &format!("{base}&size={size}&offset={}", offset + size),
            None,
        )
    });
    json_response(
        StatusCode::OK,
        &collection(
            items,
            &format!("{base}&size={size}&offset={offset}"),
            next,
            None,
        ),
    )
}
