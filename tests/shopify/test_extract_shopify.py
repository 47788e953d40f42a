"""``extract shopify`` against the Shopify simulator over loopback: the orders land as the file
loader would land the same orders, reruns change nothing, changes are picked up, every fault ends
with a clear message and nothing half-landed."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from lrreport.config import Secret, Settings
from lrreport.extract.loading import load_files
from lrreport.extract.shopify import extract_shopify, state_source
from lrreport.extract.shopify_bulk import BulkOperationFailed, DownloadCut
from lrreport.extract.shopify_client import ShopifyAuthError, ShopifyError
from lrreport.sim.shopify_server import RunningShopify
from tests.shopify.conftest import query

# Columns both paths fill; net refunds compared with the loader's rule (a refunded order without
# refunded_total is fully refunded), since Shopify always states the refunded amount.
COMPARED = """
    order_id, ordered_at, order_total, phone_number, email, currency, status,
    coalesce(refunded_total, CASE WHEN status = 'refunded' THEN order_total ELSE 0 END) AS refunded,
    landing_url, utm_source, utm_medium, utm_campaign, utm_content, shipped_at, delivered_at
"""


def run(settings: Settings, sim: RunningShopify, **kwargs):
    return extract_shopify(settings, Secret(sim.token), **kwargs)


def snapshot(settings: Settings) -> tuple:
    db = settings.database_path
    return (
        query(db, "SELECT * FROM raw.orders ORDER BY order_id"),
        query(db, "SELECT count(*) FROM meta.rejects"),
        query(db, "SELECT value FROM meta.extract_state WHERE source LIKE 'shopify.%'"),
    )


def nothing_landed(settings: Settings) -> bool:
    db = settings.database_path
    if not db.exists():
        return True
    return query(db, "SELECT count(*) FROM raw.orders") == [(0,)] and not query(
        db, "SELECT * FROM meta.extract_state WHERE source LIKE 'shopify.%'"
    )


def test_orders_land_exactly_as_the_orders_file_would(
    settings: Settings, shop: RunningShopify, orders_file: Path, tmp_path: Path
) -> None:
    result = run(settings, shop)
    with orders_file.open() as f:
        rows = list(csv.DictReader(f))
    assert result.load is not None and result.load.ok
    assert result.operation.status == "COMPLETED"
    assert result.load.rows_loaded == len(rows) == shop.store.count()
    assert result.bytes_downloaded == result.operation.file_size

    reference = load_files(
        settings.with_database(tmp_path / "from-file.duckdb"), "orders", [str(orders_file)]
    )
    assert reference.rows_loaded == len(rows)
    db = settings.database_path
    from_shopify = query(db, f"SELECT {COMPARED} FROM raw.orders ORDER BY order_id")
    from_file = query(tmp_path / "from-file.duckdb", f"SELECT {COMPARED} FROM raw.orders ORDER BY order_id")
    assert from_shopify == from_file

    # Shopify adds the shop's order name and the visit's time: the simulator dates each visit 2 to
    # 51 minutes before its order, and orders without a landing page have no visit.
    first = rows[0]
    name, visited, ordered, landing = query(
        db,
        "SELECT order_name, visited_at, ordered_at, landing_url FROM raw.orders WHERE order_id = ?",
        [first["order_id"]],
    )[0]
    assert name == "#" + first["order_id"]
    assert (visited is None) == (landing is None)
    gaps = query(
        db,
        "SELECT min(ordered_at - visited_at), max(ordered_at - visited_at), "
        "count(*) FILTER (WHERE visited_at IS NULL AND landing_url IS NOT NULL) FROM raw.orders",
    )[0]
    assert gaps[0].total_seconds() >= 120 and gaps[1].total_seconds() <= 51 * 60 and gaps[2] == 0
    assert ordered is not None


def test_rerun_changes_nothing_and_reads_only_the_look_back_window(
    settings: Settings, shop: RunningShopify
) -> None:
    run(settings, shop)
    before = snapshot(settings)
    # the merchant's history ended 2026-11-15: no order changed in the last 3 days
    again = run(settings, shop)
    saved = datetime.fromisoformat(before[2][0][0])
    assert again.since == saved - timedelta(days=3)
    assert f"updated_at:>='{again.since:%Y-%m-%dT%H:%M:%SZ}'" in list(shop.shop.operations.values())[-1].query
    assert again.operation.root_object_count == 0 and again.load is None
    # every order again: all unchanged, nothing rewritten
    full = run(settings, shop, full=True)
    assert full.load is not None
    assert (full.load.rows_loaded, full.load.replaced, full.load.unchanged) == (0, 0, shop.store.count())
    after = snapshot(settings)
    assert after[0] == before[0] and after[1] == before[1]


def test_a_refund_in_the_shop_reaches_the_warehouse_on_the_next_run(
    settings: Settings, shop: RunningShopify
) -> None:
    run(settings, shop)
    name = shop.store.names(1)[0]
    order_id = name.removeprefix("#")
    (total,) = query(
        settings.database_path, "SELECT order_total FROM raw.orders WHERE order_id = ?", [order_id]
    )[0]
    # refund $10.00 now: PARTIALLY_REFUNDED maps to refunded, the net is total - 10.00
    shop.store.refund(name, "10.00", datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    again = run(settings, shop)
    assert again.load is not None and again.load.replaced == 1 and again.load.rows_loaded == 1
    status, refunded = query(
        settings.database_path, "SELECT status, refunded_total FROM raw.orders WHERE order_id = ?", [order_id]
    )[0]
    assert status == "refunded" and refunded == Decimal("10.00")
    assert total - refunded == total - Decimal("10.00")


def test_throttled_answers_are_waited_out(settings: Settings, shop: RunningShopify) -> None:
    shop.faults.throttle = 3
    result = run(settings, shop)
    assert shop.shop.throttled == 3
    assert result.load is not None and result.load.rows_loaded == shop.store.count()


def test_a_failed_operation_says_why_and_lands_nothing(settings: Settings, shop: RunningShopify) -> None:
    shop.faults.fail = 1
    with pytest.raises(BulkOperationFailed, match=r"FAILED \(INTERNAL_SERVER_ERROR.*nothing was loaded"):
        run(settings, shop)
    assert nothing_landed(settings)
    assert run(settings, shop).load.rows_loaded == shop.store.count()  # type: ignore[union-attr]


def test_access_denied_operation_names_the_scope(settings: Settings, shop: RunningShopify) -> None:
    shop.faults.fail, shop.faults.fail_code = 1, "ACCESS_DENIED"
    with pytest.raises(ShopifyAuthError, match="read_orders"):
        run(settings, shop)
    assert nothing_landed(settings)


def test_an_expired_result_link_gets_one_fresh_operation(settings: Settings, shop: RunningShopify) -> None:
    shop.faults.expire = 1
    result = run(settings, shop)
    assert len(shop.shop.operations) == 2
    assert result.load is not None and result.load.rows_loaded == shop.store.count()


def test_a_result_that_keeps_expiring_stops_with_a_message(settings: Settings, shop: RunningShopify) -> None:
    shop.faults.expire = 2
    with pytest.raises(BulkOperationFailed, match="no longer valid.*7 days") as caught:
        run(settings, shop)
    assert caught.value.status == "EXPIRED"
    assert nothing_landed(settings)


def test_a_cut_download_resumes_where_it_stopped(settings: Settings, shop: RunningShopify) -> None:
    shop.faults.cut = 2
    result = run(settings, shop)
    size = result.operation.file_size
    assert size is not None
    # whole file, then the second half from byte size/2, then the last quarter: 2 cuts, 3 requests
    assert shop.shop.ranges == ["", f"bytes={size // 2}-", f"bytes={size // 2 + (size - size // 2) // 2}-"]
    assert result.load is not None and result.load.rows_loaded == shop.store.count()


def test_a_download_cut_every_time_lands_nothing(settings: Settings, shop: RunningShopify) -> None:
    shop.faults.cut = 99
    with pytest.raises(DownloadCut, match="cut at .* bytes after 4 attempts.*nothing was loaded"):
        run(settings, shop)
    assert nothing_landed(settings)


def test_a_wrong_token_is_refused_without_showing_it(settings: Settings, shop: RunningShopify) -> None:
    with pytest.raises(ShopifyAuthError) as caught:
        extract_shopify(settings, Secret("shpat_wrong_token_value"))
    assert "HTTP 401" in str(caught.value) and "shpat_wrong_token_value" not in str(caught.value)
    assert nothing_landed(settings)


def test_rejected_orders_over_the_limit_land_nothing_and_keep_the_state(
    shop: RunningShopify, orders_file: Path, tmp_path: Path
) -> None:
    from lrreport.sim.shopify_server import start_shopify
    from tests.shopify.conftest import settings_for

    # the same orders with one phone that is no phone number
    with orders_file.open() as f:
        rows = list(csv.DictReader(f))
    bad = next(r for r in rows if r["phone_number"])
    bad["phone_number"] = "call me"
    broken = tmp_path / "orders.csv"
    with broken.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    sim = start_shopify(broken)
    try:
        settings = settings_for(sim, tmp_path / "w.duckdb")
        result = run(settings, sim)
        assert result.load is not None and not result.load.ok
        assert result.load.rejected_rows == 1
        assert query(settings.database_path, "SELECT count(*) FROM raw.orders") == [(0,)]
        assert query(settings.database_path, "SELECT column_name, value FROM meta.rejects") == [
            ("phone_number", "call me")
        ]
        assert not query(settings.database_path, "SELECT * FROM meta.extract_state")
        from lrreport.extract.loading import RejectLimit

        tolerant = run(settings, sim, max_rejects=RejectLimit(count=1))
        assert tolerant.load is not None and tolerant.load.rows_loaded == len(rows) - 1
        assert query(settings.database_path, "SELECT source FROM meta.extract_state") == [
            (state_source(settings),)
        ]
    finally:
        sim.stop()


def test_an_operation_already_running_on_an_old_api_version_is_a_clear_error(
    settings: Settings, shop: RunningShopify
) -> None:
    from dataclasses import replace

    from lrreport.extract.shopify_bulk import start_bulk_query
    from lrreport.extract.shopify_client import ShopifyClient

    old = replace(settings.shopify, api_version="2025-10")
    with ShopifyClient(old, Secret(shop.token)) as client:
        start_bulk_query(client, "{ orders { edges { node { id } } } }")
        with pytest.raises(ShopifyError, match="OPERATION_IN_PROGRESS.*wait for them"):
            start_bulk_query(client, "{ orders { edges { node { id } } } }")
