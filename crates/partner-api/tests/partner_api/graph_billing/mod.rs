//! The Graph partner billing exports through the client's real calls (issue 20), against a
//! scripted loopback Graph and blob host: 202 + `Location`, operations that run then succeed
//! or fail (Microsoft's documented examples), the manifest (Microsoft's example, its links
//! pointed here), and gzip JSON-lines blobs streamed into typed rows.
//!
//! No export line is published as a sample: the lines here are written from the documented
//! attribute names (Graph docs, partners-billing-attributeset) and the C# sample's
//! Models/BilledUsage.cs, numbers sometimes as strings as Microsoft sends them in v1.

mod exports;
mod server;
