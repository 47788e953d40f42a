"""Report parameters: relative date words, the notebook's ``parameters`` cell, and validation.

Everything here runs before a kernel starts, so a typo in ``-p`` fails fast with a clear message
and nothing is executed.
"""

from __future__ import annotations

import ast
import io
import json
import re
import tokenize
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lrreport._exceptions import LrreportError

DATE_PARAMS = ("start_date", "end_date")
RELATIVE_WORDS = (
    "today",
    "yesterday",
    "last_7_days",
    "last_30_days",
    "last_full_week",
    "month_to_date",
    "last_month",
)
_LAST_N_DAYS = re.compile(r"^last_(\d{1,4})_days$")


class ParameterError(LrreportError, ValueError):
    """A report parameter is unknown, malformed or inconsistent; the message names it."""


def zone(tz: str) -> ZoneInfo:
    """The IANA zone ``tz``, or a ParameterError naming it."""
    try:
        return ZoneInfo(str(tz))
    except (ZoneInfoNotFoundError, ValueError):
        raise ParameterError(f"timezone {tz!r} is not an IANA time zone (e.g. America/New_York)") from None


def today_in(tz: str, now: datetime | None = None) -> date:
    """The calendar date it is in zone ``tz`` at ``now`` (default: the current time)."""
    now = now or datetime.now(tz=ZoneInfo("UTC"))
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(zone(tz)).date()


def _normalise_word(value: str) -> str:
    return value.strip().lower().replace("-", "_").replace(" ", "_")


def is_relative(value: object) -> bool:
    """True for a relative date word such as ``yesterday`` or ``last_7_days``."""
    if not isinstance(value, str):
        return False
    word = _normalise_word(value)
    return word in RELATIVE_WORDS or bool(_LAST_N_DAYS.match(word))


def relative_range(word: str, today: date) -> tuple[date, date]:
    """The inclusive date range a relative word stands for, seen from ``today``.

    ``last_N_days`` are the N full days before today (today excluded); ``last_full_week`` is the
    latest Monday-to-Sunday week that has ended; ``month_to_date`` runs from the 1st to today.
    """
    w = _normalise_word(word)
    if w == "today":
        return today, today
    if w == "yesterday":
        day = today - timedelta(days=1)
        return day, day
    m = _LAST_N_DAYS.match(w)
    if m:
        n = int(m.group(1))
        if n < 1:
            raise ParameterError(f"{word!r}: the number of days must be at least 1")
        return today - timedelta(days=n), today - timedelta(days=1)
    if w == "last_full_week":
        end = today - timedelta(days=today.isoweekday())  # the Sunday before today
        return end - timedelta(days=6), end
    if w == "month_to_date":
        return today.replace(day=1), today
    if w == "last_month":
        end = today.replace(day=1) - timedelta(days=1)
        return end.replace(day=1), end
    raise ParameterError(
        f"{word!r} is not a date: use YYYY-MM-DD or one of {', '.join(RELATIVE_WORDS)}, last_N_days"
    )


def _parse_one(name: str, value: object, today: date) -> tuple[date, date] | None:
    """(first, last) for a word, (d, d) for a date, None when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date(), value.date()
    if isinstance(value, date):
        return value, value
    if not isinstance(value, str):
        raise ParameterError(f"{name} = {value!r}: expected a date (YYYY-MM-DD) or a relative word")
    if is_relative(value):
        return relative_range(value, today)
    text = value.strip()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ParameterError(
            f"{name} = {value!r} is not a date: use YYYY-MM-DD or one of "
            f"{', '.join(RELATIVE_WORDS)}, last_N_days"
        )
    return day, day


def resolve_dates(
    start: str | date | None, end: str | date | None, tz: str, today: date | None = None
) -> tuple[date, date]:
    """Turn ``start``/``end`` (ISO dates, inclusive, or relative words) into two dates.

    "Today" is the date in IANA zone ``tz`` unless ``today`` is given. A word for ``start`` takes
    the first day of its range, a word for ``end`` the last. An empty ``end`` means the end of
    ``start``'s range (so ``start="last_month"`` alone is last month) or, after an ISO start,
    today. An empty ``start`` means the start of ``end``'s range. End before start is an error.
    """
    if today is None:
        today = today_in(tz)
    else:
        zone(tz)
    first = _parse_one("start_date", start, today)
    last = _parse_one("end_date", end, today)
    if first is None and last is None:
        raise ParameterError("start_date and end_date are both empty: give at least one")
    if last is None:
        assert first is not None
        last = first if is_relative(start) else (first[0], today)
    if first is None:
        first = last
    start_day, end_day = first[0], last[1]
    if end_day < start_day:

        def show(day: date, raw: object) -> str:
            return day.isoformat() + (f" ({raw})" if is_relative(raw) else "")

        raise ParameterError(f"end_date {show(end_day, end)} is before start_date {show(start_day, start)}")
    return start_day, end_day


# --- the parameters cell ---------------------------------------------------------------------


@dataclass(frozen=True)
class Parameter:
    """One assignment of a notebook's ``parameters`` cell."""

    name: str
    default: Any
    type: str  # "date", "bool", "int", "float", "str", "timezone", "path", "any" (+ "|None")
    optional: bool  # None is allowed
    help: str
    source: str  # the assignment's right-hand side as written

    @property
    def default_text(self) -> str:
        return self.source


@dataclass(frozen=True)
class NotebookInfo:
    """What ``lrreport report list`` shows for a notebook, read from the notebook itself."""

    name: str
    path: Path
    title: str
    parameters: tuple[Parameter, ...]

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)


_ANNOTATION_TYPES = {
    "bool": "bool",
    "int": "int",
    "float": "float",
    "str": "str",
    "date": "date",
    "Path": "path",
    "pathlib.Path": "path",
    "datetime.date": "date",
}


def _type_of(name: str, annotation: ast.expr | None, default: Any) -> tuple[str, bool]:
    """(type, optional) from an annotation when there is one, else from the name and default."""
    optional = default is None
    if annotation is not None:
        text = ast.unparse(annotation).replace(" ", "")
        parts = [p for p in re.split(r"[|]", text.removeprefix("Optional[").removesuffix("]")) if p]
        if "None" in parts or text.startswith("Optional["):
            optional = True
        kinds = [_ANNOTATION_TYPES.get(p) for p in parts if p != "None"]
        kinds = [k for k in kinds if k]
        if name in DATE_PARAMS:
            return "date", optional
        if kinds:
            return kinds[0], optional
    if name in DATE_PARAMS:
        return "date", optional
    if name in ("timezone", "tz"):
        return "timezone", optional
    if name in ("database",) or name.endswith(("_path", "_dir")):
        return "path", optional
    if isinstance(default, bool):
        return "bool", optional
    if isinstance(default, int):
        return "int", optional
    if isinstance(default, float):
        return "float", optional
    if isinstance(default, str):
        return "str", optional
    if isinstance(default, list | dict | tuple):
        return "json", optional
    return "any", optional


def _comments(source: str) -> dict[int, str]:
    """Comment text by (1-based) line number."""
    out: dict[int, str] = {}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                out[tok.start[0]] = tok.string.lstrip("#").strip()
    except (tokenize.TokenError, IndentationError):
        pass
    return out


def parse_parameters_source(source: str, where: str = "parameters cell") -> tuple[Parameter, ...]:
    """The parameters assigned in a ``parameters`` cell: name, literal default, type, comment.

    The comment on the assignment's line is its help; comment lines right above it count too.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ParameterError(f"{where}: not valid Python ({exc.msg}, line {exc.lineno})") from None
    comments = _comments(source)
    lines = source.splitlines()
    params: list[Parameter] = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name, value, annotation = node.targets[0].id, node.value, None
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            name, value, annotation = node.target.id, node.value, node.annotation
        else:
            continue
        try:
            default = ast.literal_eval(value)
        except ValueError:
            default = None
        help_parts = []
        above = node.lineno - 1
        block: list[str] = []
        while above >= 1 and lines[above - 1].strip().startswith("#"):
            block.insert(0, comments.get(above, ""))
            above -= 1
        help_parts.extend(b for b in block if b)
        for line in range(node.lineno, (node.end_lineno or node.lineno) + 1):
            if line in comments:
                help_parts.append(comments[line])
        kind, optional = _type_of(name, annotation, default)
        params.append(
            Parameter(
                name=name,
                default=default,
                type=kind,
                optional=optional,
                help=" ".join(help_parts),
                source=ast.get_source_segment(source, value) or repr(default),
            )
        )
    return tuple(params)


def _title(nb: Any, fallback: str) -> str:
    title = nb.metadata.get("title")
    if isinstance(title, str) and title.strip():
        return title.strip()
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def read_notebook_info(path: Path) -> NotebookInfo:
    """Name, title and parameters of the notebook at ``path``."""
    import nbformat  # imported here: notebooks import this module for resolve_dates, and nbformat is slow

    try:
        nb = nbformat.read(str(path), as_version=4)
    except (OSError, ValueError) as exc:
        raise ParameterError(f"cannot read notebook {path}: {exc}") from None
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    params: tuple[Parameter, ...] = ()
    if cells:
        params = parse_parameters_source(cells[0].source, f"{path.name}: parameters cell")
    return NotebookInfo(name=path.stem, path=path, title=_title(nb, path.stem), parameters=params)


# --- validation --------------------------------------------------------------------------------

_TRUE = {"true", "yes", "1", "on", "y"}
_FALSE = {"false", "no", "0", "off", "n"}
_NONE = {"none", "null", ""}


def _coerce(param: Parameter, raw: Any) -> Any:
    """``raw`` (a CLI string or a TOML value) converted to the parameter's type, or an error."""
    label = f"parameter {param.name}"
    if isinstance(raw, str) and raw.strip().lower() in _NONE and param.type not in ("str", "date"):
        if param.optional:
            return None
        raise ParameterError(f"{label} cannot be empty (expected {param.type})")
    if raw is None:
        if param.optional or param.type in ("date", "any"):
            return None
        raise ParameterError(f"{label} cannot be None (expected {param.type})")
    kind = param.type
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
            return raw.strip().lower() in _TRUE
        raise ParameterError(f"{label} = {raw!r}: expected true or false")
    if kind == "int":
        if isinstance(raw, bool):
            raise ParameterError(f"{label} = {raw!r}: expected a whole number")
        if isinstance(raw, int):
            return raw
        if isinstance(raw, str) and re.fullmatch(r"\s*[+-]?\d+\s*", raw):
            return int(raw)
        raise ParameterError(f"{label} = {raw!r}: expected a whole number")
    if kind == "float":
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return float(raw)
        try:
            return float(raw)
        except (TypeError, ValueError):
            raise ParameterError(f"{label} = {raw!r}: expected a number") from None
    if kind == "timezone":
        zone(str(raw))
        return str(raw)
    if kind == "date":
        if isinstance(raw, date):
            return raw.isoformat()
        if not isinstance(raw, str):
            raise ParameterError(f"{label} = {raw!r}: expected YYYY-MM-DD or a relative word")
        return raw.strip()
    if kind in ("str", "path"):
        if isinstance(raw, str | Path):
            return str(raw)
        raise ParameterError(f"{label} = {raw!r}: expected text")
    if kind == "json":
        if isinstance(raw, str):
            try:
                return json.loads(raw)
            except ValueError:
                raise ParameterError(f"{label} = {raw!r}: expected JSON") from None
        return raw
    # "any": a CLI string is read as a number or a word when it looks like one
    if isinstance(raw, str):
        text = raw.strip()
        if re.fullmatch(r"[+-]?\d+", text):
            return int(text)
        if text.lower() in _TRUE | _FALSE:
            return text.lower() in _TRUE
        return raw
    return raw


def parse_assignments(pairs: list[str] | tuple[str, ...]) -> dict[str, str]:
    """``["key=value", ...]`` from ``-p`` options into a dict; a pair without ``=`` is an error."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ParameterError(f"-p {pair!r}: expected key=value")
        out[key] = value
    return out


@dataclass(frozen=True)
class ResolvedParameters:
    """Validated values to inject, plus the resolved date range and zone for naming and titles."""

    values: dict[str, Any]
    start: date | None
    end: date | None
    timezone: str


def validate_parameters(
    info: NotebookInfo,
    given: dict[str, Any],
    *,
    default_timezone: str,
    today: date | None = None,
    now: datetime | None = None,
) -> ResolvedParameters:
    """Check ``given`` against the notebook's parameters and resolve relative dates.

    Unknown names, wrong types, bad dates and an end before the start raise ParameterError.
    The returned values hold only what differs from the cell, with dates as ISO strings.
    """
    known = {p.name: p for p in info.parameters}
    unknown = sorted(set(given) - set(known))
    if unknown:
        listed = ", ".join(known) or "(none: the notebook has no parameters cell)"
        raise ParameterError(
            f"notebook {info.name} has no parameter {', '.join(unknown)}; its parameters are: {listed}"
        )
    values = {name: _coerce(known[name], raw) for name, raw in given.items()}
    tz = values.get("timezone") or (known["timezone"].default if "timezone" in known else None)
    tz = str(tz or default_timezone)
    zone(tz)
    if "timezone" in known:
        values["timezone"] = tz
    start = end = None
    if "start_date" in known or "end_date" in known:
        raw_start = values.get("start_date", known["start_date"].default if "start_date" in known else None)
        raw_end = values.get("end_date", known["end_date"].default if "end_date" in known else None)
        if today is None:
            today = today_in(tz, now)
        start, end = resolve_dates(raw_start, raw_end, tz, today=today)
        if "start_date" in known:
            values["start_date"] = start.isoformat()
        if "end_date" in known:
            values["end_date"] = end.isoformat()
    return ResolvedParameters(values=values, start=start, end=end, timezone=tz)


def describe_range(start: date, end: date) -> str:
    """``"1–7 Mar 2025 (7 days)"`` style words for a date range."""
    days = (end - start).days + 1
    if start == end:
        return f"{start:%a %d %b %Y} (1 day)"
    if start.year == end.year and start.month == end.month:
        text = f"{start.day}–{end.day} {end:%b %Y}"
    elif start.year == end.year:
        text = f"{start:%d %b} – {end:%d %b %Y}"
    else:
        text = f"{start:%d %b %Y} – {end:%d %b %Y}"
    return f"{text} ({days} days)"
