"""The engines' comparison itself: equal marts pass, a float 1e-12 apart passes, and a changed
value, a missing row or a float 1e-7 apart (relative) is found, in rows ordered differently on each side."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.spark.compare import differences

ROWS = [(i, f"o{i % 7}", i * 0.1, None if i % 5 else 1.5) for i in range(120_000)]


def _mart(path: Path, rows: list[tuple]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA marts")
    frame = pd.DataFrame(rows, columns=["id", "label", "amount", "rate"])  # noqa: F841 - read by name
    con.execute("CREATE TABLE marts.m AS SELECT * FROM frame")
    return con


@pytest.mark.parametrize(
    ("change", "found"),
    [
        (lambda r: r, None),
        (lambda r: r[:-1], "119999 rows"),
        (lambda r: [(*r[0][:2], r[0][2] + 1e-12, r[0][3]), *r[1:]], None),
        (lambda r: [*r[:70_000], (r[70_000][0], "changed", *r[70_000][2:]), *r[70_001:]], "['label']"),
        (lambda r: [*r[:90_000], (*r[90_000][:2], r[90_000][2] + 1e-3, r[90_000][3]), *r[90_001:]],
         "['amount']"),
    ],
)
def test_differences_are_found_past_the_first_chunk(tmp_path, change, found):
    left = _mart(tmp_path / "a.duckdb", ROWS)
    right = _mart(tmp_path / "b.duckdb", list(reversed(change(ROWS))))
    got = differences(left, right)
    if found is None:
        assert got == {}
    else:
        assert found in got["m"]
