//! Talking to the Microsoft identity platform (v2 endpoints) through the `oauth2` crate: the
//! authorize URL with PKCE S256 and a random `state`, the code exchange, and refresh with
//! rotation. The HTTP transport is our own reqwest client (rustls, the account's trust roots),
//! and OAuth errors become [`Error`] variants the UI understands. Token endpoint bodies are
//! never put into errors or logs: they may hold tokens.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use chrono::{DateTime, Utc};
use oauth2::basic::{BasicClient, BasicErrorResponseType, BasicTokenResponse};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, CsrfToken, ErrorResponse, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, RefreshToken, RequestTokenError, Scope, TokenResponse, TokenUrl,
};
use url::Url;

use crate::backoff::{parse_retry_after, RetryPolicy};
use crate::claims::SignedInUser;
use crate::error::{Error, Result};
use crate::sensitive::Sensitive;
use crate::settings::ApiSettings;

/// Tokens from one successful grant.
#[derive(Clone, Debug)]
pub struct TokenSet {
    /// Bearer token for Partner Center (memory only).
    pub access_token: Sensitive<String>,
    /// Refresh token; Microsoft rotates it on every use, always keep the newest.
    pub refresh_token: Option<Sensitive<String>>,
    /// The user and expiry read from the access token.
    pub user: SignedInUser,
}

impl TokenSet {
    /// When the access token expires.
    pub fn expires_at(&self) -> DateTime<Utc> {
        self.user.expires_at
    }
}

/// Why an HTTP exchange with the authority failed below the OAuth layer.
#[derive(Debug, thiserror::Error)]
pub(crate) enum TransportError {
    /// No answer, or a 5xx: an outage.
    #[error("{0}")]
    Failed(String),
    /// 429: the token endpoint is throttling. Its body is not an OAuth error, so it must not
    /// reach the OAuth parser (which would call it a malformed answer).
    #[error("HTTP 429")]
    Throttled {
        /// The answer's `Retry-After`, if it had one.
        retry_after: Option<Duration>,
    },
}

type Exchange =
    Pin<Box<dyn Future<Output = std::result::Result<oauth2::HttpResponse, TransportError>> + Send>>;

/// The `oauth2` crate's HTTP hook, served by our reqwest client.
pub(crate) fn transport(http: &reqwest::Client) -> impl Fn(oauth2::HttpRequest) -> Exchange + '_ {
    move |request: oauth2::HttpRequest| {
        let http = http.clone();
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let response = http
                .request(parts.method, parts.uri.to_string())
                .headers(parts.headers)
                .body(body)
                .send()
                .await
                // Without the URL: it is the token endpoint and adds nothing, and keeps messages short.
                .map_err(|e| TransportError::Failed(e.without_url().to_string()))?;
            // A 5xx from the authority is an outage, not an OAuth answer (its body is often HTML
            // or another service's error shape), so it goes the transport-failure way.
            if response.status().is_server_error() {
                return Err(TransportError::Failed(format!(
                    "HTTP {}",
                    response.status().as_u16()
                )));
            }
            if response.status() == reqwest::StatusCode::TOO_MANY_REQUESTS {
                let retry_after = parse_retry_after(
                    response
                        .headers()
                        .get(reqwest::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok()),
                );
                return Err(TransportError::Throttled { retry_after });
            }
            let mut builder = oauth2::http::Response::builder().status(response.status());
            for (name, value) in response.headers() {
                builder = builder.header(name, value);
            }
            let bytes = response
                .bytes()
                .await
                .map_err(|e| TransportError::Failed(e.without_url().to_string()))?;
            builder
                .body(bytes.to_vec())
                .map_err(|e| TransportError::Failed(e.to_string()))
        }) as Exchange
    }
}

pub(crate) type Oauth = BasicClient<
    oauth2::EndpointSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointSet,
>;

/// The OAuth client of an account (public client: the client id goes in the body, no secret).
pub(crate) fn oauth_client(settings: &ApiSettings) -> Result<Oauth> {
    settings.validate()?;
    Ok(BasicClient::new(ClientId::new(settings.client_id.clone()))
        .set_auth_type(AuthType::RequestBody)
        .set_auth_uri(AuthUrl::from_url(settings.identity_url("authorize")?))
        .set_token_uri(TokenUrl::from_url(settings.identity_url("token")?)))
}

/// Delegated scope of Azure Resource Manager (Azure Stack registrations, Cost Management).
pub const ARM_SCOPE: &str = "https://management.azure.com/user_impersonation";

/// Delegated scope of Microsoft Graph's partner billing exports (admin consent required).
pub const GRAPH_BILLING_SCOPE: &str = "https://graph.microsoft.com/PartnerBilling.Read.All";

/// Delegated scope of the "Microsoft Partner" API (Pricing API: price sheets, FX rates), the
/// permission `user_impersonation` of the app `4990cffe-04e8-4e8b-808a-1175604b879f`.
pub const PRICING_SCOPE: &str = "https://api.partner.microsoft.com/user_impersonation";

/// Which API an access token is for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Resource {
    /// Partner Center (the account's sign-in scopes).
    PartnerCenter,
    /// Azure Resource Manager.
    Arm,
    /// Microsoft Graph, for the partner billing exports ([`GRAPH_BILLING_SCOPE`]).
    Graph,
    /// The Pricing API ([`PRICING_SCOPE`]).
    Pricing,
    /// An Azure Stack Hub's admin ARM, named by the audience its `metadata/endpoints`
    /// publishes, asked for through that audience's `/.default` scope.
    StackAdmin(String),
}

impl Resource {
    /// The scopes a refresh asks for, beyond the account's own sign-in scopes.
    fn extra_scopes(&self) -> Option<Vec<String>> {
        match self {
            Resource::PartnerCenter => None,
            Resource::Arm => Some(vec![ARM_SCOPE.into(), "offline_access".into()]),
            Resource::Graph => Some(vec![GRAPH_BILLING_SCOPE.into(), "offline_access".into()]),
            Resource::Pricing => Some(vec![PRICING_SCOPE.into(), "offline_access".into()]),
            Resource::StackAdmin(audience) => Some(vec![
                format!("{}/.default", audience.trim_end_matches('/')),
                "offline_access".into(),
            ]),
        }
    }
}

pub(crate) fn scopes(settings: &ApiSettings) -> impl Iterator<Item = Scope> + '_ {
    settings
        .scopes
        .iter()
        .filter(|s| !s.trim().is_empty())
        .map(|s| Scope::new(s.clone()))
}

/// What the browser sign-in asks consent for: the account's own scopes (Partner Center's first:
/// Entra issues the sign-in's token for the first scope's resource), then Graph's partner
/// billing and the Pricing API, each once. Entra lets an authorize request name several
/// resources for consent; each token is then redeemed for one resource, so these stay out of
/// the refresh of Partner Center's token. The device-code flow cannot (see device_code.rs).
pub fn sign_in_scopes(settings: &ApiSettings) -> Vec<String> {
    let mut wanted: Vec<String> = settings
        .scopes
        .iter()
        .filter(|s| !s.trim().is_empty())
        .cloned()
        .collect();
    for extra in [GRAPH_BILLING_SCOPE, PRICING_SCOPE] {
        if !wanted.iter().any(|s| s == extra) {
            wanted.push(extra.to_string());
        }
    }
    wanted
}

/// One authorization request: the URL to open, and the secrets needed to finish it.
#[derive(Debug)]
pub struct AuthorizationRequest {
    /// URL to open in the system browser.
    pub url: Url,
    /// Redirect URI sent with the request (the token request must repeat it exactly).
    pub redirect_uri: String,
    state: Sensitive<String>,
    verifier: Sensitive<String>,
}

impl AuthorizationRequest {
    /// Builds an authorize URL for `redirect_uri` with a fresh PKCE S256 pair and random `state`.
    pub fn new(
        settings: &ApiSettings,
        redirect_uri: &str,
        login_hint: Option<&str>,
    ) -> Result<AuthorizationRequest> {
        let redirect = RedirectUrl::new(redirect_uri.to_string())
            .map_err(|e| Error::invalid_settings("redirectUri", e.to_string()))?;
        let client = oauth_client(settings)?.set_redirect_uri(redirect);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(CsrfToken::new_random)
            .add_scopes(sign_in_scopes(settings).into_iter().map(Scope::new))
            .set_pkce_challenge(challenge);
        if let Some(hint) = login_hint {
            request = request.add_extra_param("login_hint", hint.to_string());
        }
        let (url, state) = request.url();
        Ok(AuthorizationRequest {
            url,
            redirect_uri: redirect_uri.to_string(),
            state: Sensitive::new(state.secret().clone()),
            verifier: Sensitive::new(verifier.secret().clone()),
        })
    }

    /// The `state` the browser must bring back.
    pub fn state(&self) -> &Sensitive<String> {
        &self.state
    }

    /// The PKCE verifier that proves this client started the request.
    pub fn verifier(&self) -> &Sensitive<String> {
        &self.verifier
    }
}

/// Exchanges an authorization `code` for tokens, proving possession with `verifier`.
pub async fn redeem_code(
    settings: &ApiSettings,
    http: &reqwest::Client,
    code: &Sensitive<String>,
    redirect_uri: &str,
    verifier: &Sensitive<String>,
) -> Result<TokenSet> {
    let redirect = RedirectUrl::new(redirect_uri.to_string())
        .map_err(|e| Error::invalid_settings("redirectUri", e.to_string()))?;
    let client = oauth_client(settings)?.set_redirect_uri(redirect);
    // Only throttling is retried: after an outage or a dropped answer the code may already be
    // spent, and a second try would turn a clear "unavailable" into a confusing invalid_grant.
    let response = with_authority_retries(&RetryPolicy::default(), false, || async {
        client
            .exchange_code(AuthorizationCode::new(code.expose().clone()))
            .set_pkce_verifier(PkceCodeVerifier::new(verifier.expose().clone()))
            .request_async(&transport(http))
            .await
            .map_err(|e| token_error(e, Grant::Code))
    })
    .await?;
    token_set(&response)
}

/// Redeems `refresh_token` for new tokens (the response carries the rotated refresh token).
/// An unavailable or throttling authority is tried again within `policy`: a refresh usually
/// runs in the middle of a long discovery that should not fail on one blip.
pub(crate) async fn redeem_refresh(
    settings: &ApiSettings,
    http: &reqwest::Client,
    refresh_token: &Sensitive<String>,
    policy: &RetryPolicy,
    resource: Resource,
) -> Result<TokenSet> {
    let client = oauth_client(settings)?;
    // Entra's refresh tokens are multi-resource: the same one buys an ARM or Stack admin token.
    let wanted: Vec<Scope> = match resource.extra_scopes() {
        None => scopes(settings).collect(),
        Some(extra) => extra.into_iter().map(Scope::new).collect(),
    };
    let response = with_authority_retries(policy, true, || async {
        client
            .exchange_refresh_token(&RefreshToken::new(refresh_token.expose().clone()))
            .add_scopes(wanted.clone())
            .request_async(&transport(http))
            .await
            .map_err(|e| token_error(e, Grant::Refresh))
    })
    .await
    .map_err(|e| match (resource, e) {
        // AADSTS65001: nobody consented to this app reading partner billing. The Partner
        // Center consent is fine (the user is signed in): only the admin can fix this.
        (Resource::Graph, Error::ConsentExpired { detail })
            if detail.contains("AADSTS65001") || detail.contains("consent") =>
        {
            Error::GraphConsent { detail }
        }
        // The sign-in that made this refresh token never asked for the Pricing API.
        (Resource::Pricing, Error::ConsentExpired { detail })
            if detail.contains("AADSTS65001") || detail.contains("consent") =>
        {
            Error::PricingConsent { detail }
        }
        (_, e) => e,
    })?;
    token_set(&response)
}

/// Runs one token request until it succeeds or its failure is final: a 429 waits as the
/// Partner Center client does (at least `Retry-After`, growing with each throttle, at most
/// `max_throttle_waits` times); an outage is retried with backoff only when `retry_unavailable`.
async fn with_authority_retries<T, F, Fut>(
    policy: &RetryPolicy,
    retry_unavailable: bool,
    mut request: F,
) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let (mut failures, mut throttles) = (0u32, 0u32);
    loop {
        let wait = match request().await {
            Ok(value) => return Ok(value),
            Err(Error::Throttled {
                endpoint,
                retry_after,
            }) => {
                throttles += 1;
                let asked = (retry_after > Duration::ZERO).then_some(retry_after);
                match policy.throttle_wait(throttles, asked, rand::random()) {
                    Some(wait) if throttles <= policy.max_throttle_waits => wait,
                    // Without a Retry-After, the wait we would have chosen tells the user how long.
                    wait => {
                        return Err(Error::Throttled {
                            endpoint,
                            retry_after: asked.or(wait).unwrap_or(retry_after),
                        })
                    }
                }
            }
            Err(Error::Unavailable { .. })
                if retry_unavailable && failures + 1 < policy.max_attempts =>
            {
                failures += 1;
                policy.backoff(failures, rand::random())
            }
            Err(e) => return Err(e),
        };
        tokio::time::sleep(wait).await;
    }
}

pub(crate) fn token_set(response: &BasicTokenResponse) -> Result<TokenSet> {
    let access = response.access_token().secret().clone();
    let user = SignedInUser::from_access_token(&access)?;
    Ok(TokenSet {
        access_token: Sensitive::new(access),
        refresh_token: response
            .refresh_token()
            .map(|t| Sensitive::new(t.secret().clone())),
        user,
    })
}

/// Which grant failed, because the same OAuth error means different things for each.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Grant {
    Code,
    Refresh,
    Device,
}

/// First line of an Entra `error_description` (the rest is trace and correlation ids).
pub(crate) fn describe(error: &str, description: Option<&str>) -> String {
    match description
        .and_then(|d| d.lines().next())
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        Some(d) => format!("{error}: {d}"),
        None => error.to_string(),
    }
}

pub(crate) fn token_error<T>(e: RequestTokenError<TransportError, T>, grant: Grant) -> Error
where
    T: ErrorResponse + OauthCode + 'static,
{
    match e {
        RequestTokenError::ServerResponse(body) => {
            let (code, description) = body.oauth_code();
            let detail = describe(&code, description.as_deref());
            match (grant, code.as_str()) {
                (Grant::Refresh, "invalid_grant" | "interaction_required") => {
                    Error::ConsentExpired { detail }
                }
                (Grant::Device, "access_denied" | "authorization_declined") => {
                    Error::ConsentDenied { detail }
                }
                (Grant::Device, "expired_token") => Error::SignInAborted {
                    reason: format!("the code expired before it was entered ({detail})"),
                },
                (_, "temporarily_unavailable" | "server_error") => Error::Unavailable {
                    endpoint: "token".into(),
                    detail,
                },
                _ => Error::SignInFailed { detail },
            }
        }
        // Without Retry-After the wait is ours to choose; zero says "not given" to the retry loop.
        RequestTokenError::Request(TransportError::Throttled { retry_after }) => Error::Throttled {
            endpoint: "token".into(),
            retry_after: retry_after.unwrap_or_default(),
        },
        RequestTokenError::Request(e @ TransportError::Failed(_)) => Error::Unavailable {
            endpoint: "token".into(),
            detail: e.to_string(),
        },
        // The path and the error class only: serde's message may quote a value, and values here are tokens.
        RequestTokenError::Parse(e, _body) => Error::BadResponse {
            endpoint: "token".into(),
            field: e.path().to_string(),
            detail: format!("{:?} error in the token response", e.inner().classify()),
        },
        RequestTokenError::Other(text) => Error::Unavailable {
            endpoint: "token".into(),
            detail: text,
        },
    }
}

/// The OAuth `error` code and description of an error body, for every error response type we meet.
pub(crate) trait OauthCode {
    fn oauth_code(&self) -> (String, Option<String>);
}

impl OauthCode for oauth2::StandardErrorResponse<BasicErrorResponseType> {
    fn oauth_code(&self) -> (String, Option<String>) {
        (
            self.error().as_ref().to_string(),
            self.error_description().cloned(),
        )
    }
}

impl OauthCode for oauth2::DeviceCodeErrorResponse {
    fn oauth_code(&self) -> (String, Option<String>) {
        (
            self.error().as_ref().to_string(),
            self.error_description().cloned(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorize_url_carries_pkce_s256_state_and_scopes() {
        let settings = ApiSettings::new("contoso.onmicrosoft.com", "client-1");
        let request = AuthorizationRequest::new(
            &settings,
            "http://127.0.0.1:5000",
            Some("admin@contoso.com"),
        )
        .unwrap();
        let q: std::collections::HashMap<String, String> =
            request.url.query_pairs().into_owned().collect();
        assert_eq!(
            request.url.path(),
            "/contoso.onmicrosoft.com/oauth2/v2.0/authorize",
            "v2 authorize endpoint of the tenant"
        );
        assert_eq!(
            q["code_challenge_method"], "S256",
            "plain PKCE must never be used"
        );
        assert_eq!(
            &q["state"],
            request.state().expose(),
            "state in the URL is the one checked on return"
        );
        assert!(
            q["scope"].contains("offline_access") && q["scope"].contains("user_impersonation"),
            "{}",
            q["scope"]
        );
        assert!(
            q["scope"].contains(GRAPH_BILLING_SCOPE)
                && q["scope"].starts_with("https://api.partnercenter.microsoft.com/"),
            "consent for Graph's billing exports is asked at sign-in, after Partner Center's \
             scope: Entra issues the code's token for the first scope's resource: {}",
            q["scope"]
        );
        assert_eq!(q["login_hint"], "admin@contoso.com");
        let other = AuthorizationRequest::new(&settings, "http://127.0.0.1:5000", None).unwrap();
        assert_ne!(
            other.state().expose(),
            request.state().expose(),
            "state must be random per request"
        );
        assert_ne!(
            other.verifier().expose(),
            request.verifier().expose(),
            "verifier must be random per request"
        );
    }

    #[test]
    fn describe_keeps_only_the_first_line() {
        let text = describe(
            "invalid_grant",
            Some(
                "AADSTS700082: The refresh token has expired.\r\nTrace ID: 1\r\nCorrelation ID: 2",
            ),
        );
        assert_eq!(
            text, "invalid_grant: AADSTS700082: The refresh token has expired.",
            "trace ids are noise for the user"
        );
    }
}
