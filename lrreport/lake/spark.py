"""Spark for the models: the in-process local session, and the lake's tables declared to a catalog.

dbt-spark's ``method: session`` takes the active SparkSession (``getOrCreate``), so lrreport starts
it first with the settings the models need (UTC, Parquet timestamps DuckDB reads as instants, an
in-memory catalog); one session serves a whole process, as a JVM is slow to start. The catalog
holds nothing of its own: every build declares the lake's tables to it afresh (``lake_ddl``), so a
new session, another lake or a cluster's persistent metastore all see what the lake holds.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from lrreport.lake.layout import BUILT_SCHEMAS, PARTITION, RAW_TABLES, SCHEMA_FILE, join
from lrreport.lake.writer import LakeError, filesystem

LOCAL_MASTER = "local[2]"
# The settings every Spark that runs the models needs (also passed to the user's session profile).
SPARK_CONF = {
    "spark.sql.session.timeZone": "UTC",
    # instants as Parquet TIMESTAMP_MICROS (UTC-adjusted): DuckDB reads them as TIMESTAMPTZ
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
    # a full refresh rewrites a model's folder in the lake, which is not empty
    "spark.sql.legacy.allowNonEmptyLocationInCTAS": "true",
}
# Only for the local session: a small machine, no UI, no Hive metastore on disk.
LOCAL_CONF = {
    "spark.sql.catalogImplementation": "in-memory",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "2",
    # adaptive execution re-plans every query stage by stage: on two cores and two shuffle partitions
    # it has nothing to coalesce; without it a golden build takes 70 s instead of 98 (first build of
    # a JVM) and 32 s instead of 45 (warm): benchmarks/README.md
    "spark.sql.adaptive.enabled": "false",
    # a broadcast side is built on the same two cores as everything else: at 10M sends fct_orders'
    # took over the default 300 s and failed the build (benchmarks/README.md)
    "spark.sql.broadcastTimeout": "3600",
    "spark.driver.memory": "3g",
    "spark.sql.execution.arrow.pyspark.enabled": "false",
}


def local_session(master: str = LOCAL_MASTER, warehouse_dir: str | None = None) -> Any:
    """The process's local SparkSession (started on first use; a Java runtime must be installed)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise LakeError("pyspark is not installed: pip install 'lrreport[spark]'") from None
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    builder = SparkSession.builder.master(master).appName("lrreport")
    for key, value in {**SPARK_CONF, **LOCAL_CONF}.items():
        builder = builder.config(key, value)
    if warehouse_dir:
        builder = builder.config("spark.sql.warehouse.dir", warehouse_dir)
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # pyspark raises its own kinds when Java is missing or fails
        raise LakeError(f"cannot start a local Spark ({master}): {exc}".splitlines()[0]) from None
    session.sparkContext.setLogLevel("ERROR")
    return session


def lake_ddl(lake: str) -> list[str]:
    """Statements declaring every table the lake holds (raw tables, and models a build wrote).

    Raw tables get their columns from ``_schema.parquet`` (so an empty one is still a table); the
    models' tables are read as Spark wrote them. Tables are external: dropping one keeps its files.
    """
    fs, root = filesystem(lake)
    statements = [f"CREATE SCHEMA IF NOT EXISTS {s}" for s in ("raw", *BUILT_SCHEMAS)]
    raw_names = set()
    for table in RAW_TABLES:
        raw_names.add(table.qualified)
        schema_file = join(table.folder(root), SCHEMA_FILE)
        if not fs.exists(schema_file):
            continue
        with fs.open(schema_file, "rb") as handle:
            columns = [f"`{f.name}` {spark_type(f.type)}" for f in pq.read_schema(handle)]
        partitioned = ""
        if table.date_sql is not None:
            columns.append(f"`{PARTITION}` DATE")
            partitioned = f" PARTITIONED BY ({PARTITION})"
        statements += [
            f"DROP TABLE IF EXISTS {table.qualified}",
            f"CREATE TABLE {table.qualified} ({', '.join(columns)}) USING parquet{partitioned} "
            f"LOCATION {_literal(join(lake, table.schema, table.name))}",
        ]
    for schema in BUILT_SCHEMAS:
        if schema == "meta" or not fs.exists(join(root, schema)):
            continue  # the build's own meta tables are declared by its start hook
        for path in fs.ls(join(root, schema), detail=False):
            name = path.rstrip("/").rsplit("/", 1)[-1]
            if f"{schema}.{name}" in raw_names or not fs.glob(join(path, "*.parquet")):
                continue
            statements += [
                f"DROP TABLE IF EXISTS {schema}.{name}",
                f"CREATE TABLE {schema}.{name} USING parquet LOCATION {_literal(join(lake, schema, name))}",
            ]
    return statements


def spark_type(t: pa.DataType) -> str:
    """The Spark SQL type of an Arrow type as DuckDB writes raw columns to Parquet."""
    if pa.types.is_timestamp(t):
        return "TIMESTAMP" if t.tz else "TIMESTAMP_NTZ"
    if pa.types.is_decimal(t):
        return f"DECIMAL({t.precision}, {t.scale})"
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return f"ARRAY<{spark_type(t.value_type)}>"
    simple = {
        pa.string(): "STRING", pa.large_string(): "STRING", pa.bool_(): "BOOLEAN", pa.int8(): "TINYINT",
        pa.int16(): "SMALLINT", pa.int32(): "INT", pa.int64(): "BIGINT", pa.float32(): "FLOAT",
        pa.float64(): "DOUBLE", pa.date32(): "DATE",
    }
    if t in simple:
        return simple[t]
    raise LakeError(f"a raw column of type {t} has no Spark type in lrreport's lake layout")


def _literal(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
