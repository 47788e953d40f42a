"""OAuth2 client-credentials authentication for Listrak as an ``httpx.Auth`` flow.

The access token is cached until shortly before its ``expires_in``; a 401 from the API refreshes it
and replays the request (a few times at most); a lock makes concurrent requests share one token
fetch. A token endpoint that refuses the credentials raises :class:`ListrakAuthError` at once (no retry loop).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Generator

import httpx

from lrreport.config import Credentials, Secret
from lrreport.listrak.errors import ListrakAuthError, ListrakError, ListrakRetryError
from lrreport.listrak.redact import redact, register_secret
from lrreport.listrak.retry import EXT_ATTEMPTS, EXT_POLICY, RETRYABLE_STATUSES

log = logging.getLogger("lrreport.listrak")

AUTH_ERROR_CODES = frozenset({"ERROR_INVALID_CREDENTIALS", "ERROR_UNAUTHORIZED"})
AUTH_ADVICE = (
    "Check LISTRAK_CLIENT_ID and LISTRAK_CLIENT_SECRET (the SMS integration's Client ID and Secret), "
    "that the integration is not paused in Listrak's Integration Manager, and that this machine's IP "
    "address is whitelisted for it."
)


def _error_fields(response: httpx.Response) -> tuple[str | None, str | None]:
    """Listrak's ``error`` and ``message`` from an error body, when it is JSON."""
    try:
        body = response.json()
    except ValueError:
        return None, None
    if not isinstance(body, dict):
        return None, None
    error, message = body.get("error"), body.get("message") or body.get("error_description")
    return (str(error) if error else None), (redact(str(message)) if message else None)


class ListrakAuth(httpx.Auth):
    """Adds ``Authorization: Bearer`` to each request, fetching and caching the token as needed.

    ``token_client`` is the httpx client used for the token endpoint (with its own retry policy for
    5xx and dropped connections). Sync only: the token fetch blocks.
    """

    REFRESHES_PER_REQUEST = 3

    def __init__(
        self,
        token_url: str,
        credentials: Credentials,
        token_client: httpx.Client,
        refresh_margin_s: float = 60.0,
        clock: object = time.monotonic,
    ) -> None:
        self._token_url = token_url
        self._client_id = credentials.client_id
        self._client_secret: Secret = credentials.client_secret
        register_secret(self._client_secret.reveal())
        self._http = token_client
        self._margin = refresh_margin_s
        self._clock = clock
        self._lock = threading.Lock()
        self._token: Secret | None = None
        self._expires_at = 0.0
        self.tokens_fetched = 0  # for tests and diagnostics

    def __repr__(self) -> str:
        return f"ListrakAuth(token_url={self._token_url!r}, client_id={self._client_id!r})"

    # -- the flow -------------------------------------------------------------------------------
    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = self.token()
        request.headers["Authorization"] = f"Bearer {token.reveal()}"
        response = yield request
        # A 401 means the token ended early; refresh and retry. More than once, because under
        # parallel requests and retries a fresh token can itself end before this request lands.
        for _ in range(self.REFRESHES_PER_REQUEST):
            if response.status_code != 401:
                return
            log.info("Listrak answered 401 to %s %s; refreshing the token", request.method,
                     request.url.path)
            self.invalidate(token)
            token = self.token()
            request.headers["Authorization"] = f"Bearer {token.reveal()}"
            response = yield request

    # -- the token ------------------------------------------------------------------------------
    def token(self) -> Secret:
        """A valid access token: the cached one, or a fresh one when it is about to expire."""
        with self._lock:
            now = self._clock()  # type: ignore[operator]
            if self._token is None or now >= self._expires_at:
                self._token, ttl = self._fetch()
                # refresh a little early: min(margin, 10% of the lifetime) before the end
                self._expires_at = self._clock() + ttl - min(self._margin, ttl * 0.1)  # type: ignore[operator]
            return self._token

    def invalidate(self, used: Secret) -> None:
        """Forget ``used`` when it is still the cached token (another thread may have refreshed it)."""
        with self._lock:
            if self._token is not None and self._token == used:
                self._token = None

    def _fetch(self) -> tuple[Secret, float]:
        data = {
            "grant_type": "client_credentials",
            "client_id": self._client_id,
            "client_secret": self._client_secret.reveal(),
        }
        route = f"POST {httpx.URL(self._token_url).path}"
        try:
            response = self._http.post(self._token_url, data=data, extensions={EXT_POLICY: "send-retry"})
        except httpx.TransportError as exc:
            raise ListrakRetryError(
                f"the token endpoint did not answer ({type(exc).__name__})",
                attempts=getattr(exc, "lrreport_attempts", 1),
                route=route,
            ) from None
        error, message = _error_fields(response)
        status = response.status_code
        if status in (400, 401, 403) or error in AUTH_ERROR_CODES:
            raise ListrakAuthError(
                "Listrak refused the client credentials" + (f" ({message})" if message else ""),
                status=status,
                error=error,
                route=route,
                detail=AUTH_ADVICE,
            )
        if status in RETRYABLE_STATUSES:
            raise ListrakRetryError(
                message or "the token endpoint kept failing",
                attempts=response.extensions.get(EXT_ATTEMPTS, 1),
                status=status,
                error=error,
                route=route,
            )
        if status != 200:
            raise ListrakError(message or "unexpected answer from the token endpoint", status=status,
                               error=error, route=route)
        try:
            body = response.json()
            token = str(body["access_token"])
            ttl = float(body.get("expires_in") or 3600)
        except (ValueError, KeyError, TypeError):
            raise ListrakError(
                "the token endpoint answered 200 without an access_token", status=status, route=route
            ) from None
        register_secret(token)
        self.tokens_fetched += 1
        log.debug("fetched a Listrak access token valid for %.0f s", ttl)
        return Secret(token), ttl
