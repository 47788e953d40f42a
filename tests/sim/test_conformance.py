"""Conformance: every simulator response, success and error, on every route, matches Listrak's spec.

Runs against the generated demo-style merchant (``generate_merchant``) and the small hand-built one,
through an httpx event hook that validates each response with the strict ``SpecValidator``.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from lrreport.sim.conformance import SpecValidator, load_spec
from lrreport.sim.faults import FaultConfig
from lrreport.sim.generator import MerchantSpec, generate_merchant
from lrreport.sim.merchant import Merchant
from lrreport.sim.server import RunningSimulator, run_simulator
from tests.sim.conftest import fetch_token, small_merchant

SPEC = load_spec()
VALIDATOR = SpecValidator(SPEC)
IMPLEMENTED = {  # spec operations the simulator serves
    ("GET", "/v1/ShortCode"),
    ("GET", "/v1/ShortCode/{senderCodeId}"),
    ("GET", "/v1/ShortCode/{senderCodeId}/PhoneList"),
    ("GET", "/v1/ShortCode/{senderCodeId}/PhoneList/{phoneListId}"),
    ("GET", "/v1/ShortCode/{senderCodeId}/PhoneList/{phoneListId}/TransactionalMessage"),
    (
        "GET",
        "/v1/ShortCode/{senderCodeId}/PhoneList/{phoneListId}/TransactionalMessage/{transactionalMessageId}",
    ),
    ("GET", "/v1/ShortCode/{senderCodeId}/PhoneList/{phoneListId}/Contact"),
    ("GET", "/v1/ShortCode/{senderCodeId}/Contact/{phoneNumber}"),
    ("GET", "/v1/ShortCode/{senderCodeId}/Contact/{phoneNumber}/PhoneList"),
    ("GET", "/v1/ShortCode/{senderCodeId}/OptOut"),
    ("GET", "/v1/ShortCode/{senderCodeId}/SegmentationField"),
    ("GET", "/v1/ShortCode/{senderCodeId}/SegmentationField/{segmentationFieldId}"),
    (
        "POST",
        "/v1/ShortCode/{SenderCodeId}/PhoneList/{phoneListId}/TransactionalMessage/{transactionalMessageId}"
        "/Message",
    ),
}


def generated() -> Merchant:
    return generate_merchant(MerchantSpec(contacts=1_000, days=7, orders_per_day=40))


class Checked:
    """An httpx client on a simulator whose every response is validated against the spec."""

    def __init__(self, sim: RunningSimulator) -> None:
        self.sim = sim
        self.seen: set[tuple[str, str, int]] = set()
        self.client = httpx.Client(
            base_url=sim.api_base_url,
            event_hooks={"response": [self._check]},
            headers={"Authorization": f"Bearer {fetch_token(sim)}"},
        )

    def _check(self, response: httpx.Response) -> None:
        response.read()
        request = response.request
        assert response.headers["content-type"].startswith("application/json")
        VALIDATOR.validate(request.method, request.url.path, response.status_code, response.json())
        op = VALIDATOR.operation(request.method, request.url.path)
        self.seen.add((request.method, op.template if op else "(unknown)", response.status_code))


@pytest.fixture(scope="module", params=["generated", "small"])
def checked(request) -> Iterator[tuple[Checked, Merchant]]:
    merchant = generated() if request.param == "generated" else small_merchant()
    with run_simulator(merchant) as sim:
        checked = Checked(sim)
        yield checked, merchant
        checked.client.close()


def _walk(c: httpx.Client, path: str, count: int, **params: object) -> list[dict]:
    out: list[dict] = []
    cursor = "Start"
    while cursor:
        body = c.get(path, params={**params, "count": count, "cursor": cursor}).json()
        out.extend(body["data"])
        cursor = body["nextPageCursor"]
    return out


def test_every_route_conforms(checked):
    chk, m = checked
    c = chk.client
    for sc in [s["shortCodeId"] for s in c.get("/ShortCode").json()["data"]]:
        c.get(f"/ShortCode/{sc}")
        lists = c.get(f"/ShortCode/{sc}/PhoneList").json()["data"]
        lists += c.get(f"/ShortCode/{sc}/PhoneList", params={"status": "inactive"}).json()["data"]
        _walk(c, f"/ShortCode/{sc}/PhoneList", 1)
        for pl in lists:
            pid = pl["phoneListId"]
            c.get(f"/ShortCode/{sc}/PhoneList/{pid}")
            for tm in c.get(f"/ShortCode/{sc}/PhoneList/{pid}/TransactionalMessage").json()["data"]:
                c.get(f"/ShortCode/{sc}/PhoneList/{pid}/TransactionalMessage/{tm['transactionalMessageId']}")
            for opted in ("false", "true"):
                _walk(c, f"/ShortCode/{sc}/PhoneList/{pid}/Contact", 5000, optedOut=opted)
        if lists:
            _walk(
                c,
                f"/ShortCode/{sc}/PhoneList/{lists[0]['phoneListId']}/Contact",
                300,
                startSubscribeDate="2024-01-02",
                endSubscribeDate="2030-01-01T00:00:00",
            )
        optouts = _walk(c, f"/ShortCode/{sc}/OptOut", 250, startDate="2020-01-01", endDate="2030-12-31")
        for optout in optouts[:5]:
            c.get(f"/ShortCode/{sc}/Contact/{optout['phoneNumber']}")
        contacts = m.contacts[m.contacts.short_code_id == sc]
        for phone in list(contacts.phone_number[:10]) + list(contacts[contacts.opted_out].phone_number[:5]):
            c.get(f"/ShortCode/{sc}/Contact/{phone}")
            _walk(c, f"/ShortCode/{sc}/Contact/{phone}/PhoneList", 1)
        for field in c.get(f"/ShortCode/{sc}/SegmentationField").json()["data"]:
            c.get(f"/ShortCode/{sc}/SegmentationField/{field['segmentationFieldId']}")
    ok = {(method, template) for method, template, status in chk.seen if status == 200}
    assert ok == IMPLEMENTED - {next(op for op in IMPLEMENTED if op[0] == "POST")}


def test_every_error_conforms(checked):
    chk, m = checked
    c = chk.client
    sc = m.sender_codes[0]["shortCodeId"]
    pl = m.phone_lists[sc][0]["phoneListId"]
    for path in (
        "/ShortCode/0",
        "/ShortCode/x",
        f"/ShortCode/{sc}/PhoneList/0",
        f"/ShortCode/{sc}/PhoneList/x",
        f"/ShortCode/{sc}/PhoneList/{pl}/TransactionalMessage/0",
        f"/ShortCode/{sc}/Contact/12",
        f"/ShortCode/{sc}/Contact/19999999999",
        f"/ShortCode/{sc}/Contact/19999999999/PhoneList",
        f"/ShortCode/{sc}/SegmentationField/0",
        "/ShortCode/0/OptOut",
        "/Nowhere",
    ):
        assert c.get(path).status_code in (400, 404)
    for params in ({"count": "0"}, {"cursor": "zzz"}, {"startDate": "yesterday"}):
        assert c.get(f"/ShortCode/{sc}/OptOut", params=params).status_code == 400
    assert c.get(f"/ShortCode/{sc}/PhoneList", params={"status": "deleted"}).status_code == 400
    assert c.get(f"/ShortCode/{sc}/PhoneList/{pl}/Contact", params={"optedOut": "1"}).status_code == 400
    assert c.put("/ShortCode").status_code == 405
    assert c.get("/ShortCode", headers={"Authorization": "Bearer nope"}).status_code == 401
    chk.sim.faults = FaultConfig(script=(429, "429-bare", 500))
    assert [c.get("/ShortCode").status_code for _ in range(3)] == [429, 429, 500]
    chk.sim.faults = None
    statuses = {status for _, _, status in chk.seen}
    assert {400, 401, 404, 405, 429, 500} <= statuses


def test_every_send_outcome_conforms(checked):
    chk, m = checked
    c = chk.client
    contacts = m.contacts
    for sc, lists in m.phone_lists.items():
        for pl in lists:
            pid = pl["phoneListId"]
            for shell in m.shells.get((sc, pid), [])[:2]:
                tm = shell["transactionalMessageId"]
                path = f"/ShortCode/{sc}/PhoneList/{pid}/TransactionalMessage/{tm}/Message"
                here = contacts[(contacts.short_code_id == sc) & (contacts.phone_list_id == pid)]
                blocked = set(m.banned_phones) | set(m.suspended_phones)
                free = here[
                    ~here.opted_out
                    & ~here.pending_double_opt_in
                    & ~here.pending_age_gate
                    & ~here.phone_number.isin(blocked)
                ]
                phones = [
                    *free.phone_number[:3],
                    *here[here.opted_out].phone_number[:2],
                    *here[here.pending_double_opt_in].phone_number[:1],
                    *sorted(m.banned_phones)[:1],
                    *sorted(m.suspended_phones)[:1],
                    "12",
                    "19999999999",
                ]
                for phone in phones:
                    c.post(
                        path, json={"phoneNumber": phone, "messageContent": "Your order #LR1000001 shipped"}
                    )
                c.post(path, json={"phoneNumber": phones[0], "messageContent": ""})
                c.post(path, json={"phoneNumber": phones[0], "messageContent": "Use {{coupon}} today"})
                c.post(path, data={"phoneNumber": phones[0]})
                c.post(path, content=b"{", headers={"Content-Type": "application/json"})
            c.post(
                f"/ShortCode/{sc}/PhoneList/{pid}/TransactionalMessage/0/Message",
                json={"phoneNumber": "15550000000", "messageContent": "x"},
            )
    send = next(op for op in IMPLEMENTED if op[0] == "POST")[1]
    assert {status for method, template, status in chk.seen if template == send} >= {201, 400, 404, 415}
    assert chk.sim.sends


def test_the_spec_operations_the_simulator_does_not_serve_are_known():
    """The write routes outside lrreport's needs answer 404 ERROR_UNKNOWN_ROUTE; keep the list honest."""
    served = {(m.upper(), p) for p, item in SPEC["paths"].items() for m in item}
    assert served - IMPLEMENTED == {
        ("POST", "/v1/ShortCode/{senderCodeId}/Broadcast/Immediate"),
        ("POST", "/v1/ShortCode/{senderCodeId}/PhoneList/{phoneListId}/Contact"),
        ("PUT", "/v1/ShortCode/{senderCodeId}/Contact"),
        ("POST", "/v1/ShortCode/{senderCodeId}/ContactImport"),
        ("GET", "/v1/ShortCode/{senderCodeId}/ContactImport/{importFileId}"),
        ("POST", "/v1/ShortCode/{senderCodeId}/Contact/{phoneNumber}/PhoneList/{phoneListId}"),
        ("DELETE", "/v1/ShortCode/{senderCodeId}/ContactUnsubscribe/{phoneNumber}/PhoneList/{phoneListId}"),
    }
