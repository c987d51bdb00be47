"""Starts `cspdesk emulator --tls` for the conformance tests and reads what it prints.

The emulator's first stdout line is `emulator listening on URL`; the lines after it name the
CA file, the partner tenant, the client id, the seeded users and the Azure Stack and billing
fixtures, so these tests need no knowledge of the generator.
"""
import os
import re
import subprocess
import time

import pytest


class Emulator:
    def __init__(self, url, facts, process):
        self.url = url
        self.facts = facts
        self.process = process

    @property
    def ca(self):
        return self.facts["ca pem"]

    @property
    def tenant(self):
        return self.facts["partner tenant"].split()[0]

    @property
    def client_id(self):
        return self.facts["client id"]

    def user(self, role=None, mfa=True):
        """A seeded user's UPN, optionally one holding a role template id."""
        for line in self.facts["users"]:
            m = re.match(r"(\S+) mfa=(\w+) roles=(.*)", line)
            upn, has_mfa, roles = m.group(1), m.group(2) == "true", m.group(3)
            if has_mfa == mfa and (role is None or role in roles.split(",")):
                return upn
        raise LookupError(f"no seeded user with role={role} mfa={mfa}: {self.facts['users']}")


def start_emulator(*extra):
    binary = os.environ.get("CSPDESK_BIN")
    assert binary, "CSPDESK_BIN must point at the cspdesk binary (cargo xtask test sets it)"
    proc = subprocess.Popen(
        [binary, "emulator", "--preset", "S", "--seed", "31", "--tls", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    first = proc.stdout.readline().strip()
    assert first.startswith("emulator listening on "), f"first line was {first!r}; stderr: {proc.stderr.read() if proc.poll() is not None else ''}"
    url = first.removeprefix("emulator listening on ")
    facts = {"users": []}
    deadline = time.time() + 30
    while time.time() < deadline:
        line = proc.stdout.readline().strip()
        if not line or line.startswith("ready in"):
            break
        if line.startswith("user "):
            facts["users"].append(line.removeprefix("user "))
            continue
        for key in ("ca pem", "partner tenant", "client id", "azure stack:", "billing account", "stack customer subscription", "exports container sas"):
            if line.startswith(key + " ") or line.startswith(key):
                facts[key.rstrip(":")] = line[len(key):].strip()
                break
    return Emulator(url, facts, proc)


@pytest.fixture(scope="module")
def emulator():
    emu = start_emulator()
    # Clients that pass verify=True per request (MSAL, azure-core) read the trust store
    # from here; the emulator's CA is the one a real deployment gets from a public CA.
    os.environ["REQUESTS_CA_BUNDLE"] = emu.ca
    yield emu
    emu.process.terminate()
    emu.process.wait(timeout=10)
