"""A send log that ends before the period does (issue 11, items 1 and 4): the exported reports name
each source's freshness and warn at the top, coverage and the missed-orders list count only messages
due before the send log ends, the timeliness sentence gives coverage first, and `lrreport status`
(with --max-staleness) reads the same freshness."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest

from lrreport.warehouse.build import build

from .conftest import run_cli
from .html_tables import table_with

ZONE = ZoneInfo("America/New_York")  # the demo's business time zone
CUT_HOUR = 18  # the send log of the last day ends before 18:00 local; orders go on to midnight


@dataclass(frozen=True)
class Stale:
    database: Path
    day: str  # the last day, ISO
    log_end: datetime  # the last send left (UTC)


@pytest.fixture(scope="module")
def stale(demo_warehouse, tmp_path_factory: pytest.TempPathFactory) -> Stale:  # noqa: ANN001
    """The demo warehouse whose send log stops at 18:00 on its last day (an export cut short), rebuilt."""
    day = demo_warehouse.spec.end_date
    cut = datetime.combine(day, time(CUT_HOUR), ZONE)
    database = tmp_path_factory.mktemp("stale") / "warehouse.duckdb"
    shutil.copyfile(demo_warehouse.database, database)
    con = duckdb.connect(str(database))
    con.execute("DELETE FROM raw.sends WHERE sent_at >= ?", [cut])
    (log_end,) = con.execute("SELECT max(sent_at) FROM raw.sends").fetchone()
    con.close()
    assert build(demo_warehouse.settings(database), full_refresh=True, show_progress=False).ok
    return Stale(database, day.isoformat(), log_end.astimezone(UTC))


def _report(stale: Stale, tmp_path: Path, notebook: str, *params: str) -> str:
    output = tmp_path / "reports"
    args = ["report", "run", notebook, "--database", str(stale.database), "--output", str(output),
            "-p", f"start_date={stale.day}", "-p", f"end_date={stale.day}"]  # fmt: skip
    for p in params:
        args += ["-p", p]
    code, out, err = run_cli(*args)
    assert code == 0, out + err
    (page,) = output.glob(f"{notebook}/2*/{notebook}.html")
    return page.read_text(encoding="utf-8")


def _local(ts: datetime) -> str:
    return ts.astimezone(ZONE).strftime("%Y-%m-%d %H:%M")


def test_header_names_each_source_and_warns_of_the_short_send_log(stale: Stale, tmp_path: Path) -> None:
    page = _report(stale, tmp_path, "overview")
    header = page[page.index('class="lr-header"'):page.index("</header>")]
    # each source's freshness, in its own row
    sends = f"<dt>Send log data</dt><dd>to {_local(stale.log_end)} EST (America/New_York), latest send</dd>"
    assert sends in header
    assert "<dt>Orders data</dt><dd>to " in header and ", latest order</dd>" in header
    assert "<dt>Listrak extract data</dt><dd>to " in header and ", last extraction</dd>" in header
    # the demo extracts GA4 and Shopify from their simulators too
    assert "<dt>GA4 data</dt><dd>to " in header and ", last extraction</dd>" in header
    assert "<dt>Shopify data</dt><dd>to " in header and ", orders updated up to</dd>" in header
    # the warning at the top names the send log
    warning = re.search(r'<p class="lr-stale" role="alert">(.*?)</p>', header)
    assert warning, "no freshness warning in the header"
    text = warning[1]
    assert f"Send log data ends {_local(stale.log_end)} EST" in text
    assert "Listrak" not in text  # its extraction is recent
    # (the demo's Shopify orders end at midnight UTC, 19:00 here: the orders may be named too)
    assert "count only messages due before the send log ends" in text
    assert header.index("lr-stale") < header.index("<dl>")  # above the parameters


def test_coverage_counts_only_messages_due_before_the_log_ends(stale: Stale, tmp_path: Path) -> None:
    con = duckdb.connect(str(stale.database), read_only=True)
    # Order confirmations of the last day, by hand from the rule: due = sent, or placed at or before
    # the last send of the log.
    with_phone, covered, due = con.execute(
        """SELECT count(*), count(*) FILTER (WHERE got_message),
                  count(*) FILTER (WHERE got_message OR trigger_at <= ?)
           FROM marts.fct_order_messages
           WHERE message_type = 'Order Confirmation' AND trigger_date = ? AND has_phone""",
        [stale.log_end, stale.day],
    ).fetchone()
    con.close()
    assert due < with_phone, "the cut send log leaves no order of the last day undue"
    page = _report(stale, tmp_path, "message", "message_type=Order Confirmation", "rows=1000")
    # item 4: coverage first, then the speed of those sent; coverage over the due orders only
    sentence = re.search(r'<p class="lr-narrative">([^<]*got their message[^<]*)</p>', page)
    assert sentence, "no timeliness sentence"
    expected = f"{covered / due:.1%}"
    opening = f"{expected} of orders with a phone number got their message ({covered:,} of {due:,})"
    assert sentence[1].startswith(opening), sentence[1]
    assert " Of the messages sent, " in sentence[1]
    assert covered / due > covered / with_phone + 0.05  # what main showed: every later order "missed"
    # the missed orders: none after the send log ends
    missed = table_with(page, "trigger at")
    assert len(missed) == due - covered
    last = _local(stale.log_end)
    assert all(row["trigger at"][:16] <= last for row in missed), [r["trigger at"] for r in missed]


def test_status_reads_the_same_freshness_and_checks_staleness(stale: Stale) -> None:
    code, out, err = run_cli("status", "--database", str(stale.database), "--format", "json")
    assert code == 0, out + err
    rows = {f["source"]: f for f in json.loads(out)["freshness"]}
    assert list(rows) == ["send_log", "orders", "listrak", "ga4", "shopify"]
    assert datetime.fromisoformat(rows["send_log"]["data_until"]) == stale.log_end
    assert rows["ga4"]["data_until"] is not None and rows["shopify"]["data_until"] is not None

    code, out, err = run_cli("status", "--database", str(stale.database))
    assert code == 0 and "freshness" in out and stale.log_end.strftime("%Y-%m-%d %H:%M") in out, out + err

    # The demo's sends and orders are days old by the clock; its Listrak extraction is recent.
    behind = datetime.now(UTC) - stale.log_end
    code, out, err = run_cli("status", "--database", str(stale.database), "--max-staleness", "1h")
    assert code == 1, out + err
    assert "Stale: Send log (latest send" in err and "Orders (latest order" in err
    assert "Listrak" not in err.split("Stale:")[1]
    days = behind.days + 2
    code, out, err = run_cli("status", "--database", str(stale.database), "--max-staleness", f"{days}d")
    assert code == 0, out + err
    code, _, err = run_cli("status", "--database", str(stale.database), "--max-staleness", "soon")
    assert code != 0 and "is not a duration" in err
    assert timedelta(days=days) > behind
