"""lrreport: how a retailer's Listrak transactional SMS program performs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lrreport._imports import skip_iri_grammars

__version__ = "0.1.0"
skip_iri_grammars()  # 1.2 s less to import dbt or nbformat (lrreport._imports says why)

if TYPE_CHECKING:  # pragma: no cover
    import duckdb


def connect(
    database: Any = None, config: Any = None, *, timezone: str | None = None
) -> duckdb.DuckDBPyConnection:
    """Read-only DuckDB connection to the warehouse, session in the business time zone (see lrreport.api)."""
    from lrreport.api import connect as _connect  # imported lazily so `import lrreport` stays fast

    return _connect(database, config, timezone=timezone)
