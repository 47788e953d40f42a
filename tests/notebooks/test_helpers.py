"""The analyst API and the report helpers: masking, escaping, tiles, narrative, connect()."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

import lrreport
from lrreport.reports import charts, narrative, tables
from lrreport.reports.data import ReportDataError, parameters_of, previous_period, query
from lrreport.warehouse.freshness import Freshness, stale_sources


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("+12155550134", "+1 215 \u2022\u2022\u2022-\u2022\u202234"),
        ("(215) 555-0134", "+1 215 \u2022\u2022\u2022-\u2022\u202234"),
        ("+447911123456", "+44 791 \u2022\u2022\u2022\u2022\u202256"),
        ("not a phone 12", "\u2022" * 12 + "12"),
        (None, ""),
    ],
)
def test_mask_phone(raw, masked):
    assert tables.mask_phone(raw) == masked


def test_html_table_escapes_and_masks():
    df = pd.DataFrame(
        {
            "order_id": ["LR1"],
            "phone_number": ["+12155550134"],
            "phone_list_id": [2101],
            "message_content": ["<script>alert(1)</script> & more"],
            "sent_at": [pd.Timestamp("2026-01-05 15:00", tz="UTC")],
        }
    )
    html = tables.html_table(df, timezone="America/New_York")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html and "<script>alert" not in html
    assert "+12155550134" not in html and "+1 215 \u2022\u2022\u2022-\u2022\u202234" in html
    assert ">2,101<" in html  # a list id is not a phone number
    assert "2026-01-05 10:00 EST" in html
    assert "+12155550134" in tables.html_table(df, mask_phone_numbers=False)


def test_kpi_tiles_show_change_with_arrow_words_and_escaping():
    current = {"attempts": 1100, "acceptance_rate": 0.964, "optout_rate": 0.012, "attributed_revenue": 10.0}
    previous = {"attempts": 1000, "acceptance_rate": 0.985, "optout_rate": 0.010, "attributed_revenue": 0}
    html = tables.kpi_tiles(current, previous, previous_label="previous <7> days")
    assert "\u25b2</span> +10.0%" in html  # attempts up, neither good nor bad
    assert "\u25bc</span> -2.1 pts (worse)" in html  # acceptance down: worse, said in words
    assert "\u25b2</span> +0.2 pts (worse)" in html  # opt-out rate up: worse
    assert "new this period" in html  # previous revenue was zero
    assert "previous &lt;7&gt; days" in html
    assert repr(html) == "<KPI tiles>"  # the plain-text form does not repeat the data


def test_narrative_is_computed_from_the_numbers():
    text = narrative.overview_summary(
        {"attempts": 15230, "acceptance_rate": 0.964, "attributed_revenue": 12340,
         "revenue_per_accepted_send": 0.81, "optout_rate": 0.021},
        {"attempts": 13600, "acceptance_rate": 0.985, "attributed_revenue": 12000},
        period="previous 7 days",
    )
    assert text.startswith(
        "Acceptance fell 2.1 points to 96.4% on 15,230 send attempts, up 12% on the previous 7 days."
    )
    assert "$12,340" in text and "$0.81 per accepted send" in text and "up 2.8%" in text
    assert "2.1% of accepted sends" in text and "carrier filtering" in text
    assert narrative.overview_summary({"attempts": 0}, None) == "No send attempts in this period."


def test_header_names_zones():
    sends = Freshness("send_log", "Send log", "latest send", dt.datetime(2026, 3, 8, 3, 30, tzinfo=dt.UTC))
    html = narrative.header(
        "Overview <x>", dt.date(2026, 3, 1), dt.date(2026, 3, 7), timezone="America/New_York",
        freshness=[sends, Freshness("ga4", "GA4", "last extraction", None)], sender_code_id=1001,
        generated_at=dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.UTC),
    )
    assert "<h1>Overview &lt;x&gt;</h1>" in html
    assert "Sun 1 Mar 2026 to Sat 7 Mar 2026 (7 days)" in html
    assert "sender code 1001" in html
    # the send log's freshness, winter time
    assert "<dt>Send log data</dt><dd>to 2026-03-07 22:30 EST (America/New_York), latest send</dd>" in html
    assert "<dt>GA4 data</dt><dd>not loaded</dd>" in html
    assert "2026-07-01 08:00 EDT (America/New_York)" in html  # generated, summer time
    assert "role=\"alert\"" not in html  # no warning unless one is given


def test_stale_warning_names_each_short_source_and_how_short():
    end = dt.datetime(2026, 11, 16, 5, 0, tzinfo=dt.UTC)  # midnight EST after Sun 15 Nov
    sends = Freshness("send_log", "Send log", "latest send", dt.datetime(2026, 11, 15, 23, 58, tzinfo=dt.UTC))
    orders = Freshness("orders", "Orders", "latest order", dt.datetime(2026, 11, 16, 4, 57, tzinfo=dt.UTC))
    assert narrative.stale_warning([], end, "America/New_York") is None
    text = narrative.stale_warning([sends], end, "America/New_York")
    # 18:58 EST to midnight: 5 h 2 min
    assert text == (
        "Incomplete data: the period runs to 2026-11-16 00:00 EST (America/New_York), but Send log data ends "
        "2026-11-15 18:58 EST (America/New_York) (5 h 2 min before). Counts after that are missing, not low. "
        "Coverage and the orders that did not get a message count only messages due before the send log ends."
    )
    assert "Orders data ends 2026-11-15 23:57 EST (America/New_York) (3 min before)" in narrative.stale_warning(
        [orders], end, "America/New_York")
    assert stale_sources([sends, orders, Freshness("ga4", "GA4", "x", None)], end, dt.timedelta(hours=1)) == [sends]


def test_timeliness_sentence_gives_coverage_before_speed():
    df = pd.DataFrame({
        "message_type": ["Order Confirmation", "Shipping Confirmation"],
        "orders_with_phone": [1000, 200], "covered": [910, 150], "coverage": [0.91, 0.75],
        "p90_s": [42.0, 55.0],
    })
    # 1,060 of 1,200 = 88.3%; the lowest type is Shipping at 75%; both p90 under 60 s.
    assert narrative.timeliness_summary(df, 60) == (
        "88.3% of orders with a phone number got their message (1,060 of 1,200); lowest: "
        "Shipping Confirmation, 75.0%. Of the messages sent, every message type went out within 60 s of "
        "the order event for 90% (slowest p90: 55 s)."
    )
    slow = df.assign(p90_s=[42.0, 95.0])
    assert narrative.timeliness_summary(slow, 60).endswith(
        "Of the messages sent, Shipping Confirmation is the slowest: 90% went out within 95 s of the order "
        "event, against a target of 60 s."
    )
    none_sent = pd.DataFrame({"message_type": ["Order Confirmation"], "orders_with_phone": [5], "covered": [0],
                              "coverage": [0.0], "p90_s": [None]})
    assert narrative.timeliness_summary(none_sent, 60) == (
        "0.0% of orders with a phone number got their message (0 of 5). None of them was sent, so there is no "
        "speed to report."
    )
    assert narrative.timeliness_summary(df.iloc[0:0], 60) == "No order-triggered messages were due in this period."


def test_previous_period_has_equal_length():
    got = previous_period(dt.date(2026, 3, 1), dt.date(2026, 3, 7))
    assert got == (dt.date(2026, 2, 22), dt.date(2026, 2, 28))


def test_charts_use_the_palette_and_give_none_without_data():
    df = pd.DataFrame({"day": [dt.date(2026, 1, 1)] * 2, "message_type": ["A", "<B>"], "attempts": [3, 4]})
    fig = charts.daily_volume(df)
    assert fig.layout.template.layout.colorway == charts.OKABE_ITO
    assert [t.name for t in fig.data] == ["&lt;B&gt;", "A"]
    assert fig.layout.width is None  # follows its container
    assert charts.daily_volume(df.iloc[0:0]) is None
    assert charts.daily_volume(df.assign(attempts=0)) is None


def test_query_passes_only_the_parameters_a_file_uses():
    assert parameters_of("SELECT $a -- $comment\n WHERE x = $b") == {"a", "b"}
    con = duckdb.connect()
    with pytest.raises(ReportDataError, match="are the marts built|Are the marts built"):
        query(con, "reports/daily_volume", start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 2),
              sender_code_id=None)
    with pytest.raises(ReportDataError, match="needs parameter"):
        query(con, "reports/daily_volume", start=dt.date(2026, 1, 1))


def test_connect_is_read_only_in_the_business_timezone(notebook_warehouse, monkeypatch):
    monkeypatch.delenv("LRREPORT_CONFIG", raising=False)
    monkeypatch.setenv("LRREPORT_DATABASE", str(notebook_warehouse.database))
    con = lrreport.connect()
    try:
        assert con.execute("SELECT current_setting('TimeZone')").fetchone()[0] == "America/New_York"
        assert con.execute("SELECT getvariable('business_timezone')").fetchone()[0] == "America/New_York"
        # unqualified names find the marts; dates in the marts agree with local timestamps
        mismatched = con.execute(
            "SELECT count(*) FROM fct_sends WHERE CAST(sent_at AS DATE) <> sent_date"
        ).fetchone()[0]
        assert mismatched == 0
        with pytest.raises(duckdb.Error):
            con.execute("CREATE TABLE marts.scratch AS SELECT 1")
    finally:
        con.close()
    utc = lrreport.connect(notebook_warehouse.database, timezone="UTC")
    assert utc.execute("SELECT current_setting('TimeZone')").fetchone()[0] == "UTC"
    utc.close()


def test_settings_found_above_the_notebook_folder(tmp_path, monkeypatch):
    """A notebook in JupyterLab runs in notebooks/: the project's lrreport.toml and database are found."""
    from lrreport.api import settings

    (tmp_path / "lrreport.toml").write_text('[warehouse]\ndatabase = "data/wh.duckdb"\n', encoding="utf-8")
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")
    monkeypatch.delenv("LRREPORT_CONFIG", raising=False)
    monkeypatch.delenv("LRREPORT_DATABASE", raising=False)
    assert settings().database_path == tmp_path / "data" / "wh.duckdb"
    assert settings(database="other.duckdb").database_path.name == "other.duckdb"
    monkeypatch.setenv("LRREPORT_DATABASE", "/srv/lr.duckdb")
    assert str(settings().database_path) == "/srv/lr.duckdb"
