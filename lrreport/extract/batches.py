"""The Arrow schema of the batches an extractor hands its insert SQL: the raw table's declared columns.

The columns of a raw table are declared once (``queries/raw/<name>.yml``); an extractor builds its
Arrow batch from that declaration rather than from a list of its own, so the two cannot drift.
"""

from __future__ import annotations

import pyarrow as pa

from lrreport.warehouse.raw_tables import raw_table

# The Arrow type of each declared DuckDB type an extractor's batch carries.
ARROW_TYPES = {
    "INTEGER": pa.int32(),
    "BIGINT": pa.int64(),
    "VARCHAR": pa.string(),
    "BOOLEAN": pa.bool_(),
    "DATE": pa.date32(),
    "DECIMAL(18, 2)": pa.decimal128(18, 2),
    "TIMESTAMPTZ": pa.timestamp("us", tz="UTC"),
}


def batch_schema(table: str, *, as_text: tuple[str, ...] = (), with_meta: bool = False) -> pa.Schema:
    """The declared columns of raw table ``table`` in order, typed for Arrow.

    ``as_text``: columns the API gives as text that the insert SQL casts (Listrak's dates, which
    carry no offset); ``with_meta``: the load's metadata columns too, as the table declares them.
    """
    declared = raw_table(table)
    columns = [(c.name, c.type) for c in declared.columns]
    if with_meta:
        columns += declared.meta_columns
    return pa.schema([(n, pa.string() if n in as_text else ARROW_TYPES[kind]) for n, kind in columns])
