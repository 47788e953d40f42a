"""Fixtures for the extraction tests: small generated merchants (two sender codes, a quarter of a
year of list history) served by the simulator, a settings file, and a CLI runner pointed at both."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from click.testing import CliRunner, Result

from lrreport.cli import cli
from lrreport.sim.generator import MerchantSpec, generate_merchant
from lrreport.sim.merchant import Merchant
from lrreport.sim.server import RunningSimulator, run_simulator

END = date(2024, 6, 30)
UNTIL = END.isoformat()


def spec(contacts: int = 1500) -> MerchantSpec:
    return MerchantSpec(seed=5, end_date=END, days=5, contacts=contacts, orders_per_day=10,
                        sender_codes=2, history_years=0.5)


@pytest.fixture(scope="session")
def merchant() -> Merchant:
    return generate_merchant(spec())


@pytest.fixture(scope="session")
def session_sim(merchant: Merchant) -> Iterator[RunningSimulator]:
    with run_simulator(merchant) as running:
        yield running


def _fault_free(running: RunningSimulator) -> RunningSimulator:
    from lrreport.sim.faults import FaultConfig

    running.faults = FaultConfig()
    running.paused = False
    running.clear_log()
    return running


@pytest.fixture
def sim(session_sim: RunningSimulator) -> Iterator[RunningSimulator]:
    """The shared simulator with no faults, an empty request log and the integration running
    (and left so: a session fixture set up after a test must not meet its faults)."""
    yield _fault_free(session_sim)
    _fault_free(session_sim)


@pytest.fixture(scope="session")
def clean_db(session_sim: RunningSimulator, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse holding one fault-free extraction of the session merchant (copy it, don't write)."""
    from lrreport.config import Credentials, Secret, load_settings
    from lrreport.extract.listrak import extract_listrak

    _fault_free(session_sim)  # whatever the test that needs it first has set up
    db = tmp_path_factory.mktemp("clean") / "clean.duckdb"
    settings = load_settings(env=env_for(session_sim)).with_database(db)
    creds = Credentials(session_sim.client_id, Secret(session_sim.client_secret))
    extract_listrak(settings, creds, until=END)
    return db


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "lrreport.toml"
    path.write_text('[extract]\nlookback_days = 3\nsubscribe_window = "week"\n', encoding="utf-8")
    return path


def env_for(sim: RunningSimulator, secret: str | None = None) -> dict[str, str]:
    return {
        "LISTRAK_CLIENT_ID": sim.client_id,
        "LISTRAK_CLIENT_SECRET": secret if secret is not None else sim.client_secret,
        "LISTRAK_TOKEN_URL": sim.token_url,
        "LISTRAK_API_BASE_URL": sim.api_base_url,
    }


@pytest.fixture
def run_extract(config_file: Path) -> Callable[..., Result]:
    """Run ``lrreport extract listrak`` in-process against a simulator."""

    def run(sim: RunningSimulator, db: Path, *args: str, secret: str | None = None) -> Result:
        argv = ["--config", str(config_file), "extract", "listrak", "--database", str(db), *args]
        return CliRunner().invoke(cli, argv, env=env_for(sim, secret), catch_exceptions=False)

    return run


def table(db: Path, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).df()


def snapshot(db: Path) -> dict[str, pd.DataFrame]:
    """Every raw Listrak table and the state, sorted, for before/after comparisons."""
    out = {}
    for name in ("listrak_sender_codes", "listrak_phone_lists", "listrak_transactional_messages",
                 "listrak_contacts", "listrak_optouts"):
        df = table(db, f"SELECT * FROM raw.{name}")
        out[name] = df.sort_values(list(df.columns[:3])).reset_index(drop=True)
    out["state"] = table(db, "SELECT source, key, value FROM meta.extract_state ORDER BY 1, 2")
    return out
