"""A Listrak-compatible HTTP server on loopback: the OAuth2 token route and the SMS v1 API.

Built on the standard library's ``ThreadingHTTPServer`` (HTTP/1.1, keep-alive): no framework sits
between a test and the socket, so faults such as a connection closed without a response are real.
``run_simulator()`` starts one on a free port in a background thread for tests and the demo;
``lrreport sim serve`` runs one for people.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
import secrets
import socket
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from lrreport.sim import faults as fk
from lrreport.sim.faults import FaultConfig, FaultInjector
from lrreport.sim.index import MerchantIndex
from lrreport.sim.merchant import Merchant
from lrreport.sim.routes import ApiRequest, ApiResponse, ListrakApi, SentMessage, error_response

log = logging.getLogger(__name__)

TOKEN_PATH = "/OAuth2/Token"
API_PREFIX = "/sms/v1"
DEFAULT_CLIENT_ID = "lrreport-sim"
DEFAULT_CLIENT_SECRET = "sim-secret-not-for-production"  # the simulator's own, made-up secret


@dataclass(frozen=True)
class RequestRecord:
    """One request the simulator saw: status None when the connection was dropped on purpose."""

    method: str
    path: str
    query: dict[str, str]
    status: int | None
    fault: str | None = None
    duration_s: float = 0.0


@dataclass
class _Token:
    expires_at: float
    calls: int = 0  # authorised API calls under fault config ``generation``
    generation: int = 0


@dataclass
class _State:
    """Everything the request handlers share; guarded by ``lock`` where it changes."""

    api: ListrakApi
    client_id: str
    client_secret: str
    token_ttl_s: float
    injector: FaultInjector
    paused: bool = False
    tokens: dict[str, _Token] = field(default_factory=dict)
    requests: list[RequestRecord] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    connections: set[socket.socket] = field(default_factory=set)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    state: _State

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up (e.g. after its own timeout) is routine, not a traceback on stderr."""
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            log.debug("simulator: client %s went away", client_address)
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "lrreport-sim"
    sys_version = ""
    disable_nagle_algorithm = True
    timeout = 60  # idle keep-alive connections are closed after this
    server: _Server

    # -- connection bookkeeping so that stop() can close keep-alive connections ------------------

    def setup(self) -> None:
        super().setup()
        with self.server.state.lock:
            self.server.state.connections.add(self.connection)

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()
        with self.server.state.lock:
            self.server.state.connections.discard(self.connection)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        log.debug("%s %s", self.address_string(), format % args)

    # -- every method goes through one place ------------------------------------------------------

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET

    def _handle(self) -> None:
        started = time.monotonic()
        state = self.server.state
        split = urlsplit(self.path)
        path = split.path
        query = {k: v for k, v in parse_qsl(split.query, keep_blank_values=True)}
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        is_token = path.rstrip("/").lower() == TOKEN_PATH.lower()
        is_api = path.lower() == API_PREFIX.lower() or path.lower().startswith(API_PREFIX.lower() + "/")

        fault = state.injector.draw(token_route=is_token) if (is_token or is_api) else None
        kind = fault.kind if fault else None
        response: ApiResponse | None
        if fault and fault.kind == fk.DROP:
            self.close_connection = True
            response = None
        elif fault and fault.kind in (fk.RATE_LIMIT, fk.RATE_LIMIT_HTTP_DATE, fk.RATE_LIMIT_BARE):
            response = error_response(
                429, "ERROR_TOO_MANY_REQUESTS", "Too many requests; slow down.", dict(fault.headers)
            )
        elif fault and fault.kind == fk.SERVER_ERROR:
            response = _unhandled()
        else:
            if fault and fault.kind == fk.SLOW:
                time.sleep(fault.delay_s)
            try:
                if is_token:
                    response = self._token(body)
                elif is_api:
                    response = self._api(path[len(API_PREFIX) :] or "/", query, body)
                else:
                    response = error_response(
                        404, "ERROR_UNKNOWN_ROUTE", "No route matches the supplied URI."
                    )
            except Exception:
                log.exception("simulator: unhandled error on %s %s", self.command, path)
                response = _unhandled()
        # logged before the answer leaves, so a client that has its answer finds it in the log
        status = response.status if response is not None else None
        record = RequestRecord(self.command, path, query, status, kind, time.monotonic() - started)
        with state.lock:
            state.requests.append(record)
        if response is not None:
            self._send(response)

    def _send(self, response: ApiResponse) -> None:
        payload = json.dumps(response.body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        self.send_response(response.status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        if response.status == 401:
            self.send_header("WWW-Authenticate", "Bearer")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    # -- the token route --------------------------------------------------------------------------

    def _token(self, body: bytes) -> ApiResponse:
        state = self.server.state
        if self.command != "POST":
            return error_response(
                405,
                "ERROR_UNSUPPORTED_METHOD",
                f"The requested resource does not support http method '{self.command}'.",
                {"Allow": "POST"},
            )
        if state.paused:
            return error_response(
                401, "ERROR_INVALID_CREDENTIALS", "API access for this integration is paused."
            )
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype != "application/x-www-form-urlencoded":
            return error_response(
                415,
                "ERROR_UNSUPPORTED_CONTENT_TYPE",
                "Use a Content-Type of application/x-www-form-urlencoded.",
            )
        form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        if form.get("grant_type") != "client_credentials":
            return error_response(
                400, "ERROR_INVALID_PARAMETER", "An invalid value was supplied for grant_type."
            )
        client_id = form.get("client_id", "")
        client_secret = form.get("client_secret", "")
        ok_id = hmac.compare_digest(client_id.encode(), state.client_id.encode())
        ok_secret = hmac.compare_digest(client_secret.encode(), state.client_secret.encode())
        if not (ok_id and ok_secret):
            return error_response(401, "ERROR_INVALID_CREDENTIALS", "Invalid client credentials.")
        token = secrets.token_urlsafe(32)
        now = time.monotonic()
        with state.lock:
            state.tokens = {t: v for t, v in state.tokens.items() if v.expires_at > now}
            state.tokens[token] = _Token(now + state.token_ttl_s)
        return ApiResponse(
            200,
            {"access_token": token, "token_type": "Bearer", "expires_in": max(1, int(state.token_ttl_s))},
            {"Cache-Control": "no-store", "Pragma": "no-cache"},
        )

    # -- the API ----------------------------------------------------------------------------------

    def _api(self, path: str, query: dict[str, str], body: bytes) -> ApiResponse:
        state = self.server.state
        resolved = state.api.resolve(self.command, path)
        if isinstance(resolved, ApiResponse):
            return resolved
        denied = self._authorize()
        if denied is not None:
            return denied
        handler, params = resolved
        request = ApiRequest(
            self.command,
            path,
            {k.lower(): v for k, v in query.items()},
            self.headers.get("Content-Type") or "",
            body,
        )
        return state.api.call(handler, params, request)

    def _authorize(self) -> ApiResponse | None:
        state = self.server.state
        denied = error_response(401, "ERROR_UNAUTHORIZED", "Authorization was denied for this request.")
        if state.paused:
            return denied
        header = self.headers.get("Authorization") or ""
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return denied
        limit = state.injector.config.expire_token_after_calls
        generation = state.injector.generation
        with state.lock:
            entry = state.tokens.get(token.strip())
            if entry is None or entry.expires_at <= time.monotonic():
                return denied
            if entry.generation != generation:
                entry.generation, entry.calls = generation, 0
            if limit is not None and entry.calls >= limit:
                entry.expires_at = 0.0  # expired mid-run, as if its lifetime had ended early
                return denied
            entry.calls += 1
        return None


def _unhandled() -> ApiResponse:
    return error_response(500, "ERROR_UNHANDLED_EXCEPTION", "An unexpected error occurred.")


class RunningSimulator:
    """A simulator serving in a background thread: its URLs, credentials, faults and request log."""

    def __init__(self, server: _Server, thread: threading.Thread, merchant: Merchant) -> None:
        self._server = server
        self._thread = thread
        self.merchant = merchant
        host, port = server.server_address[:2]
        self.host: str = str(host)
        self.port: int = int(port)
        url_host = f"[{self.host}]" if ":" in self.host else self.host
        self.base_url = f"http://{url_host}:{self.port}"
        self.token_url = self.base_url + TOKEN_PATH
        self.api_base_url = self.base_url + API_PREFIX

    def __repr__(self) -> str:
        return f"RunningSimulator(api_base_url={self.api_base_url!r}, client_id={self.client_id!r})"

    @property
    def _state(self) -> _State:
        return self._server.state

    @property
    def client_id(self) -> str:
        return self._state.client_id

    @property
    def client_secret(self) -> str:
        return self._state.client_secret

    @property
    def faults(self) -> FaultConfig:
        """The faults in force; assign a new ``FaultConfig`` (or None) to change them mid-run."""
        return self._state.injector.config

    @faults.setter
    def faults(self, config: FaultConfig | None) -> None:
        self._state.injector.reset(config)
        self._state.api.repeat_cursor_after_pages = self._state.injector.config.repeat_cursor_after_pages

    @property
    def paused(self) -> bool:
        """True while the integration is paused: token requests and API calls are refused."""
        return self._state.paused

    @paused.setter
    def paused(self, value: bool) -> None:
        self._state.paused = bool(value)

    @property
    def requests(self) -> list[RequestRecord]:
        """Every request served so far, oldest first (a copy)."""
        with self._state.lock:
            return list(self._state.requests)

    @property
    def sends(self) -> list[SentMessage]:
        """Every Send Transactional Message call that was accepted (201), oldest first (a copy)."""
        with self._state.api._lock:
            return list(self._state.api.sends)

    def clear_log(self) -> None:
        """Forget the request log and the accepted sends (e.g. between test phases)."""
        with self._state.lock:
            self._state.requests.clear()
        with self._state.api._lock:
            self._state.api.sends.clear()

    def expire_tokens(self) -> None:
        """Make every access token issued so far expired, as if their TTL had passed."""
        with self._state.lock:
            for entry in self._state.tokens.values():
                entry.expires_at = 0.0

    def stop(self) -> None:
        """Stop serving, close open keep-alive connections and free the port."""
        self._server.shutdown()
        with self._state.lock:
            connections = list(self._state.connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        self._server.server_close()
        self._thread.join(timeout=5)


def start_simulator(
    merchant: Merchant | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    client_id: str = DEFAULT_CLIENT_ID,
    client_secret: str = DEFAULT_CLIENT_SECRET,
    token_ttl_s: float = 3600,
    faults: FaultConfig | None = None,
    seed: int = 0,
) -> RunningSimulator:
    """Start a simulator in a background thread and return it; call ``.stop()`` when done."""
    if merchant is None:
        from lrreport.sim.generator import demo_spec, generate_merchant

        merchant = generate_merchant(demo_spec())
    if token_ttl_s <= 0:
        raise ValueError("token_ttl_s must be positive")
    api = ListrakApi(MerchantIndex(merchant), seed=seed)
    injector = FaultInjector(faults)
    api.repeat_cursor_after_pages = injector.config.repeat_cursor_after_pages
    state = _State(api, client_id, client_secret, float(token_ttl_s), injector)
    server_cls = _Server
    if ":" in host:
        server_cls = type("_Server6", (_Server,), {"address_family": socket.AF_INET6})
    server = server_cls((host, port), _Handler)
    server.state = state
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.1},
        name=f"lrreport-sim-{server.server_address[1]}",
        daemon=True,
    )
    thread.start()
    return RunningSimulator(server, thread, merchant)


@contextlib.contextmanager
def run_simulator(
    merchant: Merchant | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    client_id: str = DEFAULT_CLIENT_ID,
    client_secret: str = DEFAULT_CLIENT_SECRET,
    token_ttl_s: float = 3600,
    faults: FaultConfig | None = None,
    seed: int = 0,
) -> Iterator[RunningSimulator]:
    """Serve ``merchant`` (default: the demo merchant) on a port (0: any free one) in a with-block."""
    sim = start_simulator(
        merchant,
        host=host,
        port=port,
        client_id=client_id,
        client_secret=client_secret,
        token_ttl_s=token_ttl_s,
        faults=faults,
        seed=seed,
    )
    try:
        yield sim
    finally:
        sim.stop()
