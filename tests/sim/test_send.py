"""The Send Transactional Message route: 201 for a subscribed contact, Listrak's errors otherwise."""

from __future__ import annotations

import httpx
import pytest

from lrreport.sim.server import run_simulator
from tests.sim.conftest import (
    BANNED,
    MARKETING_ONLY,
    MKT_LIST,
    OLD_LIST,
    OPTED_OUT,
    PENDING,
    SC,
    SC2,
    SHELLS,
    SUBSCRIBED,
    SUSPENDED,
    TX_LIST,
    fetch_token,
)

SEND = f"/ShortCode/{SC}/PhoneList/{TX_LIST}/TransactionalMessage/{SHELLS[0]}/Message"


@pytest.fixture(scope="module")
def sender(merchant):
    with run_simulator(merchant) as sim:
        token = fetch_token(sim)
        with httpx.Client(base_url=sim.api_base_url, headers={"Authorization": f"Bearer {token}"}) as client:
            yield sim, client


def test_accepted_send_is_201_and_recorded(sender):
    sim, client = sender
    sim.clear_log()
    content = "Thanks! Your order #LR1234567 is confirmed: https://shop.example/o/1234567"
    response = client.post(SEND, json={"phoneNumber": SUBSCRIBED, "messageContent": content})
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"status", "resourceId"} and body["status"] == 201 and len(body["resourceId"]) == 36
    (sent,) = sim.sends
    assert (sent.sender_code_id, sent.phone_list_id, sent.transactional_message_id) == (
        SC,
        TX_LIST,
        SHELLS[0],
    )
    assert (sent.phone_number, sent.message_content, sent.resource_id) == (
        SUBSCRIBED,
        content,
        body["resourceId"],
    )
    # A formatted number is the same contact; each accepted send gets its own resource id.
    again = client.post(SEND, json={"phoneNumber": "+1 555-000-0000", "messageContent": "Shipped!"})
    assert again.status_code == 201 and again.json()["resourceId"] != body["resourceId"]
    assert len(sim.sends) == 2


@pytest.mark.parametrize(
    ("path", "payload", "status", "error"),
    [
        (SEND, {"phoneNumber": OPTED_OUT, "messageContent": "hi"}, 400, "ERROR_PHONE_NUMBER_NOT_SUBSCRIBED"),
        (
            SEND,
            {"phoneNumber": MARKETING_ONLY, "messageContent": "hi"},
            400,
            "ERROR_PHONE_NUMBER_NOT_SUBSCRIBED",
        ),
        (
            SEND,
            {"phoneNumber": "15557654321", "messageContent": "hi"},
            400,
            "ERROR_PHONE_NUMBER_NOT_SUBSCRIBED",
        ),
        (SEND, {"phoneNumber": PENDING, "messageContent": "hi"}, 400, "ERROR_PENDING_PHONE_NUMBER"),
        (SEND, {"phoneNumber": SUSPENDED, "messageContent": "hi"}, 400, "ERROR_PHONE_NUMBER_SUSPENDED"),
        (SEND, {"phoneNumber": BANNED, "messageContent": "hi"}, 400, "ERROR_BANNED_PHONE_NUMBER"),
        (SEND, {"phoneNumber": "555-12", "messageContent": "hi"}, 400, "ERROR_INVALID_PHONE_NUMBER"),
        (SEND, {"phoneNumber": "call me", "messageContent": "hi"}, 400, "ERROR_INVALID_PHONE_NUMBER"),
        (SEND, {"messageContent": "hi"}, 400, "ERROR_INVALID_PHONE_NUMBER"),
        (
            SEND,
            {"phoneNumber": SUBSCRIBED, "messageContent": "   "},
            400,
            "ERROR_TRANSACTIONAL_MESSAGE_EMPTY_MESSAGE",
        ),
        (SEND, {"phoneNumber": SUBSCRIBED}, 400, "ERROR_TRANSACTIONAL_MESSAGE_EMPTY_MESSAGE"),
        (
            SEND,
            {"phoneNumber": SUBSCRIBED, "messageContent": "Save with [[Coupon Code]]"},
            400,
            "ERROR_TRANSACTIONAL_MESSAGE_CONTENT_COUPON_CODE",
        ),
        (
            f"/ShortCode/{SC}/PhoneList/{TX_LIST}/TransactionalMessage/9/Message",
            {"phoneNumber": SUBSCRIBED, "messageContent": "hi"},
            404,
            "ERROR_TRANSACTIONAL_MESSAGE_NOT_FOUND",
        ),
        (
            f"/ShortCode/{SC}/PhoneList/{MKT_LIST}/TransactionalMessage/{SHELLS[0]}/Message",
            {"phoneNumber": SUBSCRIBED, "messageContent": "hi"},
            404,
            "ERROR_TRANSACTIONAL_MESSAGE_NOT_FOUND",
        ),
        (
            f"/ShortCode/{SC2}/PhoneList/{TX_LIST}/TransactionalMessage/{SHELLS[0]}/Message",
            {"phoneNumber": SUBSCRIBED, "messageContent": "hi"},
            404,
            "ERROR_UNABLE_TO_LOCATE_RESOURCE",
        ),
        (
            f"/ShortCode/{SC}/PhoneList/77/TransactionalMessage/{SHELLS[0]}/Message",
            {"phoneNumber": SUBSCRIBED, "messageContent": "hi"},
            404,
            "ERROR_UNABLE_TO_LOCATE_RESOURCE",
        ),
        (
            f"/ShortCode/x/PhoneList/{TX_LIST}/TransactionalMessage/{SHELLS[0]}/Message",
            {"phoneNumber": SUBSCRIBED, "messageContent": "hi"},
            400,
            "ERROR_INVALID_PARAMETER",
        ),
    ],
)
def test_refused_sends(sender, path, payload, status, error):
    sim, client = sender
    before = len(sim.sends)
    response = client.post(path, json=payload)
    assert response.status_code == status, response.text
    assert response.json()["error"] == error and response.json()["status"] == status
    assert len(sim.sends) == before


def test_inactive_list_refuses_sends(merchant):
    shells = {
        **merchant.shells,
        (SC, OLD_LIST): [
            {
                "transactionalMessageId": 4001,
                "transactionalMessageName": "Old",
                "transactionalMessageStatus": "Active",
            }
        ],
    }
    from dataclasses import replace

    with run_simulator(replace(merchant, shells=shells)) as sim:
        token = fetch_token(sim)
        response = httpx.post(
            f"{sim.api_base_url}/ShortCode/{SC}/PhoneList/{OLD_LIST}/TransactionalMessage/4001/Message",
            json={"phoneNumber": SUBSCRIBED, "messageContent": "hi"},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 400 and response.json()["error"] == "ERROR_LIST_INACTIVE"


def test_wrong_content_type_and_malformed_json(sender):
    _, client = sender
    as_form = client.post(SEND, data={"phoneNumber": SUBSCRIBED, "messageContent": "hi"})
    assert as_form.status_code == 415 and as_form.json()["error"] == "ERROR_UNSUPPORTED_CONTENT_TYPE"
    bare = client.post(SEND, content=b'{"phoneNumber": "1"}')  # no Content-Type at all
    assert bare.status_code == 415
    broken = client.post(SEND, content=b'{"phoneNumber": ', headers={"Content-Type": "application/json"})
    assert broken.status_code == 400 and broken.json()["error"] == "ERROR_MALFORMED_REQUEST_BODY"
    charset = client.post(
        SEND,
        content=b'{"phoneNumber": "15550000000", "messageContent": "ok"}',
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert charset.status_code == 201


def test_send_needs_a_token(sender):
    sim, _ = sender
    response = httpx.post(sim.api_base_url + SEND, json={"phoneNumber": SUBSCRIBED, "messageContent": "hi"})
    assert response.status_code == 401 and response.json()["error"] == "ERROR_UNAUTHORIZED"
