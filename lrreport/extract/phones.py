"""Phone numbers to E.164 with ``phonenumbers``, once per distinct raw text, never per row."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor

import duckdb
import phonenumbers

from lrreport.sqlfiles import read_sql


def to_e164(raw: str | None, region: str) -> str | None:
    """The E.164 form of ``raw`` (numbers without a country code read in ``region``), or None.

    None when the text is not a valid phone number: too short or long, unknown area code, letters.
    """
    if raw is None:
        return None
    text = raw.strip()
    if not text:
        return None
    # "15551234567" (country code, no plus) is how Listrak writes US numbers; a leading "00" is the
    # international prefix in most of the world. phonenumbers reads both only with help.
    candidates = [text]
    digits = "".join(ch for ch in text if ch.isdigit())
    if not text.startswith("+") and digits == text.replace("-", "").replace(" ", "").replace(".", ""):
        if digits.startswith("00"):
            candidates.insert(0, "+" + digits[2:])
        elif len(digits) > 10:
            candidates.append("+" + digits)
    for candidate in candidates:
        try:
            number = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            continue
        # the default region's own check is much cheaper than the general one, which tries every
        # region sharing the country code (25 for +1); it settles most numbers
        if phonenumbers.is_valid_number_for_region(number, region) or phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


# Below this many distinct numbers one process is fastest; above, worker processes share the work
# (phonenumbers is pure Python: ~50-150 microseconds a number).
PARALLEL_MIN = 20_000
_CHUNK = 5_000


def _normalise_chunk(raws: list[str], region: str) -> list[str | None]:
    return [to_e164(r, region) for r in raws]


def phone_map(
    raws: Iterable[str | None], region: str, workers: int | None = None
) -> dict[str, list[str | None]]:
    """Parallel lists ``raw`` and ``e164`` for the given distinct raw texts; e164 None when invalid.

    Large sets are split over ``workers`` processes (default: one per CPU).
    """
    raw_list = [r for r in raws if r is not None]
    workers = workers or os.cpu_count() or 1
    if len(raw_list) < PARALLEL_MIN or workers < 2:
        return {"raw": raw_list, "e164": _normalise_chunk(raw_list, region)}
    chunks = [raw_list[i : i + _CHUNK] for i in range(0, len(raw_list), _CHUNK)]
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        e164 = [v for part in pool.map(_normalise_chunk, chunks, [region] * len(chunks)) for v in part]
    return {"raw": raw_list, "e164": e164}


def build_phone_table(con: duckdb.DuckDBPyConnection, region: str) -> int:
    """Create temp table ``_phones(raw, e164)`` for every distinct phone text in ``_stage``.

    DuckDB finds the distinct texts and reduces them to punctuation-free keys, Python normalises
    each key once, and the loaders join the table back; returns how many keys were normalised.
    """
    con.execute(read_sql("load/distinct_phones"))
    keys = [row[0] for row in con.execute(read_sql("load/distinct_phone_keys")).fetchall()]
    mapping = phone_map(keys, region)
    con.execute(read_sql("load/phones_table"), {"key": mapping["raw"], "e164": mapping["e164"]})
    return len(keys)
