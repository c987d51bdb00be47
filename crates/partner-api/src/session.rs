//! A signed-in account at run time: the access token in memory, the refresh token in the
//! [`TokenStore`], and the rule that every refresh persists the rotated refresh token.
//! Concurrent calls that all saw a 401 share one refresh.
//!
//! When the store refuses the rotated token (keyring locked, its daemon restarting), the
//! refresh still counts: the new access token is used and the rotated refresh token is kept in
//! memory as the one to redeem next. Falling back to the stored, older token instead would be
//! worse: every later refresh would redeem it again, and its 90-day inactivity clock would never
//! move. Saving is tried again on the next refresh and, at most every
//! [`PERSIST_RETRY_INTERVAL`], on the next call. The failure is not an error of the call (the
//! session works, and failing every call over the keyring would stop all work): it is logged as
//! a warning without any secret, and [`Session::has_unsaved_refresh_token`] lets the UI warn
//! that quitting now would fall back to the older stored token.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::Mutex;

use crate::authority::{redeem_refresh, Resource, TokenSet};
use crate::backoff::RetryPolicy;
use crate::claims::SignedInUser;
use crate::error::{Error, Result};
use crate::sensitive::Sensitive;
use crate::settings::ApiSettings;
use crate::tokens::{AccountKey, ConsentRecord, StoredConsent, TokenStore};

/// Source of "now" (wall time in the app, the emulator's clock in tests).
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Refresh this long before the access token's `exp` (the Partner Center SDK uses 30 s).
const EXPIRY_MARGIN: chrono::Duration = chrono::Duration::seconds(60);

/// Between calls, saving a refused refresh token is retried at most this often: a locked
/// keyring may prompt the user on each try, and a discovery makes many calls a second.
pub const PERSIST_RETRY_INTERVAL: chrono::Duration = chrono::Duration::seconds(30);

struct Current {
    access_token: Option<Sensitive<String>>,
    user: Option<SignedInUser>,
    /// Tokens of the other resources (ARM, Stack admin endpoints) and their expiry, bought
    /// with the same refresh token.
    others: HashMap<Resource, (Sensitive<String>, DateTime<Utc>)>,
    /// The newest refresh token when the store refused it; redeemed instead of the stored one.
    unsaved: Option<Unsaved>,
}

struct Unsaved {
    consent: StoredConsent,
    /// When saving it was last tried (session clock).
    tried_at: DateTime<Utc>,
}

/// One partner account's sign-in.
pub struct Session {
    settings: ApiSettings,
    key: AccountKey,
    store: Arc<dyn TokenStore>,
    http: reqwest::Client,
    clock: Clock,
    retry: RetryPolicy,
    current: Mutex<Current>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("key", &self.key)
            .field("tenant", &self.settings.tenant)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// After an interactive sign-in: stores the refresh token (consent time = `now`) and keeps
    /// the access token in memory.
    pub fn start(
        settings: ApiSettings,
        key: AccountKey,
        store: Arc<dyn TokenStore>,
        tokens: TokenSet,
        now: DateTime<Utc>,
    ) -> Result<Session> {
        settings.validate()?;
        let refresh_token = tokens
            .refresh_token
            .clone()
            .ok_or_else(|| Error::SignInFailed {
                detail: "Microsoft issued no refresh token; add the offline_access scope".into(),
            })?;
        let record = ConsentRecord {
            upn: tokens.user.upn.clone(),
            tenant_id: tokens.user.tenant_id.clone(),
            consented_at: now,
            last_refreshed_at: now,
        };
        store.save(
            &key,
            &StoredConsent {
                refresh_token,
                record,
            },
        )?;
        Session::build(
            settings,
            key,
            store,
            Current {
                access_token: Some(tokens.access_token),
                user: Some(tokens.user),
                others: HashMap::new(),
                unsaved: None,
            },
        )
    }

    /// A session from the stored refresh token; [`Error::NotSignedIn`] when there is none.
    pub fn resume(
        settings: ApiSettings,
        key: AccountKey,
        store: Arc<dyn TokenStore>,
    ) -> Result<Session> {
        if store.load(&key)?.is_none() {
            return Err(Error::NotSignedIn);
        }
        Session::build(
            settings,
            key,
            store,
            Current {
                access_token: None,
                user: None,
                others: HashMap::new(),
                unsaved: None,
            },
        )
    }

    fn build(
        settings: ApiSettings,
        key: AccountKey,
        store: Arc<dyn TokenStore>,
        current: Current,
    ) -> Result<Session> {
        settings.validate()?;
        let http = settings.http_client(Duration::from_secs(60))?;
        Ok(Session {
            settings,
            key,
            store,
            http,
            clock: Arc::new(Utc::now),
            retry: RetryPolicy::default(),
            current: Mutex::new(current),
        })
    }

    /// Uses `clock` for access-token expiry decisions and refresh timestamps.
    pub fn with_clock(mut self, clock: Clock) -> Session {
        self.clock = clock;
        self
    }

    /// Uses `retry` for the token endpoint (its 5xx, timeouts and 429s) when refreshing.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Session {
        self.retry = retry;
        self
    }

    /// Whether a rotated refresh token lives only in memory because the store refused it.
    /// Quitting now would leave the older stored token, whose 90-day clock has not moved.
    pub async fn has_unsaved_refresh_token(&self) -> bool {
        self.current.lock().await.unsaved.is_some()
    }

    /// The account's settings.
    pub fn settings(&self) -> &ApiSettings {
        &self.settings
    }

    /// The HTTP client of the account (its CA, proxy and timeout settings).
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The account's keyring key.
    pub fn key(&self) -> &AccountKey {
        &self.key
    }

    /// The user of the current access token (refreshes first if none is in memory).
    pub async fn user(&self) -> Result<SignedInUser> {
        self.access_token().await?;
        let current = self.current.lock().await;
        current.user.clone().ok_or(Error::NotSignedIn)
    }

    /// The stored consent metadata (no secret). While a rotated token is unsaved this is the
    /// older stored record: what would remain if the app quit now.
    pub fn consent(&self) -> Result<Option<ConsentRecord>> {
        self.store.consent(&self.key)
    }

    /// A valid access token, refreshing when it is missing or about to expire.
    pub async fn access_token(&self) -> Result<Sensitive<String>> {
        let mut current = self.current.lock().await;
        let now = (self.clock)();
        if let Some(unsaved) = &current.unsaved {
            if now - unsaved.tried_at >= PERSIST_RETRY_INTERVAL {
                let consent = unsaved.consent.clone();
                self.persist(&mut current, consent, now);
            }
        }
        let fresh = current
            .user
            .as_ref()
            .is_some_and(|u| u.expires_at - EXPIRY_MARGIN > now);
        match (&current.access_token, fresh) {
            (Some(token), true) => Ok(token.clone()),
            _ => self.refresh_locked(&mut current).await,
        }
    }

    /// A valid Azure Resource Manager access token for the same user, redeemed from the stored
    /// refresh token when missing or about to expire (the rotated refresh token is kept).
    pub async fn arm_access_token(&self) -> Result<Sensitive<String>> {
        self.token_for(&Resource::Arm).await
    }

    /// Refreshes the ARM token after ARM rejected `rejected`, unless another call already did.
    pub async fn arm_refresh_after_rejection(
        &self,
        rejected: &Sensitive<String>,
    ) -> Result<Sensitive<String>> {
        self.refresh_after_rejection_for(&Resource::Arm, rejected)
            .await
    }

    /// A valid access token for `resource` (ARM, an Azure Stack Hub admin endpoint), redeemed
    /// from the stored refresh token when missing or about to expire.
    pub async fn token_for(&self, resource: &Resource) -> Result<Sensitive<String>> {
        if *resource == Resource::PartnerCenter {
            return self.access_token().await;
        }
        let mut current = self.current.lock().await;
        let now = (self.clock)();
        if let Some((token, expires)) = current.others.get(resource) {
            if *expires - EXPIRY_MARGIN > now {
                return Ok(token.clone());
            }
        }
        self.redeem_locked(&mut current, resource.clone()).await
    }

    /// Refreshes `resource`'s token after its API rejected `rejected`, unless another call
    /// already did.
    pub async fn refresh_after_rejection_for(
        &self,
        resource: &Resource,
        rejected: &Sensitive<String>,
    ) -> Result<Sensitive<String>> {
        if *resource == Resource::PartnerCenter {
            return self.refresh_after_rejection(rejected).await;
        }
        let mut current = self.current.lock().await;
        match current.others.get(resource) {
            Some((token, _)) if token != rejected => Ok(token.clone()),
            _ => self.redeem_locked(&mut current, resource.clone()).await,
        }
    }

    /// Forces a refresh (rotating the stored refresh token) and returns the new user claims.
    pub async fn refresh(&self) -> Result<SignedInUser> {
        let mut current = self.current.lock().await;
        self.refresh_locked(&mut current).await?;
        current.user.clone().ok_or(Error::NotSignedIn)
    }

    /// Refreshes after Partner Center rejected `rejected`, unless another call already did.
    pub(crate) async fn refresh_after_rejection(
        &self,
        rejected: &Sensitive<String>,
    ) -> Result<Sensitive<String>> {
        let mut current = self.current.lock().await;
        match &current.access_token {
            Some(token) if token != rejected => Ok(token.clone()),
            _ => self.refresh_locked(&mut current).await,
        }
    }

    async fn refresh_locked(&self, current: &mut Current) -> Result<Sensitive<String>> {
        self.redeem_locked(current, Resource::PartnerCenter).await
    }

    async fn redeem_locked(
        &self,
        current: &mut Current,
        resource: Resource,
    ) -> Result<Sensitive<String>> {
        let stored = match &current.unsaved {
            Some(unsaved) => unsaved.consent.clone(),
            None => self.store.load(&self.key)?.ok_or(Error::NotSignedIn)?,
        };
        let tokens = redeem_refresh(
            &self.settings,
            &self.http,
            &stored.refresh_token,
            &self.retry,
            resource.clone(),
        )
        .await?;
        let now = (self.clock)();
        // Rotation: keep the newest refresh token; Microsoft may omit it, then the old one stays valid.
        let consent = StoredConsent {
            refresh_token: tokens.refresh_token.clone().unwrap_or(stored.refresh_token),
            record: ConsentRecord {
                last_refreshed_at: now,
                ..stored.record
            },
        };
        match resource {
            Resource::PartnerCenter => {
                current.access_token = Some(tokens.access_token.clone());
                current.user = Some(tokens.user);
            }
            other => {
                current
                    .others
                    .insert(other, (tokens.access_token.clone(), tokens.user.expires_at));
            }
        }
        self.persist(current, consent, now);
        Ok(tokens.access_token)
    }

    /// Saves `consent`, or keeps it in memory as the token to use next when the store refuses.
    fn persist(&self, current: &mut Current, consent: StoredConsent, now: DateTime<Utc>) {
        match self.store.save(&self.key, &consent) {
            Ok(()) => {
                if current.unsaved.take().is_some() {
                    tracing::info!(
                        account = self.key.as_str(),
                        "saved the rotated refresh token after an earlier keyring failure"
                    );
                }
            }
            Err(e) => {
                // The error names the keyring's failure only; the token is never in it.
                tracing::warn!(
                    account = self.key.as_str(),
                    error = %e,
                    "could not save the rotated refresh token; keeping it in memory and retrying"
                );
                current.unsaved = Some(Unsaved {
                    consent,
                    tried_at: now,
                });
            }
        }
    }

    /// Forgets the access token and deletes the keyring entry.
    pub async fn sign_out(&self) -> Result<()> {
        let mut current = self.current.lock().await;
        current.access_token = None;
        current.user = None;
        current.others.clear();
        current.unsaved = None;
        self.store.delete(&self.key)
    }
}
