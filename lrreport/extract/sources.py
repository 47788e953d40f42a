"""The file sources, send logs and orders: their declared raw tables and how a load writes them.

Columns, types, rules and reasons are declared once in ``queries/raw/<name>.yml`` (read by
``lrreport.warehouse.raw_tables``); what stays here is each source's config key for renames and the
way its rows meet what is stored: ``first_wins`` (a send already stored is skipped) or
``newest_wins`` (a newer version of an order replaces the stored one).
"""

from __future__ import annotations

from dataclasses import dataclass

from lrreport.config import Settings
from lrreport.warehouse.raw_tables import RawTable, raw_table


@dataclass(frozen=True)
class FileSource:
    """A raw table that ``lrreport load <name>`` fills from files, and how its rows are written."""

    table: RawTable
    write: str  # first_wins | newest_wins
    keyed_sql: str = "load/keyed"  # SQL file making view _keyed (first_wins: the good rows with their key)

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def target(self) -> str:
        return self.table.table

    @property
    def columns(self) -> tuple[str, ...]:
        return self.table.file_columns

    @property
    def required(self) -> tuple[str, ...]:
        return self.table.required

    def column_map(self, settings: Settings) -> dict[str, str]:
        """The configured renames for this source (``[load] sends_columns`` / ``orders_columns``)."""
        return dict(getattr(settings.load, f"{self.name}_columns", {}) or {})


SENDS = FileSource(raw_table("sends"), write="first_wins", keyed_sql="load/sends_keyed")
ORDERS = FileSource(raw_table("orders"), write="newest_wins")

SOURCES = {s.name: s for s in (SENDS, ORDERS)}
