"""``lrreport extract ga4`` against the GA4 simulator over loopback: numbers, paging, every fault,
quota, auth failures, incremental look-back, a rerun that changes nothing and a kill mid-run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from lrreport.config import load_settings
from lrreport.extract.ga4 import extract_ga4
from lrreport.extract.ga4_client import Ga4Error, Ga4QuotaError
from lrreport.listrak.retry import RetryPolicy
from lrreport.sim.faults import FaultConfig
from tests.extract_ga4.conftest import SINCE, UNTIL, expected, rows

FAST = {"policy": RetryPolicy(max_attempts=7, base_s=0.01, cap_s=0.05, deadline_s=20)}


def settings_for(config: Path, db: Path):
    return load_settings(config, env={}).with_database(db)


def loads(db: Path) -> pd.DataFrame:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "SELECT status, rows_in, rows_loaded, detail FROM meta.loads WHERE source = 'ga4' "
            "ORDER BY started_at"
        ).df()


def test_extract_lands_the_sms_sessions_ga4_holds(ga4, config_for, run_extract, tmp_path):
    db = tmp_path / "w.duckdb"
    result = run_extract(config_for(ga4), db, "--since", SINCE, "--until", UNTIL)
    assert result.exit_code == 0, result.output
    got, want = rows(db), expected(ga4)
    assert len(got) == len(want) > 50
    assert got["campaign"].tolist() == want["sessionCampaignName"].tolist()
    assert got["content"].tolist() == want["sessionManualAdContent"].tolist()
    assert got["sessions"].tolist() == want["sessions"].tolist()
    assert got["engaged_sessions"].tolist() == want["engagedSessions"].tolist()
    assert got["transactions"].tolist() == want["transactions"].tolist()
    assert [float(v) for v in got["purchase_revenue"]] == pytest.approx(want["purchaseRevenue"].tolist())
    assert set(got["currency"]) == {"USD"} and set(got["property_time_zone"]) == {"America/New_York"}
    # only the SMS links' traffic: e-mail from the same source and every other source stay out
    frame = ga4.state.frame()
    assert len(frame) > len(want) and set(frame.sessionMedium) > {"sms"}
    # every day asked for is recorded as covered, with or without sessions
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(
            "SELECT count(*), min(report_date), max(report_date) FROM raw.ga4_days"
        ).fetchone() == (16, date(2026, 11, 1), date(2026, 11, 16))
    assert "property quota: tokens today" in result.output and "left" in result.output
    assert f"{len(want):,} rows in 1 page(s)" in result.output


def test_paging_by_offset_until_row_count(ga4, config_for, run_extract, tmp_path):
    db = tmp_path / "w.duckdb"
    result = run_extract(config_for(ga4, page_size=7), db, "--since", SINCE, "--until", UNTIL)
    assert result.exit_code == 0, result.output
    n = len(expected(ga4))
    offsets = [r.offset for r in ga4.requests if r.path.endswith(":runReport")]
    # ceil(n / 7) pages, each 7 rows further: the first alone, the others 4 at a time
    assert offsets[0] == 0 and sorted(offsets) == list(range(0, n, 7))
    assert len(rows(db)) == n


def test_a_rerun_changes_nothing(ga4, config_for, run_extract, tmp_path):
    db = tmp_path / "w.duckdb"
    config = config_for(ga4)
    assert run_extract(config, db, "--since", SINCE, "--until", UNTIL).exit_code == 0
    before = rows(db)
    with duckdb.connect(str(db), read_only=True) as con:
        days = con.execute("SELECT * FROM raw.ga4_days ORDER BY report_date").df()
        state = con.execute("SELECT * FROM meta.extract_state").df()
    again = run_extract(config, db, "--since", SINCE, "--until", UNTIL)
    assert again.exit_code == 0 and "0 new or revised, 0 removed" in again.output
    pd.testing.assert_frame_equal(rows(db), before)  # _load_id included: nothing was rewritten
    with duckdb.connect(str(db), read_only=True) as con:
        pd.testing.assert_frame_equal(
            con.execute("SELECT * FROM raw.ga4_days ORDER BY report_date").df(), days
        )
        pd.testing.assert_frame_equal(con.execute("SELECT * FROM meta.extract_state").df(), state)
    assert loads(db)["status"].tolist() == ["ok", "ok"]


def test_incremental_run_rereads_the_lookback_days_ga4_revised(ga4, config_for, tmp_path):
    db = tmp_path / "w.duckdb"
    settings = settings_for(config_for(ga4), db)
    ga4.as_of = date(2026, 11, 14)  # the 12th..14th are not final yet
    first = extract_ga4(settings, until=date(2026, 11, 14), client_options=FAST)
    assert (first.start, first.end) == (date(2026, 11, 1), date(2026, 11, 14))
    partial = rows(db)
    ga4.as_of = date(2026, 11, 17)  # three days later GA4 has finished them
    second = extract_ga4(settings, until=date(2026, 11, 17), client_options=FAST)
    # the state was the last day minus the 3-day look-back: 14 - 3 = the 11th
    assert (second.start, second.end) == (date(2026, 11, 11), date(2026, 11, 17))
    assert second.rows_changed > 0 and second.rows_removed > 0
    final = rows(db)
    want = expected(ga4, "2026-11-01", "2026-11-17")
    assert final["sessions"].tolist() == want["sessions"].tolist()
    # the days before the look-back were final and were not rewritten
    old = partial[partial.report_date < pd.Timestamp("2026-11-11")]
    kept = final[final.report_date < pd.Timestamp("2026-11-11")]
    pd.testing.assert_frame_equal(kept.reset_index(drop=True), old.reset_index(drop=True))


@pytest.mark.parametrize(
    "script",
    [
        (429, 429, 429),  # RESOURCE_EXHAUSTED with Retry-After
        ("429-bare", "429-date"),
        (500, 500, 500, 500),  # 500 INTERNAL and 503 UNAVAILABLE alternate
        ("drop", "drop"),
        ("none", 429, "none", 500, "drop", "none", "429-bare"),  # faults mid-paging
    ],
)
def test_every_fault_is_retried_and_the_result_is_the_clean_one(ga4, config_for, tmp_path, script):
    clean_db, db = tmp_path / "clean.duckdb", tmp_path / "w.duckdb"
    config = config_for(ga4, page_size=20)
    extract_ga4(settings_for(config, clean_db), since=date(2026, 11, 1), until=date(2026, 11, 16))
    ga4.clear_log()
    ga4.faults = FaultConfig(script=script, retry_after_s=0)
    result = extract_ga4(
        settings_for(config, db), since=date(2026, 11, 1), until=date(2026, 11, 16), client_options=FAST
    )
    assert result.status == "ok"
    statuses = [r.status for r in ga4.requests]
    assert len([s for s in statuses if s != 200]) == len([k for k in script if k != "none"])
    cols = ["report_date", "campaign", "content", "sessions", "transactions", "purchase_revenue"]
    pd.testing.assert_frame_equal(rows(db)[cols], rows(clean_db)[cols])


def test_token_endpoint_faults_are_retried(ga4, config_for, tmp_path):
    ga4.faults = FaultConfig(script=(500, "drop", 429), apply_to_token=True, retry_after_s=0)
    result = extract_ga4(
        settings_for(config_for(ga4), tmp_path / "w.duckdb"),
        since=date(2026, 11, 1),
        until=date(2026, 11, 16),
        client_options=FAST,
    )
    assert result.rows_in == len(expected(ga4))
    statuses = [r.status for r in ga4.requests if r.path == "/token"]
    assert statuses[0] in (500, 503) and statuses[1:] == [None, 429, 200]


def test_expired_token_mid_run_is_renewed(ga4, config_for, tmp_path):
    db = tmp_path / "w.duckdb"
    settings = settings_for(config_for(ga4, page_size=10), db)

    def progress(done, total):
        if done == 10:  # after the first page, before the others are asked for
            ga4.expire_tokens()

    result = extract_ga4(settings, since=date(2026, 11, 1), until=date(2026, 11, 16), progress=progress)
    assert result.rows_in == len(expected(ga4))
    statuses = [r.status for r in ga4.requests]
    # every page that met the expired token got a 401, renewed it once and was asked for again
    assert statuses.count(401) >= 1
    assert [r.path for r in ga4.requests].count("/token") == 1 + statuses.count(401)


def test_exhausted_quota_fails_clearly_and_writes_nothing(ga4, config_for, run_extract, tmp_path):
    db = tmp_path / "w.duckdb"
    config = config_for(ga4, page_size=10)
    ga4.set_quota(per_hour=3)  # three pages' worth of tokens, then 429 RESOURCE_EXHAUSTED
    with pytest.raises(Ga4QuotaError, match="tokens per hour quota"):
        extract_ga4(
            settings_for(config, db),
            since=date(2026, 11, 1),
            until=date(2026, 11, 16),
            client_options={"policy": RetryPolicy(max_attempts=3, base_s=0.01, cap_s=0.02)},
        )
    assert rows(db).empty
    failed = loads(db)
    assert failed["status"].tolist() == ["failed"] and "RESOURCE_EXHAUSTED" in failed["detail"][0]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM raw.ga4_days").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM meta.extract_state").fetchone() == (0,)
    ga4.set_quota(per_hour=40_000)  # the next hour: the same command goes through
    assert run_extract(config, db, "--since", SINCE, "--until", UNTIL).exit_code == 0
    assert len(rows(db)) == len(expected(ga4))


def test_concurrent_request_quota_is_retried(ga4, config_for, tmp_path):
    ga4.set_quota(concurrent=0)
    with pytest.raises(Ga4QuotaError, match="concurrent requests"):
        extract_ga4(
            settings_for(config_for(ga4), tmp_path / "w.duckdb"),
            since=date(2026, 11, 1),
            until=date(2026, 11, 16),
            client_options={"policy": RetryPolicy(max_attempts=2, base_s=0.01)},
        )
    assert [r.status for r in ga4.requests if r.path.endswith(":runReport")] == [429, 429]


def test_wrong_property_names_the_role_to_grant(ga4, config_for, run_extract, tmp_path):
    result = run_extract(config_for(ga4, property_id="999"), tmp_path / "w.duckdb")
    assert result.exit_code == 1
    assert "PERMISSION_DENIED" in result.output and "Viewer role" in result.output
    assert "lrreport-reader@lrreport-sim.iam.gserviceaccount.com" in result.output


def test_a_key_the_service_account_does_not_own_is_refused_without_showing_it(
    ga4, config_for, run_extract, tmp_path
):
    from lrreport.sim.ga4_server import run_ga4_simulator
    from tests.extract_ga4.conftest import SPEC

    with run_ga4_simulator(SPEC) as other:  # another key pair, same account name
        key = other.key_file()
    stranger = tmp_path / "other-key.json"
    stranger.write_text(json.dumps({**key, "token_uri": ga4.token_url}))
    result = run_extract(config_for(ga4, key_file=stranger), tmp_path / "w.duckdb")
    assert result.exit_code == 1
    assert "invalid_grant" in result.output and str(stranger) in result.output
    secret = json.loads(stranger.read_text())["private_key"]
    assert secret.splitlines()[1] not in result.output and "PRIVATE KEY" not in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "does not exist"),
        ("not json", "is not JSON"),
        ('{"type": "service_account", "client_email": "a@b"}', "lacks private_key, token_uri"),
        (
            '{"type": "service_account", "client_email": "a@b", "token_uri": "http://127.0.0.1:9/t", '
            '"private_key": "-----BEGIN PRIVATE KEY-----\\nAAAA\\n-----END PRIVATE KEY-----\\n"}',
            "not a valid PEM key",
        ),
    ],
)
def test_unusable_key_files_are_named(ga4, config_for, run_extract, tmp_path, content, message):
    key = tmp_path / "bad-key.json"
    if content is not None:
        key.write_text(content)
    result = run_extract(config_for(ga4, key_file=key), tmp_path / "w.duckdb")
    assert result.exit_code == 1 and message in result.output and str(key) in result.output
    assert "AAAA" not in result.output
    # the warehouse opens while the key is read: a key that fails leaves no new warehouse behind
    assert not (tmp_path / "w.duckdb").exists()


def test_missing_property_and_key_file_say_what_to_set(tmp_path, run_extract):
    config = tmp_path / "lrreport.toml"
    config.write_text("", encoding="utf-8")
    result = run_extract(config, tmp_path / "w.duckdb")
    assert result.exit_code == 1 and "[ga4] property_id is not set" in result.output
    config.write_text('[ga4]\nproperty_id = "123"\n', encoding="utf-8")
    result = run_extract(config, tmp_path / "w.duckdb")
    assert result.exit_code == 1 and "GA4_KEY_FILE" in result.output


def test_a_run_killed_mid_way_leaves_the_warehouse_as_it_was(ga4, config_for, tmp_path):
    db = tmp_path / "w.duckdb"
    config = config_for(ga4, page_size=5)
    first = extract_ga4(settings_for(config, db), since=date(2026, 11, 1), until=date(2026, 11, 10))
    before = rows(db)
    with duckdb.connect(str(db), read_only=True) as con:
        days_before = con.execute("SELECT count(*) FROM raw.ga4_days").fetchone()
    ga4.clear_log()
    ga4.faults = FaultConfig(slow=1.0, slow_s=0.3)  # every page takes a while
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "lrreport.cli",
            "--config",
            str(config),
            "extract",
            "ga4",
            "--database",
            str(db),
            "--since",
            SINCE,
            "--until",
            UNTIL,
        ],
        env={**os.environ, "GA4_KEY_FILE": ""},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while sum(r.path.endswith(":runReport") for r in ga4.requests) < 4:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    pd.testing.assert_frame_equal(rows(db), before)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM raw.ga4_days").fetchone() == days_before
    ga4.faults = FaultConfig()
    again = extract_ga4(settings_for(config, db), since=date(2026, 11, 1), until=date(2026, 11, 16))
    assert again.status == "ok" and first.status == "ok"
    assert len(rows(db)) == len(expected(ga4))


def test_values_are_parsed_in_bulk_and_malformed_ones_named():
    from lrreport.extract.ga4 import Ga4ExtractError, _typed

    got = _typed(
        [["20261115"], ["Order Confirmation"], ["order_details"], ["12"], ["11"], ["7"], ["2"], ["1234.565"]],
        "u",
    )
    assert got["report_date"].to_pylist() == [date(2026, 11, 15)] and got["sessions"].to_pylist() == [12]
    assert str(got["purchase_revenue"][0]) == "1234.57"  # to the cent, half away from zero
    with pytest.raises(Ga4ExtractError, match="malformed value from u"):
        _typed([["2026-11-15"], ["c"], ["k"], ["1"], ["1"], ["1"], ["0"], ["0"]], "u")
    with pytest.raises(Ga4ExtractError, match="malformed value"):
        _typed([["20261115"], ["c"], ["k"], ["1.5"], ["1"], ["1"], ["0"], ["0"]], "u")


def test_a_report_that_changes_while_it_is_read_is_refused(ga4, config_for, tmp_path):
    db = tmp_path / "w.duckdb"
    config = config_for(ga4, page_size=10)
    config.write_text(config.read_text().replace("[ga4]\n", "[ga4]\nconcurrency = 1\n"))
    ga4.as_of = date(2026, 11, 14)

    def progress(done, total):
        ga4.as_of = date(2026, 11, 15)  # a new day's rows arrive between two pages: rowCount moves

    with pytest.raises(Ga4Error, match="the report changed while it was read"):
        extract_ga4(
            settings_for(config, db), since=date(2026, 11, 1), until=date(2026, 11, 16), progress=progress
        )
    assert rows(db).empty and loads(db)["status"].tolist() == ["failed"]
