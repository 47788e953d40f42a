"""The GA4 simulator over loopback, field for field as Google documents runReport and the
service-account token exchange; and it stays out of the product's import path."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import date

import httpx
import pytest
from google.auth import crypt, jwt

from lrreport.sim.faults import FaultConfig
from lrreport.sim.ga4_server import JWT_AUDIENCE, JWT_GRANT, run_ga4_simulator
from lrreport.sim.generator import MerchantSpec

SPEC = MerchantSpec(seed=3, end_date=date(2026, 11, 15), days=8, contacts=800, orders_per_day=60)
SCOPE = "https://www.googleapis.com/auth/analytics.readonly"
BODY = {
    "dateRanges": [{"startDate": "2026-11-01", "endDate": "2026-11-16"}],
    "dimensions": [{"name": "date"}, {"name": "sessionSource"}, {"name": "sessionMedium"}],
    "metrics": [{"name": "sessions"}, {"name": "transactions"}, {"name": "purchaseRevenue"}],
}


def assertion(key: dict, **claims: object) -> str:
    now = int(time.time())
    payload = {"iss": key["client_email"], "aud": JWT_AUDIENCE, "scope": SCOPE, "iat": now, "exp": now + 3600}
    signer = crypt.RSASigner.from_service_account_info(key)
    return jwt.encode(signer, {**payload, **claims}).decode()


@pytest.fixture(scope="module")
def sim():
    with run_ga4_simulator(SPEC) as running:
        yield running


@pytest.fixture(scope="module")
def client(sim):
    key = sim.key_file()
    with httpx.Client(base_url=sim.base_url) as http:
        token = http.post("/token", data={"grant_type": JWT_GRANT, "assertion": assertion(key)}).json()
        http.headers["Authorization"] = f"Bearer {token['access_token']}"
        yield http


def report(client, sim, body: dict) -> httpx.Response:
    return client.post(f"/v1beta/properties/{sim.property_id}:runReport", json=body)


def test_token_exchange_checks_the_grant(sim):
    key = sim.key_file()
    with httpx.Client(base_url=sim.base_url) as http:
        ok = http.post("/token", data={"grant_type": JWT_GRANT, "assertion": assertion(key)})
        assert ok.status_code == 200
        assert (
            set(ok.json()) == {"access_token", "expires_in", "token_type"}
            and ok.json()["token_type"] == "Bearer"
        )
        wrong_grant = http.post("/token", data={"grant_type": "client_credentials"})
        assert (wrong_grant.status_code, wrong_grant.json()["error"]) == (400, "unsupported_grant_type")
        with run_ga4_simulator(SPEC) as other:  # same account name, another key pair
            forged = assertion(other.key_file())
        bad_sig = http.post("/token", data={"grant_type": JWT_GRANT, "assertion": forged})
        assert (bad_sig.status_code, bad_sig.json()["error"]) == (400, "invalid_grant")
        no_scope = http.post(
            "/token", data={"grant_type": JWT_GRANT, "assertion": assertion(key, scope="email")}
        )
        assert no_scope.json()["error"] == "invalid_scope"
        too_long = assertion(key, exp=int(time.time()) + 7200)
        assert (
            http.post("/token", data={"grant_type": JWT_GRANT, "assertion": too_long}).json()["error"]
            == "invalid_grant"
        )
    assert key["type"] == "service_account" and key["token_uri"] == sim.token_url


def test_run_report_answer_has_googles_fields(client, sim):
    answer = report(client, sim, {**BODY, "metricAggregations": ["TOTAL"], "returnPropertyQuota": True})
    assert answer.status_code == 200
    body = answer.json()
    assert list(body) == [
        "dimensionHeaders",
        "metricHeaders",
        "rows",
        "totals",
        "rowCount",
        "metadata",
        "propertyQuota",
        "kind",
    ]
    assert body["kind"] == "analyticsData#runReport"
    assert body["metricHeaders"] == [
        {"name": "sessions", "type": "TYPE_INTEGER"},
        {"name": "transactions", "type": "TYPE_INTEGER"},
        {"name": "purchaseRevenue", "type": "TYPE_CURRENCY"},
    ]
    assert body["metadata"] == {"currencyCode": "USD", "timeZone": "America/New_York"}
    row = body["rows"][0]
    assert all(isinstance(v["value"], str) for v in row["dimensionValues"] + row["metricValues"])
    assert len(row["dimensionValues"][0]["value"]) == 8  # YYYYMMDD
    assert body["rowCount"] == len(body["rows"])
    total_sessions = sum(int(r["metricValues"][0]["value"]) for r in body["rows"])
    assert body["totals"][0]["metricValues"][0]["value"] == str(total_sessions)
    quota = body["propertyQuota"]
    assert set(quota) >= {
        "tokensPerDay",
        "tokensPerHour",
        "concurrentRequests",
        "serverErrorsPerProjectPerHour",
        "potentiallyThresholdedRequestsPerHour",
    }
    assert quota["tokensPerDay"]["consumed"] > 0
    assert quota["tokensPerDay"]["consumed"] + quota["tokensPerDay"]["remaining"] == 200_000
    assert "propertyQuota" not in report(client, sim, BODY).json()


def test_paging_by_offset_and_limit_keeps_row_count(client, sim):
    full = report(client, sim, {**BODY, "orderBys": [{"dimension": {"dimensionName": "date"}}]}).json()
    pages, offset = [], 0
    while offset < full["rowCount"]:
        page = report(
            client,
            sim,
            {**BODY, "orderBys": [{"dimension": {"dimensionName": "date"}}], "offset": offset, "limit": 7},
        ).json()
        assert page["rowCount"] == full["rowCount"] and len(page["rows"]) <= 7
        pages.extend(page["rows"])
        offset += 7
    assert pages == full["rows"]
    past = report(client, sim, {**BODY, "offset": full["rowCount"] + 5}).json()
    assert "rows" not in past and past["rowCount"] == full["rowCount"]


def test_filters_and_date_words(client, sim):
    sms = {
        "andGroup": {
            "expressions": [
                {
                    "filter": {
                        "fieldName": "sessionSource",
                        "stringFilter": {"value": "LISTRAK", "caseSensitive": False},
                    }
                },
                {"filter": {"fieldName": "sessionMedium", "inListFilter": {"values": ["sms"]}}},
            ]
        }
    }
    got = report(client, sim, {**BODY, "dimensionFilter": sms}).json()
    assert {(r["dimensionValues"][1]["value"], r["dimensionValues"][2]["value"]) for r in got["rows"]} == {
        ("listrak", "sms")
    }
    exact = report(
        client,
        sim,
        {
            **BODY,
            "dimensionFilter": {
                "filter": {
                    "fieldName": "sessionSource",
                    "stringFilter": {"value": "LISTRAK", "caseSensitive": True},
                }
            },
        },
    ).json()
    assert "rows" not in exact
    others = report(client, sim, {**BODY, "dimensionFilter": {"notExpression": sms}}).json()
    assert (
        others["rowCount"] > 0
        and got["rowCount"] + others["rowCount"] == report(client, sim, BODY).json()["rowCount"]
    )
    # the simulator's today is the day after the merchant's last day: "yesterday" is Nov 15
    yesterday = report(
        client, sim, {**BODY, "dateRanges": [{"startDate": "yesterday", "endDate": "yesterday"}]}
    ).json()
    assert {r["dimensionValues"][0]["value"] for r in yesterday["rows"]} == {"20261115"}
    two = report(
        client,
        sim,
        {
            **BODY,
            "dimensions": [{"name": "sessionMedium"}],
            "dateRanges": [
                {"startDate": "2026-11-10", "endDate": "2026-11-10"},
                {"startDate": "2daysAgo", "endDate": "today"},
            ],
        },
    ).json()
    assert [h["name"] for h in two["dimensionHeaders"]] == ["sessionMedium", "dateRange"]
    assert {r["dimensionValues"][1]["value"] for r in two["rows"]} == {"date_range_0", "date_range_1"}


@pytest.mark.parametrize(
    ("body", "status", "text"),
    [
        ({**BODY, "dimensionz": []}, "INVALID_ARGUMENT", 'Unknown name "dimensionz"'),
        (
            {**BODY, "dimensions": [{"name": "sessionSourceMedium2"}]},
            "INVALID_ARGUMENT",
            "not a valid dimension",
        ),
        ({**BODY, "metrics": [{"name": "clicks"}]}, "INVALID_ARGUMENT", "not a valid metric"),
        ({**BODY, "dateRanges": []}, "INVALID_ARGUMENT", "dateRanges"),
        (
            {**BODY, "dateRanges": [{"startDate": "11/01/2026", "endDate": "today"}]},
            "INVALID_ARGUMENT",
            "Invalid date",
        ),
        ({**BODY, "offset": -1}, "INVALID_ARGUMENT", "negative"),
        ({**BODY, "metricFilter": {"filter": {}}}, "UNIMPLEMENTED", "metricFilter"),
    ],
)
def test_bad_requests_are_refused_like_google(client, sim, body, status, text):
    answer = report(client, sim, body)
    error = answer.json()["error"]
    assert answer.status_code == error["code"] and error["status"] == status and text in error["message"]


def test_auth_property_quota_and_fault_answers(client, sim):
    anonymous = httpx.post(f"{sim.base_url}/v1beta/properties/{sim.property_id}:runReport", json=BODY)
    assert (anonymous.status_code, anonymous.json()["error"]["status"]) == (401, "UNAUTHENTICATED")
    other = client.post("/v1beta/properties/1:runReport", json=BODY)
    assert (other.status_code, other.json()["error"]["status"]) == (403, "PERMISSION_DENIED")
    sim.set_quota(per_hour=0)
    exhausted = report(client, sim, BODY)
    assert (exhausted.status_code, exhausted.json()["error"]["status"]) == (429, "RESOURCE_EXHAUSTED")
    assert "tokens per hour" in exhausted.json()["error"]["message"]
    sim.set_quota(per_hour=40_000)
    sim.faults = FaultConfig(script=(429, 500, 500), retry_after_s=2)
    limited, internal, unavailable = (report(client, sim, BODY) for _ in range(3))
    assert limited.status_code == 429 and limited.headers["retry-after"] == "2"
    assert limited.json()["error"]["status"] == "RESOURCE_EXHAUSTED"
    assert {
        (internal.status_code, internal.json()["error"]["status"]),
        (unavailable.status_code, unavailable.json()["error"]["status"]),
    } == {(500, "INTERNAL"), (503, "UNAVAILABLE")}
    sim.faults = None
    assert report(client, sim, BODY).status_code == 200


def test_the_product_does_not_import_the_simulators():
    code = (
        "import sys; import lrreport.extract.ga4, lrreport.extract.commands, lrreport.warehouse.commands\n"
        "test_only = ('jsonschema', 'pytest')\n"
        "print('SIM', [m for m in sys.modules if m.startswith('lrreport.sim') or m in test_only])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "SIM []" in out
