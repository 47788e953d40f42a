"""Fault injection for the simulator: the misbehaviour a Listrak client has to survive, on demand.

A ``FaultConfig`` says how often each fault happens (seeded, so a run is repeatable for a given
order of requests) and can also script an exact sequence of faults for the next calls, which is
what a test that counts retries wants. ``FaultInjector`` turns a config into per-request decisions
and is thread-safe.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate

# Names of the faults a request can get; also the values a ``FaultConfig.script`` holds.
RATE_LIMIT = "429"  # 429 with Retry-After in seconds
RATE_LIMIT_HTTP_DATE = "429-date"  # 429 with Retry-After as an HTTP date
RATE_LIMIT_BARE = "429-bare"  # 429 without Retry-After
SERVER_ERROR = "500"  # 500 ERROR_UNHANDLED_EXCEPTION
SLOW = "slow"  # the normal answer, after a delay
DROP = "drop"  # the socket is closed without any response
NONE = "none"  # a scripted "no fault" (lets a script leave gaps)
FAULT_KINDS = (RATE_LIMIT, RATE_LIMIT_HTTP_DATE, RATE_LIMIT_BARE, SERVER_ERROR, SLOW, DROP, NONE)


@dataclass
class FaultConfig:
    """How the simulator misbehaves in one run. Shares are probabilities per API call (0..1)."""

    seed: int = 0
    rate_limit: float = 0.0  # share of calls answered 429
    retry_after_share: float = 1.0  # share of those 429s that carry a Retry-After header
    retry_after_http_date_share: float = 0.0  # share of Retry-After headers given as an HTTP date
    retry_after_s: int = 1  # the Retry-After delay the server asks for
    server_error: float = 0.0  # share of calls answered 500 ERROR_UNHANDLED_EXCEPTION
    slow: float = 0.0  # share of calls answered only after ``slow_s`` seconds
    slow_s: float = 0.5
    drop: float = 0.0  # share of calls whose connection is closed without a response
    # Every access token stops working after this many authorised API calls, counted from when this
    # config took effect (401 ERROR_UNAUTHORIZED from then on): a token expiring mid-pagination.
    expire_token_after_calls: int | None = None
    # From this page number on (1 = first page) a paged answer repeats the cursor it was asked for as
    # its nextPageCursor: the server bug a client must detect instead of looping forever.
    repeat_cursor_after_pages: int | None = None
    # Faults for the next calls, in order, before the random shares apply (values of FAULT_KINDS or
    # their HTTP statuses 429 / 500): e.g. (429, 429, 500) for a burst a test can count retries on.
    script: tuple[str | int, ...] = ()
    apply_to_token: bool = False  # whether the token route gets faults too

    def __post_init__(self) -> None:
        for name in (
            "rate_limit",
            "retry_after_share",
            "retry_after_http_date_share",
            "server_error",
            "slow",
            "drop",
        ):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"FaultConfig.{name} must be between 0 and 1, got {value!r}")
        if self.rate_limit + self.server_error + self.drop > 1.0:
            raise ValueError("FaultConfig: rate_limit + server_error + drop must not exceed 1")
        for name in ("expire_token_after_calls", "repeat_cursor_after_pages"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ValueError(f"FaultConfig.{name} must be at least 1, got {value!r}")
        self.script = tuple(_script_kind(item) for item in self.script)


def _script_kind(item: str | int) -> str:
    kind = str(item)
    if kind not in FAULT_KINDS:
        raise ValueError(f"FaultConfig.script: unknown fault {item!r}; use one of {', '.join(FAULT_KINDS)}")
    return kind


@dataclass(frozen=True)
class Fault:
    """What to do to one request: the fault's kind, and headers/delay it comes with."""

    kind: str
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


class FaultInjector:
    """Draws faults for requests from a ``FaultConfig``; one per server, safe across threads."""

    def __init__(self, config: FaultConfig | None = None) -> None:
        self._lock = threading.Lock()
        self.generation = 0  # bumped by every reset: token call counts restart with a new config
        self.reset(config)

    @property
    def config(self) -> FaultConfig:
        return self._config

    def reset(self, config: FaultConfig | None) -> None:
        """Switch to another config (or none), restarting its random stream and script."""
        with self._lock:
            self._config = config if config is not None else FaultConfig()
            self._rng = random.Random(self._config.seed)
            self._script = list(self._config.script)
            self.generation += 1

    def draw(self, *, token_route: bool = False) -> Fault | None:
        """The fault for the next request, or None for a normal answer."""
        with self._lock:
            cfg = self._config
            if token_route and not cfg.apply_to_token:
                return None
            if self._script:
                kind = self._script.pop(0)
                return None if kind == NONE else self._build(kind)
            r = self._rng.random()
            if r < cfg.drop:
                return self._build(DROP)
            r -= cfg.drop
            if r < cfg.server_error:
                return self._build(SERVER_ERROR)
            r -= cfg.server_error
            if r < cfg.rate_limit:
                if self._rng.random() >= cfg.retry_after_share:
                    return self._build(RATE_LIMIT_BARE)
                if self._rng.random() < cfg.retry_after_http_date_share:
                    return self._build(RATE_LIMIT_HTTP_DATE)
                return self._build(RATE_LIMIT)
            if cfg.slow and self._rng.random() < cfg.slow:
                return self._build(SLOW)
            return None

    def _build(self, kind: str) -> Fault:
        cfg = self._config
        if kind == RATE_LIMIT:
            return Fault(kind, {"Retry-After": str(cfg.retry_after_s)})
        if kind == RATE_LIMIT_HTTP_DATE:
            # An HTTP date has whole seconds: round up so the client never waits less than asked.
            return Fault(
                kind, {"Retry-After": formatdate(int(time.time()) + cfg.retry_after_s + 1, usegmt=True)}
            )
        if kind == SLOW:
            return Fault(kind, delay_s=cfg.slow_s)
        return Fault(kind)
