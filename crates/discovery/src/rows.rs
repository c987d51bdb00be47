//! From Partner Center's wire types to the rows the store writes. Kept apart from the
//! fetching so the mapping rules (which offer is which kind of subscription, where a legacy
//! record's resource URI is) are written down once. Public so Microsoft's published samples
//! can be mapped the way a run maps them (crates/partner-api/tests/partner_api/samples).

use cspdesk_partner_api as pc;
use cspdesk_store::discovered::*;
use rust_decimal::Decimal;

/// Azure plan's product id: every Azure plan subscription's offer id starts with it.
const AZURE_PLAN_PRODUCT: &str = "DZH318Z0BPS6";

/// What usage a subscription produces, from its offer (none sent: an unknown offer).
pub fn subscription_kind(offer_id: Option<&str>) -> SubscriptionKind {
    let Some(offer) = offer_id.map(str::trim).filter(|o| !o.is_empty()) else {
        return SubscriptionKind::Unknown;
    };
    let offer = offer.to_ascii_uppercase();
    if offer.starts_with("MS-AZR-") {
        SubscriptionKind::LegacyAzure
    } else if offer.starts_with(AZURE_PLAN_PRODUCT) {
        SubscriptionKind::AzurePlan
    } else {
        SubscriptionKind::Licence
    }
}

/// A customer as the store keeps it.
pub fn customer(c: pc::Customer) -> CustomerRow {
    CustomerRow {
        id: c.id,
        company_name: c.company_profile.company_name,
        domain: c.company_profile.domain,
        tenant_id: c.company_profile.tenant_id,
        commerce_id: c.commerce_id,
        relationship: c.relationship_to_partner,
    }
}

/// The offer is `offerId`, else the offer link's; an item whose offer nothing names is kept
/// as an unknown offer: it produces no usage, and the list still shows it.
pub fn subscription(s: pc::Subscription) -> SubscriptionRow {
    let offer = s.offer();
    SubscriptionRow {
        kind: subscription_kind(offer.as_deref()),
        id: s.id,
        // The column is NOT NULL: a subscription whose offer nothing names keeps it empty.
        offer_id: offer.unwrap_or_default(),
        offer_name: s.offer_name,
        friendly_name: s.friendly_name,
        quantity: s.quantity,
        unit_type: s.unit_type,
        status: s.status,
        billing_type: s.billing_type,
        billing_cycle: s.billing_cycle,
        creation_date: s.creation_date,
        commitment_end_date: s.commitment_end_date,
        term_duration: s.term_duration,
        entitlement_id: s.entitlement_id,
    }
}

/// An Azure plan's Azure subscription.
pub fn entitlement(e: pc::AzureEntitlement) -> EntitlementIn {
    EntitlementIn {
        id: e.id,
        friendly_name: e.friendly_name,
        status: e.status,
    }
}

/// A legacy (0145P) utilization record.
pub fn utilization(u: pc::UtilizationRecord) -> UtilizationRow {
    // With show_details the record's Azure resource is in instanceData.resourceUri.
    let resource_uri = u
        .instance_data
        .as_ref()
        .and_then(|d| d.get("resourceUri").or_else(|| d.get("resourceuri")))
        .and_then(|v| v.as_str())
        .map(str::to_string);
    UtilizationRow {
        usage_start: u.usage_start_time,
        usage_end: u.usage_end_time,
        meter_id: u.resource.id,
        meter_name: u.resource.name,
        category: u.resource.category,
        subcategory: u.resource.subcategory,
        region: u.resource.region,
        resource_uri,
        quantity: u.quantity,
        unit: u.unit,
    }
}

/// A rate card's header and meters.
pub fn rate_card(card: pc::RateCard) -> (RateCardRow, Vec<MeterRow>) {
    let terms: Vec<serde_json::Value> = card
        .offer_terms
        .iter()
        .map(|t| {
            serde_json::json!({
                "name": t.name,
                "discount": t.discount.to_string(),
                "excludedMeterIds": t.excluded_meter_ids,
                "effectiveDate": t.effective_date,
            })
        })
        .collect();
    let meters = card
        .meters
        .into_iter()
        .map(|m| {
            let rates: serde_json::Map<String, serde_json::Value> = m
                .rates
                .iter()
                .map(|(k, v)| (k.clone(), serde_json::Value::String(v.to_string())))
                .collect();
            MeterRow {
                meter_id: m.id,
                name: m.name,
                category: m.category,
                subcategory: m.subcategory,
                region: m.region,
                unit: m.unit,
                included_quantity: m.included_quantity,
                effective_date: m.effective_date,
                rates: serde_json::Value::Object(rates).to_string(),
            }
        })
        .collect();
    (
        RateCardRow {
            currency: card.currency,
            locale: card.locale,
            tax_included: card.is_tax_included,
            offer_terms: serde_json::Value::Array(terms).to_string(),
        },
        meters,
    )
}

/// One invoice (or note) as listed, with its line-item collections.
pub fn invoice(i: pc::Invoice) -> InvoiceRow {
    InvoiceRow {
        streams: i
            .invoice_details
            .iter()
            .map(|d| (d.billing_provider.clone(), d.invoice_line_item_type.clone()))
            .collect(),
        id: i.id,
        invoice_date: i.invoice_date,
        billing_period_start: i.billing_period_start_date,
        billing_period_end: i.billing_period_end_date,
        total_charges: i.total_charges,
        paid_amount: i.paid_amount,
        currency: i.currency_code,
        invoice_type: i.invoice_type,
        document_type: i.document_type,
        amends_of: i.amends_of,
    }
}

/// An invoice and, after it, each credit or adjustment note issued against it, as rows of
/// their own (a note has its own id, total and lines).
pub fn invoices_with_notes(i: pc::Invoice) -> Vec<InvoiceRow> {
    i.with_amendments().into_iter().map(invoice).collect()
}

/// A new-commerce billed line.
pub fn billing_line(l: pc::BilledLineItem) -> BillingLineRow {
    BillingLineRow {
        customer_id: l.customer_id,
        customer_name: l.customer_name,
        product_id: l.product_id,
        sku_id: l.sku_id,
        product_name: l.product_name,
        sku_name: l.sku_name,
        charge_type: l.charge_type,
        // The column is NOT NULL: a line without a subscription keeps it empty.
        subscription_id: l.subscription_id.unwrap_or_default(),
        unit_price: l.unit_price,
        effective_unit_price: l.effective_unit_price,
        quantity: l.quantity,
        billable_quantity: l.billable_quantity,
        subtotal: l.subtotal,
        tax_total: l.tax_total,
        total_for_customer: l.total_for_customer,
        currency: l.currency,
        pc_to_bc_exchange_rate: l.pc_to_bc_exchange_rate,
        charge_start_date: l.charge_start_date,
        charge_end_date: l.charge_end_date,
        term: LineTerm {
            order_date: l.order_date,
            subscription_start_date: l.subscription_start_date,
            subscription_end_date: l.subscription_end_date,
            term_and_billing_cycle: l.term_and_billing_cycle,
        },
    }
}

/// A legacy line in any of its shapes (Azure billing, Azure usage, Office licences): each
/// shape's names go to the one meaning they share (units, price, pre-tax amount, tax).
pub fn legacy_line(l: pc::LegacyLineItem) -> LegacyLineRow {
    let (units, price, pretax, tax) = (l.units(), l.price(), l.pretax(), l.tax_total());
    let product = l.product().map(str::to_string);
    LegacyLineRow {
        customer_id: l.customer_id,
        subscription_id: l.subscription_id,
        resource_guid: l.resource_guid,
        resource_name: product,
        charge_start_date: l.charge_start_date,
        charge_end_date: l.charge_end_date,
        consumed_quantity: units,
        unit_price: price,
        pretax_charges: pretax,
        tax_amount: tax,
        currency: l.currency,
        unit: l.unit,
        billing_cycle_type: l.billing_cycle_type,
    }
}

/// A daily rated usage row. Microsoft's published rows leave some keys out (issue 18): a
/// missing Azure subscription id is kept empty; a missing effective unit price is the unit
/// price less the row's partner earned credit (what `effectiveUnitPrice` is documented to be),
/// or 0 when the row has no unit price either, which Reconciliation then shows as unexplained.
pub fn daily_usage(u: pc::DailyRatedUsageLineItem) -> DailyUsageRow {
    let credit = u.partner_earned_credit_rate().normalize();
    let effective_unit_price = u
        .effective_unit_price
        .or_else(|| u.unit_price.map(|p| p * (Decimal::ONE - credit)))
        .unwrap_or_default();
    DailyUsageRow {
        customer_id: u.customer_id,
        invoice_number: u.invoice_number,
        subscription_id: u.subscription_id,
        entitlement_id: u.entitlement_id.unwrap_or_default(),
        usage_date: u.usage_date,
        meter_id: u.meter_id,
        meter_name: u.meter_name,
        meter_category: u.meter_category,
        meter_region: u.meter_region,
        resource_uri: u.resource_uri,
        unit_of_measure: u.unit_of_measure,
        charge_type: u.charge_type,
        quantity: u.quantity,
        unit_price: u.unit_price,
        effective_unit_price,
        billing_pre_tax_total: u.billing_pre_tax_total,
        billing_currency: u.billing_currency,
        pricing_pre_tax_total: u.pricing_pre_tax_total,
        pricing_currency: u.pricing_currency,
        pc_to_bc_exchange_rate: u.pc_to_bc_exchange_rate,
        partner_earned_credit_rate: credit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offers_map_to_the_usage_they_produce() {
        assert_eq!(
            subscription_kind(Some("MS-AZR-0145P")),
            SubscriptionKind::LegacyAzure
        );
        assert_eq!(
            subscription_kind(Some("DZH318Z0BPS6:0001:DZH318Z0BML6")),
            SubscriptionKind::AzurePlan
        );
        assert_eq!(
            subscription_kind(Some("CFQ7TTC0LH18:0001:CFQ7TTC0LH1G")),
            SubscriptionKind::Licence,
            "Microsoft 365 seats have no usage to read"
        );
        assert_eq!(
            subscription_kind(None),
            SubscriptionKind::Unknown,
            "an older subscription without an offer is kept as an unknown offer"
        );
    }
}
