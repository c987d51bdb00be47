//! Interactive sign-in through the system browser (RFC 8252): bind the loopback redirect, open
//! the authorize URL with whatever opener the caller injects (the app passes the OS opener,
//! tests drive the emulator's consent page), wait for the redirect with a timeout and a cancel
//! token, then redeem the code with the PKCE verifier.

use std::time::Duration;

use tokio_util::sync::CancellationToken;
use url::Url;

use crate::authority::{redeem_code, AuthorizationRequest, TokenSet};
use crate::error::{Error, Result};
use crate::redirect::LoopbackRedirect;
use crate::settings::ApiSettings;

/// Options of a browser sign-in.
#[derive(Clone, Debug)]
pub struct BrowserSignIn {
    /// Give up after this long without a redirect.
    pub timeout: Duration,
    /// Cancelled by the caller (e.g. the Accounts page's Cancel button); the sign-in then ends
    /// with [`Error::SignInCancelled`], while a timeout is [`Error::SignInAborted`].
    pub cancel: CancellationToken,
    /// Pre-fills the account picker.
    pub login_hint: Option<String>,
}

impl Default for BrowserSignIn {
    fn default() -> Self {
        BrowserSignIn {
            timeout: Duration::from_secs(300),
            cancel: CancellationToken::new(),
            login_hint: None,
        }
    }
}

/// Signs a user in through the browser and returns their tokens.
///
/// `open_browser` receives the authorize URL once the redirect listener is bound; it must not
/// block until the sign-in completes. Dropping the returned future also abandons the sign-in.
pub async fn sign_in_with_browser<F>(
    settings: &ApiSettings,
    options: BrowserSignIn,
    open_browser: F,
) -> Result<TokenSet>
where
    F: FnOnce(&Url) -> std::io::Result<()>,
{
    settings.validate()?;
    let http = settings.http_client(Duration::from_secs(60))?;
    let loopback = LoopbackRedirect::bind().await?;
    let request = AuthorizationRequest::new(
        settings,
        loopback.redirect_uri(),
        options.login_hint.as_deref(),
    )?;
    open_browser(&request.url).map_err(|e| Error::SignInAborted {
        reason: format!("could not open the browser: {e}"),
    })?;
    let code = tokio::select! {
        code = loopback.wait_for_code(request.state()) => code?,
        _ = options.cancel.cancelled() => return Err(Error::SignInCancelled),
        _ = tokio::time::sleep(options.timeout) => return Err(Error::SignInAborted { reason: format!("timed out after {} s", options.timeout.as_secs()) }),
    };
    redeem_code(
        settings,
        &http,
        &code,
        &request.redirect_uri,
        request.verifier(),
    )
    .await
}
