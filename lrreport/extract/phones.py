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
        # the default region's own check is much cheaper than the general one, which tries every
        # region sharing the country code (25 for +1); it settles most numbers
        if phonenumbers.is_valid_number_for_region(number, region) or phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


def phone_map(raws: Iterable[str | None], region: str) -> dict[str, list[str | None]]:
    """Parallel lists ``raw`` and ``e164`` for the given distinct raw texts; e164 None when invalid."""
    raw_list = [r for r in raws if r is not None]
    return {"raw": raw_list, "e164": [to_e164(r, region) for r in raw_list]}


def phone_keys(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The distinct phone keys of ``_stage`` (temp table ``_phone_keys`` maps each raw text to one).

    DuckDB reduces the distinct texts to punctuation-free keys, so Python normalises each number
    once however many ways it is written.
    """
    con.execute(read_sql("load/distinct_phones"))
    return [row[0] for row in con.execute(read_sql("load/distinct_phone_keys")).fetchall()]


def create_phone_table(con: duckdb.DuckDBPyConnection, mapping: dict[str, list[str | None]]) -> None:
    """Temp table ``_phones(raw, e164)`` from the keys' normalised values (see ``phone_map``)."""
    con.execute(read_sql("load/phones_table"), {"key": mapping["raw"], "e164": mapping["e164"]})
