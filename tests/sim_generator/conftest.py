"""Shared fixtures: one small merchant and its files, written once per session."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from lrreport.sim.files import MerchantFiles, write_merchant_files
from lrreport.sim.generator import MerchantSpec, Story, build_story

SPEC = MerchantSpec(seed=11, end_date=date(2025, 3, 31), days=21, contacts=3_000, orders_per_day=160)


@pytest.fixture(scope="session")
def story() -> Story:
    return build_story(SPEC)


@pytest.fixture(scope="session")
def csv_files(tmp_path_factory: pytest.TempPathFactory) -> MerchantFiles:
    return write_merchant_files(SPEC, tmp_path_factory.mktemp("csv"), fmt="csv")


def _digits_sql(col: str) -> str:
    """SQL turning any common US phone format into 11 digits (as the contacts hold them)."""
    d = f"regexp_replace({col}, '[^0-9]', '', 'g')"
    return f"CASE WHEN length({d}) = 10 THEN '1' || {d} ELSE {d} END"


@pytest.fixture(scope="session")
def db(story: Story, csv_files: MerchantFiles) -> duckdb.DuckDBPyConnection:
    """The files and the merchant's contacts / opt-outs / shells in one in-memory DuckDB."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    m = story.merchant
    con.register("contacts_df", m.contacts)
    con.register("optouts_df", m.optouts)
    con.execute("CREATE TABLE contacts AS SELECT * FROM contacts_df")
    con.execute("CREATE TABLE optouts AS SELECT * FROM optouts_df")
    shells = [
        (sc, pl, s["transactionalMessageId"], s["transactionalMessageName"])
        for (sc, pl), items in m.shells.items()
        for s in items
    ]
    con.execute("CREATE TABLE shells (sc INTEGER, pl INTEGER, id INTEGER, name VARCHAR)")
    con.executemany("INSERT INTO shells VALUES (?, ?, ?, ?)", shells)
    con.execute(
        f"CREATE TABLE sends AS SELECT *, {_digits_sql('phone_number')} AS p "
        f"FROM read_csv('{csv_files.sends}')"
    )
    con.execute(
        f"CREATE TABLE orders AS SELECT *, {_digits_sql('phone_number')} AS p "
        f"FROM read_csv('{csv_files.orders}')"
    )
    return con
