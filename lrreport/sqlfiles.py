"""Find and read the ``.sql`` files under ``queries/``: SQL lives in files, not in Python strings.

Plain files are read as they are (``read_sql``); the few whose text depends on a declaration (a
raw table's columns, a file's column names) are Jinja templates (``render_sql``), and every
identifier they write goes through the one quoting rule, the ``ident`` filter.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2

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
    """The text of ``queries/<name>.sql`` (``name`` like ``"setup/meta_tables"``)."""
    path = queries_dir() / f"{name}.sql"
    if not path.is_file():
        raise FileNotFoundError(f"no SQL file {path}")
    return path.read_text(encoding="utf-8")


def quote_identifier(name: str) -> str:
    """A SQL identifier, double-quoted (a ``"`` inside doubled)."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    """A SQL string literal, single-quoted (a ``'`` inside doubled)."""
    return "'" + text.replace("'", "''") + "'"


@cache
def _templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(queries_dir()),
        undefined=jinja2.StrictUndefined,  # a name the caller did not pass is an error, not ''
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        extensions=["jinja2.ext.do"],  # templates collect a list of SQL items, then join it
    )
    env.filters["ident"] = quote_identifier
    env.filters["literal"] = quote_literal
    return env


def render_sql(name: str, /, **context: Any) -> str:
    """The SQL of the Jinja template ``queries/<name>.sql`` rendered with ``context``."""
    try:
        template = _templates().get_template(f"{name}.sql")
    except jinja2.TemplateNotFound:
        raise FileNotFoundError(f"no SQL template {queries_dir() / name}.sql") from None
    return template.render(**context)
