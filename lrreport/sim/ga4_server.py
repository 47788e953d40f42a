"""A GA4 Data API simulator on loopback: Google's OAuth token route and ``runReport``.

The token route takes the service-account JWT grant exactly as Google's does
(``grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`` and a signed ``assertion``); the
simulator owns the service account, so it hands out a key file (``write_key_file``) whose
``token_uri`` points at itself, and checks each assertion's RS256 signature, issuer, audience,
scope and lifetime. ``POST /v1beta/properties/{id}:runReport`` answers from the simulated
merchant's property (``lrreport.sim.ga4_data``, ``lrreport.sim.ga4_report``) and charges the
property's quotas: tokens per day and per hour and concurrent requests; an exhausted quota is
429 ``RESOURCE_EXHAUSTED`` as Google answers it. Faults (429s, 5xx, dropped connections, slow
answers) come from the same ``FaultConfig`` the Listrak simulator uses.
"""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pandas as pd
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.auth import exceptions as google_exceptions
from google.auth import jwt

from lrreport.sim import faults as fk
from lrreport.sim.faults import FaultConfig, FaultInjector
from lrreport.sim.ga4_data import default_as_of, property_frame, served_frame
from lrreport.sim.ga4_report import ReportError, run_report
from lrreport.sim.generator import MerchantSpec, demo_spec
from lrreport.sim.server import _Server

log = logging.getLogger(__name__)

TOKEN_PATH = "/token"
API_PREFIX = "/v1beta/properties/"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
# The audience a service-account grant names: Google's token endpoint, whichever URL it is posted to.
JWT_AUDIENCE = "https://oauth2.googleapis.com/token"
SCOPES = ("https://www.googleapis.com/auth/analytics.readonly", "https://www.googleapis.com/auth/analytics")
DEFAULT_PROPERTY_ID = "312345678"
CLIENT_EMAIL = "lrreport-reader@lrreport-sim.iam.gserviceaccount.com"
# Standard (non-360) property quotas, as documented for the Core methods.
TOKENS_PER_DAY = 200_000
TOKENS_PER_HOUR = 40_000
CONCURRENT_REQUESTS = 10
SERVER_ERRORS_PER_HOUR = 10
THRESHOLDED_PER_HOUR = 120


@dataclass(frozen=True)
class Ga4Request:
    """One request the simulator saw: status None when the connection was dropped on purpose."""

    path: str
    status: int | None
    fault: str | None = None
    offset: int | None = None  # the runReport page asked for


@dataclass
class _Quota:
    per_day: int = TOKENS_PER_DAY
    per_hour: int = TOKENS_PER_HOUR
    concurrent: int = CONCURRENT_REQUESTS
    used_day: int = 0
    used_hour: int = 0
    in_flight: int = 0
    server_errors: int = 0

    def status(self) -> dict[str, Any]:
        """PropertyQuota: consumed and remaining per quota."""

        def q(consumed: int, limit: int) -> dict[str, int]:
            return {"consumed": consumed, "remaining": max(0, limit - consumed)}

        return {
            "tokensPerDay": q(self.used_day, self.per_day),
            "tokensPerHour": q(self.used_hour, self.per_hour),
            "concurrentRequests": q(self.in_flight, self.concurrent),
            "serverErrorsPerProjectPerHour": q(self.server_errors, SERVER_ERRORS_PER_HOUR),
            "potentiallyThresholdedRequestsPerHour": q(0, THRESHOLDED_PER_HOUR),
            "tokensPerProjectPerHour": q(self.used_hour, self.per_hour * 35 // 100),
        }


@dataclass
class _State:
    final: pd.DataFrame
    property_id: str
    public_pem: bytes
    injector: FaultInjector
    as_of: date
    served: pd.DataFrame | None = None
    quota: _Quota = field(default_factory=_Quota)
    tokens: dict[str, float] = field(default_factory=dict)
    requests: list[Ga4Request] = field(default_factory=list)
    connections: set[socket.socket] = field(default_factory=set)
    server_error_count: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def frame(self) -> pd.DataFrame:
        with self.lock:
            if self.served is None:
                self.served = served_frame(self.final, self.as_of)
            return self.served


def _error(code: int, status: str, message: str) -> tuple[int, dict[str, Any], dict[str, str]]:
    return code, {"error": {"code": code, "message": message, "status": status}}, {}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "lrreport-ga4-sim"
    sys_version = ""
    disable_nagle_algorithm = True
    timeout = 60
    server: _Server

    @property
    def state(self) -> _State:
        return self.server.state  # type: ignore[return-value]

    def setup(self) -> None:
        super().setup()
        with self.state.lock:
            self.state.connections.add(self.connection)

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()
        with self.state.lock:
            self.state.connections.discard(self.connection)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        log.debug("%s %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    def _handle(self) -> None:
        path = urlsplit(self.path).path
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        is_token = path == TOKEN_PATH
        fault = self.state.injector.draw(token_route=is_token)
        kind = fault.kind if fault else None
        offset = None
        if fault and fault.kind == fk.DROP:
            self.close_connection = True
            answer = None
        elif fault and fault.kind in (fk.RATE_LIMIT, fk.RATE_LIMIT_HTTP_DATE, fk.RATE_LIMIT_BARE):
            code, body, _ = _error(
                429, "RESOURCE_EXHAUSTED", "Too many requests. Please retry after some time."
            )
            answer = (code, body, dict(fault.headers))
        elif fault and fault.kind == fk.SERVER_ERROR:
            with self.state.lock:
                self.state.server_error_count += 1
                odd = self.state.server_error_count % 2
                self.state.quota.server_errors += 1
            answer = (
                _error(500, "INTERNAL", "Internal error encountered.")
                if odd
                else _error(503, "UNAVAILABLE", "The service is currently unavailable.")
            )
        else:
            if fault and fault.kind == fk.SLOW:
                time.sleep(fault.delay_s)
            try:
                if is_token:
                    answer = self._token(raw)
                elif path.startswith(API_PREFIX) and path.endswith(":runReport"):
                    answer, offset = self._run_report(path[len(API_PREFIX) : -len(":runReport")], raw)
                else:
                    answer = _error(
                        404, "NOT_FOUND", f"The requested URL {path} was not found on this server."
                    )
            except Exception:
                log.exception("GA4 simulator: unhandled error on %s", path)
                answer = _error(500, "INTERNAL", "Internal error encountered.")
        with self.state.lock:
            self.state.requests.append(Ga4Request(path, answer[0] if answer else None, kind, offset))
        if answer is not None:
            self._send(*answer)

    def _send(self, code: int, body: dict[str, Any], headers: dict[str, str]) -> None:
        payload = json.dumps(body, separators=(",", ":")).encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    # -- the OAuth 2.0 token route (service-account JWT grant) ----------------------------------------

    def _token(self, raw: bytes) -> tuple[int, dict[str, Any], dict[str, str]]:
        def refuse(code: int, error: str, description: str) -> tuple[int, dict[str, Any], dict[str, str]]:
            return code, {"error": error, "error_description": description}, {}

        if self.command != "POST":
            return refuse(405, "invalid_request", "The token endpoint takes POST only.")
        form = dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
        if form.get("grant_type") != JWT_GRANT:
            return refuse(400, "unsupported_grant_type", "Invalid grant_type: " + form.get("grant_type", ""))
        try:
            claims = jwt.decode(form.get("assertion", ""), certs=self.state.public_pem, audience=JWT_AUDIENCE)
        except (ValueError, google_exceptions.GoogleAuthError) as exc:
            return refuse(400, "invalid_grant", f"Invalid JWT: {exc}")
        if claims.get("iss") != CLIENT_EMAIL:
            return refuse(401, "invalid_client", "The OAuth client was not found.")
        if int(claims.get("exp", 0)) - int(claims.get("iat", 0)) > 3600:
            return refuse(
                400, "invalid_grant", "Invalid JWT: expiration must be at most one hour after issue."
            )
        if not set(str(claims.get("scope", "")).split()) & set(SCOPES):
            return refuse(400, "invalid_scope", "The service account may not ask for these scopes.")
        token = "ya29.sim-" + secrets.token_urlsafe(24)
        with self.state.lock:
            self.state.tokens[token] = time.monotonic() + 3600
        return 200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"}, {}

    # -- runReport ------------------------------------------------------------------------------------

    def _run_report(
        self, property_id: str, raw: bytes
    ) -> tuple[tuple[int, dict[str, Any], dict[str, str]], Any]:
        state = self.state
        scheme, _, token = (self.headers.get("Authorization") or "").partition(" ")
        with state.lock:
            expires = state.tokens.get(token.strip()) if scheme.lower() == "bearer" else None
        if expires is None or expires <= time.monotonic():
            return _error(
                401,
                "UNAUTHENTICATED",
                "Request had invalid authentication credentials. Expected OAuth 2 access token, login "
                "cookie or other valid authentication credential.",
            ), None
        if self.command != "POST":
            return _error(405, "INVALID_ARGUMENT", "runReport takes POST."), None
        if property_id != state.property_id:
            return _error(
                403,
                "PERMISSION_DENIED",
                "User does not have sufficient permissions for this property. To learn more about "
                "Property ID, see https://developers.google.com/analytics/devguides/reporting/data/v1/property-id.",
            ), None
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            return _error(400, "INVALID_ARGUMENT", "Invalid JSON payload received."), None
        offset = body.get("offset") if isinstance(body, dict) else None
        quota = state.quota
        with state.lock:
            exhausted = (
                "Exhausted property tokens per day quota."
                if quota.used_day >= quota.per_day
                else "Exhausted property tokens per hour quota."
                if quota.used_hour >= quota.per_hour
                else "Exhausted concurrent requests quota."
                if quota.in_flight >= quota.concurrent
                else None
            )
            if exhausted is None:
                quota.in_flight += 1
        if exhausted:
            return _error(429, "RESOURCE_EXHAUSTED", exhausted), offset
        try:
            frame = state.frame()
            try:
                report = run_report(frame, body, state.as_of)
            except ReportError as exc:
                return (exc.code, exc.body(), {}), offset
            with state.lock:
                quota.used_day += report.tokens
                quota.used_hour += report.tokens
                status = quota.status()
            if body.get("returnPropertyQuota"):
                report.body["propertyQuota"] = status
                # propertyQuota sits before kind in Google's field order
                report.body["kind"] = report.body.pop("kind")
            return (200, report.body, {}), offset
        finally:
            with state.lock:
                quota.in_flight -= 1


class RunningGa4Simulator:
    """A GA4 simulator serving in a background thread: its URLs, property, quotas, faults and log."""

    def __init__(self, server: _Server, thread: threading.Thread, private_pem: bytes, key_id: str) -> None:
        self._server = server
        self._thread = thread
        self._private_pem = private_pem
        self._key_id = key_id
        host, port = server.server_address[:2]
        self.base_url = f"http://{host}:{port}"
        self.token_url = self.base_url + TOKEN_PATH

    @property
    def state(self) -> _State:
        return self._server.state  # type: ignore[return-value]

    @property
    def property_id(self) -> str:
        return self.state.property_id

    def key_file(self) -> dict[str, Any]:
        """A service-account key file (the JSON Google's console downloads) for this simulator."""
        return {
            "type": "service_account",
            "project_id": "lrreport-sim",
            "private_key_id": self._key_id,
            "private_key": self._private_pem.decode("ascii"),
            "client_email": CLIENT_EMAIL,
            "client_id": "104217459876543210987",
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": self.token_url,
            "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
            "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/lrreport-reader",
            "universe_domain": "googleapis.com",
        }

    def write_key_file(self, path: str | Path) -> Path:
        """Write ``key_file()`` to ``path`` readable by its owner only; returns the path."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.touch(mode=0o600, exist_ok=True)
        target.write_text(json.dumps(self.key_file(), indent=2), encoding="utf-8")
        return target

    @property
    def faults(self) -> FaultConfig:
        return self.state.injector.config

    @faults.setter
    def faults(self, config: FaultConfig | None) -> None:
        self.state.injector.reset(config)

    @property
    def as_of(self) -> date:
        """The property's today: days after it are not served, the last three not final."""
        return self.state.as_of

    @as_of.setter
    def as_of(self, day: date) -> None:
        with self.state.lock:
            self.state.as_of = day
            self.state.served = None

    def set_quota(
        self, *, per_hour: int | None = None, per_day: int | None = None, concurrent: int | None = None
    ) -> None:
        """Change the property's quota limits and start a fresh hour and day of consumption."""
        with self.state.lock:
            q = self.state.quota
            q.per_hour = q.per_hour if per_hour is None else per_hour
            q.per_day = q.per_day if per_day is None else per_day
            q.concurrent = q.concurrent if concurrent is None else concurrent
            q.used_hour = q.used_day = q.server_errors = 0

    @property
    def requests(self) -> list[Ga4Request]:
        with self.state.lock:
            return list(self.state.requests)

    def clear_log(self) -> None:
        with self.state.lock:
            self.state.requests.clear()

    def expire_tokens(self) -> None:
        with self.state.lock:
            for token in self.state.tokens:
                self.state.tokens[token] = 0.0

    def stop(self) -> None:
        """Stop serving, close keep-alive connections and free the port."""
        self._server.shutdown()
        with self.state.lock:
            connections = list(self.state.connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        self._server.server_close()
        self._thread.join(timeout=5)


def start_ga4_simulator(
    spec: MerchantSpec | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    property_id: str = DEFAULT_PROPERTY_ID,
    as_of: date | None = None,
    faults: FaultConfig | None = None,
) -> RunningGa4Simulator:
    """Serve the GA4 property of merchant ``spec`` (default: the demo merchant) in a background thread."""
    spec = spec or demo_spec()
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    state = _State(
        final=property_frame(spec),
        property_id=str(property_id),
        public_pem=public_pem,
        injector=FaultInjector(faults),
        as_of=as_of or default_as_of(spec),
    )
    server = _Server((host, port), _Handler)
    server.state = state  # type: ignore[assignment]
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="lrreport-ga4-sim", daemon=True
    )
    thread.start()
    return RunningGa4Simulator(server, thread, private_pem, secrets.token_hex(20))


@contextlib.contextmanager
def run_ga4_simulator(spec: MerchantSpec | None = None, **options: Any) -> Iterator[RunningGa4Simulator]:
    """``start_ga4_simulator`` in a with-block that stops it."""
    sim = start_ga4_simulator(spec, **options)
    try:
        yield sim
    finally:
        sim.stop()
