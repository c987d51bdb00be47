"""Microsoft Graph's SDK for Python (msgraph-sdk) drives the emulator's partner-billing exports:
each of the four exports is started through `client.reports.partners.billing...` request
builders, its operation polled to success honouring Retry-After, the manifest read into the
SDK's own models (`msgraph.generated.models.partners.billing`), a blob downloaded with
azure-storage-blob through the manifest's directory SAS, and every line decoded into exactly the
attributes Microsoft documents for the chosen attribute set."""
import asyncio
import gzip
import json
import os
import time
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest
import requests
from azure.core.credentials import AccessToken
from azure.storage.blob import BlobClient
from kiota_abstractions.base_request_configuration import RequestConfiguration
from kiota_authentication_azure.azure_identity_authentication_provider import AzureIdentityAuthenticationProvider
from kiota_http.middleware.options import HeadersInspectionHandlerOption
from msgraph import GraphRequestAdapter, GraphServiceClient
from msgraph.generated.models.long_running_operation_status import LongRunningOperationStatus
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.models.partners.billing.attribute_set import AttributeSet
from msgraph.generated.models.partners.billing.billing_period import BillingPeriod
from msgraph.generated.models.partners.billing.export_success_operation import ExportSuccessOperation
from msgraph.generated.models.partners.billing.manifest import Manifest
from msgraph.generated.models.partners.billing.running_operation import RunningOperation
from msgraph.generated.reports.partners.billing.reconciliation.billed.microsoft_graph_partners_billing_export.export_post_request_body import ExportPostRequestBody as BilledReconciliationBody
from msgraph.generated.reports.partners.billing.reconciliation.unbilled.microsoft_graph_partners_billing_export.export_post_request_body import ExportPostRequestBody as UnbilledReconciliationBody
from msgraph.generated.reports.partners.billing.usage.billed.microsoft_graph_partners_billing_export.export_post_request_body import ExportPostRequestBody as BilledUsageBody
from msgraph.generated.reports.partners.billing.usage.unbilled.microsoft_graph_partners_billing_export.export_post_request_body import ExportPostRequestBody as UnbilledUsageBody
from msgraph_core import GraphClientFactory

from conftest import start_emulator
from identity import PARTNER_CENTER_SCOPE, sign_in

GRAPH_SCOPE = "https://graph.microsoft.com/PartnerBilling.Read.All"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "microsoft" / "graph"


class EmulatorCredential:
    """An azure-core TokenCredential over a token MSAL got from the emulator's identity."""

    def __init__(self, result):
        self.token = result["access_token"]
        self.expires_on = int(time.time()) + int(result.get("expires_in", 3600))

    def get_token(self, *scopes, **kwargs):
        return AccessToken(self.token, self.expires_on)


@pytest.fixture(scope="module")
def graph_emulator():
    emu = start_emulator("--graph-preparation-secs", "2", "--graph-rows-per-blob", "300")
    os.environ["REQUESTS_CA_BUNDLE"] = emu.ca
    yield emu
    emu.process.terminate()
    emu.process.wait(timeout=10)


def graph_client(emu, result):
    auth = AzureIdentityAuthenticationProvider(
        EmulatorCredential(result),
        scopes=["https://graph.microsoft.com/.default"],
        allowed_hosts=[urlparse(emu.url).hostname],
    )
    http = GraphClientFactory.create_with_default_middleware(client=httpx.AsyncClient(verify=emu.ca, timeout=60))
    adapter = GraphRequestAdapter(auth, client=http)
    adapter.base_url = f"{emu.url}/v1.0"
    return GraphServiceClient(request_adapter=adapter)


@pytest.fixture(scope="module")
def graph_token(graph_emulator):
    return sign_in(graph_emulator, GRAPH_SCOPE, graph_emulator.user(), port=53195)


@pytest.fixture(scope="module")
def modern_invoice(graph_emulator):
    """A new-commerce (G…) invoice of the emulated partner, read from Partner Center."""
    token = sign_in(graph_emulator, PARTNER_CENTER_SCOPE, graph_emulator.user(), port=53196)["access_token"]
    listed = requests.get(f"{graph_emulator.url}/v1/invoices", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert listed.status_code == 200, listed.text
    ids = [i["id"] for i in listed.json()["items"] if i["id"].startswith("G")]
    assert ids, listed.text
    return ids[0]


def documented(file, attribute_set):
    return set(json.loads((FIXTURES / file).read_text())[attribute_set.value])


async def run_export(client, builder, body):
    """POSTs the export, then polls its operation through the SDK until it is no longer running."""
    accepted = HeadersInspectionHandlerOption(inspect_response_headers=True)
    answer = await builder.microsoft_graph_partners_billing_export.post(body, request_configuration=RequestConfiguration(options=[accepted]))
    assert answer is None, "202 Accepted has no body"
    location = next(iter(accepted.response_headers.get("location")))
    assert "/reports/partners/billing/operations/" in location
    operation_id = location.rsplit("/", 1)[1]
    waited = 0
    while True:
        inspect = HeadersInspectionHandlerOption(inspect_response_headers=True)
        operation = await client.reports.partners.billing.operations.by_operation_id(operation_id).get(
            request_configuration=RequestConfiguration(options=[inspect]))
        if not isinstance(operation, RunningOperation):
            return operation, waited
        assert operation.status == LongRunningOperationStatus.Running
        retry_after = int(next(iter(inspect.response_headers.get("retry-after"))))
        assert retry_after >= 1
        waited += retry_after
        assert waited < 60, "the operation keeps running"
        await asyncio.sleep(retry_after)


def exports(invoice):
    return [
        ("usage-billed", lambda c: c.reports.partners.billing.usage.billed,
         BilledUsageBody(invoice_id=invoice, attribute_set=AttributeSet.Full), "usage-attributes.json", AttributeSet.Full),
        ("usage-unbilled", lambda c: c.reports.partners.billing.usage.unbilled,
         UnbilledUsageBody(billing_period=BillingPeriod.Current, currency_code="USD", attribute_set=AttributeSet.Basic),
         "usage-attributes.json", AttributeSet.Basic),
        ("reconciliation-billed", lambda c: c.reports.partners.billing.reconciliation.billed,
         BilledReconciliationBody(invoice_id=invoice, attribute_set=AttributeSet.Basic), "reconciliation-attributes.json", AttributeSet.Basic),
        ("reconciliation-unbilled", lambda c: c.reports.partners.billing.reconciliation.unbilled,
         UnbilledReconciliationBody(billing_period=BillingPeriod.Current, currency_code="USD", attribute_set=AttributeSet.Full),
         "reconciliation-attributes.json", AttributeSet.Full),
    ]


@pytest.mark.parametrize("which", ["usage-billed", "usage-unbilled", "reconciliation-billed", "reconciliation-unbilled"])
def test_each_export_runs_to_a_manifest_whose_blobs_hold_the_documented_attributes(graph_emulator, graph_token, modern_invoice, which):
    name, builder, body, attributes_file, attribute_set = next(e for e in exports(modern_invoice) if e[0] == which)

    async def flow():
        client = graph_client(graph_emulator, graph_token)
        operation, waited = await run_export(client, builder(client), body)
        assert waited >= 1, "the emulator prepares the data for a while, as Microsoft does"
        assert isinstance(operation, ExportSuccessOperation), operation
        assert operation.status == LongRunningOperationStatus.Succeeded
        link = operation.additional_data["resourceLocation@odata.navigationLink"]
        manifest = await client.reports.partners.billing.manifests.by_manifest_id(link.rsplit("/", 1)[1]).get()
        return manifest

    manifest = asyncio.run(flow())
    assert isinstance(manifest, Manifest)
    assert manifest.schema_version == "1"
    assert manifest.data_format == "compressedJSONLines"
    assert manifest.partner_tenant_id == graph_emulator.tenant
    assert manifest.e_tag and manifest.created_date_time is not None
    assert manifest.partition_type == "Default"
    assert manifest.blob_count == len(manifest.blobs) >= 1
    wanted = documented(attributes_file, attribute_set)
    lines = 0
    for blob in manifest.blobs:
        assert blob.partition_value == "default"
        client = BlobClient.from_blob_url(f"{manifest.root_directory}/{blob.name}?{manifest.sas_token}", connection_verify=graph_emulator.ca)
        data = gzip.decompress(client.download_blob().readall()).decode("utf-8")
        for line in data.splitlines():
            row = json.loads(line)
            assert set(row) == wanted, f"{name}: {sorted(set(row) ^ wanted)}"
            lines += 1
    assert lines > 0


def test_a_partner_center_token_is_refused_with_graphs_error(graph_emulator):
    token = sign_in(graph_emulator, PARTNER_CENTER_SCOPE, graph_emulator.user(), port=53197)

    async def attempt():
        client = graph_client(graph_emulator, token)
        await client.reports.partners.billing.usage.unbilled.microsoft_graph_partners_billing_export.post(
            UnbilledUsageBody(billing_period=BillingPeriod.Current, currency_code="USD"))

    with pytest.raises(ODataError) as refused:
        asyncio.run(attempt())
    assert refused.value.response_status_code == 401
    assert refused.value.error.code == "unauthenticated"
