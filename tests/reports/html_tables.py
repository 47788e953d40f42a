"""The tables of an exported report, read back from its HTML (cells as the reader sees them)."""

from __future__ import annotations

import html
import re

_TABLE = re.compile(r"<table\b.*?</table>", re.S)
_ROW = re.compile(r"<tr\b.*?</tr>", re.S)
_CELL = re.compile(r"<t[hd]\b[^>]*>(.*?)</t[hd]>", re.S)
_TAG = re.compile(r"<[^>]+>")


def _text(cell: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", cell)).split())


def tables(page: str) -> list[list[list[str]]]:
    """Every ``<table>`` of the page as rows of cell texts, the header row first."""
    return [[[_text(c) for c in _CELL.findall(row)] for row in _ROW.findall(t)] for t in _TABLE.findall(page)]


def table_with(page: str, header: str) -> list[dict[str, str]]:
    """The rows (as header -> text) of the one table whose header row has a column ``header``."""
    found = [t for t in tables(page) if t and header in t[0]]
    assert len(found) == 1, f"{len(found)} tables with a column {header!r}"
    head, *body = found[0]
    return [dict(zip(head, row, strict=True)) for row in body]


def money(text: str) -> float:
    """``$15,368`` -> 15368.0."""
    return float(re.sub(r"[^\d.\-]", "", text))
