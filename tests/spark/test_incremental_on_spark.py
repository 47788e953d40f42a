"""An incremental build on Spark gives what a full build gives (tests/models/test_incremental.py on DuckDB).

The golden warehouse is copied and what "came later" is taken out of it: its rows from 2024-01-20
on (sends, orders, opt-outs) are held back, and two older orders are set back to their first
version (LR1001 placed but not yet shipped or delivered, LR1002 placed and not yet refunded). That
is exported to a lake and built on Spark. What came later then arrives as one load, the way the
loaders write it (the newest version of an order replaces the older one): the load writes the
partitions it touched to the lake and the next Spark build is incremental. Its marts must equal the
golden marts of a full build of all rows, every row of every mart, except the load id the late
rows carry (the golden warehouse loaded them in its first load); and a build with nothing new must
change nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from lrreport.config import load_settings
from lrreport.lake import write_load
from lrreport.lake.reader import reader_path
from tests.spark.compare import differences
from tests.spark.conftest import run_cli

LATE = {"sends": "sent_at", "orders": "ordered_at", "listrak_optouts": "opt_out_date"}
CUTOFF = "2024-01-20"
CHANGED = ("LR1001", "LR1002")  # older orders whose newer version (shipped, refunded) comes later


def test_incremental_on_spark_equals_full_build(golden: dict[str, Path], spark, tmp_path: Path) -> None:  # noqa: ANN001
    database, lake = tmp_path / "warehouse.duckdb", tmp_path / "lake"
    shutil.copyfile(golden["database"], database)
    settings = load_settings(golden["config"]).with_database(database).with_lake(lake)
    changed = ", ".join(f"'{order}'" for order in CHANGED)
    con = duckdb.connect(str(database))
    con.execute("CREATE SCHEMA held")
    held = {}
    for table, column in LATE.items():
        con.execute(f"CREATE TABLE held.{table} AS SELECT * FROM raw.{table} WHERE {column} >= '{CUTOFF}'")
        held[table] = con.execute(f"SELECT count(*) FROM held.{table}").fetchone()[0]
        con.execute(f"DELETE FROM raw.{table} WHERE {column} >= '{CUTOFF}'")
    con.execute(f"INSERT INTO held.orders SELECT * FROM raw.orders WHERE order_id IN ({changed})")
    con.execute("UPDATE raw.orders SET status = 'placed', refunded_total = NULL, shipped_at = NULL, "
                f"delivered_at = NULL WHERE order_id IN ({changed})")
    con.close()
    # each table has late rows: S40-S51 among the sends, LR1003-LR1010 among the orders, two opt-outs
    assert all(held.values()), held

    common = ["--config", str(golden["config"])]
    where = ["--database", str(database), "--engine", "spark", "--lake", str(lake)]
    run_cli(*common, "lake", "export", "--database", str(database), "--lake", str(lake))
    first = run_cli(*common, "build", "--no-test", *where)
    assert "(full refresh)" in first

    con = duckdb.connect(str(database))
    con.execute(f"DELETE FROM raw.orders WHERE order_id IN ({changed})")  # the newest version wins
    for table in LATE:
        con.execute(f"INSERT INTO raw.{table} SELECT * REPLACE ('late' AS _load_id) FROM held.{table}")
    con.close()
    written = write_load(settings, "late")
    assert written is not None and set(written.written) == {f"raw.{t}" for t in LATE}
    second = run_cli(*common, "build", "--no-test", *where)
    assert "(incremental)" in second

    gold = duckdb.connect(str(golden["database"]), read_only=True)
    built = duckdb.connect(str(reader_path(settings)), read_only=True)
    try:
        late = built.execute("SELECT count(*) FROM marts.fct_sends WHERE _load_id = 'late'").fetchone()[0]
        assert late == held["sends"]
        assert differences(gold, built, skip_columns=("_load_id",)) == {}
    finally:
        built.close()

    third = run_cli(*common, "build", "--no-test", *where)  # nothing new: nothing changes
    assert "(incremental)" in third
    built = duckdb.connect(str(reader_path(settings)), read_only=True)
    try:
        assert differences(gold, built, skip_columns=("_load_id",)) == {}
    finally:
        gold.close()
        built.close()
