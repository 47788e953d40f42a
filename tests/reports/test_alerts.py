"""Comparisons and flags: the rules on hand-made KPI tables, `lrreport metrics --alerts` on the demo
warehouse, and the flags and benchmarks in a real overview report as Chromium shows it."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from lrreport.config import AlertSettings, ReportSettings, Settings
from lrreport.reports import benchmarks
from lrreport.reports.alerts import AlertError, check_compare, comparison_label, comparison_period, evaluate
from lrreport.reports.browser_check import check_report
from lrreport.reports.tables import format_value

from .conftest import run_cli

COLUMNS = ["group", "attempts", "accepted", "acceptance_rate", "optouts_24h", "optout_rate", "latency_p90_s"]


def _kpis(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLUMNS)


# --- the rules, worked by hand -----------------------------------------------------------------


def test_rules_fire_at_their_thresholds_and_not_below() -> None:
    settings = replace(Settings(), alerts=AlertSettings(latency_targets_s={"B": 120.0}),
                       reports=ReportSettings(latency_target_s=60))  # fmt: skip
    current = _kpis(
        # A: 20 opt-outs / 1,000 accepted = 2.0% (at the 2% limit: flags); p90 61 s > the 60 s default
        ("A", 1000, 950, 0.95, 20, 0.02, 61.0),
        # B: 19.9 per mille is under 2%; p90 100 s is within its own 120 s target
        ("B", 1000, 960, 0.96, 19, 0.0199, 100.0),
        # C: 40 accepted sends < min_accepted 50: nothing fires, however bad
        ("C", 45, 40, 0.8889, 20, 0.5, 900.0),
        ("total", 2045, 1950, 0.9542, 59, 0.0303, 70.0),
    )
    previous = _kpis(
        ("A", 1000, 975, 0.975, 1, 0.001, 10.0),  # A's acceptance 97.5% -> 95%: 2.5 points > 2
        ("B", 1000, 980, 0.98, 1, 0.001, 10.0),  # B's 98% -> 96%: exactly 2 points, not more than 2
        ("C", 45, 45, 1.0, 0, 0.0, 10.0),  # C fell 11 points, on too few attempts
        ("total", 2045, 2000, 0.978, 2, 0.001, 10.0),  # 97.8% -> 95.42%: 2.38 points
    )
    flags = evaluate(current, previous, settings, compared_with="previous 7 days")
    assert [(f.rule, f.group) for f in flags] == [
        ("optout_rate", "A"), ("latency", "A"), ("acceptance_drop", "A"), ("acceptance_drop", "total"),
    ]
    optout, latency, drop, total = flags
    assert optout.text == "Opt-out rate of A is 2.0% (20 of 950 accepted sends), at or over the 2.0% limit."
    assert latency.text == (
        "Timeliness of A: 90% of its messages went out within 61 s of the order event, over its 60 s target."
    )
    assert drop.text == (
        "Acceptance of A fell 2.5 points to 95.0% against the previous 7 days (97.5%); "
        "the limit is a fall of 2 points."
    )
    assert total.text.startswith("Acceptance of all message types fell 2.4 points to 95.4%")
    assert (drop.value, drop.reference, drop.limit) == (0.95, 0.975, 2.0)


def test_no_comparison_data_means_no_drop_flag() -> None:
    current = _kpis(("A", 1000, 500, 0.5, 0, 0.0, None))
    assert evaluate(current, _kpis(), Settings(), compared_with="same days a year before") == []


def test_comparison_periods() -> None:
    d = dt.date
    assert comparison_period(d(2026, 11, 9), d(2026, 11, 15), "previous") == (d(2026, 11, 2), d(2026, 11, 8))
    assert comparison_period(d(2026, 11, 9), d(2026, 11, 15), "year") == (d(2025, 11, 9), d(2025, 11, 15))
    assert comparison_period(d(2028, 2, 1), d(2028, 2, 29), "year") == (d(2027, 2, 1), d(2027, 2, 28))
    assert comparison_label(d(2026, 11, 9), d(2026, 11, 15), "previous") == "previous 7 days"
    assert comparison_label(d(2026, 11, 9), d(2026, 11, 15), "year") == "same days a year before"
    assert check_compare(None, Settings()) == "previous"
    with pytest.raises(AlertError, match="compare must be one of previous, year, not 'month'"):
        check_compare("month", Settings())


def test_benchmarks_only_where_the_registry_has_the_metric() -> None:
    kpis = {"optout_rate": 0.003, "revenue_per_accepted_send": 1.2, "click_rate": 0.1}
    shown = benchmarks.beside(kpis)
    metrics = [(b.publisher, b.metric) for b, _, _ in shown]
    # click_rate is not a metric of the registry, and click-through is absent: no click benchmark
    assert metrics == [("Listrak", "revenue_per_accepted_send"), ("Klaviyo", "optout_rate")]
    assert [b.verdict(v) for b, _, v in shown] == ["above", "within"]
    # with GA4's click-through (10%): below Listrak's 14%, within Klaviyo's 8.9%-14.5%
    shown = benchmarks.beside({**kpis, "click_through_rate": 0.1})
    clicks = [(b.publisher, b.verdict(v)) for b, _, v in shown if b.metric == "click_through_rate"]
    assert clicks == [("Listrak", "below"), ("Klaviyo", "within")]
    assert all(b.source and b.published for b in benchmarks.published())
    assert benchmarks.beside({"optout_rate": None}) == []


# --- the command ------------------------------------------------------------------------------


def _config(tmp_path: Path, alerts: str) -> Path:
    cfg = tmp_path / "lrreport.toml"
    cfg.write_text(f"[alerts]\n{alerts}\n", encoding="utf-8")
    return cfg


def _by_type(db: Path) -> dict[str, dict]:
    code, out, err = run_cli("metrics", "--database", str(db), "--start", "2026-11-09", "--end", "2026-11-15",
                             "--by", "message_type", "--format", "json")  # fmt: skip
    assert code == 0, err
    return {r["group"]: r for r in json.loads(out)}


def test_metrics_alerts_exit_3_when_a_flag_fires(demo_warehouse, tmp_path: Path) -> None:
    db = demo_warehouse.database
    kpi = _by_type(db)
    # thresholds set so that one flag of each kind must fire on the demo week, whatever its numbers
    oc, sc = kpi["Order Confirmation"], kpi["Shipping Confirmation"]
    assert oc["optout_rate"] > 0 and sc["latency_p90_s"] > 1
    cfg = _config(tmp_path, f'optout_rate_max = {oc["optout_rate"]}\n'
                            f'latency_targets_s = {{ "Shipping Confirmation" = {sc["latency_p90_s"] - 1} }}\n'
                            "acceptance_drop_points = -100\nmin_accepted = 1")  # fmt: skip
    args = ["--config", str(cfg), "metrics", "--database", str(db),
            "--start", "2026-11-09", "--end", "2026-11-15"]  # fmt: skip
    code, out, _ = run_cli(*args, "--alerts", "--format", "json")
    assert code == 3
    flags = json.loads(out)
    fired = {(f["rule"], f["group"]) for f in flags}
    assert ("optout_rate", "Order Confirmation") in fired
    assert ("latency", "Shipping Confirmation") in fired
    assert ("acceptance_drop", "total") in fired  # a "fall" of over -100 points: any change
    optout = next(f for f in flags if f["rule"] == "optout_rate" and f["group"] == "Order Confirmation")
    assert optout["value"] == pytest.approx(oc["optout_rate"])
    code, out, _ = run_cli(*args, "--alerts")
    assert code == 3 and out.startswith(f"{len(flags)} flags:")
    assert "Opt-out rate of Order Confirmation" in out

    # against a year before (no data then) nothing can fall; with the other limits out of reach: none
    targets = ", ".join(f'"{t}" = 1e9' for t in kpi if t != "total")
    calm = _config(tmp_path, f"optout_rate_max = 1.0\nlatency_targets_s = {{ {targets} }}")
    code, out, _ = run_cli("--config", str(calm), *args[2:], "--alerts", "--compare", "year")
    assert (code, out.strip()) == (0, "No flags.")
    code, out, _ = run_cli("--config", str(calm), *args[2:], "--alerts", "--format", "csv",
                           "--compare", "year")  # fmt: skip
    assert code == 0 and out.strip() == "rule,group,metric,value,limit,reference,text"


# --- the report header -------------------------------------------------------------------------


def test_overview_shows_the_flags_and_benchmarks(demo_warehouse, tmp_path: Path) -> None:
    db = demo_warehouse.database
    oc = _by_type(db)["Order Confirmation"]
    cfg = _config(tmp_path, f"optout_rate_max = {oc['optout_rate']}\nmin_accepted = 1")
    code, out, err = run_cli(
        "--config", str(cfg), "report", "run", "overview", "--database", str(db), "--output",
        str(tmp_path / "reports"), "-p", "start_date=2026-11-09", "-p", "end_date=2026-11-15",
        "-p", "compare=year",
    )  # fmt: skip
    assert code == 0, out + err
    (html,) = (tmp_path / "reports" / "overview").glob("2*/overview.html")
    seen = check_report(html)
    seen.assert_ok(min_plots=1)
    text = seen.body_text
    # the flag, in the header: before the first section
    flag = f"Opt-out rate of Order Confirmation is {format_value(oc['optout_rate'], 'rate')}"
    assert flag in text and text.index(flag) < text.index("Key numbers")
    assert "vs same days a year before" in text  # the tiles compare with a year before
    assert "Klaviyo SMS campaigns (US Klaviyo customers)" in text and "help.klaviyo.com" in text
    assert "Listrak transactional SMS (Listrak clients): $0.99 revenue per text send" in text
    # GA4's click-through (the demo reads the GA4 simulator) is shown beside the click benchmarks
    assert "Listrak transactional SMS (Listrak clients): 14% average click-through rate" in text

    code, out, err = run_cli(
        "report", "run", "overview", "--database", str(db), "--output", str(tmp_path / "r2"),
        "-p", "start_date=2026-11-09", "-p", "end_date=2026-11-15", "-p", "compare=month",
    )  # fmt: skip
    assert code == 1 and "compare must be one of previous, year" in out + err
