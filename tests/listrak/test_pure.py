"""Unit tests for the client's pure parts: Retry-After parsing, backoff bounds, date and phone
formatting, envelope unwrapping, cursor loop detection, the send log's torn-line repair."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime

import pytest

from lrreport.listrak.client import format_date, phone_path, unwrap_resource
from lrreport.listrak.errors import ListrakError, ListrakPaginationError
from lrreport.listrak.paging import check_count, iter_pages
from lrreport.listrak.retry import RetryPolicy, parse_retry_after
from lrreport.listrak.sendlog import SendLogWriter


def test_retry_after_seconds():
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(" 0 ") == 0.0
    assert parse_retry_after("1.5") == 1.5
    assert parse_retry_after("-4") == 0.0


def test_retry_after_http_date():
    now = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
    header = format_datetime(now + timedelta(seconds=7), usegmt=True)
    assert parse_retry_after(header, now=now) == pytest.approx(7.0)
    past = format_datetime(now - timedelta(seconds=30), usegmt=True)
    assert parse_retry_after(past, now=now) == 0.0


@pytest.mark.parametrize("value", [None, "", "soon", "Mon, 99 Foo 2024"])
def test_retry_after_garbage_means_no_hint(value):
    assert parse_retry_after(value) is None


def test_backoff_grows_with_jitter_within_bounds_and_cap():
    policy = RetryPolicy(base_s=0.5, cap_s=4.0, rng=random.Random(1))
    for n in range(1, 12):
        ceiling = min(4.0, 0.5 * 2 ** (n - 1))
        samples = [policy.backoff(n) for _ in range(200)]
        assert all(ceiling / 2 <= s <= ceiling for s in samples)
        assert max(samples) - min(samples) > 0  # jitter is there
    assert policy.delay(3, 1.25) == 1.25  # Retry-After wins over backoff


def test_format_date():
    assert format_date(date(2024, 2, 3)) == "2024-02-03"
    assert format_date(datetime(2024, 2, 3, 4, 5, 6)) == "2024-02-03T04:05:06"
    assert format_date("2024-02-03T04:05:06") == "2024-02-03T04:05:06"
    assert format_date(None) is None
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        format_date("02/03/2024")
    with pytest.raises(ValueError, match="offset"):
        format_date(datetime(2024, 2, 3, tzinfo=UTC))


def test_phone_path_strips_formatting_only():
    assert phone_path("+1 (215) 555-0123") == "12155550123"
    assert phone_path("12155550123") == "12155550123"
    assert phone_path("abc/def") == "abc%2Fdef"


def test_unwrap_resource_accepts_envelope_and_bare_object():
    assert unwrap_resource({"status": 200, "data": {"phoneListId": 1}}) == {"phoneListId": 1}
    bare = {"phoneListId": 1, "status": "Active", "phoneListName": "x"}
    assert unwrap_resource(bare) is bare
    with pytest.raises(ListrakError):
        unwrap_resource([1, 2])


def test_check_count_bounds():
    assert check_count(5000) == 5000
    for bad in (0, 5001, True, "10"):
        with pytest.raises(ValueError, match="1 to 5000"):
            check_count(bad)  # type: ignore[arg-type]


def test_iter_pages_follows_until_empty_cursor_and_detects_repeat():
    pages = {"Start": ("a", [1]), "a": ("b", [2]), "b": ("", [3])}
    asked = []

    def fetch(cursor):
        asked.append(cursor)
        nxt, data = pages[cursor]
        return {"status": 200, "nextPageCursor": nxt, "data": data}

    assert list(iter_pages(fetch, "GET /x")) == [[1], [2], [3]]
    assert asked == ["Start", "a", "b"]

    loop = {"Start": "a", "a": "b", "b": "a"}
    with pytest.raises(ListrakPaginationError, match="'a' again after 3 page"):
        list(iter_pages(lambda c: {"nextPageCursor": loop[c], "data": []}, "GET /x"))


def test_send_log_cuts_a_torn_last_line(tmp_path):
    writer = SendLogWriter(tmp_path)
    day = date(2024, 5, 1)
    path = writer.append({"send_id": "a", "n": 1}, day)
    with open(path, "ab") as fh:  # a crash in the middle of a write
        fh.write(b'{"send_id":"b","n":')
    writer.append({"send_id": "c", "n": 3}, day)
    lines = path.read_text().splitlines()
    assert [json.loads(line)["send_id"] for line in lines] == ["a", "c"]
    assert path.read_bytes().endswith(b"\n")
