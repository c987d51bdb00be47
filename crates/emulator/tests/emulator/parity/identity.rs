//! Key parity of the emulator's v2 token endpoint with the Microsoft identity platform's
//! published samples (`tests/fixtures/microsoft/identity/`): a code redeemed, and an error.

use super::{assert_parity, sample};
use crate::identity::{auto_code, auto_consent_emulator, redeem};

#[tokio::test]
async fn a_redeemed_code_and_an_error_have_microsofts_keys() {
    let emu = auto_consent_emulator().await;
    let redirect = "http://localhost:49152/callback";
    let code = auto_code(&emu, redirect).await;
    let (status, redeemed) = redeem(&emu, &code, redirect, &[("client_info", "1")]).await;
    assert_eq!(status, 200, "{redeemed}");
    assert_parity(
        "POST oauth2/v2.0/token (authorization_code)",
        &sample("identity/token-auth-code.json"),
        &redeemed,
        &[
            (
                "ext_expires_in",
                "not in the docs' sample, but sent by the service and read by Microsoft's MSAL \
                 (its token cache keeps it as the extended expiry)",
            ),
            (
                "client_info",
                "sent when the request asks `client_info=1`, as MSAL does; MSAL builds the \
                 account's home id from it",
            ),
        ],
    );

    // Redeeming the same code twice is refused, with Microsoft's error body.
    let (status, error) = redeem(&emu, &code, redirect, &[]).await;
    assert_eq!(status, 400, "{error}");
    assert_parity(
        "POST oauth2/v2.0/token (error)",
        &sample("identity/token-error.json"),
        &error,
        &[],
    );
}
