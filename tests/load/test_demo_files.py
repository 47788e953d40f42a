"""The simulator's merchant files (lrreport.sim.files) load cleanly in every format, to the same rows."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.load.conftest import Warehouse

files = pytest.importorskip("lrreport.sim.files")
generator = pytest.importorskip("lrreport.sim.generator")

SPEC = generator.MerchantSpec(seed=11, end_date=date(2024, 6, 30), days=6, contacts=800, orders_per_day=80)
CONTENT = "* EXCLUDE (_load_id, _loaded_at, _source_file)"


@pytest.fixture(scope="module")
def merchant_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    out = tmp_path_factory.mktemp("merchant")
    return {
        "csv": files.write_merchant_files(SPEC, out / "csv", "csv", progress=False),
        "jsonl.gz": files.write_merchant_files(SPEC, out / "jsonl", "jsonl", compress=True, progress=False),
        "parquet": files.write_merchant_files(SPEC, out / "parquet", "parquet", progress=False),
    }


def _load(wh: Warehouse, mf: object) -> tuple[list, list]:
    for source, path in (("sends", mf.sends), ("orders", mf.orders)):  # type: ignore[attr-defined]
        result = wh.run("load", source, str(path))
        assert result.exit_code == 0, result.output
    assert wh.scalar("SELECT count(*) FROM meta.rejects") == 0
    return (
        wh.query(f"SELECT {CONTENT} FROM raw.sends ORDER BY send_id"),
        wh.query(f"SELECT {CONTENT} FROM raw.orders ORDER BY order_id"),
    )


def test_demo_files_load_with_zero_rejects_in_every_format(
    merchant_files: dict[str, object], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    loaded = {fmt: _load(Warehouse(tmp_path / f"{fmt}.duckdb"), mf) for fmt, mf in merchant_files.items()}
    sends, orders = loaded["csv"]
    mf = merchant_files["csv"]
    assert len(sends) == mf.send_rows > 0  # type: ignore[attr-defined]
    assert len(orders) == mf.order_rows > 0  # type: ignore[attr-defined]
    assert loaded["jsonl.gz"] == loaded["csv"]
    assert loaded["parquet"] == loaded["csv"]
    wh = Warehouse(tmp_path / "csv.duckdb")
    # accepted sends all carry an E.164 phone; failed sends with a malformed number keep the raw text
    assert wh.scalar("SELECT count(*) FROM raw.sends WHERE http_status = 201 AND phone_number IS NULL") == 0
    assert (
        wh.scalar("SELECT count(*) FROM raw.sends WHERE phone_number NOT SIMILAR TO '\\+[1-9][0-9]{6,14}'")
        == 0
    )
    assert wh.scalar("SELECT count(*) FROM raw.sends WHERE order_id IS NOT NULL") > 0
