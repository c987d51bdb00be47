"""Microsoft's Azure Stack management SDK (azure-mgmt-azurestack) against the emulator's ARM:
add a customer subscription to a registration, read it back, list, delete; failing calls
surface the documented ARM error codes through the SDK's own error type."""
import time

import pytest
from azure.core.credentials import AccessToken
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.mgmt.azurestack import AzureStackManagementClient
from azure.mgmt.azurestack.models import CustomerSubscription

from identity import ARM_SCOPE, sign_in


class EmulatorCredential:
    """An azure-core TokenCredential backed by a token MSAL got from the emulator."""

    def __init__(self, token, expires_in):
        self.token = token
        self.expires_on = int(time.time()) + int(expires_in)

    def get_token(self, *scopes, **kwargs):
        return AccessToken(self.token, self.expires_on)


@pytest.fixture(scope="module")
def stack(emulator):
    result = sign_in(emulator, ARM_SCOPE, emulator.user(), port=53191)
    sub, rg, registration = _stack_facts(emulator)
    client = AzureStackManagementClient(
        EmulatorCredential(result["access_token"], result["expires_in"]),
        sub,
        base_url=emulator.url,
        connection_verify=emulator.ca,
    )
    return client, rg, registration


def _stack_facts(emu):
    words = emu.facts["azure stack"].split()
    # "subscription SUB resource group RG registration NAME"
    return words[1], words[4], words[6]


def test_add_get_list_remove_a_customer_subscription(emulator, stack):
    client, rg, registration = stack
    sub_id, tenant = emulator.facts["stack customer subscription"].split(" tenant ")
    created = client.customer_subscriptions.create(rg, registration, sub_id, CustomerSubscription(tenant_id=tenant))
    assert created is not None, "the emulator answers PUT with 200 and the resource (spec behaviour)"
    assert created.tenant_id == tenant
    got = client.customer_subscriptions.get(rg, registration, sub_id)
    assert got.tenant_id == tenant
    assert got.name.endswith(sub_id)
    listed = [c.name.split("/")[-1] for c in client.customer_subscriptions.list(rg, registration)]
    assert sub_id in listed
    client.customer_subscriptions.delete(rg, registration, sub_id)
    with pytest.raises(ResourceNotFoundError) as gone:
        client.customer_subscriptions.get(rg, registration, sub_id)
    assert gone.value.error.code == "CustomerSubscriptionNotFound"


def test_unknown_registration_surfaces_registration_not_found(emulator, stack):
    client, rg, _ = stack
    sub_id, tenant = emulator.facts["stack customer subscription"].split(" tenant ")
    with pytest.raises(HttpResponseError) as failed:
        client.customer_subscriptions.create(rg, "no-such-registration", sub_id, CustomerSubscription(tenant_id=tenant))
    assert failed.value.error.code == "RegistrationNotFound"
    assert failed.value.status_code == 404


def test_upper_case_subscription_id_surfaces_invalid_customer_subscription_id(emulator, stack):
    client, rg, registration = stack
    sub_id, tenant = emulator.facts["stack customer subscription"].split(" tenant ")
    with pytest.raises(HttpResponseError) as failed:
        client.customer_subscriptions.create(rg, registration, sub_id.upper(), CustomerSubscription(tenant_id=tenant))
    assert failed.value.error.code == "InvalidCustomerSubscriptionId"
