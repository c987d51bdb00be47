//! The Azure Stack page and `cspdesk stack`: registrations of the partner's Azure Stack Hubs
//! and the customer subscriptions added to them, read from and changed through ARM as the
//! signed-in user, kept in the database so the page opens offline. Ids are checked here
//! before any call, and each documented refusal reaches the UI with its meaning and remedy.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use cspdesk_partner_api::{
    customer_subscription_id, Arm, AzureStack, RegistrationRef, StackRefusal,
};
use cspdesk_store::azure_stack::{self as store, RegistrationKey};
use cspdesk_store::Database;

use super::dto::{
    AddStackCustomerDto, RegistrationRefDto, StackCustomerSubscriptionDto, StackOverviewDto,
    StackRegistrationDto, StackSetAsideDto, StackSubscriptionChoiceDto,
};
use crate::accounts::login::resume;
use crate::shared::access::require_admin;
use crate::{lock, ApiError, ErrorCode};
/// What is kept for the account (no call to Azure).
pub fn overview(db: &Database, account: &str) -> Result<StackOverviewDto, ApiError> {
    let account = cspdesk_store::accounts::find(db, account)?;
    Ok(StackOverviewDto {
        subscriptions: store::subscriptions(db, &account.id)?,
        registrations: store::registrations(db, &account.id)?
            .into_iter()
            .map(|r| StackRegistrationDto {
                accepts_customers: r.billing_model.eq_ignore_ascii_case("PayAsYouUse"),
                at: RegistrationRefDto {
                    subscription_id: r.key.subscription_id,
                    resource_group: r.key.resource_group,
                    name: r.key.name,
                },
                cloud_id: r.cloud_id,
                billing_model: r.billing_model,
                customer_subscriptions: r.customer_subscriptions,
                read_at: r.read_at,
            })
            .collect(),
        set_aside: Vec::new(),
    })
}

/// The customer subscriptions kept for a registration (no call to Azure).
pub fn customer_subscriptions(
    db: &Database,
    account: &str,
    registration: &RegistrationRefDto,
) -> Result<Vec<StackCustomerSubscriptionDto>, ApiError> {
    let account = cspdesk_store::accounts::find(db, account)?;
    Ok(
        store::customer_subscriptions(db, &account.id, &registration.into())?
            .into_iter()
            .map(|m| {
                let (customer_id, company_name, friendly_name) = match m.customer {
                    Some((id, name, friendly)) => (Some(id), Some(name), friendly),
                    None => (None, None, None),
                };
                StackCustomerSubscriptionDto {
                    subscription_id: m.subscription_id,
                    tenant_id: m.tenant_id,
                    customer_id,
                    company_name,
                    friendly_name,
                    read_at: m.read_at,
                }
            })
            .collect(),
    )
}

/// Discovered customers' Azure subscriptions, to pick one to add.
pub fn subscription_choices(
    db: &Database,
    account: &str,
) -> Result<Vec<StackSubscriptionChoiceDto>, ApiError> {
    let account = cspdesk_store::accounts::find(db, account)?;
    Ok(store::azure_subscription_choices(db, &account.id)?
        .into_iter()
        .map(|c| StackSubscriptionChoiceDto {
            customer_id: c.customer_id,
            company_name: c.company_name,
            tenant_id: c.tenant_id,
            subscription_id: c.subscription_id,
            friendly_name: c.friendly_name,
        })
        .collect())
}

/// Names a partner subscription as holding registrations, then reads Azure.
pub async fn add_registration_subscription(
    db: &Mutex<Database>,
    account: &str,
    subscription_id: &str,
    now: DateTime<Utc>,
) -> Result<StackOverviewDto, ApiError> {
    let id = partner_subscription_id(subscription_id)?;
    {
        let db = lock(db);
        require_admin(&db, now, "add an Azure Stack registration subscription")?;
        let account = cspdesk_store::accounts::find(&db, account)?;
        store::add_subscription(&db, &account.id, &id, now)?;
    }
    refresh(db, account, now).await
}

/// Forgets a partner subscription and what was read under it (nothing changes in Azure).
pub fn remove_registration_subscription(
    db: &Database,
    account: &str,
    subscription_id: &str,
    now: DateTime<Utc>,
) -> Result<StackOverviewDto, ApiError> {
    require_admin(db, now, "remove an Azure Stack registration subscription")?;
    let id = partner_subscription_id(subscription_id)?;
    let found = cspdesk_store::accounts::find(db, account)?;
    if !store::remove_subscription(db, &found.id, &id)? {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            format!("{id} is not one of this account's Azure Stack registration subscriptions."),
            Some("subscriptionId"),
        ));
    }
    overview(db, account)
}

/// Reads every named subscription's registrations and their customer subscriptions from Azure.
pub async fn refresh(
    db: &Mutex<Database>,
    account: &str,
    now: DateTime<Utc>,
) -> Result<StackOverviewDto, ApiError> {
    let (account_id, subscriptions) = {
        let db = lock(db);
        let found = cspdesk_store::accounts::find(&db, account)?;
        let subs = store::subscriptions(&db, &found.id)?;
        (found.id, subs)
    };
    let stack = client(db, account, now).await?;
    let mut set_aside = Vec::new();
    for subscription in &subscriptions {
        // An item Azure sent that cannot be read is kept aside by the client with its reason
        // and shown with this refresh's overview; what can be read is kept.
        let listed = stack.registrations(subscription).await?;
        set_aside.extend(listed.set_aside);
        let read = listed.items;
        let mut mappings = Vec::with_capacity(read.len());
        for r in &read {
            let list = stack.customer_subscriptions(&r.at).await?;
            set_aside.extend(list.set_aside);
            mappings.push(
                list.items
                    .into_iter()
                    .map(|m| (m.subscription_id, m.tenant_id))
                    .collect::<Vec<_>>(),
            );
        }
        let rows: Vec<store::Registration> = read
            .iter()
            .map(|r| store::Registration {
                key: RegistrationKey {
                    subscription_id: subscription.clone(),
                    resource_group: r.at.resource_group.clone(),
                    name: r.at.name.clone(),
                },
                cloud_id: r.cloud_id.clone(),
                object_id: r.object_id.clone(),
                billing_model: r.billing_model.clone(),
                read_at: String::new(),
                customer_subscriptions: 0,
            })
            .collect();
        let mut db = lock(db);
        store::replace_registrations(&mut db, &account_id, subscription, &rows, now)?;
        for (row, list) in rows.iter().zip(&mappings) {
            store::replace_customer_subscriptions(&mut db, &account_id, &row.key, list, now)?;
        }
    }
    crate::accounts::endpoints::stack_admin_defaults(db, &account_id, now).await?;
    let mut shown = overview(&lock(db), &account_id)?;
    shown.set_aside = set_aside
        .into_iter()
        .map(|s| StackSetAsideDto {
            endpoint: s.endpoint,
            index: u32::try_from(s.index).unwrap_or(u32::MAX),
            field: s.field,
            reason: s.reason,
            raw: s.raw,
        })
        .collect();
    Ok(shown)
}

/// Adds a customer subscription to a registration through ARM, then keeps what Azure confirmed.
pub async fn add_customer_subscription(
    db: &Mutex<Database>,
    account: &str,
    input: &AddStackCustomerDto,
    now: DateTime<Utc>,
) -> Result<Vec<StackCustomerSubscriptionDto>, ApiError> {
    let (subscription, account_id, stack) = prepare_change(
        db,
        account,
        &input.subscription_id,
        now,
        "add a customer subscription to an Azure Stack registration",
    )
    .await?;
    let tenant = match &input.tenant_id {
        Some(t) if !t.trim().is_empty() => tenant_id(t)?,
        _ => store::azure_subscription_choices(&lock(db), &account_id)?
            .into_iter()
            .find(|c| c.subscription_id == subscription)
            .map(|c| c.tenant_id)
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::Validation,
                    format!("Discovery has not seen subscription {subscription}, so its customer's tenant is unknown: enter the customer's tenant ID, or run Discovery and pick the subscription from the list."),
                    Some("tenantId"),
                )
            })?,
    };
    let at: RegistrationRef = (&input.registration).into();
    let added = stack
        .add_customer_subscription(&at, &subscription, &tenant)
        .await
        .map_err(ApiError::from)?;
    {
        let mut db = lock(db);
        store::put_customer_subscription(
            &mut db,
            &account_id,
            &(&input.registration).into(),
            &added.subscription_id,
            &added.tenant_id,
            now,
        )?;
    }
    customer_subscriptions(&lock(db), &account_id, &input.registration)
}

/// Asks Azure whether the customer subscription is still added. When Azure says it is not
/// (`CustomerSubscriptionNotFound`), the kept row goes too and the refusal is returned.
pub async fn verify_customer_subscription(
    db: &Mutex<Database>,
    account: &str,
    registration: &RegistrationRefDto,
    subscription_id: &str,
    now: DateTime<Utc>,
) -> Result<Vec<StackCustomerSubscriptionDto>, ApiError> {
    let subscription = customer_subscription_id(subscription_id)
        .map_err(|e| with_field(e.into(), "subscriptionId"))?;
    let account_id = cspdesk_store::accounts::find(&lock(db), account)?.id;
    let stack = client(db, account, now).await?;
    match stack
        .customer_subscription(&registration.into(), &subscription)
        .await
    {
        Ok(found) => {
            let mut db = lock(db);
            store::put_customer_subscription(
                &mut db,
                &account_id,
                &registration.into(),
                &found.subscription_id,
                &found.tenant_id,
                now,
            )?;
            customer_subscriptions(&db, &account_id, registration)
        }
        Err(
            e @ cspdesk_partner_api::Error::AzureStack {
                refusal: StackRefusal::CustomerSubscriptionNotFound,
                ..
            },
        ) => {
            store::remove_customer_subscription(
                &lock(db),
                &account_id,
                &registration.into(),
                &subscription,
            )?;
            Err(e.into())
        }
        Err(e) => Err(e.into()),
    }
}

/// Removes a customer subscription from a registration through ARM.
pub async fn remove_customer_subscription(
    db: &Mutex<Database>,
    account: &str,
    registration: &RegistrationRefDto,
    subscription_id: &str,
    now: DateTime<Utc>,
) -> Result<Vec<StackCustomerSubscriptionDto>, ApiError> {
    let (subscription, account_id, stack) = prepare_change(
        db,
        account,
        subscription_id,
        now,
        "remove a customer subscription from an Azure Stack registration",
    )
    .await?;
    stack
        .remove_customer_subscription(&registration.into(), &subscription)
        .await?;
    store::remove_customer_subscription(
        &lock(db),
        &account_id,
        &registration.into(),
        &subscription,
    )?;
    customer_subscriptions(&lock(db), &account_id, registration)
}

async fn client(
    db: &Mutex<Database>,
    account: &str,
    now: DateTime<Utc>,
) -> Result<AzureStack, ApiError> {
    let (_, session) = resume(db, account, now, "try again").await?;
    Ok(AzureStack::new(Arm::new(Arc::new(session))?))
}

/// What a change to one customer subscription starts from: its id as ARM wants it, the
/// account's id, and a client; refused before any call for a bad id or a non-admin.
async fn prepare_change(
    db: &Mutex<Database>,
    account: &str,
    subscription_id: &str,
    now: DateTime<Utc>,
    action: &str,
) -> Result<(String, String, AzureStack), ApiError> {
    let subscription = customer_subscription_id(subscription_id)
        .map_err(|e| with_field(e.into(), "subscriptionId"))?;
    let account_id = {
        let db = lock(db);
        require_admin(&db, now, action)?;
        cspdesk_store::accounts::find(&db, account)?.id
    };
    Ok((subscription, account_id, client(db, account, now).await?))
}

fn with_field(mut e: ApiError, field: &str) -> ApiError {
    e.field = Some(field.to_string());
    e
}

fn partner_subscription_id(text: &str) -> Result<String, ApiError> {
    customer_subscription_id(text).map_err(|_| {
        ApiError::new(
            ErrorCode::Validation,
            format!("'{}' is not a subscription ID: enter the GUID of the CSP (or CSP Shared Services) subscription that holds your Azure Stack Hub registrations.", text.trim()),
            Some("subscriptionId"),
        )
    })
}

fn tenant_id(text: &str) -> Result<String, ApiError> {
    cspdesk_store::accounts::validate_tenant_id(text)
        .map(|t| t.to_string())
        .map_err(|_| {
            ApiError::new(
                ErrorCode::Validation,
                format!(
                    "'{}' is not a tenant ID: enter the customer's Microsoft Entra tenant GUID.",
                    text.trim()
                ),
                Some("tenantId"),
            )
        })
}
