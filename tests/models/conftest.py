"""Fixtures for the model tests: the golden warehouse, built once per session through the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from lrreport.cli import cli
from lrreport.config import load_settings
from lrreport.warehouse.db import connect
from tests.models import golden_data


@pytest.fixture(scope="session")
def golden(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A DuckDB file with the golden raw rows and the models built by `lrreport build`."""
    root = tmp_path_factory.mktemp("golden")
    config = root / "lrreport.toml"
    config.write_text(golden_data.CONFIG_TOML, encoding="utf-8")
    database = root / "golden.duckdb"
    settings = load_settings(config).with_database(database)
    con = connect(settings, create=True)
    golden_data.fill(con)
    con.close()
    result = CliRunner().invoke(cli, ["--config", str(config), "build", "--database", str(database)])
    assert result.exit_code == 0, result.output
    return {"config": config, "database": database}


@pytest.fixture(scope="session")
def golden_settings(golden: dict[str, Path]):  # noqa: ANN201
    return load_settings(golden["config"]).with_database(golden["database"])


@pytest.fixture()
def golden_con(golden_settings):  # noqa: ANN001, ANN201
    con = connect(golden_settings, read_only=True)
    yield con
    con.close()
