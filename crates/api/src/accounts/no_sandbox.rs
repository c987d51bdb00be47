//! The sandbox in a build without the `sandbox` feature: no emulator is linked, so the
//! sandbox partner cannot be added or used, and each way in says so instead of failing
//! somewhere deeper.

use chrono::{DateTime, Utc};
use cspdesk_store::{accounts, Database};

use crate::accounts::dto::AccountDto;
use crate::{ApiError, ErrorCode};

/// The sandbox account's name (kept so a database made by a full build still reads).
pub const SANDBOX_NAME: &str = "sandbox";

/// Refused: this build has no sandbox.
pub async fn ensure_account(
    _: &std::sync::Mutex<Database>,
    _: DateTime<Utc>,
) -> Result<accounts::Account, ApiError> {
    Err(not_in_this_build())
}

/// Refused: this build has no sandbox.
pub async fn sign_in_as_admin(
    _: &std::sync::Mutex<Database>,
    _: &str,
    _: DateTime<Utc>,
) -> Result<AccountDto, ApiError> {
    Err(not_in_this_build())
}

/// What every sandbox operation answers in this build.
pub(crate) fn not_in_this_build() -> ApiError {
    ApiError::new(
        ErrorCode::Validation,
        "This build of CSP Desk has no sandbox partner (it was built without the emulator): add your partner account and sign in with Microsoft",
        None,
    )
}
