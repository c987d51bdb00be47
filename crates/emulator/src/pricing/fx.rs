//! `sales/fxrates(Month='YYYYMM')/$value`: one row per billing currency the emulator bills in,
//! `USDPerUnit` the US dollars one unit buys (the inverse of the month's USD -> currency rate
//! its billing uses, to 17 significant digits as Microsoft's sample writes it), so `1 /
//! USDPerUnit` gives back exactly the rate that billed the month. The `Month` column holds the
//! year, as the published sample does (`"2019"` for `Month='201909'`).

use axum::response::Response;
use rust_decimal::{Decimal, RoundingStrategy};

use super::sheets::{csv_line, octet_stream};
use crate::server::Shared;
use crate::world::{Currency, Month};

/// The month's FX rates as Microsoft's CSV.
pub(crate) fn serve(s: &Shared, month: Month) -> Response {
    let mut body = csv_line(&["CurrencyCode", "USDPerUnit", "Month"]);
    for currency in Currency::ALL {
        if currency == Currency::Usd {
            continue;
        }
        let rate = s.world.fx(currency, month);
        body.push_str(&csv_line(&[
            currency.code(),
            &usd_per_unit(rate).to_string(),
            &month.year.to_string(),
        ]));
    }
    octet_stream(body.into_bytes(), "fxrates")
}

/// `1 / rate` to 16 decimals (17 significant digits for rates between 0.1 and 1).
pub(crate) fn usd_per_unit(rate: Decimal) -> Decimal {
    (Decimal::ONE / rate)
        .round_dp_with_strategy(16, RoundingStrategy::MidpointAwayFromZero)
        .normalize()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inverse_gives_back_the_billing_rate_at_twelve_decimals() {
        for rate in ["0.912345", "0.78", "0.850001", "0.949999"] {
            let rate: Decimal = rate.parse().unwrap();
            let back = (Decimal::ONE / usd_per_unit(rate))
                .round_dp_with_strategy(12, RoundingStrategy::MidpointAwayFromZero);
            assert_eq!(back, rate);
        }
    }
}
