"""The model runner and the data tests: order from the SQL, --select, atomic builds, loud failures."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from lrreport.cli import cli
from lrreport.config import ExtractSettings, MessageSettings, load_settings
from lrreport.sqlfiles import queries_dir
from lrreport.warehouse.datatests import discover_tests
from lrreport.warehouse.models import (
    LAYERS,
    ModelError,
    attribution_with_windows,
    build,
    build_order,
    discover_models,
    select_models,
)


@pytest.fixture()
def golden_copy(golden, tmp_path: Path) -> dict[str, Path]:  # noqa: ANN001
    """A private copy of the built golden warehouse, free to corrupt."""
    database = tmp_path / "copy.duckdb"
    shutil.copy(golden["database"], database)
    return {"config": golden["config"], "database": database}


def invoke(paths: dict[str, Path], *args: str):  # noqa: ANN201
    args = ("--config", str(paths["config"]), *args, "--database", str(paths["database"]))
    return CliRunner().invoke(cli, list(args))


def test_every_model_documents_grain_key_and_purpose() -> None:
    models = discover_models()
    assert {m.layer for m in models.values()} == set(LAYERS)
    for model in models.values():
        header = model.header.lower()
        assert "grain:" in header and "key:" in header and "purpose:" in header, model.path
    for test in discover_tests():
        assert test.description, test.path


def test_order_comes_from_the_sql() -> None:
    models = discover_models()
    order = build_order(models)
    for name, model in models.items():
        for dep in model.depends_on:
            assert order.index(dep) < order.index(name), (dep, name)
    assert models["fct_sends"].depends_on == {"stg_sends", "int_messages", "int_optouts"}
    # NAME+ is the model and everything downstream of it, in build order.
    downstream = select_models(models, "int_optouts+")
    assert downstream[0] == "int_optouts"
    assert {"fct_optouts", "agg_optouts_daily", "fct_sends", "agg_sends_daily", "agg_revenue_daily",
            "agg_list_health_daily"} <= set(downstream)
    assert "fct_order_messages" not in downstream
    assert select_models(models, "marts.fct_sends") == ["fct_sends"]
    with pytest.raises(ModelError, match="no model named 'nope'"):
        select_models(models, "nope+")


def copy_queries(tmp_path: Path) -> Path:
    root = tmp_path / "queries"
    shutil.copytree(queries_dir(), root)
    return root


def test_cycles_and_unknown_references_are_refused(tmp_path: Path) -> None:
    root = copy_queries(tmp_path)
    (root / "staging" / "stg_loop.sql").write_text("SELECT * FROM marts.fct_sends\n")
    with pytest.raises(ModelError, match=r"stg_loop.sql: a staging model cannot read the later layer"):
        discover_models(root)
    (root / "staging" / "stg_loop.sql").write_text("SELECT * FROM staging.stg_nothing\n")
    with pytest.raises(ModelError, match=r"stg_loop.sql: reads staging.stg_nothing, which is not a model"):
        discover_models(root)
    (root / "staging" / "stg_loop.sql").write_text("SELECT 1; SELECT 2\n")
    with pytest.raises(ModelError, match="exactly one SELECT"):
        discover_models(root)


def test_failing_model_names_its_file_and_leaves_the_previous_build(golden_copy, tmp_path: Path) -> None:  # noqa: ANN001
    settings = load_settings(golden_copy["config"]).with_database(golden_copy["database"])
    con = duckdb.connect(str(golden_copy["database"]))
    con.execute("INSERT INTO raw.sends SELECT * REPLACE ('S99' AS send_id) FROM raw.sends LIMIT 1")
    con.close()
    root = copy_queries(tmp_path)
    broken = root / "marts" / "agg_revenue_daily.sql"
    broken.write_text(broken.read_text().replace("link_revenue + post_send_revenue", "no_such_column"))
    with pytest.raises(ModelError) as info:
        build(settings, root=root, show_progress=False)
    assert str(broken) in str(info.value) and "no_such_column" in str(info.value)
    con = duckdb.connect(str(golden_copy["database"]), read_only=True)
    # int_sends and fct_sends were rebuilt before the failure in the same transaction: rolled
    # back, so both still hold the 20 sends of the last good build.
    assert con.execute("SELECT count(*) FROM intermediate.int_sends").fetchone() == (20,)
    assert con.execute("SELECT count(*) FROM marts.fct_sends").fetchone() == (20,)
    con.close()
    # --select NAME builds that model alone: fct_order_messages reads the old int_sends (no
    # change), while int_sends itself is not rebuilt.
    result = invoke(golden_copy, "build", "--select", "fct_order_messages", "--no-test")
    assert result.exit_code == 0, result.output
    assert "built 1 models" in result.output and "marts.fct_order_messages: 11 rows" in result.output
    # NAME+ rebuilds int_sends and everything downstream of it, which picks the new send up.
    result = invoke(golden_copy, "build", "--select", "stg_sends+")
    assert result.exit_code == 0, result.output
    assert "marts.fct_sends: 21 rows" in result.output and "marts.fct_orders: 8 rows" in result.output
    con = duckdb.connect(str(golden_copy["database"]), read_only=True)
    assert con.execute("SELECT count(*) FROM intermediate.int_sends").fetchone() == (21,)
    con.close()


def test_cli_build_refuses_a_trigger_it_cannot_use(golden_copy, tmp_path: Path) -> None:  # noqa: ANN001
    bad = tmp_path / "bad.toml"
    bad.write_text('[messages.triggers]\n"Order Confirmation" = "paid_at"\n')
    result = invoke({"config": bad, "database": golden_copy["database"]}, "build")
    assert result.exit_code == 1 and "paid_at" in result.output and "ordered_at" in result.output


def test_data_tests_catch_a_broken_invariant(golden_copy) -> None:  # noqa: ANN001
    assert invoke(golden_copy, "test").exit_code == 0
    con = duckdb.connect(str(golden_copy["database"]))
    # Credit more revenue than the order brought in, and count a send twice.
    con.execute("UPDATE marts.fct_order_attribution SET net_revenue = 500 WHERE order_id = 'LR1003'")
    con.execute("INSERT INTO marts.fct_sends SELECT * FROM marts.fct_sends WHERE send_id = 'S01'")
    con.close()
    result = invoke(golden_copy, "test")
    assert result.exit_code == 1
    assert "fct_order_attribution_rules_hold" in result.output
    assert "unique_fct_sends_send_id" in result.output
    assert "agg_sends_daily_reconciles" in result.output
    assert "LR1003" in result.output  # a sample of the offending rows
    # Running only one named test.
    only = invoke(golden_copy, "test", "unique_fct_orders_order_id")
    assert only.exit_code == 0 and "all 1 data tests passed" in only.output


def test_attribution_with_windows(golden_con, golden_settings) -> None:  # noqa: ANN001
    same = attribution_with_windows(golden_con, golden_settings, 30, 24)
    mart = golden_con.execute("SELECT * FROM marts.fct_order_attribution ORDER BY order_id").df()
    assert same.equals(mart)
    # Click 10 days: S21 (30 days before LR1003) no longer counts -> the shell without a send.
    # View 25 hours: S00 (exactly 24 h before LR1001, not about it) now credits LR1001.
    other = attribution_with_windows(golden_con, golden_settings, 10, 25)
    got = {r.order_id: (r.rule, None if r.send_id is None or r.send_id != r.send_id else r.send_id)
           for r in other.itertuples()}
    assert got == {
        "LR1001": ("post_send", "S00"),
        "LR1002": ("link", "S12"),
        "LR1003": ("link", None),
        "LR1005": ("link", None),
        "LR1006": ("unmapped", None),
        "LR1007": ("post_send", "S30"),
        "LR1008": ("post_send", "S40"),
    }
    # The session's variables are back to the configured windows afterwards.
    assert attribution_with_windows(golden_con, golden_settings, 30, 24).equals(mart)


def test_optout_timezone_setting(golden_copy) -> None:  # noqa: ANN001
    # optOutDate read as New York time: A's 14:59:59 becomes 19:59:59Z, more than 24 h after S32
    # (15:02Z Jan 23), so nothing of sender code 1 is credited; S50 (12:00Z) is 5 h before 12:00 EST.
    settings = load_settings(golden_copy["config"]).with_database(golden_copy["database"])
    settings = replace(settings, extract=ExtractSettings(optout_timezone="America/New_York"))
    result = build(settings, show_progress=False)
    assert result.ok, result.tests.report()
    con = duckdb.connect(str(golden_copy["database"]), read_only=True)
    assert con.execute(
        "SELECT sender_code_id, credited_send_id FROM marts.fct_optouts ORDER BY sender_code_id, opted_out_at"
    ).fetchall() == [(1, None), (1, None), (1, None), (2, "S50")]
    con.close()


def test_message_type_mapping_and_triggers_from_settings(golden_copy) -> None:  # noqa: ANN001
    # Map two shells onto one type and trigger it from shipped_at: LR1001's and LR1003's
    # "Shipping" rows replace the Shipping Confirmation ones; Order Confirmation loses its trigger.
    settings = load_settings(golden_copy["config"]).with_database(golden_copy["database"])
    settings = replace(settings, messages=MessageSettings(
        types={"Shipping Confirmation": "Shipping", "delivery-confirmation": "Shipping"},
        triggers={"shipping": "shipped_at"},
    ))
    assert build(settings, show_progress=False).ok
    con = duckdb.connect(str(golden_copy["database"]), read_only=True)
    assert con.execute(
        "SELECT order_id, message_type, first_send_id, delay_s FROM marts.fct_order_messages ORDER BY ALL"
    ).fetchall() == [("LR1001", "shipping", "S02", 30.0), ("LR1003", "shipping", None, None)]
    assert con.execute(
        "SELECT transactional_message_id, message_type, trigger_column FROM marts.dim_messages "
        "WHERE sender_code_id = 1 ORDER BY 1"
    ).fetchall() == [(101, "Order Confirmation", None), (102, "Shipping", "shipped_at"),
                     (103, "Shipping", "shipped_at"), (104, "Loyalty Points", None)]
    con.close()
