"""The warehouse's errors: a file that cannot be used, and one another process is writing."""

from __future__ import annotations

from lrreport._exceptions import LrreportError


class WarehouseError(LrreportError):
    """The DuckDB file cannot be opened, is not an lrreport warehouse, or has a schema we cannot use."""


class WarehouseBusyError(WarehouseError):
    """Another process held the warehouse longer than this command was willing to wait."""
