# ruff: noqa: E501  (hand-worked expected rows read best one per line)
"""`lrreport metrics` on the golden warehouse: every value of the JSON output worked out by hand.

Range 2024-01-01..2024-01-31 (EST), so S20 / S21 (Dec 21) are out. See golden_data for the rows.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from click.testing import CliRunner

from lrreport.cli import cli
from lrreport.warehouse.metrics import COLUMNS, kpis
from tests.models.golden_data import DC, LP, OC, PD, SC


def run_metrics(golden, *args: str) -> str:  # noqa: ANN001
    result = CliRunner().invoke(
        cli,
        ["--config", str(golden["config"]), "metrics", "--database", str(golden["database"]),
         "--start", "2024-01-01", "--end", "2024-01-31", *args],
    )
    assert result.exit_code == 0, result.output
    return result.output


def row(group, attempts, accepted, rate, unique, segments, multi, ucs2, link_orders, link_rev, post_orders,
        post_rev, attributed, per_send, optouts, optout_rate, p50, p90, coverage) -> dict:  # noqa: ANN001
    # the golden warehouse has no GA4 data: sessions, click-through, conversion, GA4 revenue and
    # average order value are null everywhere (tests/models/test_ga4_models.py loads some)
    values = [group, attempts, accepted, rate, unique, segments, multi, ucs2, link_orders, link_rev, post_orders,
              post_rev, attributed, per_send, optouts, optout_rate, p50, p90, coverage, None, None, None, None, None]
    return dict(zip(COLUMNS, values, strict=True))


EXPECTED_BY_TYPE = [
    # DC: S03 refused, S04 accepted (1 segment); latency 60 s; 1 of 1 orders with a phone covered.
    row(DC, 2, 1, 0.5, 1, 1, 0, 0, 0, 0.0, 0, 0.0, 0.0, 0.0, 0, 0.0, 60.0, 60.0, 1.0),
    # LP: S00, S10, S11, S12, S30, S40 all accepted to A and B; segments 1+1+1+1+2+1 = 7; S30 is
    # multi-segment UCS-2. Link LR1002 (net 0), post-send LR1007 (60) + LR1008 (25) = 85 over 6
    # sends. No trigger: latency and coverage null.
    row(LP, 6, 6, 1.0, 2, 7, 1, 1, 1, 0.0, 2, 85.0, 85.0, 85.0 / 6, 0, 0.0, None, None, None),
    # OC: S01, S13, S22, S23, S32 accepted, S41 and S51 refused = 7 attempts; recipients A, B, C;
    # segments 1+1+1+2+2 = 7; S23, S32 multi; S13 UCS-2. Link LR1003 (50) + LR1005 (30) = 80 over 5
    # sends = 16. Opt-out credited to S32: 1 / 5. Delays 0, 5, 20, 45, 120: p50 = 20,
    # p90 = 45 + 0.6 * 75 = 90. Orders with a phone: LR1001-1004, 1006-1008 = 7, covered 5.
    row(OC, 7, 5, 5 / 7, 3, 7, 2, 1, 2, 80.0, 0, 0.0, 80.0, 16.0, 1, 0.2, 20.0, 90.0, 5 / 7),
    # PD: S50; its opt-out credited: 1 / 1.
    row(PD, 1, 1, 1.0, 1, 1, 0, 0, 0, 0.0, 0, 0.0, 0.0, 0.0, 1, 1.0, None, None, None),
    # SC: S02, S31 to A; latency 30 s (LR1001); LR1003 shipped but missed: coverage 1 / 2.
    row(SC, 2, 2, 1.0, 1, 2, 0, 0, 0, 0.0, 0, 0.0, 0.0, 0.0, 0, 0.0, 30.0, 30.0, 0.5),
    # Total from the detail: 18 attempts, 15 accepted, recipients A, B, C (not 1+2+3+1+1), 18
    # segments, 3 multi, 2 UCS-2; 165 attributed / 15 = 11; 2 opt-outs / 15; delays
    # 0, 5, 20, 30, 45, 60, 120: p50 = 30, p90 = 60 + 0.4 * 60 = 84; covered 7 of 10 (7 OC, 2 SC, 1 DC).
    row("total", 18, 15, 15 / 18, 3, 18, 3, 2, 3, 80.0, 2, 85.0, 165.0, 11.0, 2, 2 / 15, 30.0, 84.0, 0.7),
]


def assert_rows_equal(got: list[dict], expected: list[dict]) -> None:
    assert [r["group"] for r in got] == [r["group"] for r in expected]
    for g, e in zip(got, expected, strict=True):
        assert list(g) == list(COLUMNS)
        for column in COLUMNS:
            if isinstance(e[column], float):
                assert g[column] == pytest.approx(e[column]), (g["group"], column)
            else:
                assert g[column] == e[column], (g["group"], column)


def test_metrics_json_by_message_type(golden) -> None:  # noqa: ANN001
    assert_rows_equal(json.loads(run_metrics(golden, "--by", "message_type", "--format", "json")), EXPECTED_BY_TYPE)


def test_metrics_total_only_matches_grouped_total(golden) -> None:  # noqa: ANN001
    got = json.loads(run_metrics(golden, "--format", "json"))
    assert_rows_equal(got, EXPECTED_BY_TYPE[-1:])


def test_metrics_by_sender_code(golden) -> None:  # noqa: ANN001
    got = json.loads(run_metrics(golden, "--by", "sender_code", "--format", "json"))
    assert [r["group"] for r in got] == ["1", "2", "total"]
    sc1, sc2, total = got
    # Sender code 2 is S50 alone; sender code 1 everything else.
    assert (sc1["attempts"], sc1["accepted"], sc1["unique_recipients"], sc1["optouts_24h"]) == (17, 14, 3, 1)
    assert (sc2["attempts"], sc2["accepted"], sc2["unique_recipients"], sc2["optouts_24h"]) == (1, 1, 1, 1)
    # Coverage per sender code: 7 covered (all by sc 1) of all 10 orders-with-phone messages.
    assert sc1["coverage"] == pytest.approx(0.7) and sc2["coverage"] is None
    assert sc1["attributed_revenue"] == 165.0 and sc2["attributed_revenue"] == 0.0
    assert total == {**total, "attempts": 18, "accepted": 15, "coverage": pytest.approx(0.7)}


def test_metrics_by_day_dates_in_business_timezone(golden) -> None:  # noqa: ANN001
    got = {r["group"]: r for r in json.loads(run_metrics(golden, "--by", "day", "--format", "json"))}
    # S10 at 04:30Z Jan 5 is a Jan 4 send; S13 (04:30:45Z Jan 15) a Jan 14 one, like LR1002.
    assert got["2024-01-04"]["attempts"] == 1
    assert "2024-01-05" not in got
    assert (got["2024-01-14"]["attempts"], got["2024-01-14"]["link_orders"], got["2024-01-14"]["latency_p50_s"]) == (3, 1, 45.0)
    # Jan 21 has LR1005's link revenue but no send.
    assert (got["2024-01-21"]["attempts"], got["2024-01-21"]["link_revenue"], got["2024-01-21"]["acceptance_rate"]) == (0, 30.0, None)
    assert list(got)[-1] == "total"


def test_metrics_csv_and_table(golden) -> None:  # noqa: ANN001
    table = list(csv.DictReader(io.StringIO(run_metrics(golden, "--by", "message_type", "--format", "csv"))))
    assert list(table[0]) == list(COLUMNS)
    assert [r["group"] for r in table] == [DC, LP, OC, PD, SC, "total"]
    assert table[-1]["attempts"] == "18"
    text = run_metrics(golden, "--by", "message_type")
    assert "Order Confirmation" in text and "total" in text and "83.3%" in text


def test_kpis_sender_filter_and_errors(golden_con, golden_settings) -> None:  # noqa: ANN001
    frame = kpis(golden_con, golden_settings, date(2024, 1, 1), date(2024, 1, 31), sender_code_id=2)
    assert list(frame.columns) == list(COLUMNS)
    assert frame.to_dict("records")[0]["attempts"] == 1
    from lrreport.warehouse.metrics import MetricsError

    with pytest.raises(MetricsError, match="before the start"):
        kpis(golden_con, golden_settings, date(2024, 2, 1), date(2024, 1, 1))
    with pytest.raises(MetricsError, match="--by"):
        kpis(golden_con, golden_settings, date(2024, 1, 1), date(2024, 1, 2), by="week")


def _table(golden, width: int, *args: str) -> str:  # noqa: ANN001
    result = CliRunner(env={"COLUMNS": str(width)}).invoke(
        cli,
        ["--config", str(golden["config"]), "metrics", "--database", str(golden["database"]),
         "--start", "2024-01-01", "--end", "2024-01-31", "--by", "message_type", *args],
    )
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("width", [120, 80, 60])
def test_metrics_table_fits_the_terminal_and_cuts_no_number(golden, width: int) -> None:  # noqa: ANN001
    """Issue 11 item 7: at 120 columns attempts and accepted used to shrink to nothing."""
    text = _table(golden, width)
    assert max(len(line) for line in text.splitlines()) <= width, text
    cells = {cell.strip() for line in text.splitlines() for cell in line.split("  ") if cell.strip()}
    # the default columns, each value whole (hand-worked above): OC 7 attempts, 5 / 7 = 71.4% accepted
    # and covered, $80 attributed, 1 opt-out in 5 = 20.0%, p90 90 s; total 18 attempts, 83.3%, $165
    for value in ("Send attempts", "Acceptance rate", "Segments", "Attributed revenue", "Coverage",
                  "7", "71.4%", "$80.00", "20.0%", "90.0 s", "18", "83.3%", "$165"):
        assert value in cells, (value, text)
    assert "Unique recipients" not in text  # not a default column


def test_metrics_columns_option_and_complete_csv_json(golden) -> None:  # noqa: ANN001
    text = _table(golden, 120, "--columns", "unique_recipients,coverage")
    header = next(line for line in text.splitlines() if "Unique recipients" in line)
    assert "Coverage" in header and "Send attempts" not in text
    assert "50.0%" in text  # SC coverage 1 / 2
    every = _table(golden, 120, "--columns", "all")
    assert all(label in every for label in ("Unique recipients", "UCS-2 sends", "Post-send revenue", "Latency p50"))
    # csv and json keep every column whatever the table shows
    table = list(csv.DictReader(io.StringIO(_table(golden, 60, "--format", "csv"))))
    assert list(table[0]) == list(COLUMNS)
    assert list(json.loads(_table(golden, 60, "--format", "json"))[0]) == list(COLUMNS)
    # --columns narrows csv too; an unknown name is refused with the valid ones
    narrow = list(csv.DictReader(io.StringIO(_table(golden, 60, "--format", "csv", "--columns", "attempts"))))
    assert list(narrow[0]) == ["group", "attempts"]
    result = CliRunner().invoke(
        cli, ["--config", str(golden["config"]), "metrics", "--database", str(golden["database"]),
              "--start", "2024-01-01", "--end", "2024-01-31", "--columns", "attempts,revenue"])
    assert result.exit_code == 2 and "unknown column(s) for --columns: revenue; valid: all, attempts" in result.output
