"""Fixtures for the GA4 extraction tests: one small simulated merchant's GA4 property on loopback,
its service-account key file, settings pointed at both, and a CLI runner."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from click.testing import CliRunner, Result

from lrreport.cli import cli
from lrreport.sim.faults import FaultConfig
from lrreport.sim.ga4_server import RunningGa4Simulator, run_ga4_simulator
from lrreport.sim.generator import MerchantSpec

END = date(2026, 11, 15)  # the merchant's last day; the simulator's today is END + 1
SPEC = MerchantSpec(seed=5, end_date=END, days=10, contacts=1500, orders_per_day=80)
SINCE = "2026-11-01"
UNTIL = "2026-11-16"


@pytest.fixture(scope="session")
def session_ga4() -> Iterator[RunningGa4Simulator]:
    with run_ga4_simulator(SPEC) as sim:
        yield sim


@pytest.fixture
def ga4(session_ga4: RunningGa4Simulator) -> RunningGa4Simulator:
    """The session's simulator with no faults, fresh quotas, today END + 1 and an empty log."""
    session_ga4.faults = FaultConfig()
    session_ga4.set_quota(per_hour=40_000, per_day=200_000, concurrent=10)
    session_ga4.as_of = date(2026, 11, 16)
    session_ga4.clear_log()
    return session_ga4


@pytest.fixture
def config_for(tmp_path: Path) -> Callable[..., Path]:
    """Write an lrreport.toml pointing [ga4] at a simulator (its key file beside the config)."""

    def write(
        sim: RunningGa4Simulator,
        *,
        page_size: int = 10_000,
        property_id: str | None = None,
        key_file: Path | None = None,
    ) -> Path:
        key = key_file or sim.write_key_file(tmp_path / "ga4-key.json")
        path = tmp_path / "lrreport.toml"
        path.write_text(
            "[ga4]\n"
            f'property_id = "{property_id or sim.property_id}"\n'
            f'key_file = "{key}"\n'
            f'base_url = "{sim.base_url}"\n'
            f"page_size = {page_size}\n"
            'history_start = "2026-11-01"\n'
            "max_retries = 6\n"
            "retry_deadline_s = 30\n",
            encoding="utf-8",
        )
        return path

    return write


@pytest.fixture
def run_extract() -> Callable[..., Result]:
    """Run ``lrreport extract ga4`` in-process."""

    def run(config: Path, db: Path, *args: str) -> Result:
        argv = ["--config", str(config), "extract", "ga4", "--database", str(db), *args]
        return CliRunner().invoke(cli, argv, env={"GA4_KEY_FILE": ""}, catch_exceptions=False)

    return run


def rows(db: Path) -> pd.DataFrame:
    """raw.ga4_sessions, sorted, for before/after comparisons."""
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT * FROM raw.ga4_sessions ORDER BY report_date, campaign, content").df()


def expected(sim: RunningGa4Simulator, start: str = SINCE, end: str = UNTIL) -> pd.DataFrame:
    """What GA4 holds for SMS links in start..end, from the simulator's own frame (date, campaign,
    content, sessions, transactions, revenue), sorted like ``rows``."""
    frame = sim.state.frame()
    sms = frame[(frame.sessionSource == "listrak") & (frame.sessionMedium == "sms")]
    sms = sms[(sms._day >= date.fromisoformat(start)) & (sms._day <= date.fromisoformat(end))]
    return sms.sort_values(["date", "sessionCampaignName", "sessionManualAdContent"], ignore_index=True)
