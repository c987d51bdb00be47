//! New-commerce billing line items (`billinglineitems`, provider `onetime`): Azure plan usage
//! and license seats as Partner Center's `OneTimeInvoiceLineItem`, seek-paged.

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use rust_decimal::Decimal;
use serde_json::{json, Value};

use super::{bad, modern_customer, seek_links, Scope, LINE_PAGE};
use crate::partner_center::continuation::{self, Params};
use crate::partner_center::day_text;
use crate::partner_center::line_product::{line_product, line_term};
use crate::server::Shared;
use crate::wire::{collection, json_response, num_value};
use crate::world::billing::BillingLine;
use crate::world::exchange::rate_date;
use crate::world::Customer;

/// A new-commerce billing line as Partner Center's `OneTimeInvoiceLineItem`.
fn onetime_json(s: &Shared, c: &Customer, line: &BillingLine, scope: &Scope) -> Value {
    let partner = &s.world.partner;
    let fx = s.world.fx(scope.currency, scope.month);
    let p = line_product(c, line);
    let dates = line_term(&s.world, c, line);
    let (product_id, sku_id, availability, product, sku, sub_id) = (
        p.product_id,
        p.sku_id,
        p.availability_id,
        p.product_name,
        p.sku_name,
        p.subscription_id,
    );
    let (charge_type, unit_type, term, pec, meter_desc, offer, seats) = (
        p.charge_type,
        p.unit_type,
        p.term,
        p.pec,
        p.meter_description,
        p.offer,
        p.seats,
    );
    let quantity = if seats { line.quantity } else { Decimal::ONE };
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
        "orderDate": dates.order_date,
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
        "subscriptionStartDate": dates.start,
        "subscriptionEndDate": dates.end,
        "chargeStartDate": day_text(line.charge_start),
        "chargeEndDate": day_text(line.charge_end),
        "termAndBillingCycle": term,
        "alternateId": format!("{}{:02}", &sub_id[..12], scope.month.month),
        "referenceId": offer,
        "priceAdjustmentDescription": if pec { "[\"15.0% Partner earned credit for services managed\"]" } else { "[]" },
        // Deprecated and sent empty (Microsoft's billed sample of 2021).
        "discountDetails": "",
        "pricingCurrency": if seats { scope.currency.code() } else { "USD" },
        "pcToBCExchangeRate": num_value(if seats { Decimal::ONE } else { fx }),
        "pcToBCExchangeRateDate": day_text(rate_date(scope.month)),
        "billableQuantity": num_value(line.quantity),
        "meterDescription": meter_desc,
        "billingFrequency": if seats { "Monthly" } else { "" },
        "reservationOrderId": "",
        "promotionId": "",
        "invoiceLineItemType": "billing_line_items",
        "billingProvider": "one_time",
        "attributes": { "objectType": "OneTimeInvoiceLineItem" },
    })
}

pub(super) fn modern_billing_page(
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
        let lines = match &scope.note {
            Some(note) => s.world.billing_lines(&c, note),
            None => s.world.modern_lines(&c, scope.month, scope.through),
        };
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
