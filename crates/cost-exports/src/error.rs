//! What can go wrong reading exports, typed so the app and the CLI can say what to do. No
//! variant ever holds the SAS: URLs in messages are the container's address without its
//! query, and HTTP client errors are stripped of their URL before they are kept.

use chrono::{DateTime, Utc};

/// Result alias of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a SAS URL, a listing, a manifest or a CSV part was refused.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The text is not a URL at all.
    #[error("the SAS URL is not a URL ({reason}): paste the container's whole SAS URL as the Azure portal or Storage Explorer shows it (https://ACCOUNT.blob.core.windows.net/CONTAINER?sv=...)")]
    NotAUrl {
        /// What the URL parser said.
        reason: String,
    },
    /// A URL without the SAS query parameters.
    #[error("{container} has no shared access signature (sv, sp, se and sig in the query): generate a SAS for the container with Read and List permissions and paste the whole SAS URL")]
    NotASas {
        /// The address, without query.
        container: String,
    },
    /// Plain http to a host that is not this machine.
    #[error(
        "{container} uses http: the SAS would cross the network in clear text; use the https URL"
    )]
    Insecure {
        /// The address, without query.
        container: String,
    },
    /// The URL does not name a container (an account root, or a single blob).
    #[error("{container} is not a container SAS URL ({reason}): create the SAS on the export's container, not on the account root or one blob")]
    NotAContainer {
        /// The address, without query.
        container: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// The SAS has no `se=` (its expiry comes from a stored access policy).
    #[error("the SAS of {container} carries no expiry (se=): CSP Desk needs it to warn before the SAS lapses; create a SAS with an expiry date")]
    NoExpiry {
        /// The address, without query.
        container: String,
    },
    /// A SAS field has a value Azure would not accept.
    #[error("the SAS of {container} has an unreadable {field} ({value:?}): copy the SAS URL again, whole")]
    BadSasField {
        /// The address, without query.
        container: String,
        /// `se`, `st`, ...
        field: &'static str,
        /// The value (never `sig`).
        value: String,
    },
    /// `se` is in the past.
    #[error("the SAS of {container} expired on {expired_at}: create a new SAS URL for the container and renew the source with it")]
    SasExpired {
        /// The address, without query.
        container: String,
        /// When it expired.
        expired_at: DateTime<Utc>,
    },
    /// `st` is in the future.
    #[error("the SAS of {container} is only valid from {starts_at}: wait until then or create one valid now")]
    SasNotYetValid {
        /// The address, without query.
        container: String,
        /// When it starts.
        starts_at: DateTime<Utc>,
    },
    /// The SAS lacks a permission the import needs.
    #[error("the SAS of {container} does not allow {missing} (sp={granted}): create it with Read and List permissions")]
    SasPermission {
        /// The address, without query.
        container: String,
        /// `list` or `read`.
        missing: &'static str,
        /// The permissions it has.
        granted: String,
    },
    /// Azure Storage refused the SAS (expired, revoked by a key rotation, or for another container).
    #[error("Azure Storage refused the SAS of {container} ({code}): it has expired, was revoked (the account key was rotated) or is for another container; create a new SAS URL and renew the source")]
    SasRejected {
        /// The address, without query.
        container: String,
        /// x-ms-error-code.
        code: String,
    },
    /// The container or a blob does not exist.
    #[error("{what} was not found in {container} ({code}): check the container name, and that the export has run")]
    NotFound {
        /// The address, without query.
        container: String,
        /// The blob or "the container".
        what: String,
        /// x-ms-error-code.
        code: String,
    },
    /// Another answer of Azure Storage.
    #[error("Azure Storage answered {status} ({code}) for {what} in {container}; try again later")]
    Storage {
        /// The address, without query.
        container: String,
        /// What was asked.
        what: String,
        /// HTTP status.
        status: u16,
        /// x-ms-error-code, when given.
        code: String,
    },
    /// The connection failed (after retries), or broke while a part was read.
    #[error("could not reach {container} while reading {what}: {detail}; check the network and try again")]
    Network {
        /// The address, without query.
        container: String,
        /// What was being read.
        what: String,
        /// The client's message, without URL.
        detail: String,
    },
    /// The List Blobs answer is not the documented XML.
    #[error("the blob listing of {container} is unreadable: {detail}")]
    BadListing {
        /// The address, without query.
        container: String,
        /// What is wrong.
        detail: String,
    },
    /// A manifest.json is not what Cost Management writes.
    #[error("{path} is not a readable export manifest: {detail}. Nothing was imported")]
    Manifest {
        /// The manifest's path in the container.
        path: String,
        /// What is wrong (field path and problem).
        detail: String,
    },
    /// A CSV part lacks a column the import needs.
    #[error("{blob} has no {column} column: it is not an MPA (partner) cost details file (ActualCost or AmortizedCost, CSV). The run was not imported")]
    MissingColumn {
        /// The part.
        blob: String,
        /// The column.
        column: &'static str,
    },
    /// A value in a CSV part cannot be read.
    #[error("{blob} line {line}, column {column}: {value:?} {problem}. The run was not imported; its month keeps what it had")]
    BadValue {
        /// The part.
        blob: String,
        /// CSV line (the header is line 1).
        line: u64,
        /// The column, as the file names it.
        column: String,
        /// The value (shortened).
        value: String,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// A CSV part is not well-formed CSV (a short row, bad UTF-8, a broken gzip stream).
    #[error("{blob} line {line} is not readable CSV: {detail}. The run was not imported; its month keeps what it had")]
    BadCsv {
        /// The part.
        blob: String,
        /// CSV line.
        line: u64,
        /// What the reader said.
        detail: String,
    },
    /// A part (or the run) holds another number of rows than its manifest says.
    #[error("{blob} holds {found} data rows but the manifest says {expected}: the part is truncated or was replaced. The run was not imported; export it again")]
    RowCount {
        /// The part (or the run's manifest).
        blob: String,
        /// Rows the manifest announces.
        expected: u64,
        /// Rows read.
        found: u64,
    },
    /// Another import of the same source is running (in this or another process).
    #[error("source {source_name:?} is being imported already (by the app or another cspdesk): wait for it to finish")]
    AlreadyRunning {
        /// The source's name.
        source_name: String,
    },
    /// The lock file beside the database could not be used.
    #[error("could not take the import lock {path}: {detail}")]
    Lock {
        /// The lock file.
        path: String,
        /// What the OS said.
        detail: String,
    },
    /// The database refused a write.
    #[error(transparent)]
    Store(#[from] cspdesk_store::Error),
    /// Stop was asked: the export run in progress was rolled back, the ones before it kept.
    #[error("the import was stopped: export runs imported before are kept; the one being read was rolled back and is read again next time")]
    Stopped,
}

/// A value shortened for a message.
pub(crate) fn shown(value: &str) -> String {
    const MAX: usize = 60;
    if value.chars().count() <= MAX {
        value.to_string()
    } else {
        let mut s: String = value.chars().take(MAX).collect();
        s.push('…');
        s
    }
}
