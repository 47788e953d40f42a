"""The client against the simulator over real HTTP on loopback: every route paged to the end,
token expiry and refresh, retries on 429/500/dropped connections with Retry-After honoured,
repeated cursors, and fatal credential errors."""

from __future__ import annotations

import math
import threading
import time
from datetime import date

import pandas as pd
import pytest

from lrreport.listrak import (
    ListrakAuthError,
    ListrakNotFoundError,
    ListrakPaginationError,
    ListrakRetryError,
)
from lrreport.sim.faults import FaultConfig
from lrreport.sim.server import run_simulator
from tests.listrak.conftest import api_requests, credentials_for, settings_for, token_requests


def _sc(merchant) -> int:
    return int(merchant.sender_codes[0]["shortCodeId"])


def _lists(merchant) -> list[dict]:
    return merchant.phone_lists[_sc(merchant)]


def test_every_route_paged_to_the_end(sim, merchant, make_client):
    client = make_client()
    sc = _sc(merchant)
    codes = [c["shortCodeId"] for c in client.sender_codes()]
    assert codes == [c["shortCodeId"] for c in merchant.sender_codes]
    assert client.sender_code(sc)["code"] == merchant.sender_codes[0]["code"]

    active = client.phone_lists(sc)
    inactive = client.phone_lists(sc, status="inactive")
    expected = {pl["phoneListId"]: pl for pl in _lists(merchant)}
    assert {pl["phoneListId"] for pl in active + inactive} == set(expected)
    assert all(pl["status"] == "Inactive" for pl in inactive)

    contacts = merchant.contacts
    for pl in active + inactive:
        list_id = pl["phoneListId"]
        assert client.phone_list(sc, list_id) == expected[list_id]
        shells = client.transactional_messages(sc, list_id)
        assert shells == merchant.shells.get((sc, list_id), [])
        for shell in shells:
            one = client.transactional_message(sc, list_id, shell["transactionalMessageId"])
            assert one == shell
        for opted_out in (False, True):
            sim.clear_log()
            pages = list(client.iter_contact_pages(sc, list_id, opted_out=opted_out))
            rows = [r for page in pages for r in page]
            want = contacts[(contacts.phone_list_id == list_id) & (contacts.opted_out == opted_out)]
            assert sorted(r["phoneNumber"] for r in rows) == sorted(want.phone_number)
            assert all(r["optedOut"] is opted_out for r in rows)
            assert all(len(page) <= 250 for page in pages)
            # one request per page (the last page may be the empty one that ends the walk)
            assert len(api_requests(sim, "/Contact")) == len(pages) >= math.ceil(len(want) / 250)

    optouts = [r for page in client.iter_optout_pages(sc, count=100) for r in page]
    assert len(optouts) == len(merchant.optouts)
    assert {r["optOutReason"] for r in optouts} <= {
        "Campaign", "Admin", "DeliveryFailure", "Import", "API", "Deactivated", "PermanentError", "Workflow"
    }

    fields = client.profile_fields(sc)
    assert fields == merchant.profile_fields[sc]
    assert client.profile_field(sc, fields[0]["segmentationFieldId"]) == fields[0]

    phone = contacts[(contacts.phone_list_id == _lists(merchant)[0]["phoneListId"])].phone_number.iloc[0]
    detail = client.contact(sc, "+" + phone)
    assert detail["phoneNumber"] == phone and "subscribeDate" in detail
    subs = client.contact_lists(sc, phone)
    assert {s["phoneListId"] for s in subs} == set(contacts[contacts.phone_number == phone].phone_list_id)

    with pytest.raises(ListrakNotFoundError) as info:
        client.phone_list(sc, 999999)
    assert info.value.status == 404 and info.value.error == "ERROR_UNABLE_TO_LOCATE_RESOURCE"
    assert "/PhoneList/999999" in str(info.value)


def test_date_filters_select_the_same_rows_as_the_merchant(sim, merchant, make_client):
    client = make_client()
    sc = _sc(merchant)
    list_id = _lists(merchant)[0]["phoneListId"]
    c = merchant.contacts
    start, end = date(2023, 1, 2), date(2023, 3, 31)
    rows = [
        r
        for page in client.iter_contact_pages(sc, list_id, start_subscribe_date=start, end_subscribe_date=end)
        for r in page
    ]
    days = c.subscribe_date.dt.normalize()
    want = c[(c.phone_list_id == list_id) & ~c.opted_out & (days >= pd.Timestamp(start))
             & (days <= pd.Timestamp(end))]
    assert len(want) > 0
    assert sorted(r["phoneNumber"] for r in rows) == sorted(want.phone_number)

    o = merchant.optouts
    first = o.opt_out_date.min().date()
    got = [r for page in client.iter_optout_pages(sc, start_date=first, end_date=first) for r in page]
    assert len(got) == int((o.opt_out_date.dt.normalize() == pd.Timestamp(first)).sum()) > 0


def test_token_expiring_mid_pagination_is_refreshed_and_replayed(sim, merchant, make_client):
    client = make_client()
    sc = _sc(merchant)
    list_id = _lists(merchant)[0]["phoneListId"]
    sim.faults = FaultConfig(expire_token_after_calls=3)
    pages = list(client.iter_contact_pages(sc, list_id, count=100))
    n = sum(len(p) for p in pages)
    expected = int(((merchant.contacts.phone_list_id == list_id) & ~merchant.contacts.opted_out).sum())
    assert n == expected
    unauthorized = [r for r in api_requests(sim) if r.status == 401]
    # every 3 calls the token dies: one 401 and one new token each time, never a second 401 in a row
    assert len(unauthorized) == len(token_requests(sim)) - 1 >= len(pages) // 3 - 1
    assert client.auth.tokens_fetched == len(token_requests(sim))


def test_token_refreshed_before_it_expires(merchant):
    with run_simulator(merchant, token_ttl_s=1) as short:
        from lrreport.listrak import ListrakClient

        with ListrakClient(settings_for(short), credentials_for(short)) as client:
            client.sender_codes()
            time.sleep(1.1)
            client.sender_codes()
        assert len(token_requests(short)) == 2
        assert not [r for r in short.requests if r.status == 401]


def test_concurrent_requests_share_one_token(sim, merchant, make_client):
    client = make_client()
    sc = _sc(merchant)
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            barrier.wait()
            client.phone_lists(sc)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(token_requests(sim)) == 1
    assert len(api_requests(sim, "/PhoneList")) == 8


def test_bursts_of_429_500_and_drops_are_survived_with_exact_retries(sim, merchant, make_client):
    client = make_client()
    sc = _sc(merchant)
    client.sender_codes()  # token first: the fault script applies to API calls only
    sim.clear_log()
    sim.faults = FaultConfig(script=("429-bare", 500, "drop", 500))
    assert client.sender_code(sc)["shortCodeId"] == sc
    statuses = [r.status for r in api_requests(sim)]
    assert statuses == [429, 500, None, 500, 200]


def test_retries_give_up_after_max_attempts(sim, merchant, make_client):
    client = make_client(max_retries=2)
    sc = _sc(merchant)
    client.sender_codes()
    sim.clear_log()
    sim.faults = FaultConfig(script=(500, 500, 500, 500))
    with pytest.raises(ListrakRetryError) as info:
        client.sender_code(sc)
    assert info.value.attempts == 3 and info.value.status == 500
    assert info.value.error == "ERROR_UNHANDLED_EXCEPTION"
    assert len(api_requests(sim)) == 3


def test_retries_give_up_at_the_deadline(sim, merchant, make_client):
    client = make_client(max_retries=50, deadline_s=0.6)
    client.sender_codes()
    sim.clear_log()
    sim.faults = FaultConfig(script=("429",) * 10, retry_after_s=1)  # each asks for 1 s: over the deadline
    started = time.monotonic()
    with pytest.raises(ListrakRetryError):
        client.sender_code(_sc(merchant))
    assert time.monotonic() - started < 0.6
    assert len(api_requests(sim)) == 1


@pytest.mark.parametrize("kind,at_least", [("429", 1.0), ("429-date", 1.0)])
def test_retry_after_is_honoured(sim, merchant, make_client, kind, at_least):
    client = make_client()
    client.sender_codes()
    sim.clear_log()
    # an HTTP date has one-second resolution: asking for 2 s guarantees a wait of at least 1 s
    sim.faults = FaultConfig(script=(kind,), retry_after_s=1 if kind == "429" else 2)
    started = time.monotonic()
    client.sender_code(_sc(merchant))
    elapsed = time.monotonic() - started
    assert elapsed >= at_least
    assert elapsed < 3.0
    assert [r.status for r in api_requests(sim)] == [429, 200]


def test_repeated_cursor_is_detected(sim, merchant, make_client):
    client = make_client()
    sim.faults = FaultConfig(repeat_cursor_after_pages=2)
    sc = _sc(merchant)
    list_id = _lists(merchant)[0]["phoneListId"]
    with pytest.raises(ListrakPaginationError, match="again after 2 page"):
        for _ in client.iter_contact_pages(sc, list_id, count=100):
            pass
    assert len(api_requests(sim, "/Contact")) == 2


def test_wrong_secret_is_a_clear_fatal_error(sim, make_client):
    client = make_client(secret="not-the-secret-123")
    with pytest.raises(ListrakAuthError) as info:
        client.sender_codes()
    text = str(info.value)
    assert info.value.status == 401 and info.value.error == "ERROR_INVALID_CREDENTIALS"
    assert "LISTRAK_CLIENT_SECRET" in text and "paused" in text and "whitelisted" in text
    assert "not-the-secret-123" not in text and "not-the-secret-123" not in repr(info.value)
    assert len(token_requests(sim)) == 1  # no retry loop
    assert not api_requests(sim)


def test_paused_integration_is_a_clear_fatal_error(sim, merchant, make_client):
    client = make_client()
    client.sender_codes()
    sim.paused = True  # the token in hand is refused, and so is a new one
    sim.clear_log()
    with pytest.raises(ListrakAuthError) as info:
        client.sender_code(_sc(merchant))
    assert "Integration Manager" in str(info.value)
    assert "paused" in str(info.value)
    assert [r.status for r in api_requests(sim)] == [401]
    assert [r.status for r in token_requests(sim)] == [401]
