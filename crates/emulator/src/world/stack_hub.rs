//! The partner's Azure Stack Hub as its operator sees it: the Stack's user subscriptions (one per
//! customer Azure subscription whose resources run on the Stack, plus the operator's own lab
//! tenant that no registration maps) and their usage per period. Usage is derived from the same
//! resources and daily quantities that Partner Center bills, so what the Stack reports and what
//! commerce rates agree by construction; the lab is a fixed 4-vCPU VM running every hour, so its
//! rated amount can be worked out by hand (96 vCPU-hours a day).

use chrono::{Duration, NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;

use super::catalog::{self, STACK_METERS};
use super::World;
use crate::entropy::{fnv, tag, Draw};

/// vCPUs of the lab VM (a Standard_A4_v2).
pub const LAB_VCPUS: u32 = 4;

/// Who a Stack user subscription belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Holder {
    /// A CSP customer: (customer index, index of its Azure subscription with Stack resources).
    Customer(u32, u32),
    /// The operator's own lab tenant (never mapped on a registration).
    Lab,
}

/// One user subscription on the Stack (`Microsoft.Subscriptions.Admin/subscriptions`).
#[derive(Clone, Debug)]
pub struct UserSubscription {
    /// Stack subscription id (lowercase GUID; not the customer's Azure subscription id).
    pub id: String,
    /// Directory tenant of the subscriber.
    pub tenant_id: String,
    /// Owner UPN.
    pub owner: String,
    /// Display name.
    pub display_name: String,
    /// Whose it is.
    pub holder: Holder,
}

/// One usage record of a user subscription for one resource and period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsageRecord {
    /// Stack user subscription.
    pub subscription_id: String,
    /// Local Stack meter id (upper case, as the Stack reports it).
    pub meter_id: &'static str,
    /// ARM resource id on the Stack.
    pub resource_uri: String,
    /// Region of the Stack.
    pub location: &'static str,
    /// Tags as JSON object text.
    pub tags: String,
    /// `additionalInfo` as JSON object text.
    pub additional_info: String,
    /// Period start (UTC).
    pub start: NaiveDateTime,
    /// Period end (UTC).
    pub end: NaiveDateTime,
    /// Quantity in the meter's unit.
    pub quantity: Decimal,
}

/// The Stack's fixed facts.
#[derive(Clone, Debug)]
pub struct StackHub {
    /// The operator's Default Provider Subscription (the admin ARM's `{subId}`).
    pub provider_subscription_id: String,
    /// User subscriptions, customers' first, the lab last.
    pub subscriptions: Vec<UserSubscription>,
    /// The lab tenant (not a CSP customer, not mapped).
    pub lab_tenant_id: String,
}

/// Region name the Stack reports.
pub const LOCATION: &str = "local";

impl StackHub {
    /// Derives the Stack from the world: every customer Azure subscription marked `stack`.
    pub fn of(world: &World) -> StackHub {
        let mut d = Draw::new(world.seed, &[tag::STACK, fnv("stack-hub")]);
        let provider_subscription_id = d.guid();
        let lab_tenant_id = d.guid();
        let mut subscriptions = Vec::new();
        for ci in 0..world.customer_count() {
            let c = world.customer(ci);
            for ei in 0..c.entitlement_count {
                let e = world.entitlement(&c, ei);
                if !e.stack {
                    continue;
                }
                let mut s = Draw::new(world.seed, &[tag::STACK, ci as u64, ei as u64]);
                subscriptions.push(UserSubscription {
                    id: s.guid(),
                    tenant_id: c.tenant_id.clone(),
                    owner: format!("admin@{}", c.domain),
                    display_name: format!("{} on Azure Stack", e.friendly_name),
                    holder: Holder::Customer(ci, ei),
                });
            }
        }
        subscriptions.push(UserSubscription {
            id: d.guid(),
            tenant_id: lab_tenant_id.clone(),
            owner: format!("operator@{}", world.partner.domain),
            display_name: "Operator lab".into(),
            holder: Holder::Lab,
        });
        StackHub {
            provider_subscription_id,
            subscriptions,
            lab_tenant_id,
        }
    }

    /// The lab's user subscription.
    pub fn lab(&self) -> &UserSubscription {
        self.subscriptions
            .iter()
            .find(|s| s.holder == Holder::Lab)
            .expect("the lab is always generated")
    }

    /// Usage of `sub` on `day`, whole (daily) or split into 24 hours (hourly). Hours of a day
    /// add up exactly to its daily quantity: 23 hours of the day's quantity / 24 cut to 6
    /// decimals, the last hour the rest. Nothing before the world's history starts.
    pub fn usage(
        &self,
        world: &World,
        sub: &UserSubscription,
        day: NaiveDate,
        hourly: bool,
    ) -> Vec<UsageRecord> {
        let mut daily: Vec<UsageRecord> = Vec::new();
        let start = day.and_hms_opt(0, 0, 0).expect("midnight");
        let end = start + Duration::days(1);
        match sub.holder {
            Holder::Lab => {
                if day < world.epoch {
                    return Vec::new();
                }
                daily.push(UsageRecord {
                    subscription_id: sub.id.clone(),
                    meter_id: STACK_METERS[0].stack_meter_id,
                    resource_uri: format!(
                        "/subscriptions/{}/resourceGroups/lab/providers/Microsoft.Compute/virtualMachines/lab-vm01",
                        sub.id
                    ),
                    location: LOCATION,
                    tags: r#"{"env":"lab"}"#.into(),
                    additional_info: r#"{"ServiceType":"Standard_A4_v2","ImageType":"Linux"}"#
                        .into(),
                    start,
                    end,
                    quantity: Decimal::from(LAB_VCPUS * 24),
                });
            }
            Holder::Customer(ci, ei) => {
                let c = world.customer(ci);
                if day < c.usage_start(world) {
                    return Vec::new();
                }
                let e = world.entitlement(&c, ei);
                for ri in 0..e.resources {
                    let r = world.resource(&c, &e, ri);
                    let m = catalog::meter(r.meter);
                    let name = r.uri.rsplit('/').next().unwrap_or("resource");
                    daily.push(UsageRecord {
                        subscription_id: sub.id.clone(),
                        meter_id: m.stack_meter_id,
                        resource_uri: format!(
                            "/subscriptions/{}/resourceGroups/{}/providers/{}/{}/{name}",
                            sub.id, r.resource_group, m.provider, m.resource_type
                        ),
                        location: LOCATION,
                        tags: r.tags.clone(),
                        additional_info: "{}".into(),
                        start,
                        end,
                        quantity: r.quantity(world, &c, &e, day),
                    });
                }
            }
        }
        if !hourly {
            return daily;
        }
        let mut out = Vec::with_capacity(daily.len() * 24);
        for hour in 0..24i64 {
            for rec in &daily {
                let part = (rec.quantity / Decimal::from(24)).trunc_with_scale(6);
                let quantity = if hour == 23 {
                    rec.quantity - part * Decimal::from(23)
                } else {
                    part
                };
                out.push(UsageRecord {
                    start: start + Duration::hours(hour),
                    end: start + Duration::hours(hour + 1),
                    quantity,
                    ..rec.clone()
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Preset;

    #[test]
    fn hours_add_up_to_the_day_and_the_lab_runs_four_vcpus_every_hour() {
        let world = World::new(Preset::S, 4, NaiveDate::from_ymd_opt(2026, 3, 10).unwrap());
        let hub = StackHub::of(&world);
        assert!(
            hub.subscriptions.len() >= 3,
            "customers 0 and 1 always have Stack subscriptions, plus the lab"
        );
        let day = world.epoch + Duration::days(40);
        for sub in &hub.subscriptions {
            let daily = hub.usage(&world, sub, day, false);
            let hourly = hub.usage(&world, sub, day, true);
            assert_eq!(hourly.len(), daily.len() * 24);
            let total = |rs: &[UsageRecord]| rs.iter().map(|r| r.quantity).sum::<Decimal>();
            assert_eq!(
                total(&daily),
                total(&hourly),
                "{}: no quantity lost",
                sub.id
            );
        }
        let lab = hub.usage(&world, hub.lab(), day, true);
        assert!(lab.iter().all(|r| r.quantity == Decimal::from(4)));
    }
}
