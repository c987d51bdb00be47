//! A run's details: the items it set aside (an essential field missing or unreadable), each
//! with the invoice, page, index and field, and the item as Microsoft sent it. The run read
//! everything else; these are its warnings.

use cspdesk_store::{import_runs, set_aside, Database};

use super::dto::SetAsideItemDto;
use crate::ApiError;

/// The items run `run_id` set aside, in the order it read them.
pub fn of_run(db: &Database, run_id: &str) -> Result<Vec<SetAsideItemDto>, ApiError> {
    let id = super::runs::parse_run_id(run_id)?;
    import_runs::get(db, id)?;
    Ok(set_aside::of_run(db, id)?
        .into_iter()
        .map(|s| SetAsideItemDto {
            run_id: s.run_id.to_string(),
            endpoint: s.row.endpoint,
            invoice_id: s.row.invoice_id,
            customer_id: s.row.customer_id,
            page: s.row.page,
            index: s.row.index,
            field: s.row.field,
            reason: s.row.reason,
            current: s.current,
            raw: s.row.raw,
        })
        .collect())
}
