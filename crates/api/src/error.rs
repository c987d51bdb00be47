//! The error every operation returns to a shell: a small code the UI branches on and a
//! message that says what happened and what to do. The UI never parses the message.

use serde::Serialize;
use ts_rs::TS;

/// What kind of failure happened; the UI picks its reaction from this alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub enum ErrorCode {
    /// An input is not acceptable; `field` names it.
    Validation,
    /// A unique value is already taken; `field` names it.
    Duplicate,
    /// The thing asked for does not exist (any more).
    NotFound,
    /// The database file belongs to a newer CSP Desk.
    NewerDatabase,
    /// The database could not be opened or written.
    Storage,
    /// An unexpected failure inside CSP Desk (a bug); the message says where.
    Internal,
}

/// An error as it crosses to the UI: `{code, message, field}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[serde(rename_all = "camelCase")]
#[error("{message}")]
pub struct ApiError {
    /// The kind of failure.
    pub code: ErrorCode,
    /// What happened and what to do, in words for the user.
    pub message: String,
    /// The input field at fault, when there is one (`name`, `tenantId`, ...).
    pub field: Option<String>,
}

impl ApiError {
    fn new(code: ErrorCode, message: impl Into<String>, field: Option<&str>) -> Self {
        Self {
            code,
            message: message.into(),
            field: field.map(str::to_string),
        }
    }
}

impl From<cspdesk_store::Error> for ApiError {
    fn from(e: cspdesk_store::Error) -> Self {
        use cspdesk_store::Error as E;
        let message = e.to_string();
        match e {
            E::Invalid { field, .. } => Self::new(ErrorCode::Validation, message, Some(field)),
            E::Duplicate { field, .. } => Self::new(ErrorCode::Duplicate, message, Some(field)),
            E::NotFound { .. } => Self::new(ErrorCode::NotFound, message, None),
            E::NewerSchema { .. } => Self::new(ErrorCode::NewerDatabase, message, None),
            E::NoDataDir | E::CreateDir { .. } | E::BadMoney { .. } | E::Sqlite(_) => {
                Self::new(ErrorCode::Storage, message, None)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crosses_as_code_message_field() {
        let e = ApiError::from(cspdesk_store::Error::Invalid {
            field: "tenantId",
            message: "bad".into(),
        });
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::json!({"code": "Validation", "message": "bad", "field": "tenantId"})
        );
    }
}
