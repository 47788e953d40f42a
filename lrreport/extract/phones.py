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


def _international_form(key: str, country_code: int) -> str | None:
    """The ``+`` form a digits-only key stands for, when that is certain without parsing.

    In the North American plan (country code 1) a national number has 10 digits and never starts
    with 1, so ``2155550123``, ``12155550123`` and ``+12155550123`` are one number: phonenumbers
    then checks it once instead of three times. Anything else returns None and is parsed as is.
    """
    if key.startswith("+"):
        return key if key[1:].isdigit() else None
    if country_code != 1 or not key.isdigit():
        return None
    if len(key) == 10 and key[0] != "1":
        return "+1" + key
    if len(key) == 11 and key[0] == "1" and key[1] != "1":
        return "+" + key
    return None


def _check_international(form: str, region: str) -> str | None:
    """``to_e164`` for a ``+`` form; a North American one skips parsing, the costly half of a check."""
    if len(form) == 12 and form.startswith("+1") and form[2] in "23456789":
        number = phonenumbers.PhoneNumber(country_code=1, national_number=int(form[2:]))
        valid = phonenumbers.is_valid_number_for_region(number, region) or phonenumbers.is_valid_number(
            number
        )
        return form if valid else None
    return to_e164(form, region)


def phone_map(raws: Iterable[str | None], region: str) -> dict[str, list[str | None]]:
    """Parallel lists ``raw`` and ``e164`` for the given distinct raw texts; e164 None when invalid.

    Spellings of one number that are certainly the same (see ``_international_form``) share one
    phonenumbers check.
    """
    raw_list = [r for r in raws if r is not None]
    country_code = phonenumbers.country_code_for_region(region)
    checked: dict[str, str | None] = {}
    e164: list[str | None] = []
    for raw in raw_list:
        form = _international_form(raw, country_code)
        if form is None:
            e164.append(to_e164(raw, region))
            continue
        if form not in checked:
            checked[form] = _check_international(form, region)
        e164.append(checked[form])
    return {"raw": raw_list, "e164": e164}


def phone_keys(con: duckdb.DuckDBPyConnection, region: str) -> list[str]:
    """The distinct phone keys of ``_stage`` (temp table ``_phone_keys`` maps each raw text to one).

    DuckDB reduces the distinct texts to keys (punctuation dropped; North American numbers in their
    ``+1`` form, as ``_international_form`` does), so Python checks each number about once however
    many ways it is written.
    """
    con.execute("SET VARIABLE phone_country_code = ?", [phonenumbers.country_code_for_region(region)])
    con.execute(read_sql("load/distinct_phones"))
    return [row[0] for row in con.execute(read_sql("load/distinct_phone_keys")).fetchall()]


def create_phone_table(con: duckdb.DuckDBPyConnection, mapping: dict[str, list[str | None]]) -> None:
    """Temp table ``_phones(raw, e164)`` from the keys' normalised values (see ``phone_map``)."""
    con.execute(read_sql("load/phones_table"), {"key": mapping["raw"], "e164": mapping["e164"]})
