//! Who exists: the partner tenant and its seeded users, customers (legacy 0145P or Azure plan,
//! some transferred in, one without a relationship), their Azure subscriptions and resources.

use chrono::{Datelike, Duration, NaiveDate};
use rust_decimal::Decimal;

use super::catalog::{self, Meter, METERS, STACK_METERS};
use super::{Currency, World};
use crate::config::Preset;
use crate::entropy::{fnv, tag, Draw};

/// Directory role template ids carried in `wids`.
pub mod roles {
    /// Global Administrator.
    pub const GLOBAL_ADMINISTRATOR: &str = "62e90394-69f5-4237-9190-012177145e10";
    /// Billing administrator.
    pub const BILLING_ADMINISTRATOR: &str = "b0f54661-2d74-4c50-afa3-1ec803f12efe";
    /// Global Reader.
    pub const GLOBAL_READER: &str = "f2ef992c-3afb-46b9-b7cf-a126ee74c451";
}

/// Partner Center roles (set in Partner Center's user management, not in the directory, so
/// no token carries them: the API looks them up). The Pricing API admits only the two agents.
pub mod partner_roles {
    /// Admin agent (the partner's AdminAgents group).
    pub const ADMIN_AGENT: &str = "Admin agent";
    /// Sales agent (the SalesAgents group).
    pub const SALES_AGENT: &str = "Sales agent";
    /// Billing admin.
    pub const BILLING_ADMIN: &str = "Billing admin";
}

/// A seeded user of the partner tenant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// Sign-in name.
    pub upn: String,
    /// Object id.
    pub oid: String,
    /// Display name.
    pub display_name: String,
    /// Directory role template ids.
    pub roles: Vec<&'static str>,
    /// Registered for MFA: tokens carry `amr` `["pwd","mfa"]`; otherwise only `["pwd"]`.
    pub mfa_registered: bool,
    /// Partner Center roles ([`partner_roles`]).
    pub partner_roles: Vec<&'static str>,
}

/// The partner tenant.
#[derive(Clone, Debug)]
pub struct Partner {
    /// AAD tenant id.
    pub tenant_id: String,
    /// Primary domain.
    pub domain: String,
    /// Company name.
    pub name: String,
    /// MPN id.
    pub mpn_id: String,
    /// Seeded users: admin, billing, reader, nomfa, sales.
    pub users: Vec<User>,
    /// The partner's own CSP subscription that holds Azure Stack registrations.
    pub registration_subscription_id: String,
    /// MCA billing account id (Cost Management exports).
    pub billing_account_id: String,
    /// MCA billing profile id.
    pub billing_profile_id: String,
}

impl Partner {
    pub(crate) fn generate(seed: u64, preset: Preset) -> Partner {
        let letter = match preset {
            Preset::S => "s",
            Preset::M => "m",
            Preset::L => "l",
        };
        let mut d = Draw::new(seed, &[tag::PARTNER, fnv(letter)]);
        let tenant_id = d.guid();
        let domain = format!("cspdesk{letter}{seed}.onmicrosoft.com");
        let mpn_id = format!("{}", 1_000_000 + d.below(9_000_000));
        let user = |local: &str, name: &str, roles: Vec<&'static str>, mfa: bool| {
            let mut ud = Draw::new(seed, &[tag::USER, fnv(letter), fnv(local)]);
            // The partner's global administrators are its admin agents (Partner Center adds
            // them to AdminAgents); a billing administrator is Partner Center's billing admin.
            let partner_roles = if roles.contains(&roles::GLOBAL_ADMINISTRATOR) {
                vec![partner_roles::ADMIN_AGENT]
            } else if roles.contains(&roles::BILLING_ADMINISTRATOR) {
                vec![partner_roles::BILLING_ADMIN]
            } else {
                Vec::new()
            };
            User {
                upn: format!("{local}@{domain}"),
                oid: ud.guid(),
                display_name: name.to_string(),
                roles,
                mfa_registered: mfa,
                partner_roles,
            }
        };
        let users = vec![
            user(
                "admin",
                "Avery Admin",
                vec![roles::GLOBAL_ADMINISTRATOR],
                true,
            ),
            user(
                "billing",
                "Blake Billing",
                vec![roles::BILLING_ADMINISTRATOR],
                true,
            ),
            user("reader", "Riley Reader", vec![roles::GLOBAL_READER], true),
            user(
                "nomfa",
                "Noel NoMfa",
                vec![roles::GLOBAL_ADMINISTRATOR],
                false,
            ),
            User {
                partner_roles: vec![partner_roles::SALES_AGENT],
                ..user("sales", "Sasha Sales", Vec::new(), true)
            },
        ];
        let registration_subscription_id = d.guid();
        let billing_account_id = format!("{}:{}_2019-05-31", d.guid(), d.guid());
        let billing_profile_id = format!(
            "{:04X}-{:04X}-BG7-{:03X}",
            d.below(0xffff),
            d.below(0xffff),
            d.below(0xfff)
        );
        Partner {
            tenant_id,
            domain,
            name: format!("Northwind Cloud Partners {}", letter.to_uppercase()),
            mpn_id,
            users,
            registration_subscription_id,
            billing_account_id,
            billing_profile_id,
        }
    }

    /// Seeded user by UPN (case-insensitive).
    pub fn user(&self, upn: &str) -> Option<&User> {
        self.users.iter().find(|u| u.upn.eq_ignore_ascii_case(upn))
    }
}

/// Commerce platform of a customer's Azure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanKind {
    /// Legacy CSP Azure offer MS-AZR-0145P: one PC subscription per Azure subscription.
    Legacy,
    /// Azure plan (new commerce): one PC subscription holding n Azure subscriptions.
    AzurePlan,
}

/// Relationship of the customer to the partner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relationship {
    /// Normal reseller relationship.
    Reseller,
    /// Listed but without a commerce relationship: reads answer 403/20002.
    None,
}

/// A generated customer.
#[derive(Clone, Debug)]
pub struct Customer {
    /// Index in the partner's customer list.
    pub index: u32,
    /// Customer AAD tenant id (= customer id).
    pub tenant_id: String,
    /// Commerce id.
    pub commerce_id: String,
    /// Company name.
    pub company_name: String,
    /// Primary domain.
    pub domain: String,
    /// ISO country.
    pub country: &'static str,
    /// Billing currency.
    pub currency: Currency,
    /// Legacy or Azure plan.
    pub plan: PlanKind,
    /// Transferred in from another partner on this date: usage only from then on.
    pub transferred_on: Option<NaiveDate>,
    /// Relationship to the partner.
    pub relationship: Relationship,
    /// Number of Azure subscriptions.
    pub entitlement_count: u32,
    /// Microsoft 365 seats billed monthly (0 = none).
    pub license_seats: u32,
    /// When the customer was created under this partner.
    pub created: NaiveDate,
    /// Indirect reseller MPN id, if sold through one.
    pub reseller_mpn_id: Option<String>,
    /// Id of the Azure plan PC subscription (Azure plan customers).
    pub plan_subscription_id: String,
    /// Id of the Microsoft 365 PC subscription (if seats > 0).
    pub license_subscription_id: String,
}

const NAMES: &[&str] = &[
    "Contoso",
    "Fabrikam",
    "Northwind Traders",
    "Tailspin Toys",
    "Woodgrove Bank",
    "Adatum",
    "Litware",
    "Proseware",
    "Lucerne Publishing",
    "Wingtip Toys",
    "Alpine Ski House",
    "Coho Winery",
    "Fourth Coffee",
    "Margie's Travel",
    "Trey Research",
    "Wide World Importers",
    "Blue Yonder Airlines",
    "Humongous Insurance",
    "Relecloud",
    "VanArsdel",
    "Bellows College",
    "Graphic Design Institute",
    "School of Fine Art",
    "Southridge Video",
    "City Power & Light",
];

/// (country, currency, Azure region display name, ARM location) by market.
const MARKETS: &[(&str, Currency, &str, &str)] = &[
    ("US", Currency::Usd, "US East", "eastus"),
    ("DE", Currency::Eur, "EU West", "westeurope"),
    ("FR", Currency::Eur, "EU West", "westeurope"),
    ("NL", Currency::Eur, "EU West", "westeurope"),
    ("GB", Currency::Gbp, "UK South", "uksouth"),
];

impl Customer {
    pub(crate) fn generate(world: &World, index: u32) -> Customer {
        let n = world.shape.customers;
        let mut d = world.tagged(tag::CUSTOMER, &[index as u64]);
        let tenant_id = d.guid();
        let commerce_id = d.guid();
        let base = NAMES[index as usize % NAMES.len()];
        let round = index as usize / NAMES.len();
        let company_name = if round == 0 {
            base.to_string()
        } else {
            format!("{base} {}", round + 1)
        };
        let slug: String = company_name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_lowercase();
        let domain = format!("{slug}.onmicrosoft.com");
        let roll = d.below(100);
        let mut market = match roll {
            0..=49 => 0,
            50..=64 => 1,
            65..=74 => 2,
            75..=79 => 3,
            _ => 4,
        };
        let mut plan = if d.chance(250) {
            PlanKind::Legacy
        } else {
            PlanKind::AzurePlan
        };
        let mut transferred = plan == PlanKind::AzurePlan && d.chance(100);
        // A few fixed customers make every mix reachable even in preset S.
        match index {
            0 => {
                plan = PlanKind::AzurePlan;
                market = 0;
                transferred = false;
            }
            1 => {
                plan = PlanKind::Legacy;
                market = 0;
                transferred = false;
            }
            2 => {
                plan = PlanKind::AzurePlan;
                market = 4;
                transferred = true;
            }
            3 => {
                plan = PlanKind::AzurePlan;
                market = 1;
                transferred = false;
            }
            4 => {
                plan = PlanKind::Legacy;
                market = 1;
                transferred = false;
            }
            _ => {}
        }
        let transfer_offset = d.between(10, 75) as i64;
        let transferred_on = transferred.then(|| world.epoch + Duration::days(transfer_offset));
        let entitlement_count = if index < 2 {
            2 + d.below(3) as u32
        } else {
            d.between(1, 9) as u32
        };
        let license_seats = if d.chance(600) {
            d.between(5, 300) as u32
        } else {
            0
        };
        let created =
            transferred_on.unwrap_or(world.epoch - Duration::days(d.between(30, 2000) as i64));
        let reseller_mpn_id = d
            .chance(300)
            .then(|| format!("{}", 1_000_000 + d.below(9_000_000)));
        let relationship = if index + 1 == n && n > 5 {
            Relationship::None
        } else {
            Relationship::Reseller
        };
        let (country, currency, _, _) = MARKETS[market];
        Customer {
            index,
            tenant_id,
            commerce_id,
            company_name,
            domain,
            country,
            currency,
            plan,
            transferred_on,
            relationship,
            entitlement_count,
            license_seats,
            created,
            reseller_mpn_id,
            plan_subscription_id: d.guid().to_uppercase(),
            license_subscription_id: d.guid().to_uppercase(),
        }
    }

    /// First day with usage under this partner.
    pub fn usage_start(&self, world: &World) -> NaiveDate {
        self.transferred_on.unwrap_or(world.epoch).max(world.epoch)
    }

    /// Azure region display name and ARM location of the customer's resources.
    pub fn region(&self) -> (&'static str, &'static str) {
        let m = MARKETS
            .iter()
            .find(|m| m.0 == self.country)
            .unwrap_or(&MARKETS[0]);
        (m.2, m.3)
    }
}

/// One Azure subscription of a customer (an Azure plan entitlement, or a legacy 0145P subscription).
#[derive(Clone, Debug)]
pub struct Entitlement {
    /// Customer index.
    pub customer: u32,
    /// Index within the customer.
    pub index: u32,
    /// Azure subscription GUID (lowercase).
    pub id: String,
    /// Partner Center subscription id (legacy: its own; Azure plan: the plan's).
    pub pc_subscription_id: String,
    /// Friendly name.
    pub friendly_name: String,
    /// Number of resources reporting usage every day.
    pub resources: u32,
    /// Resources are on an Azure Stack Hub.
    pub stack: bool,
    /// Partner holds admin access (PEC) on days before this date; `None` = never had access.
    pub pec_until: Option<NaiveDate>,
}

impl Entitlement {
    pub(crate) fn generate(world: &World, c: &Customer, index: u32) -> Entitlement {
        let mut d = world.tagged(tag::ENTITLEMENT, &[c.index as u64, index as u64]);
        let id = d.guid();
        let legacy_pc_id = d.guid().to_uppercase();
        let names = [
            "Production",
            "Dev/Test",
            "Analytics",
            "Shared Services",
            "Web",
            "Data Platform",
            "Sandbox",
        ];
        let friendly_name = format!(
            "{} {}",
            names[d.below(names.len() as u64) as usize],
            index + 1
        );
        let resources = d.between(world.shape.resources.0, world.shape.resources.1) as u32;
        let forced_stack = (c.index == 0 && index == 1) || (c.index == 1 && index == 0);
        let stack = forced_stack || (c.index > 4 && d.chance(60));
        let pec_until = if d.chance(850) {
            if d.chance(120) {
                Some(world.epoch + Duration::days(d.between(5, 100) as i64))
            } else {
                Some(NaiveDate::MAX)
            }
        } else {
            None
        };
        let pc_subscription_id = match c.plan {
            PlanKind::Legacy => legacy_pc_id,
            PlanKind::AzurePlan => c.plan_subscription_id.clone(),
        };
        Entitlement {
            customer: c.index,
            index,
            id,
            pc_subscription_id,
            friendly_name,
            resources,
            stack,
            pec_until,
        }
    }

    /// Whether the partner had admin access (PEC) on `day`.
    pub fn pec_on(&self, day: NaiveDate) -> bool {
        self.pec_until.is_some_and(|until| day < until)
    }
}

/// One resource: a fixed meter and a typical daily quantity.
#[derive(Clone, Debug)]
pub struct Resource {
    /// Index within the Azure subscription.
    pub index: u32,
    /// Index into [`catalog::meter`].
    pub meter: usize,
    /// Resource group.
    pub resource_group: String,
    /// ARM resource id.
    pub uri: String,
    /// Typical daily quantity in thousandths.
    pub base_milli: u64,
    /// Tags as a JSON object text.
    pub tags: String,
}

impl Resource {
    pub(crate) fn generate(world: &World, c: &Customer, e: &Entitlement, index: u32) -> Resource {
        let mut d = world.tagged(
            tag::RESOURCE,
            &[c.index as u64, e.index as u64, index as u64],
        );
        let meter = if e.stack {
            METERS.len() + d.below(STACK_METERS.len() as u64) as usize
        } else {
            d.below(METERS.len() as u64) as usize
        };
        let m: &Meter = catalog::meter(meter);
        let groups = ["web", "data", "core", "ml", "shared", "erp"];
        let env = if d.chance(700) { "prod" } else { "dev" };
        let resource_group = format!("rg-{}-{env}", groups[d.below(groups.len() as u64) as usize]);
        let name = format!(
            "{}{}{:03}",
            m.resource_type
                .chars()
                .take(3)
                .collect::<String>()
                .to_lowercase(),
            env,
            index
        );
        let uri = format!(
            "/subscriptions/{}/resourceGroups/{resource_group}/providers/{}/{}/{name}",
            e.id, m.provider, m.resource_type
        );
        let base_milli = d.between(m.daily_milli.0, m.daily_milli.1);
        let tags = format!(r#"{{"env":"{env}","costCenter":"CC{:03}"}}"#, d.below(1000));
        Resource {
            index,
            meter,
            resource_group,
            uri,
            base_milli,
            tags,
        }
    }

    /// Quantity consumed on `day` (6 decimals, always positive). On the last day of a restated
    /// month the resource reports a quarter unit more per restatement (usage that arrived late).
    pub fn quantity(
        &self,
        world: &World,
        c: &Customer,
        e: &Entitlement,
        day: NaiveDate,
    ) -> Decimal {
        let ordinal = (day - NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")).num_days() as u64;
        let mut d = world.tagged(
            tag::DAILY,
            &[c.index as u64, e.index as u64, self.index as u64, ordinal],
        );
        let factor = d.between(700, 1300);
        let milli = (self.base_milli * factor / 1000).max(1);
        let mut micro = milli * 1000 + d.below(1000);
        if day.succ_opt().is_some_and(|next| next.day() == 1) {
            micro += world.restatement(super::Month::of(day)) as u64 * 250_000;
        }
        Decimal::new(micro as i64, 6)
    }
}

/// Regions whose meter GUIDs are precomputed (every region the generator uses).
const KNOWN_REGIONS: [&str; 4] = ["US East", "EU West", "UK South", "Azure Stack"];

fn derive_meter_guid(meter: usize, region: &str) -> String {
    Draw::new(0, &[fnv(catalog::meter(meter).code), fnv(region)]).guid()
}

/// GUID of a meter in a region (global, not seeded: meter ids are Microsoft's, not the partner's).
pub fn meter_guid(meter: usize, region: &str) -> String {
    static TABLE: std::sync::OnceLock<Vec<[String; 4]>> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        (0..catalog::meter_count())
            .map(|m| KNOWN_REGIONS.map(|r| derive_meter_guid(m, r)))
            .collect()
    });
    match KNOWN_REGIONS.iter().position(|r| *r == region) {
        Some(i) if meter < table.len() => table[meter][i].clone(),
        _ => derive_meter_guid(meter, region),
    }
}
