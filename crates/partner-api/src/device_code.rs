//! Device-code sign-in for the headless CLI: show a short code and a URL, then poll the token
//! endpoint while the user approves on another device. The `oauth2` crate's poller honours the
//! server's `interval`, keeps polling on `authorization_pending` and slows down on `slow_down`.
//!
//! It asks for the account's own scopes only (Partner Center's), not for the browser's extra
//! consents to Graph and the Pricing API: the device-code token request carries no scope, so
//! Entra refuses a device request naming more than one resource at the token step, after the
//! user consented (AADSTS28000; MicrosoftDocs/azure-docs#42565, MSAL's "one resource per token
//! request"). A device-code user reaches Graph and the Pricing API through the admin's
//! tenant-wide consent (docs/connect-a-real-partner.md), or the errors name it.

use std::time::Duration;

use oauth2::{DeviceAuthorizationUrl, StandardDeviceAuthorizationResponse};
use tokio_util::sync::CancellationToken;

use crate::authority::{oauth_client, scopes, token_error, token_set, transport, Grant, TokenSet};
use crate::error::{Error, Result};
use crate::settings::ApiSettings;

/// What the user must do on another device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceCodePrompt {
    /// The short code to type.
    pub user_code: String,
    /// Where to type it.
    pub verification_uri: String,
    /// How long the code stays valid.
    pub expires_in: Duration,
}

/// Signs in with the device-code flow. `show` is called once with the code to display;
/// cancelling `cancel` ends the wait with [`Error::SignInCancelled`].
pub async fn sign_in_with_device_code<F>(
    settings: &ApiSettings,
    cancel: CancellationToken,
    show: F,
) -> Result<TokenSet>
where
    F: FnOnce(&DeviceCodePrompt),
{
    let http = settings.http_client(Duration::from_secs(60))?;
    let client = oauth_client(settings)?.set_device_authorization_url(
        DeviceAuthorizationUrl::from_url(settings.identity_url("devicecode")?),
    );
    let details: StandardDeviceAuthorizationResponse = client
        .exchange_device_code()
        .add_scopes(scopes(settings))
        .request_async(&transport(&http))
        .await
        .map_err(|e| token_error(e, Grant::Device))?;
    show(&DeviceCodePrompt {
        user_code: details.user_code().secret().clone(),
        verification_uri: details.verification_uri().to_string(),
        expires_in: details.expires_in(),
    });
    let sleeper = |d: Duration| tokio::time::sleep(d);
    let http_transport = transport(&http);
    let poll =
        client
            .exchange_device_access_token(&details)
            .request_async(&http_transport, sleeper, None);
    let response = tokio::select! {
        r = poll => r.map_err(|e| token_error(e, Grant::Device))?,
        _ = cancel.cancelled() => return Err(Error::SignInCancelled),
    };
    token_set(&response)
}
