"""The merchant's files: exact columns, one story with the merchant, every format readable."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import duckdb
import phonenumbers
import pytest

from lrreport.config import DEFAULT_MESSAGE_TYPES, LoadSettings
from lrreport.sim.files import ORDER_COLUMNS, SEND_COLUMNS, MerchantFiles, write_merchant_files

from .conftest import SPEC

GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXT = set("^{}\\[~]|€")


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> tuple:
    return con.execute(sql).fetchone()


def test_columns_are_the_contract(csv_files: MerchantFiles) -> None:
    con = duckdb.connect()
    for path, columns in ((csv_files.sends, SEND_COLUMNS), (csv_files.orders, ORDER_COLUMNS)):
        got = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_csv('{path}')").fetchall()]
        assert got == list(columns)
    assert SEND_COLUMNS == (
        "send_id",
        "sent_at",
        "sender_code_id",
        "phone_list_id",
        "transactional_message_id",
        "phone_number",
        "message_content",
        "http_status",
        "resource_id",
        "error_code",
        "order_id",
    )


def test_same_seed_same_bytes_whatever_the_chunk_size(csv_files: MerchantFiles, tmp_path: Path) -> None:
    again = write_merchant_files(SPEC, tmp_path / "again", chunk_rows=700)
    assert again.sends.read_bytes() == csv_files.sends.read_bytes()
    assert again.orders.read_bytes() == csv_files.orders.read_bytes()
    other = write_merchant_files(replace(SPEC, seed=12, days=3), tmp_path / "other")
    short = write_merchant_files(replace(SPEC, days=3), tmp_path / "short")
    assert other.sends.read_bytes() != short.sends.read_bytes()


def test_accepted_sends_go_to_subscribed_contacts(db: duckdb.DuckDBPyConnection) -> None:
    accepted, ok = _one(
        db,
        """
        SELECT count(*), count(c.phone_number) FROM sends s
        LEFT JOIN contacts c ON c.phone_number = s.p AND c.phone_list_id = s.phone_list_id
            AND c.short_code_id = s.sender_code_id
            AND c.subscribe_date <= s.sent_at::TIMESTAMP
            AND (c.unsubscribe_date IS NULL OR c.unsubscribe_date > s.sent_at::TIMESTAMP)
            AND NOT c.pending_double_opt_in
        WHERE s.http_status = 201""",
    )
    assert accepted > 5_000 and ok == accepted
    # every send uses a shell of its list; errors carry a code, accepted sends a resource id
    assert (
        _one(
            db,
            "SELECT count(*) FROM sends s ANTI JOIN shells h "
            "ON h.sc = s.sender_code_id AND h.pl = s.phone_list_id AND h.id = s.transactional_message_id",
        )[0]
        == 0
    )
    assert (
        _one(
            db,
            "SELECT count(*) FROM sends WHERE (http_status = 201) = (resource_id IS NULL) "
            "OR (http_status = 201) = (error_code IS NOT NULL)",
        )[0]
        == 0
    )
    used = {
        r[0]
        for r in db.execute(
            "SELECT DISTINCT h.name FROM sends s JOIN shells h ON h.id = s.transactional_message_id"
        ).fetchall()
    }
    assert used == set(DEFAULT_MESSAGE_TYPES)


def test_error_mix(db: duckdb.DuckDBPyConnection) -> None:
    rows = dict(db.execute("SELECT error_code, count(*) FROM sends GROUP BY 1").fetchall())
    total = sum(rows.values())
    assert rows[None] / total > 0.8
    for code in (
        "ERROR_PHONE_NUMBER_NOT_SUBSCRIBED",
        "ERROR_INVALID_PHONE_NUMBER",
        "ERROR_PHONE_NUMBER_SUSPENDED",
        "ERROR_UNHANDLED_EXCEPTION",
        "ERROR_TRANSACTIONAL_MESSAGE_EMPTY_MESSAGE",
    ):
        assert rows.get(code, 0) > 0, code
    assert (
        _one(
            db,
            "SELECT count(*) FROM sends WHERE error_code = 'ERROR_UNHANDLED_EXCEPTION' "
            "AND http_status <> 500",
        )[0]
        == 0
    )
    assert (
        _one(
            db,
            "SELECT count(*) FROM sends WHERE error_code = 'ERROR_TRANSACTIONAL_MESSAGE_EMPTY_MESSAGE' "
            "AND message_content <> ''",
        )[0]
        == 0
    )


def test_phones_parse_unless_invalid(db: duckdb.DuckDBPyConnection, story) -> None:
    rows = db.execute(
        "SELECT phone_number, bool_or(error_code = 'ERROR_INVALID_PHONE_NUMBER') AS bad FROM sends GROUP BY 1"
    ).fetchall()
    formats = set()
    for raw, bad in rows:
        try:
            valid = phonenumbers.is_valid_number(phonenumbers.parse(raw, "US"))
        except phonenumbers.NumberParseException:
            valid = False
        assert valid != bad, raw
        formats.add(re.sub(r"\d", "9", raw))
    assert {"(999) 999-9999", "+99999999999", "999.999.9999", "99999999999"} <= formats
    for (raw,) in db.execute(
        "SELECT DISTINCT phone_number FROM orders WHERE phone_number IS NOT NULL"
    ).fetchall():
        assert phonenumbers.is_valid_number(phonenumbers.parse(raw, "US")), raw


def test_content_realism_and_order_ids(db: duckdb.DuckDBPyConnection) -> None:
    contents = [r[0] or "" for r in db.execute("SELECT DISTINCT message_content FROM sends").fetchall()]
    ucs2 = {c for c in contents if any(ch not in GSM_BASIC and ch not in GSM_EXT for ch in c)}
    ext = [c for c in contents if c not in ucs2 and any(ch in GSM_EXT for ch in c)]
    long_gsm = [c for c in contents if c not in ucs2 and len(c) > 160]
    assert ucs2 and ext and long_gsm
    assert any("https://" in c for c in contents) and any("https://" not in c for c in contents if c)
    regex = re.compile(LoadSettings().order_id_regex)
    rows = db.execute(
        "SELECT message_content, order_id FROM sends WHERE order_id IS NOT NULL "
        "AND message_content IS NOT NULL"
    ).fetchall()
    for content, order_id in rows[:2000]:
        match = regex.search(content)
        assert match and match.group(1) == order_id, content
    with_id, without = _one(
        db,
        "SELECT count(order_id), count(*) - count(order_id) FROM sends "
        "WHERE message_content ILIKE '%order #LR%'",
    )
    assert with_id > 0 and without > 0
    assert _one(db, "SELECT count(*) FROM sends WHERE send_id IS NULL")[0] > 0
    assert _one(db, "SELECT count(DISTINCT send_id) = count(send_id) FROM sends")[0]


def test_order_confirmation_latency_has_a_long_tail(db: duckdb.DuckDBPyConnection) -> None:
    p50, p99, late = _one(
        db,
        """
        SELECT median(d), quantile_cont(d, 0.99), count(*) FILTER (WHERE d > 3600) FROM (
            SELECT epoch(s.sent_at - o.ordered_at) AS d FROM sends s
            JOIN shells h ON h.id = s.transactional_message_id AND h.name = 'Order Confirmation'
            JOIN orders o ON o.order_id = regexp_extract(s.message_content, 'LR[0-9]+'))""",
    )
    assert 1 < p50 < 30 and p99 > 60 and late > 0


def test_orders_story(db: duckdb.DuckDBPyConnection) -> None:
    statuses = dict(db.execute("SELECT status, count(*) FROM orders GROUP BY 1").fetchall())
    assert statuses["placed"] > statuses["refunded"] > 0 and statuses["cancelled"] > 0
    full, partial = _one(
        db,
        "SELECT count(*) FILTER (WHERE refunded_total IS NULL), "
        "count(*) FILTER (WHERE refunded_total < order_total) FROM orders "
        "WHERE status = 'refunded'",
    )
    assert full > 0 and partial > 0
    assert (
        _one(db, "SELECT count(*) FROM orders WHERE status = 'cancelled' AND shipped_at IS NOT NULL")[0] == 0
    )
    assert (
        _one(db, "SELECT count(*) FROM orders WHERE delivered_at < shipped_at OR shipped_at < ordered_at")[0]
        == 0
    )
    assert _one(db, "SELECT count(*) FROM orders WHERE phone_number IS NULL")[0] > 0
    assert _one(db, "SELECT count(DISTINCT order_id) = count(*) FROM orders")[0]
    assert {r[0] for r in db.execute("SELECT DISTINCT currency FROM orders").fetchall()} == {"USD"}


def test_link_orders_follow_a_send_of_that_message(db: duckdb.DuckDBPyConnection) -> None:
    tagged, matched, unmapped = _one(
        db,
        """
        SELECT count(*),
               count(*) FILTER (WHERE EXISTS (
                   SELECT 1 FROM sends s JOIN shells h ON h.id = s.transactional_message_id
                   WHERE s.p = o.p AND h.name = o.utm_campaign AND s.http_status = 201
                     AND s.sent_at <= o.ordered_at AND s.sent_at > o.ordered_at - INTERVAL 7 DAY)),
               count(*) FILTER (WHERE utm_campaign NOT IN (SELECT name FROM shells))
        FROM orders o WHERE utm_source = 'listrak' AND utm_medium = 'sms'""",
    )
    assert tagged > 30 and unmapped > 0 and matched == tagged - unmapped
    bad_urls = _one(
        db,
        "SELECT count(*) FROM orders WHERE utm_medium = 'sms' AND NOT ("
        "landing_url LIKE 'https://%utm_source=listrak&utm_medium=sms&utm_campaign=%' "
        "AND url_decode(landing_url) LIKE '%utm_campaign=' || utm_campaign || '%')",
    )[0]
    assert bad_urls == 0
    post_send = _one(
        db,
        """
        SELECT count(*) FROM orders o WHERE utm_medium IS DISTINCT FROM 'sms' AND EXISTS (
            SELECT 1 FROM sends s WHERE s.p = o.p AND s.http_status = 201
              AND s.sent_at <= o.ordered_at AND s.sent_at > o.ordered_at - INTERVAL 24 HOUR)""",
    )[0]
    assert post_send > 10


def test_some_optouts_follow_an_accepted_send(db: duckdb.DuckDBPyConnection) -> None:
    after_send, campaign, in_window = _one(
        db,
        """
        SELECT count(*) FILTER (WHERE EXISTS (
                   SELECT 1 FROM sends s WHERE s.p = o.phone_number AND s.http_status = 201
                     AND s.sent_at::TIMESTAMP <= o.opt_out_date
                     AND s.sent_at::TIMESTAMP > o.opt_out_date - INTERVAL 24 HOUR)),
               count(*) FILTER (WHERE opt_out_reason = 'Campaign'),
               count(*)
        FROM optouts o
        WHERE o.opt_out_date >= (SELECT min(sent_at)::TIMESTAMP FROM sends) + INTERVAL 1 DAY""",
    )
    assert 3 <= after_send < in_window and after_send >= 0.3 * campaign
    # after a STOP the number is refused on that list
    assert (
        _one(
            db,
            """SELECT count(*) FROM sends s JOIN optouts o ON o.phone_number = s.p
                       WHERE s.sent_at::TIMESTAMP > o.opt_out_date AND s.http_status = 201""",
        )[0]
        == 0
    )


@pytest.mark.parametrize(
    ("fmt", "compress"), [("csv", True), ("jsonl", False), ("jsonl", True), ("parquet", False)]
)
def test_every_format_reads_back_the_same(fmt: str, compress: bool, tmp_path: Path) -> None:
    small = replace(SPEC, days=4, orders_per_day=60)
    ref = write_merchant_files(small, tmp_path / "ref")
    got = write_merchant_files(small, tmp_path / "got", fmt=fmt, compress=compress)
    assert got.sends.name == f"sends.{fmt}" + (".gz" if compress else "")
    reader = {"csv": "read_csv", "jsonl": "read_json", "parquet": "read_parquet"}[fmt]
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    for a, b, cols in ((ref.sends, got.sends, SEND_COLUMNS), (ref.orders, got.orders, ORDER_COLUMNS)):
        described = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {reader}('{b}')").fetchall()]
        assert described == list(cols)
        key = "send_id, sent_at" if cols == SEND_COLUMNS else "order_id"
        casts = ", ".join(_typed(c) for c in cols)
        diff = con.execute(f"""SELECT count(*) FROM (
            (SELECT {casts} FROM read_csv('{a}') EXCEPT ALL
             SELECT {casts} FROM {reader}('{b}'))
            UNION ALL
            (SELECT {casts} FROM {reader}('{b}') EXCEPT ALL
             SELECT {casts} FROM read_csv('{a}')))""").fetchone()[0]
        assert diff == 0, (fmt, key)
    assert ref.send_rows == got.send_rows > 0


def _typed(column: str) -> str:
    """One comparable type per column whatever the file format inferred."""
    if column.endswith("_at"):
        return f"{column}::TIMESTAMPTZ"
    if column in ("order_total", "refunded_total"):
        return f"{column}::DOUBLE"
    if (
        column.endswith("_id")
        and column not in ("send_id", "order_id", "resource_id")
        or column == "http_status"
    ):
        return f"{column}::BIGINT"
    return f"coalesce({column}::VARCHAR, '')"  # CSV reads an empty content as NULL


def test_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="format"):
        write_merchant_files(SPEC, tmp_path, fmt="xlsx")
    with pytest.raises(ValueError, match="parquet"):
        write_merchant_files(SPEC, tmp_path, fmt="parquet", compress=True)


def test_sends_knob_sizes_the_log(tmp_path: Path) -> None:
    files = write_merchant_files(replace(SPEC, days=14, sends=10_000), tmp_path)
    assert 8_000 < files.send_rows < 12_000
