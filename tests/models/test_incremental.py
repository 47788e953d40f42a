# ruff: noqa: E501  (SQL reads best on one line)
"""Incremental builds give exactly what a full rebuild gives, value for value.

The demo merchant's raw rows are split in two: a first warehouse holds the history as it stood
on a cut-off day, with some rows held back and some orders in an older version; it is built in
full. Then what arrives later lands with new load ids, the way lrreport's loaders write it:
sends of days long past (late, unbounded), new days' sends, orders that were cancelled, refunded
or shipped after the fact, new orders and opt-outs that come late. An incremental build of that
must equal a --full-refresh build of a copy, in every mart.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from lrreport.sqlfiles import read_sql
from lrreport.warehouse import snapshot
from lrreport.warehouse.build import build
from lrreport.warehouse.db import connect

pytestmark = pytest.mark.xdist_group("incremental")  # one worker: its fixtures are made once

MARTS = (
    "fct_sends", "fct_orders", "fct_order_attribution", "fct_order_messages", "fct_optouts",
    "missing_order_messages", "dim_messages", "agg_sends_daily", "agg_errors_daily", "agg_revenue_daily",
    "agg_store_revenue_daily", "agg_timeliness_daily", "agg_optouts_daily", "agg_list_health_daily",
)
RAW = ("sends", "orders", "listrak_optouts", "listrak_contacts", "listrak_transactional_messages",
       "listrak_phone_lists", "listrak_sender_codes")


def differences(a: Path, b: Path) -> dict[str, int]:
    """Rows of each mart in one warehouse and not the other (as multisets), every column but the
    build that wrote the row (``_build_id``), which differs by construction."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"ATTACH '{a}' AS a (READ_ONLY)")
    con.execute(f"ATTACH '{b}' AS b (READ_ONLY)")
    out = {}
    for mart in MARTS:
        n = con.execute(
            f"SELECT (SELECT count(*) FROM ({values('a', mart)} EXCEPT ALL {values('b', mart)})) "
            f"+ (SELECT count(*) FROM ({values('b', mart)} EXCEPT ALL {values('a', mart)}))"
        ).fetchone()[0]
        if n:
            out[mart] = n
    con.close()
    return out


def values(database: str, mart: str) -> str:
    return f"SELECT COLUMNS(lambda c: c <> '_build_id') FROM {database}.marts.{mart}"


@pytest.fixture(scope="module")
def later(demo_warehouse, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:  # noqa: ANN001
    """Raw rows of the demo split into 'as of the cut-off' (built) and 'what came later' (not yet built)."""
    folder = tmp_path_factory.mktemp("incremental")
    full = folder / "full.duckdb"
    shutil.copyfile(demo_warehouse.database, full)
    cutoff = demo_warehouse.spec.end_date.isoformat()
    con = duckdb.connect(str(full))
    con.execute("SET TimeZone = 'UTC'")
    for table in RAW:
        con.execute(f"CREATE TABLE raw.later_{table} AS SELECT * FROM raw.{table} LIMIT 0")
    # Held back: every send after the cut-off, and one in twelve of the older ones (a send log of
    # last month loaded today); a tenth of the opt-outs (late extraction); orders after the cut-off.
    con.execute(f"""
        INSERT INTO raw.later_sends SELECT * FROM raw.sends
        WHERE sent_at >= TIMESTAMPTZ '{cutoff}' - INTERVAL 3 DAY OR hash(send_id) % 12 = 0""")
    con.execute("INSERT INTO raw.later_listrak_optouts SELECT * FROM raw.listrak_optouts WHERE hash(phone_number) % 10 = 0")
    con.execute(f"INSERT INTO raw.later_orders SELECT * FROM raw.orders WHERE ordered_at >= TIMESTAMPTZ '{cutoff}' - INTERVAL 3 DAY")
    # Orders that changed after the cut-off: the first version (placed, not shipped or delivered,
    # no refund) is what the first build sees; the real row arrives later.
    con.execute("""
        INSERT INTO raw.later_orders SELECT * FROM raw.orders
        WHERE order_id NOT IN (SELECT order_id FROM raw.later_orders)
          AND (status IN ('cancelled', 'refunded') OR hash(order_id) % 7 = 0)""")
    for table in ("sends", "listrak_optouts"):
        con.execute(f"DELETE FROM raw.{table} WHERE rowid IN (SELECT r.rowid FROM raw.{table} r "
                    f"SEMI JOIN raw.later_{table} l ON {'r.send_id = l.send_id' if table == 'sends' else 'r.phone_number = l.phone_number AND r.opt_out_date = l.opt_out_date AND r.short_code_id = l.short_code_id'})")
    con.execute(f"""
        UPDATE raw.orders SET status = 'placed', refunded_total = NULL, shipped_at = NULL, delivered_at = NULL
        WHERE order_id IN (SELECT order_id FROM raw.later_orders) AND ordered_at < TIMESTAMPTZ '{cutoff}' - INTERVAL 3 DAY""")
    con.execute(f"DELETE FROM raw.orders WHERE ordered_at >= TIMESTAMPTZ '{cutoff}' - INTERVAL 3 DAY")
    counts = {t: con.execute(f"SELECT count(*) FROM raw.later_{t}").fetchone()[0] for t in ("sends", "orders", "listrak_optouts")}
    con.close()
    assert all(counts.values()), counts
    settings = demo_warehouse.settings(full)
    assert build(settings, full_refresh=True, show_progress=False).ok
    return {"before": full, "counts": counts}


def arrive(database: Path) -> None:
    """What came later lands the way the loaders write it: new load ids, newest order version wins."""
    con = duckdb.connect(str(database))
    con.execute("DELETE FROM raw.orders WHERE order_id IN (SELECT order_id FROM raw.later_orders)")
    for table in ("sends", "orders", "listrak_optouts"):
        con.execute(f"INSERT INTO raw.{table} SELECT * REPLACE ('later-{table}' AS _load_id) FROM raw.later_{table}")
    con.close()


@pytest.fixture(scope="module")
def refreshed(later, demo_warehouse, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: ANN001
    """What came later arrived, then a --full-refresh build: what every increment of it must equal."""
    database = tmp_path_factory.mktemp("refreshed") / "refreshed.duckdb"
    shutil.copyfile(later["before"], database)
    arrive(database)
    assert build(demo_warehouse.settings(database), full_refresh=True, show_progress=False).ok
    return database


def test_incremental_equals_full_refresh(later, refreshed, demo_warehouse, tmp_path: Path) -> None:  # noqa: ANN001
    incremental = tmp_path / "incremental.duckdb"
    shutil.copyfile(later["before"], incremental)
    arrive(incremental)

    result = build(demo_warehouse.settings(incremental), show_progress=False)
    assert result.ok and not result.full_refresh, result.report()
    assert differences(incremental, refreshed) == {}
    # ... and the incremental build did change something: the late rows are in.
    con = connect(demo_warehouse.settings(incremental), read_only=True)
    late = con.execute("SELECT count(*) FROM marts.fct_sends WHERE _load_id = 'later-sends'").fetchone()[0]
    con.close()
    assert late == later["counts"]["sends"]
    # A second build with nothing new changes nothing.
    assert build(demo_warehouse.settings(incremental), show_progress=False).ok
    assert differences(incremental, refreshed) == {}


def test_a_renamed_shell_rebuilds_what_it_names(later, demo_warehouse, tmp_path: Path) -> None:  # noqa: ANN001
    # A shell renamed in Listrak changes message types everywhere: the fingerprint of the shells
    # differs, so every row counts as new.
    incremental = tmp_path / "renamed.duckdb"
    shutil.copyfile(later["before"], incremental)
    con = duckdb.connect(str(incremental))
    con.execute("""UPDATE raw.listrak_transactional_messages SET transactional_message_name = 'Order Placed',
                   _load_id = 'later-shells' WHERE transactional_message_name = 'Order Confirmation'""")
    con.close()
    rebuilt = tmp_path / "renamed-full.duckdb"
    shutil.copyfile(incremental, rebuilt)
    assert build(demo_warehouse.settings(incremental), show_progress=False).ok
    assert build(demo_warehouse.settings(rebuilt), full_refresh=True, show_progress=False).ok
    assert differences(incremental, rebuilt) == {}
    con = duckdb.connect(str(incremental), read_only=True)
    assert con.execute("SELECT count(*) FROM marts.fct_sends WHERE message_type = 'Order Placed'").fetchone()[0] > 0
    con.close()


def test_an_increment_leaves_untouched_rows_alone(later, refreshed, demo_warehouse, tmp_path: Path) -> None:  # noqa: ANN001
    # A mark on an old send that nothing new concerns survives an incremental build, though the
    # models give that send another value (the full rebuild): the increment only rewrites what it must.
    database = tmp_path / "marked.duckdb"
    shutil.copyfile(later["before"], database)
    arrive(database)
    con = duckdb.connect(str(database))
    marked = con.execute("""
        UPDATE marts.fct_sends SET latency_ms = -1
        WHERE send_id = (SELECT min(send_id) FROM marts.fct_sends WHERE NOT later_opted_out)
        RETURNING send_id""").fetchone()[0]
    con.close()
    assert build(demo_warehouse.settings(database), run_tests=False, show_progress=False).ok
    con = duckdb.connect(str(database), read_only=True)
    assert con.execute("SELECT latency_ms FROM marts.fct_sends WHERE send_id = ?", [marked]).fetchone() == (-1.0,)
    con.close()
    con = duckdb.connect(str(refreshed), read_only=True)
    assert con.execute("SELECT latency_ms FROM marts.fct_sends WHERE send_id = ?", [marked]).fetchone() != (-1.0,)
    con.close()


def fingerprints(database: Path, relations: list[tuple[str, str]]) -> dict[tuple[str, str], tuple]:
    """Rows and an order-insensitive hash of each relation, read from ``database`` alone."""
    con = duckdb.connect(str(database), read_only=True)
    con.execute("SET TimeZone = 'UTC'")
    out = {r: con.execute(f'SELECT count(*), sum(hash(r)) FROM (FROM {r[0]}."{r[1]}") AS r').fetchone() for r in relations}
    con.close()
    return out


def readers_relations(database: Path) -> list[tuple[str, str]]:
    con = duckdb.connect(str(database), read_only=True)
    out = [(schema, name) for schema, name, _, _ in con.execute(read_sql("setup/snapshot_relations")).fetchall()]
    con.close()
    return out


def test_the_snapshot_follows_an_increment_in_place(later, demo_warehouse, tmp_path: Path) -> None:  # noqa: ANN001
    # lrreport/warehouse/snapshot.py: after an incremental build the published snapshot is brought
    # forward in place (the keys each model recomputed), and then holds exactly what the warehouse
    # holds, relation by relation; its views read the snapshot's own tables.
    database = tmp_path / "published.duckdb"
    shutil.copyfile(later["before"], database)
    settings = demo_warehouse.settings(database)
    assert build(settings, show_progress=False).ok  # the copy's first snapshot: a new file
    first = snapshot.current(settings)
    assert first is not None
    arrive(database)
    increment = build(settings, show_progress=False)
    assert increment.ok and increment.snapshot is not None
    # the staged sends and orders, whose rows change only with their loads, by load (the new ones)
    assert increment.snapshot.synced == ("intermediate.int_orders", "staging.stg_sends")
    assert snapshot.current(settings) == first
    relations = readers_relations(database)
    ours, published = fingerprints(database, relations), fingerprints(first, relations)
    assert ours == published
    assert ours[("staging", "stg_sends")][0] == published[("marts", "fct_sends")][0] > 0
    con = duckdb.connect(str(first), read_only=True)
    views = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    late = con.execute("SELECT count(*) FROM marts.fct_sends WHERE _load_id = 'later-sends'").fetchone()[0]
    con.close()
    assert {"fct_order_messages", "fct_order_attribution", "missing_order_messages", "dim_messages"} <= views
    assert late == later["counts"]["sends"]
    # A reload that rewrote ten sends under a new load id (their text changed) and a newer version
    # of five orders (a dollar more), then a full refresh: published in place too, the staged send
    # log and the orders brought level by (key, _load_id) rather than copied again, and the snapshot
    # again holds exactly what the warehouse holds.
    con = duckdb.connect(str(database))
    con.execute("""
        CREATE TEMP TABLE redone AS
        SELECT * REPLACE ('reloaded' AS _load_id, message_content || ' (resent)' AS message_content)
        FROM raw.sends ORDER BY send_id LIMIT 10""")
    con.execute("DELETE FROM raw.sends WHERE send_id IN (SELECT send_id FROM redone)")
    con.execute("INSERT INTO raw.sends SELECT * FROM redone")
    con.execute("""
        CREATE TEMP TABLE newer AS
        SELECT * REPLACE ('reloaded' AS _load_id, order_total + 1 AS order_total)
        FROM raw.orders ORDER BY order_id LIMIT 5""")
    con.execute("DELETE FROM raw.orders WHERE order_id IN (SELECT order_id FROM newer)")
    con.execute("INSERT INTO raw.orders SELECT * FROM newer")
    con.close()
    rebuilt = build(settings, full_refresh=True, show_progress=False)
    assert rebuilt.ok and rebuilt.snapshot is not None
    assert rebuilt.snapshot.in_place
    assert rebuilt.snapshot.synced == ("intermediate.int_orders", "staging.stg_sends")
    assert snapshot.current(settings) == first
    ours, published = fingerprints(database, relations), fingerprints(first, relations)
    assert ours == published
    con = duckdb.connect(str(first), read_only=True)
    resent = con.execute(
        "SELECT count(*) FROM staging.stg_sends WHERE _load_id = 'reloaded' AND message_content LIKE '%(resent)'"
    ).fetchone()[0]
    newer = con.execute("SELECT count(*) FROM intermediate.int_orders WHERE _load_id = 'reloaded'").fetchone()[0]
    con.close()
    assert (resent, newer) == (10, 5)
    # A copy made under other views (its digest differs: an older lrreport) is copied again, not
    # synced, and is synced by the next build.
    con = duckdb.connect(str(first))
    con.execute("COMMENT ON TABLE staging.stg_sends IS 'made under older views'")
    con.close()
    again = build(settings, show_progress=False)
    assert again.ok and again.snapshot is not None and again.snapshot.in_place
    assert again.snapshot.synced == ("intermediate.int_orders",)
    assert fingerprints(database, relations) == fingerprints(first, relations)
    assert build(settings, show_progress=False).snapshot.synced == ("intermediate.int_orders", "staging.stg_sends")
