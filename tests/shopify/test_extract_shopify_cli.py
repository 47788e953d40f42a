"""``lrreport extract shopify`` as a user runs it: a real process, config file, token in the
environment; killed with SIGKILL mid-download it leaves nothing, and the rerun lands everything."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from lrreport.sim.shopify_server import RunningShopify
from tests.shopify.conftest import query


def config(tmp_path: Path, sim: RunningShopify) -> Path:
    path = tmp_path / "lrreport.toml"
    path.write_text(
        f'[warehouse]\ndatabase = "{tmp_path / "w.duckdb"}"\n\n'
        f'[shopify]\nshop = "sim-shop"\nbase_url = "{sim.base_url}"\npoll_interval_s = 0.05\n'
    )
    return path


def command(cfg: Path) -> list[str]:
    return [sys.executable, "-m", "lrreport.cli", "--config", str(cfg), "extract", "shopify"]


def env(token: str | None) -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if k != "SHOPIFY_ACCESS_TOKEN"}
    return {**out, **({"SHOPIFY_ACCESS_TOKEN": token} if token else {}), "PYTHONUNBUFFERED": "1"}


def test_the_command_reports_counts_and_never_shows_the_token(shop: RunningShopify, tmp_path: Path) -> None:
    cfg = config(tmp_path, shop)
    done = subprocess.run(command(cfg), env=env(shop.token), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    n = shop.store.count()
    assert f"Extracted {n:,} Shopify orders from sim-shop" in done.stdout
    assert f"{n:,} written, 0 of them replacing older versions, 0 unchanged, 0 rejected" in done.stdout
    assert "bulk operation completed" in done.stderr
    assert shop.token not in done.stdout + done.stderr
    assert query(tmp_path / "w.duckdb", "SELECT count(*) FROM raw.orders") == [(n,)]


def test_without_a_token_the_command_says_which_variable(shop: RunningShopify, tmp_path: Path) -> None:
    done = subprocess.run(
        command(config(tmp_path, shop)), env=env(None), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    assert "SHOPIFY_ACCESS_TOKEN" in done.stderr and "read_orders" in done.stderr
    assert not any(path == "/admin/api/2026-10/graphql.json" for _, path in shop.shop.requests)


def test_a_failed_operation_exits_non_zero_with_the_reason(shop: RunningShopify, tmp_path: Path) -> None:
    shop.faults.fail = 1
    done = subprocess.run(
        command(config(tmp_path, shop)), env=env(shop.token), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    assert "FAILED (INTERNAL_SERVER_ERROR" in done.stderr and "Nothing was loaded" in done.stderr


def test_sigkill_mid_download_leaves_nothing_and_the_rerun_lands_everything(
    shop: RunningShopify, tmp_path: Path
) -> None:
    cfg = config(tmp_path, shop)
    shop.faults.stall_s = 60  # the download pauses half-way: the process is killed there
    proc = subprocess.Popen(
        command(cfg), env=env(shop.token), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 120
    while not any(path.startswith("/bulk/") for _, path in shop.shop.requests):
        assert proc.poll() is None and time.monotonic() < deadline, "the extract never reached the download"
        time.sleep(0.05)
    time.sleep(0.3)
    assert proc.poll() is None, "the extract finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    db = tmp_path / "w.duckdb"
    if db.exists():  # nothing of the killed run: no orders, no state, no load row
        assert query(db, "SELECT count(*) FROM raw.orders") == [(0,)]
        assert query(db, "SELECT count(*) FROM meta.extract_state") == [(0,)]
        assert query(db, "SELECT count(*) FROM meta.loads") == [(0,)]

    shop.faults.stall_s = 0
    first = subprocess.run(command(cfg), env=env(shop.token), capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    rows = query(db, "SELECT * FROM raw.orders ORDER BY order_id")
    assert len(rows) == shop.store.count()
    # and once more, reading every order: nothing changes
    again = subprocess.run(
        [*command(cfg), "--full"], env=env(shop.token), capture_output=True, text=True, timeout=300
    )
    assert again.returncode == 0, again.stderr
    assert f"0 written, 0 of them replacing older versions, {len(rows):,} unchanged" in again.stdout
    assert query(db, "SELECT * FROM raw.orders ORDER BY order_id") == rows
