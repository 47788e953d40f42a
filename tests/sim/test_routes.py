"""Every read route of the simulator over real HTTP: envelopes, paging to the end, filters, errors."""

from __future__ import annotations

import httpx
import pandas as pd
import pytest

from tests.sim.conftest import MKT_LIST, OLD_LIST, SC, SC2, SHELLS, SUBSCRIBED, TX_LIST

CONTACTS = f"/ShortCode/{SC}/PhoneList/{TX_LIST}/Contact"
OPTOUTS = f"/ShortCode/{SC}/OptOut"


def page_all(api: httpx.Client, path: str, **params: object) -> tuple[list[dict], int]:
    """Follow nextPageCursor from Start to null; returns every record and the number of pages."""
    records: list[dict] = []
    cursor = "Start"
    pages = 0
    seen = set()
    while cursor is not None:
        assert cursor not in seen, "the server repeated a cursor"
        seen.add(cursor)
        response = api.get(path, params={**params, "cursor": cursor})
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == {"status", "nextPageCursor", "data"} and body["status"] == 200
        records.extend(body["data"])
        cursor = body["nextPageCursor"]
        pages += 1
    return records, pages


def expected_contacts(merchant, list_id: int, opted_out: bool, start=None, end=None) -> list[str]:
    c = merchant.contacts
    c = c[(c.short_code_id == SC) & (c.phone_list_id == list_id) & (c.opted_out == opted_out)]
    if start is not None:
        c = c[c.subscribe_date >= pd.Timestamp(start)]
    if end is not None:
        c = c[c.subscribe_date < pd.Timestamp(end)]
    return sorted(c.phone_number)


def assert_error(response: httpx.Response, status: int, error: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["status"] == status and response.json()["error"] == error
    assert response.headers["content-type"].startswith("application/json")


def test_sender_codes(api):
    body = api.get("/ShortCode").json()
    assert body["status"] == 200 and body["nextPageCursor"] is None
    assert [sc["shortCodeId"] for sc in body["data"]] == [SC, SC2]
    one = api.get(f"/ShortCode/{SC}").json()
    assert one == {"status": 200, "data": body["data"][0]}
    assert_error(api.get("/ShortCode/999"), 404, "ERROR_UNABLE_TO_LOCATE_RESOURCE")
    assert_error(api.get("/ShortCode/abc"), 400, "ERROR_INVALID_PARAMETER")
    assert_error(api.get("/ShortCode/99999999999"), 400, "ERROR_INVALID_PARAMETER")


def test_phone_lists_by_status_and_paged(api):
    active = api.get(f"/ShortCode/{SC}/PhoneList").json()["data"]
    assert [pl["phoneListId"] for pl in active] == [TX_LIST, MKT_LIST]
    inactive = api.get(f"/ShortCode/{SC}/PhoneList", params={"status": "inactive"}).json()["data"]
    assert [pl["phoneListId"] for pl in inactive] == [OLD_LIST]
    records, pages = page_all(api, f"/ShortCode/{SC}/PhoneList", count=1)
    assert [pl["phoneListId"] for pl in records] == [TX_LIST, MKT_LIST] and pages == 2
    assert_error(
        api.get(f"/ShortCode/{SC}/PhoneList", params={"status": "all"}), 400, "ERROR_INVALID_PARAMETER"
    )
    assert api.get(f"/ShortCode/{SC2}/PhoneList").json()["data"] == []
    assert_error(api.get("/ShortCode/5/PhoneList"), 404, "ERROR_UNABLE_TO_LOCATE_RESOURCE")


def test_one_phone_list_is_the_bare_object(api):
    body = api.get(f"/ShortCode/{SC}/PhoneList/{TX_LIST}").json()
    assert body["phoneListId"] == TX_LIST and body["smsListType"] == "Transactional" and "data" not in body
    assert_error(api.get(f"/ShortCode/{SC2}/PhoneList/{TX_LIST}"), 404, "ERROR_UNABLE_TO_LOCATE_RESOURCE")


def test_transactional_message_shells(api):
    body = api.get(f"/ShortCode/{SC}/PhoneList/{TX_LIST}/TransactionalMessage").json()
    assert [tm["transactionalMessageId"] for tm in body["data"]] == list(SHELLS)
    one = api.get(f"/ShortCode/{SC}/PhoneList/{TX_LIST}/TransactionalMessage/{SHELLS[1]}").json()
    assert one == body["data"][1]
    assert_error(
        api.get(f"/ShortCode/{SC}/PhoneList/{TX_LIST}/TransactionalMessage/1"),
        404,
        "ERROR_UNABLE_TO_LOCATE_RESOURCE",
    )
    assert api.get(f"/ShortCode/{SC}/PhoneList/{MKT_LIST}/TransactionalMessage").json()["data"] == []


@pytest.mark.parametrize(
    ("count", "opted_out"),
    [(None, False), (13, True), (333, False), (5000, False), (2004, False), (2003, False)],
)
def test_contacts_page_to_the_end(api, merchant, count, opted_out):
    params = {"optedOut": str(opted_out).lower()} if opted_out else {}
    if count:
        params["count"] = count
    records, pages = page_all(api, CONTACTS, **params)
    phones = [r["phoneNumber"] for r in records]
    expected = expected_contacts(merchant, TX_LIST, opted_out)
    assert sorted(phones) == expected and len(set(phones)) == len(phones)
    per_page = count or 1000
    assert pages == max(1, -(-len(expected) // per_page))
    assert all(r["optedOut"] is opted_out for r in records)


def test_contacts_come_oldest_subscription_first(api, merchant):
    records, _ = page_all(api, CONTACTS, count=5000)
    c = merchant.contacts.set_index(["phone_list_id", "phone_number"]).loc[TX_LIST]
    dates = [c.loc[r["phoneNumber"], "subscribe_date"] for r in records]
    assert dates == sorted(dates)


def test_contact_record_fields(api):
    first = api.get(CONTACTS, params={"count": 1}).json()["data"][0]
    assert first == {
        "phoneNumber": SUBSCRIBED,
        "emailAddress": "s@example.com",
        "firstName": "Sam",
        "lastName": "Poe",
        "birthday": "1990-05-01T00:00:00",
        "postalCode": "",
        "optedOut": False,
        "segmentationFieldValues": [],
    }


@pytest.mark.parametrize(
    ("start", "end", "lo", "hi"),
    [
        # a date-only end covers the whole day; a date-only start is its midnight
        ("2024-01-02", "2024-01-02", "2024-01-02", "2024-01-03"),
        ("2024-01-02", None, "2024-01-02", None),
        (None, "2024-01-01", None, "2024-01-02"),
        # both datetime bounds are inclusive (to the second)
        ("2024-01-02T00:30:00", "2024-01-02T01:30:00", "2024-01-02 00:30:00", "2024-01-02 01:30:01"),
        ("2024-01-02T00:30:01", "2024-01-02T01:29:59", "2024-01-02 00:30:01", "2024-01-02 01:30:00"),
        # an empty window and one beyond the data
        ("2024-01-05", "2024-01-04", "2024-01-05", "2024-01-05"),
        ("2030-01-01", None, "2030-01-01", None),
    ],
)
def test_contacts_subscribe_date_filter(api, merchant, start, end, lo, hi):
    params = {k: v for k, v in (("startSubscribeDate", start), ("endSubscribeDate", end)) if v}
    records, _ = page_all(api, CONTACTS, count=97, **params)
    assert sorted(r["phoneNumber"] for r in records) == expected_contacts(merchant, TX_LIST, False, lo, hi)


@pytest.mark.parametrize(
    "params",
    [
        {"count": "0"},
        {"count": "5001"},
        {"count": "-1"},
        {"count": "ten"},
        {"optedOut": "maybe"},
        {"startSubscribeDate": "2024-13-01"},
        {"endSubscribeDate": "2024-01-02 10:00"},
        {"startSubscribeDate": "01/02/2024"},
        {"cursor": "not-a-cursor"},
    ],
)
def test_contacts_bad_parameters(api, params):
    assert_error(api.get(CONTACTS, params=params), 400, "ERROR_INVALID_PARAMETER")


def test_a_cursor_only_fits_its_own_query(api):
    cursor = api.get(CONTACTS, params={"count": 10}).json()["nextPageCursor"]
    assert api.get(CONTACTS, params={"count": 10, "cursor": cursor}).status_code == 200
    other = api.get(CONTACTS, params={"count": 10, "cursor": cursor, "optedOut": "true"})
    assert_error(other, 400, "ERROR_INVALID_PARAMETER")


def test_one_contact_and_its_lists(api):
    body = api.get(f"/ShortCode/{SC}/Contact/{SUBSCRIBED}").json()
    assert body["status"] == 200
    # On two lists: the earlier (marketing) subscription is the contact's subscribe date.
    assert body["data"]["subscribeDate"] == "2023-02-01T08:30:00" and body["data"]["optedOut"] is False
    # Formatted numbers are accepted.
    assert api.get(f"/ShortCode/{SC}/Contact/+1 (555) 000-0000").json() == body
    lists = api.get(f"/ShortCode/{SC}/Contact/{SUBSCRIBED}/PhoneList").json()
    assert lists["nextPageCursor"] is None
    assert [(s["phoneListId"], s["subscriptionState"]) for s in lists["data"]] == [
        (TX_LIST, "Subscribed"),
        (MKT_LIST, "Subscribed"),
    ]
    records, pages = page_all(api, f"/ShortCode/{SC}/Contact/{SUBSCRIBED}/PhoneList", count=1)
    assert records == lists["data"] and pages == 2
    assert_error(api.get(f"/ShortCode/{SC}/Contact/15557777777"), 404, "ERROR_UNABLE_TO_LOCATE_RESOURCE")
    assert_error(
        api.get(f"/ShortCode/{SC2}/Contact/{SUBSCRIBED}/PhoneList"), 404, "ERROR_UNABLE_TO_LOCATE_RESOURCE"
    )
    assert_error(api.get(f"/ShortCode/{SC}/Contact/abc"), 400, "ERROR_INVALID_PHONE_NUMBER")


@pytest.mark.parametrize("count", [None, 7, 99, 700, 5000])
def test_optouts_page_to_the_end(api, merchant, count):
    records, pages = page_all(api, OPTOUTS, **({"count": count} if count else {}))
    assert sorted(r["phoneNumber"] for r in records) == sorted(merchant.optouts.phone_number)
    assert [r["optOutDate"] for r in records] == sorted(r["optOutDate"] for r in records)
    assert pages == max(1, -(-len(merchant.optouts) // (count or 1000)))


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2024-02-02", "2024-02-02", 12),  # one every 2 hours: 12 on a day
        ("2024-02-02T02:00:00", "2024-02-02T06:00:00", 3),  # 02:00, 04:00, 06:00 inclusive
        ("2024-02-02T02:00:01", "2024-02-02T05:59:59", 1),
        (None, "2024-02-01", 12),
        ("2024-03-30", None, 700 - 58 * 12),
    ],
)
def test_optouts_date_filter(api, start, end, expected):
    params = {k: v for k, v in (("startDate", start), ("endDate", end)) if v}
    records, _ = page_all(api, OPTOUTS, count=5, **params)
    assert len(records) == expected
    # ISO strings compare like the moments they name; a date-only end covers its whole day.
    upper = (end + "T23:59:59" if end and len(end) == 10 else end) or "9999"
    assert all((start or "") <= r["optOutDate"] <= upper for r in records)


def test_optout_reasons_are_the_spec_enum(api):
    records, _ = page_all(api, OPTOUTS, count=5000)
    assert {r["optOutReason"] for r in records} == {
        "Campaign",
        "Admin",
        "DeliveryFailure",
        "Import",
        "API",
        "Deactivated",
        "PermanentError",
        "Workflow",
    }


def test_profile_fields(api):
    body = api.get(f"/ShortCode/{SC}/SegmentationField").json()
    assert [f["segmentationFieldId"] for f in body["data"]] == [11, 12]
    one = api.get(f"/ShortCode/{SC}/SegmentationField/12").json()
    assert one == {"status": 200, "data": body["data"][1]}
    assert_error(api.get(f"/ShortCode/{SC}/SegmentationField/13"), 404, "ERROR_UNABLE_TO_LOCATE_RESOURCE")


def test_unknown_routes_and_methods(api, sim):
    assert_error(api.get("/Nothing/Here"), 404, "ERROR_UNKNOWN_ROUTE")
    assert_error(httpx.get(sim.base_url + "/elsewhere"), 404, "ERROR_UNKNOWN_ROUTE")
    wrong = api.delete("/ShortCode")
    assert_error(wrong, 405, "ERROR_UNSUPPORTED_METHOD")
    assert wrong.headers["allow"] == "GET"
    assert_error(
        api.get(f"/ShortCode/{SC}/PhoneList/{TX_LIST}/TransactionalMessage/{SHELLS[0]}/Message"),
        405,
        "ERROR_UNSUPPORTED_METHOD",
    )


def test_paths_and_query_names_are_case_insensitive(api):
    a = api.get(f"/shortcode/{SC}/phonelist", params={"STATUS": "inactive"}).json()
    assert [pl["phoneListId"] for pl in a["data"]] == [OLD_LIST]


def test_keep_alive_serves_many_requests_on_one_connection(api, sim):
    before = len(sim.requests)
    for _ in range(20):
        assert api.get("/ShortCode").status_code == 200
    served = sim.requests[before:]
    assert len(served) >= 20 and all(r.status == 200 for r in served[-20:])
