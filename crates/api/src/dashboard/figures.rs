//! The Dashboard's figures and charts, per billing currency (amounts in two currencies are
//! never added): cost and resale by month (closed months from the invoices; a closed month
//! not invoiced yet and the open month from rated usage with markups), top customers and margin by customer of the last invoiced
//! month, rated cost by service category of that month, and month to date against the same
//! days of the month before, and where the open month's gain comes from (savings on list
//! against markup). Charts come as SVG text drawn by `cspdesk_charts`.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use cspdesk_charts::Theme;
use cspdesk_store::rated::UsageKind;
use cspdesk_store::{rated_month, Database};
use rust_decimal::Decimal;

use super::dto::{
    ChartDto, CurrencyDashboardDto, CustomerFiguresDto, DashboardDto, ExportedCostsDto,
    MonthFiguresDto, MonthGainDto,
};
use crate::shared::amount_text::{amount, cents as money};
use crate::{billing::invoices as billing, customers::overview as customers, ApiError, ErrorCode};
/// How many customers the ranked charts show.
const TOP: usize = 10;

/// How many months the trend shows.
const MONTHS: usize = 12;

fn month_label(period: &str) -> String {
    NaiveDate::parse_from_str(&format!("{period}-01"), "%Y-%m-%d")
        .map(|d| d.format("%b %Y").to_string())
        .unwrap_or_else(|_| period.to_string())
}

#[derive(Default)]
struct Sums {
    cost: Decimal,
    resale: Decimal,
}

#[derive(Default)]
struct Currency {
    months: BTreeMap<String, Sums>,
    /// (account, customer) -> (name, cost, resale) in the ranked month.
    customers: BTreeMap<(String, String), (String, Sums)>,
    categories: BTreeMap<String, Decimal>,
    month_to_date: Decimal,
    /// The open month's rated (list, effective), when any of it is rated.
    month_to_date_list: Option<(Decimal, Decimal)>,
    last_month_same_days: Decimal,
    last_month: Decimal,
}

/// An amount in cents for a chart's bar (half away from zero, as resale is rounded).
fn cents_of(amount: Decimal) -> Decimal {
    amount.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

fn period_of(day: &Option<String>) -> Option<String> {
    day.as_ref()
        .filter(|d| d.len() >= 7)
        .map(|d| d[..7].to_string())
}

/// The Dashboard at `now`.
pub fn dashboard(db: &Database, now: DateTime<Utc>) -> Result<DashboardDto, ApiError> {
    let today = now.date_naive();
    let open = format!("{:04}-{:02}", today.year(), today.month());
    let before = today
        .with_day(1)
        .and_then(|d| d.pred_opt())
        .ok_or_else(|| ApiError::new(ErrorCode::Internal, "no month before", None))?;
    let last = format!("{:04}-{:02}", before.year(), before.month());
    let mut by: BTreeMap<String, Currency> = BTreeMap::new();

    // Closed months: the invoices.
    let invoices = billing::invoices(db)?;
    let ranked = invoices
        .iter()
        .filter_map(|i| period_of(&i.billing_period_start))
        .filter(|p| *p < open)
        .max();
    let mut invoiced: std::collections::BTreeSet<(String, String)> = Default::default();
    for inv in &invoices {
        let Some(period) = period_of(&inv.billing_period_start) else {
            continue;
        };
        invoiced.insert((inv.currency.clone(), period.clone()));
        let detail = billing::invoice_detail(db, &inv.account_id, &inv.id)?;
        let c = by.entry(inv.currency.clone()).or_default();
        let m = c.months.entry(period.clone()).or_default();
        for row in &detail.customers {
            let (cost, resale) = (amount(&row.cost), amount(&row.resale));
            m.cost += cost;
            m.resale += resale;
            if Some(&period) == ranked.as_ref() {
                let e = c
                    .customers
                    .entry((inv.account_id.clone(), row.customer_id.clone()))
                    .or_insert_with(|| {
                        (
                            row.customer_name
                                .clone()
                                .unwrap_or_else(|| row.customer_id.clone()),
                            Sums::default(),
                        )
                    });
                e.1.cost += cost;
                e.1.resale += resale;
            }
        }
    }

    // The month before the open one, read once: its total, its first days, its categories.
    let last_sums = rated_month::month_sums(db, &last, today.day())?;

    // A closed month not invoiced yet: its rated usage, marked up, so the trend does not
    // skip from the last invoice to the open month. Customers' costs are only added up when
    // a currency rated in it has no invoice for it.
    let not_invoiced = if last_sums
        .total
        .keys()
        .any(|currency| !invoiced.contains(&(currency.clone(), last.clone())))
    {
        rated_closed_month(db, &mut by, &invoiced, &last_sums, &last, before)?
    } else {
        Default::default()
    };

    // The open month: rated usage so far, marked up.
    let open_month = customers::OpenMonth::read(db, now)?;
    for c in customers::list_with(db, now, &open_month)? {
        let (Some(cost), Some(resale), Some(currency)) =
            (&c.month_to_date_cost, &c.month_to_date_resale, &c.currency)
        else {
            continue;
        };
        let m = by
            .entry(currency.clone())
            .or_default()
            .months
            .entry(open.clone())
            .or_default();
        m.cost += amount(cost);
        m.resale += amount(resale);
    }

    // Month to date and the month before: rated totals (legacy floored per subscription and
    // meter, as invoiced), the same days of the month before added up by the same rule, and
    // the ranked month's categories: each month's lines read once, only their sums held.
    for t in &open_month.totals {
        by.entry(t.billing_currency.clone())
            .or_default()
            .month_to_date += t.total.amount();
    }
    for (currency, total) in &last_sums.total {
        by.entry(currency.clone()).or_default().last_month += *total;
    }
    for (currency, days) in &last_sums.through_day {
        by.entry(currency.clone()).or_default().last_month_same_days += *days;
    }
    for s in &open_month.savings {
        let e = by
            .entry(s.billing_currency.clone())
            .or_default()
            .month_to_date_list
            .get_or_insert((Decimal::ZERO, Decimal::ZERO));
        e.0 += s.list.amount();
        e.1 += s.effective.amount();
    }
    // Categories of the ranked month, to the cent.
    if let Some(ranked) = &ranked {
        let ranked_sums = if *ranked == last {
            last_sums
        } else {
            rated_month::month_sums(db, ranked, today.day())?
        };
        for (currency, categories) in ranked_sums.categories {
            let c = by.entry(currency).or_default();
            for ((category, kind), amount) in categories {
                let name = category.unwrap_or_else(|| match kind {
                    UsageKind::AzurePlan => "Azure plan (no category)".into(),
                    UsageKind::Legacy => "Azure (no category)".into(),
                });
                *c.categories.entry(name).or_default() += amount;
            }
        }
    }

    let theme = Theme::light();
    let mut exported = crate::cost_exports::costs::newest_month_by_currency(db)?;
    // A currency billed only through Cost Management exports still has its dashboard.
    for currency in exported.keys() {
        by.entry(currency.clone()).or_default();
    }
    let mut out = Vec::new();
    for (currency, c) in by {
        let months: Vec<MonthFiguresDto> = c
            .months
            .iter()
            .rev()
            .take(MONTHS)
            .rev()
            .map(|(period, s)| MonthFiguresDto {
                period: period.clone(),
                cost: money(s.cost),
                resale: money(s.resale),
                open: *period == open,
                not_invoiced: not_invoiced.contains(&(currency.clone(), period.clone())),
            })
            .collect();
        let mut figures: Vec<CustomerFiguresDto> = c
            .customers
            .into_iter()
            .map(
                |((account_id, customer_id), (name, s))| CustomerFiguresDto {
                    account_id,
                    customer_id,
                    name,
                    cost: money(s.cost),
                    resale: money(s.resale),
                    margin: money(s.resale - s.cost),
                },
            )
            .collect();
        figures.sort_by(|a, b| {
            amount(&b.cost)
                .cmp(&amount(&a.cost))
                .then(a.name.cmp(&b.name))
        });
        let top_customers: Vec<_> = figures.iter().take(TOP).cloned().collect();
        figures.sort_by(|a, b| {
            amount(&b.margin)
                .cmp(&amount(&a.margin))
                .then(a.name.cmp(&b.name))
        });
        let top_margins: Vec<_> = figures.into_iter().take(TOP).collect();
        let mut categories: Vec<(String, Decimal)> = c
            .categories
            .into_iter()
            .map(|(k, v)| (k, cents_of(v)))
            .collect();
        categories.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let ranked_label = ranked.as_deref().map(month_label).unwrap_or_default();
        let chart_error =
            |e: cspdesk_charts::ChartError| ApiError::new(ErrorCode::Internal, e.to_string(), None);
        let mut charts = vec![ChartDto {
            id: "trend".into(),
            title: format!("Cost and resale by month · {currency}"),
            svg: cspdesk_charts::trend(
                &format!("Cost and resale by month · {currency}"),
                ("Cost", "Resale"),
                &months
                    .iter()
                    .map(|m| {
                        let label = month_label(&m.period);
                        (
                            if m.open {
                                format!("{label} (so far)")
                            } else if m.not_invoiced {
                                format!("{label} (not invoiced)")
                            } else {
                                label
                            },
                            amount(&m.cost),
                            amount(&m.resale),
                        )
                    })
                    .collect::<Vec<_>>(),
                &theme,
            )
            .map_err(chart_error)?,
        }];
        for (id, title, bars) in [
            (
                "topCustomers",
                format!("Top customers by cost · {ranked_label} · {currency}"),
                top_customers
                    .iter()
                    .map(|f| (f.name.clone(), amount(&f.cost)))
                    .collect::<Vec<_>>(),
            ),
            (
                "margin",
                format!("Margin by customer · {ranked_label} · {currency}"),
                top_margins
                    .iter()
                    .map(|f| (f.name.clone(), amount(&f.margin)))
                    .collect(),
            ),
            (
                "categories",
                format!("Rated cost by service category · {ranked_label} · {currency}"),
                categories.iter().take(TOP).cloned().collect(),
            ),
        ] {
            if bars.is_empty() {
                continue;
            }
            charts.push(ChartDto {
                id: id.into(),
                svg: cspdesk_charts::bars(&title, &bars, &theme).map_err(chart_error)?,
                title,
            });
        }
        // Azure (MCA) costs of customers billed through Cost Management exports: a figure of
        // their own, since those costs are on no Partner Center invoice.
        let mut exported_costs = None;
        if let Some(crate::cost_exports::costs::ExportedMonth { month, customers }) =
            exported.remove(&currency)
        {
            let title = format!(
                "Azure costs from exports by customer · {} · {currency}",
                month_label(&month)
            );
            let bars: Vec<(String, Decimal)> = customers
                .into_iter()
                .take(TOP)
                .map(|(name, cost)| (name, cents_of(cost)))
                .collect();
            if !bars.is_empty() {
                charts.push(ChartDto {
                    id: "exportedCosts".into(),
                    svg: cspdesk_charts::bars(&title, &bars, &theme).map_err(chart_error)?,
                    title,
                });
            }
            exported_costs = Some(ExportedCostsDto {
                month,
                customers: bars.into_iter().map(|(n, c)| (n, money(c))).collect(),
            });
        }
        let month_to_date_gain = c.month_to_date_list.and_then(|(list, effective)| {
            let m = c.months.get(&open)?;
            Some(MonthGainDto {
                period: open.clone(),
                list: money(list),
                effective: money(effective),
                savings: money(list - effective),
                cost: money(m.cost),
                resale: money(m.resale),
                markup: money(m.resale - m.cost),
            })
        });
        out.push(CurrencyDashboardDto {
            month_to_date_gain,
            currency,
            months,
            ranked_period: ranked.clone(),
            top_customers,
            top_margins,
            categories: categories.into_iter().map(|(k, v)| (k, money(v))).collect(),
            month_to_date: money(c.month_to_date),
            last_month_same_days: money(c.last_month_same_days),
            last_month: money(c.last_month),
            exported_costs,
            charts,
        });
    }
    out.sort_by(|a, b| {
        let total =
            |c: &CurrencyDashboardDto| c.months.iter().map(|m| amount(&m.cost)).sum::<Decimal>();
        total(b).cmp(&total(a))
    });
    Ok(DashboardDto { currencies: out })
}

/// Adds the rated figures of `last` (a closed month) for each currency that has no invoice
/// for it yet: each customer's rated cost, and its resale with its markups. Returns the
/// (currency, period) pairs so added.
fn rated_closed_month(
    db: &Database,
    by: &mut BTreeMap<String, Currency>,
    invoiced: &std::collections::BTreeSet<(String, String)>,
    sums: &rated_month::MonthSums,
    last: &str,
    day: NaiveDate,
) -> Result<std::collections::BTreeSet<(String, String)>, ApiError> {
    let marked = crate::customers::resale::Marked::load(db)?;
    let organizations: BTreeMap<(String, String), Option<String>> =
        cspdesk_store::discovered::customers(db)?
            .into_iter()
            .map(|c| ((c.account_id, c.id), c.organization_id))
            .collect();
    let mut added = std::collections::BTreeSet::new();
    for ((account_id, customer_id, currency), amount_cost) in &sums.customers {
        let key = (currency.clone(), last.to_string());
        if invoiced.contains(&key) {
            continue;
        }
        let amount_cost = *amount_cost;
        let organization = organizations
            .get(&(account_id.clone(), customer_id.clone()))
            .cloned()
            .flatten();
        let resale = if marked.has(account_id, customer_id, organization.as_deref()) {
            crate::customers::resale::period_resale(
                db,
                account_id,
                customer_id,
                organization.as_deref(),
                day.year(),
                day.month(),
            )?
            .unwrap_or(amount_cost)
        } else {
            amount_cost
        };
        let m = by
            .entry(currency.clone())
            .or_default()
            .months
            .entry(last.to_string())
            .or_default();
        m.cost += amount_cost;
        m.resale += resale;
        added.insert(key);
    }
    Ok(added)
}

/// A chart as a PNG (twice its size, for high-density screens).
pub fn chart_png(svg: &str) -> Result<Vec<u8>, ApiError> {
    cspdesk_charts::png(svg, 2.0)
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string(), None))
}
