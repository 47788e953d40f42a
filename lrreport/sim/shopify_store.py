"""The Shopify simulator's store: the simulated merchant's orders as Shopify Order objects, exported
the way a bulk query operation exports them (one JSON object a line, only the fields selected).

The store is a DuckDB table built from the merchant's orders file (queries/sim/shopify_orders.sql);
an export projects the query's selection set onto it and filters it by the query's search string
(``updated_at:>='...'``), so the JSONL file streams from DuckDB's writer without passing through
Python objects, and a million orders take seconds.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import duckdb
from graphql.language import FieldNode, SelectionSetNode

from lrreport.sqlfiles import read_sql

# The Order fields the simulator serves: None for a scalar, a dict for an object, ("list", dict)
# for a list of objects; names and nesting as in the Admin GraphQL API.
_MONEY_BAG = {"shopMoney": {"amount": None, "currencyCode": None}}
_VISIT = {
    "occurredAt": None,
    "landingPage": None,
    "referrerUrl": None,
    "source": None,
    "utmParameters": {"source": None, "medium": None, "campaign": None, "content": None, "term": None},
}
ORDER_FIELDS: dict[str, Any] = {
    "id": None,
    "name": None,
    "createdAt": None,
    "processedAt": None,
    "updatedAt": None,
    "cancelledAt": None,
    "cancelReason": None,
    "displayFinancialStatus": None,
    "currencyCode": None,
    "totalPriceSet": _MONEY_BAG,
    "currentTotalPriceSet": _MONEY_BAG,
    "totalRefundedSet": _MONEY_BAG,
    "phone": None,
    "email": None,
    "customer": {"phone": None, "email": None},
    "shippingAddress": {"phone": None},
    "sourceName": None,
    "customerJourneySummary": {"ready": None, "lastVisit": _VISIT, "firstVisit": _VISIT},
    "fulfillments": (
        "list",
        {"createdAt": None, "inTransitAt": None, "deliveredAt": None, "status": None, "displayStatus": None},
    ),
}
_FILTER = re.compile(r"^\s*(updated_at|created_at):\s*(>=|<=|>|<)\s*'?([0-9T:.\-+Z ]+?)'?\s*$")
_COLUMN = {"updated_at": "updatedAt", "created_at": "createdAt"}


class QueryError(ValueError):
    """The bulk query asks for something Shopify would refuse; the message is Shopify's kind of text."""


def _quote(name: str) -> str:
    return '"' + name + '"'


def projection(selection: SelectionSetNode, fields: dict[str, Any], base: str, type_name: str) -> str:
    """A DuckDB struct expression for a GraphQL selection over struct value ``base``."""
    parts = []
    for node in selection.selections:
        if not isinstance(node, FieldNode):
            raise QueryError(f"fragments are not supported on {type_name} by the simulator")
        name = node.name.value
        if name not in fields:
            raise QueryError(f"Field '{name}' doesn't exist on type '{type_name}'")
        kind = fields[name]
        key = (node.alias or node.name).value
        value = f"{base}.{_quote(name)}" if base else _quote(name)
        if kind is None:
            if node.selection_set is not None:
                raise QueryError(f"Selections can't be made on scalars (field '{name}')")
            expr = value
        else:
            if node.selection_set is None:
                raise QueryError(f"Field must have selections (field '{name}' returns an object)")
            if isinstance(kind, tuple):
                inner = projection(node.selection_set, kind[1], "x", name)
                expr = f"list_transform({value}, lambda x: {inner})"
            else:
                inner = projection(node.selection_set, kind, value, name)
                expr = f"CASE WHEN {value} IS NULL THEN NULL ELSE {inner} END"
        parts.append(f"{_quote(key)} := {expr}")
    return "struct_pack(" + ", ".join(parts) + ")"


def search_filter(search: str | None) -> tuple[str, list[str]]:
    """A WHERE clause and its parameters for Shopify's search syntax (the terms the simulator knows)."""
    if not search or not search.strip():
        return "TRUE", []
    clauses, params = [], []
    for term in re.split(r"\s+AND\s+", search.strip()):
        match = _FILTER.match(term)
        if not match:
            raise QueryError(f"the simulator does not understand the search term {term!r}")
        field, op, value = match.groups()
        clauses.append(f"{_COLUMN[field]}::TIMESTAMPTZ {op} ?::TIMESTAMPTZ")
        params.append(value.strip())
    return " AND ".join(clauses), params


class ShopifyStore:
    """A shop's orders in DuckDB, built from the merchant's orders file; safe to use from threads."""

    def __init__(self, orders_file: str | Path) -> None:
        self._lock = threading.Lock()
        self._con = duckdb.connect()
        self._con.execute("SET enable_progress_bar = false")
        self._con.execute(read_sql("sim/shopify_macros"))
        path = str(orders_file)
        reader = {".parquet": "read_parquet", ".jsonl": "read_json"}.get(Path(path).suffix, "read_csv")
        options = ", all_varchar = true" if reader == "read_csv" else ""
        self._con.register(
            "sim_source", self._con.sql(f"SELECT * FROM {reader}($path{options})", params={"path": path})
        )
        self._con.execute(read_sql("sim/shopify_orders"))
        self._con.unregister("sim_source")
        self.version = 0  # bumped by every change, so cached exports can tell they are stale

    def count(self) -> int:
        with self._lock:
            return self._con.execute("SELECT count(*) FROM orders").fetchone()[0]  # type: ignore[index]

    def export(self, node: SelectionSetNode, search: str | None, dest: Path) -> int:
        """Write the orders matching ``search``, projected on ``node``, as JSONL; returns the count."""
        where, params = search_filter(search)
        expr = projection(node, ORDER_FIELDS, "", "Order")
        part = dest.with_name(dest.name + ".part")
        with self._lock:
            self._con.execute(
                f"COPY (SELECT unnest({expr}) FROM orders WHERE {where} ORDER BY num) "
                f"TO '{part}' (FORMAT JSON)",
                params,
            )
            part.replace(dest)
            return self._con.execute(f"SELECT count(*) FROM orders WHERE {where}", params).fetchone()[0]  # type: ignore[index]

    def refund(self, name: str, amount: str, at: str) -> None:
        """Refund ``amount`` of order ``name`` at ISO time ``at`` (a change an incremental run must see)."""
        with self._lock:
            self._con.execute(read_sql("sim/shopify_refund"), [amount, at, name])
            self.version += 1

    def names(self, limit: int = 5) -> list[str]:
        with self._lock:
            return [
                r[0]
                for r in self._con.execute("SELECT name FROM orders ORDER BY num LIMIT ?", [limit]).fetchall()
            ]

    def close(self) -> None:
        self._con.close()
