//! Invoice lines that were set aside when read (Microsoft sent them without an essential
//! field, e.g. their amount) are missing from the invoice's side of a reconciliation. The
//! difference under their keys is theirs, not usage we lack or something unexplained: it
//! becomes its own cause, [`Cause::SetAside`].

use crate::price::normalize_meter_id;
#[cfg(doc)]
use crate::reconcile::Cause;
use crate::reconcile::{CauseAmounts, MatchKey, Reconciliation};

/// The key of a set-aside usage line, from what it does carry (`None` when it lacks one of
/// the key's fields: it is then only counted).
pub fn key_of_raw(raw: &serde_json::Value) -> Option<MatchKey> {
    let text = |name: &str| raw.get(name)?.as_str().map(str::to_string);
    let day = text("usageDate")?;
    Some(MatchKey {
        subscription_id: text("subscriptionId")?,
        entitlement_id: text("entitlementId")?,
        meter_id: normalize_meter_id(&text("meterId")?),
        usage_date: chrono::NaiveDate::parse_from_str(day.get(..10)?, "%Y-%m-%d").ok()?,
    })
}

/// Moves the difference of every key with a set-aside invoice line to [`Cause::SetAside`]
/// (what the invoice's own lines leave unexplained stays so), and sums the causes again, so
/// `difference = Σ causes + unexplained` still holds.
pub fn attribute(r: &mut Reconciliation, set_aside: &[MatchKey]) {
    if set_aside.is_empty() {
        return;
    }
    for k in &mut r.keys {
        if set_aside.contains(&k.key) {
            k.causes = CauseAmounts {
                set_aside: k.difference - k.unexplained,
                ..CauseAmounts::default()
            };
        }
    }
    let mut causes = CauseAmounts::default();
    for k in &r.keys {
        for (cause, amount) in k.causes.iter() {
            *causes.get_mut(cause) += amount;
        }
    }
    r.causes = causes;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::period::BillingPeriod;
    use crate::reconcile::{Cause, KeyDifference};
    use rust_decimal_macros::dec;

    #[test]
    fn the_difference_under_a_set_aside_line_is_its_own_cause() {
        let raw: serde_json::Value = serde_json::from_str(
            r#"{"customerId":"c","subscriptionId":"P","entitlementId":"E","meterId":"ABC","usageDate":"2026-10-05T00:00:00Z","quantity":"2"}"#,
        )
        .unwrap();
        let key = key_of_raw(&raw).expect("a usage line names its key");
        assert_eq!(key.meter_id, "abc", "meters compare in lower case");
        let other = MatchKey {
            meter_id: "def".into(),
            ..key.clone()
        };
        let missing = CauseAmounts {
            missing_usage: dec!(-10.00),
            ..CauseAmounts::default()
        };
        let mut r = Reconciliation {
            customer_id: "c".into(),
            period: BillingPeriod::calendar_month(2026, 10).unwrap(),
            billing_currency: "EUR".into(),
            ours_total: dec!(13.00),
            invoice_total: dec!(3.00),
            difference: dec!(-10.00),
            causes: CauseAmounts {
                missing_usage: dec!(-10.00),
                ..CauseAmounts::default()
            },
            unexplained: dec!(0),
            keys: vec![KeyDifference {
                key: key.clone(),
                ours: dec!(10.00),
                invoice: dec!(0),
                difference: dec!(-10.00),
                causes: missing.clone(),
                unexplained: dec!(0),
            }],
        };
        attribute(&mut r, &[other]);
        assert_eq!(
            r.causes, missing,
            "another key's set-aside line changes nothing"
        );
        attribute(&mut r, &[key]);
        assert_eq!(r.causes.get(Cause::SetAside), dec!(-10.00));
        assert_eq!(
            r.causes.get(Cause::MissingUsage),
            dec!(0),
            "not missing usage"
        );
        assert_eq!(r.unexplained, dec!(0), "nor unexplained");
        assert_eq!(r.causes.total() + r.unexplained, r.difference);
        assert!(key_of_raw(&serde_json::json!({"meterId": "x"})).is_none());
    }
}
