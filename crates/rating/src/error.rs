//! One error for callers that use several parts of the crate and only need to pass the
//! failure on; each part returns its own precise error, which converts into this one.

use crate::markup::MarkupError;
use crate::period::PeriodError;
use crate::price::{PriceBookError, PriceSheetError, RateCardError};
use crate::rate::RateError;
use crate::reconcile::ReconcileError;
use crate::tiers::TierError;

/// Any failure of the rating crate.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A tier table is invalid.
    #[error(transparent)]
    Tier(#[from] TierError),
    /// A billing period cannot be formed.
    #[error(transparent)]
    Period(#[from] PeriodError),
    /// A price file was rejected.
    #[error(transparent)]
    PriceSheet(#[from] PriceSheetError),
    /// A rate card cannot become prices.
    #[error(transparent)]
    RateCard(#[from] RateCardError),
    /// Price entries conflict.
    #[error(transparent)]
    PriceBook(#[from] PriceBookError),
    /// A series cannot be rated.
    #[error(transparent)]
    Rate(#[from] RateError),
    /// Markups cannot be applied.
    #[error(transparent)]
    Markup(#[from] MarkupError),
    /// Two sides cannot be reconciled.
    #[error(transparent)]
    Reconcile(#[from] ReconcileError),
}

/// Result with the crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
