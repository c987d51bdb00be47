//! The month's FX rates (`sales/fxrates(Month='YYYYMM')/$value`): `USDPerUnit`, the US dollars
//! one unit of a currency buys, one rate per currency for the whole month. Azure plan prices
//! are USD; the billing currency's amount of a USD amount is `usd / USDPerUnit`.
//!
//! # Rounding of the rate (ours: Microsoft documents none)
//! The USD-to-billing rate is `1 / USDPerUnit` rounded **half away from zero to
//! [`FX_RATE_DECIMALS`] (12) decimals**, once, when the rate is taken; nothing else is rounded
//! here. At 12 decimals the rate's own error (at most 5 × 10⁻¹³ per USD) cannot move a line's
//! floored cents below 10⁹ USD, so the figures are those of the exact quotient while the rate
//! stays a short, reproducible number. The line's own rounding (EUP to 6 decimals, totals
//! floored to cents) is [`crate::rate`]'s.

use std::collections::BTreeMap;
use std::io::Read;

use rust_decimal::{Decimal, RoundingStrategy};

use super::SetAsideRow;
use crate::price::csv_file::CsvFile;
use crate::price::error::{PriceSheetError, SheetErrorKind};
use crate::rate::{Fx, RateError};

/// Decimals the USD-to-billing rate keeps (see the module docs).
pub const FX_RATE_DECIMALS: u32 = 12;

/// One month's FX rates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FxRates {
    /// The month, `YYYYMM` as asked for.
    pub month: String,
    /// `USDPerUnit` by currency code (upper case).
    pub usd_per_unit: BTreeMap<String, Decimal>,
    /// Rows not read.
    pub set_aside: Vec<SetAsideRow>,
}

impl FxRates {
    /// The rate from USD to `billing_currency` for this month: `1 / USDPerUnit`, rounded half
    /// away from zero to [`FX_RATE_DECIMALS`]; USD itself is 1. `None` when the month has no
    /// rate for the currency.
    pub fn usd_to(&self, billing_currency: &str) -> Option<Result<Fx, RateError>> {
        let code = billing_currency.trim().to_ascii_uppercase();
        if code == "USD" {
            return Some(Ok(Fx::same("USD")));
        }
        let per_unit = *self.usd_per_unit.get(&code)?;
        if per_unit <= Decimal::ZERO {
            return Some(Err(RateError::FxRate(per_unit)));
        }
        let rate = (Decimal::ONE / per_unit)
            .round_dp_with_strategy(FX_RATE_DECIMALS, RoundingStrategy::MidpointAwayFromZero);
        Some(Fx::new("USD", &code, rate))
    }
}

/// Reads the FX rates of `month` (`YYYYMM`, the month asked for). The file's `Month` column
/// is compared only when it is a full `YYYYMM` (Microsoft's sample writes `2019`): a row of
/// another month is set aside.
pub fn parse_fx_rates(
    file: &str,
    month: &str,
    input: impl Read,
) -> Result<FxRates, PriceSheetError> {
    let csv = CsvFile::open(file, input)?;
    let i_code = csv.required("CurrencyCode")?;
    let i_rate = csv.required("USDPerUnit")?;
    let i_month = csv.optional("Month");
    let mut rates = FxRates {
        month: month.to_string(),
        usd_per_unit: BTreeMap::new(),
        set_aside: Vec::new(),
    };
    csv.rows(|row| {
        let written = i_month.map(|i| row.text(i)).unwrap_or("");
        let full_month = written.len() == 6 && written.chars().all(|c| c.is_ascii_digit());
        if full_month && written != month {
            rates.set_aside.push(SetAsideRow {
                line: row.at.line,
                column: "Month".into(),
                reason: format!("a rate of {written}, not of {month}"),
            });
            return Ok(());
        }
        let read = || -> Result<(String, Decimal), PriceSheetError> {
            let code = row.currency(i_code, "CurrencyCode")?;
            let rate = row.decimal(i_rate, "USDPerUnit")?;
            if rate <= Decimal::ZERO {
                return Err(row.at.error(
                    "USDPerUnit",
                    SheetErrorKind::Decimal,
                    format!("a rate must be positive, not {rate}"),
                ));
            }
            Ok((code, rate))
        };
        match read() {
            Ok((code, rate)) => {
                rates.usd_per_unit.insert(code, rate);
            }
            Err(e) => rates.set_aside.push(e.into()),
        }
        Ok(())
    })?;
    Ok(rates)
}
