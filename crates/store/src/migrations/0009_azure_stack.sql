-- Azure Stack Hub CSP registrations. The partner names the subscriptions that hold its
-- registrations (Azure has no partner-wide list); registrations and their customer
-- subscriptions are Azure's, kept here as last read so the page works offline and says when.
CREATE TABLE stack_subscriptions (
    account_id      TEXT NOT NULL REFERENCES partner_accounts(id) ON DELETE CASCADE,
    subscription_id TEXT NOT NULL,     -- lowercase GUID
    added_at        TEXT NOT NULL,
    PRIMARY KEY (account_id, subscription_id)
) STRICT;

CREATE TABLE stack_registrations (
    account_id      TEXT NOT NULL,
    subscription_id TEXT NOT NULL,
    resource_group  TEXT NOT NULL,
    name            TEXT NOT NULL,
    cloud_id        TEXT NOT NULL,
    object_id       TEXT NOT NULL,
    billing_model   TEXT NOT NULL,
    read_at         TEXT NOT NULL,     -- when Azure last listed it
    PRIMARY KEY (account_id, subscription_id, resource_group, name),
    FOREIGN KEY (account_id, subscription_id)
        REFERENCES stack_subscriptions(account_id, subscription_id) ON DELETE CASCADE
) STRICT;

CREATE TABLE stack_customer_subscriptions (
    account_id               TEXT NOT NULL,
    subscription_id          TEXT NOT NULL,
    resource_group           TEXT NOT NULL,
    registration             TEXT NOT NULL,
    customer_subscription_id TEXT NOT NULL,   -- the customer's Azure subscription, lowercase
    tenant_id                TEXT NOT NULL,   -- the customer's directory
    read_at                  TEXT NOT NULL,
    PRIMARY KEY (account_id, subscription_id, resource_group, registration, customer_subscription_id),
    FOREIGN KEY (account_id, subscription_id, resource_group, registration)
        REFERENCES stack_registrations(account_id, subscription_id, resource_group, name) ON DELETE CASCADE
) STRICT;
