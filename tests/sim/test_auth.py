"""The token route and bearer tokens: credentials, expiry, pausing, and no secret in the records."""

from __future__ import annotations

import time

import httpx
import pytest

from lrreport.sim.server import run_simulator
from tests.sim.conftest import SC, fetch_token


def token_request(sim, **overrides: str) -> httpx.Response:
    form = {
        "grant_type": "client_credentials",
        "client_id": sim.client_id,
        "client_secret": sim.client_secret,
    }
    form.update(overrides)
    return httpx.post(sim.token_url, data=form)


def get(sim, path: str, token: str | None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.get(sim.api_base_url + path, headers=headers)


@pytest.fixture
def own_sim(merchant):
    with run_simulator(
        merchant, client_id="shop-7", client_secret="s3cr3t-value-xyz", token_ttl_s=600
    ) as sim:
        yield sim


def test_token_route_issues_bearer_tokens(own_sim):
    response = token_request(own_sim)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "Bearer" and body["expires_in"] == 600 and len(body["access_token"]) >= 32
    assert response.headers["cache-control"] == "no-store"
    assert get(own_sim, "/ShortCode", body["access_token"]).status_code == 200
    assert token_request(own_sim).json()["access_token"] != body["access_token"]


@pytest.mark.parametrize(
    ("overrides", "status", "error"),
    [
        ({"client_secret": "wrong"}, 401, "ERROR_INVALID_CREDENTIALS"),
        ({"client_id": "someone-else"}, 401, "ERROR_INVALID_CREDENTIALS"),
        ({"client_secret": ""}, 401, "ERROR_INVALID_CREDENTIALS"),
        ({"grant_type": "password"}, 400, "ERROR_INVALID_PARAMETER"),
    ],
)
def test_wrong_credentials_are_refused(own_sim, overrides, status, error):
    response = token_request(own_sim, **overrides)
    assert response.status_code == status
    assert response.json() == {"status": status, "error": error, "message": response.json()["message"]}
    assert "s3cr3t-value-xyz" not in response.text


def test_token_route_wants_a_form_post(own_sim):
    assert httpx.get(own_sim.token_url).status_code == 405
    as_json = httpx.post(own_sim.token_url, json={"grant_type": "client_credentials"})
    assert as_json.status_code == 415 and as_json.json()["error"] == "ERROR_UNSUPPORTED_CONTENT_TYPE"


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer not-a-token", "Basic abc"])
def test_calls_without_a_valid_token_are_unauthorized(own_sim, header):
    headers = {"Authorization": header} if header else {}
    response = httpx.get(own_sim.api_base_url + "/ShortCode", headers=headers)
    assert response.status_code == 401
    assert response.json()["error"] == "ERROR_UNAUTHORIZED"
    assert response.headers["www-authenticate"] == "Bearer"


def test_tokens_expire_after_their_ttl(merchant):
    with run_simulator(merchant, token_ttl_s=1.5) as sim:
        token = fetch_token(sim)
        issued = time.monotonic()
        first = get(sim, "/ShortCode", token).status_code
        assert first == 200 or time.monotonic() - issued >= 1.5
        time.sleep(1.6)
        assert get(sim, "/ShortCode", token).status_code == 401
        assert get(sim, "/ShortCode", fetch_token(sim)).status_code == 200


def test_expire_tokens_on_demand(own_sim):
    token = fetch_token(own_sim)
    own_sim.expire_tokens()
    assert get(own_sim, f"/ShortCode/{SC}", token).json()["error"] == "ERROR_UNAUTHORIZED"


def test_paused_integration_refuses_tokens_and_calls(own_sim):
    token = fetch_token(own_sim)
    own_sim.paused = True
    refused = token_request(own_sim)
    assert refused.status_code == 401 and refused.json()["error"] == "ERROR_INVALID_CREDENTIALS"
    assert "paused" in refused.json()["message"]
    assert get(own_sim, "/ShortCode", token).status_code == 401
    own_sim.paused = False
    assert get(own_sim, "/ShortCode", token).status_code == 200


def test_no_secret_in_the_request_log_or_repr(own_sim):
    token = fetch_token(own_sim)
    get(own_sim, "/ShortCode", token)
    token_request(own_sim, client_secret="wrong-guess-123")
    text = repr(own_sim) + repr(own_sim.requests)
    for secret in ("s3cr3t-value-xyz", token, "wrong-guess-123"):
        assert secret not in text
    assert [(r.method, r.path, r.status) for r in own_sim.requests[-2:]] == [
        ("GET", "/sms/v1/ShortCode", 200),
        ("POST", "/OAuth2/Token", 401),
    ]
