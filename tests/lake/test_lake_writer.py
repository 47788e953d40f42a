"""The raw lake: what `lrreport load --lake` and `lrreport lake export` write (no Spark needed).

Partitions hold exactly the warehouse's rows of their date; a reload replaces what it touched and
never duplicates; an order whose newer version has another date leaves its old partition.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from tests.load.conftest import Warehouse, order_row, send_row, wh, write_rows  # noqa: F401

SENDS = "raw/sends/*/*.parquet"


def lake_rows(lake: Path, pattern: str, query: str = "SELECT count(*) FROM t") -> list[tuple]:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"CREATE VIEW t AS SELECT * FROM read_parquet('{lake / pattern}', hive_partitioning = true)")
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


def partitions(lake: Path, table: str) -> set[str]:
    return {p.name for p in (lake / "raw" / table).glob("part_date=*")}


def test_load_writes_its_partitions_and_a_reload_adds_nothing(wh: Warehouse, tmp_path: Path) -> None:  # noqa: F811
    lake = tmp_path / "lake"
    # 3 sends on 2024-05-01 and 2 on 2024-05-02 (UTC)
    rows = [send_row(i) for i in range(3)] + [send_row(i, sent_at=f"2024-05-02T0{i}:00:00Z") for i in (3, 4)]
    path = write_rows(tmp_path / "sends.csv", rows)
    result = wh.run("load", "sends", str(path), "--lake", str(lake))
    assert result.exit_code == 0, result.output
    assert partitions(lake, "sends") == {"part_date=2024-05-01", "part_date=2024-05-02"}
    by_date = lake_rows(lake, SENDS, "SELECT part_date, count(*) FROM t GROUP BY 1 ORDER BY 1")
    assert by_date == [(date(2024, 5, 1), 3), (date(2024, 5, 2), 2)]
    files = {p: p.stat().st_mtime_ns for p in (lake / "raw" / "sends").rglob("data.parquet")}

    again = wh.run("load", "sends", str(path), "--lake", str(lake))  # every send_id already stored
    assert again.exit_code == 0, again.output
    assert {p: p.stat().st_mtime_ns for p in files} == files  # nothing rewritten
    assert lake_rows(lake, SENDS) == [(5,)]
    # the same columns as raw.sends, the partition date besides
    con = duckdb.connect(str(wh.path), read_only=True)
    raw = [r[0] for r in con.execute("DESCRIBE raw.sends").fetchall()]
    con.close()
    assert [r[0] for r in lake_rows(lake, SENDS, "DESCRIBE t")] == [*raw, "part_date"]
    assert not any((lake / "_staging").iterdir())  # nothing left aside


def test_newer_order_version_on_another_date_leaves_its_old_partition(wh: Warehouse, tmp_path: Path) -> None:  # noqa: F811
    lake = tmp_path / "lake"
    rows = [order_row(1), order_row(2, ordered_at="2024-05-02T08:00:00Z")]
    first = write_rows(tmp_path / "orders1.csv", rows)
    assert wh.run("load", "orders", str(first), "--lake", str(lake)).exit_code == 0
    assert partitions(lake, "orders") == {"part_date=2024-05-01", "part_date=2024-05-02"}
    # LR1000001 placed again, dated 2024-05-03 and a new total: its 2024-05-01 partition empties
    newer = order_row(1, ordered_at="2024-05-03T09:00:00Z", order_total="99.00")
    later = write_rows(tmp_path / "orders2.csv", [newer])
    result = wh.run("load", "orders", str(later), "--lake", str(lake))
    assert result.exit_code == 0, result.output
    assert partitions(lake, "orders") == {"part_date=2024-05-02", "part_date=2024-05-03"}
    query = "SELECT order_id, order_total, part_date FROM t ORDER BY 1"
    got = lake_rows(lake, "raw/orders/*/*.parquet", query)
    assert [(o, str(t), str(d)) for o, t, d in got] == [
        ("LR1000001", "99.00", "2024-05-03"), ("LR1000002", "52.25", "2024-05-02")]


def test_lake_export_holds_exactly_the_warehouse(wh: Warehouse, tmp_path: Path) -> None:  # noqa: F811
    lake = tmp_path / "lake"
    sends = write_rows(tmp_path / "sends.csv", [send_row(i) for i in range(4)])
    assert wh.run("load", "sends", str(sends)).exit_code == 0  # no lake yet
    out = wh.run("lake", "export", "--lake", str(lake))
    assert out.exit_code == 0, out.output
    assert "raw.sends: 1 file(s)" in out.output
    con = duckdb.connect(str(wh.path), read_only=True)
    con.execute("SET TimeZone = 'UTC'")
    missing = con.execute(
        f"SELECT count(*) FROM (SELECT * FROM raw.sends EXCEPT SELECT * EXCLUDE (part_date) FROM "
        f"read_parquet('{lake / SENDS}', hive_partitioning = true))").fetchone()[0]
    con.close()
    assert missing == 0 and lake_rows(lake, SENDS) == [(4,)]
    # every raw table is in the lake, an empty one as its columns alone
    assert (lake / "raw" / "listrak_contacts" / "_schema.parquet").is_file()
    assert (lake / "meta" / "loads" / "data.parquet").is_file()
