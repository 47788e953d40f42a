"""No client secret or access token in any log line (httpx/httpcore at DEBUG included), in
stdout/stderr, or in an exception's text or repr."""

from __future__ import annotations

import logging
import sys

import pytest

from lrreport.listrak import ListrakAuthError
from lrreport.listrak.sender import RecordingSender
from lrreport.sim.faults import FaultConfig


def test_no_secret_or_token_in_logs_output_or_errors(sim, merchant, make_client, caplog, capfd, tmp_path):
    caplog.set_level(logging.DEBUG)
    handler = logging.StreamHandler(sys.stderr)  # what a user running with -vv would see
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    tokens: list[str] = []
    texts: list[str] = []
    try:
        client = make_client()

        def grab(response):  # the test's own view of every token issued
            response.read()
            if response.status_code == 200:
                tokens.append(response.json()["access_token"])

        client._token_http.event_hooks["response"].append(grab)
        sc = int(merchant.sender_codes[0]["shortCodeId"])
        list_id = merchant.phone_lists[sc][0]["phoneListId"]
        sim.faults = FaultConfig(expire_token_after_calls=2, script=("429", 500, "drop"), retry_after_s=0)
        for _ in client.iter_contact_pages(sc, list_id, count=500):
            pass
        shell = merchant.shells[(sc, list_id)][0]["transactionalMessageId"]
        sender = RecordingSender(client, tmp_path)
        record = sender.send_transactional_message(sc, list_id, shell, "15550009999", "hi order #LR1")
        texts.append(repr(record))
        sim.paused = True
        client.auth.invalidate(client.auth.token())
        with pytest.raises(ListrakAuthError) as info:
            client.sender_codes()
        texts += [str(info.value), repr(info.value)]
        sim.paused = False
        bad = make_client(secret="wrong-secret-abcdef")
        with pytest.raises(ListrakAuthError) as info:
            bad.sender_codes()
        texts += [str(info.value), repr(info.value), repr(bad), repr(bad.auth), repr(client)]
        logging.getLogger("lrreport.listrak").info("a token %s in a message gets masked", tokens[0])
    finally:
        root.removeHandler(handler)
    out, err = capfd.readouterr()
    assert len(tokens) >= 3  # expiry forced refreshes
    assert "HTTP Request" in caplog.text and "httpcore" in caplog.text  # DEBUG really was on
    assert "retry" in caplog.text
    everything = "\n".join([caplog.text, out, err, *texts])
    for secret in [sim.client_secret, "wrong-secret-abcdef", *tokens]:
        assert secret not in everything
    assert "********" in caplog.text  # the masked token of the last log line
