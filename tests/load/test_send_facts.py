"""The per-send SMS facts raw.sends stores, computed once at load; and older warehouses upgraded."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from lrreport.config import load_settings
from lrreport.warehouse.db import connect
from tests.load.conftest import Warehouse, send_row, write_rows

RAW_SENDS_COLUMNS = [
    ("send_id", "VARCHAR"),
    ("sent_at", "TIMESTAMP WITH TIME ZONE"),
    ("sender_code_id", "INTEGER"),
    ("phone_list_id", "INTEGER"),
    ("transactional_message_id", "INTEGER"),
    ("phone_number", "VARCHAR"),
    ("phone_raw", "VARCHAR"),
    ("message_content", "VARCHAR"),
    ("http_status", "SMALLINT"),
    ("resource_id", "VARCHAR"),
    ("error_code", "VARCHAR"),
    ("order_id", "VARCHAR"),
    ("latency_ms", "DOUBLE"),
    ("characters", "INTEGER"),
    ("encoding", "VARCHAR"),
    ("segment_units", "INTEGER"),
    ("segments", "INTEGER"),
    ("has_link", "BOOLEAN"),
    ("_load_id", "VARCHAR"),
    ("_loaded_at", "TIMESTAMP WITH TIME ZONE"),
    ("_source_file", "VARCHAR"),
]
FACTS = "characters, encoding, segment_units, segments, has_link"

# content, then (characters, encoding, segment_units, segments, has_link), worked out by hand
HAND_WORKED = [
    # "Acme:" 5 + " Thanks!" 8 + " Your" 5 + " order" 6 + " #LR1000123" 11 + " is" 3 + " confirmed." 11
    # = 49 characters, all GSM-7 basic: 49 septets, one segment.
    ("Acme: Thanks! Your order #LR1000123 is confirmed.", (49, "GSM-7", 49, 1, False)),
    # "Your order shipped " 19 + the truck 1 + " see you soon" 13 = 33 characters; the emoji is
    # outside GSM-7 (UCS-2) and outside the BMP: two UTF-16 units, 34 in all, one segment (<= 70).
    ("Your order shipped \U0001f69a see you soon", (33, "UCS-2", 34, 1, False)),
    # 36 emoji: 36 characters, 72 units > 70: segments of 67, two of them.
    ("\U0001f600" * 36, (36, "UCS-2", 72, 2, False)),
    # "Track it: " 10 + the link as its 22-character short form + " Reply STOP to opt out" 22
    # = 54 characters, GSM-7, one segment.
    (
        "Track it: https://www.ups.com/track?tracknum=1Z999AA10123456784 Reply STOP to opt out",
        (54, "GSM-7", 54, 1, True),
    ),
    # "Code " 5 + "{SAVE10}" 8 + ": " 2 + "5€" 2 + " off " 5 + "[today]" 7 = 29 characters; the
    # extension characters { } € [ ] take two septets each: 29 + 5 = 34 septets.
    ("Code {SAVE10}: 5€ off [today]", (29, "GSM-7", 34, 1, False)),
    # 80 euro signs and "!": 81 characters, 161 septets > 160: segments of 153, two of them.
    ("€" * 80 + "!", (81, "GSM-7", 161, 2, False)),
    # Empty content (Listrak refused it): nothing to count.
    ("", (0, "GSM-7", 0, 0, False)),
]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_load_stores_the_facts_of_each_send(wh: Warehouse, tmp_path: Path, fmt: str) -> None:
    rows = [
        send_row(
            i,
            message_content=content,
            **({"http_status": "400", "error_code": "ERROR_EMPTY"} if not content else {}),
        )
        for i, (content, _) in enumerate(HAND_WORKED)
    ]
    path = write_rows(tmp_path / f"sends.{fmt}", rows)
    result = wh.run("load", "sends", str(path))
    assert result.exit_code == 0, result.output
    assert (
        wh.query(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'raw' AND table_name = 'sends' ORDER BY ordinal_position"
        )
        == RAW_SENDS_COLUMNS
    )
    got = wh.query(f"SELECT {FACTS} FROM raw.sends ORDER BY send_id")
    assert got == [facts for _, facts in HAND_WORKED]


OLD_RAW_SENDS = """
CREATE SCHEMA raw;
CREATE SCHEMA staging;
CREATE TABLE raw.sends (
    send_id                  VARCHAR NOT NULL,
    sent_at                  TIMESTAMPTZ NOT NULL,
    sender_code_id           INTEGER NOT NULL,
    phone_list_id            INTEGER NOT NULL,
    transactional_message_id INTEGER NOT NULL,
    phone_number             VARCHAR,
    phone_raw                VARCHAR,
    message_content          VARCHAR NOT NULL,
    http_status              SMALLINT NOT NULL,
    resource_id              VARCHAR,
    error_code               VARCHAR,
    order_id                 VARCHAR,
    latency_ms               DOUBLE,
    _load_id                 VARCHAR NOT NULL,
    _loaded_at               TIMESTAMPTZ NOT NULL,
    _source_file             VARCHAR NOT NULL
);
CREATE VIEW staging.stg_sends AS SELECT * FROM raw.sends;
"""


def test_an_older_warehouse_gets_the_facts_when_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute(OLD_RAW_SENDS)
    for i, (content, _) in enumerate(HAND_WORKED):
        con.execute(
            "INSERT INTO raw.sends (send_id, sent_at, sender_code_id, phone_list_id, "
            "transactional_message_id, phone_number, phone_raw, message_content, http_status, "
            "resource_id, latency_ms, _load_id, _loaded_at, _source_file) "
            "VALUES (?, TIMESTAMPTZ '2024-05-01 10:00:00+00', 11, 22, 300, '+12155550123', "
            "'(215) 555-0123', ?, 201, 'r', 12.5, 'old-load', TIMESTAMPTZ '2024-05-02 00:00:00+00', "
            "'old.csv')",
            [f"S{i:02d}", content],
        )
    con.close()

    settings = load_settings().with_database(db)
    con = connect(settings)  # a writable connection upgrades the schema
    try:
        columns = con.execute(
            "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
            "WHERE table_schema = 'raw' AND table_name = 'sends' ORDER BY ordinal_position"
        ).fetchall()
        assert [(c, t) for c, t, _ in columns] == RAW_SENDS_COLUMNS
        assert {c: n for c, _, n in columns if c in FACTS} == dict.fromkeys(FACTS.split(", "), "NO")
        assert con.execute(f"SELECT {FACTS} FROM raw.sends ORDER BY send_id").fetchall() == [
            facts for _, facts in HAND_WORKED
        ]
        # everything else as it was, the old table gone, the view still reading raw.sends
        assert con.execute(
            "SELECT DISTINCT sender_code_id, phone_raw, latency_ms, _load_id, _source_file FROM raw.sends"
        ).fetchall() == [(11, "(215) 555-0123", 12.5, "old-load", "old.csv")]
        assert con.execute("SELECT count(*) FROM staging.stg_sends").fetchall() == [(len(HAND_WORKED),)]
        assert con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'raw' AND table_name LIKE 'sends%'"
        ).fetchall() == [(1,)]
    finally:
        con.close()

    con = connect(settings)  # opening it again changes nothing
    try:
        assert con.execute(f"SELECT send_id, {FACTS} FROM raw.sends ORDER BY send_id").fetchall() == [
            (f"S{i:02d}", *facts) for i, (_, facts) in enumerate(HAND_WORKED)
        ]
    finally:
        con.close()

    # and it loads as a new warehouse does
    wh = Warehouse(db)
    write_rows(tmp_path / "new.csv", [send_row(90, message_content="Hi {there}")])
    result = wh.run("load", "sends", str(tmp_path / "new.csv"))
    assert result.exit_code == 0, result.output
    assert wh.query(f"SELECT {FACTS} FROM raw.sends WHERE send_id = 'S00090'") == [
        (10, "GSM-7", 12, 1, False)
    ]
