//! The one owner of CSP Desk's SQLite file. Every other crate reads and writes the
//! database through the typed functions here, so pragmas, migrations and the money
//! representation are decided in a single place.
#![deny(missing_docs)]

pub mod accounts;
pub mod azure_stack;
pub mod billing;
pub mod cost_exports;
mod database;
pub mod discovered;
mod error;
pub mod import_runs;
pub mod invoice_lines;
pub mod markups;
mod migration;
pub mod money;
pub mod organizations;
pub mod price_sheets;
pub mod pricing;
pub mod rated;
pub mod rated_month;
mod rated_month_kept;
mod reclaim;
pub mod set_aside;
pub mod sign_in;
pub mod stack_usage;
pub mod tenant_id;
pub mod usage_decimal;

pub use database::{default_database_path, path_beside, Database, DB_ENV_VAR};
pub use error::{Error, Result};
pub use migration::{UpgradeReport, UpgradeStep};
pub use money::Money;
pub use tenant_id::TenantId;
