"""The warehouse's raw layer as declarations: read ``queries/raw/<name>.yml`` for each raw table.

A raw table's columns, key, types, parsing rules and reject reasons are written once, in its YAML
declaration; this module reads them and renders from them (templates in ``queries/raw/templates/``)
the table's DDL, the loader's parsing pass (``_typed``), its rejects, its inserts (always naming the
columns) and the schema check made before each load, plus the help text and the README column
table. The loaders and extractors import it from here: data flows from extract into the warehouse.
A new raw table is one more YAML file; see the README's "Adding a source".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import yaml

from lrreport.sqlfiles import queries_dir, read_sql, render_sql
from lrreport.warehouse.errors import WarehouseError

# Every raw table carries its load's metadata, after the declared columns.
META_COLUMNS: tuple[tuple[str, str], ...] = (
    ("_load_id", "VARCHAR"),
    ("_loaded_at", "TIMESTAMPTZ"),
    ("_source_file", "VARCHAR"),
)
META_DESCRIPTIONS = {
    "_load_id": "The load (meta.loads) that wrote the row.",
    "_loaded_at": "When that load wrote it (UTC).",
    "_source_file": "The file, or the API route, the row came from.",
}
# Parse rules whose text always gives a value: no reject reason of their own.
_NEVER_FAILS = frozenset({"text", "content"})
# Parse rules whose parsed value is also tested (lr_<rule>_valid): a time outside the plausible years.
_VALIDATED = frozenset({"ts"})


class DeclarationError(WarehouseError):
    """A raw-table declaration (queries/raw/*.yml) is malformed."""


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
    def never_fails(self) -> bool:
        """Whether its parse rule always gives a value (no reject reason of its own)."""
        return self.parse in _NEVER_FAILS

    @property
    def validated(self) -> bool:
        """Whether its parsed value is tested too (``lr_<parse>_valid``)."""
        return self.parse in _VALIDATED

    @property
    def can_fail(self) -> bool:
        """Whether a row can be rejected for this column."""
        return self.required or self.ok is not None or bool(self.checks) or not self.never_fails

    @property
    def blank_flagged(self) -> bool:
        """Whether the parsing pass notes an empty value (an optional column that can fail)."""
        return self.from_file and not self.required and self.ok is None and not self.never_fails

    @property
    def blank_flag(self) -> str:
        return f"_{self.name}_blank"


@dataclass(frozen=True)
class RawTable:
    """A declared raw table: ``queries/raw/<name>.yml``."""

    name: str
    table: str  # schema-qualified: raw.orders
    description: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    date_column: str | None = None  # dates its rows in `lrreport status`
    source_file: bool = True  # whether its rows name their file or route (_source_file)
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

    @property
    def meta_columns(self) -> tuple[tuple[str, str], ...]:
        """The load's metadata columns the table carries, after the declared ones."""
        return META_COLUMNS if self.source_file else tuple(m for m in META_COLUMNS if m[0] != "_source_file")

    def expected_types(self) -> dict[str, str]:
        """Column name -> DuckDB type, metadata columns included (for the schema check)."""
        return {**{c.name: c.type for c in self.columns}, **dict(self.meta_columns)}

    def schema_problems(self, con: duckdb.DuckDBPyConnection) -> list[str]:
        """How the table in the warehouse differs from the declaration: missing columns, other types.

        Columns are compared by name (inserts name them, so their order does not matter); extra
        columns are allowed. Types are compared as DuckDB spells them.
        """
        present = dict(con.execute(read_sql("load/table_columns"), [self.schema, self.table_name]).fetchall())
        if not present:
            return []
        spelled = {
            t: con.execute(_render("type_spelling", type=t)).fetchall()[0][0]
            for t in set(self.expected_types().values())
        }
        problems = []
        for col, declared in self.expected_types().items():
            if col not in present:
                problems.append(f"column {col} is missing")
            elif present[col] != spelled[declared]:
                problems.append(f"column {col} is {present[col]}, expected {spelled[declared]}")
        return problems

    @property
    def schema(self) -> str:
        return self.table.split(".")[0]

    @property
    def table_name(self) -> str:
        return self.table.split(".")[1]

    # -- SQL (the templates in queries/raw/templates/) ------------------------------------------------
    def ddl(self) -> str:
        """``CREATE TABLE IF NOT EXISTS`` for the table, with its schema."""
        return _render("ddl", table=self)

    def typed_sql(self, skip: str | None = None, nul_check: bool = False) -> str:
        """Every staged row parsed once into ``_typed``, with ``_ok`` when it passes every rule.

        ``skip``: SQL over the staged text ``s`` (windows allowed) true for rows to leave out.
        ``nul_check``: look for NUL characters in every column (``_nul``; only when a file may
        hold one: the test costs a scan of all the text).
        """
        return _render("typed", table=self, skip=skip, nul_check=nul_check)

    def rejects_sql(self) -> str:
        """One reject per broken rule of each bad row: column, the value as given, and why."""
        return _render("rejects", table=self)

    def recheck_sql(self) -> str:
        """Test ``_ok`` again on the rows whose phone Python has just normalised (``load/phone_rule``)."""
        return _render("recheck", table=self)

    def insert_sql(self, relation: str) -> str:
        """Insert the declared columns of ``relation`` (alias ``n``), by name, with the load's metadata."""
        return _render("insert", table=self, relation=relation, new_keys=False, first_of_repeats=False)

    def insert_new_keys_sql(self, relation: str, first_of_repeats: bool) -> str:
        """``first_wins``: insert the rows whose key is not stored yet; of keys repeated in the batch,
        the first row (file order, then row order)."""
        return _render(
            "insert", table=self, relation=relation, new_keys=True, first_of_repeats=first_of_repeats
        )

    def key_repeats_sql(self, relation: str) -> str:
        """How many rows of ``relation`` may repeat a key (usually none)."""
        return _render("key_repeats", table=self, relation=relation)

    def newest_versions_sql(self) -> str:
        """``newest_wins``: temp table ``_new`` with the newest good row of each key."""
        return _render("newest_versions", table=self)

    def drop_unchanged_sql(self) -> str:
        """Rows of ``_new`` identical to the stored version need no rewrite: reloading is a no-op."""
        return _render("drop_unchanged", table=self)

    def replace_sql(self) -> str:
        """The stored versions of the keys in ``_new`` are removed (the newer one is inserted)."""
        return _render("replace", table=self)

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

    @property
    def source(self) -> str:
        """Where the declaration was read from, for the generated SQL's first line."""
        return f"queries/raw/{self.path.name}" if self.path else self.name


def _render(template: str, **context: object) -> str:
    return render_sql(f"raw/templates/{template}", **context)


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


# The keys a declaration may have (a misspelt one is an error, not silently ignored).
_TABLE_KEYS = frozenset(
    {"name", "table", "description", "key", "date_column", "source_file", "derived", "columns"}
)


def parse_declaration(path: Path) -> RawTable:
    """Read one ``queries/raw/*.yml`` declaration."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    unknown = set(data) - _TABLE_KEYS
    if unknown or not {"name", "table", "key", "columns"} <= set(data):
        raise DeclarationError(f"{path}: unknown keys {sorted(unknown)} or no name/table/key/columns")
    columns = tuple(_column(c, str(path)) for c in data["columns"])
    names = [c.name for c in columns]
    named = {*data["key"], *([data["date_column"]] if data.get("date_column") else [])}
    if len(set(names)) != len(names) or not named <= set(names):
        raise DeclarationError(f"{path}: repeated column names, or a key or date column that is not declared")
    return RawTable(
        name=data["name"],
        table=data["table"],
        description=data.get("description", ""),
        key=tuple(data["key"]),
        columns=columns,
        date_column=data.get("date_column"),
        source_file=bool(data.get("source_file", True)),
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
