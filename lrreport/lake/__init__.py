"""The Parquet lake: the raw tables beside (or for) the DuckDB file, and the marts Spark builds.

``write_load`` writes the partitions one load touched, after it committed; ``export`` writes a
whole warehouse. The layout is in ``layout``; Spark's side in ``spark``; DuckDB reading what Spark
built in ``reader``.
"""

from __future__ import annotations

from lrreport.config import Settings
from lrreport.lake.writer import LakeError, LakeWrite, write_lake

__all__ = ["LakeError", "LakeWrite", "export", "write_load"]


def write_load(settings: Settings, load_id: str) -> LakeWrite | None:
    """Write what load ``load_id`` changed to the configured lake (nothing when none is configured)."""
    if not settings.warehouse.lake:
        return None
    return _write(settings, load_id)


def export(settings: Settings) -> LakeWrite:
    """Write every raw table of the warehouse to the lake, removing partitions it no longer has."""
    return _write(settings, None)


def _write(settings: Settings, load_id: str | None) -> LakeWrite:
    from lrreport.warehouse.db import connect

    con = connect(settings, read_only=True)
    try:
        return write_lake(con, settings.warehouse.lake, load_id)
    finally:
        con.close()
