"""Relative dates, the parameters cell, and validation before anything runs."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lrreport.reports.params import (
    ParameterError,
    parse_assignments,
    parse_parameters_source,
    read_notebook_info,
    relative_range,
    resolve_dates,
    today_in,
    validate_parameters,
)

from .conftest import NOTEBOOKS

days = st.dates(min_value=date(2001, 1, 1), max_value=date(2099, 12, 31))


def test_iso_dates_are_inclusive_and_kept() -> None:
    assert resolve_dates("2025-03-01", "2025-03-07", "UTC") == (date(2025, 3, 1), date(2025, 3, 7))
    assert resolve_dates(date(2025, 3, 1), date(2025, 3, 1), "UTC") == (date(2025, 3, 1), date(2025, 3, 1))


def test_words_against_a_known_day() -> None:
    wed = date(2025, 3, 12)  # a Wednesday
    r = lambda s, e=None: resolve_dates(s, e, "UTC", today=wed)  # noqa: E731
    assert r("today") == (wed, wed)
    assert r("yesterday") == (date(2025, 3, 11), date(2025, 3, 11))
    assert r("last_7_days") == (date(2025, 3, 5), date(2025, 3, 11))
    assert r("last_30_days") == (date(2025, 2, 10), date(2025, 3, 11))
    assert r("last_full_week") == (date(2025, 3, 3), date(2025, 3, 9))
    assert r("month_to_date") == (date(2025, 3, 1), wed)
    assert r("last_month") == (date(2025, 2, 1), date(2025, 2, 28))
    assert r("Last-7-Days", "yesterday") == (date(2025, 3, 5), date(2025, 3, 11))
    assert r("last_30_days", "last_7_days") == (date(2025, 2, 10), date(2025, 3, 11))
    assert r("2025-03-01") == (date(2025, 3, 1), wed)  # an ISO start alone runs to today


def test_today_is_taken_in_the_given_zone() -> None:
    # 03:30 UTC on 1 March is still 28 February in New York and already 1 March in Tokyo
    now = datetime(2025, 3, 1, 3, 30, tzinfo=ZoneInfo("UTC"))
    assert today_in("America/New_York", now) == date(2025, 2, 28)
    assert today_in("Asia/Tokyo", now) == date(2025, 3, 1)


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2025-03-10", "2025-03-01", "before start_date"),
        ("2025-02-30", "2025-03-01", "is not a date"),
        ("03/01/2025", "2025-03-05", "is not a date"),
        ("next_week", None, "is not a date"),
        (None, None, "both empty"),
        ("today", "last_month", "before start_date"),
    ],
)
def test_bad_dates_are_clear_errors(start: str | None, end: str | None, message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        resolve_dates(start, end, "UTC", today=date(2025, 3, 12))


def test_unknown_zone() -> None:
    with pytest.raises(ParameterError, match="not an IANA time zone"):
        resolve_dates("today", None, "Mars/Olympus")


@given(days)
def test_relative_ranges_properties(today: date) -> None:
    for word in ("today", "yesterday", "last_7_days", "last_30_days", "last_full_week", "month_to_date",
                 "last_month", "last_3_days"):  # fmt: skip
        start, end = relative_range(word, today)
        assert start <= end <= today
    assert relative_range("last_7_days", today) == (today - timedelta(days=7), today - timedelta(days=1))
    start, end = relative_range("last_full_week", today)
    assert start.isoweekday() == 1 and end.isoweekday() == 7 and (end - start).days == 6
    assert 1 <= (today - end).days <= 7  # the latest week that has ended
    start, end = relative_range("last_month", today)
    assert start.day == 1 and end + timedelta(days=1) == today.replace(day=1)
    start, end = relative_range("month_to_date", today)
    assert start == today.replace(day=1) and end == today


@given(days, days)
def test_iso_pairs_resolve_or_refuse(a: date, b: date) -> None:
    if b < a:
        with pytest.raises(ParameterError):
            resolve_dates(a.isoformat(), b.isoformat(), "UTC", today=a)
    else:
        assert resolve_dates(a.isoformat(), b.isoformat(), "UTC", today=a) == (a, b)


def test_parameters_cell_names_defaults_types_comments() -> None:
    params = parse_parameters_source(
        'start_date = "last_7_days"  # first day\n'
        "sender_code_id: int | None = None  # one sender code\n"
        "# how many rows\n"
        "rows = 20\n"
        "ratio = 0.5\n"
        "mask_phone_numbers = True  # hide digits\n"
        "windows = [[1, 12], [7, 24]]\n"
        "print('not a parameter')\n"
    )
    by = {p.name: p for p in params}
    assert list(by) == ["start_date", "sender_code_id", "rows", "ratio", "mask_phone_numbers", "windows"]
    assert (by["start_date"].type, by["start_date"].default, by["start_date"].help) == (
        "date",
        "last_7_days",
        "first day",
    )
    assert (by["sender_code_id"].type, by["sender_code_id"].optional) == ("int", True)
    assert (by["rows"].type, by["rows"].help) == ("int", "how many rows")
    assert by["ratio"].type == "float" and by["mask_phone_numbers"].type == "bool"
    assert by["windows"].type == "json"


def test_notebook_info_is_read_from_the_notebook() -> None:
    info = read_notebook_info(NOTEBOOKS / "figures.ipynb")
    assert info.title == "Test figures report"
    names = [p.name for p in info.parameters]
    assert names[:6] == [
        "start_date",
        "end_date",
        "sender_code_id",
        "timezone",
        "database",
        "mask_phone_numbers",
    ]
    assert all(p.help for p in info.parameters)


def test_validation_types_and_unknown_names() -> None:
    info = read_notebook_info(NOTEBOOKS / "figures.ipynb")
    now = datetime(2025, 3, 12, 12, tzinfo=ZoneInfo("UTC"))
    ok = validate_parameters(
        info,
        {
            "figures": "3",
            "fail": "no",
            "sleep_s": "1.5",
            "sender_code_id": "none",
            "start_date": "last_full_week",
        },
        default_timezone="UTC",
        now=now,
    )
    assert ok.values["figures"] == 3 and ok.values["fail"] is False and ok.values["sleep_s"] == 1.5
    assert ok.values["sender_code_id"] is None
    # start_date word -> its first day; end_date default "yesterday"
    assert (ok.values["start_date"], ok.values["end_date"]) == ("2025-03-03", "2025-03-11")
    assert ok.timezone == "America/New_York"  # the notebook's default wins over the fallback
    for given_, message in [
        ({"nope": "1"}, "has no parameter nope"),
        ({"figures": "two"}, "expected a whole number"),
        ({"fail": "maybe"}, "expected true or false"),
        ({"sender_code_id": "12x"}, "expected a whole number"),
        ({"timezone": "Nowhere/Land"}, "not an IANA time zone"),
        ({"start_date": "2025-13-01"}, "is not a date"),
        ({"start_date": "2025-03-11", "end_date": "2025-03-01"}, "before start_date"),
    ]:
        with pytest.raises(ParameterError, match=message):
            validate_parameters(info, given_, default_timezone="UTC", now=now)


def test_key_value_pairs() -> None:
    assert parse_assignments(["a=1", "c="]) == {"a": "1", "c": ""}
    with pytest.raises(ParameterError, match="expected key=value"):
        parse_assignments(["start_date"])


def test_real_notebooks_parameters_parse() -> None:
    """Every notebook in notebooks/ has a parameters cell this module understands."""
    folder = Path(__file__).resolve().parents[2] / "notebooks"
    for path in sorted(folder.glob("*.ipynb")):
        info = read_notebook_info(path)
        names = {p.name for p in info.parameters}
        assert {"start_date", "end_date", "timezone", "database"} <= names, path.name
