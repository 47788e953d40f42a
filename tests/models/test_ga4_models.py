# ruff: noqa: E501  (hand-worked expected rows read best one per line)
"""GA4 sessions in the models and metrics, on the golden warehouse plus hand-made GA4 rows.

The golden dataset (tests/models/golden_data.py) has 15 accepted sends in January 2024: OC 5, SC 2,
DC 1, LP 6, PD 1, and link orders LR1002 (Jan 14, LP, total 80.00, refunded: net 0), LR1003 (Jan 20,
OC, 50.00) and LR1005 (Jan 21, OC, 30.00). GA4 is read for Jan 13..Jan 21 (property 7) with:
  Jan 14  lp_jan                3 sessions, 2 engaged, 1 purchase, 80.00   -> LP via campaign_map
  Jan 15  spring-sale           9 sessions, 5 engaged, 1 purchase, 70.00   -> names no shell: left out
  Jan 16  Shipping Confirmation 1 session,  1 engaged, 0 purchases          -> SC
  Jan 20  Order_Confirmation    4 sessions, 3 engaged, 2 purchases, 80.00   -> OC (case and _ ignored)
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from click.testing import CliRunner

from lrreport.cli import cli
from lrreport.reports.data import query
from tests.models.golden_data import DC, LP, OC, PD, SC

pytestmark = pytest.mark.xdist_group("ga4_models")  # one worker: its fixtures are made once

GA4_ROWS = [
    ("2024-01-14", "lp_jan", "rewards", 3, 3, 2, 1, "80.00"),
    ("2024-01-15", "spring-sale", "shop_now", 9, 8, 5, 1, "70.00"),
    ("2024-01-16", "Shipping Confirmation", "track_package", 1, 1, 1, 0, "0.00"),
    ("2024-01-20", "Order_Confirmation", "order_details", 4, 4, 3, 2, "80.00"),
]
DAYS = pd.date_range("2024-01-13", "2024-01-21").date


def add_ga4_rows(database: Path) -> None:
    """Write the GA4 rows above into a warehouse's raw tables (load ga4-test), as an extraction would."""
    loaded = datetime(2024, 2, 1, tzinfo=UTC)
    sessions = pd.DataFrame(
        [("7", date.fromisoformat(d), c, k, s, u, e, t, Decimal(r), "USD", "America/New_York", "ga4-test", loaded, "test")
         for d, c, k, s, u, e, t, r in GA4_ROWS],
        columns=["property_id", "report_date", "campaign", "content", "sessions", "total_users", "engaged_sessions",
                 "transactions", "purchase_revenue", "currency", "property_time_zone", "_load_id", "_loaded_at",
                 "_source_file"],
    )
    days = pd.DataFrame({"property_id": "7", "report_date": DAYS, "_load_id": "ga4-test", "_loaded_at": loaded})
    with duckdb.connect(str(database)) as con:
        for table, frame in (("ga4_sessions", sessions), ("ga4_days", days)):
            con.register("ga4_rows", frame)
            con.execute(f"INSERT INTO raw.{table} BY NAME SELECT * FROM ga4_rows")
            con.unregister("ga4_rows")


@pytest.fixture(scope="module")
def with_ga4(golden, tmp_path_factory) -> dict[str, Path]:  # noqa: ANN001
    """A copy of the golden warehouse with the GA4 rows above, rebuilt by `lrreport build`."""
    root = tmp_path_factory.mktemp("golden-ga4")
    database = root / "golden.duckdb"
    shutil.copyfile(golden["database"], database)
    add_ga4_rows(database)
    result = CliRunner().invoke(cli, ["--config", str(golden["config"]), "build", "--database", str(database)])
    assert result.exit_code == 0, result.output
    return {"config": golden["config"], "database": database}


def metrics(db: dict[str, Path], start: str, end: str, *args: str) -> dict[str, dict]:
    result = CliRunner().invoke(cli, ["--config", str(db["config"]), "metrics", "--database", str(db["database"]),
                                      "--start", start, "--end", end, "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return {r["group"]: r for r in json.loads(result.output)}


GA4_COLUMNS = ("sessions", "click_through_rate", "conversion_rate", "ga4_revenue", "average_order_value")


def ga4(row: dict) -> tuple:
    return tuple(row[c] for c in GA4_COLUMNS)


def test_metrics_by_message_type(with_ga4) -> None:  # noqa: ANN001
    got = metrics(with_ga4, "2024-01-01", "2024-01-31", "--by", "message_type")
    assert ga4(got[OC]) == pytest.approx((4, 4 / 5, 2 / 4, 80.0, 40.0))  # 4 sessions over 5 accepted OC sends
    assert ga4(got[LP]) == pytest.approx((3, 3 / 6, 1 / 3, 80.0, 80.0))  # lp_jan -> Loyalty Points -> LP
    assert got[SC]["sessions"] == 1 and got[SC]["click_through_rate"] == pytest.approx(1 / 2)
    assert (got[SC]["conversion_rate"], got[SC]["ga4_revenue"], got[SC]["average_order_value"]) == (0.0, 0.0, None)
    # read for those days, no sessions: 0, not null (and no purchase: no order value)
    assert ga4(got[DC]) == (0, 0.0, None, 0.0, None) and ga4(got[PD]) == (0, 0.0, None, 0.0, None)
    # spring-sale (9 sessions) names no message and stays out; 4 + 3 + 1 = 8 sessions of 15 accepted
    assert ga4(got["total"]) == pytest.approx((8, 8 / 15, 3 / 8, 160.0, 53.33))  # money to the cent: 160 / 3


def test_metrics_are_null_where_ga4_was_not_read(with_ga4) -> None:  # noqa: ANN001
    december = metrics(with_ga4, "2023-12-01", "2023-12-31")["total"]
    assert december["accepted"] > 0 and ga4(december) == (None, None, None, None, None)
    # Jan 14 alone: LP's 3 sessions; every sender code's GA4 value is unknown (GA4 knows none)
    jan14 = metrics(with_ga4, "2024-01-14", "2024-01-14", "--by", "sender_code")
    assert jan14["total"]["sessions"] == 3
    assert all(r["sessions"] is None for g, r in jan14.items() if g != "total")
    # and one sender code alone has no GA4 numbers either, though its sends have theirs
    one = metrics(with_ga4, "2024-01-01", "2024-01-31", "--sender-code", "1")["total"]
    assert one["accepted"] > 0 and ga4(one) == (None, None, None, None, None)


def test_sessions_daily_mart(with_ga4) -> None:  # noqa: ANN001
    with duckdb.connect(str(with_ga4["database"]), read_only=True) as con:
        rows = con.execute("SELECT * FROM marts.agg_ga4_sessions_daily WHERE sessions > 0 ORDER BY ALL").fetchall()
        n = con.execute("SELECT count(*) FROM marts.agg_ga4_sessions_daily").fetchone()[0]
    assert rows == [
        (date(2024, 1, 14), LP, 3, 2, 1, Decimal("80.00")),
        (date(2024, 1, 16), SC, 1, 1, 0, Decimal("0.00")),
        (date(2024, 1, 20), OC, 4, 3, 2, Decimal("80.00")),
    ]
    assert n == 9 * 5  # every covered day (Jan 13..21) x every message type (OC SC DC LP PD)


def test_reconciliation(with_ga4) -> None:  # noqa: ANN001
    with duckdb.connect(str(with_ga4["database"]), read_only=True) as con:
        got = con.execute("SELECT * FROM marts.agg_ga4_reconciliation_daily ORDER BY day").fetchall()
    assert got == [
        # LR1002: one link order of 80.00 (refunded: net 0); GA4 one purchase of 80.00 (before refunds)
        (date(2024, 1, 14), LP, 1, Decimal("80.00"), Decimal("0.00"), 1, Decimal("80.00"), 0, Decimal("0.00"), False, "agree"),
        # LR1003 (50.00) against GA4's two purchases (80.00): one lrreport does not credit; Jan 20
        # is within the last three days read (Jan 21 - 3 < Jan 20) but GA4 says more, not less
        (date(2024, 1, 20), OC, 1, Decimal("50.00"), Decimal("50.00"), 2, Decimal("80.00"), 1, Decimal("30.00"), True,
         "purchases lrreport does not credit: cancelled orders, orders missing from the loaded orders, or UTM tags lost between the session and the order"),
        # LR1005 (30.00) and no GA4 purchase on the last day read: GA4 is still processing it
        (date(2024, 1, 21), OC, 1, Decimal("30.00"), Decimal("30.00"), 0, Decimal("0.00"), -1, Decimal("-30.00"), True,
         "GA4 processing delay: the last 72 hours are not final yet"),
    ]


def test_report_queries_equal_the_cli(with_ga4) -> None:  # noqa: ANN001
    by_type = metrics(with_ga4, "2024-01-01", "2024-01-31", "--by", "message_type")
    with duckdb.connect(str(with_ga4["database"]), read_only=True) as con:
        table = query(con, "reports/ga4_by_type", start=date(2024, 1, 1), end=date(2024, 1, 31), sender_code_id=None)
        reconciled = query(con, "reports/ga4_reconciliation", start=date(2024, 1, 1), end=date(2024, 1, 31))
    assert set(table["message_type"]) == {OC, SC, DC, LP, PD}
    for row in table.to_dict("records"):
        kpi = by_type[row["message_type"]]
        assert row["accepted_sends"] == kpi["accepted"]
        for column in GA4_COLUMNS:
            want, have = kpi[column], row[column]
            assert (want is None and pd.isna(have)) or have == pytest.approx(want), (row["message_type"], column)
    oc = reconciled.set_index("message_type").loc[OC]
    assert (oc["link_orders"], oc["ga4_transactions"], oc["order_difference"], oc["days_differing"], oc["days"]) == (2, 2, 0, 2, 2)
