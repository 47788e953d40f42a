"""The recording sender over real HTTP: every attempt lands as one JSON line of the day's file with
the send-log columns; a POST is never repeated after it may have been delivered unless asked."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import UTC, datetime

import pytest

from lrreport.config import ListrakSettings
from lrreport.listrak import ListrakAuthError, ListrakClient
from lrreport.listrak.sender import RecordingSender
from lrreport.sim.faults import FaultConfig
from tests.listrak.conftest import api_requests, credentials_for, settings_for

COLUMNS = [
    "send_id", "sent_at", "sender_code_id", "phone_list_id", "transactional_message_id", "phone_number",
    "message_content", "http_status", "resource_id", "error_code", "order_id", "latency_ms",
]


@pytest.fixture
def target(merchant):
    sc = int(merchant.sender_codes[0]["shortCodeId"])
    tx = next(pl for pl in merchant.phone_lists[sc] if pl["smsListType"] == "Transactional")["phoneListId"]
    shell = merchant.shells[(sc, tx)][0]["transactionalMessageId"]
    c = merchant.contacts
    subscribed = c[(c.phone_list_id == tx) & ~c.opted_out].phone_number.iloc[0]
    return sc, tx, shell, subscribed


def _lines(log_dir):
    files = sorted(log_dir.glob("sends-*.jsonl"))
    assert [f.name for f in files] == [f"sends-{datetime.now(UTC).date().isoformat()}.jsonl"]
    text = files[0].read_text(encoding="utf-8")
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def test_accepted_and_refused_sends_are_recorded(sim, make_client, target, tmp_path):
    sc, tx, shell, phone = target
    sender = RecordingSender(make_client(), tmp_path / "log")
    ok = sender.send_transactional_message(sc, tx, shell, phone, "Thanks! Your order #LR1000001 is in 🎉",
                                           order_id="LR1000001")
    refused = sender.send_transactional_message(sc, tx, shell, "15550000000", "Your order #LR1000002 shipped")
    assert ok.accepted and ok.resource_id
    assert not refused.accepted and refused.http_status == 400
    assert refused.error_code == "ERROR_PHONE_NUMBER_NOT_SUBSCRIBED"

    lines = _lines(tmp_path / "log")
    assert [list(line) for line in lines] == [COLUMNS, COLUMNS]
    first, second = lines
    assert first["http_status"] == 201 and first["resource_id"] == ok.resource_id
    assert first["error_code"] is None and first["order_id"] == "LR1000001"
    assert first["message_content"].endswith("🎉")
    ids = (first["sender_code_id"], first["phone_list_id"], first["transactional_message_id"])
    assert ids == (sc, tx, shell)
    assert first["phone_number"] == phone and first["latency_ms"] > 0
    assert datetime.fromisoformat(first["sent_at"]).tzinfo is not None
    assert second["resource_id"] is None and second["order_id"] is None
    assert second["error_code"] == "ERROR_PHONE_NUMBER_NOT_SUBSCRIBED"
    assert len({first["send_id"], second["send_id"]}) == 2
    assert [s.resource_id for s in sim.sends] == [ok.resource_id]


def test_post_is_not_repeated_without_say_so(sim, make_client, target, tmp_path):
    sc, tx, shell, phone = target
    client = make_client()
    sender = RecordingSender(client, tmp_path)
    client.sender_codes()
    sim.clear_log()
    sim.faults = FaultConfig(script=(500, "drop", 429))
    records = [sender.send_transactional_message(sc, tx, shell, phone, f"order #LR{i}") for i in range(3)]
    assert [(r.http_status, r.error_code) for r in records] == [
        (500, "ERROR_UNHANDLED_EXCEPTION"),
        (599, "CLIENT_NETWORK_ERROR"),
        (429, "ERROR_TOO_MANY_REQUESTS"),
    ]
    assert len(api_requests(sim, "/Message", "POST")) == 3  # one request per send: no retry
    assert [line["http_status"] for line in _lines(tmp_path)] == [500, 599, 429]
    assert sim.sends == []


def test_retry_send_repeats_and_records_each_attempt(sim, make_client, target, tmp_path):
    sc, tx, shell, phone = target
    client = make_client()
    sender = RecordingSender(client, tmp_path)
    client.sender_codes()
    sim.clear_log()
    sim.faults = FaultConfig(script=(500, "drop"))
    record = sender.send_transactional_message(sc, tx, shell, phone, "order #LR7", retry_send=True)
    assert record.accepted
    assert [line["http_status"] for line in _lines(tmp_path)] == [500, 599, 201]
    assert len(api_requests(sim, "/Message", "POST")) == 3
    assert len(sim.sends) == 1


def test_connection_refused_is_retried_and_then_recorded(sim, merchant, target, tmp_path):
    sc, tx, shell, phone = target
    dead = ListrakSettings(token_url=sim.token_url, api_base_url="http://127.0.0.1:9/sms/v1", timeout_s=2)
    with ListrakClient(dead, credentials_for(sim), max_retries=2, backoff_base_s=0.01) as client:
        record = RecordingSender(client, tmp_path).send_transactional_message(sc, tx, shell, phone, "hi")
    assert (record.http_status, record.error_code, record.resource_id) == (599, "CLIENT_NETWORK_ERROR", None)
    assert len(_lines(tmp_path)) == 1


def test_auth_failure_is_recorded_then_raised(sim, target, tmp_path):
    sc, tx, shell, phone = target
    client = ListrakClient(settings_for(sim), credentials_for(sim, "bad-secret-xyz"))
    with client, pytest.raises(ListrakAuthError):
        RecordingSender(client, tmp_path).send_transactional_message(sc, tx, shell, phone, "hi")
    (line,) = _lines(tmp_path)
    assert (line["http_status"], line["error_code"]) == (401, "ERROR_INVALID_CREDENTIALS")


def test_concurrent_sends_each_get_one_whole_line(sim, make_client, target, tmp_path):
    sc, tx, shell, phone = target
    sender = RecordingSender(make_client(), tmp_path)
    marker = uuid.uuid4().hex

    def work(k: int) -> None:
        for i in range(5):
            sender.send_transactional_message(sc, tx, shell, phone, f"{marker} {k}-{i} " + "x" * 3000)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lines = _lines(tmp_path)
    assert len(lines) == 30 and len({line["send_id"] for line in lines}) == 30
    assert sorted(line["message_content"].split()[1] for line in lines) == sorted(
        f"{k}-{i}" for k in range(6) for i in range(5)
    )
