//! Errors of the emulator library: starting, configuring and generating can fail in a few
//! ways a caller can act on; HTTP-level failures are responses, never these.

use std::net::SocketAddr;

/// What went wrong while configuring or starting the emulator.
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    /// The listen address could not be bound (port taken, no permission).
    #[error("cannot listen on {addr}: {source}; pick another --listen address or port 0")]
    Bind {
        /// Address that was asked for.
        addr: SocketAddr,
        /// Operating system error.
        source: std::io::Error,
    },
    /// A `--faults` specification did not parse.
    #[error("invalid fault spec `{spec}`: {reason} (expected e.g. `utilization:503@0.1,invoices:malformed@0.05`)")]
    FaultSpec {
        /// The offending fragment.
        spec: String,
        /// Why it was rejected.
        reason: String,
    },
    /// A preset name was not S, M or L.
    #[error("unknown preset `{0}`; use S, M or L")]
    Preset(String),
    /// Generating or writing TLS material failed.
    #[error("cannot prepare TLS: {0}")]
    Tls(String),
    /// Writing files (TLS material, export runs) failed.
    #[error("cannot write {path}: {source}")]
    Io {
        /// File or folder being written.
        path: String,
        /// Operating system error.
        source: std::io::Error,
    },
    /// An export run was asked for something the emulator does not know.
    #[error("export run rejected: {0}")]
    Export(String),
}

/// Result alias of the emulator library.
pub type Result<T, E = EmulatorError> = std::result::Result<T, E>;
