"""Find and read the ``.sql`` files under ``queries/``: SQL lives in files, not in Python strings."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def queries_dir() -> Path:
    """``queries/`` of a source checkout, or the copy packed into an installed wheel."""
    for candidate in (_PACKAGE.parent / "queries", _PACKAGE / "_queries"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("lrreport's queries/ folder is missing from this installation")


@cache
def read_sql(name: str) -> str:
    """The text of ``queries/<name>.sql`` (``name`` like ``"setup/raw_tables"``)."""
    path = queries_dir() / f"{name}.sql"
    if not path.is_file():
        raise FileNotFoundError(f"no SQL file {path}")
    return path.read_text(encoding="utf-8")
