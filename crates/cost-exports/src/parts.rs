//! One CSV part of an MPA cost details export, read as a stream (gzip when the manifest says
//! so) into [`CostRow`]s. Columns are found by header name, so their order may change between
//! dataset versions; names match the reference's byte-exact casing first and case-insensitively
//! after (Microsoft has shipped both `customerTenantId` and `CustomerTenantId`). Every value is
//! checked: money and quantities are exact decimals (plain or E-notation, never floats),
//! dates `MM/DD/YYYY` or ISO, tenant ids GUIDs. The first bad value stops the part with an
//! error naming the part, the line and the column.

use std::io::Read;

use chrono::{Datelike, NaiveDate};
use cspdesk_store::cost_exports::runs::CostRow;
use cspdesk_store::TenantId;
use rust_decimal::Decimal;

use crate::error::{shown, Error, Result};

/// The columns read, by their reference name (§10.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
enum Col {
    InvoiceId,
    BillingPeriodStart,
    BillingPeriodEnd,
    Date,
    CustomerTenantId,
    CustomerName,
    SubscriptionId,
    SubscriptionName,
    MeterId,
    MeterName,
    MeterCategory,
    MeterSubcategory,
    MeterRegion,
    ProductName,
    ChargeType,
    PricingModel,
    ReservationId,
    ReservationName,
    BenefitId,
    BenefitName,
    Quantity,
    UnitOfMeasure,
    EffectivePrice,
    UnitPrice,
    PaygPrice,
    Cost,
    BillingCurrency,
    PaygCost,
    PecApplied,
    PecRate,
}

/// (column, header name, required).
const COLUMNS: [(Col, &str, bool); 30] = [
    (Col::InvoiceId, "invoiceId", false),
    (Col::BillingPeriodStart, "billingPeriodStartDate", false),
    (Col::BillingPeriodEnd, "billingPeriodEndDate", false),
    (Col::Date, "date", true),
    (Col::CustomerTenantId, "customerTenantId", true),
    (Col::CustomerName, "customerName", false),
    (Col::SubscriptionId, "SubscriptionId", false),
    (Col::SubscriptionName, "subscriptionName", false),
    (Col::MeterId, "meterId", false),
    (Col::MeterName, "meterName", false),
    (Col::MeterCategory, "meterCategory", false),
    (Col::MeterSubcategory, "meterSubCategory", false),
    (Col::MeterRegion, "meterRegion", false),
    (Col::ProductName, "ProductName", false),
    (Col::ChargeType, "chargeType", true),
    (Col::PricingModel, "PricingModel", false),
    (Col::ReservationId, "reservationId", false),
    (Col::ReservationName, "reservationName", false),
    (Col::BenefitId, "benefitId", false),
    (Col::BenefitName, "benefitName", false),
    (Col::Quantity, "quantity", false),
    (Col::UnitOfMeasure, "unitOfMeasure", false),
    (Col::EffectivePrice, "effectivePrice", false),
    (Col::UnitPrice, "unitPrice", false),
    (Col::PaygPrice, "PayGPrice", false),
    (Col::Cost, "costInBillingCurrency", true),
    (Col::BillingCurrency, "billingCurrency", true),
    (Col::PaygCost, "paygCostInBillingCurrency", false),
    (Col::PecApplied, "partnerEarnedCreditApplied", false),
    (Col::PecRate, "partnerEarnedCreditRate", false),
];

/// Where each column sits in a part's header.
struct Header {
    index: [Option<usize>; COLUMNS.len()],
    names: Vec<String>,
}

impl Header {
    fn resolve(blob: &str, header: &csv::StringRecord) -> Result<Header> {
        let names: Vec<String> = header
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
            .collect();
        let mut index = [None; COLUMNS.len()];
        for (col, name, required) in COLUMNS {
            let found = names
                .iter()
                .position(|h| h == name)
                .or_else(|| names.iter().position(|h| h.eq_ignore_ascii_case(name)));
            if found.is_none() && required {
                return Err(Error::MissingColumn {
                    blob: blob.to_string(),
                    column: name,
                });
            }
            index[col as usize] = found;
        }
        Ok(Header { index, names })
    }
}

/// Reads the values of one record.
struct Fields<'a> {
    blob: &'a str,
    line: u64,
    header: &'a Header,
    record: &'a csv::StringRecord,
}

impl Fields<'_> {
    fn raw(&self, col: Col) -> &str {
        self.header.index[col as usize]
            .and_then(|i| self.record.get(i))
            .map(str::trim)
            .unwrap_or("")
    }

    fn bad(&self, col: Col, problem: &'static str) -> Error {
        let column = self.header.index[col as usize]
            .and_then(|i| self.header.names.get(i))
            .cloned()
            .unwrap_or_else(|| COLUMNS[col as usize].1.to_string());
        Error::BadValue {
            blob: self.blob.to_string(),
            line: self.line,
            column,
            value: shown(self.raw(col)),
            problem,
        }
    }

    fn text(&self, col: Col) -> Option<String> {
        let v = self.raw(col);
        (!v.is_empty()).then(|| v.to_string())
    }

    fn decimal(&self, col: Col) -> Result<Option<Decimal>> {
        let v = self.raw(col);
        if v.is_empty() {
            return Ok(None);
        }
        let plain = v.parse::<Decimal>();
        let parsed = match plain {
            Ok(d) => Ok(d),
            Err(_) if v.contains(['e', 'E']) => Decimal::from_scientific(v),
            Err(e) => Err(e),
        };
        parsed.map(Some).map_err(|_| {
            self.bad(
                col,
                "is not a decimal number (digits, '.', optional E-notation)",
            )
        })
    }

    fn date(&self, col: Col) -> Result<Option<NaiveDate>> {
        let v = self.raw(col);
        if v.is_empty() {
            return Ok(None);
        }
        let day = v.get(..10).unwrap_or(v);
        NaiveDate::parse_from_str(v, "%m/%d/%Y")
            .or_else(|_| NaiveDate::parse_from_str(day, "%Y-%m-%d"))
            .map(Some)
            .map_err(|_| self.bad(col, "is not a date (MM/DD/YYYY or YYYY-MM-DD)"))
    }

    fn row(&self, blob_index: u32) -> Result<CostRow> {
        let date = self
            .date(Col::Date)?
            .ok_or_else(|| self.bad(Col::Date, "is empty; every cost row has a date"))?;
        let billing_period_start = self.date(Col::BillingPeriodStart)?;
        let month_of = billing_period_start.unwrap_or(date);
        let customer_tenant_id = match self.text(Col::CustomerTenantId) {
            None => None,
            Some(t) => Some(
                t.parse::<TenantId>()
                    .map_err(|_| self.bad(Col::CustomerTenantId, "is not a tenant id (GUID)"))?
                    .to_string(),
            ),
        };
        let cost = self
            .decimal(Col::Cost)?
            .ok_or_else(|| self.bad(Col::Cost, "is empty; every cost row has a cost"))?;
        let billing_currency = self.raw(Col::BillingCurrency);
        if billing_currency.len() != 3 || !billing_currency.chars().all(|c| c.is_ascii_alphabetic())
        {
            return Err(self.bad(
                Col::BillingCurrency,
                "is not a currency code (three letters, e.g. EUR)",
            ));
        }
        let charge_type = self.text(Col::ChargeType).ok_or_else(|| {
            self.bad(
                Col::ChargeType,
                "is empty; every cost row has a charge type",
            )
        })?;
        let pec_applied = match self.raw(Col::PecApplied).to_ascii_lowercase().as_str() {
            "" => None,
            "true" => Some(true),
            "false" => Some(false),
            _ => return Err(self.bad(Col::PecApplied, "is not True or False")),
        };
        Ok(CostRow {
            blob: blob_index,
            line: self.line,
            billing_month: format!("{:04}-{:02}", month_of.year(), month_of.month()),
            invoice_id: self.text(Col::InvoiceId),
            billing_period_start,
            billing_period_end: self.date(Col::BillingPeriodEnd)?,
            date,
            customer_tenant_id,
            customer_name: self.text(Col::CustomerName),
            subscription_id: self.text(Col::SubscriptionId),
            subscription_name: self.text(Col::SubscriptionName),
            meter_id: self.text(Col::MeterId),
            meter_name: self.text(Col::MeterName),
            meter_category: self.text(Col::MeterCategory),
            meter_subcategory: self.text(Col::MeterSubcategory),
            meter_region: self.text(Col::MeterRegion),
            product_name: self.text(Col::ProductName),
            charge_type,
            pricing_model: self.text(Col::PricingModel),
            reservation_id: self.text(Col::ReservationId),
            reservation_name: self.text(Col::ReservationName),
            benefit_id: self.text(Col::BenefitId),
            benefit_name: self.text(Col::BenefitName),
            quantity: self.decimal(Col::Quantity)?,
            unit_of_measure: self.text(Col::UnitOfMeasure),
            effective_price: self.decimal(Col::EffectivePrice)?,
            unit_price: self.decimal(Col::UnitPrice)?,
            payg_price: self.decimal(Col::PaygPrice)?,
            cost,
            billing_currency: billing_currency.to_ascii_uppercase(),
            payg_cost: self.decimal(Col::PaygCost)?,
            pec_applied,
            pec_rate: self.decimal(Col::PecRate)?,
        })
    }
}

/// Reads the part `blob` (index `blob_index` in its manifest) from `input`, handing each row to
/// `sink`; returns the number of data rows.
pub fn read_part(
    input: impl Read,
    blob: &str,
    blob_index: u32,
    sink: &mut dyn FnMut(CostRow) -> Result<()>,
) -> Result<u64> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(input);
    // Lines are counted here: csv's own record positions lag by one with CRLF endings.
    let csv_error = |e: csv::Error, line: u64| {
        let detail = match e.kind() {
            csv::ErrorKind::Io(io) => format!("the stream broke ({io})"),
            csv::ErrorKind::Utf8 { .. } => "it is not UTF-8 text".to_string(),
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => format!("it has {len} fields where the header has {expected_len}"),
            _ => e.to_string(),
        };
        Error::BadCsv {
            blob: blob.to_string(),
            line,
            detail: crate::blobs::scrub(&detail),
        }
    };
    let header_record = reader.headers().map_err(|e| csv_error(e, 1))?.clone();
    if header_record.is_empty() {
        return Err(Error::BadCsv {
            blob: blob.to_string(),
            line: 1,
            detail: "the part is empty (no header row)".into(),
        });
    }
    let header = Header::resolve(blob, &header_record)?;
    let mut record = csv::StringRecord::new();
    let mut rows = 0u64;
    let mut line = 1 + 1 + newlines(&header_record);
    while reader
        .read_record(&mut record)
        .map_err(|e| csv_error(e, line))?
    {
        let fields = Fields {
            blob,
            line,
            header: &header,
            record: &record,
        };
        sink(fields.row(blob_index)?)?;
        rows += 1;
        line += 1 + newlines(&record);
    }
    Ok(rows)
}

/// Line breaks inside the quoted fields of a record (each adds a line to the file).
fn newlines(record: &csv::StringRecord) -> u64 {
    record.as_slice().bytes().filter(|b| *b == b'\n').count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "invoiceId,billingPeriodEndDate,billingPeriodStartDate,date,customerTenantId,customerName,chargeType,PricingModel,quantity,costInBillingCurrency,billingCurrency,paygCostInBillingCurrency,partnerEarnedCreditApplied,reservationName";

    fn read(text: &str) -> Result<Vec<CostRow>> {
        let mut rows = Vec::new();
        read_part(text.as_bytes(), "p/part_0_0001.csv", 0, &mut |r| {
            rows.push(r);
            Ok(())
        })?;
        Ok(rows)
    }

    #[test]
    fn rows_are_read_by_header_name_with_exact_decimals() {
        let text = format!(
            "\u{feff}{HEADER}\r\nG1,02/28/2026,02/01/2026,02/03/2026,0A1B2C3D-0000-4000-8000-000000000001,Contoso,Usage,On Demand,1.5E-3,0.10,EUR,0.2,True,\r\n\
             ,02/28/2026,02/01/2026,2026-02-04,0a1b2c3d-0000-4000-8000-000000000001,Contoso,UnusedReservation,Reservation,0.27,-0.20,eur,,False,VM_RI_00\r\n"
        );
        let rows = read(&text).unwrap();
        assert_eq!(rows.len(), 2);
        let a = &rows[0];
        assert_eq!(a.line, 2, "the header is line 1");
        assert_eq!(
            a.customer_tenant_id.as_deref(),
            Some("0a1b2c3d-0000-4000-8000-000000000001"),
            "tenant ids are stored lower case"
        );
        assert_eq!(
            a.quantity,
            Some("0.0015".parse().unwrap()),
            "E-notation is exact"
        );
        assert_eq!(a.cost.to_string(), "0.10", "the exported scale is kept");
        assert_eq!(a.billing_month, "2026-02");
        assert_eq!(a.pec_applied, Some(true));
        assert_eq!(a.invoice_id.as_deref(), Some("G1"));
        let b = &rows[1];
        assert_eq!(b.date, NaiveDate::from_ymd_opt(2026, 2, 4).unwrap());
        assert_eq!(b.invoice_id, None, "empty is NULL, not ''");
        assert_eq!(b.billing_currency, "EUR");
        assert_eq!(b.reservation_name.as_deref(), Some("VM_RI_00"));
        assert_eq!(
            rows.iter().map(|r| r.cost).sum::<Decimal>(),
            "-0.10".parse().unwrap()
        );
    }

    #[test]
    fn columns_match_in_any_case_and_missing_ones_are_named() {
        let text = HEADER.replace("customerTenantId", "CustomerTenantId")
            + "\nG1,02/28/2026,02/01/2026,02/03/2026,0a1b2c3d-0000-4000-8000-000000000001,C,Usage,On Demand,1,1,USD,1,False,\n";
        assert_eq!(read(&text).unwrap().len(), 1);
        let text = HEADER.replace("costInBillingCurrency", "cost");
        assert!(matches!(
            read(&text),
            Err(Error::MissingColumn {
                column: "costInBillingCurrency",
                ..
            })
        ));
    }

    #[test]
    fn a_bad_value_names_the_part_line_and_column() {
        let good = "G1,02/28/2026,02/01/2026,02/03/2026,0a1b2c3d-0000-4000-8000-000000000001,C,Usage,On Demand,1,1.00,USD,1,False,";
        let cases = [
            (good.replace(",1.00,", ",1;00,"), "costInBillingCurrency", 3),
            (good.replace(",1.00,", ",,"), "costInBillingCurrency", 3),
            (good.replace("02/03/2026", "2026/02/03"), "date", 3),
            (
                good.replace("0a1b2c3d-0000-4000-8000-000000000001", "contoso"),
                "customerTenantId",
                3,
            ),
            (good.replace(",USD,", ",US Dollar,"), "billingCurrency", 3),
            (
                good.replace(",False,", ",maybe,"),
                "partnerEarnedCreditApplied",
                3,
            ),
        ];
        for (bad, column, line) in cases {
            let text = format!("{HEADER}\n{good}\n{bad}\n");
            match read(&text) {
                Err(Error::BadValue {
                    blob,
                    line: l,
                    column: c,
                    ..
                }) => {
                    assert_eq!(blob, "p/part_0_0001.csv");
                    assert_eq!((c.as_str(), l), (column, line), "{bad}");
                }
                other => panic!("{bad}: expected BadValue, got {other:?}"),
            }
        }
    }

    #[test]
    fn lines_count_the_breaks_inside_quoted_fields() {
        let good = "G1,02/28/2026,02/01/2026,02/03/2026,0a1b2c3d-0000-4000-8000-000000000001,\"Contoso\nEurope\",Usage,On Demand,1,1.00,USD,1,False,";
        let bad = good.replace(",1.00,", ",x,");
        let text = format!("{HEADER}\r\n{good}\r\n{bad}\r\n");
        assert!(
            matches!(read(&text), Err(Error::BadValue { line: 4, .. })),
            "header 1, a two-line record 2-3, the bad one 4: {:?}",
            read(&text)
        );
    }

    #[test]
    fn a_short_row_or_a_broken_stream_is_bad_csv() {
        let text = format!("{HEADER}\r\nG1,02/28/2026\r\n");
        assert!(matches!(read(&text), Err(Error::BadCsv { line: 2, .. })));
        assert!(matches!(read(""), Err(Error::BadCsv { line: 1, .. })));
        let gz = flate2::read::GzDecoder::new(&b"\x1f\x8b\x08\x00not really gzip"[..]);
        let err = read_part(gz, "p/x.csv.gz", 0, &mut |_| Ok(())).unwrap_err();
        assert!(matches!(err, Error::BadCsv { .. }), "{err:?}");
    }
}
