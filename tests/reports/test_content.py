"""The content audit's pure parts: templates with the varying parts masked, causes on the real text."""

from __future__ import annotations

import re
import string

from hypothesis import given
from hypothesis import strategies as st

from lrreport.reports.content import VARIES, cause, content_templates, merge_templates

WORDING = "Larkspur: Hi {}, thank you! Your order #LR# is confirmed. Details: {{link}} Reply STOP to opt out."


def _row(masked: str, sends: int = 1, name: str = "Order Confirmation", encoding: str = "GSM-7"):
    return (name, masked, encoding, sends, 1, 1, masked)


def test_names_merge_into_one_template_and_other_wordings_stay_apart() -> None:
    rows = [
        _row(WORDING.format("Mary"), 10),
        _row(WORDING.format("Robert"), 5),
        _row(WORDING.format("Mary Ann"), 1),  # a two-word value still lines up
        _row("Larkspur: your parcel for order #LR# left our warehouse today.", 3),
        _row(WORDING.format("Mary"), 2, name="Shipping Confirmation"),  # another shell: its own row
    ]
    templates = merge_templates(rows)
    assert [(t.message_name, t.text, t.sends) for t in templates] == [
        ("Order Confirmation", WORDING.format(VARIES), 16),
        ("Order Confirmation", "Larkspur: your parcel for order #LR# left our warehouse today.", 3),
        ("Shipping Confirmation", WORDING.format("Mary"), 2),
    ]


_WORD = st.builds(lambda head, tail: head.upper() + tail, st.sampled_from(string.ascii_lowercase),
                  st.text(string.ascii_lowercase, min_size=1, max_size=9))
_NAME = st.one_of(_WORD, st.builds(lambda a, b: f"{a} {b}", _WORD, _WORD))  # "Mary" or "Mary Ann"


@given(st.lists(_NAME, min_size=2, max_size=30, unique=True))
def test_any_first_names_give_one_template_that_matches_every_text(names: list[str]) -> None:
    texts = [WORDING.format(n) for n in names]
    (template,) = merge_templates([_row(t, i + 1) for i, t in enumerate(texts)])
    assert template.sends == sum(range(1, len(names) + 1))
    pattern = "".join(".+?" if part == VARIES else re.escape(part) for part in template.tokens)
    assert all(re.fullmatch(pattern, t) for t in texts)
    assert not any(n in template.text for n in names if len(n) > 3 and n not in WORDING), template.text


def test_cause_of_a_long_gsm_text_is_its_length_not_braces() -> None:
    # 200 letters, a space and a link counted as its 22-character short form: 223 septets,
    # GSM-7 splits into segments of 153: 2 segments; one segment holds 160, so cut 223 - 160 = 63.
    why = cause(["A" * 200 + " https://www.example.com/account/orders/LR1000123"])
    assert why.cut == 63
    assert why.text == "223 characters (223 septets; one segment holds 160): 2 segments; cut 63 to send 1"


def test_extension_characters_in_the_sent_text_count_double() -> None:
    # "Ready " 6 + "{curbside}" 10 + " " 1 + 150 letters = 167 characters; { and } take two septets each:
    # 169 septets, 2 segments; cut 169 - 160 = 9.
    why = cause(["Ready {curbside} " + "b" * 150])
    assert why.cut == 9
    assert why.text == (
        "{ } count two septets each; 167 characters (169 septets; one segment holds 160): 2 segments; "
        "cut 9 to send 1"
    )


def test_ucs2_names_the_character_and_what_gsm7_would_cost() -> None:
    # "We’ll " 6 + 80 letters = 86 UTF-16 units: UCS-2 splits by 67, 2 segments, cut 86 - 70 = 16;
    # with ’ as a GSM-7 character the same 86 septets fit one segment of 160.
    why = cause(["We\u2019ll " + "c" * 80])
    assert why.cut == 16
    assert why.text == (
        "UCS-2 because of \u2019 (U+2019); without them it is GSM-7: 1 segment instead of 2; "
        "86 characters (86 UTF-16 units; one segment holds 70): 2 segments; cut 16 to send 1"
    )


def test_three_segments_cut_to_two() -> None:
    # 400 septets: segments of 153, ceil(400 / 153) = 3; two hold 2 x 153 = 306: cut 94.
    assert cause(["d" * 400]).cut == 94


def test_a_character_only_some_names_have_is_said_to_be_in_some_sends() -> None:
    short = ["Hi Zo\u00eb, ok", "Hi Mary, ok"]  # ë is not GSM-7; "Mary" is
    assert cause([short[0]]).text == "UCS-2 because of \u00eb (U+00EB)"
    # a UCS-2 template holds only UCS-2 sends; two of them, one with ë and one with ’
    assert "(in some sends)" in cause(["Hi Zo\u00eb, ok", "Hi Mary\u2019s, ok"]).text
    assert cause([short[1]]).text == "\u2014"  # one GSM-7 segment: nothing to say


def test_audit_table_lists_templates_with_cause_and_cut() -> None:
    import pandas as pd

    link = "https://x.example/" + "p" * 150
    real = [WORDING.format(n).replace("#LR#", "#LR1000123").replace("{link}", link)
            for n in ("Mary", "Robert")]
    rows = pd.DataFrame(
        [("Order Confirmation", WORDING.format(n), "GSM-7", s, 1, 1, r)
         for n, s, r in zip(("Mary", "Robert"), (4, 3), real, strict=True)],
        columns=["message_name", "masked", "encoding", "sends", "min_segments", "max_segments", "longest"],
    )
    table = content_templates(rows, limit=5)
    assert list(table["sends"]) == [7]
    assert table["template"][0] == WORDING.format(VARIES)
    # the link counts 22: "Larkspur: Hi Robert, thank you! Your order #LR1000123 is confirmed. Details: "
    # is 77 characters, then 22, then " Reply STOP to opt out." 23: 122 septets, one segment
    assert table["segments"][0] == "1" and table["cause"][0] == "\u2014"
