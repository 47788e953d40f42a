"""Shopify's retries are logged as Shopify's: the retry transport names the service its caller gives."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from lrreport.config import Secret, ShopifySettings
from lrreport.extract.shopify_client import ShopifyClient


class _BusyOnce(BaseHTTPRequestHandler):
    """A GraphQL endpoint that answers its first request 503, then a small ``data``."""

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.calls += 1  # type: ignore[attr-defined]
        busy = self.server.calls == 1  # type: ignore[attr-defined]
        body = b"" if busy else json.dumps({"data": {"shop": {"name": "sim"}}}).encode()
        self.send_response(503 if busy else 200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def busy_once() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _BusyOnce)
    server.calls = 0  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_retried_shopify_request_is_logged_as_shopify(
    busy_once: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    settings = ShopifySettings(shop="sim", base_url=busy_once, timeout_s=5.0)
    with ShopifyClient(settings, Secret("shpat_test"), sleep=lambda s: None) as client:
        assert client.query("{ shop { name } }") == {"shop": {"name": "sim"}}
    retries = [r.getMessage() for r in caplog.records if "retry 1 of" in r.getMessage()]
    assert len(retries) == 1
    assert retries[0].startswith("Shopify POST /admin/api/2026-10/graphql.json failed with HTTP 503")
