//! How the emulator behaves where Microsoft's behaviour is UNVERIFIED in the wire-format
//! reference (`shared/reference/partner-center-api.md`), and the fixtures tests can rely on.
//! This module holds documentation only.
//!
//! # Starting one
//! ```no_run
//! # async fn demo() -> cspdesk_emulator::Result<()> {
//! use cspdesk_emulator::{Emulator, EmulatorConfig, Preset};
//! let now = cspdesk_emulator::chrono::Utc::now();
//! let emu = Emulator::start(EmulatorConfig::new(Preset::S, 42, now)).await?;
//! let authority = format!("{}/{}", emu.url(), emu.partner().tenant_id);
//! let token = emu.mint_access_token(&emu.partner().users[0].upn, "https://api.partnercenter.microsoft.com", true);
//! emu.clock().advance(cspdesk_emulator::chrono::Duration::hours(2)); // tokens now expired
//! emu.shutdown().await;
//! # let _ = (authority, token); Ok(()) }
//! ```
//!
//! # Seeded fixtures
//! - Partner tenant: a GUID derived from (preset, seed); domain `cspdesk{s|m|l}{seed}.onmicrosoft.com`.
//! - Users: `admin@` (Global Administrator, MFA), `billing@` (Billing administrator, MFA),
//!   `reader@` (Global Reader, MFA), `nomfa@` (Global Administrator, *not* registered for MFA:
//!   its tokens carry `amr: ["pwd"]` and get 401/900421 when MFA is enforced), `sales@` (no
//!   directory role; Partner Center's Sales agent, MFA). Partner Center roles: the Global
//!   Administrators are Admin agents, `billing@` is Billing admin (`User::partner_roles`).
//! - Client id [`crate::CLIENT_ID`] (public client); redirect URIs [`crate::identity::REDIRECT_URIS`].
//! - Customer 0: Azure plan, USD. Customer 1: legacy 0145P, USD. Customer 2: Azure plan, GBP,
//!   transferred in from another partner (usage only from its transfer date). Customer 3: Azure
//!   plan, EUR. Customer 4: legacy, EUR. The last customer (presets with more than 5) is listed with
//!   `relationshipToPartner: "none"` and answers 403/20002. Customer 0 subscription 1 and customer 1
//!   subscription 0 run on Azure Stack Hub.
//! - Azure Stack: see `RunningEmulator::stack_fixtures` for the registrations and subscription
//!   ids that reach each documented error code.
//!
//! # Choices where the reference is UNVERIFIED
//! - **Customer list page size**: default and maximum 500 (`size=0` means default).
//! - **Customer 404**: unknown customer id is 404 with code `1000`.
//! - **Next-link forms**: customer and utilization links are relative without `/v1`; invoice line
//!   item links include `/v1`; legacy offset links omit it. Both forms are served.
//! - **Continuation tokens** never expire; a token is bound to route + non-paging parameters
//!   (400/`800002` on mismatch, tampering, or `seekOperation=Next` without a token).
//! - **Utilization**: `start_time`/`end_time` filter on reported time, defined as the start of the
//!   day after the usage day (UTC). `granularity=hourly` splits each day into 24 records (the day's quantity / 24 to 6
//!   decimals, the last hour taking the rest);
//!   `show_details=false` omits `instanceData`. Azure plan subscriptions answer 400/`800002`;
//!   an unknown subscription (or an Azure entitlement id) 404/`20003`. Not ready: 204 + `Retry-After: 10`.
//! - **Retail/rate card**: prices in a non-USD currency are the USD price × that month's FX rate,
//!   rounded to 6 decimals; `rates` thresholds count units after `includedQuantity`.
//!   The offer term discount (15%) excludes third-party meters.
//! - **Invoices**: per month and billing currency, one new-commerce invoice (`G…`, invoiceType
//!   `OneTime`) and one legacy invoice (`D…`, `Recurring`), dated the 8th of the next month.
//!   `totalCharges` = Σ billing line `subtotal` (new commerce) or Σ `pretaxCharges` (legacy).
//!   Tax is 0 (`taxTotal: 0`). `paidAmount` becomes −total 60 days after the invoice date.
//! - **New-commerce billing lines**: Azure plan usage is aggregated per (meter, PEC yes/no) with
//!   `chargeType: "usage"`, `quantity: 1`, `billableQuantity` = units, `subtotal` = Σ of that
//!   meter's daily `billingPreTaxTotal`; seats use `chargeType: "cycleCharge"`. Both spellings are
//!   UNVERIFIED. Daily rated usage rows use `chargeType: "new"`.
//! - **Rating**: tiers accumulate per Azure plan + meter over the billing month (included
//!   quantity first); a row's `effectiveUnitPrice` = (tiered cost of its units / units) × (1 − PEC),
//!   rounded half away from zero to 6 decimals; `billingPreTaxTotal = FLOOR(EUP × qty × FX, 2)` [V];
//!   `pricingPreTaxTotal = FLOOR(EUP × qty, 2)`. PEC (15%) applies per Azure subscription-day while
//!   the partner holds admin access, never to third-party or Spot meters.
//! - **FX**: one rate per month and currency, dated two days before the month starts.
//! - **Unbilled**: `period=current` = this month up to yesterday; `period=previous` = last month
//!   until its invoice is issued on the 8th, then empty.
//! - **Identity**: codes live 10 minutes and are single use; the token `redirect_uri` must equal the
//!   authorize one exactly; loopback registration matching ignores the port but not the path.
//!   Refresh tokens are self-contained and signed (valid across restarts with the same seed); each
//!   use returns a new one, the old one stays valid until 90 days of inactivity (AADSTS700082).
//!   Device codes: `interval` 1 s, expire after 15 minutes; with auto-consent the first poll is
//!   `authorization_pending` and the second succeeds. Tokens are HS256, so the JWKS is empty.
//! - **401s** carry `WWW-Authenticate: Bearer authorization_uri=…, error="invalid_token"`; missing
//!   token is code `800001`, invalid or expired token code `400`, MFA missing `900421`.
//! - **Throttling** defaults: `customers` 500/min per partner; `subscriptions` (incl. entitlements)
//!   500/min per partner+customer; buckets refill on the emulated clock.
//! - **Azure Stack**: PUT of a customer subscription answers 200 + body by default (REST spec, what
//!   generated SDKs expect); `StackPutStyle::DocsCreatedEmpty` gives the docs' 201 with no body.
//!   Status codes: 404 `RegistrationNotFound`/`CustomerSubscriptionNotFound`, 400
//!   `BadCustomerSubscriptionId`/`InvalidCustomerSubscriptionId`/`InvalidCSPSubscription`, 403
//!   `UnauthorizedCspRegistration`/`CustomerSubscriptionsNotAllowed`, 502
//!   `MetadataResolverBadGatewayError`. api-version errors: 400 `MissingApiVersionParameter` /
//!   `InvalidApiVersionParameter`. Upper-case or non-GUID ids are `InvalidCustomerSubscriptionId`;
//!   unknown well-formed GUIDs are `InvalidCSPSubscription`. Newly PUT registrations are not
//!   approved for multi-tenancy.
//! - **Cost exports**: definition types ActualCost, AmortizedCost, Usage (as ActualCost); format Csv,
//!   compression None; FocusCost is not emulated yet. Dates in files are `MM/DD/YYYY`; numbers are
//!   plain decimals; `PricingModel` uses `On Demand`, `Spot`, `Reservation`, `SavingsPlan` [V].
//!   Reservations (customers with index ≡ 0 or 5 mod 10) and savings plans (≡ 3 mod 10) appear as
//!   monthly Purchase rows (actual) or, amortized, as each day's share of the month: a Usage row
//!   for the part usage consumed (55-100%, drawn per customer and day) and an `UnusedReservation`
//!   / `UnusedSavingsPlan` row for the rest, quantity = the share. Only Azure plan
//!   customers are in the MCA billing account. Blob SAS signatures are the emulator's own scheme.
//! - **Graph partner-billing exports** (`/v1.0/reports/partners/billing/...`, reference §7.3):
//!   tokens need audience `https://graph.microsoft.com` (else 401 `unauthenticated`) of the
//!   partner tenant with `PartnerBilling.Read.All` in `scp` or `roles` (else 403 `accessDenied`;
//!   without the admin consent (`set_graph_admin_consent(false)`) a token request naming
//!   `PartnerBilling.Read.All` is `invalid_grant` AADSTS65001 and one for `/.default` gets
//!   `scp` `User.Read`).
//!   Error codes are those `concepts/errors.md` lists (`invalidRequest` for a bad body, unknown
//!   property, an `attributeSet` other than `full`/`basic`, a `billingPeriod` other than
//!   `current`/`last`, a `currencyCode` not of three letters). The operation is `running` with
//!   `Retry-After` (the seconds left, at least 1) for `graph_preparation` of emulated time and
//!   until its blobs are written, then `succeeded` (the sample's spelling, not the resource page's
//!   `completed`); every export that yields no rows fails with code `5000` "No data available":
//!   an unknown invoice, a currency without billing, `last` once its invoice is issued (as v1's
//!   `previous`), usage of an adjustment note. A legacy (`D…`) invoice fails with "No
//!   reconciliation data available currently for Invoice D…" (usage: "No usage data …").
//!   Manifests say `compressedJSONLines` (the resource page; the sample says `compressedJSON`);
//!   the directory SAS (`sr=d`, `sp=rl`, `sdd`) is minted when the manifest is read and lives
//!   `graph_sas_ttl` (12 h, as the sample's); `graph_usage_copies` (1) writes each usage row
//!   that many times (the benchmark's export scaled up). One data version per (export, invoice or
//!   period+currency, attribute set, last usage day, restatement count): a repeated export shares
//!   its blobs and `eTag` (a digest of the rows). Row values: amounts JSON numbers, dates
//!   `YYYY-MM-DDT00:00:00Z`, empty strings for what the sandbox lacks (benefits, promotions).
//!   Usage: `PartnerEarnedCreditPercentage` 15 or 0; `CreditPercentage` 0 and `CreditType`
//!   `Credit Not Applied` (no Azure credit). Reconciliation: the v1 billing lines' values;
//!   `ProductCategory` `Azure` or `OnlineServices`; `ProductQualifiers` the string `[]`.
//! - **Late usage**: `RunningEmulator::restate_month` adds a quarter unit per restatement to every
//!   Azure plan resource's usage on the month's last day; invoices keep their ids and change totals.
//!   Out of process: `cspdesk emulator --restate-month YYYY-MM` (same seed, that month restated).
//! - **v1 cut-over** (`EmulatorConfig::v1_cutover`, on by default; `--no-v1-cutover` off): v1
//!   `provider=onetime` line items, billed and unbilled, answer an empty collection for billing
//!   months from April 2025 on; legacy line items are unchanged.
//! - **Pricing API** (`/partner/v1.0/sales/...`, reference §6.3; the pricing base
//!   `{emulator}/partner/v1.0`): 401 with Partner Center's body and `WWW-Authenticate` for a token
//!   of another audience, 403 (`{code, description}`, Partner Center's shape: Microsoft publishes
//!   no Pricing API error body) for an app-only token or a user who is neither Admin agent nor
//!   Sales agent, 400 for a bad market, view, timeline or month (`future` is not served), 404
//!   for `azure_reservations` (no published row or column to copy). A Pricing token needs the
//!   sign-in to have consented to the API unless `pricing_admin_consent` (on by default) stands
//!   for the admin's tenant-wide consent (else AADSTS65001 at the token endpoint). A device-code
//!   request whose scopes name more than one resource is refused at the token step with
//!   AADSTS28000 (`invalid_scope`), as Entra does. The zip's one
//!   entry is named `pricesheet.csv` / `sheets.csv` (Microsoft's entry name is unpublished);
//!   sheets before April 2020 come plain even when `deflate` is asked. FX rows: EUR and GBP,
//!   `USDPerUnit` = 1 / the billing rate to 16 decimals, `Month` the year as in the sample.
//!   Licence sheet: the seat SKU on a `P1M` and a `P1Y` term (both `Monthly`), the annual at
//!   the monthly price / 1.2; `ERP Price` = price x 1.25 (the sample's ratio).
//! - **Monthly prices** (`EmulatorConfig::monthly_prices`, on by default; `--no-monthly-prices`):
//!   each Azure plan meter's tiers move by month (`world::price_book`: a third up, a third down
//!   by 1-8 %, a third unchanged); usage rows, v1 and Graph lines, invoices and Cost Management
//!   exports of month M use month M's prices and FX, which the sheet and FX of M serve. Legacy
//!   0145P lines and the rate card keep the catalog's prices. The seat licence's price moves
//!   too (1-6 % up or down a month, its licence sheet of M serving M's price); a seat is billed
//!   at the price of its term's start month, locked for the term (`world::seat_terms`): a
//!   `P1M` seat renews on the first of each month (so bills its month's price), a `P1Y` one
//!   (every third customer) at its creation's anniversary. Seat lines (v1 and Graph) send the
//!   term's start as `orderDate` and `subscriptionStartDate`, its last day as
//!   `subscriptionEndDate`, and the term in words as `termAndBillingCycle`.
//! - **Mispriced licence** (`EmulatorConfig::mispriced_licence`, off by default): one seat line
//!   (`World::mispriced_seat`) billed 10 % above its term's price.
