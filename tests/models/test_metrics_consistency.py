# ruff: noqa: E501  (one comparison per line reads best)
"""One definition per metric: the registry is complete, dbt accepts it, and every report place that
shows a registry metric gives the number `lrreport metrics` gives for the same range.

The registry is queries/models/marts/_metrics.yml (dbt semantic models and metrics); `lrreport
metrics` compiles its KPI query from it (lrreport/warehouse/metric_registry.py).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from lrreport.cli import cli
from lrreport.reports import narrative, tables
from lrreport.reports.data import kpi_totals, query
from lrreport.sqlfiles import queries_dir
from lrreport.warehouse import metric_registry
from lrreport.warehouse.metrics import COLUMNS, kpis

# (start, end, sender code): the golden month, a wider range with December's sends, one busy day
# (2024-01-14: sends, a link order and a triggered message) and one sender code alone.
RANGES = [
    (date(2024, 1, 1), date(2024, 1, 31), None),
    (date(2023, 12, 1), date(2024, 2, 29), None),
    (date(2024, 1, 14), date(2024, 1, 14), None),
    (date(2023, 12, 1), date(2024, 2, 29), 1),
    # S32 (Order Confirmation) went out on Jan 23 and its credited opt-out came on Jan 24: both days
    # must date that opt-out by the send, Jan 23 (the list_health table used to say Jan 24).
    (date(2024, 1, 23), date(2024, 1, 23), None),
    (date(2024, 1, 24), date(2024, 1, 24), None),
]
IDS = ["jan", "dec-feb", "jan-14", "dec-feb-sc1", "jan-23", "jan-24"]


def cli_metrics(golden, start: date, end: date, sender_code_id: int | None, *args: str) -> dict[str, dict]:  # noqa: ANN001
    extra = [] if sender_code_id is None else ["--sender-code", str(sender_code_id)]
    result = CliRunner().invoke(
        cli,
        ["--config", str(golden["config"]), "metrics", "--database", str(golden["database"]),
         "--start", start.isoformat(), "--end", end.isoformat(), "--format", "json", *extra, *args],
    )
    assert result.exit_code == 0, result.output
    return {r["group"]: r for r in json.loads(result.output)}


def same(a: object, b: object) -> bool:
    if a is None or b is None or a != a or b != b:  # noqa: PLR0124 (NaN)
        return (a is None or a != a) and (b is None or b != b)  # noqa: PLR0124
    return float(a) == pytest.approx(float(b))  # type: ignore[arg-type]


def assert_same(report: dict, report_column: str, kpi: dict, metric: str, where: str) -> None:
    assert same(report[report_column], kpi[metric]), (where, report_column, report[report_column], kpi[metric])


def params(start: date, end: date, sender_code_id: int | None) -> dict:
    return {"start": start, "end": end, "sender_code_id": sender_code_id, "message_type": None,
            "message_name": None, "target_s": 60.0}


# ---------------------------------------------------------------------------------------------- registry


def test_registry_is_complete(golden_con) -> None:  # noqa: ANN001
    registry = metric_registry.load()
    assert ("group", *(m.name for m in registry.kpis)) == COLUMNS
    assert len(COLUMNS) == 24
    for metric in registry.metrics.values():
        assert metric.label and metric.term, metric.name
        assert metric.kind in metric_registry.KINDS, metric.name
        assert metric.direction in metric_registry.DIRECTIONS, metric.name
        text = metric.describe()
        assert len(text) > 15 and "{" not in text and "}" not in text, metric.name
        dating = registry.dating(metric.name)
        assert dating, metric.name
        for mart, column, rule in dating:
            assert rule, (metric.name, mart)
            found = golden_con.execute(
                "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'marts' "
                "AND table_name = ? AND column_name = ?", [mart, column],
            ).fetchone()[0]
            assert found == 1, (metric.name, mart, column)


def test_dating_rules_are_decided_once() -> None:
    registry = metric_registry.load()

    def dated_by(name: str) -> set[tuple[str, str]]:
        return {(mart, column) for mart, column, _ in registry.dating(name)}

    assert dated_by("attempts") == {("fct_sends", "sent_date")}
    assert dated_by("attributed_revenue") == {("fct_order_attribution", "order_date")}
    # opt-outs by the day of the send they are credited to, so the rate is per send of the same days
    assert dated_by("optout_rate") == {("fct_optouts", "sent_date"), ("fct_sends", "sent_date")}
    assert dated_by("coverage") == dated_by("latency_p90_s") == {("fct_order_messages", "trigger_date")}


def test_descriptions_use_the_configured_windows(golden_settings) -> None:  # noqa: ANN001
    registry = metric_registry.load()
    hours = golden_settings.attribution.optout_window_hours
    assert f"within {hours} hours" in registry["optout_rate"].describe(golden_settings)
    days = golden_settings.attribution.click_window_days
    assert f"{days} days" in registry["link_revenue"].describe(golden_settings)


def test_dbt_parse_accepts_the_registry(tmp_path: Path) -> None:
    project = tmp_path / "queries"
    shutil.copytree(queries_dir(), project, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages"))
    dbt = Path(sys.executable).with_name("dbt")
    env = {**os.environ, "LRREPORT_DATABASE": str(tmp_path / "parse.duckdb"),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1"}
    done = subprocess.run(
        [str(dbt), "parse", "--no-partial-parse", "--profiles-dir", str(project),
         "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")],
        cwd=project, env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    manifest = json.loads((tmp_path / "target" / "semantic_manifest.json").read_text(encoding="utf-8"))
    assert {m["name"] for m in manifest["metrics"]} == set(metric_registry.load().metrics)
    assert {m["name"] for m in manifest["semantic_models"]} == set(metric_registry.load().models)


# ---------------------------------------------------------------------------------------------- reports


def test_tiles_and_definitions_come_from_the_registry(golden_settings) -> None:  # noqa: ANN001
    registry = metric_registry.load()
    for tile in tables.OVERVIEW_TILES:
        metric = registry[tile.key]
        assert (tile.label, tile.kind, tile.better, tile.help) == (
            metric.label, metric.kind, metric.better, metric.describe())
    html = narrative.definitions(golden_settings, "America/New_York")
    for name in ("attempts", "acceptance_rate", "segments", "coverage", "attributed_revenue",
                 "revenue_per_accepted_send", "optout_rate", "link_revenue", "post_send_revenue"):
        metric = registry[name]
        assert f"<dt>{tables.esc(metric.term)}</dt><dd>{tables.esc(metric.describe(golden_settings))}</dd>" in html


@pytest.mark.parametrize(("start", "end", "sender_code_id"), RANGES, ids=IDS)
def test_overview_tiles_equal_the_cli_total(golden, golden_con, golden_settings, start, end, sender_code_id) -> None:  # noqa: ANN001, PLR0913
    total = cli_metrics(golden, start, end, sender_code_id)["total"]
    tiles = kpi_totals(golden_con, golden_settings, start, end, sender_code_id)
    for tile in tables.OVERVIEW_TILES:
        assert same(tiles[tile.key], total[tile.key]), tile.key
    # and the total alone is the total of any grouping (computed from the detail, not summed)
    for by in ("message_type", "day", "sender_code"):
        grouped = cli_metrics(golden, start, end, sender_code_id, "--by", by)["total"]
        assert all(same(grouped[c], total[c]) for c in COLUMNS[1:]), by


@pytest.mark.parametrize(("start", "end", "sender_code_id"), RANGES, ids=IDS)
def test_report_queries_equal_the_cli_by_message_type(golden, golden_con, start, end, sender_code_id) -> None:  # noqa: ANN001
    by_type = cli_metrics(golden, start, end, sender_code_id, "--by", "message_type")
    p = params(start, end, sender_code_id)

    optouts = query(golden_con, "reports/optouts_by_type", **p).to_dict("records")
    for row in optouts:
        kpi = by_type[row["message_type"]]
        assert_same(row, "optouts", kpi, "optouts_24h", "optouts_by_type")
        assert_same(row, "accepted_sends", kpi, "accepted", "optouts_by_type")
        assert_same(row, "optout_rate", kpi, "optout_rate", "optouts_by_type")
    listed = {r["message_type"] for r in optouts}
    assert listed == {g for g, r in by_type.items() if g != "total" and (r["accepted"] or r["optouts_24h"])}

    revenue = query(golden_con, "reports/revenue_by_type", **p).to_dict("records")
    for row in revenue:
        kpi = by_type[row["message_type"]]
        for column, metric in (("link_orders", "link_orders"), ("link_revenue", "link_revenue"),
                               ("post_send_orders", "post_send_orders"), ("post_send_revenue", "post_send_revenue"),
                               ("attributed_revenue", "attributed_revenue"), ("accepted_sends", "accepted"),
                               ("revenue_per_accepted_send", "revenue_per_accepted_send")):
            assert_same(row, column, kpi, metric, "revenue_by_type")
    assert sum(r["attributed_revenue"] for r in revenue) == pytest.approx(by_type["total"]["attributed_revenue"])

    timing = query(golden_con, "reports/timeliness", **p).to_dict("records")
    for row in timing:
        kpi = by_type[row["message_type"]]
        assert_same(row, "p50_s", kpi, "latency_p50_s", "timeliness")
        assert_same(row, "p90_s", kpi, "latency_p90_s", "timeliness")
        assert_same(row, "coverage", kpi, "coverage", "timeliness")
    covered = {g for g, r in by_type.items() if g != "total" and r["coverage"] is not None}
    assert covered <= {r["message_type"] for r in timing}

    for message_type, kpi in by_type.items():
        if message_type == "total":
            continue
        rules = {r["rule"]: r for r in query(
            golden_con, "reports/attributed_summary", **{**p, "message_type": message_type}).to_dict("records")}
        for rule in ("link", "post_send"):
            got = rules.get(rule, {"orders": 0, "net_revenue": 0.0})
            assert got["orders"] == kpi[f"{rule}_orders"], (message_type, rule)
            assert same(got["net_revenue"], kpi[f"{rule}_revenue"]), (message_type, rule)


def test_the_ranges_hold_data(golden) -> None:  # noqa: ANN001
    """The ranges above are not vacuous: they hold sends, revenue, opt-outs and triggered messages."""
    total = cli_metrics(golden, *RANGES[0])["total"]
    assert total["attempts"] and total["attributed_revenue"] and total["optouts_24h"] and total["coverage"]
    day = cli_metrics(golden, *RANGES[2])["total"]
    assert day["attempts"] and day["link_orders"] and day["latency_p50_s"] is not None


def test_optouts_are_dated_by_the_credited_send(golden, golden_con) -> None:  # noqa: ANN001
    from tests.models.golden_data import OC

    for day, expected in ((date(2024, 1, 23), 1), (date(2024, 1, 24), 0)):
        kpi = cli_metrics(golden, day, day, None, "--by", "message_type").get(OC, {"optouts_24h": 0})
        table = query(golden_con, "reports/optouts_by_type", **params(day, day, None))
        shown = table.loc[table["message_type"] == OC, "optouts"].sum()
        assert kpi["optouts_24h"] == shown == expected, day


def test_kpis_are_one_query(golden_con, golden_settings) -> None:  # noqa: ANN001
    """The compiled KPI query reads each mart once per grouping: one CTE per semantic model."""
    sql = metric_registry.load().kpi_sql("message_type")
    assert len(re.findall(r"GROUPING SETS", sql)) == len(metric_registry.load().models)
    frame = kpis(golden_con, golden_settings, date(2024, 1, 1), date(2024, 1, 31), by="day")
    assert frame["group"].iloc[-1] == "total"
