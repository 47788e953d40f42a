"""``lrreport extract listrak`` against the simulator: everything lands with the merchant's counts,
re-running changes nothing, incremental runs pick up only what is new, faults are survived, a
fatal auth error leaves the warehouse as it was, and calls grow with windows, not contacts."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date, timedelta

import pandas as pd
import pytest

from lrreport.config import Credentials, Secret, load_settings
from lrreport.extract.listrak import extract_listrak, windows
from lrreport.listrak import ListrakRetryError
from lrreport.sim.faults import FaultConfig
from lrreport.sim.generator import generate_merchant
from lrreport.sim.server import run_simulator
from tests.extract_listrak.conftest import UNTIL, env_for, snapshot, spec, table

META = ["_load_id", "_loaded_at"]


def _expected_contacts(merchant) -> pd.DataFrame:
    c = merchant.contacts
    return pd.DataFrame({
        "short_code_id": c.short_code_id.astype(int),
        "phone_list_id": c.phone_list_id.astype(int),
        "phone_number": "+" + c.phone_number,
        "opted_out": c.opted_out.astype(bool),
        "subscribed": c.subscribe_date,
    })


def test_everything_lands_and_rerunning_changes_nothing(sim, merchant, run_extract, tmp_path):
    db = tmp_path / "w.duckdb"
    result = run_extract(sim, db, "--until", UNTIL)
    assert result.exit_code == 0, result.output
    assert "raw.listrak_contacts" in result.output

    codes = table(db, "SELECT * FROM raw.listrak_sender_codes")
    assert sorted(codes.short_code_id) == sorted(c["shortCodeId"] for c in merchant.sender_codes)
    lists = table(db, "SELECT * FROM raw.listrak_phone_lists")
    assert len(lists) == sum(len(v) for v in merchant.phone_lists.values())
    assert set(lists.status) == {"Active", "Inactive"}
    shells = table(db, "SELECT * FROM raw.listrak_transactional_messages")
    assert len(shells) == sum(len(v) for v in merchant.shells.values())

    got = table(db, "SELECT * FROM raw.listrak_contacts")
    want = _expected_contacts(merchant)
    assert len(got) == len(want)
    key = ["short_code_id", "phone_list_id", "phone_number"]
    both = got.merge(want, on=key, suffixes=("", "_want"), validate="one_to_one")
    assert len(both) == len(want)
    assert (both.opted_out == both.opted_out_want).all()
    assert both.phone_number.str.match(r"^\+\d{11,15}$").all()
    # the subscribe date is the start of the (Monday-aligned) week the contact subscribed in
    day = pd.to_datetime(both.subscribed).dt.normalize()
    start = pd.to_datetime(both.subscribe_date)
    assert ((start <= day) & (day < start + pd.Timedelta(days=7))).all()
    assert (start.dt.day_of_week == 0).all()

    optouts = table(db, "SELECT * FROM raw.listrak_optouts")
    o = merchant.optouts
    assert len(optouts) == len(o)
    assert set(zip(optouts.phone_number, optouts.opt_out_date.dt.floor("s"), strict=True)) == set(
        zip("+" + o.phone_number, o.opt_out_date.dt.floor("s"), strict=True)
    )

    loads = table(db, "SELECT * FROM meta.loads WHERE source = 'listrak'")
    assert list(loads.status) == ["ok"]
    assert loads.rows_loaded[0] == len(codes) + len(lists) + len(shells) + len(got) + len(optouts)

    before = snapshot(db)
    sim.clear_log()
    again = run_extract(sim, db, "--until", UNTIL)
    assert again.exit_code == 0, again.output
    after = snapshot(db)
    for name in ("listrak_contacts", "listrak_optouts", "state"):
        pd.testing.assert_frame_equal(before[name], after[name])  # untouched, _load_id included
    for name in ("listrak_sender_codes", "listrak_phone_lists", "listrak_transactional_messages"):
        pd.testing.assert_frame_equal(before[name].drop(columns=META), after[name].drop(columns=META))
    # the second run only re-read the look-back: a handful of windows per list
    contact_calls = [r for r in sim.requests if r.path.endswith("/Contact")]
    assert 0 < len(contact_calls) <= 2 * 2 * len(lists)
    assert all(r.query["startSubscribeDate"] >= "2024-06-24" for r in contact_calls)
    loads = table(db, "SELECT * FROM meta.loads WHERE source = 'listrak' ORDER BY started_at")
    assert list(loads.status) == ["ok", "ok"]
    assert loads.rows_loaded[1] == len(codes) + len(lists) + len(shells)  # snapshots only


def test_incremental_run_picks_up_only_new_optouts(merchant, run_extract, tmp_path):
    db = tmp_path / "w.duckdb"
    with run_simulator(merchant) as first:
        assert run_extract(first, db, "--until", UNTIL).exit_code == 0
    n_before = len(table(db, "SELECT * FROM raw.listrak_optouts"))
    sc = int(merchant.sender_codes[0]["shortCodeId"])
    new = pd.DataFrame({
        "short_code_id": sc,
        "phone_number": ["19995550101", "19995550102", "19995550103"],
        "opt_out_date": pd.to_datetime(["2024-07-01 09:15:00", "2024-07-01 22:00:00", "2024-07-02 08:00:00"]),
        "opt_out_reason": ["Campaign", "API", "Admin"],
    })
    grown = replace(merchant, optouts=pd.concat([merchant.optouts, new], ignore_index=True))
    with run_simulator(grown) as second:
        result = run_extract(second, db, "--until", "2024-07-02")
        assert result.exit_code == 0, result.output
        optout_calls = [r for r in second.requests if r.path.endswith("/OptOut")]
    rows = table(db, "SELECT * FROM raw.listrak_optouts")
    assert len(rows) == n_before + 3
    added = rows[rows._load_id == rows._load_id.iloc[rows._loaded_at.argmax()]]
    assert sorted(added.phone_number) == ["+19995550101", "+19995550102", "+19995550103"]
    # only the look-back and the new days were asked for, per sender code
    assert optout_calls and all(r.query["startDate"] >= "2024-06-01" for r in optout_calls)
    state = table(db, "SELECT value FROM meta.extract_state WHERE source = ?", [f"listrak.optouts.{sc}"])
    assert state.value[0] == (date(2024, 7, 2) - timedelta(days=3)).isoformat()


def _settings(sim, db, **extract):
    settings = load_settings(env=env_for(sim)).with_database(db)
    return replace(settings, extract=replace(settings.extract, **extract)) if extract else settings


def test_faults_during_extraction_are_survived(sim, clean_db, tmp_path):
    clean, faulty = clean_db, tmp_path / "faulty.duckdb"
    creds = Credentials(sim.client_id, Secret(sim.client_secret))
    fast = {"backoff_base_s": 0.01, "backoff_cap_s": 0.05}
    until = date(2024, 6, 30)
    sim.faults = FaultConfig(seed=3, rate_limit=0.05, retry_after_s=0, server_error=0.05, drop=0.03,
                             expire_token_after_calls=40)
    sim.clear_log()
    result = extract_listrak(_settings(sim, faulty), creds, until=until, client_options=fast)
    statuses = [r.status for r in sim.requests]
    assert statuses.count(429) + statuses.count(500) + statuses.count(None) > 10
    assert statuses.count(401) >= 2
    assert result.status == "ok"
    a, b = snapshot(clean), snapshot(faulty)
    for name in a:
        cols = [c for c in a[name].columns if c not in META]
        pd.testing.assert_frame_equal(a[name][cols], b[name][cols])


def test_a_failure_mid_run_keeps_whole_batches_and_the_next_run_resumes(sim, clean_db, tmp_path):
    db, clean = tmp_path / "w.duckdb", clean_db
    creds = Credentials(sim.client_id, Secret(sim.client_secret))
    opts = {"backoff_base_s": 0.01, "backoff_cap_s": 0.02, "max_retries": 1}
    settings = _settings(sim, db)
    # a broken API after 120 calls, broken for good: every later try fails, whichever thread makes it
    sim.faults = FaultConfig(script=("none",) * 120 + (500,) * 2000)
    with pytest.raises(ListrakRetryError):
        extract_listrak(settings, creds, until=date(2024, 6, 30), client_options=opts, batch_windows=4)
    partial = snapshot(db)
    assert 0 < len(partial["listrak_contacts"]) < len(snapshot(clean)["listrak_contacts"])
    # no row beyond what its committed state covers
    contacts = table(db, "SELECT short_code_id, phone_list_id, max(window_end) AS last "
                         "FROM raw.listrak_contacts GROUP BY ALL")
    state = dict(table(db, "SELECT source, value FROM meta.extract_state").itertuples(index=False))
    for row in contacts.itertuples():
        resume = date.fromisoformat(state[f"listrak.contacts.{row.short_code_id}.{row.phone_list_id}"])
        assert row.last.date() <= resume + timedelta(days=3)
    sim.faults = FaultConfig()
    extract_listrak(settings, creds, until=date(2024, 6, 30), client_options=opts)
    a, b = snapshot(clean), snapshot(db)
    for name in a:
        cols = [c for c in a[name].columns if c not in META]
        pd.testing.assert_frame_equal(a[name][cols], b[name][cols])
    loads = table(db, "SELECT status FROM meta.loads ORDER BY started_at")
    assert list(loads.status) == ["failed", "ok"]


def test_a_failure_of_the_very_last_call_fails_the_run(sim, tmp_path):
    """The last task to finish fails while the writer waits for more: that is a failed run, not
    the end of a good one (the writer once took "every task done, nothing queued" for success)."""
    creds = Credentials(sim.client_id, Secret(sim.client_secret))
    # a retry late enough that the writer has emptied the queue and waits when the task dies
    opts = {"backoff_base_s": 0.5, "backoff_cap_s": 0.5, "max_retries": 1}
    extract_listrak(_settings(sim, tmp_path / "count.duckdb"), creds, until=date(2024, 6, 30))
    calls = sum(1 for r in sim.requests if r.path.startswith("/sms/v1"))
    # every call answers as in the run above but the last, which fails on both of its tries
    sim.faults = FaultConfig(script=("none",) * (calls - 1) + (500,) * 10)
    db = tmp_path / "w.duckdb"
    with pytest.raises(ListrakRetryError):
        extract_listrak(_settings(sim, db), creds, until=date(2024, 6, 30), client_options=opts)
    assert list(table(db, "SELECT status FROM meta.loads").status) == ["failed"]


def test_fatal_auth_error_leaves_the_warehouse_untouched(sim, clean_db, run_extract, tmp_path):
    db = tmp_path / "w.duckdb"
    shutil.copyfile(clean_db, db)
    before = snapshot(db)
    result = run_extract(sim, db, "--until", "2024-07-05", secret="wrong-secret-zzz")
    assert result.exit_code == 1
    assert "Listrak refused access" in result.output and "Integration Manager" in result.output
    assert "wrong-secret-zzz" not in result.output
    after = snapshot(db)
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name])
    sim.paused = True
    result = run_extract(sim, db, "--until", "2024-07-05")
    assert result.exit_code == 1 and "paused" in result.output
    for name in before:
        pd.testing.assert_frame_equal(before[name], snapshot(db)[name])
    loads = table(db, "SELECT status FROM meta.loads ORDER BY started_at")
    assert list(loads.status) == ["ok", "failed", "failed"]


def test_calls_grow_with_windows_not_contacts(tmp_path):
    small, big = generate_merchant(spec(1000)), generate_merchant(spec(4000))
    calls = {}
    rows = {}
    for name, m in (("small", small), ("big", big)):
        with run_simulator(m) as running:
            db = tmp_path / f"{name}.duckdb"
            creds = Credentials(running.client_id, Secret(running.client_secret))
            result = extract_listrak(_settings(running, db), creds, until=date(2024, 6, 30))
            calls[name] = len([r for r in running.requests if r.path.endswith("/Contact")])
            rows[name] = result.rows_loaded["raw.listrak_contacts"]
            lists = table(db, "SELECT * FROM raw.listrak_phone_lists")
            n_windows = sum(
                len(windows(max(d.date(), date(2015, 1, 1)), date(2024, 6, 30), "week"))
                for d in lists.create_date
            )
    assert rows["big"] > 3 * rows["small"]
    assert calls["small"] == calls["big"] == 2 * n_windows  # two calls per window: subscribed, opted out
