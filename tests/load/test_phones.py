"""Phone numbers to E.164: the formats merchants' systems write."""

from __future__ import annotations

from pathlib import Path

import pytest

from lrreport.extract.phones import phone_map, to_e164


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


def test_shared_checks_give_the_same_answer_as_one_check_per_text() -> None:
    # keys as the loader builds them (punctuation removed): plain, with 1, with +1, edge lengths
    keys = []
    for national in ("2155550123", "4165550199", "1235550123", "2125550", "9995550123", "2015550123"):
        keys += [
            national,
            "1" + national,
            "+1" + national,
            "11" + national,
            "0" + national,
            "+10" + national[1:],
        ]
    keys += ["+442079460958", "442079460958", "02079460958", "+", "+12a", "not a phone"]
    for region in ("US", "CA", "GB", "DE"):
        shared = phone_map(keys, region)["e164"]
        assert shared == [to_e164(k, region) for k in keys], region


def test_the_loaders_keys_give_what_phonenumbers_gives_for_each_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """End to end: the SQL keys and shared checks store exactly to_e164(raw) for every spelling."""
    from tests.load.conftest import Warehouse, send_row, write_rows

    monkeypatch.chdir(tmp_path)
    spellings = []
    for national in ("2155550123", "4165550199", "1235550123", "2125550", "2015550123"):
        spellings += [
            national,
            "1" + national,
            "+1" + national,
            "11" + national,
            "0" + national,
            f"({national[:3]}) {national[3:6]}-{national[6:]}",
            "1-" + national,
            "+1 " + national,
        ]
    spellings += ["+44 20 7946 0958", "442079460958", "0044 20 7946 0958", "call me", "+", "12a"]
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
