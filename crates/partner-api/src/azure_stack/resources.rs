//! Reading `Microsoft.AzureStack`'s resource bodies (issue 18). What Azure names a resource is
//! read from its resource `id`, never from `name` alone: ARM names a child resource
//! `{parent}/{child}` (`testregistration/E09A...` for a customer subscription), Microsoft's own
//! Get sample of a registration carries the resource group as `name`, and its PUT sample of a
//! customer subscription answers with `id` and `name` empty. Ids and tenants must be GUIDs; a
//! list item that still cannot be read is kept aside with the reason ([`SetAside`]).

use serde::Deserialize;

use super::{CustomerSubscription, RegistrationRef, StackRegistration};
use crate::error::{Error, Result};
pub use crate::paging::SetAside;

/// A list read from ARM: the items read, and those kept aside.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listing<T> {
    /// Items read.
    pub items: Vec<T>,
    /// Items that could not be read, with why.
    pub set_aside: Vec<SetAside>,
}

#[derive(Deserialize)]
pub(super) struct RegistrationJson {
    #[serde(default)]
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    properties: RegistrationProps,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct RegistrationProps {
    #[serde(default)]
    cloud_id: Option<String>,
    #[serde(default)]
    object_id: Option<String>,
    #[serde(default)]
    billing_model: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct MappingJson {
    #[serde(default)]
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    properties: MappingProps,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct MappingProps {
    #[serde(default)]
    tenant_id: Option<String>,
}

/// The segment after `key` in an ARM resource id (case-insensitive key), if any.
fn id_segment<'a>(id: &'a str, key: &str) -> Option<&'a str> {
    let parts: Vec<&str> = id.split('/').collect();
    parts
        .iter()
        .position(|p| p.eq_ignore_ascii_case(key))
        .and_then(|i| parts.get(i + 1))
        .copied()
        .filter(|s| !s.is_empty())
}

/// The last non-empty segment of `text` split on `/`.
fn last_segment(text: &str) -> Option<&str> {
    text.split('/').rev().find(|s| !s.trim().is_empty())
}

/// A lowercase GUID, or `None`.
pub(super) fn guid(text: &str) -> Option<String> {
    let t = text.trim().trim_start_matches('{').trim_end_matches('}');
    match uuid::Uuid::try_parse(t) {
        Ok(u) if t.len() == 36 && !u.is_nil() => Some(u.hyphenated().to_string()),
        _ => None,
    }
}

fn bad(endpoint: &str, field: &str, detail: String) -> Error {
    Error::BadResponse {
        endpoint: endpoint.split('?').next().unwrap_or(endpoint).to_string(),
        field: field.into(),
        detail,
    }
}

/// Reads each raw item with `read`; what fails is kept aside with its index and reason.
pub(super) fn read_items<T, J: serde::de::DeserializeOwned>(
    endpoint: &str,
    items: Vec<serde_json::Value>,
    read: impl Fn(J) -> Result<T>,
) -> Listing<T> {
    let endpoint = endpoint.split('?').next().unwrap_or(endpoint).to_string();
    let mut listing = Listing {
        items: Vec::with_capacity(items.len()),
        set_aside: Vec::new(),
    };
    for (index, raw) in items.into_iter().enumerate() {
        let text = raw.to_string();
        let read = serde_json::from_value::<J>(raw)
            .map_err(|e| ("item".to_string(), format!("not the documented shape: {e}")))
            .and_then(|j| {
                read(j).map_err(|e| match e {
                    Error::BadResponse { field, detail, .. } => (field, detail),
                    other => ("item".to_string(), other.to_string()),
                })
            });
        match read {
            Ok(item) => listing.items.push(item),
            Err((field, reason)) => {
                tracing::warn!(%endpoint, index, %field, %reason, "Azure Stack list item kept aside");
                listing.set_aside.push(SetAside {
                    endpoint: endpoint.clone(),
                    index,
                    field,
                    reason,
                    raw: text,
                })
            }
        }
    }
    listing
}

pub(super) fn registration_of(endpoint: &str, r: RegistrationJson) -> Result<StackRegistration> {
    // `/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.AzureStack/registrations/{name}`:
    // the name comes from the id too (Microsoft's Get sample sends the resource group as `name`).
    let (Some(subscription_id), Some(resource_group)) = (
        id_segment(&r.id, "subscriptions"),
        id_segment(&r.id, "resourceGroups"),
    ) else {
        return Err(bad(
            endpoint,
            "id",
            format!("'{}' is not a registration resource id", r.id),
        ));
    };
    let Some(name) = id_segment(&r.id, "registrations").or_else(|| last_segment(&r.name)) else {
        return Err(bad(
            endpoint,
            "id",
            format!("'{}' names no registration", r.id),
        ));
    };
    Ok(StackRegistration {
        at: RegistrationRef {
            subscription_id: subscription_id.to_string(),
            resource_group: resource_group.to_string(),
            name: name.to_string(),
        },
        cloud_id: r.properties.cloud_id.unwrap_or_default(),
        object_id: r.properties.object_id.unwrap_or_default(),
        billing_model: r.properties.billing_model.unwrap_or_default(),
    })
}

/// A customer subscription from ARM's body: its id from the resource id's last segment, else
/// from `name`'s last segment (ARM names it `{registration}/{id}`), else — a PUT reply as in
/// Microsoft's sample, with both empty — the id `requested`. The id and the tenant must be GUIDs.
pub(super) fn mapping_of(
    endpoint: &str,
    m: MappingJson,
    requested: Option<&str>,
) -> Result<CustomerSubscription> {
    let named = id_segment(&m.id, "customerSubscriptions")
        .or_else(|| last_segment(&m.id))
        .or_else(|| last_segment(&m.name));
    let subscription_id = match (named, requested) {
        (Some(n), _) => guid(n).ok_or_else(|| {
            bad(
                endpoint,
                "id",
                format!(
                    "'{n}' (from id '{}', name '{}') is not a subscription GUID",
                    m.id, m.name
                ),
            )
        })?,
        (None, Some(r)) => r.to_string(),
        (None, None) => {
            return Err(bad(
                endpoint,
                "id",
                "neither id nor name names the customer subscription".into(),
            ))
        }
    };
    if let Some(r) = requested {
        if !subscription_id.eq_ignore_ascii_case(r) {
            return Err(bad(
                endpoint,
                "id",
                format!("Azure answered for subscription {subscription_id}, not {r}"),
            ));
        }
    }
    let tenant = m.properties.tenant_id.unwrap_or_default();
    let tenant_id = guid(&tenant).ok_or_else(|| {
        bad(
            endpoint,
            "properties.tenantId",
            format!("customer subscription {subscription_id}: '{tenant}' is not a tenant GUID"),
        )
    })?;
    Ok(CustomerSubscription {
        subscription_id,
        tenant_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const LIST: &str = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.AzureStack/registrations/r/customerSubscriptions";

    #[test]
    fn an_item_without_a_guid_is_kept_aside_and_the_rest_is_read() {
        let items = vec![
            json!({"name": "r/E09A4E93-29A7-4EBA-A6D4-76202383F07F", "properties": {"tenantId": "DBAB3982-796F-4D03-9908-044C08AEF8A2"}}),
            json!({"id": format!("{LIST}/not-a-guid"), "name": "r/not-a-guid", "properties": {"tenantId": "dbab3982-796f-4d03-9908-044c08aef8a2"}}),
            json!({"id": format!("{LIST}/0d2ab3a7-1b7a-4f3e-9c5b-7e1a0f8c3d21"), "properties": {}}),
            json!("not an object"),
        ];
        let listing = read_items(LIST, items, |m: MappingJson| mapping_of(LIST, m, None));
        assert_eq!(
            listing.items,
            vec![CustomerSubscription {
                subscription_id: "e09a4e93-29a7-4eba-a6d4-76202383f07f".into(),
                tenant_id: "dbab3982-796f-4d03-9908-044c08aef8a2".into(),
            }],
            "the name's last segment when there is no id; both lowercased"
        );
        let aside: Vec<(usize, &str)> = listing
            .set_aside
            .iter()
            .map(|s| (s.index, s.field.as_str()))
            .collect();
        assert_eq!(
            aside,
            vec![(1, "id"), (2, "properties.tenantId"), (3, "item")]
        );
        assert!(listing.set_aside[1].raw.contains("0d2ab3a7"), "kept raw");
        assert!(listing.set_aside[0].reason.contains("not-a-guid"));
    }

    #[test]
    fn a_reply_naming_another_subscription_than_the_one_put_is_refused() {
        let m: MappingJson = serde_json::from_value(json!({
            "id": format!("{LIST}/0d2ab3a7-1b7a-4f3e-9c5b-7e1a0f8c3d21"),
            "properties": {"tenantId": "dbab3982-796f-4d03-9908-044c08aef8a2"}
        }))
        .unwrap();
        match mapping_of(LIST, m, Some("e09a4e93-29a7-4eba-a6d4-76202383f07f")) {
            Err(Error::BadResponse { field, .. }) => assert_eq!(field, "id"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_registration_without_a_resource_id_is_refused() {
        let r: RegistrationJson =
            serde_json::from_value(json!({"name": "testregistration"})).unwrap();
        assert!(matches!(
            registration_of("/x", r),
            Err(Error::BadResponse { .. })
        ));
    }
}
