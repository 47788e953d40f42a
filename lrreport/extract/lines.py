"""Lines of a text file: the physical line of rejected records, the header, and what broke a read.

DuckDB numbers records, not lines: a quoted field can span lines, blank lines are skipped and a
title or ``sep=,`` line may come before the header. The rows to locate are few, so a streaming
pass over the file (stopping at the last one) finds each record's first physical line exactly.
When DuckDB cannot read a file at all, a pass here finds the first line at fault and says in a
line what is wrong there (never DuckDB's own advice or our SQL).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import sys
from collections.abc import Iterable, Iterator
from typing import IO, NamedTuple

import duckdb

from lrreport.extract.files import InputFile, LoadInputError

_MAX_SHOWN = 60  # characters of a value or name shown in a message


class CsvDialect(NamedTuple):
    """What DuckDB's sniffer found: delimiter, quote, and the lines before the header."""

    delimiter: str
    quote: str
    skip_rows: int = 0


def _short(text: str) -> str:
    return text if len(text) <= _MAX_SHOWN else text[:_MAX_SHOWN] + "..."


def _open_bytes(file: InputFile) -> IO[bytes]:
    return gzip.open(file.path, "rb") if file.compressed else file.path.open("rb")  # noqa: SIM115


def _records(file: InputFile, dialect: CsvDialect | None) -> Iterator[tuple[int, list[str]]]:
    """(first physical line, fields) of each CSV record from the header on; blank lines skipped."""
    dialect = dialect or CsvDialect(",", '"')
    with _open_text(file) as fh:
        for _ in range(dialect.skip_rows):
            fh.readline()
        csv.field_size_limit(sys.maxsize)
        reader = csv.reader(
            fh,
            delimiter=dialect.delimiter if len(dialect.delimiter) == 1 else ",",
            quotechar=dialect.quote if len(dialect.quote) == 1 else '"',
            doublequote=True,
        )
        consumed = 0
        for fields in reader:
            start = consumed + 1
            consumed = reader.line_num
            if fields:
                yield start + dialect.skip_rows, fields


def check_header(file: InputFile, dialect: CsvDialect, described: list[str]) -> list[str]:
    """Refuse a header that names a column twice (DuckDB would rename the second ``name_1``) or
    that the rows do not follow; returns DuckDB's column names."""
    header_line, header = next(_records(file, dialect), (1 + dialect.skip_rows, []))
    seen: dict[str, int] = {}
    for pos, name in enumerate(header, start=1):
        key = name.strip().lower()
        if key in seen:
            raise LoadInputError(
                f"{file.name}: line {header_line}: the header names column {_short(name.strip())!r} twice "
                f"(columns {seen[key]} and {pos}); rename or remove one"
            )
        seen[key] = pos
    if len(described) == 1:
        # one column: a ragged row can make DuckDB's sniffer give up on the delimiter
        for delimiter in (",", ";", "\t", "|"):
            if delimiter in described[0] and delimiter != dialect.delimiter:
                dialect = dialect._replace(delimiter=delimiter)
                header = next(_records(file, dialect), (0, []))[1]
                break
    if header and len(header) != len(described):
        ragged = first_ragged(file, dialect)
        if ragged:
            raise ragged
    return described


def first_ragged(file: InputFile, dialect: CsvDialect | None) -> LoadInputError | None:
    """An error for the first record whose field count differs from the header's, if any."""
    records = _records(file, dialect)
    first = next(records, None)
    if first is None:
        return None
    width = len(first[1])
    for line, fields in records:
        if len(fields) != width:
            return LoadInputError(
                f"{file.name}: line {line}: a ragged row, {len(fields)} fields where the header has {width} "
                "(a missing or extra delimiter, or one inside an unquoted value); fix that line"
            )
    return None


def _first_not_utf8(file: InputFile) -> LoadInputError | None:
    with _open_bytes(file) as fh:
        for lineno, raw in enumerate(fh, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                return LoadInputError(
                    f"{file.name}: line {lineno}, column {exc.start + 1}: not UTF-8 text (byte "
                    f"0x{raw[exc.start]:02X}); save the file as UTF-8 and load it again"
                )
    return None


def _first_bad_json(file: InputFile) -> LoadInputError | None:
    with _open_text(file) as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                return LoadInputError(
                    f"{file.name}: line {lineno}, column {exc.colno}: not valid JSON ({exc.msg}); "
                    "fix or remove that line"
                )
            if not isinstance(value, dict):
                return LoadInputError(
                    f"{file.name}: line {lineno}: a JSON {type(value).__name__}, not an object; "
                    "each line must be one JSON object"
                )
    return None


def read_error(file: InputFile, exc: duckdb.Error, dialect: CsvDialect | None) -> LoadInputError:
    """What made DuckDB fail to read ``file``, in a line naming the file, line and column."""
    found = _first_not_utf8(file) if file.fmt in ("csv", "jsonl") else None
    if found is None and file.fmt == "jsonl":
        found = _first_bad_json(file)
    if found is None and file.fmt == "csv":
        found = first_ragged(file, dialect)
    if found is not None:
        return found
    kind = {"csv": "CSV", "jsonl": "JSON lines", "parquet": "Parquet", "rows": "rows"}[file.fmt]
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return LoadInputError(f"{file.name}: cannot be read as {kind} ({_short(first)}); check the file's format")


def _open_text(file: InputFile) -> IO[str]:
    raw: IO[bytes] = gzip.open(file.path, "rb") if file.compressed else file.path.open("rb")  # noqa: SIM115
    return io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")


def physical_lines(file: InputFile, rows: Iterable[int], dialect: CsvDialect | None = None) -> dict[int, int]:
    """For each 1-based record number in ``rows``, the physical line where that record starts.

    Parquet and rows from Python have no lines: the row number is returned as is. JSON lines count
    every line.
    """
    wanted = sorted(set(rows))
    if not wanted or file.fmt in ("parquet", "rows"):
        return {r: r for r in wanted}
    last = wanted[-1]
    todo = set(wanted)
    found: dict[int, int] = {}
    if file.fmt == "jsonl":
        with _open_text(file) as fh:
            record = 0
            for lineno, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                record += 1
                if record in todo:
                    found[record] = lineno
                    if record == last:
                        break
        return found
    for record, (line, _) in enumerate(_records(file, dialect)):  # the header is record 0
        if record in todo:
            found[record] = line
            if record == last:
                break
    return found
