"""``lrreport load orders``: newest version wins, UTM from landing_url, refunds stored as given."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from tests.load.conftest import Warehouse, order_row, write_rows


def test_newest_version_wins_within_a_load_and_across_loads(wh: Warehouse, tmp_path: Path) -> None:
    write_rows(tmp_path / "day1.csv", [order_row(1), order_row(2), order_row(2, status="cancelled")])
    write_rows(
        tmp_path / "day2.jsonl",
        [
            order_row(3),
            order_row(1, status="refunded", refunded_total="10.00", shipped_at="2024-05-02T09:00:00Z"),
        ],
        [*order_row(0), "shipped_at"],
    )
    result = wh.run("load", "orders", str(tmp_path / "day1.csv"), str(tmp_path / "day2.jsonl"))
    assert result.exit_code == 0, result.output
    assert re.search(r"older versions in batch\s+2\b", result.output)
    got = wh.query("SELECT order_id, status, refunded_total, shipped_at FROM raw.orders ORDER BY order_id")
    assert got == [
        ("LR1000001", "refunded", Decimal("10.00"), datetime(2024, 5, 2, 9, tzinfo=UTC)),
        ("LR1000002", "cancelled", None, None),
        ("LR1000003", "placed", None, None),
    ]
    before = wh.query("SELECT * FROM raw.orders ORDER BY order_id")

    # reloading the same files changes nothing: identical versions are not rewritten
    again = wh.run("load", "orders", str(tmp_path / "day1.csv"), str(tmp_path / "day2.jsonl"))
    assert again.exit_code == 0, again.output
    assert re.search(r"unchanged \(already stored\)\s+3\b", again.output)
    assert wh.query("SELECT * FROM raw.orders ORDER BY order_id") == before

    # a later load with a new version replaces the stored row
    write_rows(tmp_path / "fix.parquet", [order_row(2, status="placed", order_total="75.50")])
    later = wh.run("load", "orders", str(tmp_path / "fix.parquet"))
    assert later.exit_code == 0, later.output
    assert re.search(r"replaced by newer version\s+1\b", later.output)
    assert wh.query(
        "SELECT status, order_total, _source_file FROM raw.orders WHERE order_id = 'LR1000002'"
    ) == [("placed", Decimal("75.50"), str(tmp_path / "fix.parquet"))]
    assert wh.scalar("SELECT count(*) FROM raw.orders") == 3


def test_utm_values_come_from_landing_url_when_not_given_as_columns(wh: Warehouse, tmp_path: Path) -> None:
    url = (
        "https://shop.example.com/products/mug?utm_source=listrak&utm_medium=sms"
        "&utm_campaign=Order%20Confirmation&utm_content=order+details#top"
    )
    rows = [
        order_row(1, landing_url=url),
        order_row(2, landing_url="https://shop.example.com/?utm_source=google&utm_medium=cpc"),
        order_row(3, landing_url="https://shop.example.com/"),
    ]
    write_rows(tmp_path / "o.csv.gz", rows)
    # a file that has utm columns keeps them, falling back to the URL where a value is empty
    with_cols = [
        dict(
            order_row(4, landing_url=url),
            utm_source="email",
            utm_medium="",
            utm_campaign="Weekly",
            utm_content=None,
        )
    ]
    write_rows(tmp_path / "o2.csv", with_cols)
    result = wh.run("load", "orders", str(tmp_path / "o.csv.gz"), str(tmp_path / "o2.csv"))
    assert result.exit_code == 0, result.output
    got = wh.query(
        "SELECT order_id, utm_source, utm_medium, utm_campaign, utm_content FROM raw.orders ORDER BY order_id"
    )
    assert got == [
        ("LR1000001", "listrak", "sms", "Order Confirmation", "order details"),
        ("LR1000002", "google", "cpc", None, None),
        ("LR1000003", None, None, None, None),
        ("LR1000004", "email", "sms", "Weekly", "order details"),
    ]


def test_money_time_zones_and_optional_columns(wh: Warehouse, tmp_path: Path) -> None:
    rows = [
        {
            "Order Number": "A-1",
            "Created": "2024-05-01T20:00:00-04:00",
            "Total": "19.9",
            "Refunded": "19.90",
            "Status": "refunded",
        },
        {
            "Order Number": "A-2",
            "Created": "2024-05-02 00:00:00",
            "Total": "100",
            "Refunded": "",
            "Status": "",
        },
    ]
    write_rows(tmp_path / "export.jsonl", rows)
    result = wh.run(
        "load",
        "orders",
        str(tmp_path / "export.jsonl"),
        "--map",
        "Order Number=order_id",
        "--map",
        "created=ordered_at",
        "--map",
        "TOTAL=order_total",
        "--map",
        "Refunded=refunded_total",
    )
    assert result.exit_code == 0, result.output
    assert wh.query(
        "SELECT order_id, ordered_at, order_total, refunded_total, status, phone_number FROM raw.orders "
        "ORDER BY order_id"
    ) == [
        ("A-1", datetime(2024, 5, 2, 0, 0, tzinfo=UTC), Decimal("19.90"), Decimal("19.90"), "refunded", None),
        ("A-2", datetime(2024, 5, 2, 0, 0, tzinfo=UTC), Decimal("100.00"), None, None, None),
    ]


def test_jsonl_keys_first_seen_beyond_duckdbs_sample_are_read(wh: Warehouse, tmp_path: Path) -> None:
    # DuckDB infers JSON keys from a sample of the first records; optional keys that appear only
    # further down must still be loaded, also under a mapped name
    n = 25_000
    rows = [
        {"order_id": f"O{i}", "ordered_at": "2024-05-01T00:00:00Z", "order_total": "1.00"} for i in range(n)
    ]
    rows[-1] = dict(rows[-1], Mobile="215-555-0199", utm_source="late")
    path = tmp_path / "late.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = wh.run("load", "orders", str(path), "--map", "Mobile=phone_number")
    assert result.exit_code == 0, result.output
    assert wh.query(f"SELECT phone_number, utm_source FROM raw.orders WHERE order_id = 'O{n - 1}'") == [
        ("+12155550199", "late")
    ]
    assert wh.scalar("SELECT count(*) FROM raw.orders") == n


def test_order_name_and_visit_time_are_kept_and_older_warehouses_gain_them(
    wh: Warehouse, tmp_path: Path
) -> None:
    import duckdb

    # a warehouse from before the two columns: raw.orders without them
    write_rows(tmp_path / "first.csv", [order_row(9)])
    assert wh.run("load", "orders", str(tmp_path / "first.csv")).exit_code == 0
    con = duckdb.connect(str(wh.path))
    con.execute("ALTER TABLE raw.orders DROP COLUMN order_name")
    con.execute("ALTER TABLE raw.orders DROP COLUMN visited_at")
    con.execute("DROP TABLE meta.lr_schema_migrations")  # nor did lrreport record schema versions then
    con.close()

    write_rows(
        tmp_path / "shop.csv",
        [
            order_row(1, order_name="#1001", visited_at="2024-05-01 08:55:00-04:00"),
            order_row(2, order_name="#1002", visited_at=None),
            order_row(3, order_name=None, visited_at="not a time"),
        ],
    )
    result = wh.run("load", "orders", str(tmp_path / "shop.csv"), "--max-rejects", "1")
    assert result.exit_code == 0, result.output
    # 08:55 at -04:00 is 12:55 UTC; the blank visit stays null; the unreadable one is a reject
    assert wh.query("SELECT order_id, order_name, visited_at FROM raw.orders ORDER BY order_id") == [
        ("LR1000001", "#1001", datetime(2024, 5, 1, 12, 55, tzinfo=UTC)),
        ("LR1000002", "#1002", None),
        ("LR1000009", None, None),
    ]
    assert wh.query("SELECT column_name FROM meta.rejects") == [("visited_at",)]
