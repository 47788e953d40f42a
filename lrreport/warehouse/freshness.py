"""How far each source's data reaches (marts.source_freshness, declared in queries/macros/freshness.sql)
and which sources stop short of a moment: one reading for the reports' header, `lrreport status` and
its ``--max-staleness`` check."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb

from lrreport._exceptions import LrreportError
from lrreport.sqlfiles import read_sql


class FreshnessError(LrreportError):
    """The warehouse cannot say how fresh its sources are (models not built), or a bad duration."""


@dataclass(frozen=True)
class Freshness:
    """One declared source: the latest moment its data covers (None: nothing loaded from it)."""

    source: str
    label: str
    basis: str  # what dates it, in words: "latest send", "last extraction"
    data_until: datetime | None

    def lag(self, moment: datetime) -> timedelta | None:
        """How long before ``moment`` the data ends (negative when it reaches past it)."""
        return None if self.data_until is None else moment - self.data_until


def read_freshness(con: duckdb.DuckDBPyConnection) -> list[Freshness]:
    """Every declared source, in the declaration's order."""
    try:
        rows = con.execute(read_sql("reports/source_freshness")).fetchall()
    except duckdb.CatalogException:
        raise FreshnessError(
            "the warehouse has no marts.source_freshness yet: run `lrreport build` first"
        ) from None
    return [Freshness(source, label, basis, until) for source, label, basis, until in rows]


def stale_sources(sources: list[Freshness], moment: datetime, allowed: timedelta) -> list[Freshness]:
    """The sources with data that ends more than ``allowed`` before ``moment``.

    A source never loaded is not stale (it may not be set up at all); the header names it as such.
    """
    return [s for s in sources if s.data_until is not None and moment - s.data_until > allowed]


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(m|min|h|d)\s*$", re.I)
_UNITS = {"m": "minutes", "min": "minutes", "h": "hours", "d": "days"}


def parse_duration(text: str) -> timedelta:
    """``90m``, ``6h``, ``2d`` -> a timedelta; anything else is a FreshnessError naming the forms."""
    match = _DURATION.match(text)
    if not match:
        raise FreshnessError(f"{text!r} is not a duration: write minutes, hours or days, e.g. 90m, 6h, 2d")
    return timedelta(**{_UNITS[match[2].lower()]: float(match[1])})


def format_lag(lag: timedelta) -> str:
    """``5 h 2 min`` / ``3 d 4 h`` / ``12 min``: how far behind, in the two largest units."""
    minutes = int(lag.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    return f"{mins} min"
