//! One JSON line per row, with the attribute names and the full/basic split of Microsoft's
//! `attributeSet` page (`tests/fixtures/microsoft/graph/*-attributes.json`): usage rows from the
//! world's rated daily usage, reconciliation rows from its billing lines, so an invoice's
//! exported rows add up to the invoice's total exactly as the v1 routes serve it.

use std::io;

use rust_decimal::Decimal;

use super::Dataset;
use crate::partner_center::day_text;
use crate::partner_center::line_product::{line_product, line_term};
use crate::wire::Num;
use crate::world::billing::{BillingLine, InvoiceRef};
use crate::world::catalog;
use crate::world::exchange::rate_date;
use crate::world::rating::{pec_rate, PlanMonth, RatedRow};
use crate::world::tenancy::meter_guid;
use crate::world::{Currency, Customer, Month, PlanKind, World};

/// The request's `attributeSet`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AttributeSet {
    /// Every attribute.
    Full,
    /// The documented subset.
    Basic,
}

impl AttributeSet {
    /// Reads the wire value (`full` | `basic`); `unknownFutureValue` is not a set.
    pub fn parse(s: &str) -> Option<AttributeSet> {
        match s {
            "full" => Some(AttributeSet::Full),
            "basic" => Some(AttributeSet::Basic),
            _ => None,
        }
    }

    /// The wire value.
    pub fn name(self) -> &'static str {
        match self {
            AttributeSet::Full => "full",
            AttributeSet::Basic => "basic",
        }
    }
}

/// Usage attributes with Basic = Yes.
pub const USAGE_BASIC: &[&str] = &[
    "AdditionalInfo",
    "BenefitOrderID",
    "BenefitType",
    "BillingCurrency",
    "BillingPreTaxTotal",
    "ChargeEndDate",
    "ChargeStartDate",
    "ChargeType",
    "CreditPercentage",
    "CreditType",
    "CustomerId",
    "CustomerName",
    "EffectiveUnitPrice",
    "EntitlementId",
    "InvoiceNumber",
    "PartnerId",
    "PartnerName",
    "PCToBCExchangeRate",
    "PricingCurrency",
    "PricingPreTaxTotal",
    "ProductId",
    "PublisherName",
    "Quantity",
    "ResourceURI",
    "SkuId",
    "SkuName",
    "SubscriptionId",
    "UnitPrice",
    "UnitType",
    "UsageDate",
];

/// Reconciliation attributes with Basic = Yes.
pub const RECONCILIATION_BASIC: &[&str] = &[
    "PartnerId",
    "CustomerId",
    "CustomerName",
    "InvoiceNumber",
    "Tier2MpnId",
    "OrderId",
    "OrderDate",
    "ProductId",
    "SkuId",
    "AvailabilityId",
    "SkuName",
    "ProductName",
    "ChargeType",
    "UnitPrice",
    "Subtotal",
    "TaxTotal",
    "Total",
    "Currency",
    "PriceAdjustmentDescription",
    "PublisherName",
    "SubscriptionId",
    "ChargeStartDate",
    "ChargeEndDate",
    "TermAndBillingCycle",
    "EffectiveUnitPrice",
    "BillableQuantity",
    "PricingCurrency",
    "PCToBCExchangeRate",
    "ReservationOrderId",
    "CreditReasonCode",
    "SubscriptionStartDate",
    "SubscriptionEndDate",
    "ReferenceId",
    "PromotionId",
    "ProductCategory",
];

/// What an export covers, once its request is resolved against the world.
#[derive(Clone, Debug)]
pub(crate) struct Selection {
    pub dataset: Dataset,
    pub attrs: AttributeSet,
    /// The invoice's id (`""` for unbilled data).
    pub invoice_number: String,
    pub month: Month,
    pub currency: Currency,
    /// Last usage day included (the month's last day when billed, yesterday when open).
    pub through: chrono::NaiveDate,
    /// An adjustment note: its own lines instead of the month's.
    pub note: Option<InvoiceRef>,
}

/// Builds one JSON object line, leaving out what the attribute set leaves out.
struct Line<'a> {
    out: &'a mut Vec<u8>,
    basic: Option<&'static [&'static str]>,
    first: bool,
}

impl<'a> Line<'a> {
    fn new(out: &'a mut Vec<u8>, attrs: AttributeSet, basic: &'static [&'static str]) -> Self {
        out.clear();
        out.push(b'{');
        Line {
            out,
            basic: (attrs == AttributeSet::Basic).then_some(basic),
            first: true,
        }
    }

    fn key(&mut self, key: &str) -> bool {
        if self.basic.is_some_and(|b| !b.contains(&key)) {
            return false;
        }
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\":");
        true
    }

    fn text(&mut self, key: &str, value: &str) {
        if self.key(key) {
            // Writing a str to a Vec cannot fail.
            let _ = serde_json::to_writer(&mut *self.out, value);
        }
    }

    fn num(&mut self, key: &str, value: Decimal) {
        if self.key(key) {
            let _ = serde_json::to_writer(&mut *self.out, &Num(value));
        }
    }

    fn end(self) {
        self.out.extend_from_slice(b"}\n");
    }
}

/// Writes every row of `sel` through `sink`, one line (with its `\n`) at a time.
pub(crate) fn write_rows(
    world: &World,
    sel: &Selection,
    sink: &mut dyn FnMut(&[u8]) -> io::Result<()>,
) -> io::Result<()> {
    let mut buf = Vec::with_capacity(2048);
    // Every usage row of an export shares its charge period: written once, not per row.
    let period = (
        day_text(sel.month.first_day()),
        day_text(sel.month.last_day()),
    );
    for ci in 0..world.customer_count() {
        let c = world.customer(ci);
        let on_note = sel.note.as_ref().is_some_and(|n| world.on_invoice(&c, n));
        if c.plan != PlanKind::AzurePlan || c.currency != sel.currency {
            continue;
        }
        if sel.dataset.is_usage() {
            if sel.note.is_some() {
                continue;
            }
            let mut pm = PlanMonth::new(world, c.clone(), sel.month, sel.through);
            while let Some(row) = pm.next() {
                usage_line(world, sel, &period, &pm, &row, &mut buf);
                sink(&buf)?;
            }
        } else {
            let lines = match &sel.note {
                Some(note) if on_note => world.billing_lines(&c, note),
                Some(_) => Vec::new(),
                None => world.modern_lines(&c, sel.month, sel.through),
            };
            for line in &lines {
                reconciliation_line(world, sel, &c, line, &mut buf);
                sink(&buf)?;
            }
        }
    }
    Ok(())
}

fn usage_line(
    world: &World,
    sel: &Selection,
    (charge_start, charge_end): &(String, String),
    pm: &PlanMonth<'_>,
    row: &RatedRow,
    out: &mut Vec<u8>,
) {
    let partner = &world.partner;
    let c = &pm.customer;
    let e = &pm.entitlements[row.key.entitlement as usize];
    let r = &pm.resources[row.key.entitlement as usize][row.key.resource as usize];
    let m = catalog::meter(row.meter);
    let (region, location) = c.region();
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
    let pec = if row.pec {
        pec_rate() * Decimal::ONE_HUNDRED
    } else {
        Decimal::ZERO
    };
    let mut l = Line::new(out, sel.attrs, USAGE_BASIC);
    l.text("AdditionalInfo", &additional);
    l.text("AvailabilityId", "DZH318XZXPHL");
    l.text("BenefitID", "");
    l.text("BenefitOrderID", "");
    l.text("BenefitType", "");
    l.text("BillingCurrency", sel.currency.code());
    l.num("BillingPreTaxTotal", row.billing_total);
    l.text("ChargeEndDate", charge_end);
    l.text("ChargeStartDate", charge_start);
    l.text("ChargeType", "new");
    l.text("ConsumedService", m.provider);
    // Azure credit (CreditType/CreditPercentage) never applies in the sandbox; PEC has its own
    // attribute.
    l.num("CreditPercentage", Decimal::ZERO);
    l.text("CreditType", "Credit Not Applied");
    l.text("CustomerCountry", c.country);
    l.text("CustomerDomainName", &c.domain);
    l.text("CustomerId", &c.tenant_id);
    l.text("CustomerName", &c.company_name);
    l.num("EffectiveUnitPrice", row.effective_unit_price);
    l.text("EntitlementDescription", &e.friendly_name);
    l.text("EntitlementId", &e.id);
    l.text("InvoiceNumber", &sel.invoice_number);
    l.text("MeterCategory", m.category);
    l.text("MeterId", &meter_guid(row.meter, meter_region));
    l.text("MeterName", m.name);
    l.text("MeterRegion", meter_region);
    l.text("MeterSubCategory", m.subcategory);
    l.text(
        "MeterType",
        if m.third_party {
            "Marketplace"
        } else {
            "1st Party"
        },
    );
    l.text("MpnId", &partner.mpn_id);
    l.num("PartnerEarnedCreditPercentage", pec);
    l.text("PartnerId", &partner.tenant_id);
    l.text("PartnerName", &partner.name);
    l.num("PCToBCExchangeRate", row.fx);
    l.text("PricingCurrency", "USD");
    l.num("PricingPreTaxTotal", row.pricing_total);
    l.text("ProductId", m.product_id);
    l.text("ProductName", m.category);
    l.text("PublisherId", if m.third_party { "sendgrid" } else { "" });
    l.text(
        "PublisherName",
        if m.third_party {
            "Twilio SendGrid"
        } else {
            "Microsoft"
        },
    );
    l.num("Quantity", row.quantity);
    l.text("ResourceGroup", &r.resource_group);
    l.text(
        "ResourceLocation",
        if m.stack { "azurestack" } else { location },
    );
    l.text("ResourceURI", &r.uri);
    l.text("ServiceInfo1", "");
    l.text("ServiceInfo2", "");
    l.text("SkuId", "0001");
    l.text("SkuName", m.name);
    l.text("SubscriptionDescription", "Azure plan");
    l.text("SubscriptionId", &c.plan_subscription_id);
    l.text("Tags", &r.tags);
    l.text("Tier2MpnId", c.reseller_mpn_id.as_deref().unwrap_or(""));
    l.text("Unit", m.unit);
    l.num("UnitPrice", row.unit_price);
    l.text("UnitType", m.unit);
    l.text("UsageDate", &day_text(row.key.day));
    l.end();
}

fn reconciliation_line(
    world: &World,
    sel: &Selection,
    c: &Customer,
    line: &BillingLine,
    out: &mut Vec<u8>,
) {
    let partner = &world.partner;
    let fx = world.fx(sel.currency, sel.month);
    let p = line_product(c, line);
    let dates = line_term(world, c, line);
    let seats = p.seats;
    let category = if seats { "OnlineServices" } else { "Azure" };
    let quantity = if seats { line.quantity } else { Decimal::ONE };
    let mut l = Line::new(out, sel.attrs, RECONCILIATION_BASIC);
    l.text("PartnerId", &partner.tenant_id);
    l.text("CustomerId", &c.tenant_id);
    l.text("CustomerName", &c.company_name);
    l.text("CustomerDomainName", &c.domain);
    l.text("CustomerCountry", c.country);
    l.text("InvoiceNumber", &sel.invoice_number);
    l.text("MpnId", &partner.mpn_id);
    l.text("Tier2MpnId", c.reseller_mpn_id.as_deref().unwrap_or(""));
    l.text(
        "OrderId",
        &format!("{}{:04}", &p.subscription_id[..8], c.index),
    );
    l.text("OrderDate", &dates.order_date);
    l.text("ProductId", p.product_id);
    l.text("SkuId", p.sku_id);
    l.text("AvailabilityId", p.availability_id);
    l.text("SkuName", p.sku_name);
    l.text("ProductName", p.product_name);
    l.text("ChargeType", p.charge_type);
    l.num("UnitPrice", line.unit_price);
    l.num("Quantity", quantity);
    l.num("Subtotal", line.subtotal);
    l.num("TaxTotal", Decimal::ZERO);
    l.num("Total", line.subtotal);
    l.text("Currency", sel.currency.code());
    l.text(
        "PriceAdjustmentDescription",
        if p.pec {
            "[\"15.0% Partner earned credit for services managed\"]"
        } else {
            "[]"
        },
    );
    l.text("PublisherName", "Microsoft");
    l.text("PublisherId", "");
    l.text("SubscriptionDescription", p.sku_name);
    l.text("SubscriptionId", p.subscription_id);
    l.text("ChargeStartDate", &day_text(line.charge_start));
    l.text("ChargeEndDate", &day_text(line.charge_end));
    l.text("TermAndBillingCycle", p.term);
    l.num("EffectiveUnitPrice", line.unit_price);
    l.text("UnitType", p.unit_type);
    l.text(
        "AlternateId",
        &format!("{}{:02}", &p.subscription_id[..12], sel.month.month),
    );
    l.num("BillableQuantity", line.quantity);
    l.text("BillingFrequency", if seats { "Monthly" } else { "" });
    l.text(
        "PricingCurrency",
        if seats { sel.currency.code() } else { "USD" },
    );
    l.num("PCToBCExchangeRate", if seats { Decimal::ONE } else { fx });
    l.text("PCToBCExchangeRateDate", &day_text(rate_date(sel.month)));
    l.text("MeterDescription", p.meter_description);
    l.text("ReservationOrderId", "");
    l.text("CreditReasonCode", "");
    l.text("SubscriptionStartDate", &dates.start);
    l.text("SubscriptionEndDate", &dates.end);
    l.text("ReferenceId", p.offer);
    l.text("ProductQualifiers", "[]");
    l.text("PromotionId", "");
    l.text("ProductCategory", category);
    l.end();
}
