"""The typed models of the Listrak resources the client reads: the simulator answers them exactly,
and the client parses every record with them (a record it cannot read is a clear ListrakError)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import httpx
import pytest

from lrreport.listrak import ListrakClient, ListrakError
from lrreport.listrak.models import (
    CONTACT,
    CONTACT_DETAILS,
    CONTACT_LIST,
    OPT_OUT,
    PHONE_LIST,
    PROFILE_FIELD,
    SENDER_CODE,
    TRANSACTIONAL_MESSAGE,
    Model,
)
from lrreport.sim.merchant import Merchant
from lrreport.sim.server import run_simulator
from tests.listrak.conftest import END, credentials_for, settings_for


class Recording(httpx.BaseTransport):
    """The real HTTP transport, keeping each API answer's JSON body as it came over the wire."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.bodies: list[Any] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        response.read()
        self.bodies.append(response.json())
        return response


def _records(body: Any) -> list[Any]:
    data = body["data"] if isinstance(body, dict) and "data" in body else body
    return data if isinstance(data, list) else [data]


def test_every_route_the_client_reads_answers_its_model_exactly(sim, merchant: Merchant) -> None:  # noqa: ANN001
    recording = Recording()
    client = ListrakClient(settings_for(sim), credentials_for(sim), transport=recording)
    sc = merchant.sender_codes[0]["shortCodeId"]
    pl = merchant.phone_lists[sc][0]["phoneListId"]
    shell = merchant.shells[(sc, pl)][0]["transactionalMessageId"]
    field = merchant.profile_fields[sc][0]["segmentationFieldId"]
    phone = merchant.contacts.phone_number.iloc[0]
    calls: list[tuple[Model, Callable[[], Any]]] = [
        (SENDER_CODE, client.sender_codes),
        (SENDER_CODE, lambda: client.sender_code(sc)),
        (PHONE_LIST, lambda: client.phone_lists(sc, "active")),
        (PHONE_LIST, lambda: client.phone_lists(sc, "inactive")),
        (PHONE_LIST, lambda: client.phone_list(sc, pl)),
        (TRANSACTIONAL_MESSAGE, lambda: client.transactional_messages(sc, pl)),
        (TRANSACTIONAL_MESSAGE, lambda: client.transactional_message(sc, pl, shell)),
        (CONTACT, lambda: list(client.iter_contact_pages(sc, pl, count=500))),
        (CONTACT, lambda: list(client.iter_contact_pages(sc, pl, opted_out=True, count=500))),
        (CONTACT_DETAILS, lambda: client.contact(sc, phone)),
        (CONTACT_LIST, lambda: client.contact_lists(sc, phone)),
        (OPT_OUT, lambda: list(client.iter_optout_pages(sc, end_date=END, count=500))),
        (PROFILE_FIELD, lambda: client.profile_fields(sc)),
        (PROFILE_FIELD, lambda: client.profile_field(sc, field)),
    ]
    checked = 0
    with client:
        for model, call in calls:
            recording.bodies.clear()
            call()
            assert recording.bodies, model.name
            for body in recording.bodies:
                for record in _records(body):
                    assert model.problems(record) == [], model.name
                    checked += 1
    assert checked > 100  # contacts and opt-outs came in pages


def test_a_record_the_client_cannot_read_is_refused_naming_the_field(merchant: Merchant) -> None:
    bad = dict(merchant.sender_codes[0], shortCodeId="1001")  # an id as text
    expected = r"GET ShortCode page 1: .*SenderCode.shortCodeId: expected int32"
    with (
        run_simulator(replace(merchant, sender_codes=[bad])) as running,
        ListrakClient(settings_for(running), credentials_for(running)) as client,
        pytest.raises(ListrakError, match=expected),
    ):
        client.sender_codes()


def test_parse_fills_absent_fields_ignores_new_ones_and_checks_types() -> None:
    record = {"phoneNumber": "12155550100", "optOutDate": "2024-06-01T10:00:00", "addedLater": 1}
    assert OPT_OUT.parse(record, "here") == {
        "phoneNumber": "12155550100", "optOutDate": "2024-06-01T10:00:00", "optOutReason": None
    }
    assert OPT_OUT.problems(record) == [
        "OptOutContact.optOutReason: missing", "OptOutContact.addedLater: not in the model"
    ]
    with pytest.raises(ListrakError, match="OptOutContact.optOutDate: expected date-time, got '01/06/2024'"):
        OPT_OUT.parse({"optOutDate": "01/06/2024"}, "here")
    # int32 bounds and booleans that are not ints
    assert PHONE_LIST.problems({"phoneListId": 2**31}, strict=False) == [
        "PhoneList.phoneListId: expected int32, got 2147483648"
    ]
    assert PHONE_LIST.problems({"phoneListId": True}, strict=False) != []
