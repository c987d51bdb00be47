//! Our side: every series rated by `cspdesk_rating::rate::rate` against the months' prices, the
//! lines summed per customer month. The series are split into contiguous chunks of about
//! equal row counts, one per thread (`std::thread::scope`); each thread rates its chunk and
//! keeps its own sums, merged at the end. Only this is timed: the series are already built.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use cspdesk_rating::price::MonthlyPrices;
use cspdesk_rating::rate::rate;

use crate::totals::{Amounts, Totals};
use crate::usage::{Rateable, Usage};

/// Rates everything on `threads` threads; returns the time taken and the totals.
pub fn rate_all(usage: &Usage, book: &MonthlyPrices, threads: usize) -> Result<(Duration, Totals)> {
    let chunks = chunks(&usage.series, usage.rows, threads.max(1));
    let began = Instant::now();
    let partials = std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|chunk| scope.spawn(|| rate_chunk(chunk, book, usage.customer_months.len())))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect::<Result<Vec<_>>>()
    })?;
    let mut sums = vec![Amounts::default(); usage.customer_months.len()];
    for partial in partials {
        for (sum, part) in sums.iter_mut().zip(partial) {
            sum.pricing += part.pricing;
            sum.billing += part.billing;
        }
    }
    let elapsed = began.elapsed();
    let totals = Totals {
        by_customer_month: usage
            .customer_months
            .iter()
            .zip(&usage.currencies)
            .zip(sums)
            .map(|((key, currency), amounts)| (*key, (*currency, amounts)))
            .collect(),
    };
    Ok((elapsed, totals))
}

fn rate_chunk(chunk: &[Rateable], book: &MonthlyPrices, slots: usize) -> Result<Vec<Amounts>> {
    let mut sums = vec![Amounts::default(); slots];
    for r in chunk {
        let lines = rate(&r.series, book, &r.terms).with_context(|| {
            format!(
                "rating customer {} meter {}",
                r.series.customer_id, r.series.meter_id
            )
        })?;
        let sum = &mut sums[r.slot];
        for line in lines {
            sum.pricing += line.pricing_pre_tax_total;
            sum.billing += line.billing_pre_tax_total;
        }
    }
    Ok(sums)
}

/// Splits `series` into at most `n` contiguous chunks of about `rows / n` rows each.
fn chunks(series: &[Rateable], rows: u64, n: usize) -> Vec<&[Rateable]> {
    let target = rows.div_ceil(n as u64).max(1);
    let mut out = Vec::with_capacity(n);
    let (mut start, mut filled) = (0, 0u64);
    for (i, r) in series.iter().enumerate() {
        filled += r.series.usage.len() as u64;
        if filled >= target && out.len() + 1 < n {
            out.push(&series[start..=i]);
            (start, filled) = (i + 1, 0);
        }
    }
    out.push(&series[start..]);
    out
}
