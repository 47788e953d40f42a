"""Fixtures for the client tests: one small generated merchant served by the simulator per worker,
reset (faults, request log, pause) before each test, and clients with tiny backoff delays."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest

from lrreport.config import Credentials, ListrakSettings, Secret
from lrreport.listrak import ListrakClient
from lrreport.sim.faults import FaultConfig
from lrreport.sim.generator import MerchantSpec, generate_merchant
from lrreport.sim.merchant import Merchant
from lrreport.sim.server import RunningSimulator, run_simulator

END = date(2024, 6, 30)


@pytest.fixture(scope="session")
def merchant() -> Merchant:
    return generate_merchant(MerchantSpec(seed=11, end_date=END, days=10, contacts=3000, orders_per_day=20))


@pytest.fixture(scope="session")
def session_sim(merchant: Merchant) -> Iterator[RunningSimulator]:
    with run_simulator(merchant) as running:
        yield running


@pytest.fixture
def sim(session_sim: RunningSimulator) -> Iterator[RunningSimulator]:
    """The shared simulator with no faults, an empty request log and the integration running."""
    session_sim.faults = FaultConfig()
    session_sim.paused = False
    session_sim.clear_log()
    yield session_sim
    session_sim.faults = FaultConfig()
    session_sim.paused = False


def settings_for(sim: RunningSimulator, **overrides: Any) -> ListrakSettings:
    values: dict[str, Any] = {
        "token_url": sim.token_url,
        "api_base_url": sim.api_base_url,
        "page_size": 250,
        "timeout_s": 5.0,
    }
    values.update(overrides)
    return ListrakSettings(**values)


def credentials_for(sim: RunningSimulator, secret: str | None = None) -> Credentials:
    return Credentials(sim.client_id, Secret(secret if secret is not None else sim.client_secret))


@pytest.fixture
def make_client(sim: RunningSimulator) -> Iterator[Callable[..., ListrakClient]]:
    """Build clients on the simulator (closed after the test); backoff is milliseconds."""
    made: list[ListrakClient] = []

    def make(secret: str | None = None, settings: dict[str, Any] | None = None, **opts: Any) -> ListrakClient:
        opts.setdefault("backoff_base_s", 0.01)
        opts.setdefault("backoff_cap_s", 0.05)
        client = ListrakClient(settings_for(sim, **(settings or {})), credentials_for(sim, secret), **opts)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


def settled_requests(sim: RunningSimulator) -> list:
    """The simulator's request log (it logs each request before its answer leaves)."""
    return sim.requests


def api_requests(sim: RunningSimulator, suffix: str = "", method: str | None = None) -> list:
    """Requests the simulator served on the API (not the token route) whose path ends in ``suffix``."""
    return [
        r for r in settled_requests(sim)
        if "/sms/v1" in r.path and r.path.endswith(suffix) and (method is None or r.method == method)
    ]


def token_requests(sim: RunningSimulator) -> list:
    return [r for r in settled_requests(sim) if "/sms/v1" not in r.path]
