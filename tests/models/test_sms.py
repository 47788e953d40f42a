"""Segment counting: hand-worked cases, properties, and the load's SQL macros agreeing with Python.

The macros (queries/load/sms_macros.sql) compute the per-send facts raw.sends stores at load.
"""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lrreport.sms import GSM7, GSM7_BASIC, GSM7_EXTENSION, UCS2, count_segments, segments_for
from lrreport.sqlfiles import queries_dir

CASES = [
    # (content, characters, encoding, units, segments, has_link)
    ("", 0, GSM7, 0, 0, False),
    ("Hi", 2, GSM7, 2, 1, False),
    ("x" * 160, 160, GSM7, 160, 1, False),  # a full single segment
    ("x" * 161, 161, GSM7, 161, 2, False),  # split: 153 + 8
    ("x" * 306, 306, GSM7, 306, 2, False),  # 2 x 153 exactly
    ("x" * 307, 307, GSM7, 307, 3, False),
    ("€" * 80, 80, GSM7, 160, 1, False),  # extension characters: two septets each
    ("[" * 81, 81, GSM7, 162, 2, False),
    ("^{}\\[~]|€\f", 10, GSM7, 20, 1, False),  # the whole extension table
    ("Ça coûte 5 €", 12, UCS2, 12, 1, False),  # û is not GSM-7: the whole message is UCS-2
    ("é" * 160, 160, GSM7, 160, 1, False),  # é is in the basic set
    ("ё" * 70, 70, UCS2, 70, 1, False),
    ("ё" * 71, 71, UCS2, 71, 2, False),  # split: 67 + 4
    ("ё" * 134, 134, UCS2, 134, 2, False),
    ("ё" * 135, 135, UCS2, 135, 3, False),
    ("😀" * 35, 35, UCS2, 70, 1, False),  # outside the BMP: two UTF-16 code units each
    ("😀" * 36, 36, UCS2, 72, 2, False),
    # A link counts as its 22-character short form, whatever its length or characters.
    ("Track: https://example.com/" + "a" * 300, 7 + 22, GSM7, 29, 1, True),
    ("HTTP://X.CO/`backtick` ok", 22 + 3, GSM7, 25, 1, True),  # ` (not GSM) inside the link is gone
    ("a http://a.b b https://c.d/é c", 2 + 22 + 3 + 22 + 2, GSM7, 51, 1, True),
    ("no link: http:/x.co or ftp://x", 30, GSM7, 30, 1, False),
    ("Line\nbreak\r\n", 12, GSM7, 12, 1, False),  # LF and CR are basic characters
    ("tab\there", 8, UCS2, 8, 1, False),  # TAB is not
    # Plain ASCII outside GSM-7 (SQL's shortcut for ASCII text must not miss them): backtick, DEL,
    # control characters; quotes and backslash are GSM-7 (the backslash from the extension table).
    ("a`b", 3, UCS2, 3, 1, False),
    ("a\x7fb", 3, UCS2, 3, 1, False),
    ("a\x01", 2, UCS2, 2, 1, False),
    ('say "hi" \\o/', 12, GSM7, 13, 1, False),
    ("1\u00a02", 3, UCS2, 3, 1, False),  # a no-break space is not GSM-7
    ("Hi\f", 3, GSM7, 4, 1, False),  # form feed: an extension character
]


@pytest.mark.parametrize(("content", "characters", "encoding", "units", "segments", "has_link"), CASES)
def test_hand_worked_cases(content, characters, encoding, units, segments, has_link) -> None:  # noqa: ANN001
    got = count_segments(content)
    assert (got.characters, got.encoding, got.units, got.segments, got.has_link) == (
        characters, encoding, units, segments, has_link,
    )


def test_none_is_empty_and_tables_are_disjoint() -> None:
    assert count_segments(None) == count_segments("")
    assert not GSM7_BASIC & GSM7_EXTENSION
    assert len(GSM7_BASIC) == 127 and len(GSM7_EXTENSION) == 10  # 128 positions minus ESC; 9 + FF


@given(st.integers(min_value=0, max_value=5000), st.sampled_from([GSM7, UCS2]))
def test_segments_hold_the_units(units: int, encoding: str) -> None:
    n = segments_for(units, encoding)
    single, multi = (160, 153) if encoding == GSM7 else (70, 67)
    if units == 0:
        assert n == 0
    elif units <= single:
        assert n == 1
    else:
        assert (n - 1) * multi < units <= n * multi


ALPHABET = st.one_of(
    st.sampled_from(sorted(GSM7_BASIC)),
    st.sampled_from(sorted(GSM7_EXTENSION)),
    st.characters(exclude_categories=("Cs",), exclude_characters="\x00"),
    st.sampled_from(["https://x.co/abc", "http://", "HTTPS://Y.Z/é", " ", "\t", "😀", "`", "\x7f", "\u00a0"]),
)
TEXTS = st.lists(ALPHABET, max_size=60).map("".join)


@given(TEXTS)
def test_properties(content: str) -> None:
    got = count_segments(content)
    assert got.encoding in (GSM7, UCS2)
    assert (got.segments >= 1) == (got.characters > 0)
    assert got.units >= got.characters
    if got.encoding == UCS2:
        assert any(ch not in GSM7_BASIC and ch not in GSM7_EXTENSION for ch in content)
    if not got.has_link:
        assert got.characters == len(content)


@pytest.fixture(scope="module")
def sql_con():  # noqa: ANN201
    con = duckdb.connect()
    con.execute((queries_dir() / "load" / "sms_macros.sql").read_text(encoding="utf-8"))
    yield con
    con.close()


SQL_COUNT = """
WITH a AS (SELECT i, c, lr_sms_as_sent(c) AS sent FROM t),
h AS (SELECT *, lr_sms_has_link(c, sent) AS has_link FROM a),
b AS (SELECT *, lr_sms_is_gsm7(sent) AS gsm7 FROM h),
u AS (SELECT *, lr_sms_units(sent, gsm7) AS units FROM b)
SELECT i, length(sent), lr_sms_encoding(gsm7), units, lr_sms_segments(units, gsm7), has_link
FROM u ORDER BY i
"""


# What the loader stores (queries/load/sends_typed.sql): every fact at once from lr_sms_facts.
SQL_FACTS = """
SELECT i, f.characters, f.encoding, f.segment_units, f.segments, f.has_link
FROM (SELECT i, lr_sms_facts(c) AS f FROM t) ORDER BY i
"""


def sql_counts(con: duckdb.DuckDBPyConnection, texts: list[str | None]) -> list[tuple]:
    """The facts per text from the macros one by one; asserts lr_sms_facts gives the same."""
    con.execute("CREATE OR REPLACE TEMP TABLE t (i INTEGER, c VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(texts)))
    counts = [tuple(r[1:]) for r in con.execute(SQL_COUNT).fetchall()]
    assert [tuple(r[1:]) for r in con.execute(SQL_FACTS).fetchall()] == counts
    return counts


def py_counts(texts: list[str | None]) -> list[tuple]:
    out = []
    for text in texts:
        c = count_segments(text)
        out.append((c.characters, c.encoding, c.units, c.segments, c.has_link))
    return out


def test_sql_matches_python_on_every_bmp_character(sql_con) -> None:  # noqa: ANN001
    texts = [chr(cp) * 2 for cp in range(1, 0x10000) if not 0xD800 <= cp <= 0xDFFF]
    texts += ["\U0001F600", "\U00010000\U0010FFFF", None]
    sql_con.execute("CREATE OR REPLACE TEMP TABLE t AS SELECT * FROM (VALUES (0, 'x')) v(i, c) LIMIT 0")
    import pyarrow as pa

    table = pa.table({"i": pa.array(range(len(texts)), pa.int32()), "c": pa.array(texts, pa.string())})
    sql_con.register("chars", table)
    sql_con.execute("CREATE OR REPLACE TEMP TABLE t AS SELECT * FROM chars")
    got = [tuple(r[1:]) for r in sql_con.execute(SQL_COUNT).fetchall()]
    assert got == py_counts(texts)
    assert [tuple(r[1:]) for r in sql_con.execute(SQL_FACTS).fetchall()] == got


def test_sql_matches_python_on_the_hand_worked_cases(sql_con) -> None:  # noqa: ANN001
    texts = [c[0] for c in CASES]
    assert sql_counts(sql_con, texts) == py_counts(texts)


@settings(max_examples=60, deadline=None)
@given(st.lists(TEXTS, min_size=1, max_size=40))
def test_sql_matches_python_on_random_strings(sql_con, texts: list[str]) -> None:  # noqa: ANN001
    assert sql_counts(sql_con, texts) == py_counts(texts)
