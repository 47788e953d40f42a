"""The settings the loader's parsing rules read (queries/load/macros.sql), set as SQL variables.

Timestamps without an offset are read in ``[load] source_timezone``; ambiguous slash dates in
``[load] date_order``; named offsets through the abbreviations below (ICU knows IANA names and a
few legacy ones such as EST, not PDT or CEST); status words through ``ORDER_STATUSES`` and
``[load] order_statuses``; times outside ``[load] earliest_year`` .. ``latest_year`` are rejected.
"""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb

from lrreport.config import Settings
from lrreport.extract.files import LoadInputError
from lrreport.sqlfiles import render_sql

# The platform's status word (lower case) -> the stored status. Shopify's financial statuses:
# an order still awaiting or holding payment is placed, a voided or expired one never happened.
ORDER_STATUSES: dict[str, str] = {
    "placed": "placed",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "refunded": "refunded",
    "paid": "placed",
    "pending": "placed",
    "authorized": "placed",
    "partially_paid": "placed",
    "partially_refunded": "refunded",
    "voided": "cancelled",
    "expired": "cancelled",
}
STATUSES = ("placed", "cancelled", "refunded")

# Common zone abbreviations and their offsets (North American meanings for the ambiguous ones).
TZ_ABBREVIATIONS: dict[str, str] = {
    "UTC": "+00:00", "GMT": "+00:00", "Z": "+00:00",
    "EST": "-05:00", "EDT": "-04:00", "CST": "-06:00", "CDT": "-05:00",
    "MST": "-07:00", "MDT": "-06:00", "PST": "-08:00", "PDT": "-07:00",
    "AKST": "-09:00", "AKDT": "-08:00", "HST": "-10:00",
    "BST": "+01:00", "CET": "+01:00", "CEST": "+02:00", "EET": "+02:00", "EEST": "+03:00",
    "AEST": "+10:00", "AEDT": "+11:00",
}  # fmt: skip

_TIMES = ("%H:%M:%S.%f", "%H:%M:%S", "%H:%M", "%I:%M:%S %p", "%I:%M %p")
SLASH_FORMATS = {
    "MDY": [f"%m/%d/%Y {t}" for t in _TIMES],
    "DMY": [f"%d/%m/%Y {t}" for t in _TIMES],
}


def order_statuses(settings: Settings) -> dict[str, str]:
    """The defaults with the configured words over them; a word mapped to no known status is an error."""
    merged = {**ORDER_STATUSES, **{k.strip().lower(): v for k, v in settings.load.order_statuses.items()}}
    bad = sorted(f"{k} = {v!r}" for k, v in merged.items() if v not in STATUSES)
    if bad:
        raise LoadInputError(
            f"[load] order_statuses: {', '.join(bad)}: map each word to one of {', '.join(STATUSES)}"
        )
    return merged


def set_parse_variables(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Set the SQL variables the parsing macros read, from ``settings``."""
    statuses = order_statuses(settings)
    load = settings.load
    values = {
        "source_tz": load.source_timezone,
        "slash_formats": SLASH_FORMATS[load.date_order],
        "date_order": load.date_order,
        "tz_abbreviations": (list(TZ_ABBREVIATIONS), list(TZ_ABBREVIATIONS.values())),
        "order_statuses": (list(statuses), list(statuses.values())),
        "earliest_year": load.earliest_year,
        "latest_year": load.latest_year,
        # the same bounds as instants (UTC): from the first moment of earliest_year to the end of latest_year
        "earliest_ts": datetime(load.earliest_year, 1, 1, tzinfo=UTC),
        "latest_ts": datetime(load.latest_year + 1, 1, 1, tzinfo=UTC),
    }
    for name, value in values.items():
        is_map = isinstance(value, tuple)
        params = list(value) if is_map else [value]
        con.execute(render_sql("load/templates/set_variable", name=name, map=is_map), params)
