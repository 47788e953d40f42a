"""Write the warehouse's raw tables to the lake: whole, or the partitions one load touched.

A partition is always written whole from the DuckDB file (the loaders' ledger, which keeps each
raw table unique on its key), so rewriting one is idempotent and never duplicates a row. Each file
is written aside (``<lake>/_staging/``, or a local temporary folder for a remote lake) and then
renamed into place, so a reader sees the old partition or the new one, never half of one.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import fsspec
from fsspec.implementations.local import LocalFileSystem

from lrreport._exceptions import LrreportError
from lrreport.lake.layout import DATA_FILE, PARTITION, RAW_TABLES, SCHEMA_FILE, STAGING, LakeTable, join
from lrreport.sqlfiles import read_sql


class LakeError(LrreportError):
    """The lake cannot be written or read (no lake configured, an unreachable URL ...)."""


@dataclass
class LakeWrite:
    """What one write did: partitions (or whole files) written and removed, per table."""

    written: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)

    @property
    def files(self) -> int:
        return sum(self.written.values())


def filesystem(lake: str) -> tuple[fsspec.AbstractFileSystem, str]:
    """The fsspec filesystem of a lake URL or path, and the lake's root in it."""
    if not lake:
        raise LakeError("no lake configured: set [warehouse] lake in lrreport.toml or pass --lake PATH")
    try:
        fs, root = fsspec.core.url_to_fs(lake)
    except (ImportError, ValueError) as exc:
        raise LakeError(f"lake {lake!r}: {exc}") from None
    return fs, root


def write_lake(con: duckdb.DuckDBPyConnection, lake: str, load_id: str | None = None) -> LakeWrite:
    """Write every raw table to the lake (``load_id`` None), or only the partitions that load touched.

    A load touches the partitions of its own rows and, for tables whose rows can move between
    partitions (a newer order version with another date), the partitions that held their keys.
    Partitions left without rows are removed.
    """
    fs, root = filesystem(lake)
    con.execute("SET enable_progress_bar = false")
    if not isinstance(fs, LocalFileSystem):
        con.register_filesystem(fs)
    out = LakeWrite()
    with _aside(fs, root) as aside:
        for table in RAW_TABLES:
            written, removed = _write_table(con, fs, root, table, load_id, aside)
            if written or removed:
                out.written[table.qualified], out.removed[table.qualified] = written, removed
    return out


def _write_table(
    con: duckdb.DuckDBPyConnection,
    fs: fsspec.AbstractFileSystem,
    root: str,
    table: LakeTable,
    load_id: str | None,
    aside: Path,
) -> tuple[int, int]:
    folder = table.folder(root)
    work = aside / table.schema / table.name
    work.mkdir(parents=True)
    # every table's columns, so that one never loaded is an empty table rather than a missing one
    _copy(con, f"SELECT * FROM {table.qualified} LIMIT 0", work / SCHEMA_FILE)
    _put(fs, work / SCHEMA_FILE, join(folder, SCHEMA_FILE))
    new_rows = f"SELECT * FROM {table.qualified} WHERE {table.load_column} = ?"
    if load_id is not None and not _changed(con, table, new_rows, load_id):
        return 0, 0
    if table.date_sql is None:  # a small table: one file, rewritten whole
        _copy(con, f"SELECT * FROM {table.qualified}", work / DATA_FILE)
        _put(fs, work / DATA_FILE, join(folder, DATA_FILE))
        return 1, 0
    dated = f"SELECT *, {table.date_sql} AS {PARTITION} FROM {table.qualified}"
    if load_id is None:
        wanted = None
        query = dated
    else:
        wanted = _touched(con, fs, folder, table, new_rows, load_id)
        query = f"SELECT * FROM ({dated}) WHERE {PARTITION} IN (SELECT d FROM touched)"
        con.execute("CREATE OR REPLACE TEMP TABLE touched AS SELECT unnest(?::DATE[]) AS d", [sorted(wanted)])
    con.execute(
        f"COPY ({query}) TO '{_sql_path(work / 'parts')}' (FORMAT parquet, PARTITION_BY ({PARTITION}))"
    )
    produced = {p.name.split("=", 1)[1]: p for p in (work / "parts").glob(f"{PARTITION}=*")} if (
        work / "parts").exists() else {}
    for value, part in produced.items():
        files = sorted(part.glob("*.parquet"))
        if len(files) > 1:  # one file per partition, so that a rename replaces it whole
            _copy(con, f"SELECT * FROM read_parquet({[str(f) for f in files]!r})", part / DATA_FILE)
        else:
            files[0].rename(part / DATA_FILE)
        _put(fs, part / DATA_FILE, join(folder, f"{PARTITION}={value}", DATA_FILE))
    present = _partitions(fs, folder)
    stale = (present if wanted is None else present & {str(w) for w in wanted}) - set(produced)
    for value in stale:
        fs.rm(join(folder, f"{PARTITION}={value}"), recursive=True)
    return len(produced), len(stale)


def _changed(con: duckdb.DuckDBPyConnection, table: LakeTable, new_rows: str, load_id: str) -> bool:
    """Whether a load may have changed the table: it wrote rows there, or it rewrites the table."""
    if table.rewritten_by is not None:
        params = {"load_id": load_id, "source": table.rewritten_by}
        return bool(con.execute(read_sql("load/lake_load_rewrites"), params).fetchone()[0])
    return bool(con.execute(f"SELECT count(*) FROM ({new_rows})", [load_id]).fetchone()[0])


def _touched(
    con: duckdb.DuckDBPyConnection,
    fs: fsspec.AbstractFileSystem,
    folder: str,
    table: LakeTable,
    new_rows: str,
    load_id: str,
) -> set:
    """The partition dates a load touched: its rows' dates, and where the lake held their keys."""
    query = f"SELECT DISTINCT {table.date_sql} FROM ({new_rows})"
    dates = {r[0] for r in con.execute(query, [load_id]).fetchall()}
    if table.keys_move and _partitions(fs, folder):
        keys = ", ".join(table.key)
        files = _sql_path(join(_url(fs, folder), "*", "*.parquet"))
        query = (f"SELECT DISTINCT {PARTITION} FROM read_parquet('{files}', hive_partitioning = true) "
                 f"WHERE ({keys}) IN (SELECT ({keys}) FROM ({new_rows}))")
        dates |= {r[0] for r in con.execute(query, [load_id]).fetchall()}
    return dates


def _partitions(fs: fsspec.AbstractFileSystem, folder: str) -> set[str]:
    if not fs.exists(folder):
        return set()
    names = (p.rstrip("/").rsplit("/", 1)[-1] for p in fs.ls(folder, detail=False))
    return {n.split("=", 1)[1] for n in names if n.startswith(f"{PARTITION}=")}


def _copy(con: duckdb.DuckDBPyConnection, query: str, path: Path) -> None:
    con.execute(f"COPY ({query}) TO '{_sql_path(path)}' (FORMAT parquet)")


def _put(fs: fsspec.AbstractFileSystem, local: Path, target: str) -> None:
    """Move a finished local file to ``target``, replacing what is there in one rename."""
    parent = target.rsplit("/", 1)[0]
    fs.makedirs(parent, exist_ok=True)
    if isinstance(fs, LocalFileSystem):
        local.replace(target)  # the staging folder is inside the lake: one rename on one disk
    else:
        aside = join(parent, f".{uuid.uuid4().hex}.tmp")
        fs.put_file(str(local), aside)
        fs.mv(aside, target)


@contextmanager
def _aside(fs: fsspec.AbstractFileSystem, root: str) -> Iterator[Path]:
    """A scratch folder on the lake's own disk when it is local (renames stay atomic), else in /tmp."""
    if isinstance(fs, LocalFileSystem):
        base = Path(join(root, STAGING))
        base.mkdir(parents=True, exist_ok=True)
        work = base / uuid.uuid4().hex
        work.mkdir()
    else:
        work = Path(tempfile.mkdtemp(prefix="lrreport-lake-"))
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _url(fs: fsspec.AbstractFileSystem, path: str) -> str:
    """A path of ``fs`` as DuckDB reads it (a plain path when local, else protocol://path)."""
    if isinstance(fs, LocalFileSystem):
        return path
    protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
    return f"{protocol}://{path}"


def _sql_path(path: Path | str) -> str:
    return str(path).replace("'", "''")

