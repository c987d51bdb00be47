//! A markup change previewed before it is saved: a closed month's resale before and after.

use chrono::{DateTime, NaiveDate, Utc};
use cspdesk_store::markups::{self, Change, Scope, Term};
use cspdesk_store::Database;
use rust_decimal::Decimal;

use super::dto::*;
use super::markups::*;
use super::resale::*;
use crate::ApiError;
/// Closed months a preview covers.
const PREVIEW_MONTHS: usize = 3;

/// Resale of the last closed months as they are and with `terms` from `effective_from`
/// (nothing is saved). Customers without any markup resell at cost (0 %).
pub fn preview(
    db: &Database,
    target: &MarkupTargetDto,
    terms: &[MarkupTermDto],
    effective_from: NaiveDate,
    now: DateTime<Utc>,
) -> Result<MarkupPreviewDto, ApiError> {
    use chrono::Datelike;
    use cspdesk_rating::period::BillingPeriod;

    let (scope, _, _) = scope(db, target)?;
    let proposed: Vec<Term> = terms.iter().map(term).collect::<Result<_, _>>()?;
    for t in &proposed {
        markups::validate(t)?;
    }
    let proposed: Vec<Change> = proposed
        .into_iter()
        .map(|term| Change {
            id: 0,
            scope: scope.clone(),
            term,
            effective_from,
            created_at: now,
        })
        .collect();
    // Which tenants: the customer, or the organization's members.
    let customers: Vec<_> = cspdesk_store::discovered::customers(db)?
        .into_iter()
        .filter(|c| match &scope {
            Scope::Customer {
                account_id,
                customer_id,
            } => &c.account_id == account_id && &c.id == customer_id,
            Scope::Organization { id } => c.organization_id.as_deref() == Some(id.as_str()),
        })
        .collect();
    let today = now.date_naive();
    let mut period = BillingPeriod::calendar_month(today.year(), today.month())
        .and_then(|p| p.previous())
        .map_err(period_error)?;
    let mut months = Vec::new();
    for _ in 0..PREVIEW_MONTHS {
        let key = format!("{:04}-{:02}", period.start().year(), period.start().month());
        // (currency) -> (customers, cost, before, after)
        let mut sums: std::collections::BTreeMap<String, (u32, Decimal, Decimal, Decimal)> =
            Default::default();
        for c in &customers {
            let lines = cspdesk_store::rated::lines(db, &c.account_id, &key, Some(&c.id))?;
            let Some(currency) = lines.first().map(|l| l.billing_currency.clone()) else {
                continue;
            };
            let cost_lines = cost_lines(&lines);
            let own = Scope::Customer {
                account_id: c.account_id.clone(),
                customer_id: c.id.clone(),
            };
            let org = c
                .organization_id
                .clone()
                .map(|id| Scope::Organization { id });
            let total =
                |extra: &[Change]| resale_of(db, &cost_lines, &own, org.as_ref(), extra, &period);
            let before = total(&[])?;
            let after = total(&proposed)?;
            let cost: Decimal = cost_lines.iter().map(|l| l.cost).sum();
            let e = sums.entry(currency).or_default();
            e.0 += 1;
            e.1 += cost;
            e.2 += before;
            e.3 += after;
        }
        for (currency, (n, cost, before, after)) in sums {
            months.push(PreviewMonthDto {
                period: key.clone(),
                currency,
                customers: n,
                cost: cost.to_string(),
                resale_before: before.to_string(),
                resale_after: after.to_string(),
                margin_before: (before - cost).to_string(),
                margin_after: (after - cost).to_string(),
            });
        }
        period = period.previous().map_err(period_error)?;
    }
    months.reverse();
    Ok(MarkupPreviewDto { months })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use cspdesk_store::discovered::CustomerRow;
    use cspdesk_store::rated::{self, RatedLineRow, RatingStateRow, UsageKind};
    use cspdesk_store::{accounts, Money};

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn line(day: u32, category: &str, cost: &str) -> RatedLineRow {
        line_in(10, day, category, cost)
    }

    fn line_in(month: u32, day: u32, category: &str, cost: &str) -> RatedLineRow {
        RatedLineRow {
            subscription_id: "s1".into(),
            entitlement_id: "e1".into(),
            meter_id: format!("m-{category}-{day}"),
            usage_date: NaiveDate::from_ymd_opt(2026, month, day).unwrap(),
            usage_kind: UsageKind::AzurePlan,
            meter_name: None,
            meter_category: Some(category.into()),
            records: 1,
            quantity: Decimal::ONE,
            unit_price: dec(cost),
            effective_unit_price: dec(cost),
            credit_rate: Decimal::ZERO,
            discount: Decimal::ZERO,
            fx_rate: Decimal::ONE,
            pricing_currency: "USD".into(),
            pricing_total: Money::new(dec(cost)),
            billing_pre_tax_total: Money::new(dec(cost)),
            billing_currency: "USD".into(),
            price_origin: "test".into(),
            list_cost: Money::new(dec(cost)),
            effective_cost: Money::new(dec(cost)),
        }
    }

    fn rated_customer(
        db: &mut Database,
        now: DateTime<Utc>,
        period: &str,
        lines: &[RatedLineRow],
    ) -> String {
        let account = accounts::add(db, "A", "0a1b2c3d-0000-4000-8000-000000000001", now)
            .unwrap()
            .id;
        let mut w = db.ingest(&account).unwrap();
        w.customers(
            &[CustomerRow {
                id: "c1".into(),
                company_name: "Contoso".into(),
                domain: "contoso.example".into(),
                tenant_id: None,
                commerce_id: None,
                relationship: None,
            }],
            now,
        )
        .unwrap();
        w.commit().unwrap();
        rated::replace(
            db,
            &account,
            &RatingStateRow {
                customer_id: "c1".into(),
                period: period.into(),
                usage_records: lines.len() as u64,
                usage_fingerprint: "f".into(),
                price_cards: "USD".into(),
                prices_fingerprint: "p".into(),
                rules: 0,
                lines: lines.len() as u32,
                refused: None,
                rated_at: now,
                input_versions: None,
            },
            lines,
        )
        .unwrap();
        account
    }

    #[test]
    fn customers_show_month_to_date_cost_resale_and_margin_with_their_markup() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Database::open(&dir.path().join("a.sqlite3")).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 9, 0, 0).unwrap();
        let account = rated_customer(
            &mut db,
            now,
            "2026-11",
            &[
                line_in(11, 3, "Virtual Machines", "100.00"),
                line_in(11, 4, "Storage", "10.00"),
            ],
        );
        let listed = crate::customers::overview::list(&db, now).unwrap();
        assert_eq!(listed[0].month_to_date_cost.as_deref(), Some("110.00"));
        assert_eq!(
            listed[0].month_to_date_resale.as_deref().map(dec),
            Some(dec("110.00")),
            "no markup: resold at cost"
        );
        let target = MarkupTargetDto::Customer {
            customer: CustomerRef {
                account_id: account,
                customer_id: "c1".into(),
            },
        };
        set(
            &mut db,
            &target,
            &[
                MarkupTermDto::Percent {
                    percent: "10".into(),
                },
                MarkupTermDto::CategoryPercent {
                    category: "Virtual Machines".into(),
                    percent: Some("5".into()),
                },
            ],
            NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            now,
        )
        .unwrap();
        let listed = crate::customers::overview::list(&db, now).unwrap();
        // 100.00 × 1.05 + 10.00 × 1.10 = 116.00
        assert_eq!(
            listed[0].month_to_date_resale.as_deref().map(dec),
            Some(dec("116.00"))
        );
        assert_eq!(
            listed[0].month_to_date_margin.as_deref().map(dec),
            Some(dec("6.00"))
        );
    }

    #[test]
    fn the_preview_shows_a_closed_months_resale_before_and_after_without_saving() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Database::open(&dir.path().join("a.sqlite3")).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 9, 0, 0).unwrap();
        let lines = vec![
            line(3, "Virtual Machines", "100.00"),
            line(4, "Storage", "33.33"),
            line(5, "Storage", "0.05"),
        ];
        let account = rated_customer(&mut db, now, "2026-10", &lines);
        let target = MarkupTargetDto::Customer {
            customer: CustomerRef {
                account_id: account,
                customer_id: "c1".into(),
            },
        };
        let terms = vec![
            MarkupTermDto::Percent {
                percent: "12".into(),
            },
            MarkupTermDto::CategoryPercent {
                category: "Virtual Machines".into(),
                percent: Some("5".into()),
            },
            MarkupTermDto::MonthlyFee {
                fee: "50.00".into(),
            },
        ];
        let from = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
        let p = preview(&db, &target, &terms, from, now).unwrap();
        let october = p
            .months
            .iter()
            .find(|m| m.period == "2026-10")
            .expect("October is a closed month with rated usage");
        // Independently: VM 100.00 × 1.05 = 105.00; storage 33.33 × 1.12 = 37.3296 → 37.33,
        // 0.05 × 1.12 = 0.056 → 0.06 (half away from zero per line); fee 50.00.
        let expected_after = dec("105.00") + dec("37.33") + dec("0.06") + dec("50.00");
        assert_eq!(october.cost, "133.38");
        assert_eq!(
            dec(&october.resale_before),
            dec("133.38"),
            "no markup yet: resold at cost"
        );
        assert_eq!(dec(&october.resale_after), expected_after);
        assert_eq!(dec(&october.margin_after), expected_after - dec("133.38"));
        assert!(
            markups::history(
                &db,
                &Scope::Customer {
                    account_id: match &target {
                        MarkupTargetDto::Customer { customer } => customer.account_id.clone(),
                        MarkupTargetDto::Organization { .. } => unreachable!(),
                    },
                    customer_id: "c1".into()
                }
            )
            .unwrap()
            .is_empty(),
            "a preview saves nothing"
        );
    }
}
