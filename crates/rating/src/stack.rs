//! Azure Stack Hub usage: who pays for it and what it costs. A Stack reports usage per user
//! subscription with its own local meter ids (reference §9.2); commerce bills it to the
//! customer subscription mapped on the registration for the user subscription's tenant, or,
//! when the tenant is not mapped, to the registration (default) subscription (§9). Prices are
//! the price list rows with Region "Azure Stack", found by meter name because the local meter
//! ids differ from the commerce ones. VMs are priced per vCPU-hour, one rate for every VM size,
//! so a VM's quantity is already vCPUs x hours and needs no size table.
//!
//! # Rounding
//! None inside. A line (target subscription, month, meter) costs its price table applied to
//! the month's summed quantity at full decimal precision (for a flat rate: Σ quantity x rate,
//! which equals Σ (quantity x rate) exactly), and totals are exact sums of lines. Microsoft
//! rounds when it invoices; these are estimates of that usage and keep every digit, so
//! 288 vCPU-hours x 0.008 is 2.304, not 2.30. Pages show amounts with at least cents and every
//! further digit kept.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, Utc};
use rust_decimal::Decimal;

use crate::tiers::TierTable;

/// Region of the price list rows that price Azure Stack Hub meters.
pub const STACK_REGION: &str = "Azure Stack";

/// A local Azure Stack Hub meter (reference §9.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StackMeter {
    /// Local meter id, upper case.
    pub local_id: &'static str,
    /// Meter name, as the price list names it.
    pub name: &'static str,
    /// Unit of the quantity.
    pub unit: &'static str,
}

/// The documented meters (§9.2) whose name is also their price list name.
pub const STACK_METERS: &[StackMeter] = &[
    StackMeter {
        local_id: "FAB6EB84-500B-4A09-A8CA-7358F8BBAEA5",
        name: "Base VM Size Hours",
        unit: "vCPU Hours",
    },
    StackMeter {
        local_id: "9CD92D4C-BAFD-4492-B278-BEDC2DE8232A",
        name: "Windows VM Size Hours",
        unit: "vCPU Hours",
    },
    StackMeter {
        local_id: "6DAB500F-A4FD-49C4-956D-229BB9C8C793",
        name: "VM size hours",
        unit: "VM Hours",
    },
    StackMeter {
        local_id: "B4438D5D-453B-4EE1-B42A-DC72E377F1E4",
        name: "TableCapacity",
        unit: "GB*hours",
    },
    StackMeter {
        local_id: "B5C15376-6C94-4FDD-B655-1A69D138ACA3",
        name: "PageBlobCapacity",
        unit: "GB*hours",
    },
    StackMeter {
        local_id: "B03C6AE7-B080-4BFA-84A3-22C800F315C6",
        name: "QueueCapacity",
        unit: "GB*hours",
    },
    StackMeter {
        local_id: "09F8879E-87E9-4305-A572-4B7BE209F857",
        name: "BlockBlobCapacity",
        unit: "GB*hours",
    },
    StackMeter {
        local_id: "190C935E-9ADA-48FF-9AB8-56EA1CF9ADAA",
        name: "App Service",
        unit: "vCPU Hours",
    },
];

/// The documented meter of a local id (any case).
pub fn stack_meter(local_id: &str) -> Option<&'static StackMeter> {
    STACK_METERS
        .iter()
        .find(|m| m.local_id.eq_ignore_ascii_case(local_id))
}

/// Who pays for a user subscription's usage.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Attribution {
    /// The customer subscription mapped for the tenant on the registration.
    Customer {
        /// The customer's Azure subscription.
        subscription_id: String,
        /// The customer's tenant.
        tenant_id: String,
    },
    /// The registration subscription: the tenant is not mapped (or the Stack names none).
    Default {
        /// The registration subscription.
        subscription_id: String,
    },
}

impl Attribution {
    /// The subscription billed.
    pub fn subscription_id(&self) -> &str {
        match self {
            Attribution::Customer {
                subscription_id, ..
            }
            | Attribution::Default { subscription_id } => subscription_id,
        }
    }
}

/// What attribution needs of one registration: its subscription, its tenant mappings, and the
/// tenant of each of the Stack's user subscriptions.
#[derive(Debug, Clone, Default)]
pub struct Tenancy {
    default_subscription: String,
    mapped: HashMap<String, String>,
    tenants: HashMap<String, String>,
}

impl Tenancy {
    /// A registration whose subscription is `default_subscription`; `mappings` are
    /// (customer subscription, tenant), `user_subscriptions` are (Stack subscription, tenant).
    pub fn new(
        default_subscription: &str,
        mappings: impl IntoIterator<Item = (String, String)>,
        user_subscriptions: impl IntoIterator<Item = (String, String)>,
    ) -> Tenancy {
        Tenancy {
            default_subscription: default_subscription.to_ascii_lowercase(),
            mapped: mappings
                .into_iter()
                .map(|(s, t)| (t.to_ascii_lowercase(), s.to_ascii_lowercase()))
                .collect(),
            tenants: user_subscriptions
                .into_iter()
                .map(|(s, t)| (s.to_ascii_lowercase(), t.to_ascii_lowercase()))
                .collect(),
        }
    }

    /// Who pays for `user_subscription`'s usage.
    pub fn attribute(&self, user_subscription: &str) -> Attribution {
        let tenant = self.tenants.get(&user_subscription.to_ascii_lowercase());
        match tenant.and_then(|t| self.mapped.get(t).map(|s| (s, t))) {
            Some((subscription, tenant)) => Attribution::Customer {
                subscription_id: subscription.clone(),
                tenant_id: tenant.clone(),
            },
            None => Attribution::Default {
                subscription_id: self.default_subscription.clone(),
            },
        }
    }
}

/// Prices of Stack meters in one currency, by meter name.
#[derive(Debug, Clone)]
pub struct StackPrices {
    /// Currency of the prices.
    pub currency: String,
    by_name: HashMap<String, TierTable>,
}

impl StackPrices {
    /// From price list rows (region, meter name, price table): only Region "Azure Stack".
    pub fn from_rows<'a>(
        currency: &str,
        rows: impl IntoIterator<Item = (&'a str, &'a str, TierTable)>,
    ) -> StackPrices {
        StackPrices {
            currency: currency.to_string(),
            by_name: rows
                .into_iter()
                .filter(|(region, _, _)| region.eq_ignore_ascii_case(STACK_REGION))
                .map(|(_, name, table)| (name.to_ascii_lowercase(), table))
                .collect(),
        }
    }

    fn of(&self, meter: &StackMeter) -> Option<&TierTable> {
        self.by_name.get(&meter.name.to_ascii_lowercase())
    }
}

/// One usage record as the Stack reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackUsage {
    /// The Stack user subscription.
    pub user_subscription_id: String,
    /// Local meter id.
    pub meter_id: String,
    /// Period start.
    pub usage_start: DateTime<Utc>,
    /// Period end.
    pub usage_end: DateTime<Utc>,
    /// Quantity in the meter's unit.
    pub quantity: Decimal,
}

/// One rated line: a target subscription's usage of one meter in one month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackLine {
    /// Who pays.
    pub attribution: Attribution,
    /// Calendar month of the usage (UTC), `YYYY-MM`.
    pub month: String,
    /// Local meter id, upper case.
    pub meter_id: String,
    /// Meter name (the id when the meter is not documented).
    pub meter_name: String,
    /// Unit.
    pub unit: String,
    /// Summed quantity.
    pub quantity: Decimal,
    /// Price per unit of the first tier, when priced.
    pub rate: Option<Decimal>,
    /// Cost at full precision, when priced (see the module's rounding rule).
    pub amount: Option<Decimal>,
}

/// Attributes and rates `usage`. Records ending after `now` cannot have been reported and are
/// left out; a meter with no Region "Azure Stack" price gets a line without rate and amount
/// rather than vanishing, so the page can say what is unpriced.
pub fn rate_stack_usage(
    usage: &[StackUsage],
    tenancy: &Tenancy,
    prices: &StackPrices,
    now: DateTime<Utc>,
) -> Vec<StackLine> {
    let mut sums: BTreeMap<(Attribution, String, String), Decimal> = BTreeMap::new();
    for u in usage.iter().filter(|u| u.usage_end <= now) {
        let month = format!("{:04}-{:02}", u.usage_start.year(), u.usage_start.month());
        *sums
            .entry((
                tenancy.attribute(&u.user_subscription_id),
                month,
                u.meter_id.to_ascii_uppercase(),
            ))
            .or_default() += u.quantity;
    }
    sums.into_iter()
        .map(|((attribution, month, meter_id), quantity)| {
            let meter = stack_meter(&meter_id);
            let table = meter.and_then(|m| prices.of(m));
            StackLine {
                attribution,
                month,
                meter_name: meter.map_or(meter_id.clone(), |m| m.name.to_string()),
                unit: meter.map_or(String::new(), |m| m.unit.to_string()),
                meter_id,
                quantity,
                rate: table.and_then(|t| t.tiers().first().map(|tier| tier.unit_price)),
                amount: table.map(|t| t.cost(quantity)),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};
    use rust_decimal_macros::dec;

    const BASE_VM: &str = "FAB6EB84-500B-4A09-A8CA-7358F8BBAEA5";
    const WIN_VM: &str = "9CD92D4C-BAFD-4492-B278-BEDC2DE8232A";
    const REGISTRATION_SUB: &str = "aaaaaaaa-0000-4000-8000-000000000001";
    const CUSTOMER_SUB: &str = "cccccccc-0000-4000-8000-000000000002";

    fn tenancy() -> Tenancy {
        Tenancy::new(
            REGISTRATION_SUB,
            [(CUSTOMER_SUB.to_string(), "TENANT-MAPPED".to_string())],
            [
                ("u-mapped".to_string(), "tenant-mapped".to_string()),
                ("u-lab".to_string(), "tenant-unregistered".to_string()),
            ],
        )
    }

    fn prices() -> StackPrices {
        StackPrices::from_rows(
            "USD",
            [
                (
                    "Azure Stack",
                    "Base VM Size Hours",
                    TierTable::flat(dec!(0.008)).unwrap(),
                ),
                (
                    "Azure Stack",
                    "Windows VM Size Hours",
                    TierTable::flat(dec!(0.046)).unwrap(),
                ),
                // Same name in a public region: not a Stack price.
                (
                    "US East",
                    "BlockBlobCapacity",
                    TierTable::flat(dec!(1)).unwrap(),
                ),
            ],
        )
    }

    /// Hourly records of one VM: `vcpus` per hour for `hours` hours from 2026-03-01.
    fn vm(sub: &str, meter: &str, vcpus: i64, hours: i64) -> Vec<StackUsage> {
        let start = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
        (0..hours)
            .map(|h| StackUsage {
                user_subscription_id: sub.into(),
                meter_id: meter.into(),
                usage_start: start + Duration::hours(h),
                usage_end: start + Duration::hours(h + 1),
                quantity: Decimal::from(vcpus),
            })
            .collect()
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 20, 0, 0, 0).unwrap()
    }

    #[test]
    fn an_unregistered_tenants_4_vcpu_vm_for_72_hours_lands_on_the_default_subscription() {
        // By hand: 4 vCPUs x 72 hours = 288 vCPU-hours; 288 x 0.008 USD = 2.304 USD.
        let lines = rate_stack_usage(&vm("u-lab", BASE_VM, 4, 72), &tenancy(), &prices(), now());
        assert_eq!(lines.len(), 1);
        let l = &lines[0];
        assert_eq!(
            l.attribution,
            Attribution::Default {
                subscription_id: REGISTRATION_SUB.into()
            },
            "a tenant not mapped on the registration bills to the registration subscription"
        );
        assert_eq!(l.month, "2026-03");
        assert_eq!(l.quantity, dec!(288));
        assert_eq!(l.rate, Some(dec!(0.008)));
        assert_eq!(
            l.amount,
            Some(dec!(2.304)),
            "kept at full precision, not 2.30"
        );
    }

    #[test]
    fn one_rate_for_every_vm_size_and_mapped_tenants_bill_their_customer_subscription() {
        // By hand: a 2-vCPU and a 16-vCPU VM for 10 hours = 20 + 160 = 180 vCPU-hours at the
        // same 0.008 = 1.44; a 4-vCPU Windows VM for 5 hours = 20 x 0.046 = 0.92.
        let mut usage = vm("u-mapped", BASE_VM, 2, 10);
        usage.extend(vm("u-mapped", BASE_VM, 16, 10));
        usage.extend(vm("U-MAPPED", WIN_VM, 4, 5));
        let lines = rate_stack_usage(&usage, &tenancy(), &prices(), now());
        let customer = Attribution::Customer {
            subscription_id: CUSTOMER_SUB.into(),
            tenant_id: "tenant-mapped".into(),
        };
        assert!(lines.iter().all(|l| l.attribution == customer), "{lines:?}");
        let amount = |id: &str| {
            lines
                .iter()
                .find(|l| l.meter_id == id)
                .and_then(|l| l.amount)
        };
        assert_eq!(amount(BASE_VM), Some(dec!(1.44)));
        assert_eq!(amount(WIN_VM), Some(dec!(0.92)));
    }

    #[test]
    fn unknown_subscriptions_go_to_default_unpriced_meters_stay_and_unreported_hours_are_left_out()
    {
        let mut usage = vm("u-unknown", BASE_VM, 1, 3);
        usage.extend(vm("u-lab", "09F8879E-87E9-4305-A572-4B7BE209F857", 10, 2));
        let cutoff = Utc.with_ymd_and_hms(2026, 3, 1, 2, 0, 0).unwrap();
        let lines = rate_stack_usage(&usage, &tenancy(), &prices(), cutoff);
        let vm_line = lines.iter().find(|l| l.meter_id == BASE_VM).unwrap();
        assert_eq!(vm_line.attribution.subscription_id(), REGISTRATION_SUB);
        assert_eq!(
            vm_line.quantity,
            dec!(2),
            "the hour ending after now is not counted"
        );
        let blob = lines
            .iter()
            .find(|l| l.meter_name == "BlockBlobCapacity")
            .unwrap();
        assert_eq!(
            (blob.rate, blob.amount),
            (None, None),
            "a US East price is not a Stack price"
        );
        assert_eq!(blob.quantity, dec!(20));
    }

    #[test]
    fn hourly_fractions_sum_exactly() {
        // Three hours of 0.1 vCPU-hours at 0.008: 0.3 x 0.008 = 0.0024 exactly (no float drift).
        let mut usage = vm("u-lab", BASE_VM, 0, 3);
        for u in &mut usage {
            u.quantity = dec!(0.1);
        }
        let lines = rate_stack_usage(&usage, &tenancy(), &prices(), now());
        assert_eq!(lines[0].amount, Some(dec!(0.0024)));
    }
}
