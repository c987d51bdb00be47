//! The `Authorization: Bearer` header every call to Microsoft carries, built in one place so
//! it is always marked sensitive: reqwest and `http` then print it as `Sensitive` in any
//! `Debug` output (a logged request, a panic message), never the token.

use reqwest::header::HeaderValue;

use crate::error::{Error, Result};

/// `Bearer {token}` as a sensitive header value.
pub(crate) fn bearer(token: &str) -> Result<HeaderValue> {
    let mut value =
        HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| Error::BadResponse {
            endpoint: "token".into(),
            field: "access_token".into(),
            detail: "not a valid header value".into(),
        })?;
    value.set_sensitive(true);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_is_sensitive_and_never_printed() {
        let value = bearer("eyJ0eXAiOiJKV1Qi.secret").unwrap();
        assert!(value.is_sensitive());
        assert!(!format!("{value:?}").contains("secret"));
    }

    #[test]
    fn a_token_that_is_no_header_value_is_a_typed_error() {
        let e = bearer("line\nbreak").unwrap_err();
        assert!(matches!(e, Error::BadResponse { ref field, .. } if field == "access_token"));
        assert!(!format!("{e:?}").contains("break"));
    }
}
