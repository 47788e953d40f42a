"""The lake's layout, in one place: which tables it holds, how each is partitioned, where it lives.

``<lake>/raw/<table>/part_date=YYYY-MM-DD/data.parquet`` for the dated raw tables (the UTC date of
the column that dates a row), ``<lake>/raw/<table>/data.parquet`` for the small snapshots, and
``<lake>/<schema>/<model>/`` for what Spark builds (staging, intermediate, marts, meta). Each raw
table also keeps ``_schema.parquet`` (no rows: its columns and types), so that an empty table is
still a table; readers skip files whose names start with ``_``.
"""

from __future__ import annotations

from dataclasses import dataclass

PARTITION = "part_date"
DATA_FILE = "data.parquet"
SCHEMA_FILE = "_schema.parquet"
STAGING = "_staging"  # files written aside before they are renamed into place
# What Spark builds into the lake (dbt schemas), read back by DuckDB for metrics and reports.
BUILT_SCHEMAS = ("staging", "intermediate", "marts", "meta")


@dataclass(frozen=True)
class LakeTable:
    """One table of the raw lake: its DuckDB name, its key and the date it is partitioned by."""

    schema: str
    name: str
    key: tuple[str, ...]
    date_sql: str | None = None  # DuckDB expression of the partition date; None: one file
    keys_move: bool = False  # a newer version of a key can land in another partition
    load_column: str = "_load_id"  # the column naming the load that wrote a row
    # a meta.loads source whose every load rewrites the table ('*': every load): such loads can remove
    # rows without writing any (GA4 revises days), or the table has no load column
    rewritten_by: str | None = None

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    def folder(self, lake: str) -> str:
        return join(lake, self.schema, self.name)


RAW_TABLES = (
    LakeTable("raw", "sends", ("send_id",), "CAST(sent_at AS DATE)"),
    LakeTable("raw", "orders", ("order_id",), "CAST(ordered_at AS DATE)", keys_move=True),
    LakeTable("raw", "listrak_optouts", ("short_code_id", "phone_number", "opt_out_date"),
              "CAST(opt_out_date AS DATE)"),
    LakeTable("raw", "listrak_contacts", ("short_code_id", "phone_list_id", "phone_number"),
              "coalesce(subscribe_date, window_start, DATE '1970-01-01')", keys_move=True),
    LakeTable("raw", "listrak_sender_codes", ("short_code_id",)),
    LakeTable("raw", "listrak_phone_lists", ("short_code_id", "phone_list_id")),
    LakeTable("raw", "listrak_transactional_messages",
              ("short_code_id", "phone_list_id", "transactional_message_id")),
    # small (a row per day, campaign and content): one file each, rewritten after each GA4 extraction
    LakeTable("raw", "ga4_sessions", ("property_id", "report_date", "campaign", "content"),
              rewritten_by="ga4"),
    LakeTable("raw", "ga4_days", ("property_id", "report_date"), rewritten_by="ga4"),
    # the loads and their rejects, so that the lake tells what arrived and what was refused
    LakeTable("meta", "loads", ("load_id",), load_column="load_id"),
    LakeTable("meta", "rejects", ("load_id", "file", "line", "column_name"), load_column="load_id"),
    # where incremental extractions resume (the Shopify orders' freshness), changed by any extraction
    LakeTable("meta", "extract_state", ("source", "key"), rewritten_by="*"),
)


def join(lake: str, *parts: str) -> str:
    """A path or URL under the lake (``/`` joins both)."""
    return "/".join([lake.rstrip("/"), *parts])
