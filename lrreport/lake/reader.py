"""Read what Spark built with DuckDB: a small DuckDB file of views over the lake's Parquet tables.

The marts are small, so metrics, reports and notebooks read them as before, from a DuckDB file
(beside the warehouse's, ``<stem>.lake.duckdb``) whose ``marts``, ``intermediate``, ``staging`` and
``raw`` schemas are views over the lake, and whose ``meta.lr_builds`` is a copy of the lake's
record of builds (so an unfinished Spark build stops reports as an unfinished DuckDB build does).
It is made afresh each time, so it always shows the lake as it is.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import duckdb
from fsspec import AbstractFileSystem
from fsspec.implementations.local import LocalFileSystem

from lrreport.config import Settings
from lrreport.lake.layout import BUILT_SCHEMAS, PARTITION, RAW_TABLES, join
from lrreport.lake.writer import LakeError, filesystem
from lrreport.sqlfiles import read_sql


def reader_path(settings: Settings) -> Path:
    """Where the DuckDB file over the lake lives for this warehouse."""
    path = settings.database_path.expanduser().resolve()
    return path.with_name(f"{path.stem}.lake.duckdb")


def lake_reader(settings: Settings) -> Settings:
    """Make the DuckDB file over the lake's tables; the settings pointed at it."""
    lake = settings.warehouse.lake
    fs, root = filesystem(lake)
    if not fs.exists(join(root, "marts")):
        raise LakeError(f"lake {lake} has no marts yet: run `lrreport build --engine spark` first")
    path = reader_path(settings)
    # a name of its own: two readers at once (metrics and a report) each make their file, the last wins
    aside = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex}.tmp")
    con = duckdb.connect(str(aside))
    try:
        if not isinstance(fs, LocalFileSystem):
            con.register_filesystem(fs)
        url = root if isinstance(fs, LocalFileSystem) else lake
        for schema in ("raw", *BUILT_SCHEMAS):
            con.execute(f"CREATE SCHEMA {schema}")
        for table in RAW_TABLES:
            if table.schema == "raw":
                dated = table.date_sql is not None
                files = join(url, table.schema, table.name, "*/*.parquet" if dated else "*.parquet")
                _view(con, fs, table.qualified, files, dated)
        for schema in BUILT_SCHEMAS[:-1]:  # staging, intermediate, marts
            for folder in fs.ls(join(root, schema), detail=False) if fs.exists(join(root, schema)) else []:
                name = folder.rstrip("/").rsplit("/", 1)[-1]
                _view(con, fs, f"{schema}.{name}", join(url, schema, name, "*.parquet"), False)
        builds = join(root, "meta", "lr_builds")
        if fs.exists(builds) and fs.glob(join(builds, "*", "*.parquet")):
            files = join(url, "meta", "lr_builds", "*", "*.parquet")
            con.execute(read_sql("load/lake_builds_copy"), {"files": files})
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        aside.unlink(missing_ok=True)  # nothing half-made left beside the warehouse
        raise
    con.close()
    aside.replace(path)
    return settings.with_database(path).with_lake(None, "duckdb")


def readable(settings: Settings) -> Settings:
    """The settings a reader of the marts uses: on Spark, the DuckDB file over the lake's marts."""
    return lake_reader(settings) if settings.warehouse.engine == "spark" else settings


def lake_builds_ok(settings: Settings) -> bool:
    """Whether a Spark build has ever finished well on this lake (else the next one starts afresh)."""
    fs, root = filesystem(settings.warehouse.lake)
    builds = join(root, "meta", "lr_builds", "*", "*.parquet")
    if not fs.glob(builds):
        return False
    if not isinstance(fs, LocalFileSystem):
        builds = join(settings.warehouse.lake, "meta", "lr_builds", "*", "*.parquet")
    con = duckdb.connect()
    try:
        if not isinstance(fs, LocalFileSystem):
            con.register_filesystem(fs)
        return bool(con.execute(read_sql("load/lake_builds_ok"), {"files": builds}).fetchone()[0])
    finally:
        con.close()


def _view(
    con: duckdb.DuckDBPyConnection, fs: AbstractFileSystem, name: str, files: str, partitioned: bool
) -> None:
    """A view over the Parquet files matching ``files``, when there are any."""
    if not fs.glob(files):
        return
    hive = f", hive_partitioning = true, hive_types = {{'{PARTITION}': DATE}}" if partitioned else ""
    quoted = files.replace("'", "''")
    con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{quoted}'{hive})")
