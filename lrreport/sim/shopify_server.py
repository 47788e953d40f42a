"""A Shopify Admin GraphQL endpoint on loopback with bulk query operations, for tests and the demo.

``POST /admin/api/{version}/graphql.json`` (header ``X-Shopify-Access-Token``) answers
``bulkOperationRunQuery``, ``node(id:)``, ``bulkOperation(id:)`` and ``currentBulkOperation``, with
the cost extension of every answer and a leaky bucket behind it. An operation goes CREATED ->
RUNNING -> COMPLETED while a background thread writes its JSONL; the result is served from a
signed-looking URL on the same port, with ``Range`` support. Faults are switched on per test:
THROTTLED answers, a FAILED operation, an EXPIRED one, a download cut mid-way, a slow download.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hmac
import json
import logging
import secrets
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from graphql import GraphQLError, parse
from graphql.language import (
    DocumentNode,
    FieldNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    VariableNode,
)

from lrreport.sim.shopify_store import ORDER_FIELDS, QueryError, ShopifyStore, projection, search_filter

log = logging.getLogger(__name__)

DEFAULT_TOKEN = "shpat_sim_not_a_real_token"  # the simulator's own made-up token
BUCKET_MAX = 2000.0
RESTORE_RATE = 100.0  # points a second
COST = {"bulkOperationRunQuery": 10, "node": 1, "bulkOperation": 1, "currentBulkOperation": 1}


@dataclass
class ShopifyFaults:
    """Faults to inject; each counter is used up as it fires."""

    throttle: int = 0  # GraphQL answers that come back THROTTLED
    fail: int = 0  # operations that end FAILED with ``fail_code``
    fail_code: str = "INTERNAL_SERVER_ERROR"
    expire: int = 0  # operations whose result link has expired by the time it is fetched
    cut: int = 0  # result downloads cut after ``cut_fraction`` of the bytes
    cut_fraction: float = 0.5
    stall_s: float = 0.0  # a download pauses this long after half of the bytes (to kill a client)
    running_polls: int = 1  # polls that see RUNNING before COMPLETED


@dataclass
class _Operation:
    id: str
    query: str
    created_at: str
    status: str = "CREATED"
    error_code: str | None = None
    completed_at: str | None = None
    object_count: int = 0
    path: Path | None = None
    polls: int = 0
    ready: threading.Event = field(default_factory=threading.Event)
    signature: str = field(default_factory=lambda: secrets.token_hex(16))
    fail: str | None = None
    expire: bool = False

    def api(self, base_url: str) -> dict[str, Any]:
        done = self.status == "COMPLETED" and self.path is not None and self.object_count > 0
        size = self.path.stat().st_size if done and self.path else None
        url = f"{base_url}/bulk/{self.number}.jsonl?signature={self.signature}" if done else None
        return {
            "__typename": "BulkOperation",
            "id": self.id,
            "status": self.status,
            "errorCode": self.error_code,
            "createdAt": self.created_at,
            "completedAt": self.completed_at,
            "objectCount": str(self.object_count),
            "rootObjectCount": str(self.object_count),
            "fileSize": str(size) if size is not None else None,
            "url": url,
            "partialDataUrl": None,
            "query": self.query,
            "type": "QUERY",
        }

    @property
    def number(self) -> str:
        return self.id.rsplit("/", 1)[-1]


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def select(value: Any, selection: SelectionSetNode | None) -> Any:
    """Project a result dict on a GraphQL selection set (aliases and inline fragments honoured)."""
    if selection is None or value is None:
        return value
    if isinstance(value, list):
        return [select(v, selection) for v in value]
    out: dict[str, Any] = {}
    for node in selection.selections:
        if isinstance(node, InlineFragmentNode):
            on = node.type_condition.name.value if node.type_condition else None
            if on is None or value.get("__typename") == on:
                out.update(select(value, node.selection_set))
        elif isinstance(node, FieldNode):
            key = (node.alias or node.name).value
            out[key] = select(value.get(node.name.value), node.selection_set)
    return out


class _Shop:
    """Everything the handlers share."""

    def __init__(self, store: ShopifyStore, token: str, workdir: Path, faults: ShopifyFaults) -> None:
        self.store = store
        self.token = token
        self.workdir = workdir
        self.faults = faults
        self.lock = threading.Lock()
        self.operations: dict[str, _Operation] = {}
        self.cache: dict[tuple[str, int], tuple[Path, int]] = {}  # (query, store version) -> result
        self.bucket = BUCKET_MAX
        self.bucket_at = time.monotonic()
        self.base_url = ""
        self.requests: list[tuple[str, str]] = []  # (method, path) seen, for tests
        self.ranges: list[str] = []  # Range headers of result downloads ("" for a whole download)
        self.throttled = 0  # THROTTLED answers given
        self._next = 1

    # -- the cost bucket ------------------------------------------------------------------------
    def charge(self, cost: int) -> tuple[bool, dict[str, Any]]:
        with self.lock:
            now = time.monotonic()
            self.bucket = min(BUCKET_MAX, self.bucket + (now - self.bucket_at) * RESTORE_RATE)
            self.bucket_at = now
            throttled = self.faults.throttle > 0 or self.bucket < cost
            if self.faults.throttle > 0:
                self.faults.throttle -= 1
                self.bucket = min(self.bucket, cost / 2)
            if throttled:
                self.throttled += 1
            else:
                self.bucket -= cost
            ext = {
                "cost": {
                    "requestedQueryCost": cost,
                    "actualQueryCost": None if throttled else cost,
                    "throttleStatus": {
                        "maximumAvailable": BUCKET_MAX,
                        "currentlyAvailable": round(self.bucket, 1),
                        "restoreRate": RESTORE_RATE,
                    },
                }
            }
            return throttled, ext

    # -- operations -----------------------------------------------------------------------------
    def start(self, query: str, version: str) -> dict[str, Any]:
        try:
            doc = parse(query)
            root, search = _bulk_root(doc)
            projection(root, ORDER_FIELDS, "", "Order")  # Shopify validates the query before it runs
            search_filter(search)
        except (GraphQLError, QueryError) as exc:
            return {
                "bulkOperation": None,
                "userErrors": [{"field": ["query"], "message": str(exc), "code": "INVALID"}],
            }
        with self.lock:
            running = [o for o in self.operations.values() if o.status in ("CREATED", "RUNNING")]
            limit = 5 if version >= "2026-01" else 1
            if len(running) >= limit:
                code = "LIMIT_REACHED" if limit > 1 else "OPERATION_IN_PROGRESS"
                message = (
                    f"A bulk query operation for this app and shop is already in progress: {running[0].id}."
                    if limit == 1
                    else "Bulk operations limit reached. Please try again later."
                )
                return {
                    "bulkOperation": None,
                    "userErrors": [{"field": None, "message": message, "code": code}],
                }
            op = _Operation(
                id=f"gid://shopify/BulkOperation/{720000 + self._next}", query=query, created_at=_now()
            )
            self._next += 1
            if self.faults.fail > 0:
                self.faults.fail -= 1
                op.fail = self.faults.fail_code
            if self.faults.expire > 0:
                self.faults.expire -= 1
                op.expire = True
            self.operations[op.id] = op
        threading.Thread(target=self._run, args=(op, root, search), daemon=True).start()
        return {"bulkOperation": op.api(self.base_url), "userErrors": []}

    def _run(self, op: _Operation, root: SelectionSetNode, search: str | None) -> None:
        key = (op.query, self.store.version)
        try:
            with self.lock:
                cached = self.cache.get(key)
            if cached is None:
                path = self.workdir / f"result-{op.number}.jsonl"
                count = self.store.export(root, search, path)
                with self.lock:
                    self.cache[key] = (path, count)
                cached = (path, count)
            op.path, op.object_count = cached
        except Exception as exc:  # the store refused the query: Shopify would fail the operation
            log.warning("simulated bulk operation %s failed: %s", op.id, exc)
            op.fail = "INTERNAL_SERVER_ERROR"
        op.ready.set()

    def poll(self, op_id: str) -> _Operation | None:
        with self.lock:
            op = self.operations.get(op_id)
        if op is None:
            return None
        op.polls += 1
        if op.status == "CREATED":
            op.status = "RUNNING"
        elif op.status == "RUNNING" and op.polls > self.faults.running_polls and op.ready.is_set():
            if op.fail:
                op.status, op.error_code = "FAILED", op.fail
            else:
                op.status, op.completed_at = "COMPLETED", _now()
        elif op.status == "COMPLETED" and op.expire and op.polls > self.faults.running_polls + 1:
            op.status = "EXPIRED"
        return op

    def current(self) -> _Operation | None:
        with self.lock:
            ops = list(self.operations.values())
        return self.poll(ops[-1].id) if ops else None


def _bulk_root(doc: DocumentNode) -> tuple[SelectionSetNode, str | None]:
    """The Order selection and the search string of ``{ orders(query: "...") { edges { node {...} } } }``."""
    ops = [d for d in doc.definitions if isinstance(d, OperationDefinitionNode)]
    if len(ops) != 1 or ops[0].operation.value != "query":
        raise QueryError("Bulk queries must contain exactly one query operation")
    fields = [s for s in ops[0].selection_set.selections if isinstance(s, FieldNode)]
    if len(fields) != 1 or fields[0].name.value != "orders":
        names = ", ".join(f.name.value for f in fields)
        raise QueryError(f"the simulator serves bulk queries of orders only, not {names}")
    orders = fields[0]
    search = None
    for arg in orders.arguments:
        if arg.name.value == "query" and isinstance(arg.value, StringValueNode):
            search = arg.value.value
    edges = _child(orders.selection_set, "edges")
    node = _child(edges.selection_set if edges else None, "node")
    if node is None or node.selection_set is None:
        raise QueryError("Bulk queries of a connection must select edges { node { ... } }")
    return node.selection_set, search


def _child(selection: SelectionSetNode | None, name: str) -> FieldNode | None:
    if selection is None:
        return None
    for s in selection.selections:
        if isinstance(s, FieldNode) and s.name.value == name:
            return s
    return None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    shop: _Shop


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "lrreport-shopify-sim"
    sys_version = ""
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        log.debug("%s %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        split = urlsplit(self.path)
        self.server.shop.requests.append(("GET", split.path))
        if not split.path.startswith("/bulk/"):
            self._json(404, {"errors": "Not Found"})
            return
        self._download(split.path.removeprefix("/bulk/").removesuffix(".jsonl"), dict(parse_qsl(split.query)))

    def do_POST(self) -> None:
        shop = self.server.shop
        path = urlsplit(self.path).path
        shop.requests.append(("POST", path))
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        parts = path.strip("/").split("/")
        if len(parts) != 4 or parts[:2] != ["admin", "api"] or parts[3] != "graphql.json":
            self._json(404, {"errors": "Not Found"})
            return
        if not hmac.compare_digest(self.headers.get("X-Shopify-Access-Token", ""), shop.token):
            self._json(
                401,
                {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"},
            )
            return
        try:
            payload = json.loads(body)
            doc = parse(payload["query"])
        except (ValueError, KeyError, TypeError, GraphQLError) as exc:
            self._json(200, {"errors": [{"message": f"Parse error: {exc}"}]})
            return
        self._json(200, self._graphql(doc, payload.get("variables") or {}, parts[2]))

    def _graphql(self, doc: DocumentNode, variables: dict[str, Any], version: str) -> dict[str, Any]:
        shop = self.server.shop
        op = next(d for d in doc.definitions if isinstance(d, OperationDefinitionNode))
        roots = [s for s in op.selection_set.selections if isinstance(s, FieldNode)]
        cost = sum(COST.get(r.name.value, 1) for r in roots)
        throttled, ext = shop.charge(cost)
        if throttled:
            return {
                "errors": [
                    {
                        "message": "Throttled",
                        "extensions": {
                            "code": "THROTTLED",
                            "documentation": "https://shopify.dev/api/usage/rate-limits",
                        },
                    }
                ],
                "extensions": ext,
            }
        data: dict[str, Any] = {}
        for root in roots:
            args = {a.name.value: _arg(a.value, variables) for a in root.arguments}
            name = root.name.value
            key = (root.alias or root.name).value
            if name == "bulkOperationRunQuery":
                result: Any = shop.start(str(args.get("query", "")), version)
            elif name in ("node", "bulkOperation"):
                found = shop.poll(str(args.get("id", "")))
                result = found.api(shop.base_url) if found else None
            elif name == "currentBulkOperation":
                found = shop.current()
                result = found.api(shop.base_url) if found else None
            else:
                return {
                    "errors": [{"message": f"Field '{name}' doesn't exist on type 'QueryRoot'"}],
                    "extensions": ext,
                }
            data[key] = select(result, root.selection_set)
        return {"data": data, "extensions": ext}

    def _download(self, number: str, query: dict[str, str]) -> None:
        shop = self.server.shop
        op = shop.operations.get(f"gid://shopify/BulkOperation/{number}")
        if op is None or op.path is None or not hmac.compare_digest(query.get("signature", ""), op.signature):
            self._xml(403, "AccessDenied", "Access denied.")
            return
        if op.expire:
            op.status = "EXPIRED"
            self._xml(400, "ExpiredToken", "The provided token has expired.")
            return
        size = op.path.stat().st_size
        start = 0
        rng = self.headers.get("Range", "")
        shop.ranges.append(rng)
        if rng.startswith("bytes=") and rng[6:].rstrip("-").isdigit():
            start = int(rng[6:].rstrip("-"))
        cut = None
        with shop.lock:
            if shop.faults.cut > 0:
                shop.faults.cut -= 1
                cut = start + int((size - start) * shop.faults.cut_fraction)
        self.send_response(206 if start else 200)
        self.send_header("Content-Type", "application/jsonl")
        self.send_header("Content-Length", str(size - start))
        if start:
            self.send_header("Content-Range", f"bytes {start}-{size - 1}/{size}")
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        end = cut if cut is not None else size
        stops = [start + (size - start) // 2, end] if shop.faults.stall_s else [end]
        with op.path.open("rb") as f:
            f.seek(start)
            pos = start
            for stop in stops:
                while pos < stop:
                    chunk = f.read(min(1 << 20, stop - pos))
                    self.wfile.write(chunk)
                    pos += len(chunk)
                self.wfile.flush()
                if stop < end:
                    time.sleep(shop.faults.stall_s)
        if cut is not None:  # the connection drops before the announced length
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)

    def _json(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _xml(self, status: int, code: str, message: str) -> None:
        data = (
            "<?xml version='1.0' encoding='UTF-8'?>"
            f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
        ).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/xml; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _arg(value: Any, variables: dict[str, Any]) -> Any:
    if isinstance(value, VariableNode):
        return variables.get(value.name.value)
    return getattr(value, "value", None)


class RunningShopify:
    """A Shopify simulator serving in a background thread."""

    def __init__(self, server: _Server, thread: threading.Thread, workdir: Path, own_dir: bool) -> None:
        self._server = server
        self._thread = thread
        self._workdir = workdir
        self._own_dir = own_dir
        host, port = server.server_address[:2]
        self.base_url = f"http://{host}:{port}"
        server.shop.base_url = self.base_url

    @property
    def shop(self) -> _Shop:
        return self._server.shop

    @property
    def token(self) -> str:
        return self.shop.token

    @property
    def faults(self) -> ShopifyFaults:
        return self.shop.faults

    @property
    def store(self) -> ShopifyStore:
        return self.shop.store

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self.shop.store.close()
        if self._own_dir:
            shutil.rmtree(self._workdir, ignore_errors=True)


def start_shopify(
    orders_file: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    token: str = DEFAULT_TOKEN,
    faults: ShopifyFaults | None = None,
    workdir: str | Path | None = None,
) -> RunningShopify:
    """Build the store from the merchant's orders file and serve it; ``port`` 0 takes a free one."""
    own = workdir is None
    folder = Path(tempfile.mkdtemp(prefix="lrreport-shopify-sim-")) if own else Path(workdir)  # type: ignore[arg-type]
    folder.mkdir(parents=True, exist_ok=True)
    server = _Server((host, port), _Handler)
    server.shop = _Shop(ShopifyStore(orders_file), token, folder, faults or ShopifyFaults())
    thread = threading.Thread(target=server.serve_forever, name="shopify-sim", daemon=True)
    thread.start()
    return RunningShopify(server, thread, folder, own)


@contextlib.contextmanager
def run_shopify(orders_file: str | Path, **kwargs: Any) -> Iterator[RunningShopify]:
    """``start_shopify`` as a context manager that always stops the server."""
    sim = start_shopify(orders_file, **kwargs)
    try:
        yield sim
    finally:
        sim.stop()


def serve_shopify_forever(*, host: str, port: int, seed: int, days: int, token: str) -> None:
    """``lrreport sim shopify``: the demo merchant's orders as a shop, in the foreground until Ctrl-C."""
    import click

    from lrreport.sim.files import write_merchant_files
    from lrreport.sim.generator import demo_spec

    with tempfile.TemporaryDirectory(prefix="lrreport-shopify-sim-") as folder:
        spec = dataclasses.replace(demo_spec(seed=seed), days=days)
        files = write_merchant_files(spec, folder, fmt="parquet", progress=False)
        with run_shopify(files.orders, host=host, port=port, token=token) as sim:
            click.echo(
                f"Shopify simulator listening on {sim.base_url} ({sim.store.count():,} orders)\n\n"
                "Point lrreport at it (in another shell):\n"
                f'  printf \'[shopify]\\nshop = "sim"\\nbase_url = "{sim.base_url}"\\n\' > lrreport.toml\n'
                f"  export SHOPIFY_ACCESS_TOKEN={sim.token}   # the simulator's own made-up token\n"
                "  lrreport extract shopify\n\nPress Ctrl-C to stop."
            )
            try:
                threading.Event().wait()
            except KeyboardInterrupt:
                click.echo("stopping")
