//! Tables to CSV files, for finance users' own tools: invoices, one invoice's customers, one
//! customer's lines on an invoice (with our cost, or customer-facing at resale prices only),
//! customers and subscriptions. Money is a plain decimal with the currency in its own column.
//! A file is written beside its target and renamed into place when whole, so a failed export
//! never leaves half a file where the user expects one.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use chrono::{DateTime, Utc};
use cspdesk_export::{Cell, CsvExport, CsvOptions, ExportError};
use cspdesk_store::Database;

use super::dto::{ExportRequestDto, ExportTable, ExportedDto};
use crate::billing::focus;
use crate::billing::line_view::LineViews;
use crate::billing::lines::{each_customer_line, LinesInView};
use crate::{billing::invoices as billing, customers::overview as customers, ApiError, ErrorCode};
impl From<ExportError> for ApiError {
    fn from(e: ExportError) -> Self {
        ApiError::new(
            ErrorCode::Storage,
            format!("{e}. Choose another folder or free some space, then export again."),
            None,
        )
    }
}

/// `rows` filtered and ordered by `keys` (when given).
fn in_view<T>(rows: Vec<T>, keys: Option<&[String]>, key: impl Fn(&T) -> String) -> Vec<T> {
    let Some(keys) = keys else {
        return rows;
    };
    let mut by: std::collections::HashMap<String, T> =
        rows.into_iter().map(|r| (key(&r), r)).collect();
    keys.iter().filter_map(|k| by.remove(k)).collect()
}

/// Runs `request` into `path`. Customer lines use (and keep) their view in `views`, so an
/// export of what the page shows reuses the page's ordering.
pub fn export(
    db: &Database,
    views: &LineViews,
    request: &ExportRequestDto,
    path: &Path,
    now: DateTime<Utc>,
) -> Result<ExportedDto, ApiError> {
    let options = CsvOptions { bom: request.bom };
    let keys = request.keys.as_deref();
    match &request.table {
        ExportTable::Invoices => invoices(db, keys, path, options),
        ExportTable::Invoice {
            account_id,
            invoice_id,
        } => invoice_detail(db, account_id, invoice_id, keys, path, options),
        ExportTable::CustomerLines {
            account_id,
            invoice_id,
            customer_id,
            customer_facing,
            query,
        } => {
            let lines = LinesInView::new(account_id, invoice_id, customer_id, query);
            customer_lines(db, views, &lines, *customer_facing, path, options)
        }
        ExportTable::CustomerFocus {
            account_id,
            invoice_id,
            customer_id,
            customer_facing,
            query,
        } => {
            let lines = LinesInView::new(account_id, invoice_id, customer_id, query);
            let side = if *customer_facing {
                focus::Side::Resale
            } else {
                focus::Side::Cost
            };
            focus::customer_charges(db, views, &lines, side, path, options)
        }
        ExportTable::Customers => customers(db, now, keys, path, options),
        ExportTable::Subscriptions => subscriptions(db, now, keys, path, options),
        ExportTable::Reconciliation { period } => reconciliation(db, period, keys, path, options),
        ExportTable::RatedLines {
            account_id,
            customer_id,
            period,
        } => super::rated_lines::export_rated_lines(
            db,
            account_id,
            customer_id,
            period,
            keys,
            path,
            options,
        ),
    }
}

/// A file name for the save dialog.
pub fn suggested_name(table: &ExportTable) -> String {
    match table {
        ExportTable::Invoices => "invoices.csv".into(),
        ExportTable::Invoice { invoice_id, .. } => format!("invoice-{invoice_id}.csv"),
        ExportTable::CustomerLines {
            invoice_id,
            customer_id,
            customer_facing,
            ..
        } => format!(
            "invoice-{invoice_id}-{customer_id}{}.csv",
            if *customer_facing { "-customer" } else { "" }
        ),
        ExportTable::CustomerFocus {
            invoice_id,
            customer_id,
            customer_facing,
            ..
        } => format!(
            "focus-{invoice_id}-{customer_id}{}.csv",
            if *customer_facing {
                "-customer"
            } else {
                "-cost"
            }
        ),
        ExportTable::Customers => "customers.csv".into(),
        ExportTable::Subscriptions => "subscriptions.csv".into(),
        ExportTable::Reconciliation { period } => format!("reconciliation-{period}.csv"),
        ExportTable::RatedLines {
            customer_id,
            period,
            ..
        } => format!("rated-{period}-{customer_id}.csv"),
    }
}

fn text(v: &Option<String>) -> Cell<'_> {
    v.as_deref().map_or(Cell::Empty, Cell::Text)
}

fn number(v: &Option<String>) -> Cell<'_> {
    v.as_deref().map_or(Cell::Empty, Cell::Number)
}

/// Writes `path` through `write`, atomically: a temporary file beside it, renamed when whole.
pub(crate) fn to_file(
    path: &Path,
    write: impl FnOnce(BufWriter<File>) -> Result<u64, ApiError>,
) -> Result<ExportedDto, ApiError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name().ok_or_else(|| {
        ApiError::new(
            ErrorCode::Validation,
            format!("{} is not a file name", path.display()),
            Some("path"),
        )
    })?;
    let tmp = dir.join(format!(".{}.part", name.to_string_lossy()));
    let file = File::create(&tmp).map_err(|e| {
        ApiError::new(
            ErrorCode::Storage,
            format!(
                "Could not create {}: {e}. Choose a folder you can write to.",
                path.display()
            ),
            Some("path"),
        )
    })?;
    let rows = match write(BufWriter::new(file)) {
        Ok(rows) => rows,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        ApiError::new(
            ErrorCode::Storage,
            format!("Could not save {}: {e}", path.display()),
            Some("path"),
        )
    })?;
    Ok(ExportedDto {
        path: path.display().to_string(),
        rows,
    })
}

pub(crate) fn finish<W: Write>(csv: CsvExport<W>) -> Result<u64, ApiError> {
    let (mut out, rows) = csv.finish()?;
    out.flush().map_err(ExportError::from)?;
    Ok(rows)
}

/// Every invoice (those of `keys` in that order, when given).
pub fn invoices(
    db: &Database,
    keys: Option<&[String]>,
    path: &Path,
    options: CsvOptions,
) -> Result<ExportedDto, ApiError> {
    let list = in_view(billing::invoices(db)?, keys, |i| {
        format!("{}/{}", i.account_id, i.id)
    });
    to_file(path, |out| {
        let mut csv = CsvExport::new(
            out,
            options,
            &[
                "Account",
                "InvoiceNumber",
                "InvoiceDate",
                "BillingPeriodStart",
                "BillingPeriodEnd",
                "DocumentType",
                "AmendsOf",
                "InvoiceType",
                "Total",
                "Paid",
                "Currency",
            ],
        )?;
        for i in &list {
            csv.row(&[
                Cell::Text(&i.account_name),
                Cell::Text(&i.id),
                text(&i.invoice_date),
                text(&i.billing_period_start),
                text(&i.billing_period_end),
                text(&i.document_type),
                text(&i.amends_of),
                text(&i.invoice_type),
                Cell::Number(&i.total),
                number(&i.paid),
                Cell::Text(&i.currency),
            ])?;
        }
        finish(csv)
    })
}

/// One invoice's customers with cost, markup, fee, resale and margin (those of `keys`, by
/// customer id, in that order, when given).
pub fn invoice_detail(
    db: &Database,
    account_id: &str,
    invoice_id: &str,
    keys: Option<&[String]>,
    path: &Path,
    options: CsvOptions,
) -> Result<ExportedDto, ApiError> {
    let mut d = billing::invoice_detail(db, account_id, invoice_id)?;
    d.customers = in_view(d.customers, keys, |c| c.customer_id.clone());
    to_file(path, |out| {
        let mut csv = CsvExport::new(
            out,
            options,
            &[
                "InvoiceNumber",
                "CustomerId",
                "Customer",
                "Lines",
                "Cost",
                "Markup",
                "Fee",
                "Resale",
                "Margin",
                "Currency",
            ],
        )?;
        for c in &d.customers {
            let lines = c.lines.to_string();
            csv.row(&[
                Cell::Text(&d.invoice.id),
                Cell::Text(&c.customer_id),
                text(&c.customer_name),
                Cell::Number(&lines),
                Cell::Number(&c.cost),
                Cell::Number(&c.markup),
                Cell::Number(&c.fee),
                Cell::Number(&c.resale),
                Cell::Number(&c.margin),
                Cell::Text(&d.invoice.currency),
            ])?;
        }
        finish(csv)
    })
}

/// One customer's lines on an invoice, those in view in view order. `customer_facing`
/// leaves out everything the customer must not see (our cost, Microsoft's prices, the
/// margin): what is left is the line at its resale amount.
pub fn customer_lines(
    db: &Database,
    views: &LineViews,
    lines: &LinesInView<'_>,
    customer_facing: bool,
    path: &Path,
    options: CsvOptions,
) -> Result<ExportedDto, ApiError> {
    let invoice_id = lines.invoice_id;
    to_file(path, |out| {
        let header: &[&str] = if customer_facing {
            &[
                "InvoiceNumber",
                "Product",
                "Sku",
                "SubscriptionId",
                "ChargeType",
                "ChargeStart",
                "ChargeEnd",
                "Quantity",
                "Amount",
                "Currency",
            ]
        } else {
            &[
                "InvoiceNumber",
                "Product",
                "Sku",
                "SubscriptionId",
                "ChargeType",
                "ChargeStart",
                "ChargeEnd",
                "Quantity",
                "UnitPrice",
                "EffectiveUnitPrice",
                "Cost",
                "Resale",
                "Currency",
            ]
        };
        let mut csv = CsvExport::new(out, options, header)?;
        each_customer_line(db, views, lines, |l| {
            let head = [
                Cell::Text(invoice_id),
                text(&l.product),
                text(&l.sku),
                text(&l.subscription_id),
                text(&l.charge_type),
                text(&l.charge_start),
                text(&l.charge_end),
                number(&l.quantity),
            ];
            let mut row: Vec<Cell<'_>> = head.to_vec();
            if customer_facing {
                row.extend([Cell::Number(&l.resale), text(&l.currency)]);
            } else {
                row.extend([
                    number(&l.unit_price),
                    number(&l.effective_unit_price),
                    Cell::Number(&l.cost),
                    Cell::Number(&l.resale),
                    text(&l.currency),
                ]);
            }
            csv.row(&row)?;
            Ok(())
        })?;
        finish(csv)
    })
}

/// Every customer with its month-to-date cost, resale, margin, list and savings at `now`
/// (those of `keys` in that order, when given).
pub fn customers(
    db: &Database,
    now: DateTime<Utc>,
    keys: Option<&[String]>,
    path: &Path,
    options: CsvOptions,
) -> Result<ExportedDto, ApiError> {
    let list = in_view(customers::list(db, now)?, keys, |c| {
        format!("{}/{}", c.account_id, c.id)
    });
    to_file(path, |out| {
        let mut csv = CsvExport::new(
            out,
            options,
            &[
                "Account",
                "CustomerId",
                "Company",
                "Domain",
                "TenantId",
                "Relationship",
                "Organization",
                "Subscriptions",
                "CostMonthToDate",
                "ResaleMonthToDate",
                "MarginMonthToDate",
                "ListMonthToDate",
                "SavingsMonthToDate",
                "Currency",
            ],
        )?;
        for c in &list {
            let subs = c.subscription_count.to_string();
            csv.row(&[
                Cell::Text(&c.account_name),
                Cell::Text(&c.id),
                Cell::Text(&c.company_name),
                Cell::Text(&c.domain),
                text(&c.tenant_id),
                text(&c.relationship),
                text(&c.organization_name),
                Cell::Number(&subs),
                number(&c.month_to_date_cost),
                number(&c.month_to_date_resale),
                number(&c.month_to_date_margin),
                number(&c.month_to_date_list),
                number(&c.month_to_date_savings),
                text(&c.currency),
            ])?;
        }
        finish(csv)
    })
}

/// Every subscription with its month-to-date cost, resale and margin at `now` (those of
/// `keys` in that order, when given).
pub fn subscriptions(
    db: &Database,
    now: DateTime<Utc>,
    keys: Option<&[String]>,
    path: &Path,
    options: CsvOptions,
) -> Result<ExportedDto, ApiError> {
    let list = in_view(customers::subscriptions(db, None, now)?, keys, |s| {
        format!("{}/{}/{}", s.account_id, s.customer_id, s.id)
    });
    to_file(path, |out| {
        let mut csv = CsvExport::new(
            out,
            options,
            &[
                "CustomerId",
                "Customer",
                "SubscriptionId",
                "Offer",
                "OfferId",
                "FriendlyName",
                "Kind",
                "Status",
                "Quantity",
                "BillingCycle",
                "Term",
                "Created",
                "CommitmentEnd",
                "CostMonthToDate",
                "ResaleMonthToDate",
                "MarginMonthToDate",
                "Currency",
            ],
        )?;
        for s in &list {
            csv.row(&[
                Cell::Text(&s.customer_id),
                Cell::Text(&s.customer_name),
                Cell::Text(&s.id),
                text(&s.offer_name),
                Cell::Text(&s.offer_id),
                text(&s.friendly_name),
                Cell::Text(&s.kind),
                Cell::Text(&s.status),
                number(&s.quantity),
                text(&s.billing_cycle),
                text(&s.term_duration),
                text(&s.creation_date),
                text(&s.commitment_end_date),
                number(&s.month_to_date_cost),
                number(&s.month_to_date_resale),
                number(&s.month_to_date_margin),
                text(&s.currency),
            ])?;
        }
        finish(csv)
    })
}

/// One period's reconciliation: per customer, rated against invoiced, resale and margin, the
/// difference, each cause in its own column (zero when absent), what is unexplained, or why
/// it was refused.
pub fn reconciliation(
    db: &Database,
    period: &str,
    keys: Option<&[String]>,
    path: &Path,
    options: CsvOptions,
) -> Result<ExportedDto, ApiError> {
    let r = crate::billing::reconciliation::reconcile_period(db, period)?;
    let rows = in_view(r.customers, keys, |c| {
        format!("{}/{}", c.account_id, c.customer)
    });
    const CAUSES: [&str; 7] = [
        "missingUsage",
        "lateUsage",
        "tierBoundary",
        "priceMismatch",
        "partnerEarnedCredit",
        "fx",
        "rounding",
    ];
    to_file(path, |out| {
        let mut header = vec![
            "Period",
            "Account",
            "CustomerId",
            "Customer",
            "Currency",
            "InvoiceState",
            "Rated",
            "Invoiced",
            "Resale",
            "Margin",
            "Difference",
        ];
        header.extend(CAUSES);
        header.extend([
            "Unexplained",
            "LinesCompared",
            "LinesMatched",
            "NotComparedBecause",
        ]);
        let mut csv = CsvExport::new(out, options, &header)?;
        for c in &rows {
            let compared = c.lines_compared.to_string();
            let matched = c.lines_matched.to_string();
            let mut row = vec![
                Cell::Text(&c.period),
                Cell::Text(&c.account_name),
                Cell::Text(&c.customer),
                text(&c.customer_name),
                text(&c.currency),
                text(&c.invoice_state),
                number(&c.rated),
                number(&c.invoiced),
                number(&c.resale),
                number(&c.margin),
                number(&c.difference),
            ];
            for cause in CAUSES {
                row.push(match (&c.refused, c.causes.get(cause)) {
                    (Some(_), _) => Cell::Empty,
                    (None, Some(a)) => Cell::Number(a),
                    (None, None) => Cell::Number("0"),
                });
            }
            row.extend([
                number(&c.unexplained),
                Cell::Number(&compared),
                Cell::Number(&matched),
                text(&c.refused),
            ]);
            csv.row(&row)?;
        }
        finish(csv)
    })
}
