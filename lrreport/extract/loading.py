"""Load send-log and orders files into the raw tables: one transaction per load, set-based SQL.

Each file is read by DuckDB's own reader with every column as text, renamed to the canonical
columns, and staged; SQL then validates and normalises the whole batch (queries/load/), rejected
rows go to ``meta.rejects`` with file, line, column and reason, and the good rows are inserted
with the load's metadata. Data, rejects and the ``meta.loads`` row commit together or not at all.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from lrreport.config import Settings
from lrreport.extract.files import InputFile, LoadInputError, expand_paths, is_empty, sniff
from lrreport.extract.lines import CsvDialect, check_header, physical_lines, read_error
from lrreport.extract.phones import create_phone_table, install_phone_macros, pending_phones, phone_map
from lrreport.extract.presets import Preset, preset_for
from lrreport.extract.sources import SOURCES, FileSource
from lrreport.extract.values import set_parse_variables
from lrreport.sqlfiles import read_sql, render_sql
from lrreport.warehouse.db import connect

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (what is happening, steps done, steps in total)


@dataclass(frozen=True)
class RejectLimit:
    """How many rejected rows a load tolerates: a count, or a percentage of the rows read."""

    count: int | None = 0
    percent: float | None = None

    @classmethod
    def parse(cls, text: str | int) -> RejectLimit:
        """``"10"`` -> at most 10 rows; ``"0.5%"`` -> at most 0.5% of the rows read; ``"0"`` -> none."""
        raw = str(text).strip()
        try:
            if raw.endswith("%"):
                pct = float(raw[:-1])
                if not 0 <= pct <= 100:
                    raise ValueError
                return cls(count=None, percent=pct)
            n = int(raw)
            if n < 0:
                raise ValueError
            return cls(count=n)
        except ValueError:
            raise ValueError(
                f"max rejects must be a whole number >= 0 or a percentage like 0.5%, got {raw!r}"
            ) from None

    def allows(self, rejected: int, rows_in: int) -> bool:
        """True when ``rejected`` rows out of ``rows_in`` stay within the limit."""
        if self.percent is not None:
            return rejected <= rows_in * self.percent / 100
        return rejected <= (self.count or 0)

    def __str__(self) -> str:
        return f"{self.percent:g}%" if self.percent is not None else str(self.count)


@dataclass
class LoadResult:
    """What a load did, for the summary and for tests."""

    load_id: str
    source: str
    files: list[str]
    limit: RejectLimit
    rows_in: int = 0
    rows_loaded: int = 0
    duplicates: int = 0  # sends already stored or repeated in the batch; older order versions
    unchanged: int = 0  # orders identical to the stored version (not rewritten)
    continued: int = 0  # rows folded into an earlier row of their order (a preset's line items)
    replaced: int = 0  # stored orders replaced by a newer version
    rejected_rows: int = 0
    rejects: list[tuple[str, str, int]] = field(default_factory=list)  # (column, reason, count)
    empty_files: list[str] = field(default_factory=list)
    phones_in_python: int = 0  # distinct phone texts SQL did not settle (normalised in Python)
    status: str = "ok"  # ok | rejected_over_threshold
    duration_s: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def parse_column_map(pairs: Sequence[str]) -> dict[str, str]:
    """``["old=new", ...]`` from ``--map`` into a dict; a malformed pair is a clear error."""
    out: dict[str, str] = {}
    for pair in pairs:
        old, sep, new = pair.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise LoadInputError(f"--map {pair!r}: expected OLD=NEW (a column of the file = a loader column)")
        out[old.strip()] = new.strip()
    return out


def _set(con: duckdb.DuckDBPyConnection, name: str, value: Any) -> None:
    con.execute(render_sql("load/templates/set_variable", name=name, map=False), [value])


def _norm(name: str) -> str:
    return name.strip().lower()


def plan_columns(
    file: InputFile, have: list[str], source: FileSource, column_map: dict[str, str]
) -> tuple[dict[str, str], list[str], list[str]]:
    """Decide how the file's columns become the source's: (renames, columns to drop, to add).

    Names match case-insensitively after trimming; ``column_map`` renames first. Missing required
    columns are an error naming the file, what is missing and what the file has.
    """
    mapping = {_norm(k): _norm(v) for k, v in column_map.items()}
    unknown = sorted({v for v in mapping.values() if v not in source.columns})
    if unknown:
        raise LoadInputError(
            f"column map names {', '.join(unknown)}, not {source.name} column(s); "
            f"known: {', '.join(source.columns)}"
        )
    renames: dict[str, str] = {}
    drops: list[str] = []
    taken: dict[str, str] = {}
    for col in have:
        target = mapping.get(_norm(col), _norm(col))
        if target in source.columns:
            if target in taken:
                raise LoadInputError(
                    f"{file.name}: columns {taken[target]!r} and {col!r} both give "
                    f"{source.name} column {target!r}"
                )
            taken[target] = col
            if col != target:
                renames[col] = target
        else:
            drops.append(col)
    missing = [c for c in source.required if c not in taken]
    if missing:
        raise LoadInputError(
            f"{file.name}: missing required {source.name} column(s) {', '.join(missing)}; "
            f"the file has {', '.join(have) or 'no columns'}"
            + (" (use --map OLD=NEW to rename)" if have else "")
        )
    adds = [c for c in source.columns if c not in taken]
    return renames, drops, adds


def _stage_file(
    con: duckdb.DuckDBPyConnection,
    file: InputFile,
    index: int,
    first: bool,
    source: FileSource,
    column_map: dict[str, str],
    preset: Preset | None,
) -> CsvDialect | None:
    """Read one file into temp table ``_file`` with the source's columns, then into ``_stage``.

    Returns the CSV dialect found (delimiter, quote, lines before the header), for line numbers.
    """
    _set(con, "load_path", str(file.path))
    _set(con, "load_file_idx", index)
    dialect = None
    if file.fmt == "rows":
        con.register("_rows_in", file.rows)
    try:
        if file.fmt == "csv":
            dialect = CsvDialect(*con.execute(read_sql("load/sniff_csv")).fetchall()[0])
        described = con.execute(read_sql(f"load/describe_{file.fmt}")).fetchall()
    except duckdb.Error as exc:
        raise read_error(file, exc, dialect) from None
    have = [row[0] for row in described]
    if dialect is not None:
        have = check_header(file, dialect, have)
    merges = _merges(have, preset)
    planned = [c for c in have if c not in {x for cands in merges.values() for x in cands}] + list(merges)
    renames, drops, adds = plan_columns(file, planned, source, column_map)
    try:
        if file.fmt == "jsonl":
            # DuckDB saw only a sample of the records: ask for every key the load could use too,
            # so a key that first appears further down is read rather than silently dropped
            mapped = {_norm(v): k for k, v in column_map.items()}
            later = [mapped.get(c, c) for c in adds]
            have = have + [k for k in dict.fromkeys(later) if k not in have]
            renames, drops, adds = plan_columns(file, have, source, column_map)
            _set(con, "load_json_columns", {c: "VARCHAR" for c in have})
        con.execute(read_sql(f"load/read_{file.fmt}"))
    except duckdb.Error as exc:
        raise read_error(file, exc, dialect) from None
    shape = {"merges": merges, "renames": renames, "drops": drops, "adds": adds, "first": first}
    con.execute(render_sql("load/templates/shape_file", **shape))
    return dialect


def _merges(have: list[str], preset: Preset | None) -> dict[str, tuple[str, ...]]:
    """The preset's loader columns given by several of the file's columns (those it has)."""
    if preset is None:
        return {}
    by_norm = {_norm(c): c for c in have}
    out = {}
    for col, cands in preset.merges().items():
        present = tuple(by_norm[_norm(c)] for c in cands if _norm(c) in by_norm)
        if present:
            out[col] = present
    return out


def _record_rejects(
    con: duckdb.DuckDBPyConnection, files: list[InputFile], dialects: dict[int, CsvDialect]
) -> None:
    """Map rejected record numbers to physical lines, then write ``meta.rejects``."""
    by_file: dict[int, list[int]] = {}
    for idx, row in con.execute(read_sql("load/rejects_rows")).fetchall():
        by_file.setdefault(idx, []).append(row)
    idxs: list[int] = []
    rows: list[int] = []
    lines: list[int] = []
    for idx, wanted in by_file.items():
        for row, line in physical_lines(files[idx], wanted, dialects.get(idx)).items():
            idxs.append(idx)
            rows.append(row)
            lines.append(line)
    con.execute(read_sql("load/lines_table"), {"file_idx": idxs, "row": rows, "line": lines})
    con.execute(read_sql("load/rejects_record"))


def _record_load(
    con: duckdb.DuckDBPyConnection,
    result: LoadResult,
    source: FileSource,
    started: datetime,
    detail: str | None,
) -> None:
    finished = datetime.now(UTC)
    result.duration_s = (finished - started).total_seconds()
    con.execute(
        read_sql("load/record_load"),
        {
            "load_id": result.load_id,
            "source": result.source,
            "target": source.target,
            "started_at": started,
            "finished_at": finished,
            "duration_s": result.duration_s,
            "rows_in": result.rows_in,
            "rows_loaded": result.rows_loaded,
            "rows_rejected": result.rejected_rows,
            "status": result.status,
            "detail": detail,
            "files": result.files,
        },
    )


def _write_first_wins(con: duckdb.DuckDBPyConnection, source: FileSource, result: LoadResult) -> None:
    """Insert the good rows whose key is not stored yet (sends: the first load wins)."""
    con.execute(read_sql(source.keyed_sql))
    repeats = con.execute(source.table.key_repeats_sql("_keyed")).fetchall()[0][0]
    insert = source.table.insert_new_keys_sql("_keyed", first_of_repeats=bool(repeats))
    result.rows_loaded = con.execute(insert).fetchall()[0][0]
    result.duplicates = result.rows_in - result.continued - result.rejected_rows - result.rows_loaded


def _write_newest_wins(con: duckdb.DuckDBPyConnection, source: FileSource, result: LoadResult) -> None:
    """Per key the newest good row; identical stored rows kept, changed ones replaced (orders)."""
    table = source.table
    con.execute(table.newest_versions_sql())
    latest = con.execute(read_sql("load/new_rows")).fetchall()[0][0]
    result.duplicates = result.rows_in - result.continued - result.rejected_rows - latest
    result.unchanged = con.execute(table.drop_unchanged_sql()).fetchall()[0][0]
    result.replaced = con.execute(table.replace_sql()).fetchall()[0][0]
    result.rows_loaded = con.execute(table.insert_sql("_new")).fetchall()[0][0]


def new_load_id(source: str) -> str:
    """A sortable, unique id for one load: ``sends-20240102T030405Z-1a2b3c4d``."""
    return f"{source}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"


def load_files(
    settings: Settings,
    source_name: str,
    paths: Sequence[str],
    *,
    column_map: dict[str, str] | None = None,
    max_rejects: RejectLimit | None = None,
    progress: Progress | None = None,
    preset: str | None = None,
) -> LoadResult:
    """Load the files at ``paths`` (files, folders, globs) as ``source_name`` (sends | orders).

    One transaction: past ``max_rejects`` no data lands, but the rejects and a load row with
    status ``rejected_over_threshold`` are recorded. A bad file raises ``LoadInputError`` and the
    database keeps nothing of the load except a ``failed`` row in ``meta.loads``.
    """
    found = expand_paths(list(paths))
    return _load(
        settings,
        source_name,
        [str(p) for p in found],
        lambda: [sniff(p) for p in found],  # a file that is not what it claims is a failed load
        column_map=column_map,
        max_rejects=max_rejects,
        progress=progress,
        preset=preset,
    )


def load_rows(
    settings: Settings,
    source_name: str,
    rows: Any,
    origin: str,
    *,
    column_map: dict[str, str] | None = None,
    max_rejects: RejectLimit | None = None,
    progress: Progress | None = None,
) -> LoadResult:
    """Load rows Python already holds (an Arrow table, or anything DuckDB scans) as ``source_name``.

    For an extractor that lands its rows through the file loader's rules (the Shopify extractor's
    orders): the same parsing, rejects, keys and transaction as ``load_files``; ``origin`` names
    them in ``_source_file`` and ``meta.rejects`` (e.g. ``shopify:bulk/123``), lines are row numbers.
    """
    return _load(
        settings,
        source_name,
        [origin],
        lambda: [InputFile(Path(origin), "rows", False, rows=rows)],
        column_map=column_map,
        max_rejects=max_rejects,
        progress=progress,
    )


def _load(
    settings: Settings,
    source_name: str,
    names: list[str],
    open_inputs: Callable[[], list[InputFile]],
    *,
    column_map: dict[str, str] | None,
    max_rejects: RejectLimit | None,
    progress: Progress | None,
    preset: str | None = None,
) -> LoadResult:
    source = SOURCES[source_name]
    limit = max_rejects if max_rejects is not None else RejectLimit(count=settings.load.max_rejects)
    chosen = preset_for(preset, source.name) if preset else None
    mapping = {**(chosen.column_map() if chosen else {}), **source.column_map(settings), **(column_map or {})}

    def step(what: str, done: int, total: int) -> None:
        log.info("%s load: %s (step %d of %d)", source.name, what, done, total)
        if progress is not None:
            progress(what, done, total)

    total_steps = len(names) + 2
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    result = LoadResult(load_id=new_load_id(source.name), source=source.name, files=names, limit=limit)
    con = connect(settings, create=True)
    try:
        con.begin()
        try:
            files = open_inputs()
            _run(con, settings, source, files, mapping, result, step, total_steps, chosen)
            _record_load(con, result, source, started, None if result.ok else f"rejects over limit {limit}")
            con.commit()
        except BaseException as exc:
            con.rollback()
            result.status = "failed"
            result.duration_s = time.perf_counter() - t0
            if isinstance(exc, Exception | KeyboardInterrupt):
                _record_failure(con, result, source, started, exc)
            raise
    finally:
        con.close()
    step("done", total_steps, total_steps)
    return result


def _record_failure(
    con: duckdb.DuckDBPyConnection,
    result: LoadResult,
    source: FileSource,
    started: datetime,
    exc: BaseException,
) -> None:
    """Note a failed load in ``meta.loads`` (its own small transaction; the data was rolled back)."""
    result.rows_loaded = 0
    detail = str(exc) or type(exc).__name__
    try:
        con.begin()
        _record_load(con, result, source, started, detail[:2000])
        con.commit()
    except duckdb.Error:
        con.rollback()


def _run(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    source: FileSource,
    files: list[InputFile],
    mapping: dict[str, str],
    result: LoadResult,
    step: Progress,
    total_steps: int,
    preset: Preset | None = None,
) -> None:
    con.execute(read_sql("load/no_progress_bar"))
    problems = source.table.schema_problems(con)
    if problems:
        raise LoadInputError(
            f"{source.target} in {settings.database_path} is not in the layout this lrreport writes: "
            f"{'; '.join(problems)}. Nothing was changed; upgrade or rebuild that warehouse."
        )
    con.execute(read_sql("load/macros"))
    con.execute(read_sql("load/orders_macros"))
    con.execute(read_sql("load/sms_macros"))
    _set(con, "load_id", result.load_id)
    _set(con, "load_source", source.name)
    _set(con, "loaded_at", datetime.now(UTC))
    _set(con, "load_files", result.files)
    _set(con, "order_id_regex", settings.load.order_id_regex)
    set_parse_variables(con, settings)
    staged = 0
    offsets = [0] * len(files)  # the rowid in _stage where each file's rows start
    dialects: dict[int, CsvDialect] = {}
    for i, file in enumerate(files):
        step(f"reading {file.path.name} ({i + 1}/{len(files)})", i, total_steps)
        if is_empty(file):
            result.empty_files.append(file.name)
            continue
        dialects[i] = _stage_file(con, file, i, staged == 0, source, mapping, preset)
        staged += 1
        offsets[i] = con.execute(read_sql("load/stage_file_start")).fetchall()[0][0] or 0
    if staged:
        result.rows_in = con.execute(read_sql("load/stage_rows")).fetchall()[0][0]
    if staged == 0:
        return
    _set(con, "load_offsets", offsets)
    step(f"validating {result.rows_in:,} rows", len(files), total_steps)
    # SQL settles the common North American phone spellings as it parses the rows; Python
    # normalises the distinct other texts (usually few), whose values are then filled in.
    region = settings.business.default_region
    install_phone_macros(con, region)
    table = source.table
    nul_check = any(f.has_nul or f.fmt in ("parquet", "rows") for f in files)  # not scanned
    con.execute(table.typed_sql(skip=preset.skip if preset else None, nul_check=nul_check))
    result.continued = result.rows_in - con.execute(read_sql("load/typed_rows")).fetchall()[0][0]
    pending = pending_phones(con)
    result.phones_in_python = len(pending)
    if pending:
        create_phone_table(con, phone_map(pending, region))
        con.execute(read_sql("load/phone_rule"))
        con.execute(table.recheck_sql())
    result.rejected_rows = con.execute(read_sql("load/typed_rejected")).fetchall()[0][0]
    if result.rejected_rows:
        con.execute(table.rejects_sql())
        result.rejects = [tuple(r) for r in con.execute(read_sql("load/rejects_summary")).fetchall()]  # type: ignore[misc]
        _record_rejects(con, files, dialects)
    if not result.limit.allows(result.rejected_rows, result.rows_in):
        result.status = "rejected_over_threshold"
        return
    con.execute(read_sql("load/drop_stage"))
    step(f"writing {source.target}", len(files) + 1, total_steps)
    if source.write == "first_wins":
        _write_first_wins(con, source, result)
    else:
        _write_newest_wins(con, source, result)
