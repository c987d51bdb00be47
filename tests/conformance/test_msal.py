"""Microsoft's own identity client (MSAL for Python) against the emulator's authority:
authorization code with PKCE, refresh token rotation and the device-code flow."""
import threading
import time
from urllib.parse import urlparse

import requests

from identity import PARTNER_CENTER_SCOPE, consent, public_client as app_for, query_of


def test_auth_code_with_pkce_then_refresh_rotation(emulator):
    app = app_for(emulator)
    upn = emulator.user(mfa=True)
    flow = app.initiate_auth_code_flow([PARTNER_CENTER_SCOPE], redirect_uri="http://localhost:53177")
    assert flow["code_verifier"], "MSAL uses PKCE"
    assert "code_challenge_method=S256" in flow["auth_uri"]
    location = consent(emulator, flow["auth_uri"], upn)
    redirect = urlparse(location)
    assert redirect.netloc == "localhost:53177", "redirected back to the loopback URI MSAL registered"
    auth_response = query_of(location)
    result = app.acquire_token_by_auth_code_flow(flow, auth_response)
    assert "access_token" in result, result
    assert result["id_token_claims"]["preferred_username"].lower() == upn.lower() or result["id_token_claims"].get("upn", "").lower() == upn.lower()
    first_refresh = result["refresh_token"]

    refreshed = app.acquire_token_by_refresh_token(first_refresh, [PARTNER_CENTER_SCOPE])
    assert "access_token" in refreshed, refreshed
    assert refreshed["refresh_token"] != first_refresh, "every use of a refresh token returns a new one"


def test_consent_denied_reaches_msal_as_access_denied(emulator):
    app = app_for(emulator)
    flow = app.initiate_auth_code_flow([PARTNER_CENTER_SCOPE], redirect_uri="http://localhost:53178")
    location = consent(emulator, flow["auth_uri"], emulator.user(), decision="deny")
    auth_response = query_of(location)
    result = app.acquire_token_by_auth_code_flow(flow, auth_response)
    assert result.get("error") == "access_denied", result


def test_tampered_pkce_verifier_is_rejected(emulator):
    app = app_for(emulator)
    flow = app.initiate_auth_code_flow([PARTNER_CENTER_SCOPE], redirect_uri="http://localhost:53179")
    location = consent(emulator, flow["auth_uri"], emulator.user())
    auth_response = query_of(location)
    flow["code_verifier"] = flow["code_verifier"][::-1]
    result = app.acquire_token_by_auth_code_flow(flow, auth_response)
    assert result.get("error") == "invalid_grant", result
    assert "access_token" not in result


def test_device_code_flow(emulator):
    app = app_for(emulator)
    flow = app.initiate_device_flow([PARTNER_CENTER_SCOPE])
    assert "user_code" in flow, flow
    upn = emulator.user()

    def approve():
        # The user opens the verification page on another device and enters the code.
        time.sleep(0.5)
        page = requests.get(flow["verification_uri"], verify=emulator.ca, timeout=10)
        assert page.status_code == 200
        requests.post(flow["verification_uri"], data={"user_code": flow["user_code"], "user": upn, "decision": "accept"}, verify=emulator.ca, timeout=10)

    approver = threading.Thread(target=approve)
    approver.start()
    flow["expires_at"] = time.time() + 30
    result = app.acquire_token_by_device_flow(flow)
    approver.join()
    assert "access_token" in result, result
    assert "refresh_token" in result
