"""Phone numbers to E.164: in SQL for the common North American spellings, else with ``phonenumbers``.

``to_e164`` is the rule. A load applies it without calling it per row: DuckDB settles, set-based,
every text in one of the common North American spellings (``lr_phone_national`` in
``queries/load/phone_macros.sql``: ``+1``, ``1`` or nothing, then the 10-digit national number
with or without ``( ) . -`` and spaces) by checking the national number against phonenumbers' own
patterns, turned into SQL by ``nanp_valid_sql``; Python runs ``to_e164`` once per distinct
remaining text (other countries, malformed numbers). Both give exactly what ``to_e164`` gives
(tests/load/test_phones.py compares them on random and hand-picked texts).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

import duckdb
import phonenumbers
from phonenumbers import PhoneMetadata

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


# phonenumbers' number types in the order its _number_type_helper tries them (mobile comes last,
# and only when its pattern differs from the fixed-line one).
_TYPES = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
    "fixed_line",
)
# What the metadata's patterns may contain to be used as they are by DuckDB's RE2: digits, classes,
# groups, alternation, counts (no backslash other than \d, no anchors, no quotes).
_SAFE_PATTERN = re.compile(r"(?:[0-9()\[\]|?:{},-]|\\d)+")
NATIONAL_LENGTH = 10


def _pattern(desc: object) -> str | None:
    """A number description's pattern when a 10-digit national number can match it, else None."""
    pattern = getattr(desc, "national_number_pattern", None) if desc is not None else None
    if not pattern:
        return None
    lengths = desc.possible_length  # type: ignore[union-attr]
    if lengths and NATIONAL_LENGTH not in lengths:
        return None
    if not _SAFE_PATTERN.fullmatch(pattern):
        raise ValueError(f"phonenumbers pattern not usable in SQL: {pattern!r}")
    return pattern


def _known_type_sql(region: str) -> str:
    """SQL true when ``nsn`` has a known number type in ``region`` (``_number_type_helper``)."""
    md = PhoneMetadata.metadata_for_region(region)
    general = _pattern(md.general_desc) if md is not None else None
    if md is None or general is None:
        return "FALSE"
    names = list(_TYPES) + ([] if md.same_mobile_and_fixed_line_pattern else ["mobile"])
    types = [p for p in (_pattern(getattr(md, name)) for name in names) if p]
    if not types:
        return "FALSE"
    either = "|".join(f"(?:{p})" for p in types)
    return f"(regexp_full_match(nsn, '{general}') AND regexp_full_match(nsn, '{either}'))"


def nanp_eligible(region: str) -> bool:
    """Whether the SQL path applies: ``region`` dials +1 and reads a leading 1 as a plain prefix.

    True for US, CA, DO, JM and PR; the other North American regions rewrite 7-digit local numbers
    on parsing, and other countries have other rules, so their numbers all go through ``to_e164``.
    """
    md = PhoneMetadata.metadata_for_region(region.upper())
    return (
        md is not None
        and md.country_code == 1
        and md.national_prefix == "1"
        and md.national_prefix_for_parsing in (None, "1")
        and md.national_prefix_transform_rule is None
        and md.international_prefix == "011"
    )


@cache
def nanp_valid_sql(region: str) -> str:
    """``CREATE MACRO lr_nanp_valid(nsn)``: ``to_e164``'s validity of ``+1`` and a national number.

    ``nsn`` is 10 digits, the first 2-9 (what ``lr_phone_national`` returns). The rule is
    phonenumbers' own, taken from its metadata: a number is valid when it has a known type in the
    default region (``is_valid_number_for_region``), or in the region phonenumbers assigns it
    (``is_valid_number``): the regions of +1 are tried in phonenumbers' order, one with leading
    digits (area codes) takes the number when they match its start, one without (US, CA) when
    the number has a known type there. A known type means matching the region's general pattern
    and one of its type patterns (premium rate, toll free, ..., fixed line, mobile) whose possible
    lengths include 10. Validity depends on every digit, not only on a prefix (e.g. 246521[0369]
    in Barbados, 5 2x personal numbers), which is why the patterns are used whole. For a region
    where ``nanp_eligible`` is false the macro is FALSE and unused.
    """
    region = region.upper()
    if not nanp_eligible(region):
        return "CREATE OR REPLACE TEMP MACRO lr_nanp_valid(nsn) AS FALSE;"
    steps = [f"WHEN {_known_type_sql(region)} THEN TRUE"]
    for other in phonenumbers.COUNTRY_CODE_TO_REGION_CODE[1]:
        md = PhoneMetadata.metadata_for_region(other)
        if md is None:
            continue
        if md.leading_digits is not None:
            if not _SAFE_PATTERN.fullmatch(md.leading_digits):
                raise ValueError(f"phonenumbers leading digits not usable in SQL: {md.leading_digits!r}")
            lead = f"regexp_matches(nsn, '^(?:{md.leading_digits})')"
            steps.append(f"WHEN {lead} THEN {_known_type_sql(other)}")
        else:
            steps.append(f"WHEN {_known_type_sql(other)} THEN TRUE")
    body = "\n    ".join(steps)
    return f"CREATE OR REPLACE TEMP MACRO lr_nanp_valid(nsn) AS CASE\n    {body}\n    ELSE FALSE\nEND;"


def install_phone_macros(con: duckdb.DuckDBPyConnection, region: str) -> None:
    """Create the phone macros of ``queries/load/phone_macros.sql`` for default region ``region``."""
    try:
        valid = nanp_valid_sql(region)
        fast = nanp_eligible(region)
    except ValueError:  # a future metadata pattern SQL cannot take as is: every text to Python
        valid, fast = "CREATE OR REPLACE TEMP MACRO lr_nanp_valid(nsn) AS FALSE;", False
    con.execute("SET VARIABLE phone_nanp = ?", [fast])
    con.execute(valid)
    con.execute(read_sql("load/phone_macros"))


def pending_phones(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The distinct phone texts of ``_typed`` that SQL did not settle (for ``phone_map``)."""
    return [row[0] for row in con.execute(read_sql("load/phones_pending")).fetchall()]


def phone_map(raws: Iterable[str | None], region: str) -> dict[str, list[str | None]]:
    """Parallel lists ``raw`` and ``e164`` (None when invalid) for the given distinct raw texts."""
    raw_list = [r for r in raws if r is not None]
    return {"raw": raw_list, "e164": [to_e164(r, region) for r in raw_list]}


def create_phone_table(con: duckdb.DuckDBPyConnection, mapping: dict[str, list[str | None]]) -> None:
    """Temp table ``_phones(raw, e164)`` from the pending texts' normalised values (``phone_map``)."""
    con.execute(read_sql("load/phones_table"), {"raw": mapping["raw"], "e164": mapping["e164"]})
