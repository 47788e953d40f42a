"""What a person sees in the four published reports (issue 11, the presentation half).

Each report is run once by the real CLI (papermill, HTML export) on the shared demo warehouse and
opened in headless Chromium with every request but the file blocked; the numbers on the page are
checked against the warehouse. Period: Tue 2026-10-20 to Sun 2026-11-15, 27 days, so Monday occurs
three times and every other weekday four times.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from lrreport.reports.browser_check import BrowserSession
from lrreport.sim.generator import FIRST_NAMES

from .conftest import run_cli

pytestmark = pytest.mark.xdist_group("presentation")  # one worker: its fixtures are made once

NAMES = ("overview", "message", "list_health", "attribution")
START, END = date(2026, 10, 20), date(2026, 11, 15)
WIDTHS = (390, 1280)
SMALL_TYPE = "Buy Online Pick-up In-Store Order Confirmation"

# a wrapped label is one <tspan class="line"> per line: read them joined by spaces
_FIGURES_JS = """() => {
 const text = (t) => {
   if (!t) return '';
   const lines = Array.from(t.querySelectorAll('tspan.line'));
   return lines.length ? lines.map((l) => l.textContent).join(' ') : t.textContent;
 };
 return Array.from(document.querySelectorAll('.js-plotly-plot')).map((el) => ({
  title: text(el.querySelector('.gtitle')),
  legend: Array.from(el.querySelectorAll('.legendtext')).map(text),
  xticks: Array.from(el.querySelectorAll('.xtick text')).map(text),
  yticks: Array.from(el.querySelectorAll('.ytick text')).map(text),
  config: {showSendToCloud: el._context.showSendToCloud, plotlyServerURL: el._context.plotlyServerURL,
           displaylogo: el._context.displaylogo},
  data: el._fullData.map((t) => ({type: t.type, name: t.name,
    x: t.x ? Array.from(t.x) : null, y: t.y ? Array.from(t.y) : null,
    z: t.z ? Array.from(t.z, (row) => Array.from(row)) : null})),
 }));
}"""
_TABLES_JS = """() => Array.from(document.querySelectorAll('table.lr-table')).map((table) => {
  let link = table.closest('.lr-table-wrap').nextElementSibling;
  while (link && !link.matches('p.lr-download')) { link = link.nextElementSibling; }
  return {
    header: Array.from(table.querySelectorAll('thead th')).map((th) => th.textContent),
    rows: Array.from(table.querySelectorAll('tbody tr')).map(
      (tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent)),
    download: link ? link.textContent : null,
  };
})"""


@dataclass(frozen=True)
class Seen:
    """One report as Chromium showed it at one width."""

    html: Path
    layout_problems: list[str]
    controls: list[str]
    figures: list[dict[str, Any]]
    tables: list[dict[str, Any]]
    links: list[str]  # every href of an <a> that is not a data: URI
    text: str


@pytest.fixture(scope="module")
def reports(demo_warehouse, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:  # noqa: ANN001
    runs = {name: (name, []) for name in NAMES}
    runs["message"] = ("message", ["-p", "rows=50"])
    # a message type with a failure or two a day: small counts are where fractional ticks showed
    runs["small_counts"] = ("message", ["-p", f"message_type={SMALL_TYPE}"])
    htmls = {}
    for key, (name, extra) in runs.items():
        output = tmp_path_factory.mktemp("presentation") / "reports"
        code, out, err = run_cli(
            "report", "run", name, "--database", str(demo_warehouse.database), "--output", str(output),
            "-p", f"start_date={START}", "-p", f"end_date={END}", *extra,
        )  # fmt: skip
        assert code == 0, out + err
        (htmls[key],) = output.glob(f"{name}/2*/{name}.html")
    return htmls


@pytest.fixture(scope="module")
def browser() -> Iterator[BrowserSession]:
    with BrowserSession() as session:
        yield session


@pytest.fixture(scope="module")
def seen(reports: dict[str, Path], browser: BrowserSession) -> dict[tuple[str, int], Seen]:
    out = {}
    for name, html in reports.items():
        for width in WIDTHS:
            with browser.opened(html, width=width, height=844) as (page, report):
                report.assert_ok(min_plots=1)
                links = page.evaluate(
                    "() => Array.from(document.querySelectorAll('a[href]')).map((a) => a.href)"
                    ".filter((h) => !h.startsWith('data:'))"
                )
                out[(name, width)] = Seen(html, report.layout_problems, report.controls,
                                          page.evaluate(_FIGURES_JS), page.evaluate(_TABLES_JS), links,
                                          report.body_text)
    return out


def _figure(seen: Seen, title_part: str) -> dict[str, Any]:
    found = [f for f in seen.figures if title_part in f["title"]]
    assert len(found) == 1, (title_part, [f["title"] for f in seen.figures])
    return found[0]


def _table(seen: Seen, column: str) -> list[dict[str, str]]:
    found = [t for t in seen.tables if column in t["header"]]
    assert found, (column, [t["header"] for t in seen.tables])
    return [dict(zip(found[0]["header"], row, strict=True)) for row in found[0]["rows"]]


@pytest.fixture(scope="module")
def con(demo_warehouse) -> Iterator[duckdb.DuckDBPyConnection]:  # noqa: ANN001
    connection = duckdb.connect(str(demo_warehouse.database), read_only=True)
    yield connection
    connection.close()


# ------------------------------------------------------------------------------------- item 3: content


def test_content_audit_masks_names_and_blames_the_real_text(seen, con) -> None:  # noqa: ANN001
    rows = _table(seen[("message", 1280)], "template")
    assert rows, "the demo's Order Confirmation has multi-segment and UCS-2 templates"
    names = re.compile(r"\b(" + "|".join(FIRST_NAMES) + r")\b")
    for row in rows:
        # a first name never splits a template: it is masked
        assert not names.search(row["template"]), row["template"]
        # braces in the cause are only ever characters of the sent text, never our {link} / {…} masks
        literal = row["template"].replace("{link}", "").replace("{\u2026}", "")
        if "{" in row["cause"]:
            assert "{" in literal, row
    # one row per wording: the demo's Order Confirmation has five wordings, three of them costly
    assert len(rows) <= 5, [r["template"] for r in rows]
    long_row = next(r for r in rows if "thank you for shopping with us" in r["template"])
    longest = con.execute(
        "SELECT max(f.segment_units), arg_max(f.characters, f.segment_units) FROM marts.fct_sends AS f "
        "JOIN staging.stg_sends AS t USING (send_id) WHERE f.accepted "
        "AND f.message_type = 'Order Confirmation' AND f.sent_date BETWEEN ? AND ? "
        "AND t.message_content LIKE '%thank you for shopping with us%'",
        [START, END],
    ).fetchone()
    units, characters = longest
    assert units > 160  # GSM-7 text over one segment: the cause is its length
    assert f"{characters:,} characters ({units:,} septets; one segment holds 160)" in long_row["cause"]
    assert long_row["cut to save a segment"] == f"{units - 160:,}"
    assert "extension" not in long_row["cause"] and "{" not in long_row["cause"]


# ------------------------------------------------------------------------------------- item 5: heatmap


def test_weekday_heatmap_is_the_average_per_occurrence(seen, con) -> None:  # noqa: ANN001
    heat = _figure(seen[("message", 1280)], "by hour and weekday")
    (trace,) = [t for t in heat["data"] if t["type"] == "heatmap"]
    counts = dict(
        ((dow, hour), n)
        for dow, hour, n in con.execute(
            "SELECT sent_isodow, sent_hour, count(*) FROM marts.fct_sends WHERE message_type = "
            "'Order Confirmation' AND sent_date BETWEEN ? AND ? GROUP BY ALL", [START, END]
        ).fetchall()
    )
    occurrences = {1: 3, 2: 4, 3: 4, 4: 4, 5: 4, 6: 4, 7: 4}  # 27 days from a Tuesday: three Mondays
    for dow in range(1, 8):
        for hour in range(24):
            expected = counts.get((dow, hour), 0) / occurrences[dow]
            assert trace["z"][dow - 1][hour] == pytest.approx(expected), (dow, hour)


# ------------------------------------------------------------------------------------- item 6: lists


def test_subscriptions_are_charted_per_week_and_lists_show_type_and_status(seen, con) -> None:  # noqa: ANN001
    page = seen[("list_health", 1280)]
    changes = _figure(page, "New subscriptions and unsubscribes")
    assert "per week" in changes["title"]
    bars = next(t for t in changes["data"] if t["name"] == "new subscriptions")
    weeks = [date.fromisoformat(str(x)[:10]) for x in bars["x"]]
    assert weeks and all(w.isoweekday() == 1 for w in weeks), weeks  # every bar is a week from Monday
    expected = dict(con.execute(
        "SELECT subscribe_date, count(*) FROM staging.stg_contacts WHERE subscribe_date BETWEEN ? AND ? "
        "GROUP BY ALL", [START, END]).fetchall())
    assert dict(zip(weeks, bars["y"], strict=True)) == {d: n for d, n in expected.items() if d >= START}
    lists = _table(page, "list type")
    truth = {name: (kind, status) for name, kind, status in con.execute(
        "SELECT phone_list_name, sms_list_type, status FROM staging.stg_phone_lists").fetchall()}
    assert {r["list name"]: (r["list type"], r["status"]) for r in lists} == {
        r["list name"]: truth[r["list name"]] for r in lists
    }
    assert {r["status"] for r in lists} <= {"Active", "Inactive"} and "Active" in {r["status"] for r in lists}


# ------------------------------------------------------------------------------------- item 9: offline


@pytest.mark.parametrize("name", NAMES)
def test_no_control_reaches_a_network(seen, name) -> None:  # noqa: ANN001
    for width in WIDTHS:
        page = seen[(name, width)]
        assert "Share chart..." not in page.controls
        assert {"Download plot as a PNG", "Zoom", "Pan", "Reset axes"} <= set(page.controls), page.controls
        assert not [h for h in page.links if re.match(r"https?:", h)], page.links
        for figure in page.figures:
            assert figure["config"] == {"showSendToCloud": False, "plotlyServerURL": "", "displaylogo": False}


def test_download_as_png_still_works(reports, browser) -> None:  # noqa: ANN001
    with browser.opened(reports["overview"]) as (page, _):
        page.hover(".js-plotly-plot >> nth=0")
        with page.expect_download() as info:
            page.click(".js-plotly-plot >> nth=0 >> [data-title='Download plot as a PNG']")
        path = info.value.path()
        assert Path(path).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# ------------------------------------------------------------------------------------- item 10: polish


@pytest.mark.parametrize("name", [*NAMES, "small_counts"])
@pytest.mark.parametrize("width", WIDTHS)
def test_no_chart_text_is_cut_off_or_overlaps(seen, name, width) -> None:  # noqa: ANN001
    assert seen[(name, width)].layout_problems == []


def test_counts_sit_on_whole_number_ticks(seen) -> None:  # noqa: ANN001
    for (name, width), page in seen.items():
        for figure in page.figures:
            for tick in figure["xticks"] + figure["yticks"]:
                assert not re.fullmatch(r"[\d.]+[m\u00b5]", tick), (name, width, figure["title"], tick)
    for key in ("message", "small_counts"):
        errors = _figure(seen[(key, 390)], "Failed attempts per day")
        ticks = errors["yticks"]
        assert ticks and all(re.fullmatch(r"[\d,]+", t) for t in ticks), ticks


def test_reasons_and_rules_read_as_words(seen) -> None:  # noqa: ANN001
    optouts = _figure(seen[("overview", 1280)], "Opt-outs by reason")
    assert "Replied STOP" in optouts["legend"] and "Campaign" not in optouts["legend"]
    rules = _figure(seen[("attribution", 1280)], "Net revenue by attribution rule")
    labels = " ".join(rules["yticks"])
    assert "After a send" in labels and "Link click" in labels and "post_send" not in labels
    revenue = _figure(seen[("overview", 1280)], "Attributed revenue by message type")
    assert set(revenue["legend"]) == {"Link click", "After a send"}
    errors = _figure(seen[("message", 1280)], "Failed attempts per day")
    assert not [n for n in errors["legend"] if n.startswith("ERROR_")], errors["legend"]


# ------------------------------------------------------------------------------------- CSV downloads


@pytest.mark.parametrize("name", NAMES)
def test_every_table_downloads_as_csv_offline(reports, browser, con, name) -> None:  # noqa: ANN001
    phones = {r[0] for r in con.execute(
        "SELECT DISTINCT phone_number FROM marts.fct_orders WHERE phone_number IS NOT NULL").fetchall()}
    with browser.opened(reports[name]) as (page, report):
        tables = page.evaluate(_TABLES_JS)
        assert tables, f"{name} shows no table"
        links = page.locator("p.lr-download a")
        assert links.count() == len(tables)
        for i, table in enumerate(tables):
            with page.expect_download() as info:
                links.nth(i).click()
            download = info.value
            assert download.suggested_filename.endswith(".csv")
            text = Path(download.path()).read_text(encoding="utf-8-sig")
            rows = list(csv.reader(io.StringIO(text)))
            assert len(rows[0]) == len(table["header"])
            assert f"({len(rows) - 1:,} row" in table["download"]
            if len(rows) - 1 <= 50:  # the page shows up to 50 rows, the CSV all of them
                assert len(rows) - 1 == len(table["rows"])
            assert not [p for p in phones if p in text or p[2:] in text], "a phone number left unmasked"
        assert report.requests == []  # the downloads came from the page itself
