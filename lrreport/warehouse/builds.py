"""The record of model builds (meta.lr_builds, written by the dbt project's run hooks).

A build that failed or was killed leaves marts that may mix two builds; until a build succeeds,
reports refuse to publish from them and ``lrreport metrics`` says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from lrreport._exceptions import LrreportError


@dataclass(frozen=True)
class Build:
    """One dbt invocation that built models."""

    started_at: datetime
    status: str  # running (or killed), ok, failed
    failed_node: str | None
    message: str | None


class IncompleteBuildError(LrreportError):
    """The newest build did not finish: its marts may be half old, half new."""


def latest_build(con: duckdb.DuckDBPyConnection) -> Build | None:
    """The newest build recorded, or None when the models were never built by dbt."""
    present = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'meta' AND table_name = 'lr_builds'"
    ).fetchone()
    if not present or not present[0]:
        return None
    row = con.execute(
        "SELECT started_at, status, failed_node, message FROM meta.lr_builds ORDER BY started_at DESC LIMIT 1"
    ).fetchone()
    return Build(*row) if row else None


def require_complete_build(con: duckdb.DuckDBPyConnection, database: Path | str) -> None:
    """Raise IncompleteBuildError when the newest build failed or never finished."""
    build = latest_build(con)
    if build is None or build.status == "ok":
        return
    when = f"{build.started_at:%Y-%m-%d %H:%M} UTC"
    if build.status == "failed":
        cause = f"failed at {build.failed_node}" if build.failed_node else "failed"
        detail = f": {build.message.splitlines()[0][:300]}" if build.message else ""
        what = f"the last build of {database} (started {when}) {cause}{detail}"
    else:
        what = f"the last build of {database} (started {when}) did not finish (still running, or killed)"
    raise IncompleteBuildError(
        f"{what}; its marts may mix two builds, so nothing is published from them. Run `lrreport build`."
    )
