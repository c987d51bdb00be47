-- Azure Stack Hub usage read from each Stack's own admin ARM. The admin endpoint and the
-- Stack's Default Provider Subscription are the partner's settings per registration (a real
-- operator's endpoint is https://adminmanagement.{region}.{fqdn}); the Stack's user
-- subscriptions name the tenant behind each subscription (what attribution needs); usage
-- records are kept per day as the Stack reported them. A re-import of a window replaces that
-- window's records, so nothing is counted twice. Quantities are exact decimal text.
CREATE TABLE stack_admin_endpoints (
    account_id               TEXT NOT NULL,
    subscription_id          TEXT NOT NULL,
    resource_group           TEXT NOT NULL,
    registration             TEXT NOT NULL,
    endpoint                 TEXT NOT NULL,   -- https (or loopback http), no trailing slash
    provider_subscription_id TEXT NOT NULL,   -- lowercase GUID
    set_at                   TEXT NOT NULL,
    PRIMARY KEY (account_id, subscription_id, resource_group, registration),
    FOREIGN KEY (account_id, subscription_id, resource_group, registration)
        REFERENCES stack_registrations(account_id, subscription_id, resource_group, name) ON DELETE CASCADE
) STRICT;

CREATE TABLE stack_user_subscriptions (
    account_id           TEXT NOT NULL,
    subscription_id      TEXT NOT NULL,
    resource_group       TEXT NOT NULL,
    registration         TEXT NOT NULL,
    user_subscription_id TEXT NOT NULL,       -- the Stack's subscription, lowercase
    tenant_id            TEXT NOT NULL,       -- lowercase; '' when the Stack names none
    owner                TEXT NOT NULL,
    display_name         TEXT NOT NULL,
    offer_id             TEXT NOT NULL,
    state                TEXT NOT NULL,
    read_at              TEXT NOT NULL,
    PRIMARY KEY (account_id, subscription_id, resource_group, registration, user_subscription_id),
    FOREIGN KEY (account_id, subscription_id, resource_group, registration)
        REFERENCES stack_registrations(account_id, subscription_id, resource_group, name) ON DELETE CASCADE
) STRICT;

CREATE TABLE stack_usage (
    account_id           TEXT NOT NULL,
    subscription_id      TEXT NOT NULL,
    resource_group       TEXT NOT NULL,
    registration         TEXT NOT NULL,
    user_subscription_id TEXT NOT NULL,
    meter_id             TEXT NOT NULL,       -- local Stack meter id, upper case
    resource_uri         TEXT NOT NULL,
    usage_start          TEXT NOT NULL,       -- RFC 3339 UTC
    usage_end            TEXT NOT NULL,
    quantity             TEXT NOT NULL,       -- exact decimal
    imported_at          TEXT NOT NULL,
    PRIMARY KEY (account_id, subscription_id, resource_group, registration,
                 user_subscription_id, meter_id, resource_uri, usage_start),
    FOREIGN KEY (account_id, subscription_id, resource_group, registration)
        REFERENCES stack_registrations(account_id, subscription_id, resource_group, name) ON DELETE CASCADE
) STRICT;
CREATE INDEX stack_usage_by_start ON stack_usage (account_id, usage_start);
