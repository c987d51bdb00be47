"""Cost Management export runs read with Microsoft's blob client (azure-storage-blob):
from the emulator's SAS-guarded blob endpoint, and from a real Azure Storage server
(azurite) after loading the same run into it, both through container SAS URLs."""
import csv
import io
import json
import os
import socket
import subprocess
import tempfile
import time
from datetime import datetime, timedelta, timezone

import pytest
import requests
from azure.core.exceptions import ClientAuthenticationError, HttpResponseError
from azure.storage.blob import BlobServiceClient, ContainerClient, ContainerSasPermissions, generate_container_sas

from identity import ARM_SCOPE, sign_in

# azurite's well-known development account (public, documented by Microsoft).
AZURITE_ACCOUNT = "devstoreaccount1"
AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def export_run(emulator):
    """Defines an export at the billing-account scope over ARM and runs it; returns the run's folder."""
    token = sign_in(emulator, ARM_SCOPE, emulator.user(), port=53192)["access_token"]
    account = emulator.facts["billing account"].split(" profile ")[0]
    base = f"{emulator.url}/providers/Microsoft.Billing/billingAccounts/{account}/providers/Microsoft.CostManagement/exports/conformance"
    headers = {"Authorization": f"Bearer {token}"}
    body = {
        "properties": {
            "format": "Csv",
            "definition": {"type": "ActualCost", "timeframe": "TheLastMonth", "dataSet": {"granularity": "Daily"}},
            "deliveryInfo": {"destination": {
                "resourceId": "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/partnerexports",
                "container": "cost", "rootFolderPath": "partner"}},
            "schedule": {"status": "Inactive"},
        }
    }
    created = requests.put(f"{base}?api-version=2025-03-01", json=body, headers=headers, timeout=30)
    assert created.status_code in (200, 201), created.text
    ran = requests.post(f"{base}/run?api-version=2025-03-01", headers=headers, timeout=120)
    assert ran.status_code in (200, 202), ran.text
    return emulator.facts["exports container sas"]


def read_run(container: ContainerClient):
    """Finds the newest manifest.json, then downloads every part it names."""
    manifests = [b.name for b in container.list_blobs() if b.name.endswith("manifest.json")]
    assert manifests, "the run wrote a manifest.json"
    manifest = json.loads(container.download_blob(sorted(manifests)[-1]).readall())
    parts = {}
    for blob in manifest["blobs"]:
        parts[blob["blobName"]] = container.download_blob(blob["blobName"]).readall()
    return manifest, parts


def test_emulator_blobs_list_and_download_with_the_sas(export_run):
    container = ContainerClient.from_container_url(export_run, connection_verify=os.environ["REQUESTS_CA_BUNDLE"])
    manifest, parts = read_run(container)
    assert manifest["blobCount"] == len(parts) >= 1
    rows = 0
    for name, data in parts.items():
        reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
        assert "CustomerTenantId" in {h.lower().replace("customertenantid", "CustomerTenantId") for h in reader.fieldnames}, reader.fieldnames
        rows += sum(1 for _ in reader)
    assert rows == manifest["dataRowCount"], "the manifest counts every data row in the parts"


def test_emulator_refuses_an_expired_or_write_only_sas(export_run):
    base, _, query = export_run.partition("?")
    params = dict(p.split("=", 1) for p in query.split("&"))
    listing = f"{base}?restype=container&comp=list"
    tampered = "&".join(f"{k}={v}" for k, v in {**params, "se": "2000-01-01T00%3A00%3A00Z"}.items())
    expired = requests.get(f"{listing}&{tampered}", verify=os.environ["REQUESTS_CA_BUNDLE"], timeout=10)
    assert expired.status_code == 403, "a SAS whose expiry was changed (or passed) must not read"


@pytest.fixture(scope="module")
def azurite():
    binary = os.environ.get("AZURITE_BIN")
    assert binary and os.path.exists(binary), "AZURITE_BIN must point at azurite-blob (cargo xtask test installs it)"
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="azurite-")
    proc = subprocess.Popen(
        [binary, "--blobHost", "127.0.0.1", "--blobPort", str(port), "--location", workdir, "--silent", "--skipApiVersionCheck"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        raise RuntimeError(f"azurite did not start: {proc.stderr.read().decode()[:500]}")
    yield f"http://127.0.0.1:{port}/{AZURITE_ACCOUNT}"
    proc.terminate()
    proc.wait(timeout=10)


def test_export_run_loaded_into_azurite_reads_back_through_a_real_sas(export_run, azurite):
    source = ContainerClient.from_container_url(export_run, connection_verify=os.environ["REQUESTS_CA_BUNDLE"])
    manifest, parts = read_run(source)
    manifest_name = sorted(b.name for b in source.list_blobs() if b.name.endswith("manifest.json"))[-1]

    service = BlobServiceClient(account_url=azurite, credential={"account_name": AZURITE_ACCOUNT, "account_key": AZURITE_KEY})
    target = service.create_container("partner-exports")
    for name, data in parts.items():
        target.upload_blob(name, data, overwrite=True)
    target.upload_blob(manifest_name, json.dumps(manifest).encode(), overwrite=True)

    sas = generate_container_sas(
        AZURITE_ACCOUNT, "partner-exports", account_key=AZURITE_KEY,
        permission=ContainerSasPermissions(read=True, list=True),
        expiry=datetime.now(timezone.utc) + timedelta(hours=1),
    )
    reader = ContainerClient.from_container_url(f"{azurite}/partner-exports?{sas}")
    manifest_back, parts_back = read_run(reader)
    assert manifest_back == manifest
    assert parts_back == parts, "azurite serves byte-identical parts through the SAS"

    expired_sas = generate_container_sas(
        AZURITE_ACCOUNT, "partner-exports", account_key=AZURITE_KEY,
        permission=ContainerSasPermissions(read=True, list=True),
        expiry=datetime.now(timezone.utc) - timedelta(minutes=5),
    )
    with pytest.raises((ClientAuthenticationError, HttpResponseError)) as refused:
        list(ContainerClient.from_container_url(f"{azurite}/partner-exports?{expired_sas}").list_blobs())
    assert refused.value.status_code == 403
