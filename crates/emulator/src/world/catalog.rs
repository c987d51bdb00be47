//! The meters the generated partner consumes, with list prices in USD, graduated tiers and
//! included quantities. One table feeds usage generation, rating, the rate card and exports, so
//! "rated usage matches the price list" holds by construction.

use rust_decimal::Decimal;
use std::str::FromStr;

/// One billable meter (region is attached per customer, see [`super::Region`]).
#[derive(Debug)]
pub struct Meter {
    /// Short stable code used to derive per-region meter GUIDs.
    pub code: &'static str,
    /// Meter name.
    pub name: &'static str,
    /// Meter category (service).
    pub category: &'static str,
    /// Meter subcategory.
    pub subcategory: &'static str,
    /// Unit of measure.
    pub unit: &'static str,
    /// Graduated tiers: (threshold in units after the included quantity, USD price per unit).
    pub tiers: &'static [(&'static str, &'static str)],
    /// Free units per month, consumed before the first tier.
    pub included: &'static str,
    /// Typical daily quantity range of one resource (min, max) in thousandths of a unit.
    pub daily_milli: (u64, u64),
    /// Marketplace / third-party product: never earns PEC, excluded from offer discounts.
    pub third_party: bool,
    /// Spot capacity: never earns PEC.
    pub spot: bool,
    /// Azure Stack Hub usage.
    pub stack: bool,
    /// `consumedService` / resource provider.
    pub provider: &'static str,
    /// ARM resource type under the provider.
    pub resource_type: &'static str,
    /// Azure plan product id of the meter.
    pub product_id: &'static str,
    /// Local Azure Stack meter id (for Stack meters; the commerce id differs).
    pub stack_meter_id: &'static str,
    /// Cost Management pricing model of the usage.
    pub pricing_model: &'static str,
}

impl Meter {
    /// Parsed tiers.
    pub fn tier_table(&self) -> Vec<(Decimal, Decimal)> {
        self.tiers.iter().map(|(t, p)| (dec(t), dec(p))).collect()
    }

    /// First-tier (list) unit price in USD.
    pub fn list_price(&self) -> Decimal {
        dec(self.tiers[0].1)
    }

    /// Included quantity per month.
    pub fn included_quantity(&self) -> Decimal {
        dec(self.included)
    }

    /// Whether the usage can earn Partner Earned Credit at all.
    pub fn pec_eligible(&self) -> bool {
        !self.third_party && !self.spot
    }
}

/// Parses a literal from the static table (the table is code, so a bad literal is a bug).
pub(crate) fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_else(|_| panic!("bad decimal literal in catalog: {s}"))
}

/// Azure (public cloud) meters.
pub static METERS: &[Meter] = &[
    Meter {
        code: "vm-d2sv3",
        name: "D2s v3",
        category: "Virtual Machines",
        subcategory: "Dsv3 Series",
        unit: "1 Hour",
        tiers: &[("0", "0.096")],
        included: "0",
        daily_milli: (4_000, 24_000),
        third_party: false,
        spot: false,
        stack: false,
        provider: "Microsoft.Compute",
        resource_type: "virtualMachines",
        product_id: "DZH318Z0BQ3Q",
        stack_meter_id: "",
        pricing_model: "On Demand",
    },
    Meter {
        code: "vm-d4sv3-win",
        name: "D4s v3",
        category: "Virtual Machines",
        subcategory: "Dsv3 Series Windows",
        unit: "1 Hour",
        tiers: &[("0", "0.376")],
        included: "0",
        daily_milli: (8_000, 24_000),
        third_party: false,
        spot: false,
        stack: false,
        provider: "Microsoft.Compute",
        resource_type: "virtualMachines",
        product_id: "DZH318Z0BQ4D",
        stack_meter_id: "",
        pricing_model: "On Demand",
    },
    Meter {
        code: "vm-d2sv3-spot",
        name: "D2s v3 Spot",
        category: "Virtual Machines",
        subcategory: "Dsv3 Series",
        unit: "1 Hour",
        tiers: &[("0", "0.0192")],
        included: "0",
        daily_milli: (2_000, 24_000),
        third_party: false,
        spot: true,
        stack: false,
        provider: "Microsoft.Compute",
        resource_type: "virtualMachines",
        product_id: "DZH318Z0BQ3Q",
        stack_meter_id: "",
        pricing_model: "Spot",
    },
    Meter {
        code: "disk-p10",
        name: "P10 LRS Disk",
        category: "Storage",
        subcategory: "Premium SSD Managed Disks",
        unit: "1/Month",
        tiers: &[("0", "19.71")],
        included: "0",
        daily_milli: (33, 33),
        third_party: false,
        spot: false,
        stack: false,
        provider: "Microsoft.Compute",
        resource_type: "disks",
        product_id: "DZH318Z0BP8B",
        stack_meter_id: "",
        pricing_model: "On Demand",
    },
    Meter {
        code: "blob-lrs-hot",
        name: "Hot LRS Data Stored",
        category: "Storage",
        subcategory: "General Block Blob v2",
        unit: "1 GB/Month",
        tiers: &[("0", "0.0208"), ("51200", "0.02"), ("512000", "0.0191")],
        included: "0",
        daily_milli: (200_000, 9_000_000),
        third_party: false,
        spot: false,
        stack: false,
        provider: "Microsoft.Storage",
        resource_type: "storageAccounts",
        product_id: "DZH318Z0BNXN",
        stack_meter_id: "",
        pricing_model: "On Demand",
    },
    Meter {
        code: "bw-out",
        name: "Standard Data Transfer Out",
        category: "Bandwidth",
        subcategory: "",
        unit: "1 GB",
        tiers: &[
            ("0", "0.087"),
            ("10240", "0.083"),
            ("51200", "0.07"),
            ("153600", "0.05"),
        ],
        included: "100",
        daily_milli: (1_000, 900_000),
        third_party: false,
        spot: false,
        stack: false,
        provider: "Microsoft.Network",
        resource_type: "publicIPAddresses",
        product_id: "DZH318Z0BNVX",
        stack_meter_id: "",
        pricing_model: "On Demand",
    },
    Meter {
        code: "sql-s1",
        name: "S1 DTUs",
        category: "SQL Database",
        subcategory: "Single Standard",
        unit: "1/Day",
        tiers: &[("0", "0.9677")],
        included: "0",
        daily_milli: (1_000, 1_000),
        third_party: false,
        spot: false,
        stack: false,
        provider: "Microsoft.Sql",
        resource_type: "servers",
        product_id: "DZH318Z0BQPS",
        stack_meter_id: "",
        pricing_model: "On Demand",
    },
    Meter {
        code: "app-p1v3",
        name: "P1 v3 App",
        category: "Azure App Service",
        subcategory: "Premium v3 Plan",
        unit: "1 Hour",
        tiers: &[("0", "0.2")],
        included: "0",
        daily_milli: (24_000, 24_000),
        third_party: false,
        spot: false,
        stack: false,
        provider: "Microsoft.Web",
        resource_type: "serverfarms",
        product_id: "DZH318Z0BP4C",
        stack_meter_id: "",
        pricing_model: "On Demand",
    },
    Meter {
        code: "log-ingest",
        name: "Analytics Logs Data Ingestion",
        category: "Log Analytics",
        subcategory: "",
        unit: "1 GB",
        tiers: &[("0", "2.76")],
        included: "5",
        daily_milli: (50, 30_000),
        third_party: false,
        spot: false,
        stack: false,
        provider: "Microsoft.OperationalInsights",
        resource_type: "workspaces",
        product_id: "DZH318Z0BQ1J",
        stack_meter_id: "",
        pricing_model: "On Demand",
    },
    Meter {
        code: "kv-ops",
        name: "Operations",
        category: "Key Vault",
        subcategory: "",
        unit: "10K",
        tiers: &[("0", "0.03")],
        included: "0",
        daily_milli: (100, 40_000),
        third_party: false,
        spot: false,
        stack: false,
        provider: "Microsoft.KeyVault",
        resource_type: "vaults",
        product_id: "DZH318Z0BQ4J",
        stack_meter_id: "",
        pricing_model: "On Demand",
    },
    Meter {
        code: "func-gbs",
        name: "Standard Execution Time",
        category: "Functions",
        subcategory: "",
        unit: "1 GB Second",
        tiers: &[("0", "0.000016")],
        included: "400000",
        daily_milli: (1_000_000, 60_000_000),
        third_party: false,
        spot: false,
        stack: false,
        provider: "Microsoft.Web",
        resource_type: "sites",
        product_id: "DZH318Z0BPF6",
        stack_meter_id: "",
        pricing_model: "On Demand",
    },
    Meter {
        code: "sendgrid-bronze",
        name: "SendGrid Bronze",
        category: "SendGrid",
        subcategory: "Email Delivery",
        unit: "1/Month",
        tiers: &[("0", "9.95")],
        included: "0",
        daily_milli: (33, 33),
        third_party: true,
        spot: false,
        stack: false,
        provider: "Sendgrid.Email",
        resource_type: "accounts",
        product_id: "DZH318Z0BX2K",
        stack_meter_id: "",
        pricing_model: "On Demand",
    },
];

/// Azure Stack Hub meters billed through commerce (region "Azure Stack").
pub static STACK_METERS: &[Meter] = &[
    Meter {
        code: "stack-base-vm",
        name: "Base VM Size Hours",
        category: "Virtual Machines",
        subcategory: "Azure Stack Hub",
        unit: "vCPU Hours",
        tiers: &[("0", "0.008")],
        included: "0",
        daily_milli: (24_000, 960_000),
        third_party: false,
        spot: false,
        stack: true,
        provider: "Microsoft.Compute",
        resource_type: "virtualMachines",
        product_id: "DZH318Z0BQ5P",
        stack_meter_id: "FAB6EB84-500B-4A09-A8CA-7358F8BBAEA5",
        pricing_model: "On Demand",
    },
    Meter {
        code: "stack-win-vm",
        name: "Windows VM Size Hours",
        category: "Virtual Machines",
        subcategory: "Azure Stack Hub",
        unit: "vCPU Hours",
        tiers: &[("0", "0.046")],
        included: "0",
        daily_milli: (24_000, 480_000),
        third_party: false,
        spot: false,
        stack: true,
        provider: "Microsoft.Compute",
        resource_type: "virtualMachines",
        product_id: "DZH318Z0BQ5P",
        stack_meter_id: "9CD92D4C-BAFD-4492-B278-BEDC2DE8232A",
        pricing_model: "On Demand",
    },
    Meter {
        code: "stack-blob",
        name: "BlockBlobCapacity",
        category: "Storage",
        subcategory: "Azure Stack Hub",
        unit: "GB*hours",
        tiers: &[("0", "0.0000082")],
        included: "0",
        daily_milli: (240_000, 24_000_000),
        third_party: false,
        spot: false,
        stack: true,
        provider: "Microsoft.Storage",
        resource_type: "storageAccounts",
        product_id: "DZH318Z0BQ5T",
        stack_meter_id: "09F8879E-87E9-4305-A572-4B7BE209F857",
        pricing_model: "On Demand",
    },
];

/// Reference to a meter in one of the two tables: index < METERS.len() is Azure, else Stack.
pub fn meter(index: usize) -> &'static Meter {
    if index < METERS.len() {
        &METERS[index]
    } else {
        &STACK_METERS[index - METERS.len()]
    }
}

/// Number of meters across both tables.
pub fn meter_count() -> usize {
    METERS.len() + STACK_METERS.len()
}

/// Cost in USD of `cumulative` units of this month, tiers graduated after the included quantity.
pub fn tiered_cost(
    tiers: &[(Decimal, Decimal)],
    included: Decimal,
    cumulative: Decimal,
) -> Decimal {
    let billable = (cumulative - included).max(Decimal::ZERO);
    let mut cost = Decimal::ZERO;
    for (i, (lower, rate)) in tiers.iter().enumerate() {
        if billable <= *lower {
            break;
        }
        let upper = tiers.get(i + 1).map(|t| t.0).unwrap_or(Decimal::MAX);
        cost += *rate * (billable.min(upper) - *lower);
    }
    cost
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graduated_tiers_match_the_documented_example() {
        // Reference §11: 1–100 @1.00, 101–100000 @0.80 -> 101 units cost 100.80.
        let tiers = vec![
            (dec("0"), dec("1.00")),
            (dec("100"), dec("0.80")),
            (dec("100000"), dec("0.50")),
        ];
        assert_eq!(
            tiered_cost(&tiers, Decimal::ZERO, dec("101")),
            dec("100.80"),
            "each tier's units at its own price"
        );
        assert_eq!(
            tiered_cost(&tiers, dec("5"), dec("4")),
            Decimal::ZERO,
            "usage within the included quantity is free"
        );
        assert_eq!(
            tiered_cost(&tiers, dec("5"), dec("7")),
            dec("2.00"),
            "included units are consumed first"
        );
    }
}
