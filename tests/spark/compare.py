"""Comparing marts row by row across engines: order-insensitive, floats to 1e-9."""

from __future__ import annotations

import math
from decimal import Decimal

import duckdb


def mart_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The marts (tables and views) of a DuckDB file."""
    query = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts' ORDER BY 1"
    return [r[0] for r in con.execute(query).fetchall()]


def rows(con: duckdb.DuckDBPyConnection, mart: str, columns: list[str]) -> list[tuple]:
    """Every row of a mart, in a canonical order (floats rounded only to sort, never to compare)."""
    return canonical(con.execute(f"SELECT {', '.join(columns)} FROM marts.{mart}").fetchall())


def canonical(got: list[tuple]) -> list[tuple]:
    """Rows in a canonical order, whatever order an engine gave them in."""
    return sorted(got, key=lambda row: tuple(_sort_key(v) for v in row))


def _sort_key(value: object) -> tuple:
    if value is None:
        return (0, "")
    if isinstance(value, float):
        return (1, f"{value:.6e}")
    return (1, repr(value) if not isinstance(value, int | Decimal) else f"{Decimal(value):040.6f}")


def same(a: object, b: object) -> bool:
    """Equal values; floats equal to 1e-9 (relative, or absolute near zero)."""
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is b
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def differences(left: duckdb.DuckDBPyConnection, right: duckdb.DuckDBPyConnection,
                skip_columns: tuple[str, ...] = ()) -> dict[str, str]:
    """Per mart, what differs between two DuckDB files' marts (empty when every row is equal)."""
    out: dict[str, str] = {}
    names = mart_names(left)
    if names != mart_names(right):
        out["(marts)"] = f"{names} <> {mart_names(right)}"
    for mart in names:
        described = left.execute(f"DESCRIBE marts.{mart}").fetchall()
        columns = [r[0] for r in described if r[0] not in skip_columns]
        a, b = rows(left, mart, columns), rows(right, mart, columns)
        if len(a) != len(b):
            out[mart] = f"{len(a)} rows <> {len(b)} rows"
            continue
        for x, y in zip(a, b, strict=True):
            bad = [c for c, u, v in zip(columns, x, y, strict=True) if not same(u, v)]
            if bad:
                out[mart] = f"first differing row: {dict(zip(columns, x, strict=True))} <> " \
                            f"{dict(zip(columns, y, strict=True))} (columns {bad})"
                break
    return out
