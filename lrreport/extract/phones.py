"""Phone numbers to E.164 with ``phonenumbers``, once per distinct raw text, never per row."""

from __future__ import annotations

from collections.abc import Iterable

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
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


def phone_map(raws: Iterable[str | None], region: str) -> dict[str, list[str | None]]:
    """Parallel lists ``raw`` and ``e164`` for the given distinct raw texts; e164 None when invalid."""
    raw_list = [r for r in raws if r is not None]
    return {"raw": raw_list, "e164": [to_e164(r, region) for r in raw_list]}


def build_phone_table(con: duckdb.DuckDBPyConnection, region: str) -> int:
    """Create temp table ``_phones(raw, e164)`` for every distinct phone text in ``_stage``.

    DuckDB finds the distinct texts, Python normalises each once, and the loaders join the table
    back; returns how many distinct texts there were.
    """
    distinct = con.execute(read_sql("load/distinct_phones")).fetchall()
    mapping = phone_map((row[0] for row in distinct), region)
    con.execute(read_sql("load/phones_table"), mapping)
    return len(mapping["raw"])
