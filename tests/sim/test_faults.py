"""Each fault kind is observable over HTTP, seeded shares repeat, and scripts fault exact calls."""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime

import httpx
import pytest

from lrreport.sim.faults import FaultConfig, FaultInjector
from lrreport.sim.server import run_simulator
from tests.sim.conftest import SC, TX_LIST, fetch_token

CONTACTS = f"/ShortCode/{SC}/PhoneList/{TX_LIST}/Contact"


@pytest.fixture(scope="module")
def faulty(merchant):
    """A simulator of its own (faults are switched per test) and a client with a token."""
    with run_simulator(merchant) as sim:
        token = fetch_token(sim)
        with httpx.Client(base_url=sim.api_base_url, headers={"Authorization": f"Bearer {token}"}) as client:
            yield sim, client
            sim.faults = None


def test_scripted_429_500_burst_then_normal(faulty):
    sim, client = faulty
    sim.faults = FaultConfig(script=(429, "429-bare", "429-date", 500, "none"), retry_after_s=3)
    first, bare, dated, error, ok, after = (client.get("/ShortCode") for _ in range(6))
    assert first.status_code == 429 and first.headers["retry-after"] == "3"
    assert first.json() == {
        "status": 429,
        "error": "ERROR_TOO_MANY_REQUESTS",
        "message": first.json()["message"],
    }
    assert bare.status_code == 429 and "retry-after" not in bare.headers
    assert dated.status_code == 429
    wait = parsedate_to_datetime(dated.headers["retry-after"]).timestamp() - time.time()
    assert 2 <= wait <= 5
    assert error.status_code == 500 and error.json()["error"] == "ERROR_UNHANDLED_EXCEPTION"
    assert ok.status_code == 200 and after.status_code == 200
    assert [r.fault for r in sim.requests[-6:]] == ["429", "429-bare", "429-date", "500", None, None]


def test_dropped_connection_gets_no_response(faulty):
    sim, client = faulty
    sim.faults = FaultConfig(script=("drop",))
    with pytest.raises(httpx.RemoteProtocolError):
        client.get("/ShortCode")
    assert client.get("/ShortCode").status_code == 200  # the client reconnects
    dropped = [r for r in sim.requests if r.fault == "drop"]
    assert dropped[-1].status is None


def test_slow_response_is_delayed_but_correct(faulty):
    sim, client = faulty
    sim.faults = FaultConfig(script=("slow",), slow_s=0.6)
    started = time.monotonic()
    response = client.get(f"/ShortCode/{SC}")
    assert time.monotonic() - started >= 0.6
    assert response.status_code == 200 and response.json()["data"]["shortCodeId"] == SC
    sim.faults = FaultConfig(script=("slow",), slow_s=1.0)
    with pytest.raises(httpx.ReadTimeout):
        client.get("/ShortCode", timeout=0.3)
    deadline = time.monotonic() + 10  # let the server finish the request the client gave up on
    while not (sim.requests and sim.requests[-1].fault == "slow") and time.monotonic() < deadline:
        time.sleep(0.05)


def test_seeded_shares_repeat_over_http(faulty):
    sim, client = faulty

    def run(seed: int) -> list[int]:
        sim.faults = FaultConfig(seed=seed, rate_limit=0.3, server_error=0.2, retry_after_http_date_share=0.5)
        return [client.get("/ShortCode").status_code for _ in range(40)]

    first = run(11)
    assert first == run(11) != run(12)
    assert {200, 429, 500} <= set(first)


def test_token_expires_after_n_calls_mid_pagination(faulty):
    sim, client = faulty
    sim.faults = FaultConfig(expire_token_after_calls=3)
    token = fetch_token(sim)
    headers = {"Authorization": f"Bearer {token}"}
    statuses = []
    cursor = "Start"
    for _ in range(4):
        response = client.get(CONTACTS, params={"count": 100, "cursor": cursor}, headers=headers)
        statuses.append(response.status_code)
        if response.status_code == 200:
            cursor = response.json()["nextPageCursor"]
    assert statuses == [200, 200, 200, 401]
    # A fresh token carries on where the pagination stopped.
    headers = {"Authorization": f"Bearer {fetch_token(sim)}"}
    resumed = client.get(CONTACTS, params={"count": 100, "cursor": cursor}, headers=headers)
    assert resumed.status_code == 200 and len(resumed.json()["data"]) == 100
    assert client.get("/ShortCode", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_repeated_cursor_server_bug(faulty):
    sim, client = faulty
    sim.faults = FaultConfig(repeat_cursor_after_pages=2)
    page1 = client.get(CONTACTS, params={"count": 10}).json()
    page2 = client.get(CONTACTS, params={"count": 10, "cursor": page1["nextPageCursor"]}).json()
    assert page2["nextPageCursor"] == page1["nextPageCursor"]  # "next" is the page just served
    sim.faults = None
    page2 = client.get(CONTACTS, params={"count": 10, "cursor": page1["nextPageCursor"]}).json()
    assert page2["nextPageCursor"] != page1["nextPageCursor"]


def test_token_route_gets_faults_only_when_asked(faulty):
    sim, _ = faulty
    sim.faults = FaultConfig(script=(500, 500))
    assert (
        httpx.post(
            sim.token_url,
            data={
                "grant_type": "client_credentials",
                "client_id": sim.client_id,
                "client_secret": sim.client_secret,
            },
        ).status_code
        == 200
    )
    sim.faults = FaultConfig(script=(500,), apply_to_token=True)
    refused = httpx.post(
        sim.token_url,
        data={
            "grant_type": "client_credentials",
            "client_id": sim.client_id,
            "client_secret": sim.client_secret,
        },
    )
    assert refused.status_code == 500


def test_faults_in_effect_from_start(merchant):
    with run_simulator(merchant, faults=FaultConfig(script=(429,))) as sim:
        token = fetch_token(sim)
        response = httpx.get(sim.api_base_url + "/ShortCode", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 429


@pytest.mark.parametrize(
    "kwargs",
    [
        {"rate_limit": 1.5},
        {"drop": -0.1},
        {"rate_limit": 0.6, "server_error": 0.6},
        {"expire_token_after_calls": 0},
        {"script": ("teapot",)},
    ],
)
def test_bad_fault_configs_are_refused(kwargs):
    with pytest.raises(ValueError):
        FaultConfig(**kwargs)


def test_injector_is_deterministic_per_seed():
    def draws(seed: int) -> list[str | None]:
        injector = FaultInjector(FaultConfig(seed=seed, rate_limit=0.3, drop=0.1, slow=0.2, server_error=0.1))
        return [(f.kind if f else None) for f in (injector.draw() for _ in range(500))]

    assert draws(1) == draws(1) != draws(2)
    kinds = draws(1)
    # shares of 500 draws: drop 0.1, 500 0.1, 429 0.3, slow 0.2 of the remaining half
    assert 30 <= kinds.count("drop") <= 75 and 30 <= kinds.count("500") <= 75
    assert 110 <= kinds.count("429") <= 190 and 25 <= kinds.count("slow") <= 80


def test_token_call_count_starts_when_the_fault_is_switched_on(faulty):
    sim, client = faulty
    sim.faults = None
    for _ in range(5):
        assert client.get("/ShortCode").status_code == 200  # an old, well-used token
    sim.faults = FaultConfig(expire_token_after_calls=2)
    assert [client.get("/ShortCode").status_code for _ in range(3)] == [200, 200, 401]
    sim.faults = None
    client.headers["Authorization"] = f"Bearer {fetch_token(sim)}"
