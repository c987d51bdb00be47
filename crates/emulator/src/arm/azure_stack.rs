//! Azure Stack Hub CSP registrations and customer-subscription mappings. The seeded fixture state
//! makes every documented error code reachable: a Capacity registration
//! (CustomerSubscriptionsNotAllowed), one not approved for multi-tenancy
//! (UnauthorizedCspRegistration), a subscription of another partner (BadCustomerSubscriptionId),
//! one whose metadata lookup fails (MetadataResolverBadGatewayError), and so on.

use std::collections::{BTreeMap, HashMap};

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use super::{admit, api_version};
use crate::config::StackPutStyle;
use crate::entropy::{fnv, tag, Draw};
use crate::server::{lock, AppState, Shared};
use crate::wire::{arm_error, json_response};
use crate::world::stack_hub::{Holder, StackHub};
use crate::world::World;

/// api-versions of `Microsoft.AzureStack`.
pub const API_VERSIONS: &[&str] = &[
    "2017-06-01",
    "2020-06-01-preview",
    "2022-03-01",
    "2022-06-01",
];
/// Customer-subscription mappings per list page.
pub const MAPPING_PAGE: usize = 10;

/// One registration.
#[derive(Debug, Clone)]
struct Registration {
    subscription: String,
    resource_group: String,
    name: String,
    cloud_id: String,
    object_id: String,
    billing_model: String,
    multi_tenancy_approved: bool,
    mappings: BTreeMap<String, String>,
}

/// Names and ids of the seeded Azure Stack fixtures, for tests and scripts.
#[derive(Debug, Clone)]
pub struct StackFixtures {
    /// Partner subscription holding the registrations.
    pub registration_subscription_id: String,
    /// Resource group of the registrations.
    pub resource_group: String,
    /// PayAsYouUse registration approved for multi-tenancy: mappings succeed.
    pub approved_registration: String,
    /// Capacity (disconnected) registration: `CustomerSubscriptionsNotAllowed`.
    pub capacity_registration: String,
    /// PayAsYouUse registration without multi-tenancy approval: `UnauthorizedCspRegistration`.
    pub unapproved_registration: String,
    /// A customer's Azure subscription that can be mapped, and its tenant.
    pub valid_customer_subscription: (String, String),
    /// A CSP subscription of another partner: `BadCustomerSubscriptionId`.
    pub other_partner_subscription: String,
    /// A subscription whose metadata lookup fails upstream: `MetadataResolverBadGatewayError`.
    pub unresolvable_subscription: String,
    /// The Stack's Default Provider Subscription (the `{subId}` of its admin ARM calls).
    pub provider_subscription_id: String,
    /// One of the mappings seeded on the approved registration (every customer tenant using
    /// the Stack has one): (customer Azure subscription, tenant).
    pub mapped_tenant: (String, String),
    /// A tenant using the Stack that no registration maps (the operator's lab: one 4-vCPU VM
    /// running every hour): its usage goes to the registration subscription.
    pub unmapped_tenant: String,
}

/// Live ARM state of Azure Stack.
#[derive(Debug)]
pub struct StackState {
    registrations: Vec<Registration>,
    fixtures: StackFixtures,
    customer_subscriptions: HashMap<String, String>,
    hub: StackHub,
}

impl StackState {
    pub(crate) fn seeded(world: &World) -> StackState {
        let p = &world.partner;
        let mut d = Draw::new(world.seed, &[tag::STACK, fnv(&p.tenant_id)]);
        let rg = "azurestack".to_string();
        let mut reg = |model: &str, approved: bool| {
            let cloud_id = d.guid();
            Registration {
                subscription: p.registration_subscription_id.clone(),
                resource_group: rg.clone(),
                name: format!("azurestack-{cloud_id}"),
                object_id: d.guid(),
                cloud_id,
                billing_model: model.to_string(),
                multi_tenancy_approved: approved,
                mappings: BTreeMap::new(),
            }
        };
        let mut registrations = vec![
            reg("PayAsYouUse", true),
            reg("Capacity", true),
            reg("PayAsYouUse", false),
        ];
        let mut customer_subscriptions = HashMap::new();
        for ci in 0..world.customer_count() {
            let c = world.customer(ci);
            for ei in 0..c.entitlement_count {
                customer_subscriptions.insert(world.entitlement(&c, ei).id, c.tenant_id.clone());
            }
        }
        let c0 = world.customer(0);
        // Every customer tenant using the Stack is mapped on the approved registration from the
        // start (to its first Azure subscription with Stack resources, one per tenant), as the
        // operator would have done: Partner Center bills that usage to the customer. Only the
        // operator's lab tenant stays unmapped, so its usage goes to the registration subscription.
        let hub = StackHub::of(world);
        for sub in &hub.subscriptions {
            if let Holder::Customer(ci, ei) = sub.holder {
                let c = world.customer(ci);
                let already = registrations[0]
                    .mappings
                    .values()
                    .any(|t| *t == c.tenant_id);
                if !already {
                    registrations[0]
                        .mappings
                        .insert(world.entitlement(&c, ei).id, c.tenant_id.clone());
                }
            }
        }
        // Customer 1's first Azure subscription always runs on the Stack (tenancy.rs).
        let c1 = world.customer(1);
        let mapped_tenant = (world.entitlement(&c1, 0).id, c1.tenant_id.clone());
        let fixtures = StackFixtures {
            registration_subscription_id: p.registration_subscription_id.clone(),
            resource_group: rg.clone(),
            approved_registration: registrations[0].name.clone(),
            capacity_registration: registrations[1].name.clone(),
            unapproved_registration: registrations[2].name.clone(),
            valid_customer_subscription: (world.entitlement(&c0, 0).id, c0.tenant_id.clone()),
            other_partner_subscription: d.guid(),
            unresolvable_subscription: d.guid(),
            provider_subscription_id: hub.provider_subscription_id.clone(),
            mapped_tenant,
            unmapped_tenant: hub.lab_tenant_id.clone(),
        };
        StackState {
            registrations,
            fixtures,
            customer_subscriptions,
            hub,
        }
    }

    /// The Stack behind the registrations (user subscriptions and their usage).
    pub(crate) fn hub(&self) -> &StackHub {
        &self.hub
    }

    /// The seeded fixture ids.
    pub fn fixtures(&self) -> &StackFixtures {
        &self.fixtures
    }

    fn find(&mut self, sub: &str, rg: &str, name: &str) -> Option<&mut Registration> {
        self.registrations.iter_mut().find(|r| {
            r.subscription.eq_ignore_ascii_case(sub)
                && r.resource_group.eq_ignore_ascii_case(rg)
                && r.name.eq_ignore_ascii_case(name)
        })
    }
}

fn reg_id(r: &Registration) -> String {
    format!(
        "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.AzureStack/registrations/{}",
        r.subscription, r.resource_group, r.name
    )
}

// Microsoft's samples (tests/fixtures/microsoft/azure_stack): a registration without tags sends
// no `tags`; its etag is a quoted string.
fn reg_json(r: &Registration) -> Value {
    json!({
        "id": reg_id(r),
        "name": r.name,
        "type": "Microsoft.AzureStack/registrations",
        "location": "global",
        "etag": format!("\"{:x}\"", fnv(&format!("{}{}", r.name, r.mappings.len()))),
        "properties": { "objectId": r.object_id, "cloudId": r.cloud_id, "billingModel": r.billing_model },
    })
}

// As Microsoft's samples name a child resource: `{registration}/{subscription}`, type
// `Microsoft.AzureStack/registrations/customerSubscriptions`, no etag.
fn mapping_json(r: &Registration, id: &str, tenant: &str) -> Value {
    json!({
        "id": format!("{}/customerSubscriptions/{id}", reg_id(r)),
        "name": format!("{}/{id}", r.name),
        "type": "Microsoft.AzureStack/registrations/customerSubscriptions",
        "properties": { "tenantId": tenant },
    })
}

type Q = Query<HashMap<String, String>>;

fn not_found(sub: &str, rg: &str, name: &str) -> Response {
    arm_error(
        StatusCode::NOT_FOUND,
        "RegistrationNotFound",
        format!("Registration '{name}' was not found in resource group '{rg}' of subscription '{sub}'. Check the CloudDeploymentID of the Azure Stack registration."),
        Some(name),
    )
}

fn admitted(s: &Shared, headers: &HeaderMap, q: &HashMap<String, String>) -> Result<(), Response> {
    admit(s, headers)?;
    api_version(q, API_VERSIONS).map(|_| ())
}

async fn list_in_group(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((sub, rg)): Path<(String, String)>,
    Query(q): Q,
) -> Response {
    if let Err(r) = admitted(&s, &headers, &q) {
        return r;
    }
    let state = lock(&s.stack);
    let value: Vec<Value> = state
        .registrations
        .iter()
        .filter(|r| {
            r.subscription.eq_ignore_ascii_case(&sub) && r.resource_group.eq_ignore_ascii_case(&rg)
        })
        .map(reg_json)
        .collect();
    json_response(StatusCode::OK, &json!({ "value": value }))
}

async fn list_in_subscription(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(sub): Path<String>,
    Query(q): Q,
) -> Response {
    if let Err(r) = admitted(&s, &headers, &q) {
        return r;
    }
    let state = lock(&s.stack);
    let value: Vec<Value> = state
        .registrations
        .iter()
        .filter(|r| r.subscription.eq_ignore_ascii_case(&sub))
        .map(reg_json)
        .collect();
    json_response(StatusCode::OK, &json!({ "value": value }))
}

async fn get_registration(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((sub, rg, name)): Path<(String, String, String)>,
    Query(q): Q,
) -> Response {
    if let Err(r) = admitted(&s, &headers, &q) {
        return r;
    }
    let mut state = lock(&s.stack);
    match state.find(&sub, &rg, &name) {
        Some(r) => json_response(StatusCode::OK, &reg_json(r)),
        None => not_found(&sub, &rg, &name),
    }
}

async fn put_registration(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((sub, rg, name)): Path<(String, String, String)>,
    Query(q): Q,
    body: Bytes,
) -> Response {
    if let Err(r) = admitted(&s, &headers, &q) {
        return r;
    }
    let parsed: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let Some(token) = parsed["properties"]["registrationToken"].as_str() else {
        return arm_error(
            StatusCode::BAD_REQUEST,
            "InvalidRegistrationToken",
            "properties.registrationToken is required.",
            Some("registrationToken"),
        );
    };
    // A real token is base64 JSON carrying CloudId and BillingModel; use them when present.
    use base64::Engine;
    let decoded: Value = base64::engine::general_purpose::STANDARD
        .decode(token)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or(Value::Null);
    let mut state = lock(&s.stack);
    let existed = state.find(&sub, &rg, &name).is_some();
    if !existed {
        let mut d = Draw::new(s.world.seed, &[tag::STACK, fnv(&name)]);
        state.registrations.push(Registration {
            subscription: sub.clone(),
            resource_group: rg.clone(),
            name: name.clone(),
            cloud_id: decoded["CloudId"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| d.guid()),
            object_id: d.guid(),
            billing_model: decoded["BillingModel"]
                .as_str()
                .unwrap_or("PayAsYouUse")
                .to_string(),
            multi_tenancy_approved: false,
            mappings: BTreeMap::new(),
        });
    }
    let r = state.find(&sub, &rg, &name).expect("just inserted").clone();
    json_response(
        if existed {
            StatusCode::OK
        } else {
            StatusCode::CREATED
        },
        &reg_json(&r),
    )
}

async fn delete_registration(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((sub, rg, name)): Path<(String, String, String)>,
    Query(q): Q,
) -> Response {
    if let Err(r) = admitted(&s, &headers, &q) {
        return r;
    }
    let mut state = lock(&s.stack);
    let before = state.registrations.len();
    state.registrations.retain(|r| {
        !(r.subscription.eq_ignore_ascii_case(&sub)
            && r.resource_group.eq_ignore_ascii_case(&rg)
            && r.name.eq_ignore_ascii_case(&name))
    });
    if state.registrations.len() < before {
        StatusCode::OK.into_response()
    } else {
        StatusCode::NO_CONTENT.into_response()
    }
}

async fn activation_key(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((sub, rg, name)): Path<(String, String, String)>,
    Query(q): Q,
) -> Response {
    if let Err(r) = admitted(&s, &headers, &q) {
        return r;
    }
    let mut state = lock(&s.stack);
    match state.find(&sub, &rg, &name) {
        Some(r) => {
            use base64::Engine;
            let key = base64::engine::general_purpose::STANDARD
                .encode(json!({ "CloudId": r.cloud_id, "Registration": r.name }).to_string());
            json_response(StatusCode::OK, &json!({ "activationKey": key }))
        }
        None => not_found(&sub, &rg, &name),
    }
}

async fn list_mappings(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((sub, rg, name)): Path<(String, String, String)>,
    Query(q): Q,
) -> Response {
    if let Err(r) = admitted(&s, &headers, &q) {
        return r;
    }
    let skip: usize = q
        .get("$skipToken")
        .and_then(|t| t.parse().ok())
        .unwrap_or(0);
    let mut state = lock(&s.stack);
    let Some(r) = state.find(&sub, &rg, &name).cloned() else {
        return not_found(&sub, &rg, &name);
    };
    let value: Vec<Value> = r
        .mappings
        .iter()
        .skip(skip)
        .take(MAPPING_PAGE)
        .map(|(id, t)| mapping_json(&r, id, t))
        .collect();
    let mut body = json!({ "value": value });
    if skip + MAPPING_PAGE < r.mappings.len() {
        let version = q.get("api-version").cloned().unwrap_or_default();
        body["nextLink"] = json!(format!(
            "{}{}/customerSubscriptions?api-version={version}&$skipToken={}",
            s.base_url,
            reg_id(&r),
            skip + MAPPING_PAGE
        ));
    }
    json_response(StatusCode::OK, &body)
}

async fn get_mapping(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((sub, rg, name, id)): Path<(String, String, String, String)>,
    Query(q): Q,
) -> Response {
    if let Err(r) = admitted(&s, &headers, &q) {
        return r;
    }
    let mut state = lock(&s.stack);
    let Some(r) = state.find(&sub, &rg, &name).cloned() else {
        return not_found(&sub, &rg, &name);
    };
    match r.mappings.get(&id) {
        Some(t) => json_response(StatusCode::OK, &mapping_json(&r, &id, t)),
        None => arm_error(
            StatusCode::NOT_FOUND,
            "CustomerSubscriptionNotFound",
            format!("Customer subscription '{id}' is not registered with registration '{name}'."),
            Some(&id),
        ),
    }
}

fn is_lower_guid(id: &str) -> bool {
    let parts: Vec<&str> = id.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n)
        && id
            .chars()
            .all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c))
}

async fn put_mapping(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((sub, rg, name, id)): Path<(String, String, String, String)>,
    Query(q): Q,
    body: Bytes,
) -> Response {
    if let Err(r) = admitted(&s, &headers, &q) {
        return r;
    }
    let parsed: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let mut state = lock(&s.stack);
    let fixtures = state.fixtures.clone();
    let owner = state.customer_subscriptions.get(&id).cloned();
    let Some(r) = state.find(&sub, &rg, &name) else {
        return not_found(&sub, &rg, &name);
    };
    if r.billing_model == "Capacity" {
        return arm_error(
            StatusCode::FORBIDDEN,
            "CustomerSubscriptionsNotAllowed",
            "Customer subscriptions are not allowed for registrations with BillingModel Capacity. Re-register with PayAsYouUse to add tenants.",
            Some(&name),
        );
    }
    if !r.multi_tenancy_approved {
        return arm_error(
            StatusCode::FORBIDDEN,
            "UnauthorizedCspRegistration",
            "This registration is not approved for multi-tenancy. Contact azstCSP@microsoft.com.",
            Some(&name),
        );
    }
    if !is_lower_guid(&id) {
        return arm_error(
            StatusCode::BAD_REQUEST,
            "InvalidCustomerSubscriptionId",
            format!("'{id}' is not a valid Azure subscription id; use the lowercase GUID of the customer's Azure CSP subscription."),
            Some(&id),
        );
    }
    if id == fixtures.unresolvable_subscription {
        return arm_error(
            StatusCode::BAD_GATEWAY,
            "MetadataResolverBadGatewayError",
            "The subscription metadata could not be resolved. Retry later.",
            Some(&id),
        );
    }
    if id == fixtures.other_partner_subscription {
        return arm_error(
            StatusCode::BAD_REQUEST,
            "BadCustomerSubscriptionId",
            format!("Customer subscription '{id}' rolls up to a different CSP partner than the registration subscription."),
            Some(&id),
        );
    }
    let Some(owner) = owner else {
        return arm_error(
            StatusCode::BAD_REQUEST,
            "InvalidCSPSubscription",
            format!("'{id}' is not a CSP subscription. Check the id; it is usually mistyped."),
            Some(&id),
        );
    };
    let tenant = parsed["properties"]["tenantId"]
        .as_str()
        .map(str::to_string)
        .unwrap_or(owner);
    // One subscription per tenant: a PUT for a tenant already mapped overwrites that mapping.
    r.mappings.retain(|_, t| !t.eq_ignore_ascii_case(&tenant));
    r.mappings.insert(id.clone(), tenant.clone());
    let snapshot = r.clone();
    match s.config.stack_put_style {
        StackPutStyle::SpecOkWithBody => {
            json_response(StatusCode::OK, &mapping_json(&snapshot, &id, &tenant))
        }
        StackPutStyle::DocsCreatedEmpty => StatusCode::CREATED.into_response(),
    }
}

async fn delete_mapping(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((sub, rg, name, id)): Path<(String, String, String, String)>,
    Query(q): Q,
) -> Response {
    if let Err(r) = admitted(&s, &headers, &q) {
        return r;
    }
    let mut state = lock(&s.stack);
    let Some(r) = state.find(&sub, &rg, &name) else {
        return not_found(&sub, &rg, &name);
    };
    if r.mappings.remove(&id).is_some() {
        StatusCode::OK.into_response()
    } else {
        StatusCode::NO_CONTENT.into_response()
    }
}

pub(crate) fn routes() -> Router<AppState> {
    let reg =
        "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.AzureStack/registrations";
    Router::new()
        .route(
            "/subscriptions/{sub}/providers/Microsoft.AzureStack/registrations",
            get(list_in_subscription),
        )
        .route(reg, get(list_in_group))
        .route(
            &format!("{reg}/{{name}}"),
            get(get_registration)
                .put(put_registration)
                .patch(put_registration)
                .delete(delete_registration),
        )
        .route(
            &format!("{reg}/{{name}}/getactivationkey"),
            post(activation_key),
        )
        .route(
            &format!("{reg}/{{name}}/customerSubscriptions"),
            get(list_mappings),
        )
        .route(
            &format!("{reg}/{{name}}/customerSubscriptions/{{id}}"),
            get(get_mapping).put(put_mapping).delete(delete_mapping),
        )
}
