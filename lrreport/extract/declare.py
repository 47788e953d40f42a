"""Raw tables as declarations: read ``queries/raw/<name>.yml`` and make every SQL statement from it.

A raw table's columns, key, types, parsing rules and reject reasons are written once, in its YAML
declaration; this module turns them into the table's DDL, the loader's parsing pass (``_typed``),
its rejects, its inserts (always naming the columns), the schema check made before each load, the
help text and the README column table. A new raw table (a file source or an extractor's table) is
one more YAML file; see the README's "Adding a source".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import yaml

from lrreport._exceptions import LrreportError
from lrreport.sqlfiles import queries_dir, read_sql

# Every raw table carries its load's metadata, after the declared columns.
META_COLUMNS: tuple[tuple[str, str], ...] = (
    ("_load_id", "VARCHAR"),
    ("_loaded_at", "TIMESTAMPTZ"),
    ("_source_file", "VARCHAR"),
)
# Parse rules whose text always gives a value: no reject reason of their own.
_NEVER_FAILS = frozenset({"text", "content"})
# Parse rules whose parsed value is also tested (lr_<rule>_valid): a time outside the plausible years.
_VALIDATED = frozenset({"ts"})


class DeclarationError(LrreportError):
    """A raw-table declaration (queries/raw/*.yml) is malformed."""


def quote(name: str) -> str:
    """A SQL identifier, double-quoted."""
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class Check:
    """A rule over the parsed row (``t.<column>``) that must not be false, and why a row fails it."""

    rule: str
    reason: str


@dataclass(frozen=True)
class Column:
    """One declared column of a raw table."""

    name: str
    type: str  # DuckDB type in the raw table
    description: str
    parse: str | None = None  # rule reading it from the file's text; None: not read from a file
    required: bool = False  # a file must have the column, and (unless `ok` says otherwise) a value
    not_null: bool = False  # NOT NULL in the raw table
    fallback: str | None = None  # SQL giving the value when the file's is empty (s: staged text)
    override: str | None = None  # SQL giving the value, when not NULL, whatever the file's says
    ok: str | None = None  # replaces the default test that the value is acceptable
    missing: str = "missing value"  # the reason given for a required value that is empty
    checks: tuple[Check, ...] = ()

    @property
    def from_file(self) -> bool:
        return self.parse is not None

    @property
    def can_fail(self) -> bool:
        """Whether a row can be rejected for this column."""
        return self.required or self.ok is not None or bool(self.checks) or self.parse not in _NEVER_FAILS

    @property
    def blank_flag(self) -> str:
        return f"_{self.name}_blank"

    def parse_sql(self) -> str:
        """The typed value from the staged text ``s.<name>``."""
        text = f"s.{quote(self.name)}"
        value = "coalesce({x}, '')" if self.parse == "content" else f"lr_{self.parse}({{x}})"
        parts = [p for p in (self.override, value.format(x=text), self.fallback) if p]
        return f"coalesce({', '.join(parts)})" if len(parts) > 1 else parts[0]

    def _own_ok_sql(self) -> str:
        """The value test without the checks: parsed (or empty where allowed), or the `ok` override."""
        value = f"t.{quote(self.name)}"
        given = f"{value} IS NOT NULL"
        if self.parse in _VALIDATED:
            given = f"coalesce(lr_{self.parse}_valid({value}), FALSE)"
        if self.ok is not None:
            return f"coalesce({self.ok}, TRUE)"
        if self.required:
            return given
        if self.parse in _NEVER_FAILS:
            return "TRUE"
        pending = " OR t._phone_pending" if self.parse == "phone" else ""
        return f"({given} OR t.{self.blank_flag}{pending})"

    def ok_sql(self) -> str:
        """SQL over the parsed row ``t`` that is true when this column's value is acceptable."""
        return " AND ".join([self._own_ok_sql(), *(f"coalesce({c.rule}, TRUE)" for c in self.checks)])

    def reason_sql(self) -> str:
        """SQL over the parsed row ``t`` and its text ``s``: why this column fails, NULL when it does not."""
        text = f"s.{quote(self.name)}"
        own = self._own_ok_sql()
        problem = "NULL" if self.parse in _NEVER_FAILS else f"lr_{self.parse}_problem({text})"
        whens = [
            f"WHEN contains({text}, chr(0)) THEN 'contains a NUL byte (is the file corrupted?)'",
            f"WHEN NOT ({own}) AND lr_blank({text}) THEN {_literal(self.missing)}",
            f"WHEN NOT ({own}) THEN {problem}",
            *(f"WHEN NOT coalesce({c.rule}, TRUE) THEN {_literal(c.reason)}" for c in self.checks),
        ]
        return "CASE " + " ".join(whens) + " END"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class RawTable:
    """A declared raw table: ``queries/raw/<name>.yml``."""

    name: str
    table: str  # schema-qualified: raw.orders
    description: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    date_column: str | None = None  # dates its rows in `lrreport status`
    derived: tuple[str, ...] = ()  # select items of the parsing pass giving columns not from the file
    path: Path | None = None

    # -- columns -------------------------------------------------------------------------------------
    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def file_columns(self) -> tuple[str, ...]:
        """The columns a file may have (the loader's canonical names)."""
        return tuple(c.name for c in self.columns if c.from_file)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.from_file and c.required)

    @property
    def optional(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.from_file and not c.required)

    def expected_types(self) -> dict[str, str]:
        """Column name -> DuckDB type, metadata columns included (for the schema check)."""
        return {**{c.name: c.type for c in self.columns}, **dict(META_COLUMNS)}

    def schema_problems(self, con: duckdb.DuckDBPyConnection) -> list[str]:
        """How the table in the warehouse differs from the declaration: missing columns, other types.

        Columns are compared by name (inserts name them, so their order does not matter); extra
        columns are allowed. Types are compared as DuckDB spells them.
        """
        schema, name = self.table.split(".")
        present = dict(con.execute(read_sql("load/table_columns"), [schema, name]).fetchall())
        if not present:
            return []
        spelled = {
            t: con.execute(f"SELECT typeof(CAST(NULL AS {t}))").fetchall()[0][0]
            for t in set(self.expected_types().values())
        }
        problems = []
        for col, declared in self.expected_types().items():
            if col not in present:
                problems.append(f"column {col} is missing")
            elif present[col] != spelled[declared]:
                problems.append(f"column {col} is {present[col]}, expected {spelled[declared]}")
        return problems

    # -- DDL -------------------------------------------------------------------------------------------
    def ddl(self) -> str:
        """``CREATE TABLE IF NOT EXISTS`` for the table, with its schema."""
        schema = self.table.split(".")[0]
        cols = [f"    {quote(c.name)} {c.type}{' NOT NULL' if c.not_null else ''}" for c in self.columns] + [
            f"    {quote(n)} {t} NOT NULL" for n, t in META_COLUMNS
        ]
        return (
            f"CREATE SCHEMA IF NOT EXISTS {schema};\n"
            f"CREATE TABLE IF NOT EXISTS {self.table} (\n" + ",\n".join(cols) + "\n);"
        )

    # -- the loader's statements ----------------------------------------------------------------------
    def typed_sql(self, skip: str | None = None, nul_check: bool = False) -> str:
        """Every staged row parsed once into ``_typed``, with ``_ok`` when it passes every rule.

        ``skip``: SQL over the staged text ``s`` (windows allowed) true for rows to leave out.
        ``nul_check``: look for NUL characters in every column (``_nul``; only when a file may
        hold one: the test costs a scan of all the text).
        """
        any_nul = " OR ".join(f"contains(s.{quote(c)}, chr(0))" for c in self.file_columns)
        nul = f"coalesce({any_nul}, FALSE)" if nul_check else "FALSE"
        items = ["s._file_idx", "lr_row(s.rowid, s._file_idx) AS _row", f"{nul} AS _nul"]
        for col in self.columns:
            if not col.from_file:
                continue
            items.append(f"{col.parse_sql()} AS {quote(col.name)}")
            if col.parse == "phone":
                items.append(f"s.{quote(col.name)} AS phone_raw")
                items.append(
                    f"lr_phone_national(s.{quote(col.name)}) IS NULL AND NOT lr_blank(s.{quote(col.name)})"
                    " AS _phone_pending"
                )
            if not col.required and col.ok is None and col.parse not in _NEVER_FAILS:
                items.append(f"lr_blank(s.{quote(col.name)}) AS {col.blank_flag}")
        items += list(self.derived)
        ok = self._row_ok_sql()
        inner = ",\n           ".join(items)
        return (
            f"-- generated from {self._source()} by lrreport/extract/declare.py\n"
            "CREATE OR REPLACE TEMP TABLE _typed AS\n"
            f"SELECT t.*,\n       {ok} AS _ok\n"
            f"FROM (\n    SELECT {inner}\n    FROM _stage AS s"
            + (f"\n    QUALIFY NOT coalesce({skip}, FALSE)" if skip else "")
            + "\n) AS t;"
        )

    def _row_ok_sql(self) -> str:
        """SQL over the parsed row ``t``: true when every column passes its rules."""
        return "\n       AND ".join(
            ["NOT t._nul", *(c.ok_sql() for c in self.columns if c.from_file and c.can_fail)]
        )

    def rejects_sql(self) -> str:
        """One reject per broken rule of each bad row: column, the value as given, and why."""
        entries = ",\n            ".join(
            f"{{'column_name': {_literal(c.name)}, 'value': s.{quote(c.name)}, 'reason': {c.reason_sql()}}}"
            for c in self.columns
            if c.from_file
        )
        return (
            f"-- generated from {self._source()} by lrreport/extract/declare.py\n"
            "CREATE OR REPLACE TEMP TABLE _rejects AS\n"
            "SELECT _file_idx, _row, p.column_name, p.value, p.reason\n"
            "FROM (\n"
            "    SELECT t._file_idx, t._row, unnest([\n"
            f"            {entries}\n"
            "        ]) AS p\n"
            "    FROM (SELECT * FROM _typed WHERE NOT _ok) AS t\n"
            "    INNER JOIN _stage AS s\n"
            "        ON s._file_idx = t._file_idx AND lr_row(s.rowid, s._file_idx) = t._row\n"
            ") AS problems\n"
            "WHERE p.reason IS NOT NULL\n"
            "ORDER BY _file_idx, _row;"
        )

    def recheck_sql(self) -> str:
        """Test ``_ok`` again on the rows whose phone Python has just normalised (``load/phone_rule``)."""
        return (
            f"UPDATE _typed AS t SET _ok = {self._row_ok_sql()}\n"
            "WHERE t.phone_raw IN (SELECT p.raw FROM _phones AS p);"
        )

    def insert_sql(self, relation: str, where: str = "", qualify: str = "") -> str:
        """Insert the declared columns of ``relation`` (alias ``n``), by name, with the load's metadata."""
        names = ", ".join(quote(c) for c in self.column_names)
        meta = ", ".join(quote(n) for n, _ in META_COLUMNS)
        values = ", ".join(f"n.{quote(c)}" for c in self.column_names)
        return (
            f"INSERT INTO {self.table} ({names}, {meta})\n"
            f"SELECT {values},\n"
            "       getvariable('load_id'), getvariable('loaded_at'), lr_source_file(n._file_idx)\n"
            f"FROM {relation} AS n"
            + (f"\nWHERE {where}" if where else "")
            + (f"\nQUALIFY {qualify}" if qualify else "")
            + ";"
        )

    def insert_new_keys_sql(self, relation: str, first_of_repeats: bool) -> str:
        """``first_wins``: insert the rows whose key is not stored yet; of keys repeated in the batch,
        the first row (file order, then row order)."""
        qualify = (
            f"row_number() OVER (PARTITION BY {self.key_list('n')} ORDER BY n._file_idx, n._row) = 1"
            if first_of_repeats
            else ""
        )
        stored = f"NOT EXISTS (SELECT 1 FROM {self.table} AS r WHERE {self.key_match('r', 'n')})"
        return self.insert_sql(relation, where=stored, qualify=qualify)

    def key_repeats_sql(self, relation: str) -> str:
        """How many rows of ``relation`` may repeat a key (usually none). Distinct hashes are far
        cheaper to count than distinct strings; a collision only takes the exact, slower insert."""
        return f"SELECT count(*) - count(DISTINCT hash({self.key_list()})) FROM {relation};"

    def newest_versions_sql(self) -> str:
        """``newest_wins``: temp table ``_new`` with the newest good row of each key (the last file
        of the load, and within a file the last row)."""
        names = ", ".join(f"t.{quote(c)}" for c in self.column_names)
        return (
            "CREATE OR REPLACE TEMP TABLE _new AS\n"
            f"SELECT {names}, t._file_idx, t._row\n"
            "FROM _typed AS t\n"
            "WHERE t._ok\n"
            f"QUALIFY row_number() OVER (PARTITION BY {self.key_list('t')}\n"
            "                           ORDER BY t._file_idx DESC, t._row DESC) = 1;"
        )

    def drop_unchanged_sql(self) -> str:
        """Rows of ``_new`` identical to the stored version need no rewrite: reloading is a no-op."""
        return (
            "DELETE FROM _new AS n\nWHERE EXISTS (\n"
            f"    SELECT 1 FROM {self.table} AS o\n"
            f"    WHERE {self.key_match('o', 'n')}\n      AND {self.same_row('o', 'n')}\n);"
        )

    def replace_sql(self) -> str:
        """The stored versions of the keys in ``_new`` are removed (the newer one is inserted)."""
        match = self.key_match("o", "n")
        return f"DELETE FROM {self.table} AS o WHERE EXISTS (SELECT 1 FROM _new AS n WHERE {match});"

    def key_match(self, left: str, right: str) -> str:
        """SQL true when rows ``left`` and ``right`` have the same key."""
        return " AND ".join(f"{left}.{quote(k)} = {right}.{quote(k)}" for k in self.key)

    def same_row(self, left: str, right: str) -> str:
        """SQL true when rows ``left`` and ``right`` hold the same values in every declared column."""
        return "\n      AND ".join(
            f"{left}.{quote(c)} IS NOT DISTINCT FROM {right}.{quote(c)}" for c in self.column_names
        )

    def key_list(self, alias: str = "") -> str:
        prefix = f"{alias}." if alias else ""
        return ", ".join(prefix + quote(k) for k in self.key)

    # -- text for people ----------------------------------------------------------------------------
    def help_text(self) -> str:
        """The column sentence of ``lrreport load <name> --help``."""
        return f"Required columns: {', '.join(self.required)}; optional: {', '.join(self.optional)}."

    def readme_table(self) -> str:
        """The Markdown table of the file columns, for the README."""
        rows = ["| column | required | meaning |", "| --- | --- | --- |"]
        for c in self.columns:
            if c.from_file:
                rows.append(
                    f"| `{c.name}` | {'yes' if c.required else 'no'} | {' '.join(c.description.split())} |"
                )
        return "\n".join(rows)

    def _source(self) -> str:
        return f"queries/raw/{self.path.name}" if self.path else self.name


def _column(raw: dict[str, object], where: str) -> Column:
    known = {f for f in Column.__dataclass_fields__}
    unknown = set(raw) - known
    if unknown or "name" not in raw or "type" not in raw:
        raise DeclarationError(
            f"{where}: column {raw.get('name')!r} has unknown keys {sorted(unknown)} or no name/type"
        )
    checks = tuple(Check(str(c["rule"]), str(c["reason"])) for c in raw.get("checks", []) or [])  # type: ignore[union-attr]
    return Column(
        **{**raw, "description": " ".join(str(raw.get("description", "")).split()), "checks": checks}
    )  # type: ignore[arg-type]


def parse_declaration(path: Path) -> RawTable:
    """Read one ``queries/raw/*.yml`` declaration."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    columns = tuple(_column(c, str(path)) for c in data["columns"])
    names = [c.name for c in columns]
    if len(set(names)) != len(names) or not set(data["key"]) <= set(names):
        raise DeclarationError(f"{path}: repeated column names or a key column that is not declared")
    return RawTable(
        name=data["name"],
        table=data["table"],
        description=data.get("description", ""),
        key=tuple(data["key"]),
        columns=columns,
        date_column=data.get("date_column"),
        derived=tuple(data.get("derived", ()) or ()),
        path=path,
    )


@cache
def raw_tables() -> dict[str, RawTable]:
    """Every declared raw table by name (``queries/raw/*.yml``)."""
    found = (parse_declaration(p) for p in sorted((queries_dir() / "raw").glob("*.yml")))
    return {t.name: t for t in found}


def raw_table(name: str) -> RawTable:
    """The declared raw table ``name`` (sends, orders, ...)."""
    return raw_tables()[name]
