//! A container SAS URL as a partner pastes it: checked before anything is stored (a URL, a
//! container, https, a SAS with an expiry that has not passed, Read and List permissions) and
//! split into the container's address, which may be stored and shown, and the SAS query, which
//! is a secret and stays wrapped in [`Sensitive`] (it goes only to the keyring and into the
//! query of the requests to Azure Storage). Both service SAS (`sr=c`) and account SAS
//! (`ss`/`srt`, what Cost Management's cross-tenant delivery uses) are accepted.

use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use cspdesk_partner_api::Sensitive;
use url::Url;

use crate::error::{Error, Result};

/// A checked container SAS URL.
#[derive(Clone)]
pub struct ContainerSas {
    container_url: String,
    query: Sensitive<String>,
    expires_at: DateTime<Utc>,
    permissions: String,
}

impl fmt::Debug for ContainerSas {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContainerSas")
            .field("container_url", &self.container_url)
            .field("query", &self.query)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

fn loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Reads a SAS time: ISO 8601 UTC as Azure accepts it (`2026-03-10T09:00:00Z`, without
/// seconds, or a date alone meaning midnight UTC).
fn sas_time(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%dT%H:%MZ", "%Y-%m-%dT%H:%M:%SZ"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
            return Some(t.and_utc());
        }
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .map(|d| d.and_hms_opt(0, 0, 0).expect("midnight").and_utc())
}

impl ContainerSas {
    /// Checks `text` at `now`.
    pub fn parse(text: &str, now: DateTime<Utc>) -> Result<ContainerSas> {
        let sas = Self::parse_unchecked_time(text)?;
        if sas.expires_at <= now {
            return Err(Error::SasExpired {
                container: sas.container_url,
                expired_at: sas.expires_at,
            });
        }
        let url = Url::parse(text.trim()).map_err(|e| Error::NotAUrl {
            reason: e.to_string(),
        })?;
        if let Some((_, st)) = url.query_pairs().find(|(k, _)| k == "st") {
            let starts_at = sas_time(&st).ok_or_else(|| Error::BadSasField {
                container: sas.container_url.clone(),
                field: "st",
                value: st.to_string(),
            })?;
            // Azure allows some clock skew; so do we.
            if starts_at > now + chrono::Duration::minutes(15) {
                return Err(Error::SasNotYetValid {
                    container: sas.container_url,
                    starts_at,
                });
            }
        }
        Ok(sas)
    }

    /// Everything but the time checks (a stored SAS is re-read this way, then checked).
    fn parse_unchecked_time(text: &str) -> Result<ContainerSas> {
        let url = Url::parse(text.trim()).map_err(|e| Error::NotAUrl {
            reason: e.to_string(),
        })?;
        if !matches!(url.scheme(), "https" | "http") || url.host().is_none() {
            return Err(Error::NotAUrl {
                reason: format!("{} is not an http(s) address", url.scheme()),
            });
        }
        let mut bare = url.clone();
        bare.set_query(None);
        bare.set_fragment(None);
        let _ = bare.set_username("");
        let _ = bare.set_password(None);
        let container_url = bare.as_str().trim_end_matches('/').to_string();
        if url.scheme() == "http" && !loopback(&url) {
            return Err(Error::Insecure {
                container: container_url,
            });
        }
        let segments = url
            .path_segments()
            .map(|s| s.filter(|p| !p.is_empty()).count())
            .unwrap_or(0);
        if segments == 0 {
            return Err(Error::NotAContainer {
                container: container_url,
                reason: "the address names no container",
            });
        }
        let get = |key: &str| {
            url.query_pairs()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.into_owned())
        };
        let (Some(_), Some(_), Some(permissions)) = (get("sv"), get("sig"), get("sp")) else {
            return Err(Error::NotASas {
                container: container_url,
            });
        };
        match (get("sr"), get("ss"), get("srt")) {
            (Some(sr), _, _) if sr != "c" => {
                return Err(Error::NotAContainer {
                    container: container_url,
                    reason: "the SAS is for one blob or directory (sr is not c)",
                })
            }
            (Some(_), _, _) => {}
            (None, Some(ss), Some(srt)) => {
                if !ss.contains('b') {
                    return Err(Error::NotAContainer {
                        container: container_url,
                        reason: "the account SAS does not include the Blob service (ss)",
                    });
                }
                if !(srt.contains('c') && srt.contains('o')) {
                    return Err(Error::NotAContainer {
                        container: container_url,
                        reason: "the account SAS does not include Container and Object resource types (srt)",
                    });
                }
            }
            _ => {
                return Err(Error::NotASas {
                    container: container_url,
                })
            }
        }
        for (letter, missing) in [('l', "list"), ('r', "read")] {
            if !permissions.contains(letter) {
                return Err(Error::SasPermission {
                    container: container_url,
                    missing,
                    granted: permissions,
                });
            }
        }
        let Some(se) = get("se") else {
            return Err(Error::NoExpiry {
                container: container_url,
            });
        };
        let expires_at = sas_time(&se).ok_or_else(|| Error::BadSasField {
            container: container_url.clone(),
            field: "se",
            value: se.clone(),
        })?;
        Ok(ContainerSas {
            container_url,
            query: Sensitive::new(url.query().unwrap_or_default().to_string()),
            expires_at,
            permissions,
        })
    }

    /// The container's address without the SAS: safe to store and show.
    pub fn container_url(&self) -> &str {
        &self.container_url
    }

    /// When the SAS stops working.
    pub fn expires_at(&self) -> DateTime<Utc> {
        self.expires_at
    }

    /// The permissions (`sp`).
    pub fn permissions(&self) -> &str {
        &self.permissions
    }

    /// Whether it has expired at `now`.
    pub fn expired(&self, now: DateTime<Utc>) -> bool {
        self.expires_at <= now
    }

    /// The whole SAS URL, for the keyring only.
    pub fn to_secret(&self) -> Sensitive<String> {
        Sensitive::new(format!("{}?{}", self.container_url, self.query.expose()))
    }

    /// A URL of this container: `path` (already encoded, may be empty) and `query` (ours,
    /// encoded) followed by the SAS.
    pub(crate) fn url(&self, path: &str, query: &str) -> Sensitive<String> {
        let mut s = self.container_url.clone();
        if !path.is_empty() {
            s.push('/');
            s.push_str(path);
        }
        s.push('?');
        if !query.is_empty() {
            s.push_str(query);
            s.push('&');
        }
        s.push_str(self.query.expose());
        Sensitive::new(s)
    }

    /// Reads back a SAS URL from the keyring, checking it again at `now` (an expired one is
    /// [`Error::SasExpired`]).
    pub fn from_secret(secret: &Sensitive<String>, now: DateTime<Utc>) -> Result<ContainerSas> {
        Self::parse(secret.expose(), now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 10, 9, 0, 0).unwrap()
    }

    const GOOD: &str = "https://partnerexports.blob.core.windows.net/cost?sv=2022-11-02&sr=c&sp=rl&se=2026-06-30T00%3A00%3A00Z&sig=c2VjcmV0c2lnbmF0dXJl%2B%3D";

    #[test]
    fn a_container_sas_splits_into_a_storable_address_and_a_secret_query() {
        let sas = ContainerSas::parse(GOOD, now()).unwrap();
        assert_eq!(
            sas.container_url(),
            "https://partnerexports.blob.core.windows.net/cost"
        );
        assert_eq!(
            sas.expires_at(),
            Utc.with_ymd_and_hms(2026, 6, 30, 0, 0, 0).unwrap()
        );
        let shown = format!("{sas:?}");
        assert!(
            !shown.contains("c2VjcmV0") && shown.contains("[redacted]"),
            "Debug never shows the signature: {shown}"
        );
        assert_eq!(sas.to_secret().expose(), GOOD, "the keyring gets it whole");
        assert!(sas.url("a/b.csv", "comp=list").expose().starts_with(
            "https://partnerexports.blob.core.windows.net/cost/a/b.csv?comp=list&sv="
        ));
    }

    #[test]
    fn account_sas_and_path_style_loopback_urls_are_accepted() {
        let account = "https://acct.blob.core.windows.net/exports?sv=2022-11-02&ss=b&srt=sco&sp=rwdlac&se=2027-01-01&sig=x";
        let sas = ContainerSas::parse(account, now()).unwrap();
        assert_eq!(
            sas.expires_at(),
            Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap(),
            "a date alone means midnight UTC"
        );
        let azurite = "http://127.0.0.1:10000/devstoreaccount1/exports?sv=2021-08-06&sr=c&sp=rl&se=2026-04-01T00:00Z&sig=x";
        assert_eq!(
            ContainerSas::parse(azurite, now()).unwrap().container_url(),
            "http://127.0.0.1:10000/devstoreaccount1/exports"
        );
    }

    #[test]
    fn each_refusal_is_typed_and_never_quotes_the_signature() {
        type Expect = fn(&Error) -> bool;
        let cases: Vec<(String, Expect)> = vec![
            ("not a url".into(), |e| matches!(e, Error::NotAUrl { .. })),
            ("https://acct.blob.core.windows.net/cost".into(), |e| {
                matches!(e, Error::NotASas { .. })
            }),
            (GOOD.replace("https://", "http://"), |e| {
                matches!(e, Error::Insecure { .. })
            }),
            (GOOD.replace("/cost?", "/?"), |e| {
                matches!(e, Error::NotAContainer { .. })
            }),
            (GOOD.replace("sr=c", "sr=b"), |e| {
                matches!(e, Error::NotAContainer { .. })
            }),
            (GOOD.replace("sp=rl", "sp=r"), |e| {
                matches!(
                    e,
                    Error::SasPermission {
                        missing: "list",
                        ..
                    }
                )
            }),
            (GOOD.replace("sp=rl", "sp=l"), |e| {
                matches!(
                    e,
                    Error::SasPermission {
                        missing: "read",
                        ..
                    }
                )
            }),
            (
                GOOD.replace("&se=2026-06-30T00%3A00%3A00Z", "&si=policy1"),
                |e| matches!(e, Error::NoExpiry { .. }),
            ),
            (
                GOOD.replace("se=2026-06-30T00%3A00%3A00Z", "se=soon"),
                |e| matches!(e, Error::BadSasField { field: "se", .. }),
            ),
            (GOOD.replace("2026-06-30", "2026-03-10"), |e| {
                matches!(e, Error::SasExpired { .. })
            }),
            (format!("{GOOD}&st=2026-04-01"), |e| {
                matches!(e, Error::SasNotYetValid { .. })
            }),
        ];
        for (text, expected) in cases {
            let err = ContainerSas::parse(&text, now()).unwrap_err();
            assert!(expected(&err), "{text}: got {err:?}");
            let message = err.to_string();
            assert!(
                !message.contains("c2VjcmV0") && !message.contains("sig="),
                "{message}"
            );
        }
    }

    #[test]
    fn expiry_is_exact_to_the_second() {
        let sas = ContainerSas::parse(GOOD, now()).unwrap();
        let at = sas.expires_at();
        assert!(!sas.expired(at - chrono::Duration::seconds(1)));
        assert!(sas.expired(at), "a SAS is dead at its se instant");
        assert!(matches!(
            ContainerSas::from_secret(&sas.to_secret(), at),
            Err(Error::SasExpired { .. })
        ));
    }
}
