//! Azure Stack Hub usage for the Customers and Billing pages and `cspdesk stack usage`: each
//! registration's admin endpoint (a setting, never guessed), and per-month totals per billed
//! subscription of the usage imported (the import itself is a run of the one pipeline,
//! `imports::stack_usage`): the customer
//! subscription mapped for the tenant, or the registration's default subscription. Rated by
//! `cspdesk_rating::stack` from the rate card's Region "Azure Stack" rows Discovery keeps.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use cspdesk_partner_api::customer_subscription_id;
use cspdesk_rating::stack::{rate_stack_usage, Attribution, StackPrices, StackUsage, Tenancy};
use cspdesk_rating::tiers::{Tier, TierTable};
use cspdesk_store::azure_stack::{self as stack_store, RegistrationKey};
use cspdesk_store::stack_usage as store;
use cspdesk_store::Database;
use rust_decimal::Decimal;

use super::dto::{
    SetStackAdminEndpointDto, StackAdminEndpointDto, StackAttributionDto, StackCostDto,
    StackUsageLineDto, StackUsageTotalDto,
};
use crate::azure_stack::dto::RegistrationRefDto;
use crate::shared::access::require_admin;
use crate::shared::amount_text::cents;
use crate::{ApiError, ErrorCode};
/// Sets the admin endpoint of a kept registration (admins only; checked before storing).
pub fn set_admin_endpoint(
    db: &Database,
    account: &str,
    input: &SetStackAdminEndpointDto,
    now: DateTime<Utc>,
) -> Result<Vec<StackAdminEndpointDto>, ApiError> {
    require_admin(db, now, "set an Azure Stack Hub admin endpoint")?;
    let account_id = cspdesk_store::accounts::find(db, account)?.id;
    let endpoint = admin_endpoint(&input.endpoint)?;
    let provider = customer_subscription_id(&input.provider_subscription_id).map_err(|_| {
        ApiError::new(
            ErrorCode::Validation,
            format!("'{}' is not a subscription ID: enter the GUID of the Stack's Default Provider Subscription (Azure Stack Hub administrator portal > Subscriptions).", input.provider_subscription_id.trim()),
            Some("providerSubscriptionId"),
        )
    })?;
    store::set_admin_endpoint(
        db,
        &account_id,
        &(&input.registration).into(),
        &endpoint,
        &provider,
        now,
    )
    .map_err(|e| match e {
        cspdesk_store::Error::NotFound { what } => ApiError::new(
            ErrorCode::NotFound,
            format!(
                "{what} is not kept: refresh the Azure Stack registrations, then set its endpoint."
            ),
            Some("registration"),
        ),
        other => other.into(),
    })?;
    admin_endpoints(db, &account_id)
}

/// The admin endpoints set for an account.
pub fn admin_endpoints(
    db: &Database,
    account: &str,
) -> Result<Vec<StackAdminEndpointDto>, ApiError> {
    let account_id = cspdesk_store::accounts::find(db, account)?.id;
    Ok(store::admin_endpoints(db, &account_id)?
        .into_iter()
        .map(|(key, e)| StackAdminEndpointDto {
            registration: registration_dto(&key),
            endpoint: e.endpoint,
            provider_subscription_id: e.provider_subscription_id,
            set_at: e.set_at,
        })
        .collect())
}

/// Azure Stack totals per billed subscription and month (one month when `month` is
/// `YYYY-MM`), newest month first, from what was imported; nothing is called.
pub fn usage_totals(
    db: &Database,
    account: &str,
    month: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Vec<StackUsageTotalDto>, ApiError> {
    let account_id = cspdesk_store::accounts::find(db, account)?.id;
    let (from, to) = match month {
        Some(m) => month_bounds(m)?,
        None => (midnight(NaiveDate::MIN), now + Duration::days(1)),
    };
    let prices = stack_prices(db, &account_id)?;
    let mut out = Vec::new();
    for (key, _) in store::admin_endpoints(db, &account_id)? {
        let mappings = stack_store::customer_subscriptions(db, &account_id, &key)?;
        let customers: HashMap<String, (String, String)> = mappings
            .iter()
            .filter_map(|m| {
                m.customer
                    .as_ref()
                    .map(|(id, name, _)| (m.subscription_id.clone(), (id.clone(), name.clone())))
            })
            .collect();
        let tenancy = Tenancy::new(
            &key.subscription_id,
            mappings
                .iter()
                .map(|m| (m.subscription_id.clone(), m.tenant_id.clone())),
            store::user_subscriptions(db, &account_id, &key)?
                .into_iter()
                .map(|s| (s.id, s.tenant_id)),
        );
        let usage: Vec<StackUsage> = store::usage(db, &account_id, &key, from, to)?
            .into_iter()
            .map(|u| StackUsage {
                user_subscription_id: u.user_subscription_id,
                meter_id: u.meter_id,
                usage_start: u.usage_start,
                usage_end: u.usage_end,
                quantity: u.quantity,
            })
            .collect();
        let mut totals: BTreeMap<(String, Attribution), (StackUsageTotalDto, Decimal)> =
            BTreeMap::new();
        for line in rate_stack_usage(&usage, &tenancy, &prices, now) {
            let customer = customer_of(db, &account_id, &customers, &line.attribution)?;
            let (total, sum) = totals
                .entry((line.month.clone(), line.attribution.clone()))
                .or_insert_with(|| {
                    let (attribution, tenant_id) = match &line.attribution {
                        Attribution::Customer { tenant_id, .. } => {
                            (StackAttributionDto::Customer, Some(tenant_id.clone()))
                        }
                        Attribution::Default { .. } => (StackAttributionDto::Default, None),
                    };
                    let subscription_id = line.attribution.subscription_id().to_string();
                    let total = StackUsageTotalDto {
                        month: line.month.clone(),
                        registration: registration_dto(&key),
                        attribution,
                        subscription_id,
                        tenant_id,
                        customer_id: customer.as_ref().map(|c| c.0.clone()),
                        company_name: customer.map(|c| c.1),
                        currency: prices.currency.clone(),
                        amount: String::new(),
                        unpriced_lines: 0,
                        lines: Vec::new(),
                    };
                    (total, Decimal::ZERO)
                });
            *sum += line.amount.unwrap_or_default();
            total.unpriced_lines += u32::from(line.amount.is_none());
            total.lines.push(StackUsageLineDto {
                meter_id: line.meter_id,
                meter_name: line.meter_name,
                unit: line.unit,
                quantity: line.quantity.normalize().to_string(),
                rate: line.rate.map(|r| r.normalize().to_string()),
                amount: line.amount.map(cents),
            });
        }
        out.extend(totals.into_values().map(|(mut total, sum)| {
            total.amount = cents(sum);
            total
        }));
    }
    out.sort_by(|a, b| {
        b.month
            .cmp(&a.month)
            .then(a.subscription_id.cmp(&b.subscription_id))
    });
    Ok(out)
}

/// The discovered customer (id, company name) billed for a customer attribution: the one
/// Discovery links to the Azure subscription, else the customer whose id is the tenant (a
/// customer's id is its tenant id; legacy subscriptions are not linked by Azure id).
fn customer_of(
    db: &Database,
    account_id: &str,
    by_subscription: &HashMap<String, (String, String)>,
    attribution: &Attribution,
) -> Result<Option<(String, String)>, ApiError> {
    let Attribution::Customer {
        subscription_id,
        tenant_id,
    } = attribution
    else {
        return Ok(None);
    };
    if let Some(found) = by_subscription.get(subscription_id) {
        return Ok(Some(found.clone()));
    }
    Ok(
        cspdesk_store::discovered::customer_name(db, account_id, tenant_id)?
            .map(|name| (tenant_id.clone(), name)),
    )
}

/// Stack prices from the kept rate cards: USD when Discovery read it (the price list's own
/// currency), otherwise the first currency kept. No rate card: every line is unpriced.
fn stack_prices(db: &Database, account_id: &str) -> Result<StackPrices, ApiError> {
    let cards = cspdesk_store::rated::rate_cards(db, account_id)?;
    let card = cards
        .iter()
        .find(|c| c.currency.eq_ignore_ascii_case("USD"))
        .or(cards.first());
    let Some(card) = card else {
        return Ok(StackPrices::from_rows("USD", std::iter::empty()));
    };
    let rows = card.meters.iter().filter_map(|m| {
        let tiers = m.rates.iter().map(|(t, p)| Tier::new(*t, *p)).collect();
        let table = TierTable::new(tiers, m.included_quantity.unwrap_or_default()).ok()?;
        Some((
            m.region.as_deref().unwrap_or_default(),
            m.name.as_str(),
            table,
        ))
    });
    Ok(StackPrices::from_rows(&card.currency, rows))
}

fn registration_dto(key: &RegistrationKey) -> RegistrationRefDto {
    RegistrationRefDto {
        subscription_id: key.subscription_id.clone(),
        resource_group: key.resource_group.clone(),
        name: key.name.clone(),
    }
}

pub(crate) fn midnight(d: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
}

pub(crate) fn day(text: Option<&str>, field: &str) -> Result<Option<NaiveDate>, ApiError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                ApiError::new(
                    ErrorCode::Validation,
                    format!("'{t}' is not a day: write it as YYYY-MM-DD (UTC)."),
                    Some(field),
                )
            }),
    }
}

fn month_bounds(text: &str) -> Result<(DateTime<Utc>, DateTime<Utc>), ApiError> {
    let first =
        NaiveDate::parse_from_str(&format!("{}-01", text.trim()), "%Y-%m-%d").map_err(|_| {
            ApiError::new(
                ErrorCode::Validation,
                format!("'{text}' is not a month: write it as YYYY-MM."),
                Some("month"),
            )
        })?;
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(NaiveDate::MAX);
    Ok((midnight(first), midnight(next)))
}

/// An admin endpoint as stored: a URL, https unless loopback, no path query or trailing slash
/// beyond what the Stack serves under.
fn admin_endpoint(text: &str) -> Result<String, ApiError> {
    let bad = |why: &str| {
        ApiError::new(
            ErrorCode::Validation,
            format!("'{}' {why}: enter the Stack's admin Resource Manager endpoint, e.g. https://adminmanagement.local.azurestack.external.", text.trim()),
            Some("endpoint"),
        )
    };
    let url = url::Url::parse(text.trim()).map_err(|_| bad("is not a URL"))?;
    let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        _ => return Err(bad("must use https")),
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("must not have a query"));
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

/// Each customer's rated Azure Stack usage in its account's newest month with usage, by
/// (account id, customer id). Usage billed to a registration's default subscription belongs
/// to no customer and is left out; a customer in two currencies that month too.
pub(crate) fn newest_month_per_customer(
    db: &Database,
    now: DateTime<Utc>,
) -> Result<HashMap<(String, String), StackCostDto>, ApiError> {
    let mut out = HashMap::new();
    for account in cspdesk_store::accounts::list(db)? {
        // Only the newest month is rated, not every month kept (this runs on each Customers load).
        let Some(start) = store::newest_usage_start(db, &account.id)? else {
            continue;
        };
        let newest = start.format("%Y-%m").to_string();
        let totals = usage_totals(db, &account.id, Some(&newest), now)?;
        let mut sums: BTreeMap<String, (String, Decimal, bool)> = BTreeMap::new();
        for t in &totals {
            let Some(customer) = &t.customer_id else {
                continue;
            };
            let amount: Decimal = t.amount.parse().map_err(|_| {
                ApiError::new(
                    ErrorCode::Internal,
                    format!("an Azure Stack total is not a decimal: {:?}", t.amount),
                    None,
                )
            })?;
            let e =
                sums.entry(customer.clone())
                    .or_insert((t.currency.clone(), Decimal::ZERO, false));
            e.2 |= e.0 != t.currency;
            e.1 += amount;
        }
        for (customer, (currency, amount, mixed)) in sums {
            if !mixed {
                out.insert(
                    (account.id.clone(), customer),
                    StackCostDto {
                        month: newest.clone(),
                        amount: cents(amount),
                        currency,
                    },
                );
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_https_or_loopback_and_kept_without_trailing_slash() {
        assert_eq!(
            admin_endpoint("https://adminmanagement.east.contoso.com/").unwrap(),
            "https://adminmanagement.east.contoso.com"
        );
        assert_eq!(
            admin_endpoint("http://127.0.0.1:4000/azurestack-admin").unwrap(),
            "http://127.0.0.1:4000/azurestack-admin"
        );
        let e = admin_endpoint("http://adminmanagement.east.contoso.com").unwrap_err();
        assert_eq!(
            (e.code, e.field.as_deref()),
            (ErrorCode::Validation, Some("endpoint"))
        );
        assert!(admin_endpoint("not a url").is_err());
    }

    #[test]
    fn months_and_days_are_checked() {
        let (a, b) = month_bounds("2026-12").unwrap();
        assert_eq!(
            (a.to_rfc3339(), b.to_rfc3339()),
            (
                "2026-12-01T00:00:00+00:00".into(),
                "2027-01-01T00:00:00+00:00".into()
            )
        );
        assert_eq!(
            month_bounds("2026-13").unwrap_err().field.as_deref(),
            Some("month")
        );
        assert_eq!(
            day(Some("03/01/2026"), "from")
                .unwrap_err()
                .field
                .as_deref(),
            Some("from")
        );
        assert_eq!(day(Some(" "), "from").unwrap(), None);
    }
}
