"""Fuzz: a few thousand malformed rows and files (seeded generator) into both loaders.

Asserts, for every load: no exception but lrreport's own refusal (``LoadInputError``, a short
message naming the file); rows in = loaded + rejected + duplicates (+ unchanged, for orders);
every reject has file, line, column and reason, its line inside the file; a refused file leaves a
``failed`` row in meta.loads and no data. Afterwards the warehouse builds and passes its data
tests. The seed is fixed so a failure reproduces; LRREPORT_FUZZ_SEED picks another.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import os
import random
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from click.testing import CliRunner

from lrreport.cli import cli
from lrreport.config import Settings
from lrreport.extract.files import LoadInputError
from lrreport.extract.loading import RejectLimit, load_files
from lrreport.extract.sources import SOURCES
from tests.load.conftest import order_row, send_row

SEED = int(os.environ.get("LRREPORT_FUZZ_SEED", "20261201"))
FILES_PER_SOURCE = 10
ROWS_PER_FILE = 160

# Values that break a rule, or nearly do.
NASTY = [
    "",
    " ",
    "\t",
    "null",
    "NULL",
    "NaN",
    "1e309",
    "-1",
    "0",
    "99999999999",
    "1.5",
    "12.345",
    "(12.00)",
    "$",
    "1,2,3",
    "2026-02-30T10:00:00Z",
    "9999-12-31T23:59:59Z",
    "0001-01-01T00:00:00Z",
    "2026-11-20",
    "11/31/2026 10:00",
    "2026-11-20 25:00:00",
    "2026-11-20T10:15:00+25:00",
    "yesterday",
    "💥",
    "é" * 40,
    "a\x00b",
    '"',
    '""',
    "a,b",
    "line\nbreak",
    "x" * 5000,
    "+1 (999) 000-0000",
    "555",
    "call me",
    "+442079460000",
    "<script>",
    "'; DROP TABLE raw.sends; --",
    "\ufeff",
    "\u00a0",
    "201",
    "600",
]


def _mutate(row: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    row = dict(row)
    for _ in range(rng.choice([1, 1, 2, 3])):
        col = rng.choice(list(row))
        row[col] = rng.choice(NASTY) if rng.random() < 0.85 else None
    return row


def _rows(source: str, rng: random.Random, base: int) -> list[dict[str, Any]]:
    make = send_row if source == "sends" else order_row
    rows = []
    for i in range(ROWS_PER_FILE):
        # ids repeat across and within files now and then: duplicates / newer versions
        row = make(base + i if rng.random() < 0.9 else rng.randrange(base + 1))
        rows.append(_mutate(row, rng) if rng.random() < 0.5 else row)
    return rows


def _csv_bytes(rows: list[dict[str, Any]], cols: list[str], rng: random.Random) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=rng.choice(["\n", "\r\n"]))
    writer.writerow(cols)
    for r in rows:
        writer.writerow(["" if r.get(c) is None else r[c] for c in cols])
    return buf.getvalue().encode("utf-8")


def _damage(data: bytes, rng: random.Random) -> bytes:
    """File-level damage: most of these must be refused cleanly, some still load."""
    kind = rng.choice(
        [
            "truncate",
            "title",
            "sep",
            "bom",
            "bytes",
            "nul",
            "latin1",
            "utf16",
            "ragged",
            "dup_header",
            "empty",
        ]
    )
    lines = data.split(b"\n")
    if kind == "truncate":
        return data[: rng.randrange(1, len(data))]
    if kind == "title":
        return b"Export of 2026-11-30\n" + data
    if kind == "sep":
        return b"sep=,\n" + data
    if kind == "bom":
        return codecs.BOM_UTF8 + data
    if kind == "bytes":
        at = rng.randrange(len(data))
        return data[:at] + bytes(rng.randrange(256) for _ in range(rng.randrange(1, 8))) + data[at:]
    if kind == "nul":
        at = rng.randrange(len(data))
        return data[:at] + b"\x00" + data[at:]
    if kind == "latin1":
        return data.decode("utf-8").replace("e", "é", 3).encode("latin-1", errors="replace")
    if kind == "utf16":
        return data.decode("utf-8").encode("utf-16")
    if kind == "ragged":
        i = rng.randrange(1, max(2, len(lines) - 1))
        lines[i] = lines[i] + b",surplus"
        return b"\n".join(lines)
    if kind == "dup_header":
        head = lines[0].split(b",")
        head[-1] = head[0]
        return b"\n".join([b",".join(head), *lines[1:]])
    return b""


def _write(
    path: Path, rows: list[dict[str, Any]], cols: list[str], rng: random.Random, damaged: bool
) -> Path:
    fmt = path.name.split(".", 1)[1]
    if fmt == "parquet":
        table = pa.table(
            {c: pa.array([None if r.get(c) is None else str(r[c]) for r in rows], pa.string()) for c in cols}
        )
        pq.write_table(table, path)
        return path
    if fmt.startswith("jsonl"):
        lines = [json.dumps({c: r[c] for c in cols if r.get(c) is not None}) for r in rows]
        if damaged:
            i = rng.randrange(len(lines))
            lines[i] = lines[i][: rng.randrange(len(lines[i]))]
        data = ("\n".join(lines) + "\n").encode("utf-8")
    else:
        data = _csv_bytes(rows, cols, rng)
        if damaged:
            data = _damage(data, rng)
    path.write_bytes(gzip.compress(data) if fmt.endswith(".gz") else data)
    return path


def _lines_in(path: Path) -> int:
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    return data.count(b"\n") + 1


def _check_load(
    con: duckdb.DuckDBPyConnection, result: Any, path: Path, source: str, rows_written: int | None
) -> None:
    stored = con.execute(
        "SELECT rows_in, rows_loaded, rows_rejected, status FROM meta.loads WHERE load_id = ?",
        [result.load_id],
    ).fetchall()
    assert stored == [(result.rows_in, result.rows_loaded, result.rejected_rows, "ok")], path
    assert (
        result.rows_in == result.rows_loaded + result.rejected_rows + result.duplicates + result.unchanged
    ), path
    rejects = con.execute(
        "SELECT count(DISTINCT line), min(line), max(line), count(*) FILTER (file IS NULL "
        "OR column_name IS NULL OR reason IS NULL OR line IS NULL) FROM meta.rejects WHERE load_id = ?",
        [result.load_id],
    ).fetchall()[0]
    distinct_lines, first, last, incomplete = rejects
    assert incomplete == 0, path
    assert distinct_lines == result.rejected_rows, path
    if result.rejected_rows:
        limit = ROWS_PER_FILE if path.name.endswith(".parquet") else _lines_in(path)
        assert first >= 1 and last <= limit, (path, first, last, limit)


def _counts(db: Path, source: str) -> tuple[int, int, int]:
    """Loads, failed loads, rows in the source's raw table."""
    if not db.exists():
        return 0, 0, 0
    con = duckdb.connect(str(db), read_only=True)
    try:
        loads, failed = con.execute(
            "SELECT count(*), count(*) FILTER (status = 'failed') FROM meta.loads"
        ).fetchall()[0]
        return loads, failed, con.execute(f"SELECT count(*) FROM raw.{source}").fetchall()[0][0]
    finally:
        con.close()


def test_fuzzed_files_and_rows_into_both_loaders(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    rng = random.Random(SEED)
    db = tmp_path / "fuzz.duckdb"
    settings = Settings().with_database(db)
    everything = RejectLimit(count=None, percent=100.0)
    outcomes = {"loaded": 0, "refused": 0, "rows": 0}
    for source in ("sends", "orders"):
        cols = list(SOURCES[source].columns if source == "orders" else [*send_row(0)])
        for n in range(FILES_PER_SOURCE):
            fmt = rng.choice(["csv", "csv", "csv.gz", "jsonl", "jsonl.gz", "parquet"])
            damaged = fmt != "parquet" and rng.random() < 0.45
            rows = _rows(source, rng, base=n * 1000)
            outcomes["rows"] += len(rows)
            picked = [c for c in cols if rng.random() < 0.93 or c in SOURCES[source].required]
            path = _write(tmp_path / f"{source}{n:02d}.{fmt}", rows, picked, rng, damaged)
            before = _counts(db, source)
            try:
                result = load_files(settings, source, [str(path)], max_rejects=everything)
            except LoadInputError as exc:
                message = str(exc)
                assert str(path) in message, message
                assert len(message) < 600 and "getvariable" not in message and "\n" not in message, message
                loads, failed, rows = before
                # the attempt is recorded as failed and nothing of it landed
                assert _counts(db, source) == (loads + 1, failed + 1, rows), (path, message)
                outcomes["refused"] += 1
                continue
            con = duckdb.connect(str(db), read_only=True)
            try:
                _check_load(con, result, path, source, None if damaged else len(rows))
            finally:
                con.close()
            outcomes["loaded"] += 1
    # both kinds of outcome happened: the generator is not too gentle or too harsh
    assert outcomes["loaded"] >= 8 and outcomes["refused"] >= 3, outcomes
    assert outcomes["rows"] >= 3000
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute(
        "SELECT count(*) FROM raw.sends WHERE contains(message_content, chr(0))"
    ).fetchall() == [(0,)]
    con.close()
    build = CliRunner().invoke(cli, ["build", "--database", str(db)])
    assert build.exit_code == 0, build.output
