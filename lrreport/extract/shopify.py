"""``extract shopify``: the shop's orders through a bulk query operation, landed by the orders loader.

One run: ask for the orders updated since the last run (less ``[extract] lookback_days``: refunds,
cancellations and deliveries change old orders), wait for Shopify's bulk operation, stream its JSONL
to a temporary folder, turn it into the orders loader's columns (queries/extract/shopify_orders.sql)
as a Parquet file and load that through ``lrreport.extract.loading``: the same validation, rejects,
one-transaction landing and newest-version-wins as a file load. Only after that load has committed
is the new state saved, so a run killed at any point lands all of its orders or none, and the next
run reads the same window again (reloading unchanged orders changes nothing).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from lrreport.config import Secret, Settings
from lrreport.extract.loading import LoadResult, RejectLimit, load_files
from lrreport.extract.shopify_bulk import (
    BulkOperation,
    BulkOperationFailed,
    download,
    start_bulk_query,
    wait_for,
)
from lrreport.extract.shopify_client import ShopifyClient, ShopifyError
from lrreport.sqlfiles import read_sql
from lrreport.warehouse.db import connect

Progress = Callable[[str], None]

# What is read of each order (Order.fulfillments is a list, so the bulk result inlines it in the
# order's own line). The filter is Shopify's search syntax on updated_at.
ORDERS_QUERY = """
{
  orders%(filter)s {
    edges {
      node {
        id name createdAt processedAt updatedAt cancelledAt cancelReason
        displayFinancialStatus currencyCode
        totalPriceSet { shopMoney { amount currencyCode } }
        totalRefundedSet { shopMoney { amount currencyCode } }
        phone email
        customer { phone email }
        shippingAddress { phone }
        customerJourneySummary {
          lastVisit {
            occurredAt landingPage
            utmParameters { source medium campaign content }
          }
        }
        fulfillments { createdAt deliveredAt status }
      }
    }
  }
}
"""


@dataclass(frozen=True)
class ShopifyExtractResult:
    """What a run did, for the summary and tests."""

    shop: str
    since: datetime | None  # the updated_at the query asked from; None: every order
    operation: BulkOperation
    bytes_downloaded: int
    load: LoadResult | None  # None when the operation found no order
    duration_s: float


def state_source(settings: Settings) -> str:
    """``meta.extract_state.source`` of this shop's orders."""
    return f"shopify.orders.{settings.shopify.shop or settings.shopify.base_url}"


def orders_query(since: datetime | None) -> str:
    """The bulk query for the orders updated at or after ``since`` (all orders for None)."""
    if since is None:
        return ORDERS_QUERY % {"filter": ""}
    stamp = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return ORDERS_QUERY % {"filter": f"(query: \"updated_at:>='{stamp}'\")"}


# meta.extract_state is read and written with the same statements as Listrak's state.
def _saved_since(settings: Settings) -> datetime | None:
    con = connect(settings, create=True)
    try:
        row = con.execute(
            read_sql("extract/state_get"), [state_source(settings), "updated_at"]
        ).fetchone()
    finally:
        con.close()
    return datetime.fromisoformat(row[0]) if row and row[0] else None


def _save_state(settings: Settings, reached: datetime) -> None:
    con = connect(settings, create=True)
    try:
        con.execute(
            read_sql("extract/state_set"), [state_source(settings), "updated_at", reached.isoformat()]
        )
    finally:
        con.close()


def jsonl_to_orders_parquet(jsonl: Path, parquet: Path) -> int:
    """Turn a bulk result into the orders loader's columns as Parquet; returns the order count."""
    con = duckdb.connect()
    try:
        con.execute(read_sql("load/no_progress_bar"))
        con.execute("SET VARIABLE shopify_jsonl = ?", [str(jsonl)])
        con.sql(read_sql("extract/shopify_orders")).write_parquet(str(parquet), compression="zstd")
        return con.execute("SELECT count(*) FROM read_parquet(?)", [str(parquet)]).fetchone()[0]  # type: ignore[index]
    except duckdb.Error as exc:
        raise ShopifyError(f"the bulk result {jsonl.name} cannot be read as orders JSONL: {exc}") from None
    finally:
        con.close()


def extract_shopify(
    settings: Settings,
    token: Secret,
    *,
    since: datetime | None = None,
    full: bool = False,
    max_rejects: RejectLimit | None = None,
    progress: Progress | None = None,
) -> ShopifyExtractResult:
    """Extract the shop's orders into ``raw.orders`` (incremental unless ``full`` or ``since``)."""
    t0 = time.perf_counter()
    say = progress or (lambda _: None)
    if since is None and not full:
        saved = _saved_since(settings)
        since = saved - timedelta(days=settings.extract.lookback_days) if saved else None
    cfg = settings.shopify
    with (
        ShopifyClient(cfg, token) as client,
        tempfile.TemporaryDirectory(prefix="lrreport-shopify-") as tmp,
    ):
        query = orders_query(since)
        for attempt in (1, 2):  # a result link that expired before the download: one fresh operation
            say(
                f"starting a bulk query for orders updated since {since:%Y-%m-%d %H:%M %Z}"
                if since
                else "starting a bulk query for every order"
            )
            operation = wait_for(
                client,
                start_bulk_query(client, query),
                poll_s=cfg.poll_interval_s,
                max_wait_s=cfg.max_wait_s,
                progress=lambda op: say(
                    f"bulk operation {op.status.lower()}: {op.root_object_count:,} orders"
                ),
            )
            jsonl = Path(tmp) / "bulk.jsonl"
            size = 0
            if not operation.url:  # no url: the query matched no order
                break
            say(f"downloading {operation.file_size or 0:,} bytes")
            try:
                size = download(operation.url, jsonl, operation.file_size, timeout_s=cfg.timeout_s)
                break
            except BulkOperationFailed as exc:
                if exc.status != "EXPIRED" or attempt == 2:
                    raise
                say(f"{exc}; starting a new bulk operation")
        # Shopify dates the operation when it started: orders changed while it ran are in this
        # result or, at the latest, in the next run's window.
        reached = datetime.fromisoformat(operation.created_at.replace("Z", "+00:00"))
        loaded: LoadResult | None = None
        if size:
            parquet = Path(tmp) / f"shopify-orders-{operation.id.rsplit('/', 1)[-1]}.parquet"
            say(f"joining {operation.root_object_count:,} orders")
            jsonl_to_orders_parquet(jsonl, parquet)
            jsonl.unlink()
            say("loading through the orders loader")
            loaded = load_files(settings, "orders", [str(parquet)], max_rejects=max_rejects)
        if loaded is None or loaded.ok:
            _save_state(settings, reached)
    return ShopifyExtractResult(
        shop=cfg.shop or cfg.base_url,
        since=since,
        operation=operation,
        bytes_downloaded=size,
        load=loaded,
        duration_s=time.perf_counter() - t0,
    )
