"""Signing in to the emulator with MSAL, as a real client would, for tests that need a token."""
import html
import re
from urllib.parse import parse_qs, urlparse

import msal
import requests

PARTNER_CENTER_SCOPE = "https://api.partnercenter.microsoft.com/user_impersonation"
ARM_SCOPE = "https://management.azure.com/user_impersonation"


def public_client(emu):
    return msal.PublicClientApplication(
        emu.client_id,
        authority=f"{emu.url}/{emu.tenant}",
        verify=emu.ca,
        instance_discovery=False,
    )


def consent(emu, auth_uri, upn, decision="accept"):
    """Plays the browser: loads the consent page and submits its form as the user would."""
    page = requests.get(auth_uri, verify=emu.ca, allow_redirects=False, timeout=10)
    assert page.status_code == 200, page.text[:300]
    assert "<form" in page.text and "Accept" in page.text, "the authorize endpoint serves a consent page"
    fields = {k: html.unescape(v) for k, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text)}
    fields.update({"user": upn, "decision": decision})
    target = urlparse(auth_uri)
    answer = requests.post(f"{target.scheme}://{target.netloc}{target.path}", data=fields, verify=emu.ca, allow_redirects=False, timeout=10)
    assert answer.status_code in (302, 303), answer.text[:300]
    return answer.headers["Location"]


def query_of(location):
    return {k: v[0] for k, v in parse_qs(urlparse(location).query).items()}


def sign_in(emu, scope, upn, port=53190):
    """Auth code + PKCE through the consent page; returns MSAL's token result."""
    app = public_client(emu)
    flow = app.initiate_auth_code_flow([scope], redirect_uri=f"http://localhost:{port}")
    result = app.acquire_token_by_auth_code_flow(flow, query_of(consent(emu, flow["auth_uri"], upn)))
    assert "access_token" in result, result
    return result
