"""A small client for Shopify's Admin GraphQL API: one POST per query, cost throttling honoured.

Transport failures (dropped connections, 5xx, HTTP 429 with ``Retry-After``) are retried by the
same retry transport the Listrak client uses. A GraphQL answer whose ``errors`` carry
``extensions.code = "THROTTLED"`` is waited out from its ``extensions.cost.throttleStatus``: the
points the query asked for, less those available, at the bucket's restore rate. The access token
travels only in the ``X-Shopify-Access-Token`` header and never appears in a message.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import httpx

from lrreport._exceptions import LrreportError
from lrreport.config import Secret, ShopifySettings
from lrreport.listrak.retry import EXT_POLICY, RetryPolicy, RetryTransport

log = logging.getLogger(__name__)

MAX_THROTTLED_WAITS = 20  # THROTTLED answers in a row before giving up


class ShopifyError(LrreportError):
    """Shopify refused or failed a request; the message says what to do."""


class ShopifyAuthError(ShopifyError):
    """The access token was rejected or lacks a scope."""


def shop_base_url(settings: ShopifySettings) -> str:
    """``https://{shop}.myshopify.com`` from ``[shopify] shop``, or ``base_url`` when set."""
    if settings.base_url:
        return settings.base_url.rstrip("/")
    shop = settings.shop.strip().removeprefix("https://").removesuffix("/")
    if not shop:
        raise ShopifyError("no shop configured: set [shopify] shop (e.g. my-store or my-store.myshopify.com)")
    return f"https://{shop if '.' in shop else shop + '.myshopify.com'}"


def throttle_wait(body: dict[str, Any]) -> float | None:
    """Seconds to wait before repeating a THROTTLED query, or None when the answer is not THROTTLED.

    ``(requestedQueryCost - currentlyAvailable) / restoreRate``, at least a tenth of a second; one
    second when the answer carries no cost figures.
    """
    errors = body.get("errors") or []
    if not any((e.get("extensions") or {}).get("code") == "THROTTLED" for e in errors):
        return None
    cost = (body.get("extensions") or {}).get("cost") or {}
    status = cost.get("throttleStatus") or {}
    try:
        need = float(cost["requestedQueryCost"]) - float(status["currentlyAvailable"])
        return max(0.1, need / float(status["restoreRate"]))
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return 1.0


class ShopifyClient:
    """POSTs GraphQL documents to ``{base}/admin/api/{version}/graphql.json``."""

    def __init__(
        self,
        settings: ShopifySettings,
        token: Secret,
        *,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.endpoint = f"{shop_base_url(settings)}/admin/api/{settings.api_version}/graphql.json"
        self._sleep = sleep
        inner = transport or httpx.HTTPTransport()
        self.http = httpx.Client(
            transport=RetryTransport(
                inner, RetryPolicy(deadline_s=settings.timeout_s * 5), sleep=sleep, service="Shopify"
            ),
            timeout=httpx.Timeout(settings.timeout_s, connect=10.0),
            headers={"X-Shopify-Access-Token": token.reveal(), "Content-Type": "application/json"},
            follow_redirects=False,
        )

    def __enter__(self) -> ShopifyClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.http.close()

    def query(self, document: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The ``data`` of a GraphQL answer; THROTTLED answers are waited out, other errors raise."""
        payload = {"query": document, "variables": variables or {}}
        for _ in range(MAX_THROTTLED_WAITS):
            body = self._post(payload)
            wait = throttle_wait(body)
            if wait is None:
                errors = body.get("errors")
                if errors:
                    text = "; ".join(str(e.get("message", e)) for e in errors)
                    if any((e.get("extensions") or {}).get("code") == "ACCESS_DENIED" for e in errors):
                        raise ShopifyAuthError(f"Shopify denied access: {text} (the app needs read_orders)")
                    raise ShopifyError(f"Shopify answered with errors: {text}")
                return body.get("data") or {}
            log.info("Shopify throttled the query; waiting %.1f s for the cost bucket to refill", wait)
            self._sleep(wait)
        raise ShopifyError(
            f"Shopify kept throttling the query ({MAX_THROTTLED_WAITS} THROTTLED answers in a row); "
            "another app may be using this shop's API budget: try again later"
        )

    def _post(self, payload: dict[str, Any]) -> dict[str, Any]:
        try:
            response = self.http.post(self.endpoint, json=payload, extensions={EXT_POLICY: "send-retry"})
        except httpx.HTTPError as exc:
            raise ShopifyError(
                f"cannot reach Shopify at {self.endpoint}: {type(exc).__name__}: {exc}"
            ) from None
        if response.status_code in (401, 403):
            raise ShopifyAuthError(
                f"Shopify rejected the access token (HTTP {response.status_code}) for {self.endpoint}: "
                "check SHOPIFY_ACCESS_TOKEN, the shop, and that the app is installed"
            )
        if response.status_code == 429:
            raise ShopifyError("Shopify kept answering HTTP 429 (too many requests): try again later")
        if response.status_code >= 400:
            raise ShopifyError(
                f"Shopify answered HTTP {response.status_code} for {self.endpoint}: {response.text[:300]}"
            )
        try:
            body = response.json()
        except ValueError:
            raise ShopifyError(
                f"Shopify's answer from {self.endpoint} is not JSON: {response.text[:200]}"
            ) from None
        if not isinstance(body, dict):
            raise ShopifyError(f"Shopify's answer from {self.endpoint} is not a JSON object")
        return body
