//! An export's manifest: where its blobs are, the directory SAS that reads them, and the
//! `eTag` that changes when Microsoft restates the data (the data version a caller keeps to
//! download nothing when nothing changed). The SAS is a secret: it never prints, and a blob
//! is named by its name alone in messages.

use reqwest::Method;
use serde::Deserialize;
use url::Url;

use super::client::{path_of, GraphBilling};
use crate::error::{Error, Result};
use crate::sensitive::Sensitive;

/// One blob of an export.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManifestBlob {
    /// File name under the root directory (`part-...c000.json.gz`).
    pub name: String,
    /// Partition value (`default`).
    #[serde(default)]
    pub partition_value: Option<String>,
}

/// An export's manifest as Microsoft sends it.
#[derive(Clone, Debug)]
pub struct Manifest {
    /// Manifest id.
    pub id: String,
    /// `schemaVersion` (`"1"`).
    pub schema_version: Option<String>,
    /// `dataFormat` (`compressedJSONLines`; the docs' example says `compressedJSON`).
    pub data_format: Option<String>,
    /// `createdDateTime` as sent.
    pub created_date_time: Option<String>,
    /// The data version: changes when the data changes.
    pub e_tag: String,
    /// Partner tenant id.
    pub partner_tenant_id: Option<String>,
    /// The blobs' directory (without the SAS).
    pub root_directory: String,
    /// Directory SAS (read + list).
    pub sas_token: Sensitive<String>,
    /// `blobCount`.
    pub blob_count: u64,
    /// The blobs, in the order to read them.
    pub blobs: Vec<ManifestBlob>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Wire {
    id: String,
    #[serde(default)]
    schema_version: Option<String>,
    #[serde(default)]
    data_format: Option<String>,
    #[serde(default)]
    created_date_time: Option<String>,
    #[serde(rename = "eTag")]
    e_tag: String,
    #[serde(default)]
    partner_tenant_id: Option<String>,
    root_directory: String,
    sas_token: String,
    #[serde(default)]
    blob_count: Option<u64>,
    #[serde(default)]
    blobs: Vec<ManifestBlob>,
}

impl Manifest {
    /// Reads a manifest body, checking what a download relies on.
    pub fn parse(endpoint: &str, body: &[u8]) -> Result<Manifest> {
        let w: Wire = crate::body::decode(endpoint, body)?;
        let bad = |field: &str, detail: String| Error::BadResponse {
            endpoint: endpoint.to_string(),
            field: field.to_string(),
            detail,
        };
        if let Some(format) = &w.data_format {
            if !format.to_ascii_lowercase().starts_with("compressedjson") {
                return Err(bad(
                    "dataFormat",
                    format!("`{format}` is not gzip JSON lines"),
                ));
            }
        }
        let count = w.blob_count.unwrap_or(w.blobs.len() as u64);
        if count != w.blobs.len() as u64 {
            return Err(bad(
                "blobCount",
                format!("says {count} blobs but {} are listed", w.blobs.len()),
            ));
        }
        for (i, b) in w.blobs.iter().enumerate() {
            let n = &b.name;
            if n.is_empty() || n.contains(['?', '#', '\\']) || n.split('/').any(|s| s == "..") {
                return Err(bad(
                    &format!("blobs[{i}].name"),
                    format!("`{n}` is not a blob name"),
                ));
            }
        }
        let root =
            Url::parse(&w.root_directory).map_err(|e| bad("rootDirectory", e.to_string()))?;
        crate::settings::checked_url("rootDirectory", root.as_str())
            .map_err(|_| bad("rootDirectory", "must be https".into()))?;
        Ok(Manifest {
            id: w.id,
            schema_version: w.schema_version,
            data_format: w.data_format,
            created_date_time: w.created_date_time,
            e_tag: w.e_tag,
            partner_tenant_id: w.partner_tenant_id,
            root_directory: w.root_directory.trim_end_matches('/').to_string(),
            sas_token: Sensitive::new(w.sas_token.trim_start_matches('?').to_string()),
            blob_count: count,
            blobs: w.blobs,
        })
    }

    /// `{rootDirectory}/{name}?{sasToken}` of blob `index`: a secret, since it holds the SAS.
    pub fn blob_url(&self, index: usize) -> Option<Sensitive<String>> {
        let blob = self.blobs.get(index)?;
        Some(Sensitive::new(format!(
            "{}/{}?{}",
            self.root_directory,
            blob.name,
            self.sas_token.expose()
        )))
    }
}

impl GraphBilling {
    /// Reads the manifest at `link` (from [`super::Prepared::Ready`]).
    pub async fn manifest(&self, link: &str) -> Result<Manifest> {
        let url = self.link(link, "resourceLocation")?;
        let endpoint = path_of(link);
        let answer = self.send(Method::GET, url, None, &endpoint).await?;
        Manifest::parse(&endpoint, &answer.body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Microsoft's example manifest (Graph docs, partners-billing-manifest-get).
    const EXAMPLE: &str = include_str!("../../../../tests/fixtures/microsoft/graph/manifest.json");

    #[test]
    fn microsofts_example_reads_and_the_sas_never_prints() {
        let m = Manifest::parse("/manifests/x", EXAMPLE.as_bytes()).unwrap();
        assert_eq!(m.e_tag, "WYjLro78HdMg6vUWR", "the data version");
        assert_eq!(m.blob_count, 1);
        let url = m.blob_url(0).unwrap();
        assert!(url.expose().starts_with("https://adlsreconbuprodeastus201.blob.core.windows.net/billedusagefastpath/v1/PartnerTenantId=0e195b37-4574-4539-bc42-0e539b9684c0/BillingMonth=202310/InvoiceId=G031809528/InvoiceVersion=202311/Fragment=basic/PartitionType=default/part-00049-b016029b-a7a7-4c46-9b5e-c925ac317ac6.c000.json.gz?skoid=0c414a25-fd23-4785-815f-1258467f9ab7&"), "root directory, blob name and SAS as Microsoft documents");
        assert!(
            !format!("{m:?}").contains("sig="),
            "the manifest's Debug must not show the SAS"
        );
    }

    #[test]
    fn a_count_that_disagrees_and_a_climbing_name_are_refused() {
        let wrong = EXAMPLE.replace("\"blobCount\": 1", "\"blobCount\": 2");
        assert_ne!(wrong, EXAMPLE);
        let err = Manifest::parse("/m", wrong.as_bytes()).unwrap_err();
        assert!(
            matches!(err, Error::BadResponse { ref field, .. } if field == "blobCount"),
            "{err:?}"
        );
        let climbing = EXAMPLE.replace("part-00049", "../part-00049");
        assert!(Manifest::parse("/m", climbing.as_bytes()).is_err());
    }
}
