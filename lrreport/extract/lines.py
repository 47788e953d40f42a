"""Map a reader's record numbers to physical line numbers, for the few rows that were rejected.

DuckDB numbers records, not lines: a quoted field can span lines and blank lines are skipped. The
rows to locate are few, so a streaming pass over the file (stopping at the last one) finds each
record's first physical line exactly; the header of a CSV file is line 1.
"""

from __future__ import annotations

import csv
import gzip
import io
import sys
from collections.abc import Iterable
from typing import IO

from lrreport.extract.files import InputFile


def _open_text(file: InputFile) -> IO[str]:
    raw: IO[bytes] = gzip.open(file.path, "rb") if file.compressed else file.path.open("rb")  # noqa: SIM115
    return io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")


def physical_lines(
    file: InputFile, rows: Iterable[int], delimiter: str = ",", quote: str = '"'
) -> dict[int, int]:
    """For each 1-based record number in ``rows``, the physical line where that record starts.

    Parquet has no lines: the row number is returned as is.
    """
    wanted = sorted(set(rows))
    if not wanted or file.fmt == "parquet":
        return {r: r for r in wanted}
    last = wanted[-1]
    todo = set(wanted)
    found: dict[int, int] = {}
    with _open_text(file) as fh:
        if file.fmt == "jsonl":
            record = 0
            for lineno, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                record += 1
                if record in todo:
                    found[record] = lineno
                    if record == last:
                        break
        else:
            csv.field_size_limit(sys.maxsize)
            reader = csv.reader(
                fh,
                delimiter=delimiter if len(delimiter) == 1 else ",",
                quotechar=quote if len(quote) == 1 else '"',
                doublequote=True,
            )
            record = -1  # the header is record 0
            consumed = 0
            for fields in reader:
                start = consumed + 1
                consumed = reader.line_num
                if not fields:
                    continue  # a blank line: DuckDB skips it too
                record += 1
                if record in todo:
                    found[record] = start
                    if record == last:
                        break
    return found
