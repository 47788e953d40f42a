"""Fixtures of the Shopify tests: the simulated merchant's orders file, a Shopify simulator serving
it on loopback, and settings pointing a fresh warehouse at that simulator."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import pytest

from lrreport.config import Settings, ShopifySettings, load_settings
from lrreport.sim.files import write_merchant_files
from lrreport.sim.generator import MerchantSpec
from lrreport.sim.shopify_server import RunningShopify, start_shopify

SPEC = MerchantSpec(seed=5, end_date=date(2026, 11, 15), days=10, contacts=2_000, orders_per_day=60)


@pytest.fixture(scope="session")
def orders_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The merchant's orders export (CSV), the simulator's store and the file-path reference."""
    return write_merchant_files(SPEC, tmp_path_factory.mktemp("shopify-merchant"), progress=False).orders


@pytest.fixture
def shop(orders_file: Path) -> Iterator[RunningShopify]:
    sim = start_shopify(orders_file)
    try:
        yield sim
    finally:
        sim.stop()


def settings_for(sim: RunningShopify, database: Path) -> Settings:
    """Settings for a warehouse at ``database`` reading the simulator's shop, polling quickly."""
    base = load_settings(env={}).with_database(database)
    return replace(
        base, shopify=ShopifySettings(shop="sim-shop", base_url=sim.base_url, poll_interval_s=0.02)
    )


@pytest.fixture
def settings(shop: RunningShopify, tmp_path: Path) -> Settings:
    return settings_for(shop, tmp_path / "warehouse.duckdb")


def query(database: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()
