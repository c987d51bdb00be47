//! Cost exports: Azure MCA partner billing read from Cost Management exports in blob
//! storage: the sources, their import and the costs they split.

pub mod sources;
