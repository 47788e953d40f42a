"""The DuckDB warehouse: connection, schema migrations, model builds, the published snapshot, metrics."""

from lrreport.warehouse.db import connect, writer_lock
from lrreport.warehouse.errors import WarehouseBusyError, WarehouseError

__all__ = ["WarehouseBusyError", "WarehouseError", "connect", "writer_lock"]
