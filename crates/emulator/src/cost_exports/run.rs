//! One export run as files: partitioned CSV parts with the MPA partner cost-details columns
//! (reference §10.2, byte-exact header) plus `manifest.json`, streamed part by part to a sink so
//! a large preset never holds a month of cost rows in memory. Test harnesses can call
//! [`write_run_to_dir`] and upload the folder to a real Azure Storage emulator (azurite).

use std::path::Path;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::json;

use crate::entropy::{fnv, tag, Draw};
use crate::error::{EmulatorError, Result};
use crate::world::catalog;
use crate::world::exchange::rate_date;
use crate::world::rating::{floor2, pec_rate, PlanMonth};
use crate::world::tenancy::meter_guid;
use crate::world::{Customer, Month, PlanKind, World};

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

/// Which dataset an export produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dataset {
    /// Actual cost: reservation and savings-plan purchases appear as Purchase rows on the 1st.
    ActualCost,
    /// Amortized cost: purchases are spread over the days of the month as Usage rows.
    AmortizedCost,
}

/// Scope of an export in the partner's MCA billing account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExportScope {
    /// Whole billing account.
    BillingAccount,
    /// The (single) billing profile.
    BillingProfile,
    /// One customer, by tenant id.
    Customer(String),
}

/// What to export.
#[derive(Clone, Debug)]
pub struct RunRequest {
    /// Export name (folder under the root folder).
    pub export_name: String,
    /// Scope.
    pub scope: ExportScope,
    /// Dataset.
    pub dataset: Dataset,
    /// First day (inclusive).
    pub from: NaiveDate,
    /// Last day (inclusive).
    pub to: NaiveDate,
    /// Root folder inside the container.
    pub root_folder: String,
    /// Data rows per CSV part (each part repeats the header).
    pub rows_per_part: usize,
    /// Run id (folder name).
    pub run_id: String,
    /// When the run was submitted.
    pub submitted: DateTime<Utc>,
    /// `Scheduled` or `OnDemand`.
    pub execution_type: String,
    /// ARM resource id of the export definition (goes into the manifest).
    pub resource_id: String,
}

impl RunRequest {
    /// A run of the billing-account export `export_name` under root folder `partner`, in parts
    /// of 50,000 rows, submitted by the schedule (set other fields with struct update syntax).
    pub fn new(
        export_name: &str,
        dataset: Dataset,
        (from, to): (NaiveDate, NaiveDate),
        run_id: &str,
        submitted: DateTime<Utc>,
    ) -> RunRequest {
        RunRequest {
            export_name: export_name.into(),
            scope: ExportScope::BillingAccount,
            dataset,
            from,
            to,
            root_folder: "partner".into(),
            rows_per_part: 50_000,
            run_id: run_id.into(),
            submitted,
            execution_type: "Scheduled".into(),
            resource_id: String::new(),
        }
    }
}

/// Totals of a finished run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunSummary {
    /// Folder of the run, relative to the container: `{root}/{export}/{YYYYMMDD-YYYYMMDD}/{runId}`.
    pub folder: String,
    /// Paths of the CSV parts, relative to the container.
    pub parts: Vec<String>,
    /// Path of manifest.json, relative to the container.
    pub manifest: String,
    /// Data rows written (headers excluded).
    pub data_rows: u64,
    /// Sum of costInBillingCurrency over all rows.
    pub cost_in_billing_currency: Decimal,
}

fn us_date(d: NaiveDate) -> String {
    d.format("%m/%d/%Y").to_string()
}

fn customers_in_scope(world: &World, scope: &ExportScope) -> Result<Vec<Customer>> {
    let all = (0..world.customer_count())
        .map(|i| world.customer(i))
        .filter(|c| c.plan == PlanKind::AzurePlan);
    match scope {
        ExportScope::BillingAccount | ExportScope::BillingProfile => Ok(all.collect()),
        ExportScope::Customer(id) => {
            let found: Vec<Customer> = all
                .filter(|c| c.tenant_id.eq_ignore_ascii_case(id))
                .collect();
            if found.is_empty() {
                return Err(EmulatorError::Export(format!(
                    "customer {id} is not an Azure plan customer of this billing account"
                )));
            }
            Ok(found)
        }
    }
}

/// Accumulates rows into parts and hands each finished part to the sink.
struct Parts<'s> {
    sink: &'s mut dyn FnMut(&str, Vec<u8>) -> Result<()>,
    folder: String,
    rows_per_part: usize,
    current: Option<csv::Writer<Vec<u8>>>,
    rows_in_part: usize,
    written: Vec<(String, u64, u64)>,
}

impl Parts<'_> {
    fn push(&mut self, record: &[String]) -> Result<()> {
        if self.current.is_none() {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(MPA_COLUMNS)
                .map_err(|e| EmulatorError::Export(e.to_string()))?;
            self.current = Some(w);
            self.rows_in_part = 0;
        }
        let w = self.current.as_mut().expect("just set");
        w.write_record(record)
            .map_err(|e| EmulatorError::Export(e.to_string()))?;
        self.rows_in_part += 1;
        if self.rows_in_part >= self.rows_per_part {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        let Some(w) = self.current.take() else {
            return Ok(());
        };
        let bytes = w
            .into_inner()
            .map_err(|e| EmulatorError::Export(e.to_string()))?;
        let path = format!("{}/part_0_{:04}.csv", self.folder, self.written.len() + 1);
        self.written
            .push((path.clone(), bytes.len() as u64, self.rows_in_part as u64));
        (self.sink)(&path, bytes)
    }
}

/// A commitment (reservation or savings plan) some customers hold.
struct Commitment {
    id: String,
    name: String,
    model: &'static str,
    /// chargeType of the amortized rows no usage consumed.
    unused_charge: &'static str,
    monthly_usd: Decimal,
}

/// Share of a commitment's day that usage consumed: fully used on most days, 55-99% on the
/// others (a stopped VM, a scale-in), drawn per customer and day.
fn utilization(world: &World, c: &Customer, day: NaiveDate) -> Decimal {
    let mut d = Draw::new(
        world.seed,
        &[
            tag::CUSTOMER,
            c.index as u64,
            fnv("commitment-utilization"),
            day.num_days_from_ce() as u64,
        ],
    );
    if d.chance(600) {
        Decimal::ONE
    } else {
        Decimal::new(d.between(55, 99) as i64, 2)
    }
}

fn commitment_of(world: &World, c: &Customer) -> Option<Commitment> {
    let mut d = Draw::new(
        world.seed,
        &[tag::CUSTOMER, c.index as u64, fnv("commitment")],
    );
    match c.index % 10 {
        0 | 5 => Some(Commitment {
            id: d.guid(),
            name: format!("VM_RI_{:02}", c.index % 100),
            model: "Reservation",
            unused_charge: "UnusedReservation",
            monthly_usd: Decimal::new(4161, 2),
        }),
        3 => Some(Commitment {
            id: d.guid(),
            name: format!("SP_Compute_{:02}", c.index % 100),
            model: "SavingsPlan",
            unused_charge: "UnusedSavingsPlan",
            monthly_usd: Decimal::new(7300, 2),
        }),
        _ => None,
    }
}

/// Streams the files of one run to `sink(path, bytes)`: parts first, `manifest.json` last.
pub fn run_export(
    world: &World,
    req: &RunRequest,
    sink: &mut dyn FnMut(&str, Vec<u8>) -> Result<()>,
) -> Result<RunSummary> {
    if req.to < req.from {
        return Err(EmulatorError::Export(
            "the time period ends before it starts".into(),
        ));
    }
    let customers = customers_in_scope(world, &req.scope)?;
    let month_folder = format!(
        "{}-{}",
        Month::of(req.from).first_day().format("%Y%m%d"),
        Month::of(req.from).last_day().format("%Y%m%d")
    );
    let folder = format!(
        "{}/{}/{month_folder}/{}",
        req.root_folder.trim_matches('/'),
        req.export_name,
        req.run_id
    )
    .trim_start_matches('/')
    .to_string();
    let p = &world.partner;
    let mut parts = Parts {
        sink,
        folder: folder.clone(),
        rows_per_part: req.rows_per_part.max(1),
        current: None,
        rows_in_part: 0,
        written: Vec::new(),
    };
    let mut total = Decimal::ZERO;
    let mut month = Month::of(req.from);
    while month <= Month::of(req.to) {
        for c in &customers {
            let fx = world.fx(c.currency, month);
            let (region, location) = c.region();
            let common = |date: NaiveDate| -> Vec<String> {
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
            };
            let mut pm = PlanMonth::new(world, c.clone(), month, req.to.min(month.last_day()));
            while let Some(row) = pm.next() {
                if row.key.day < req.from {
                    continue;
                }
                let e = &pm.entitlements[row.key.entitlement as usize];
                let r = &pm.resources[row.key.entitlement as usize][row.key.resource as usize];
                let m = catalog::meter(row.meter);
                let meter_region = if m.stack { "Azure Stack" } else { region };
                let payg_usd = row.unit_price * row.quantity;
                let mut rec = common(row.key.day);
                rec.extend([
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
                ]);
                total += row.billing_total;
                parts.push(&rec)?;
            }
            if let Some(cm) = commitment_of(world, c) {
                let start = month.first_day().max(req.from).max(c.usage_start(world));
                let end = month.last_day().min(req.to);
                let days_in_month = Decimal::from(month.last_day().day());
                let monthly = floor2(cm.monthly_usd * fx);
                let rows: Vec<(NaiveDate, Decimal, Decimal, &str, &str)> = match req.dataset {
                    Dataset::ActualCost if start == month.first_day() && start <= end => {
                        vec![(start, Decimal::ONE, monthly, "Purchase", "Recurring")]
                    }
                    Dataset::ActualCost => vec![],
                    Dataset::AmortizedCost => {
                        // Each day's share of the commitment: the part usage consumed is a
                        // Usage row, the rest an UnusedReservation / UnusedSavingsPlan row
                        // (reference §10.2), so a day's rows still add up to its share.
                        let daily = floor2(monthly / days_in_month);
                        let mut v = Vec::new();
                        let mut d = start;
                        while d <= end {
                            let used = utilization(world, c, d);
                            let used_cost = floor2(daily * used);
                            v.push((d, used, used_cost, "Usage", "UsageBased"));
                            if used_cost < daily {
                                v.push((
                                    d,
                                    Decimal::ONE - used,
                                    daily - used_cost,
                                    cm.unused_charge,
                                    "UsageBased",
                                ));
                            }
                            d = d.succ_opt().expect("date");
                        }
                        v
                    }
                };
                for (date, share, cost, charge, frequency) in rows {
                    let mut rec = common(date);
                    let (family, category, order_name) = if cm.model == "Reservation" {
                        (
                            "Compute",
                            "Virtual Machines",
                            format!("Reserved VM Instance, Standard_D2s_v3, {region}, 1 Year"),
                        )
                    } else {
                        (
                            "Compute",
                            "Savings Plan",
                            "Compute Savings Plan, 1 Year".to_string(),
                        )
                    };
                    rec.extend([
                        family.to_string(),
                        cm.id.clone(),
                        order_name.clone(),
                        "Microsoft.Capacity".into(),
                        String::new(),
                        cm.name.clone(),
                        category.to_string(),
                        String::new(),
                        region.to_string(),
                        String::new(),
                        order_name,
                        String::new(),
                        String::new(),
                        "Azure".into(),
                        String::new(),
                        "Microsoft".into(),
                        String::new(),
                        String::new(),
                        location.to_string(),
                        location.to_string(),
                        cost.to_string(),
                        share.normalize().to_string(),
                        "1 Month".into(),
                        charge.to_string(),
                        c.currency.code().to_string(),
                        "USD".into(),
                        cost.to_string(),
                        floor2(cm.monthly_usd).to_string(),
                        floor2(cm.monthly_usd).to_string(),
                        cost.to_string(),
                        floor2(cm.monthly_usd).to_string(),
                        fx.normalize().to_string(),
                        us_date(rate_date(month)),
                        "TRUE".into(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        "0".into(),
                        "False".into(),
                        cm.monthly_usd.to_string(),
                        frequency.to_string(),
                        "12".into(),
                        cm.id.clone(),
                        cm.name.clone(),
                        cm.model.to_string(),
                        cm.monthly_usd.to_string(),
                        cm.id.clone(),
                        cm.name.clone(),
                        "Azure".into(),
                    ]);
                    total += cost;
                    parts.push(&rec)?;
                }
            }
        }
        month = month.next();
    }
    parts.flush()?;
    let written = std::mem::take(&mut parts.written);
    let data_rows: u64 = written.iter().map(|w| w.2).sum();
    let manifest = json!({
        "manifestVersion": "2024-04-01",
        "byteCount": written.iter().map(|w| w.1).sum::<u64>(),
        "blobCount": written.len(),
        "dataRowCount": data_rows,
        "exportConfig": {
            "exportName": req.export_name,
            "resourceId": req.resource_id,
            "dataVersion": "2023-12-01-preview",
            "apiVersion": "2025-03-01",
            "type": match req.dataset { Dataset::ActualCost => "ActualCost", Dataset::AmortizedCost => "AmortizedCost" },
            "timeFrame": "Custom",
            "granularity": "Daily",
        },
        "deliveryConfig": {
            "partitionData": true,
            "dataOverwriteBehavior": "CreateNewReport",
            "fileFormat": "Csv",
            "compressionMode": "None",
            "containerUri": "",
            "rootFolderPath": req.root_folder,
        },
        "runInfo": {
            "executionType": req.execution_type,
            "submittedTime": req.submitted.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            "runId": req.run_id,
            "startDate": format!("{}T00:00:00", req.from.format("%Y-%m-%d")),
            "endDate": format!("{}T00:00:00Z", req.to.format("%Y-%m-%d")),
        },
        "blobs": written.iter().map(|(name, bytes, rows)| json!({ "blobName": name, "byteCount": bytes, "dataRowCount": rows })).collect::<Vec<_>>(),
    });
    let manifest_path = format!("{folder}/manifest.json");
    let body =
        serde_json::to_vec_pretty(&manifest).map_err(|e| EmulatorError::Export(e.to_string()))?;
    (parts.sink)(&manifest_path, body)?;
    Ok(RunSummary {
        folder,
        parts: written.into_iter().map(|w| w.0).collect(),
        manifest: manifest_path,
        data_rows,
        cost_in_billing_currency: total,
    })
}

/// Runs an export and writes its files under `dir` (paths relative to the container).
pub fn write_run_to_dir(world: &World, req: &RunRequest, dir: &Path) -> Result<RunSummary> {
    let mut sink = |path: &str, bytes: Vec<u8>| -> Result<()> {
        let full = dir.join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).map_err(|source| EmulatorError::Io {
                path: parent.display().to_string(),
                source,
            })?;
        }
        std::fs::write(&full, bytes).map_err(|source| EmulatorError::Io {
            path: full.display().to_string(),
            source,
        })
    };
    run_export(world, req, &mut sink)
}
