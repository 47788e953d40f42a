"""Shopify bulk query operations: start one, poll it to the end, download its JSONL result.

``bulkOperationRunQuery`` starts the operation; ``node(id:)`` is polled (it works in every API
version, unlike ``currentBulkOperation``) until the status is final. The result is streamed to disk
(a result can be gigabytes), resumed with an HTTP ``Range`` request when the connection is cut, and
checked against the operation's ``fileSize`` before anyone reads it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from lrreport.extract.shopify_client import ShopifyAuthError, ShopifyClient, ShopifyError

log = logging.getLogger(__name__)

DOWNLOAD_ATTEMPTS = 4  # tries at the result file, each resuming where the last one was cut

_OPERATION_FIELDS = """
      id status errorCode createdAt completedAt objectCount rootObjectCount fileSize url partialDataUrl
"""
RUN_MUTATION = (
    """
mutation lrreportBulkRun($query: String!) {
  bulkOperationRunQuery(query: $query) {
    bulkOperation {"""
    + _OPERATION_FIELDS
    + """    }
    userErrors { field message code }
  }
}
"""
)
POLL_QUERY = (
    """
query lrreportBulkPoll($id: ID!) {
  node(id: $id) {
    ... on BulkOperation {"""
    + _OPERATION_FIELDS
    + """    }
  }
}
"""
)

FINAL = frozenset({"COMPLETED", "FAILED", "CANCELED", "EXPIRED"})


class BulkOperationFailed(ShopifyError):
    """The operation ended FAILED, CANCELED or EXPIRED, or never ended in time."""

    def __init__(self, message: str, status: str) -> None:
        super().__init__(message)
        self.status = status


class DownloadCut(ShopifyError):
    """The result file could not be downloaded whole."""


@dataclass(frozen=True)
class BulkOperation:
    """A bulk operation as Shopify reports it."""

    id: str
    status: str
    error_code: str | None
    created_at: str
    completed_at: str | None
    object_count: int
    root_object_count: int
    file_size: int | None
    url: str | None

    @classmethod
    def from_api(cls, raw: dict[str, Any]) -> BulkOperation:
        size = raw.get("fileSize")
        return cls(
            id=raw["id"],
            status=raw["status"],
            error_code=raw.get("errorCode"),
            created_at=raw["createdAt"],
            completed_at=raw.get("completedAt"),
            object_count=int(raw.get("objectCount") or 0),
            root_object_count=int(raw.get("rootObjectCount") or 0),
            file_size=int(size) if size is not None else None,
            url=raw.get("url"),
        )


def start_bulk_query(client: ShopifyClient, query: str) -> BulkOperation:
    """Start a bulk query; Shopify's userErrors (a bad query, too many running) become a clear error."""
    payload = client.query(RUN_MUTATION, {"query": query})["bulkOperationRunQuery"]
    errors = payload.get("userErrors") or []
    if errors:
        text = "; ".join(f"{e.get('code') or 'ERROR'}: {e.get('message')}" for e in errors)
        hint = (
            " (other bulk queries of this app are still running: wait for them to finish)"
            if any(e.get("code") in ("OPERATION_IN_PROGRESS", "LIMIT_REACHED") for e in errors)
            else ""
        )
        raise ShopifyError(f"Shopify did not start the bulk query: {text}{hint}")
    return BulkOperation.from_api(payload["bulkOperation"])


def wait_for(
    client: ShopifyClient,
    operation: BulkOperation,
    *,
    poll_s: float,
    max_wait_s: float,
    progress: Callable[[BulkOperation], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> BulkOperation:
    """Poll until the operation is COMPLETED; FAILED, CANCELED, EXPIRED or a timeout raise."""
    started = clock()
    while operation.status not in FINAL:
        if clock() - started > max_wait_s:
            raise BulkOperationFailed(
                f"bulk operation {operation.id} still {operation.status} after {max_wait_s:.0f} s; "
                "nothing was loaded (raise [shopify] max_wait_s for very large shops)",
                "TIMEOUT",
            )
        sleep(poll_s)
        node = client.query(POLL_QUERY, {"id": operation.id}).get("node")
        if not node:
            raise ShopifyError(f"Shopify no longer knows bulk operation {operation.id}")
        operation = BulkOperation.from_api(node)
        if progress is not None:
            progress(operation)
    if operation.status == "FAILED":
        why = {
            "ACCESS_DENIED": "the app lacks a scope the query needs (read_orders, and protected "
            "customer data access for visits, phones and emails)",
            "INTERNAL_SERVER_ERROR": "an internal error at Shopify; running again usually works",
            "TIMEOUT": "the query timed out at Shopify; running again usually works",
        }.get(operation.error_code or "", "no reason given")
        message = f"bulk operation {operation.id} FAILED ({operation.error_code}: {why}); nothing was loaded"
        if operation.error_code == "ACCESS_DENIED":
            raise ShopifyAuthError(message)
        raise BulkOperationFailed(message, "FAILED")
    if operation.status != "COMPLETED":
        raise BulkOperationFailed(
            f"bulk operation {operation.id} ended {operation.status}; nothing was loaded", operation.status
        )
    return operation


def download(
    url: str,
    dest: Path,
    expected_size: int | None,
    *,
    timeout_s: float = 60.0,
    progress: Callable[[int], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Stream ``url`` into ``dest``; a cut connection resumes with ``Range``; returns the bytes written.

    The result URL is a signed storage link, so no token is sent with it. A file that ends short of
    ``expected_size`` after every attempt raises :class:`DownloadCut`; an expired link raises
    :class:`BulkOperationFailed` with status ``EXPIRED``.
    """
    have = 0
    last_error = ""
    with dest.open("wb") as out, httpx.Client(timeout=httpx.Timeout(timeout_s, connect=10.0)) as http:
        for attempt in range(1, DOWNLOAD_ATTEMPTS + 1):
            headers = {"Accept-Encoding": "identity", **({"Range": f"bytes={have}-"} if have else {})}
            try:
                with http.stream("GET", url, headers=headers) as response:
                    if response.status_code in (400, 401, 403, 404, 410):
                        raise BulkOperationFailed(
                            f"the bulk operation's result link is no longer valid (HTTP "
                            f"{response.status_code}; Shopify keeps results for 7 days)",
                            "EXPIRED",
                        )
                    if response.status_code >= 500:
                        raise httpx.RemoteProtocolError(f"HTTP {response.status_code}")
                    if have and response.status_code != 206:  # no resume offered: start over
                        out.seek(0)
                        out.truncate()
                        have = 0
                    for chunk in response.iter_bytes():
                        out.write(chunk)
                        have += len(chunk)
                        if progress is not None:
                            progress(have)
                if expected_size is None or have >= expected_size:
                    break
                last_error = "the connection ended early"
            except httpx.HTTPError as exc:
                last_error = f"{type(exc).__name__}: {exc}"
            log.info("result download cut at %d bytes (%s); attempt %d", have, last_error, attempt)
            if attempt < DOWNLOAD_ATTEMPTS:
                sleep(min(8.0, 0.5 * 2 ** (attempt - 1)))
        else:
            raise DownloadCut(
                f"the bulk result download was cut at {have:,} of {expected_size or 0:,} bytes after "
                f"{DOWNLOAD_ATTEMPTS} attempts ({last_error}); nothing was loaded"
            )
    if expected_size is not None and have != expected_size:
        raise DownloadCut(f"the bulk result has {have:,} bytes, Shopify announced {expected_size:,}")
    return have
