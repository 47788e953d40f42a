"""Raw tables are declared once (queries/raw/*.yml): the DDL, the insert, the help and the README follow."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from lrreport.sqlfiles import queries_dir
from lrreport.warehouse.raw_tables import DeclarationError, parse_declaration, raw_tables
from tests.load.conftest import Warehouse, order_row, write_rows

ROOT = Path(__file__).resolve().parents[2]


def test_readme_column_tables_are_the_declarations() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("sends", "orders"):
        block = re.search(rf"<!-- columns:{name} [^>]*-->\n(.*?)\n<!-- /columns:{name} -->", readme, re.S)
        assert block, f"README has no generated column table for {name}"
        assert block.group(1) == raw_tables()[name].readme_table()


def test_tables_are_created_from_the_declaration_with_its_columns_and_types(
    wh: Warehouse, tmp_path: Path
) -> None:
    write_rows(tmp_path / "o.csv", [order_row(1)])
    assert wh.run("load", "orders", str(tmp_path / "o.csv")).exit_code == 0
    con = duckdb.connect(str(wh.path), read_only=True)
    for table in raw_tables().values():
        schema, name = table.table.split(".")
        got = [
            r[0]
            for r in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE schema_name = ? AND table_name = ?",
                [schema, name],
            ).fetchall()
        ]
        assert sorted(got) == sorted(table.expected_types()), table.name
        assert table.schema_problems(con) == [], table.name


def test_help_names_every_declared_file_column(wh: Warehouse) -> None:
    for name, table in raw_tables().items():
        out = " ".join(
            wh.runner.invoke(
                __import__("lrreport.cli", fromlist=["cli"]).cli, ["load", name, "--help"]
            ).output.split()
        )
        for col in table.file_columns:
            assert col in out, (name, col)


def test_a_new_declared_table_needs_no_code(tmp_path: Path) -> None:
    """A declaration alone gives a working table: DDL, insert by name, key match."""
    path = tmp_path / "visits.yml"
    path.write_text(
        "name: visits\ntable: raw.visits\nkey: [visit_id]\ncolumns:\n"
        "  - {name: visit_id, type: VARCHAR, not_null: true, parse: text, required: true, description: id}\n"
        "  - {name: visited_at, type: TIMESTAMPTZ, parse: ts, description: when}\n",
        encoding="utf-8",
    )
    table = parse_declaration(path)
    con = duckdb.connect()
    con.execute(table.ddl())
    con.execute(
        "CREATE TEMP TABLE src AS SELECT 'v1' AS visit_id, "
        "TIMESTAMPTZ '2026-01-01 00:00:00+00' AS visited_at, 0 AS _file_idx"
    )
    con.execute(
        "SET VARIABLE load_id = 'L1'; SET VARIABLE loaded_at = now(); SET VARIABLE load_files = ['f.csv']"
    )
    con.execute("CREATE TEMP MACRO lr_source_file(idx) AS getvariable('load_files')[idx + 1]")
    con.execute(table.insert_sql("src"))
    assert con.execute("SELECT visit_id, _load_id, _source_file FROM raw.visits").fetchall() == [
        ("v1", "L1", "f.csv")
    ]
    assert table.help_text() == "Required columns: visit_id; optional: visited_at."


def test_a_malformed_declaration_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.yml"
    path.write_text(
        "name: bad\ntable: raw.bad\nkey: [x]\ncolumns:\n  - {name: y, type: INTEGER, colour: red}\n"
    )
    with pytest.raises(DeclarationError, match="colour"):
        parse_declaration(path)


def test_every_declaration_in_queries_raw_parses() -> None:
    names = {p.stem for p in (queries_dir() / "raw").glob("*.yml")}
    assert names == set(raw_tables()) and {"sends", "orders"} <= names


def test_a_misspelt_table_key_or_an_undeclared_date_column_is_refused(tmp_path: Path) -> None:
    column = "columns:\n  - {name: x, type: INTEGER, description: x}\n"
    misspelt = tmp_path / "misspelt.yml"
    misspelt.write_text(f"name: m\ntable: raw.m\nkey: [x]\ndate_colum: x\n{column}", encoding="utf-8")
    with pytest.raises(DeclarationError, match="date_colum"):
        parse_declaration(misspelt)
    undeclared = tmp_path / "undeclared.yml"
    undeclared.write_text(f"name: u\ntable: raw.u\nkey: [x]\ndate_column: day\n{column}", encoding="utf-8")
    with pytest.raises(DeclarationError, match="date column that is not declared"):
        parse_declaration(undeclared)
