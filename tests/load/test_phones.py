"""Phone numbers to E.164: the formats merchants' systems write, and SQL agreeing with phonenumbers."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import duckdb
import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lrreport.extract.phones import install_phone_macros, nanp_eligible, phone_map, to_e164


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+12155550123", "+12155550123"),
        ("12155550123", "+12155550123"),  # Listrak's style: country code, no plus
        ("(215) 555-0123", "+12155550123"),
        ("215-555-0123", "+12155550123"),
        ("215.555.0123", "+12155550123"),
        (" 1 215 555 0123 ", "+12155550123"),
        ("+1 (215) 555-0123", "+12155550123"),
        ("+44 20 7946 0958", "+442079460958"),
        ("0044 20 7946 0958", "+442079460958"),
        ("442079460958", "+442079460958"),
        ("2155550", None),  # too short
        ("1-123-456-7890", None),  # no US area code starts with 1
        ("not a phone", None),
        ("", None),
        (None, None),
    ],
)
def test_to_e164(raw: str | None, expected: str | None) -> None:
    assert to_e164(raw, "US") == expected


def test_default_region_applies_to_national_numbers() -> None:
    assert to_e164("020 7946 0958", "GB") == "+442079460958"
    assert to_e164("020 7946 0958", "US") is None


def test_phone_map_is_parallel_lists() -> None:
    assert phone_map(["215-555-0123", "x", None], "US") == {
        "raw": ["215-555-0123", "x"],
        "e164": ["+12155550123", None],
    }


def test_which_regions_take_the_sql_path() -> None:
    assert [r for r in ("US", "CA", "DO", "JM", "PR", "AG", "BB", "GB", "DE") if nanp_eligible(r)] == [
        "US",
        "CA",
        "DO",
        "JM",
        "PR",
    ]


# --------------------------------------------------------------------------- SQL = phonenumbers

_CONS: dict[str, duckdb.DuckDBPyConnection] = {}


@pytest.fixture(scope="module", autouse=True)
def _close_connections() -> Iterator[None]:
    yield
    for con in _CONS.values():
        con.close()
    _CONS.clear()


def _con(region: str) -> duckdb.DuckDBPyConnection:
    if region not in _CONS:
        con = duckdb.connect()
        install_phone_macros(con, region)
        _CONS[region] = con
    return _CONS[region]


def sql_phones(texts: list[str | None], region: str) -> list[tuple[bool, str | None]]:
    """(settled in SQL, its E.164) per text, with the loader's macros (load/phone_macros.sql)."""
    rows = (
        _con(region)
        .execute(
            "SELECT i, lr_phone_national(raw) IS NOT NULL, lr_nanp_e164(lr_phone_national(raw)) "
            "FROM (SELECT unnest(range(len($t))) AS i, unnest($t::VARCHAR[]) AS raw) ORDER BY i",
            {"t": texts},
        )
        .fetchall()
    )
    return [(settled, e164) for _, settled, e164 in rows]


def loader_e164(texts: list[str | None], region: str) -> list[str | None]:
    """What a load stores for each text: SQL's answer when it settles the text, else to_e164's."""
    return [
        e164 if settled else to_e164(t, region)
        for t, (settled, e164) in zip(texts, sql_phones(texts, region), strict=True)
    ]


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _area_code(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.55:
        return str(rng.randint(200, 999))  # mostly real area codes, some not in use
    if kind < 0.65:
        return f"{rng.randint(2, 9)}11"  # N11 service codes
    if kind < 0.75:
        return rng.choice(("0", "1")) + _digits(rng, 2)  # an area code never starts with 0 or 1
    if kind < 0.85:
        return rng.choice(("555", "800", "833", "888", "900", "500", "521", "533", "600", "700", "710"))
    region = rng.choice(phonenumbers.COUNTRY_CODE_TO_REGION_CODE[1])
    example = phonenumbers.PhoneMetadata.metadata_for_region(region).fixed_line.example_number or "2015550123"
    return example[:3]  # the Caribbean, Canada, the territories


def _exchange(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.6:
        return str(rng.randint(200, 999))
    if kind < 0.75:
        return "555"  # fictional / directory numbers
    if kind < 0.85:
        return f"{rng.randint(2, 9)}11"
    return rng.choice(("0", "1")) + _digits(rng, 2)


SPELLINGS = (
    "+1{a}{e}{l}",
    "1{a}{e}{l}",
    "{a}{e}{l}",
    "({a}) {e}-{l}",
    "{a}-{e}-{l}",
    "{a}.{e}.{l}",
    "{a} {e} {l}",
    "+1 ({a}) {e}-{l}",
    "+1-{a}-{e}-{l}",
    "1 ({a}) {e}-{l}",
    "1-{a}-{e}-{l}",
    "+1 {a} {e} {l}",
    "({a}){e}-{l}",
    "{a} {e}-{l}",
    "  {a}{e}{l}  ",
    "\u00a0({a}) {e}-{l}\u2003",  # Unicode spaces around
    # not the common spellings: Python decides
    "\t{a}{e}{l}",
    "+{a}{e}{l}",
    "11{a}{e}{l}",
    "+11{a}{e}{l}",
    "0{a}{e}{l}",
    "001{a}{e}{l}",
    "011{a}{e}{l}",
    "({a} {e}-{l}",
    "{a}) {e}-{l}",
    "{a}/{e}/{l}",
    "{a}+{e}{l}",
    "({a}) {e}-{l} x12",
    "{a}{e}{l}0",
    "{a}{e}{s}",
    "1{a}{e}",
    "+1 {a} {e} {l} {l}",
)


COMMON = 16  # the first spellings: settled in SQL whenever the area code starts with 2-9


def random_numbers(seed: int, n: int) -> list[tuple[str, str, str]]:
    """``n`` random North American (area code, exchange, line): real, unused and impossible ones."""
    rng = random.Random(seed)
    return [(_area_code(rng), _exchange(rng), _digits(rng, 4)) for _ in range(n)]


OTHER_TEXTS = [
    "+44 20 7946 0958",
    "+442079460958",
    "0044 20 7946 0958",
    "442079460958",
    "+49 30 901820",
    "+4930901820",
    "004930901820",
    "+49 1512 3456789",
    "1-800-FLOWERS",
    "215-555-O123",
    "call me",
    "12a",
    "+",
    "",
    " ",
    "\t",
    None,
]


def random_texts(seed: int, n: int) -> list[str | None]:
    """``n`` random North American numbers, each in every spelling, then non-US and junk texts."""
    texts: list[str | None] = []
    for a, e, line in random_numbers(seed, n):
        texts += [s.format(a=a, e=e, l=line, s=line[:3]) for s in SPELLINGS]
    return texts + OTHER_TEXTS


@pytest.mark.parametrize(("region", "n"), [("US", 2_000), ("CA", 500)])
def test_sql_gives_what_to_e164_gives_on_thousands_of_numbers(region: str, n: int) -> None:
    texts = random_texts(20261201, n)
    assert loader_e164(texts, region) == [to_e164(t, region) for t in texts]
    # SQL settles every common spelling of a number whose area code starts with 2-9, valid or not
    # (a few others happen to be one too: '1' + a 10-digit number starting with 5 is '+15...')
    settled = [s for s, _ in sql_phones(texts, region)]
    common = []
    for a, _, _ in random_numbers(20261201, n):
        common += [a[0] in "23456789" and i < COMMON for i in range(len(SPELLINGS))]
    assert all(s for s, c in zip(settled, common, strict=False) if c)
    assert not any(settled[len(common) :])
    assert sum(e is not None for _, e in sql_phones(texts, region)) > sum(common) // 3


KINDS = ("fixed_line", "mobile", "toll_free", "premium_rate", "voip", "personal_number", "pager", "uan")


def test_sql_validity_is_phonenumbers_own_on_every_regions_numbers() -> None:
    """Each +1 region's example numbers with random endings after every prefix length."""
    rng = random.Random(7)
    nationals = [f"{rng.randint(2, 9)}{_digits(rng, 9)}" for _ in range(2_000)]
    for region in phonenumbers.COUNTRY_CODE_TO_REGION_CODE[1]:
        md = phonenumbers.PhoneMetadata.metadata_for_region(region)
        for kind in KINDS:
            example = getattr(md, kind).example_number if getattr(md, kind) is not None else None
            if example and len(example) == 10:
                nationals += [example[:k] + _digits(rng, 10 - k) for k in range(3, 11) for _ in range(4)]
    for region in ("US", "CA", "PR"):
        got = [e164 for _, e164 in sql_phones(["+1" + n for n in nationals], region)]
        want = []
        for n in nationals:
            number = phonenumbers.PhoneNumber(country_code=1, national_number=int(n))
            in_region = phonenumbers.is_valid_number_for_region(number, region)
            want.append("+1" + n if in_region or phonenumbers.is_valid_number(number) else None)
        assert got == want, region


def test_other_default_regions_settle_nothing_in_sql() -> None:
    texts = random_texts(3, 50)
    assert not any(settled for settled, _ in sql_phones(texts, "GB"))
    assert loader_e164(texts, "GB") == [to_e164(t, "GB") for t in texts]


PHONE_CHARS = st.sampled_from(list("0123456789" * 4 + "  ()+-./1x") + ["\u00a0", "\t", "a", "é", "٣"])
PHONE_TEXTS = st.one_of(
    st.lists(PHONE_CHARS, max_size=20).map("".join),
    st.builds(
        lambda prefix, a, sep1, e, sep2, line, pad: f"{pad}{prefix}{a}{sep1}{e}{sep2}{line}{pad}",
        st.sampled_from(["", "1", "+1", "+1 ", "1-", "1 ", "+", "0", "+1(", "("]),
        st.from_regex(r"[0-9]{3}", fullmatch=True),
        st.sampled_from(["", " ", "-", ".", ") ", ")", "/", "  "]),
        st.from_regex(r"[0-9]{3}", fullmatch=True),
        st.sampled_from(["", " ", "-", ".", "--"]),
        st.from_regex(r"[0-9]{3,5}", fullmatch=True),
        st.sampled_from(["", " ", "\u00a0", "\t"]),
    ),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(PHONE_TEXTS, min_size=1, max_size=60), st.sampled_from(["US", "CA"]))
def test_sql_gives_what_to_e164_gives_property(texts: list[str], region: str) -> None:
    assert loader_e164(texts, region) == [to_e164(t, region) for t in texts]


def test_the_loader_stores_what_to_e164_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """End to end: SQL's and Python's share of the work store exactly to_e164(raw) for every spelling."""
    from tests.load.conftest import Warehouse, send_row, write_rows

    monkeypatch.chdir(tmp_path)
    spellings = []
    for national in ("2155550123", "4165550199", "1235550123", "2125550", "2015550123", "2632820001"):
        spellings += [
            national,
            "1" + national,
            "+1" + national,
            "11" + national,
            "0" + national,
            f"({national[:3]}) {national[3:6]}-{national[6:]}",
            "1-" + national,
            "+1 " + national,
            f" {national[:3]}.{national[3:6]}.{national[6:]} ",
        ]
    spellings += ["+44 20 7946 0958", "442079460958", "0044 20 7946 0958", "call me", "+", "12a", "\t"]
    rows = [
        send_row(i, phone_number=p, http_status="400", error_code="ERROR_INVALID_PHONE_NUMBER")
        for i, p in enumerate(spellings)
    ]
    write_rows(tmp_path / "p.csv", rows)
    wh = Warehouse(tmp_path / "wh.duckdb")
    result = wh.run("load", "sends", str(tmp_path / "p.csv"))
    assert result.exit_code == 0, result.output
    stored = dict(wh.query("SELECT phone_raw, phone_number FROM raw.sends"))
    assert stored == {p: to_e164(p, "US") for p in spellings}
