"""HTML fragments for the notebooks: KPI tiles with the change against the previous period, tables.

Every value that reaches the HTML goes through ``html.escape`` (message content holding ``<script>``
shows as text), and phone numbers are masked whenever the report's ``mask_phone_numbers`` is true.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from zoneinfo import ZoneInfo

import pandas as pd
import phonenumbers

from lrreport.reports.labels import COLUMNS as CODE_COLUMNS
from lrreport.reports.labels import readable

BULLET = "\u2022"
CURRENCY_SYMBOLS = {"USD": "$", "CAD": "CA$", "AUD": "A$", "EUR": "\u20ac", "GBP": "\u00a3"}
Kind = Literal["count", "decimal", "rate", "money", "money_cents", "seconds"]


class HtmlFragment(str):
    """An HTML string that Jupyter displays as HTML; its plain-text form is a short label, not the data."""

    label = "HTML"

    def _repr_html_(self) -> str:
        return str(self)

    def __repr__(self) -> str:
        return f"<{self.label}>"


def fragment(markup: str, label: str = "HTML") -> HtmlFragment:
    """Wrap already-escaped ``markup`` so that Jupyter shows it as HTML."""
    frag = HtmlFragment(markup)
    frag.label = label
    return frag


def esc(value: object) -> str:
    """``html.escape`` of the value's text; None / NaN show as an em dash."""
    if _missing(value):
        return "\u2014"
    return html.escape(str(value), quote=True)


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return isinstance(value, float) and math.isnan(value)
    except TypeError:
        return False


# ---------------------------------------------------------------------------------------------- phones


def mask_phone(value: object, region: str = "US") -> str:
    """Hide the middle of a phone number: ``+12155550134`` -> ``+1 215 •••-••34``.

    The country code, the first digits of the national number (area code) and the last two digits stay;
    anything that is not a phone number keeps only its last two characters.
    """
    if _missing(value) or str(value).strip() == "":
        return ""
    text = str(value).strip()
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_possible_number(number):
        tail = text[-2:] if len(text) > 4 else ""
        return BULLET * max(len(text) - len(tail), 3) + tail
    nsn = phonenumbers.national_significant_number(number)
    tail = nsn[-2:]
    if number.country_code == 1 and len(nsn) == 10:
        return f"+1 {nsn[:3]} {BULLET * 3}-{BULLET * 2}{tail}"
    head = nsn[: min(3, max(0, len(nsn) - 6))]
    hidden = BULLET * (len(nsn) - len(head) - len(tail))
    return f"+{number.country_code} {head + ' ' if head else ''}{hidden}{tail}"


def is_phone_column(name: str) -> bool:
    """Columns holding phone numbers (``phone``, ``phone_raw``, ``*phone_number``); not ``phone_list_id``."""
    lower = name.lower()
    return lower in ("phone", "phone_raw") or lower.endswith("phone_number")


# ---------------------------------------------------------------------------------------------- numbers


def format_value(value: object, kind: Kind = "count", currency: str = "USD") -> str:
    """A number as shown on a tile: 15,230 / 96.4% / $12,340 / $0.81 / 42.0 s (not escaped)."""
    if _missing(value):
        return "\u2014"
    number = float(value)  # type: ignore[arg-type]
    if kind == "rate":
        pct = number * 100
        return f"{pct:.2f}%" if 0 < abs(pct) < 1 else f"{pct:.1f}%"
    if kind in ("money", "money_cents"):
        symbol = CURRENCY_SYMBOLS.get(currency.upper(), currency.upper() + "\u00a0")
        sign = "-" if number < 0 else ""
        digits = 2 if kind == "money_cents" or abs(number) < 100 else 0
        return f"{sign}{symbol}{abs(number):,.{digits}f}"
    if kind == "seconds":
        return f"{number:,.1f} s"
    if kind == "decimal":
        return f"{number:,.2f}"
    return f"{number:,.0f}"


@dataclass(frozen=True)
class Tile:
    """One KPI tile: the ``kpis`` column it shows, its label, how to format it and which way is better."""

    key: str
    label: str
    kind: Kind = "count"
    better: Literal["up", "down"] | None = None  # None: a change is neither good nor bad
    help: str = ""


def metric_tile(name: str, settings: Any = None) -> Tile:
    """The tile of a registry metric (queries/models/marts/_metrics.yml): its label, kind, which way
    is better and its description, with the configured windows when ``settings`` are given."""
    from lrreport.warehouse import metric_registry

    metric = metric_registry.load()[name]
    return Tile(metric.name, metric.label, metric.kind, metric.better, metric.describe(settings))  # type: ignore[arg-type]


OVERVIEW_METRICS = (
    "attempts",
    "acceptance_rate",
    "unique_recipients",
    "segments",
    "attributed_revenue",
    "revenue_per_accepted_send",
    "optout_rate",
)


def overview_tiles(settings: Any = None) -> tuple[Tile, ...]:
    """The overview's KPI tiles, every one defined by the metric registry."""
    return tuple(metric_tile(name, settings) for name in OVERVIEW_METRICS)


OVERVIEW_TILES: tuple[Tile, ...] = overview_tiles()
# Clicks and purchases from SMS links as GA4 counts them (NULL, shown "n/a", where GA4 was not read).
GA4_TILES: tuple[Tile, ...] = tuple(
    metric_tile(name)
    for name in ("sessions", "click_through_rate", "conversion_rate", "ga4_revenue", "average_order_value")
)

CONTENT_TILES: tuple[Tile, ...] = (
    Tile("accepted_sends", "Accepted sends", "count"),
    Tile("segments_per_send", "Segments per send", "decimal", "down"),
    Tile("multi_segment_share", "Multi-segment", "rate", "down", "Share of accepted sends over one segment."),
    Tile("ucs2_share", "UCS-2", "rate", "down", "Share of accepted sends encoded as UCS-2."),
    Tile("link_share", "With a link", "rate", None, "Share of accepted sends carrying a link."),
)

NO_PHONE_TILES: tuple[Tile, ...] = (
    Tile("orders", "Orders (not cancelled)", "count"),
    Tile("orders_without_phone", "Without a phone number", "count"),
    Tile("share_without_phone", "Share without phone", "rate", "down"),
    Tile("revenue_without_phone", "Their revenue", "money"),
    Tile("credited_by_link", "Credited by a link anyway", "count"),
)


@dataclass(frozen=True)
class Change:
    """The change of one KPI against the previous period."""

    text: str  # e.g. "+2.1 pts" or "+12.3%"
    arrow: str  # ▲ ▼ ● or empty when there is nothing to compare with
    direction: Literal["up", "down", "flat", "none"]
    verdict: Literal["better", "worse", "neutral"]


def change(current: object, previous: object, kind: Kind, better: str | None) -> Change:
    """Change of ``current`` against ``previous``: points for rates, percent for everything else."""
    if _missing(current) or _missing(previous):
        return Change("no previous data", "", "none", "neutral")
    cur, prev = float(current), float(previous)  # type: ignore[arg-type]
    if kind == "rate":
        delta = (cur - prev) * 100
        text = f"{delta:+.1f} pts" if abs(delta) >= 0.05 else "0.0 pts"
        moved = abs(delta) >= 0.05
    else:
        if prev == 0:
            return (Change("new this period", "\u25b2", "up", "neutral") if cur > 0
                    else Change("no change", "\u25cf", "flat", "neutral"))
        delta = (cur - prev) / abs(prev) * 100
        text = f"{delta:+.1f}%" if abs(delta) >= 0.05 else "0.0%"
        moved = abs(delta) >= 0.05
    if not moved:
        return Change(text, "\u25cf", "flat", "neutral")
    direction: Literal["up", "down"] = "up" if delta > 0 else "down"
    verdict: Literal["better", "worse", "neutral"] = (
        "neutral" if better is None else ("better" if direction == better else "worse")
    )
    return Change(text, "\u25b2" if direction == "up" else "\u25bc", direction, verdict)


_STYLE = """<style>
.lr-kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(9.5rem,1fr));gap:.6rem;
margin:.5rem 0 1rem}
.lr-kpi{border:1px solid #d0d4da;border-radius:.5rem;padding:.6rem .75rem;background:#fff;color:#1b1f24}
.lr-kpi .lr-label{font-size:.8rem;color:#4a5058;margin:0}
.lr-kpi .lr-value{font-size:1.45rem;font-weight:650;margin:.15rem 0;line-height:1.2;overflow-wrap:anywhere}
.lr-kpi .lr-change{font-size:.8rem;margin:0;color:#4a5058}
.lr-kpi .lr-better{color:#005a8c;font-weight:600}
.lr-kpi .lr-worse{color:#a6400a;font-weight:600}
.lr-kpi .lr-prev{display:block;color:#6a7078;font-size:.72rem}
.lr-table-wrap{overflow-x:auto;max-width:100%;margin:.5rem 0 1rem}
table.lr-table{border-collapse:collapse;font-size:.85rem;min-width:50%}
table.lr-table caption{text-align:left;font-weight:600;padding:.25rem 0}
table.lr-table th,table.lr-table td{border-bottom:1px solid #e1e4e8;padding:.3rem .5rem;text-align:left;
vertical-align:top}
table.lr-table td.lr-num,table.lr-table th.lr-num{text-align:right;font-variant-numeric:tabular-nums}
table.lr-table td.lr-text{white-space:pre-wrap;overflow-wrap:anywhere;max-width:32rem;min-width:13rem}
p.lr-download{margin:-.6rem 0 1rem;font-size:.8rem}
p.lr-note{padding:.6rem .8rem;border-left:4px solid #56B4E9;background:#f3f8fc;color:#1b1f24}
</style>"""


def style() -> str:
    """The CSS the tiles and tables use (emitted with each fragment; small and idempotent)."""
    return _STYLE


def kpi_tiles(
    current: Mapping[str, Any],
    previous: Mapping[str, Any] | None = None,
    tiles: Sequence[Tile] = OVERVIEW_TILES,
    currency: str = "USD",
    previous_label: str = "previous period",
) -> HtmlFragment:
    """KPI tiles for ``current`` (a ``kpis`` total row) with the change against ``previous``.

    Direction is shown by an arrow and a signed number, good/bad by colour *and* the words
    "better"/"worse", so colour is never the only cue.
    """
    parts = [_STYLE, '<div class="lr-kpis" role="list">']
    for tile in tiles:
        value = current.get(tile.key)
        prev = previous.get(tile.key) if previous is not None else None
        ch = change(value, prev, tile.kind, tile.better)
        verdict = "" if ch.verdict == "neutral" else f" ({ch.verdict})"
        change_html = (
            f'<p class="lr-change lr-{ch.direction}"><span class="lr-{ch.verdict}">'
            f'<span aria-hidden="true">{esc(ch.arrow)}</span> {esc(ch.text)}{esc(verdict)}</span>'
            f'<span class="lr-prev">vs {esc(previous_label)}: {esc(format_value(prev, tile.kind, currency))}'
            "</span></p>"
            if previous is not None
            else ""
        )
        parts.append(
            f'<div class="lr-kpi" role="listitem" title="{esc(tile.help)}">'
            f'<p class="lr-label">{esc(tile.label)}</p>'
            f'<p class="lr-value">{esc(format_value(value, tile.kind, currency))}</p>'
            f"{change_html}</div>"
        )
    parts.append("</div>")
    return fragment("".join(parts), "KPI tiles")


# ---------------------------------------------------------------------------------------------- tables


def _cell(value: object, timezone: ZoneInfo | None) -> tuple[str, bool]:
    """Display text of one cell (not yet escaped) and whether it is numeric."""
    if _missing(value):
        return "", False
    if isinstance(value, bool):
        return ("yes" if value else "no"), False
    if isinstance(value, int):
        return f"{value:,}", True
    if isinstance(value, float):
        return (f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"), True
    if isinstance(value, pd.Timestamp | dt.datetime):
        ts = pd.Timestamp(value)
        if ts.tzinfo is None and ts == ts.normalize():
            return ts.date().isoformat(), False  # a DATE column read back as a naive midnight timestamp
        if ts.tzinfo is not None and timezone is not None:
            ts = ts.tz_convert(timezone)
        return ts.strftime("%Y-%m-%d %H:%M %Z").strip(), False
    if isinstance(value, dt.date):
        return value.isoformat(), False
    if hasattr(value, "__float__") and not isinstance(value, str):  # Decimal, numpy numbers
        return _cell(float(value), timezone)  # type: ignore[arg-type]
    return str(value), False


def html_table(
    df: pd.DataFrame,
    *,
    mask_phone_numbers: bool = True,
    phone_columns: Iterable[str] | None = None,
    labels: Mapping[str, str] | None = None,
    formatters: Mapping[str, Callable[[Any], str]] | None = None,
    kinds: Mapping[str, Kind] | None = None,
    currency: str = "USD",
    text_columns: Iterable[str] = ("message_content", "template", "example", "cause"),
    caption: str | None = None,
    max_rows: int = 50,
    timezone: str | None = None,
    empty_note: str = "Nothing to list in this period.",
    download_name: str | None = None,
) -> HtmlFragment:
    """``df`` as an escaped HTML table (phones masked unless told otherwise, at most ``max_rows`` rows)
    with a link that downloads all of ``df`` as CSV, offline (see ``csv_link``).

    Timestamps show in ``timezone`` with the zone's abbreviation; ``formatters`` map a column to a
    function returning its display text (escaped afterwards like everything else); ``kinds`` map a
    column to a tile format (``{"coverage": "rate", "net_revenue": "money_cents"}``).
    """
    if df is None or df.empty:
        return note(empty_note)
    if phone_columns is None:
        phone_columns = [c for c in df.columns if is_phone_column(c)]
    phones = set(phone_columns)
    labels = dict(labels or {})
    formatters = dict(formatters or {})
    for column in df.columns:
        if column in CODE_COLUMNS:  # codes read as words (the CSV keeps the codes)
            formatters.setdefault(column, lambda v, c=column: str(readable(c, v)))
    for column, kind in (kinds or {}).items():
        formatters.setdefault(column, lambda v, k=kind: format_value(v, k, currency))
    texts = set(text_columns)
    zone = ZoneInfo(timezone) if timezone else None
    shown = df.head(max_rows)
    numeric = {
        c for c in shown.columns
        if pd.api.types.is_numeric_dtype(df[c]) and (c not in formatters or c in (kinds or {}))
    }
    head = "".join(
        f'<th scope="col" class="{"lr-num" if c in numeric else ""}">'
        f"{esc(labels.get(c, c.replace('_', ' ')))}</th>"
        for c in shown.columns
    )
    rows = []
    for record in shown.itertuples(index=False, name=None):
        cells = []
        for column, value in zip(shown.columns, record, strict=True):
            if column in formatters and not _missing(value):
                text, numeric = formatters[column](value), column in (kinds or {})
            elif column in phones and mask_phone_numbers:
                text, numeric = mask_phone(value), False
            else:
                text, numeric = _cell(value, zone)
            cls = "lr-num" if numeric else ("lr-text" if column in texts else "")
            cells.append(f'<td class="{cls}">{esc(text)}</td>' if text else f'<td class="{cls}"></td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = (
        f'<p class="lr-note">Showing {max_rows:,} of {len(df):,} rows.</p>' if len(df) > max_rows else ""
    )
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    masked = phones if mask_phone_numbers else set()
    link = csv_link(df, download_name or caption or "table", masked, zone)
    markup = (
        f'{_STYLE}<div class="lr-table-wrap"><table class="lr-table">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>{more}{link}"
    )
    return fragment(markup, f"table of {len(df)} rows")


def csv_text(df: pd.DataFrame, phone_columns: Iterable[str] = (), timezone: ZoneInfo | None = None) -> str:
    """``df`` as CSV for a spreadsheet: raw values (rates as fractions, money as plain numbers),
    times in ``timezone`` as ISO 8601, the ``phone_columns`` masked as on the page."""
    out = df.copy()
    for column in phone_columns:
        out[column] = [mask_phone(v) for v in out[column]]
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype) and timezone is not None:
            out[column] = out[column].dt.tz_convert(timezone)
    return out.to_csv(index=False, lineterminator="\r\n", date_format="%Y-%m-%dT%H:%M:%S%z")


def _slug(text: str) -> str:
    """A file name from a caption: ``"Latest attributed orders"`` -> ``latest-attributed-orders``."""
    words = re.findall(r"[A-Za-z0-9]+", text.lower())
    return "-".join(words)[:60] or "table"


def csv_link(
    df: pd.DataFrame, name: str, phone_columns: Iterable[str] = (), timezone: ZoneInfo | None = None
) -> str:
    """A "Download CSV" link carrying the whole table in a ``data:`` URI: it works offline, from a
    file or an e-mail attachment, with no server and no script. A BOM lets Excel read it as UTF-8."""
    data = "\ufeff" + csv_text(df, phone_columns, timezone)
    href = "data:text/csv;charset=utf-8," + urllib.parse.quote(data, safe="")
    filename = _slug(name) + ".csv"
    rows = f"{len(df):,} row{'s' if len(df) != 1 else ''}"
    return (
        f'<p class="lr-download"><a download="{esc(filename)}" href="{esc(href)}" '
        f'type="text/csv">Download CSV</a> ({esc(rows)})</p>'
    )


def note(text: str) -> HtmlFragment:
    """A highlighted note, e.g. "No data in this period." (escaped)."""
    return fragment(f'{_STYLE}<p class="lr-note" role="note">{esc(text)}</p>', "note")
