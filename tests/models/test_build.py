# ruff: noqa: E501  (SQL reads best on one line)
"""`lrreport build` / `lrreport test` over the dbt project: loud failures, flagged half builds, settings."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from lrreport.cli import cli
from lrreport.config import ExtractSettings, MessageSettings, load_settings
from lrreport.reports.attribution import attribution_with_windows
from lrreport.reports.params import ParameterError
from lrreport.reports.runner import plan_run
from lrreport.sqlfiles import queries_dir
from lrreport.warehouse.build import build, state_dir
from lrreport.warehouse.build import test as run_data_tests


@pytest.fixture()
def golden_copy(golden, tmp_path: Path) -> dict[str, Path]:  # noqa: ANN001
    """A private copy of the golden warehouse, free to corrupt. Its last build passed its data tests,
    so the next build is an increment that tests only what is new."""
    database = tmp_path / "copy.duckdb"
    shutil.copy(golden["database"], database)
    return {"config": golden["config"], "database": database}


def invoke(paths: dict[str, Path], *args: str):  # noqa: ANN201
    args = ("--config", str(paths["config"]), *args, "--database", str(paths["database"]))
    return CliRunner().invoke(cli, list(args))


def newest_build(database: Path) -> tuple:
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute(
            "SELECT status, failed_node FROM meta.lr_builds ORDER BY started_at DESC LIMIT 1"
        ).fetchone()
    finally:
        con.close()


def test_every_model_documents_grain_key_and_purpose() -> None:
    models = sorted((queries_dir() / "models").glob("*/*.sql"))
    assert {"staging", "intermediate", "marts"} <= {p.parent.name for p in models}
    for path in models:
        header = path.read_text(encoding="utf-8").lower()
        assert "grain:" in header and "key:" in header and "purpose:" in header, path
        assert path.with_suffix(".yml").is_file(), f"{path}: no .yml beside it"


def test_failing_model_names_its_file_and_no_report_publishes(golden_copy, tmp_path: Path) -> None:  # noqa: ANN001
    settings = load_settings(golden_copy["config"]).with_database(golden_copy["database"])
    project = tmp_path / "queries"
    shutil.copytree(queries_dir(), project, ignore=shutil.ignore_patterns("target", "logs"))
    broken = project / "models" / "marts" / "agg_revenue_daily.sql"
    broken.write_text(broken.read_text().replace("link_revenue + post_send_revenue", "no_such_column"))
    con = duckdb.connect(str(golden_copy["database"]))
    con.execute("INSERT INTO raw.sends SELECT * REPLACE ('S99' AS send_id, 'late' AS _load_id) FROM raw.sends LIMIT 1")
    con.close()
    result = build(settings, project=project, show_progress=False)
    assert not result.ok
    assert "queries/models/marts/agg_revenue_daily.sql" in result.report()
    assert "no_such_column" in result.report()
    assert newest_build(golden_copy["database"]) == ("failed", "models/marts/agg_revenue_daily.sql")
    # fct_sends was built before the failure (dbt builds model by model): the build is flagged and
    # neither metrics nor reports read from it.
    metrics = invoke(golden_copy, "metrics", "--start", "2024-01-01", "--end", "2024-01-31")
    assert metrics.exit_code == 1 and "agg_revenue_daily.sql" in metrics.output
    with pytest.raises(ParameterError, match="failed at models/marts/agg_revenue_daily.sql"):
        plan_run(settings, "overview", {"database": str(golden_copy["database"])})
    # The next good build picks the new send up in every model and clears the flag.
    good = invoke(golden_copy, "build")
    assert good.exit_code == 0, good.output
    assert "marts.fct_sends: 21 rows" in good.output and "(incremental)" in good.output
    assert newest_build(golden_copy["database"]) == ("ok", None)
    plan_run(settings, "overview", {"database": str(golden_copy["database"])})


def test_a_killed_build_is_flagged(golden_copy, tmp_path: Path) -> None:  # noqa: ANN001
    # A model that takes long (downstream of fct_sends) gives the kill a moment to land mid-build.
    project = tmp_path / "queries"
    shutil.copytree(queries_dir(), project, ignore=shutil.ignore_patterns("target", "logs"))
    (project / "models" / "marts" / "zz_slow.sql").write_text(
        "SELECT count(*) AS n FROM range(400000000000) CROSS JOIN (SELECT 1 FROM {{ ref('fct_sends') }} LIMIT 1)\n"
    )
    code = (
        "import sys; from pathlib import Path; from lrreport.config import load_settings; "
        "from lrreport.warehouse.build import build; "
        "s = load_settings(sys.argv[1]).with_database(sys.argv[2]); "
        "build(s, full_refresh=True, project=Path(sys.argv[3]), show_progress=False)"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(golden_copy["config"]), str(golden_copy["database"]), str(project)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    # dbt writes a model's SQL under target/run/ as it starts running it: kill once zz_slow runs
    settings = load_settings(golden_copy["config"]).with_database(golden_copy["database"])
    started = state_dir(settings) / "target" / "run" / "lrreport" / "models" / "marts" / "zz_slow.sql"
    deadline = time.monotonic() + 300
    while not started.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)
    assert started.exists() and proc.poll() is None, "the build ended before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert newest_build(golden_copy["database"]) == ("running", None)
    with pytest.raises(ParameterError, match="did not finish"):
        plan_run(settings, "overview", {"database": str(golden_copy["database"])})
    assert invoke(golden_copy, "build").exit_code == 0
    assert newest_build(golden_copy["database"]) == ("ok", None)


def test_a_model_whose_columns_changed_is_rebuilt_from_scratch(golden_copy) -> None:  # noqa: ANN001
    # A warehouse built by another version of the models: its fct_sends still has a column the
    # model no longer makes (as phone_raw was). An incremental build cannot keep those rows (dbt:
    # on_schema_change = fail), so lrreport rebuilds everything, says why, and the build passes.
    con = duckdb.connect(str(golden_copy["database"]))
    con.execute("ALTER TABLE marts.fct_sends ADD COLUMN phone_raw VARCHAR")
    con.close()
    result = invoke(golden_copy, "build")
    assert result.exit_code == 0, result.output
    assert "(full refresh: the columns of fct_sends changed since the last build)" in result.output
    con = duckdb.connect(str(golden_copy["database"]), read_only=True)
    columns = {r[0] for r in con.execute("DESCRIBE marts.fct_sends").fetchall()}
    con.close()
    assert "phone_raw" not in columns and "send_id" in columns
    assert newest_build(golden_copy["database"]) == ("ok", None)


def test_cli_build_refuses_a_trigger_it_cannot_use(golden_copy, tmp_path: Path) -> None:  # noqa: ANN001
    bad = tmp_path / "bad.toml"
    bad.write_text('[messages.triggers]\n"Order Confirmation" = "paid_at"\n')
    result = invoke({"config": bad, "database": golden_copy["database"]}, "build")
    assert result.exit_code == 1 and "paid_at" in result.output and "ordered_at" in result.output


def test_data_tests_catch_a_broken_invariant(golden_copy) -> None:  # noqa: ANN001
    assert invoke(golden_copy, "test").exit_code == 0
    con = duckdb.connect(str(golden_copy["database"]))
    # Credit more revenue than the order brought in, count a send twice, send one from a shell that
    # does not exist, and lose two sends' hour and one's date.
    con.execute("UPDATE marts.fct_orders SET net_revenue = 500 WHERE order_id = 'LR1003'")
    con.execute("UPDATE marts.fct_sends SET sent_hour = NULL WHERE send_id IN ('S03', 'S04')")
    con.execute("UPDATE marts.fct_sends SET sent_date = NULL WHERE send_id = 'S02'")
    con.execute("INSERT INTO marts.fct_sends SELECT * FROM marts.fct_sends WHERE send_id = 'S01'")
    con.execute("UPDATE marts.fct_sends SET transactional_message_id = 999999 WHERE send_id = 'S02'")
    con.close()
    result = invoke(golden_copy, "test")
    assert result.exit_code == 1
    assert "fct_orders_revenue_valid" in result.output
    assert "unique_fct_sends_send_id" in result.output
    assert "lr_relationship_fct_sends_sender_code_id__phone_list_id__transactional_message_id" in result.output
    assert "agg_sends_daily_reconciles" in result.output
    assert "NULL in sent_date (1 row), sent_hour (2 rows)" in result.output
    assert "queries/tests/fct_orders_revenue_valid.sql" in result.output
    only = invoke(golden_copy, "test", "--select", "fct_optouts_credit_valid")
    assert only.exit_code == 0 and "all 1 data tests passed" in only.output


def test_attribution_with_windows(golden_con, golden_settings) -> None:  # noqa: ANN001
    columns = ["order_id", "rule", "send_id", "sender_code_id", "message_type", "sent_at", "net_revenue"]
    same = attribution_with_windows(golden_con, golden_settings, 30, 24)[columns]
    mart = golden_con.execute(f"SELECT {', '.join(columns)} FROM marts.fct_order_attribution ORDER BY order_id")
    assert same.equals(mart.df())
    # Click 10 days: LR1003's click is its send S21, 30 days before it -> outside the click window
    # (no send to C in the 25 h before, so no post-send either); LR1009's S40 is 32 days old ->
    # outside; LR1010's click is its visit, 30 min before -> still link to S32; LR1002's S12 is
    # 16.5 h before -> link. View 25 hours: S00 (exactly 24 h before LR1001, not about it) now
    # credits LR1001.
    other = attribution_with_windows(golden_con, golden_settings, 10, 25)
    got = {r.order_id: (r.rule, None if r.send_id is None or r.send_id != r.send_id else r.send_id)
           for r in other.itertuples()}
    assert got == {
        "LR1001": ("post_send", "S00"),
        "LR1002": ("link", "S12"),
        "LR1003": ("outside_click_window", "S21"),
        "LR1005": ("link", None),
        "LR1006": ("unmapped", None),
        "LR1007": ("post_send", "S30"),
        "LR1008": ("post_send", "S40"),
        "LR1009": ("outside_click_window", "S40"),
        "LR1010": ("link", "S32"),
    }


def test_optout_timezone_setting(golden_copy) -> None:  # noqa: ANN001
    # optOutDate read as New York time: A's 14:59:59 becomes 19:59:59Z, more than 24 h after S32
    # (15:02Z Jan 23), so nothing of sender code 1 is credited; S50 (12:00Z) is 5 h before 12:00 EST.
    # A changed setting changes every model's fingerprint: the incremental build redoes all rows.
    settings = load_settings(golden_copy["config"]).with_database(golden_copy["database"])
    settings = replace(settings, extract=ExtractSettings(optout_timezone="America/New_York"))
    result = build(settings, show_progress=False)
    assert result.ok and not result.full_refresh, result.report()
    con = duckdb.connect(str(golden_copy["database"]), read_only=True)
    assert con.execute(
        "SELECT sender_code_id, credited_send_id FROM marts.fct_optouts ORDER BY sender_code_id, opted_out_at"
    ).fetchall() == [(1, None), (1, None), (1, None), (2, "S50")]
    assert con.execute("SELECT count(*) FROM marts.fct_sends WHERE optout_credited").fetchone() == (1,)
    con.close()


def test_message_type_mapping_and_triggers_from_settings(golden_copy) -> None:  # noqa: ANN001
    # Map two shells onto one type and trigger it from shipped_at: LR1001's and LR1003's
    # "Shipping" rows replace the Shipping Confirmation ones; Order Confirmation loses its trigger.
    settings = load_settings(golden_copy["config"]).with_database(golden_copy["database"])
    settings = replace(settings, messages=MessageSettings(
        types={"Shipping Confirmation": "Shipping", "delivery-confirmation": "Shipping"},
        triggers={"shipping": "shipped_at"},
    ))
    result = build(settings, show_progress=False)
    assert result.ok, result.report()
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


def test_plain_dbt_build_with_the_documented_profile(golden_copy, tmp_path: Path) -> None:  # noqa: ANN001
    # What the README tells a dbt user: LRREPORT_DATABASE and the profile in queries/.
    env = {**os.environ, "LRREPORT_DATABASE": str(golden_copy["database"])}
    dbt = Path(sys.executable).with_name("dbt")
    run = subprocess.run(
        [str(dbt), "build", "--profiles-dir", ".", "--target-path", str(tmp_path / "target"),
         "--log-path", str(tmp_path / "logs"), "--vars",
         '{"message_types": {"Loyalty Points": "Loyalty Membership Points Earned"}, '
         '"campaign_map": {"lp_jan": "Loyalty Points"}}'],
        cwd=queries_dir(), env=env, capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stdout[-3000:]
    assert "Completed successfully" in run.stdout
    assert newest_build(golden_copy["database"]) == ("ok", None)
    docs = subprocess.run(
        [str(dbt), "docs", "generate", "--profiles-dir", ".", "--target-path", str(tmp_path / "target"),
         "--log-path", str(tmp_path / "logs")],
        cwd=queries_dir(), env=env, capture_output=True, text=True, timeout=300,
    )
    assert docs.returncode == 0, docs.stdout[-3000:]
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    fct_sends = manifest["nodes"]["model.lrreport.fct_sends"]
    assert fct_sends["description"] and fct_sends["columns"]["segments"]["description"]
    catalog = json.loads((tmp_path / "target" / "catalog.json").read_text())
    assert "model.lrreport.fct_sends" in catalog["nodes"]


def test_dbt_never_phones_home(tmp_path: Path) -> None:
    # Usage statistics are off in the project itself (so a plain `dbt build` sends none either),
    # and lrreport's invocations say so on the command line and in the environment.
    import yaml

    from lrreport.warehouse import build as build_module

    project = yaml.safe_load((queries_dir() / "dbt_project.yml").read_text())
    assert project["flags"]["send_anonymous_usage_stats"] is False
    settings = load_settings(env={}).with_database(tmp_path / "w.duckdb")
    args = build_module._args(settings, ["build"])
    assert "--no-send-anonymous-usage-stats" in args and "--no-version-check" in args
    with build_module._dbt_environment():
        assert os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] == "false"
        assert os.environ["DO_NOT_TRACK"] == "1"


def _project_testing(tmp_path: Path, expression: str | None = None, test: str | None = None) -> Path:
    """A copy of the dbt project with one more data test on fct_sends: every row satisfies
    ``expression``, or ``test`` (a data test's YAML, as listed under data_tests)."""
    project = tmp_path / "queries"
    shutil.copytree(queries_dir(), project, ignore=shutil.ignore_patterns("target", "logs"))
    yml = project / "models" / "marts" / "fct_sends.yml"
    text = yml.read_text()
    tests = "    data_tests:\n"  # the model's own tests, before its columns
    extra = test or f"      - lr_expression_is_true:\n          arguments:\n            expression: \"{expression}\"\n"
    assert tests in text.split("    columns:")[0]
    yml.write_text(text.replace(tests, tests + extra, 1))
    return project


def _late_send(database: Path, send_id: str, load_id: str) -> None:
    """A copy of the last send with a phone (golden: S50), under a new id and load."""
    con = duckdb.connect(str(database))
    con.execute(f"""INSERT INTO raw.sends SELECT * REPLACE ('{send_id}' AS send_id, '{load_id}' AS _load_id)
                    FROM raw.sends WHERE phone_number IS NOT NULL ORDER BY send_id DESC LIMIT 1""")
    con.close()


def test_an_increment_tests_its_rows_and_after_a_failure_everything(golden_copy, tmp_path: Path) -> None:  # noqa: ANN001
    # macros/tests/where_subquery.sql: an incremental build tests the rows it recomputed, so a bad
    # new row fails it; the build after one that did not pass tests every row again, so the bad row
    # cannot slip through once it is no longer new.
    settings = load_settings(golden_copy["config"]).with_database(golden_copy["database"])
    project = _project_testing(tmp_path, "send_id <> 'BAD1'")
    _late_send(golden_copy["database"], "BAD1", "late-1")
    first = build(settings, project=project, show_progress=False)
    assert not first.full_refresh and [n.name for n in first.failed] == ["lr_expression_is_true_fct_sends_send_id_BAD1_"]
    second = build(settings, project=project, show_progress=False)  # nothing new: BAD1 is not recomputed
    assert [n.name for n in second.failed] == ["lr_expression_is_true_fct_sends_send_id_BAD1_"]


def test_a_composite_relationship_finds_an_orphan_both_ways(golden_copy, tmp_path: Path) -> None:  # noqa: ANN001
    # lr_relationship reads an increment's rows (a subquery) with NOT EXISTS and a whole table with a
    # left join (macros/tests/lr_relationship.sql): both shapes must find the same orphan. Here the
    # parent is every staged send but ORPHAN1, so the late send ORPHAN1 has none.
    settings = load_settings(golden_copy["config"]).with_database(golden_copy["database"])
    test = ("      - lr_relationship:\n          arguments:\n            columns: [send_id, sent_at]\n"
            "            to: ref('stg_sends')\n            to_where: \"send_id <> 'ORPHAN1'\"\n")
    project = _project_testing(tmp_path, test=test)
    _late_send(golden_copy["database"], "ORPHAN1", "late-1")
    name = "lr_relationship_fct_sends_send_id__sent_at__ref_stg_sends___send_id_ORPHAN1_"
    increment = build(settings, project=project, show_progress=False)
    assert not increment.full_refresh and [n.name for n in increment.failed] == [name]
    whole = run_data_tests(settings, project=project)  # (the models after it were left as they were)
    assert name in [n.name for n in whole.failed]
    assert f"data test {name} failed" in whole.report() and "1 offending row" in whole.report()


def test_staged_sends_are_tested_by_their_new_loads(golden_copy) -> None:  # noqa: ANN001
    # where_subquery.sql: on an increment, a test that looks at each row alone reads the staged
    # sends of the loads the last passed build had not seen. An old row changed by hand (S10: no
    # load) passes the build and is found by `lrreport test`; a bad row of a new load fails it.
    settings = load_settings(golden_copy["config"]).with_database(golden_copy["database"])
    encoding = "accepted_values_stg_sends_encoding__GSM_7__UCS_2"
    con = duckdb.connect(str(golden_copy["database"]))
    con.execute("UPDATE raw.sends SET encoding = 'GSM 7' WHERE send_id = 'S10'")
    con.close()
    _late_send(golden_copy["database"], "LATE1", "late-1")
    assert build(settings, show_progress=False).ok
    assert encoding in [n.name for n in run_data_tests(settings).failed]
    _late_send(golden_copy["database"], "ODD1", "late-2")
    con = duckdb.connect(str(golden_copy["database"]))
    con.execute("UPDATE raw.sends SET encoding = 'GSM 7' WHERE send_id = 'ODD1'")
    con.close()
    assert encoding in [n.name for n in build(settings, show_progress=False).failed]


def test_singular_tests_of_an_increment_read_the_rows_it_recomputed(golden_copy) -> None:  # noqa: ANN001
    # lr_rows_to_test (where_subquery.sql): fct_sends_columns_valid and
    # fct_order_attribution_rules_hold check each row of the model they name alone, so an increment
    # runs them on the rows it wrote. An old row broken by hand passes the build and is found by
    # `lrreport test`; a bad row of a new load fails the build (and so does a repeated contact).
    settings = load_settings(golden_copy["config"]).with_database(golden_copy["database"])
    con = duckdb.connect(str(golden_copy["database"]))
    con.execute("UPDATE marts.fct_sends SET sent_hour = 24 WHERE send_id = 'S10'")  # S10: another phone than S50
    broken = con.execute("""UPDATE marts.fct_orders SET attributed_sent_at = attributed_sent_at - INTERVAL 1 SECOND
        WHERE order_id = (SELECT min(order_id) FROM marts.fct_orders WHERE attributed_send_id IS NOT NULL)
        RETURNING order_id""").fetchone()[0]  # no longer the credited send's time
    con.close()
    _late_send(golden_copy["database"], "LATE1", "late-1")
    result = build(settings, show_progress=False)
    assert result.ok, result.report()
    con = duckdb.connect(str(golden_copy["database"]), read_only=True)
    assert con.execute("""SELECT o.attributed_sent_at < s.sent_at FROM marts.fct_orders AS o
        JOIN marts.fct_sends AS s ON s.send_id = o.attributed_send_id WHERE o.order_id = ?""", [broken]).fetchone() == (
        True,)  # not recomputed by the late send: the build did not look at it
    con.close()
    failed = {n.name for n in run_data_tests(settings).failed}
    assert {"fct_sends_columns_valid", "fct_order_attribution_rules_hold"} <= failed
    con = duckdb.connect(str(golden_copy["database"]))
    con.execute("UPDATE marts.fct_sends SET sent_hour = 0 WHERE send_id = 'S10'")
    con.close()
    _late_send(golden_copy["database"], "ODD1", "late-2")
    con = duckdb.connect(str(golden_copy["database"]))
    con.execute("UPDATE raw.sends SET segments = segments + 7 WHERE send_id = 'ODD1'")
    # stg_contacts is tested by the rows sharing a phone with a new load's row (lr_new_by_load:
    # phone_number), so a new row repeating a stored contact's key is found, old rows unread
    con.execute("""INSERT INTO raw.listrak_contacts SELECT * REPLACE ('contacts-again' AS _load_id)
                   FROM raw.listrak_contacts ORDER BY phone_number LIMIT 1""")
    con.close()
    failed = [n.name for n in build(settings, show_progress=False).failed]
    assert "fct_sends_columns_valid" in failed
    assert "lr_unique_combination_stg_contacts_sender_code_id__phone_list_id__phone_number" in failed


def test_an_increment_leaves_rows_it_did_not_recompute_to_lrreport_test(golden_copy, tmp_path: Path) -> None:  # noqa: ANN001
    # The other side of testing only the recomputed rows: a row that went bad without a load (here
    # marked by hand) is not looked at again by an incremental build; `lrreport test` finds it.
    settings = load_settings(golden_copy["config"]).with_database(golden_copy["database"])
    project = _project_testing(tmp_path, "coalesce(latency_ms, 0) >= 0")  # the golden sends have no latency
    con = duckdb.connect(str(golden_copy["database"]))
    marked = con.execute("""UPDATE marts.fct_sends SET latency_ms = -5 WHERE send_id = (
        SELECT min(send_id) FROM marts.fct_sends
        WHERE phone_number <> (SELECT phone_number FROM marts.fct_sends WHERE send_id = 'S50')
    ) RETURNING send_id""").fetchone()[0]  # S10: another phone than the late copy of S50, so not recomputed
    con.close()
    _late_send(golden_copy["database"], "LATE1", "late-1")  # something new, so the build has rows to test
    assert build(settings, project=project, show_progress=False).ok
    con = duckdb.connect(str(golden_copy["database"]), read_only=True)
    assert con.execute("SELECT latency_ms FROM marts.fct_sends WHERE send_id = ?", [marked]).fetchone() == (-5,)
    con.close()
    tested = run_data_tests(settings, project=project)
    assert [n.name for n in tested.failed] == ["lr_expression_is_true_fct_sends_coalesce_latency_ms_0_0"]
