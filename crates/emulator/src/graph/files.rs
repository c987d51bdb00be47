//! A data version's blobs: every row of a selection written as gzip JSON Lines, a new part
//! every `rows_per_blob` rows, under the export's directory on the emulator's blob host. The
//! eTag is a digest of the uncompressed rows, so it changes exactly when the data does (a
//! restated month, a new day of open usage) and a repeated export keeps it.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use flate2::write::GzEncoder;
use flate2::Compression;
use sha2::{Digest, Sha256};

use super::rows::{write_rows, Selection};
use super::{Dataset, ACCOUNT};
use crate::server::Shared;

/// The blobs of one data version.
#[derive(Debug)]
pub(crate) struct Version {
    /// Data version (manifest `eTag`).
    pub etag: String,
    /// Container holding the blobs.
    pub container: &'static str,
    /// Directory in the container (no leading or trailing `/`): the manifest's root directory.
    pub directory: String,
    /// Blob names in the directory, in row order.
    pub blobs: Vec<String>,
}

/// The directory of a selection's blobs, in the manner of Microsoft's sample
/// (`v1/PartnerTenantId=…/BillingMonth=…/InvoiceId=…/…/Fragment=basic/PartitionType=default`).
fn directory(s: &Shared, sel: &Selection) -> String {
    let billing_month = format!("{}{:02}", sel.month.year, sel.month.month);
    let which = match sel.dataset {
        Dataset::BilledUsage | Dataset::BilledReconciliation => {
            let version = sel.month.next();
            format!(
                "InvoiceId={}/InvoiceVersion={}{:02}",
                sel.invoice_number, version.year, version.month
            )
        }
        Dataset::UnbilledUsage | Dataset::UnbilledReconciliation => {
            format!("Currency={}", sel.currency.code())
        }
    };
    format!(
        "v1/PartnerTenantId={}/BillingMonth={billing_month}/{which}/Fragment={}/PartitionType=default",
        s.world.partner.tenant_id,
        sel.attrs.name()
    )
}

/// Rows of one part being written.
struct Part {
    path: PathBuf,
    gz: GzEncoder<BufWriter<File>>,
    rows: usize,
}

impl Part {
    fn open(dir: &Path, index: usize, nonce: &str) -> io::Result<Part> {
        // Two versions of one directory may be written at once: temporary names never meet.
        let path = dir.join(format!("part-{index:05}-{nonce}.tmp"));
        let file = File::create(&path)?;
        Ok(Part {
            path,
            gz: GzEncoder::new(BufWriter::new(file), Compression::fast()),
            rows: 0,
        })
    }

    fn close(self) -> io::Result<PathBuf> {
        self.gz.finish()?.flush()?;
        Ok(self.path)
    }
}

fn guid_of(digest: &[u8]) -> String {
    let h: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// Writes the blobs of `sel`; `None` when it has no rows (Microsoft's "No data available").
pub(crate) fn write_version(
    s: &Shared,
    sel: &Selection,
    rows_per_blob: usize,
) -> io::Result<Option<Version>> {
    let rows_per_blob = rows_per_blob.max(1);
    let container = sel.dataset.container();
    let directory = directory(s, sel);
    let dir = crate::cost_exports::blobs::root(s)
        .join(ACCOUNT)
        .join(container)
        .join(&directory);
    std::fs::create_dir_all(&dir)?;
    let nonce = s.next_guid();
    let copies = if sel.dataset.is_usage() {
        s.config.graph_usage_copies.max(1)
    } else {
        1
    };
    let mut hasher = Sha256::new();
    let mut parts: Vec<PathBuf> = Vec::new();
    let mut current: Option<Part> = None;
    let mut sink = |line: &[u8]| -> io::Result<()> {
        for _ in 0..copies {
            hasher.update(line);
            if current.as_ref().is_some_and(|p| p.rows >= rows_per_blob) {
                if let Some(done) = current.take() {
                    parts.push(done.close()?);
                }
            }
            let part = match current.as_mut() {
                Some(p) => p,
                None => current.insert(Part::open(&dir, parts.len(), &nonce)?),
            };
            part.gz.write_all(line)?;
            part.rows += 1;
        }
        Ok(())
    };
    write_rows(&s.world, sel, &mut sink)?;
    if let Some(done) = current.take() {
        parts.push(done.close()?);
    }
    if parts.is_empty() {
        return Ok(None);
    }
    let digest = hasher.finalize();
    let etag: String = URL_SAFE_NO_PAD
        .encode(&digest[..13])
        .chars()
        .take(17)
        .collect();
    let guid = guid_of(&digest);
    let mut blobs = Vec::with_capacity(parts.len());
    for (i, tmp) in parts.iter().enumerate() {
        let name = format!("part-{i:05}-{guid}.c000.json.gz");
        std::fs::rename(tmp, dir.join(&name))?;
        blobs.push(name);
    }
    Ok(Some(Version {
        etag,
        container,
        directory,
        blobs,
    }))
}
