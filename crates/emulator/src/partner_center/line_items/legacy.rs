//! Legacy Azure billing line items (provider `azure`) as `UsageBasedLineItem`, offset-paged
//! as Partner Center pages them.

use axum::http::StatusCode;
use axum::response::Response;
use rust_decimal::Decimal;
use serde_json::json;

use super::LINE_PAGE;
use crate::partner_center::continuation::{self, Params};
use crate::partner_center::day_text;
use crate::server::Shared;
use crate::wire::{collection, json_response, link, num_value};
use crate::world::billing::{InvoiceRef, LineSubject};
use crate::world::catalog;
use crate::world::tenancy::meter_guid;

pub(super) fn legacy_page(s: &Shared, params: &Params, inv: &InvoiceRef) -> Response {
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
                // Numbers here, as the legacy samples send them; -1 when no reseller.
                "mpnId": partner.mpn_id.parse::<u64>().unwrap_or(0),
                "tier2MpnId": c.reseller_mpn_id.as_ref().and_then(|m| m.parse::<i64>().ok()).unwrap_or(-1),
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
                "unit": m.unit,
                "billingCycleType": "Monthly",
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
