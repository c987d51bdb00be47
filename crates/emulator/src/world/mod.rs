//! The generated partner: customers, subscriptions, Azure subscriptions, resources and their
//! daily usage, all derived on demand from (seed, indices, day) so preset L never sits in memory.

pub mod billing;
pub mod catalog;
pub mod exchange;
pub mod price_book;
pub mod rating;
pub mod seat_terms;
pub mod stack_hub;
pub mod tenancy;

use chrono::{Datelike, NaiveDate};

use crate::config::Preset;
use crate::entropy::Draw;
pub use tenancy::{Customer, Entitlement, PlanKind, Relationship, Resource, User};

/// Billing currency of a customer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Currency {
    /// US dollar (no conversion: PCToBCExchangeRate is 1).
    Usd,
    /// Euro.
    Eur,
    /// Pound sterling.
    Gbp,
}

impl Currency {
    /// All currencies, in invoice order.
    pub const ALL: [Currency; 3] = [Currency::Usd, Currency::Eur, Currency::Gbp];

    /// ISO 4217 code.
    pub fn code(self) -> &'static str {
        match self {
            Currency::Usd => "USD",
            Currency::Eur => "EUR",
            Currency::Gbp => "GBP",
        }
    }

    /// Symbol used on invoices.
    pub fn symbol(self) -> &'static str {
        match self {
            Currency::Usd => "$",
            Currency::Eur => "€",
            Currency::Gbp => "£",
        }
    }

    /// Parses an ISO code, case-insensitively.
    pub fn parse(code: &str) -> Option<Currency> {
        Currency::ALL
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(code))
    }

    fn ordinal(self) -> u64 {
        self as u64 + 1
    }
}

/// A calendar month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    /// Year.
    pub year: i32,
    /// Month 1..=12.
    pub month: u32,
}

impl Month {
    /// Month containing `date`.
    pub fn of(date: NaiveDate) -> Month {
        Month {
            year: date.year(),
            month: date.month(),
        }
    }

    /// First day.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("valid month")
    }

    /// The following month.
    pub fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// The preceding month.
    pub fn prev(self) -> Month {
        if self.month == 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    /// Last day.
    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().expect("valid date")
    }

    /// Invoice date: the 8th of the following month (midnight UTC).
    pub fn invoice_date(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.next().year, self.next().month, 8).expect("valid date")
    }

    /// `yymm` number used in invoice ids.
    pub fn yymm(self) -> u32 {
        (self.year as u32 % 100) * 100 + self.month
    }
}

/// Invoices issued by a date, as cached by [`World::invoices`].
type InvoiceList = (NaiveDate, Vec<billing::InvoiceRef>);

/// Sizing of a preset.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    /// Number of customers.
    pub customers: u32,
    /// Resources per Azure subscription (min, max).
    pub resources: (u64, u64),
}

impl Shape {
    /// Shape of a preset.
    pub fn of(preset: Preset) -> Shape {
        match preset {
            Preset::S => Shape {
                customers: 10,
                resources: (2, 6),
            },
            Preset::M => Shape {
                customers: 200,
                resources: (2, 6),
            },
            Preset::L => Shape {
                customers: 1000,
                resources: (22, 42),
            },
        }
    }
}

/// Calendar months of usage history before the start month, unless
/// [`World::with_history_months`] says otherwise.
pub const HISTORY_MONTHS: u32 = 3;

/// The whole generated partner, as pure functions of the seed.
#[derive(Clone, Debug)]
pub struct World {
    /// Seed of everything.
    pub seed: u64,
    /// Preset.
    pub preset: Preset,
    /// Sizing.
    pub shape: Shape,
    /// First day with usage history (first day of the month [`HISTORY_MONTHS`] months before
    /// the start month, or as many as [`World::with_history_months`] asks).
    pub epoch: NaiveDate,
    /// The partner tenant.
    pub partner: tenancy::Partner,
    /// Customer tenant id -> index, built on first lookup (ids are derived, so a scan is the
    /// only other way to resolve one).
    by_id: std::sync::Arc<std::sync::OnceLock<std::collections::HashMap<String, u32>>>,
    /// Invoices issued by the last date asked (see [`World::invoices`]).
    invoice_cache: std::sync::Arc<std::sync::Mutex<Option<InvoiceList>>>,
    /// Months restated by late usage, with how many times (see [`World::restate`]).
    restated: Restatements,
    /// Whether Azure plan prices move from month to month (see [`price_book`]).
    pub(crate) monthly_prices: bool,
    /// Whether one seat line is billed away from its term's price (see [`price_book`]).
    pub(crate) mispriced_licence: bool,
}

/// Late-usage restatements: a count per month, and a flag so the hot path (every usage
/// quantity) skips the map while no month was ever restated.
#[derive(Clone, Debug, Default)]
struct Restatements {
    any: std::sync::Arc<std::sync::atomic::AtomicBool>,
    months: std::sync::Arc<std::sync::RwLock<std::collections::BTreeMap<Month, u32>>>,
}

impl World {
    /// Builds the (small) fixed part of the world; everything else is derived when asked.
    pub fn new(preset: Preset, seed: u64, start: NaiveDate) -> World {
        let mut first = Month::of(start);
        for _ in 0..HISTORY_MONTHS {
            first = first.prev();
        }
        let epoch = first.first_day();
        let partner = tenancy::Partner::generate(seed, preset);
        World {
            seed,
            preset,
            shape: Shape::of(preset),
            epoch,
            partner,
            by_id: Default::default(),
            invoice_cache: Default::default(),
            restated: Default::default(),
            monthly_prices: false,
            mispriced_licence: false,
        }
    }

    /// The same world with `months` calendar months of usage history before the start month
    /// (at least 1), so a benchmark can discover a year. Call before anything is derived.
    pub fn with_history_months(mut self, months: u32) -> World {
        let mut first = Month::of(self.epoch);
        for _ in 0..HISTORY_MONTHS {
            first = first.next();
        }
        for _ in 0..months.max(1) {
            first = first.prev();
        }
        self.epoch = first.first_day();
        self
    }

    /// The same world with Azure plan prices that move from month to month (`on`) or the
    /// catalog's prices every month (see [`price_book`]).
    pub fn with_monthly_prices(mut self, on: bool) -> World {
        self.monthly_prices = on;
        self
    }

    /// The same world with one seat line billed 10 % above its term's price (`on`).
    pub fn with_mispriced_licence(mut self, on: bool) -> World {
        self.mispriced_licence = on;
        self
    }

    /// Restates `month` once more (late usage on its last day, see
    /// [`tenancy::Resource::quantity`]); returns its restatement count.
    pub fn restate(&self, month: Month) -> u32 {
        let mut months = self
            .restated
            .months
            .write()
            .unwrap_or_else(|p| p.into_inner());
        let n = months.entry(month).or_insert(0);
        *n += 1;
        self.restated
            .any
            .store(true, std::sync::atomic::Ordering::Release);
        *n
    }

    /// How many times `month` was restated (0: never).
    pub fn restatement(&self, month: Month) -> u32 {
        if !self.restated.any.load(std::sync::atomic::Ordering::Acquire) {
            return 0;
        }
        self.restated
            .months
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(&month)
            .copied()
            .unwrap_or(0)
    }

    /// Number of customers.
    pub fn customer_count(&self) -> u32 {
        self.shape.customers
    }

    /// Customer by index.
    pub fn customer(&self, index: u32) -> Customer {
        tenancy::Customer::generate(self, index)
    }

    /// Customer by tenant id.
    pub fn customer_by_id(&self, id: &str) -> Option<Customer> {
        let index = self.by_id.get_or_init(|| {
            (0..self.customer_count())
                .map(|i| (self.customer(i).tenant_id, i))
                .collect()
        });
        index
            .get(&id.to_ascii_lowercase())
            .map(|i| self.customer(*i))
    }

    /// Months with history up to (and including) the month of `today`.
    pub fn months_until(&self, today: NaiveDate) -> Vec<Month> {
        let mut out = Vec::new();
        let mut m = Month::of(self.epoch);
        while m <= Month::of(today) {
            out.push(m);
            m = m.next();
        }
        out
    }

    /// Number of daily usage rows (Azure plan daily rated usage plus legacy utilization records)
    /// in the history before `today`; cheap because every resource reports every active day.
    pub fn usage_row_count(&self, today: NaiveDate) -> (u64, u64) {
        let (mut plan, mut legacy) = (0u64, 0u64);
        for ci in 0..self.customer_count() {
            let c = self.customer(ci);
            let first = c.usage_start(self);
            let days = (today - first).num_days().max(0) as u64;
            for e in 0..c.entitlement_count {
                let n = self.entitlement(&c, e).resources as u64 * days;
                match c.plan {
                    PlanKind::AzurePlan => plan += n,
                    PlanKind::Legacy => legacy += n,
                }
            }
        }
        (plan, legacy)
    }

    /// Azure subscription `index` of customer `c`.
    pub fn entitlement(&self, c: &Customer, index: u32) -> Entitlement {
        tenancy::Entitlement::generate(self, c, index)
    }

    /// Resource `index` of an Azure subscription.
    pub fn resource(&self, c: &Customer, e: &Entitlement, index: u32) -> Resource {
        tenancy::Resource::generate(self, c, e, index)
    }

    pub(crate) fn draw(&self, path: &[u64]) -> Draw {
        Draw::new(self.seed, path)
    }

    /// Monthly FX rate USD -> currency (pricing currency to billing currency).
    pub fn fx(&self, currency: Currency, month: Month) -> rust_decimal::Decimal {
        exchange::rate(self.seed, currency, month)
    }

    /// Deterministic id of the modern (new commerce) invoice of a month and currency.
    pub fn modern_invoice_id(&self, month: Month, currency: Currency) -> String {
        format!(
            "G{:04}{:02}{:03}",
            month.yymm(),
            currency.ordinal(),
            self.seed % 1000
        )
    }

    /// Deterministic id of the adjustment note against a month's modern invoice (the currency
    /// field offset by 50, so it never meets an invoice's id).
    pub fn note_id(&self, month: Month, currency: Currency) -> String {
        format!(
            "G{:04}{:02}{:03}",
            month.yymm(),
            currency.ordinal() + 50,
            self.seed % 1000
        )
    }

    /// Deterministic id of the legacy (0145P) invoice of a month and currency.
    pub fn legacy_invoice_id(&self, month: Month, currency: Currency) -> String {
        format!(
            "D0{:04}{:02}{:02}",
            month.yymm(),
            currency.ordinal(),
            self.seed % 100
        )
    }

    pub(crate) fn tagged(&self, t: u64, path: &[u64]) -> Draw {
        let mut full = Vec::with_capacity(path.len() + 1);
        full.push(t);
        full.extend_from_slice(path);
        self.draw(&full)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preset_l_is_sized_as_the_issue_asks() {
        let today = NaiveDate::from_ymd_opt(2026, 4, 15).unwrap();
        let world = World::new(Preset::L, 1, today);
        let subscriptions: u32 = (0..world.customer_count())
            .map(|i| world.customer(i).entitlement_count)
            .sum();
        assert_eq!(world.customer_count(), 1000);
        assert!(
            (4500..=5500).contains(&subscriptions),
            "about 5,000 Azure subscriptions, got {subscriptions}"
        );
        let (plan, legacy) = world.usage_row_count(today);
        assert!(
            plan >= 10_000_000,
            "at least 10M daily rated usage rows, got {plan} (+{legacy} legacy)"
        );
    }

    #[test]
    fn a_year_of_history_is_twelve_months_before_the_start_month() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 3).unwrap();
        let default = World::new(Preset::S, 7, today);
        assert_eq!(default.epoch, NaiveDate::from_ymd_opt(2026, 8, 1).unwrap());
        let year = World::new(Preset::S, 7, today).with_history_months(12);
        assert_eq!(year.epoch, NaiveDate::from_ymd_opt(2025, 11, 1).unwrap());
        assert_eq!(year.months_until(today).len(), 13);
        let (plan, _) = year.usage_row_count(today);
        assert!(
            plan > default.usage_row_count(today).0 * 3,
            "a year holds more usage"
        );
    }

    #[test]
    fn the_mix_has_every_kind_of_customer() {
        let world = World::new(Preset::M, 5, NaiveDate::from_ymd_opt(2026, 4, 15).unwrap());
        let customers: Vec<Customer> = (0..world.customer_count())
            .map(|i| world.customer(i))
            .collect();
        for currency in Currency::ALL {
            assert!(
                customers.iter().any(|c| c.currency == currency),
                "{currency:?} customers exist"
            );
        }
        assert!(
            customers.iter().any(|c| c.plan == PlanKind::Legacy),
            "legacy 0145P customers exist"
        );
        assert!(
            customers.iter().any(|c| c.transferred_on.is_some()),
            "transferred-in customers exist"
        );
        assert!(
            customers
                .iter()
                .any(|c| c.relationship == Relationship::None),
            "a customer without relationship exists"
        );
        let legacy_share = customers
            .iter()
            .filter(|c| c.plan == PlanKind::Legacy)
            .count()
            * 100
            / customers.len();
        assert!(
            (15..=35).contains(&legacy_share),
            "roughly a quarter legacy, got {legacy_share}%"
        );
    }
}
