"""Real order exports load: offsets in their many spellings, a source zone, slash dates, money as
exports write it, status words mapped, and a Shopify admin CSV export with --preset shopify."""

from __future__ import annotations

import csv
import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from tests.load.conftest import Warehouse, order_row, write_rows

# The columns of Shopify admin's orders export (Orders > Export > CSV), in its order.
SHOPIFY_HEADER = [
    "Name",
    "Email",
    "Financial Status",
    "Paid at",
    "Fulfillment Status",
    "Fulfilled at",
    "Accepts Marketing",
    "Currency",
    "Subtotal",
    "Shipping",
    "Taxes",
    "Total",
    "Discount Code",
    "Discount Amount",
    "Shipping Method",
    "Created at",
    "Lineitem quantity",
    "Lineitem name",
    "Lineitem price",
    "Billing Phone",
    "Shipping Phone",
    "Cancelled at",
    "Refunded Amount",
    "Id",
    "Phone",
]


def _shopify_row(**values: str) -> list[str]:
    return [values.get(c, "") for c in SHOPIFY_HEADER]


def test_shopify_admin_export_loads_with_the_preset(wh: Warehouse, tmp_path: Path) -> None:
    path = tmp_path / "orders_export_1.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(SHOPIFY_HEADER)
        # #1001: paid, two line items (the second row carries only the line item), shipped
        w.writerow(
            _shopify_row(
                **{
                    "Name": "#1001",
                    "Email": "a@example.com",
                    "Financial Status": "paid",
                    "Currency": "USD",
                    "Total": "1,234.50",
                    "Created at": "2026-11-20 10:15:00 -0500",
                    "Fulfilled at": "2026-11-21 08:00:00 -0500",
                    "Lineitem name": "Mug",
                    "Shipping Phone": "(215) 555-0134",
                    "Id": "5550001",
                    "Refunded Amount": "0.00",
                }
            )
        )
        w.writerow(_shopify_row(Name="#1001", **{"Lineitem name": "Tea"}))
        # #1002: voided -> cancelled; #1003: partially refunded; #1004: paid but cancelled later
        w.writerow(
            _shopify_row(
                **{
                    "Name": "#1002",
                    "Financial Status": "voided",
                    "Total": "$20.00",
                    "Created at": "2026-11-20 11:00:00 -0500",
                    "Id": "5550002",
                    "Phone": "+1 215 555 0199",
                }
            )
        )
        w.writerow(
            _shopify_row(
                **{
                    "Name": "#1003",
                    "Financial Status": "partially_refunded",
                    "Total": "80.00",
                    "Refunded Amount": "30.00",
                    "Created at": "2026-11-22 09:30:00 +0100",
                    "Id": "5550003",
                }
            )
        )
        w.writerow(
            _shopify_row(
                **{
                    "Name": "#1004",
                    "Financial Status": "paid",
                    "Total": "15.00",
                    "Created at": "2026-11-23 12:00:00 -0500",
                    "Cancelled at": "2026-11-23 13:00:00 -0500",
                    "Id": "5550004",
                }
            )
        )
    result = wh.run("load", "orders", "--preset", "shopify", str(path))
    assert result.exit_code == 0, result.output
    assert re.search(r"line-item rows folded into their order\s+1\b", result.output)
    assert re.search(r"older versions in batch\s+0\b", result.output)
    got = wh.query(
        "SELECT order_id, order_name, ordered_at, order_total, status, refunded_total, phone_number, "
        "shipped_at, cancelled_at IS NOT NULL FROM raw.orders ORDER BY order_id"
    )
    assert got == [
        # 10:15 at -05:00 is 15:15 UTC; the phone from Shipping Phone (Phone and Billing Phone empty)
        (
            "1001",
            "#1001",
            datetime(2026, 11, 20, 15, 15, tzinfo=UTC),
            Decimal("1234.50"),
            "placed",
            Decimal("0.00"),
            "+12155550134",
            datetime(2026, 11, 21, 13, 0, tzinfo=UTC),
            False,
        ),
        (
            "1002",
            "#1002",
            datetime(2026, 11, 20, 16, 0, tzinfo=UTC),
            Decimal("20.00"),
            "cancelled",
            None,
            "+12155550199",
            None,
            False,
        ),
        # 09:30 at +01:00 is 08:30 UTC
        (
            "1003",
            "#1003",
            datetime(2026, 11, 22, 8, 30, tzinfo=UTC),
            Decimal("80.00"),
            "refunded",
            Decimal("30.00"),
            None,
            None,
            False,
        ),
        (
            "1004",
            "#1004",
            datetime(2026, 11, 23, 17, 0, tzinfo=UTC),
            Decimal("15.00"),
            "cancelled",
            None,
            None,
            None,
            True,
        ),
    ]
    # 5 data rows in: 4 orders + 1 line-item row folded, nothing rejected
    assert wh.query("SELECT rows_in, rows_loaded, rows_rejected FROM meta.loads") == [(5, 4, 0)]


def test_timestamp_spellings_source_zone_and_date_order(wh: Warehouse, tmp_path: Path) -> None:
    (tmp_path / "lrreport.toml").write_text(
        '[load]\nsource_timezone = "America/New_York"\ndate_order = "DMY"\n'
        '[load.order_statuses]\n"Shipped" = "placed"\n',
        encoding="utf-8",
    )
    rows = [
        order_row(1, ordered_at="2026-11-20T10:15:00+01:00"),  # 09:15 UTC
        order_row(2, ordered_at="2026-11-20 10:15:00 -0500"),  # 15:15 UTC
        order_row(3, ordered_at="2026-11-20 10:15:00 PDT"),  # -07:00: 17:15 UTC
        order_row(4, ordered_at="2026-11-20 10:15:00 Europe/Paris"),  # +01:00 in November: 09:15 UTC
        order_row(5, ordered_at="2026-11-20 10:15:00"),  # no offset: New York, -05:00: 15:15 UTC
        order_row(
            6, ordered_at="03/04/2026 10:15 PM"
        ),  # DMY: 3 April, New York (EDT -04:00): 02:15 UTC next day
        order_row(7, ordered_at="2026-11-20T10:15:00Z", status="Shipped"),
    ]
    write_rows(tmp_path / "o.csv", rows)
    result = wh.run("load", "orders", str(tmp_path / "o.csv"))  # ./lrreport.toml is read
    assert result.exit_code == 0, result.output
    got = dict(wh.query("SELECT order_id, ordered_at FROM raw.orders"))
    assert got == {
        "LR1000001": datetime(2026, 11, 20, 9, 15, tzinfo=UTC),
        "LR1000002": datetime(2026, 11, 20, 15, 15, tzinfo=UTC),
        "LR1000003": datetime(2026, 11, 20, 17, 15, tzinfo=UTC),
        "LR1000004": datetime(2026, 11, 20, 9, 15, tzinfo=UTC),
        "LR1000005": datetime(2026, 11, 20, 15, 15, tzinfo=UTC),
        "LR1000006": datetime(2026, 4, 4, 2, 15, tzinfo=UTC),
        "LR1000007": datetime(2026, 11, 20, 10, 15, tzinfo=UTC),
    }
    assert wh.scalar("SELECT status FROM raw.orders WHERE order_id = 'LR1000007'") == "placed"


def test_money_as_exports_write_it(wh: Warehouse, tmp_path: Path) -> None:
    amounts = ["$1,234.50", "1.234,50 €", "EUR 12,50", "1 234,50", "£7", "USD 99.99", "0.5"]
    want = ["1234.50", "1234.50", "12.50", "1234.50", "7.00", "99.99", "0.50"]
    write_rows(tmp_path / "o.csv", [order_row(i, order_total=a) for i, a in enumerate(amounts)])
    result = wh.run("load", "orders", str(tmp_path / "o.csv"))
    assert result.exit_code == 0, result.output
    got = [str(v) for (v,) in wh.query("SELECT order_total FROM raw.orders ORDER BY order_id")]
    assert got == want


def test_implausible_years_and_a_date_alone_are_rejected_saying_why(wh: Warehouse, tmp_path: Path) -> None:
    rows = [
        order_row(1, ordered_at="9999-12-31T00:00:00Z"),
        order_row(2, ordered_at="0001-01-01T00:00:00Z"),
        order_row(3, ordered_at="2026-11-20"),
        order_row(4),
    ]
    write_rows(tmp_path / "o.csv", rows)
    result = wh.run("load", "orders", str(tmp_path / "o.csv"), "--max-rejects", "3")
    assert result.exit_code == 0, result.output
    reasons = wh.query("SELECT line, reason FROM meta.rejects ORDER BY line")
    assert reasons == [
        (2, "implausible year 9999 (accepted: 2000-2100, settings load.earliest_year / load.latest_year)"),
        (3, "implausible year 1 (accepted: 2000-2100, settings load.earliest_year / load.latest_year)"),
        (4, "a date without a time of day (a date alone is not read as midnight: give the time)"),
    ]
    assert wh.scalar("SELECT count(*) FROM raw.orders") == 1


def test_an_extractor_lands_rows_it_holds_through_the_same_rules(wh: Warehouse) -> None:
    """load_rows: what the Shopify extractor calls with the orders it parsed from a bulk download."""
    import pyarrow as pa

    from lrreport.config import Settings
    from lrreport.extract.loading import RejectLimit, load_rows

    rows = pa.table(
        {
            "order_id": ["gid-1", "gid-2", "gid-3"],
            "order_name": ["#1001", "#1002", "#1003"],
            "ordered_at": pa.array(
                [datetime(2026, 11, 20, 15, 15, tzinfo=UTC), datetime(2026, 11, 21, tzinfo=UTC), None],
                pa.timestamp("ms", tz="UTC"),
            ),
            "order_total": ["12.00", "13.50", "9.00"],
            "status": ["paid", "voided", "paid"],
        }
    )
    settings = Settings().with_database(wh.path)
    result = load_rows(settings, "orders", rows, "shopify:bulk/42", max_rejects=RejectLimit(count=1))
    assert (result.rows_in, result.rows_loaded, result.rejected_rows) == (3, 2, 1)
    assert wh.query("SELECT order_id, ordered_at, status, _source_file FROM raw.orders ORDER BY 1") == [
        ("gid-1", datetime(2026, 11, 20, 15, 15, tzinfo=UTC), "placed", "shopify:bulk/42"),
        ("gid-2", datetime(2026, 11, 21, tzinfo=UTC), "cancelled", "shopify:bulk/42"),
    ]
    # the third row (row number 3) has no order time
    assert wh.query("SELECT file, line, column_name, reason FROM meta.rejects") == [
        ("shopify:bulk/42", 3, "ordered_at", "missing value")
    ]


def test_a_status_mapped_to_no_known_status_is_refused(wh: Warehouse, tmp_path: Path) -> None:
    (tmp_path / "lrreport.toml").write_text('[load.order_statuses]\n"Shipped" = "sent"\n', encoding="utf-8")
    write_rows(tmp_path / "o.csv", [order_row(1)])
    result = wh.run("load", "orders", str(tmp_path / "o.csv"))
    assert result.exit_code == 1
    want = "order_statuses: shipped = 'sent': map each word to one of placed, cancelled, refunded"
    assert want in result.output
