"""The files generated from the raw-table declarations: dbt's sources and the README column tables.

The declarations (``queries/raw/*.yml``) are the one place a raw table's columns are written; the
dbt sources YAML (``queries/models/staging/_sources.yml``) and the README's column tables are
copies made from them here, written by ``lrreport dev generate`` and held equal by a test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from lrreport.sqlfiles import queries_dir
from lrreport.warehouse.raw_tables import META_DESCRIPTIONS, RawTable, raw_tables

SOURCES_FILE = Path("models") / "staging" / "_sources.yml"  # under queries/
_RAW_DESCRIPTION = "Rows as they arrived, checked and normalised by lrreport's loaders and extractors."
_HEADER = """\
# Generated from the raw-table declarations (queries/raw/*.yml) by `lrreport dev generate`: edit
# those and run it again, never this file (tests/warehouse/test_generated.py holds them equal).
# Every row carries the load that wrote it (_load_id, a row of meta.loads), which incremental
# models follow (macros/incremental.sql).
"""


class _Dumper(yaml.SafeDumper):
    """Lists indented under their key, as the rest of the dbt project writes them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _source_table(table: RawTable) -> dict[str, object]:
    columns = [
        {"name": c.name, "data_type": c.type, "description": _one_line(c.description)} for c in table.columns
    ] + [
        {"name": name, "data_type": type_, "description": META_DESCRIPTIONS[name]}
        for name, type_ in table.meta_columns
    ]
    return {"name": table.table_name, "description": _one_line(table.description), "columns": columns}


def sources_yaml() -> str:
    """dbt's ``sources:`` for every declared raw table (schema ``raw``), in name order."""
    tables = sorted((t for t in raw_tables().values() if t.schema == "raw"), key=lambda t: t.table_name)
    doc = {
        "version": 2,
        "sources": [
            {
                "name": "raw",
                "schema": "raw",
                "description": _RAW_DESCRIPTION,
                "tables": [_source_table(t) for t in tables],
            }
        ],
    }
    return _HEADER + yaml.dump(doc, Dumper=_Dumper, sort_keys=False, width=100, allow_unicode=True)


_README_BLOCK = re.compile(r"(<!-- columns:(\w+) [^>]*-->\n)(.*?)(\n<!-- /columns:\2 -->)", re.S)


def readme_with_tables(readme: str) -> str:
    """``readme`` with each ``<!-- columns:NAME ... -->`` block replaced by that table's column table."""
    tables = raw_tables()
    return _README_BLOCK.sub(lambda m: m.group(1) + tables[m.group(2)].readme_table() + m.group(4), readme)


@dataclass(frozen=True)
class Generated:
    """One generated file: where it lives and the text it should hold."""

    path: Path
    text: str

    def is_current(self) -> bool:
        return self.path.is_file() and self.path.read_text(encoding="utf-8") == self.text


def generated_files() -> list[Generated]:
    """The files made from the declarations, with the text each should hold now."""
    queries = queries_dir()
    files = [Generated(queries / SOURCES_FILE, sources_yaml())]
    readme = queries.parent / "README.md"
    if readme.is_file():  # a source checkout (an installed wheel has no README beside queries/)
        files.append(Generated(readme, readme_with_tables(readme.read_text(encoding="utf-8"))))
    return files
