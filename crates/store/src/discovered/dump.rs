//! A canonical text dump of everything Discovery wrote: every discovered table, rows as
//! text, sorted. Two databases hold the same data exactly when their dumps are equal, which
//! is how tests prove that faults, restarts and kills lose or duplicate nothing.

use crate::error::Result;
use crate::Database;

/// Tables that are not discovered data (the run history differs by design).
const NOT_DISCOVERED: &[&str] = &[
    "import_runs",
    "discovery_schedule",
    "partner_accounts",
    "account_sessions",
    "organizations",
    "organization_members",
    "invoice_customer_totals",
    // Named by the partner and read from ARM, not from Discovery.
    "stack_subscriptions",
    "stack_registrations",
    "stack_customer_subscriptions",
    // Read from each Azure Stack Hub's admin ARM by `cspdesk stack usage import`.
    "stack_admin_endpoints",
    "stack_user_subscriptions",
    "stack_usage",
    // Imported from Cost Management exports, not by Discovery (see `cost_exports::dump`).
    "cost_sources",
    "cost_export_runs",
    "cost_rows",
    "cost_run_totals",
    // Kept per run: only the items still current are data (dumped apart, without the run).
    "set_aside_items",
    // Daily usage's compact storage: dumped as the `daily_usage` view, its rows as read. Its
    // integer keys (and the dimension rows a stopped download left) differ by design.
    "usage_sources",
    "usage_subjects",
    "usage_meters",
    "usage_resources",
    "usage_terms",
    "daily_usage_facts",
    // Versions count the writes that touched a customer-period: a run stopped and resumed
    // writes more often than a clean one, by design. Kept reconciliations are rating's.
    "input_versions",
    "kept_reconciliation",
    // The Dashboard's month sums, kept when a page first asks: there or not by who looked.
    "rated_month_sums",
    "rated_sums_kept",
];

/// The dump; columns named in `mask` print as `*` (values that differ by design, such as
/// the account id of two databases, or the times of runs at different moments).
pub fn dump(db: &Database, mask: &[&str]) -> Result<String> {
    let tables: Vec<String> = db
        .conn()
        .prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let tables: Vec<&str> = tables
        .iter()
        .map(String::as_str)
        .filter(|t| !NOT_DISCOVERED.contains(t))
        .collect();
    let mut out = dump_tables(db, &tables, mask)?;
    out.push_str(&crate::set_aside::dump(db, mask)?);
    Ok(out)
}

/// The same dump of the named tables only.
pub fn dump_tables(db: &Database, tables: &[&str], mask: &[&str]) -> Result<String> {
    let conn = db.conn();
    let mut out = String::new();
    for table in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\""))?;
        let names: Vec<String> = stmt.column_names().map(str::to_string).collect();
        let mut rows: Vec<String> = stmt
            .query_map([], |r| {
                let mut cells = Vec::with_capacity(names.len());
                for (i, name) in names.iter().enumerate() {
                    let v: rusqlite::types::Value = r.get(i)?;
                    cells.push(if mask.contains(&name.as_str()) {
                        "*".to_string()
                    } else {
                        format!("{v:?}")
                    });
                }
                Ok(cells.join("|"))
            })?
            .collect::<rusqlite::Result<_>>()?;
        rows.sort_unstable();
        out.push_str(&format!("## {table} ({} rows)\n", rows.len()));
        for row in rows {
            out.push_str(&row);
            out.push('\n');
        }
    }
    Ok(out)
}

/// Rows per table (every table), for messages and benchmarks.
pub fn table_counts(db: &Database) -> Result<Vec<(String, i64)>> {
    let conn = db.conn();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for t in tables {
        let n = conn.query_row(&format!("SELECT count(*) FROM \"{t}\""), [], |r| r.get(0))?;
        out.push((t, n));
    }
    Ok(out)
}

/// Columns that hold the account id or when something was read: masked to compare the data
/// of two databases discovered at different moments.
pub const VOLATILE_COLUMNS: &[&str] = &[
    "account_id",
    "customers_listed_at",
    "invoices_listed_at",
    "subscriptions_listed_at",
    "entitlements_listed_at",
    "first_seen_at",
    "fetched_at",
    "read_at",
    "rated_at",
    // The data versions a customer-period was rated from count the writes that touched it
    // (a resumed run writes more often than a clean one).
    "input_versions",
    // When Microsoft prepared a Graph export: the data version is its eTag.
    "manifest_created_at",
    // Which import run wrote a price sheet or FX rates: the run history, not the data.
    "run_id",
];
