"""Retry policy for HTTP API calls (Listrak's, GA4's, Shopify's): exponential backoff with jitter, a
cap, a maximum number of attempts and an overall deadline, honouring ``Retry-After``; applied by an
httpx transport wrapper so that every request (API and token) gets it, while a Send is never
repeated without the caller's say. The caller names its service for the log lines."""

from __future__ import annotations

import email.utils
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

log = logging.getLogger("lrreport.listrak")

# Request extension keys (httpx passes unknown extensions through untouched).
EXT_POLICY = "lrreport.retry"  # "idempotent" (default for GET) | "send" | "send-retry"
EXT_ATTEMPTS = "lrreport.attempts"  # set on the returned response: how many attempts were made

RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
# Failures where the request provably never reached the server: safe to repeat even for a Send.
NOT_SENT_ERRORS: tuple[type[Exception], ...] = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Failures worth another try for an idempotent request: timeouts and dropped connections.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP-date), or None.

    Negative or past values give 0; garbage gives None (then ordinary backoff applies).
    """
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:  # HTTP-dates are GMT by definition
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


@dataclass(frozen=True)
class RetryPolicy:
    """How long and how often to retry: ``max_attempts`` counts the first try; ``deadline_s`` bounds
    the whole call including waits; delays grow ``base_s * 2**n`` up to ``cap_s`` with equal jitter."""

    max_attempts: int = 7
    base_s: float = 0.5
    cap_s: float = 30.0
    deadline_s: float = 300.0
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def backoff(self, retry_number: int) -> float:
        """Delay before retry ``retry_number`` (1 = first retry): uniform in [d/2, d], d capped."""
        ceiling = min(self.cap_s, self.base_s * (2 ** max(0, retry_number - 1)))
        return ceiling / 2 + self.rng.uniform(0, ceiling / 2)

    def delay(self, retry_number: int, retry_after: float | None) -> float:
        """The wait before the next attempt: the server's ``Retry-After`` when given, else backoff."""
        return retry_after if retry_after is not None else self.backoff(retry_number)


def describe(request: httpx.Request) -> str:
    """``METHOD /path`` of a request, without the query string, for logs and errors."""
    return f"{request.method} {request.url.path}"


class RetryTransport(httpx.BaseTransport):
    """Wraps a transport and repeats transient failures according to a :class:`RetryPolicy`.

    Answers that outlast the budget are returned as they are (the caller turns them into typed
    errors); transport exceptions that outlast it are re-raised. POSTs are repeated only after
    failures that prove the request never left (connection refused), unless the request carries
    the extension ``lrreport.retry = "send-retry"``.
    """

    def __init__(
        self,
        inner: httpx.BaseTransport,
        policy: RetryPolicy,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        *,
        service: str,  # the caller's API (Listrak, GA4, Shopify), named in the retry log lines
    ) -> None:
        self._inner = inner
        self._service = service
        self.policy = policy
        self._sleep = sleep
        self._clock = clock

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        mode = request.extensions.get(EXT_POLICY) or ("idempotent" if request.method != "POST" else "send")
        may_repeat_delivered = mode in ("idempotent", "send-retry")
        started = self._clock()
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._inner.handle_request(request)
            except Exception as exc:
                retryable = isinstance(exc, NOT_SENT_ERRORS) or (
                    may_repeat_delivered and isinstance(exc, TRANSIENT_ERRORS)
                )
                if not retryable:
                    exc.lrreport_attempts = attempt  # type: ignore[attr-defined]
                    raise
                wait = self._next_wait(attempt, started, None)
                if wait is None:
                    exc.lrreport_attempts = attempt  # type: ignore[attr-defined]
                    raise
                self._log_retry(request, attempt, wait, type(exc).__name__)
                self._sleep(wait)
                continue
            response.extensions[EXT_ATTEMPTS] = attempt
            if response.status_code not in RETRYABLE_STATUSES or not may_repeat_delivered:
                return response
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            wait = self._next_wait(attempt, started, retry_after)
            if wait is None:
                return response
            response.close()
            reason = f"HTTP {response.status_code}" + (
                f" (Retry-After {retry_after:g} s)" if retry_after is not None else ""
            )
            self._log_retry(request, attempt, wait, reason)
            self._sleep(wait)

    def _next_wait(self, attempt: int, started: float, retry_after: float | None) -> float | None:
        """The wait before another attempt, or None when attempts or the deadline are used up."""
        if attempt >= self.policy.max_attempts:
            return None
        wait = self.policy.delay(attempt, retry_after)
        if self._clock() - started + wait > self.policy.deadline_s:
            return None
        return wait

    def _log_retry(self, request: httpx.Request, attempt: int, wait: float, reason: str) -> None:
        log.info(
            "%s %s failed with %s; retry %d of %d in %.2f s",
            self._service,
            describe(request),
            reason,
            attempt,
            self.policy.max_attempts - 1,
            wait,
        )

    def close(self) -> None:
        self._inner.close()
