"""Microsoft's Azure Stack management SDK (azure-mgmt-azurestack) against the emulator's ARM:
add a customer subscription to a registration, read it back, list, delete; failing calls
surface the documented ARM error codes through the SDK's own error type."""
import json
import pathlib
import time

import pytest
from azure.core.credentials import AccessToken
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.mgmt.azurestack import AzureStackManagementClient
from azure.mgmt.azurestack.models import CustomerSubscription, Registration

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


SAMPLES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "microsoft" / "azure_stack"
CHILD_TYPE = "Microsoft.AzureStack/registrations/customerSubscriptions"


def _microsoft(file, model):
    """Microsoft's published sample, read by the SDK's own model as it reads Azure's answer."""
    return model.deserialize(json.loads((SAMPLES / file).read_text()))


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
    # The SDK reads Microsoft's sample as {registration}/{subscription} with the child type; it
    # must read the emulator's answer the same way.
    azure = _microsoft("customer-subscription-get.json", CustomerSubscription)
    assert azure.name == "testregistration/E09A4E93-29A7-4EBA-A6D4-76202383F07F"
    assert azure.type == CHILD_TYPE
    assert got.name == f"{registration}/{sub_id}", got.name
    assert got.type == azure.type
    assert got.id.endswith(f"/registrations/{registration}/customerSubscriptions/{sub_id}"), got.id
    assert got.id.split("/")[-1] == got.name.split("/")[-1] == sub_id
    assert (created.name, created.type) == (got.name, got.type), "the PUT reply names it the same way"
    listed = list(client.customer_subscriptions.list(rg, registration))
    assert sub_id in [c.name.split("/")[-1] for c in listed]
    assert all(c.name.startswith(f"{registration}/") and c.type == CHILD_TYPE for c in listed), [
        (c.name, c.type) for c in listed
    ]
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


def test_registrations_read_as_azures_do(emulator, stack):
    client, rg, registration = stack
    azure = _microsoft("registration-put.json", Registration)
    got = client.registrations.get(rg, registration)
    assert got.type == azure.type == "Microsoft.AzureStack/registrations"
    assert got.name == registration
    assert got.id.endswith(f"/resourceGroups/{rg}/providers/Microsoft.AzureStack/registrations/{registration}")
    assert got.location == azure.location == "global"
    assert got.billing_model == "PayAsYouUse" and got.object_id and got.cloud_id
    assert got.tags is None, "a registration without tags sends none, like Microsoft's samples"
