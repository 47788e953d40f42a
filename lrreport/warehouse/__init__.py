"""The DuckDB warehouse: connection, raw and meta schemas, model runner and data tests."""

from lrreport.warehouse.db import WarehouseError, connect, ensure_schema

__all__ = ["WarehouseError", "connect", "ensure_schema"]
