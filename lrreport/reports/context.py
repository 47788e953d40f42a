"""What a notebook holds after its parameters cell: dates, connection, settings, standard query params.

``open_report(...)`` turns the raw parameters (relative date words, None for "from the config") into
one object, so that each notebook cell stays a line or two: ``ctx.query("daily_volume")``,
``display(ctx.header(...))``.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd

from lrreport.config import Settings
from lrreport.reports import alerts as report_alerts
from lrreport.reports import data, narrative
from lrreport.reports.tables import HtmlFragment, html_table, note
from lrreport.warehouse.freshness import Freshness, read_freshness, stale_sources


@dataclass
class ReportContext:
    """One report run: the resolved period, the warehouse connection and the shared query parameters."""

    settings: Settings
    con: duckdb.DuckDBPyConnection
    start: dt.date
    end: dt.date
    timezone: str
    sender_code_id: int | None
    mask_phone_numbers: bool
    freshness: list[Freshness] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    compare: str = "previous"  # what the tiles and flags compare with: "previous" or "year"
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @property
    def previous(self) -> tuple[dt.date, dt.date]:
        """The comparison period (``compare``): the one of equal length just before, or a year before."""
        return report_alerts.comparison_period(self.start, self.end, self.compare)

    @property
    def previous_label(self) -> str:
        return report_alerts.comparison_label(self.start, self.end, self.compare)

    @property
    def currency(self) -> str:
        return self.settings.business.currency

    @property
    def is_empty(self) -> bool:
        """True when the period holds no send, order or opt-out at all."""
        return not any(self.counts.values())

    @property
    def period_end(self) -> dt.datetime:
        """The instant the period's data should reach: midnight after its last day (business time
        zone), or now when that is still to come."""
        zone = ZoneInfo(self.settings.business.timezone)
        midnight = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), zone)
        return min(midnight, self.generated_at)

    @property
    def stale(self) -> list[Freshness]:
        """The sources whose data ends before the period does, by more than [reports] stale_after_minutes."""
        allowed = dt.timedelta(minutes=self.settings.reports.stale_after_minutes)
        return stale_sources(self.freshness, self.period_end, allowed)

    def params(self, **extra: Any) -> dict[str, Any]:
        """The parameters every report query may use, plus ``extra``."""
        return {"start": self.start, "end": self.end, "sender_code_id": self.sender_code_id, **extra}

    def query(self, name: str, **extra: Any) -> pd.DataFrame:
        """Run ``queries/reports/<name>.sql`` for this period and sender code."""
        frame = data.query(self.con, f"reports/{name}", **self.params(**extra))
        frame.attrs["query"] = name  # names the table's CSV download
        return frame

    def kpis(self, previous: bool = False) -> dict[str, Any]:
        """The ``total`` row of ``lrreport metrics`` for this period (or the previous one)."""
        start, end = self.previous if previous else (self.start, self.end)
        return data.kpi_totals(self.con, self.settings, start, end, self.sender_code_id)

    def header(self, title: str, **extra: Any) -> HtmlFragment:
        """Title, a warning naming the sources that end before the period does, parameters in words,
        each source's freshness and the generation time (``extra``: more parameters)."""
        return narrative.header(
            title, self.start, self.end, timezone=self.timezone, freshness=self.freshness,
            warning=narrative.stale_warning(self.stale, self.period_end, self.timezone),
            sender_code_id=self.sender_code_id, generated_at=self.generated_at, extra=extra,
            mask_phone_numbers=self.mask_phone_numbers,
        )

    def alerts(self, message_type: str | None = None) -> list[report_alerts.Alert]:
        """The flags of this period against the comparison period (only ``message_type``'s if given)."""
        flags = report_alerts.alerts(self.con, self.settings, self.start, self.end,
                                     sender_code_id=self.sender_code_id, compare=self.compare)  # fmt: skip
        return [f for f in flags if message_type is None or f.group in (message_type, report_alerts.TOTAL)]

    def flags(self, message_type: str | None = None) -> HtmlFragment:
        """The flags block for the header (for a period without data, a line saying there is none)."""
        if self.is_empty:
            return note("No flags: the period holds no data to judge.")
        return report_alerts.flags_fragment(self.alerts(message_type), self.settings)

    def empty_note(self) -> HtmlFragment | None:
        """A "no data in this period" note when the period is empty, else None."""
        if not self.is_empty:
            return None
        return note(narrative.no_data_note(self.start, self.end, self.freshness, self.timezone))

    def unknown_message_note(self, message_type: str | None, message_name: str | None) -> HtmlFragment | None:
        """A note naming the known types / shells when the asked-for one is not in the warehouse."""
        problem = unknown_message(self.query("message_types"), message_type, message_name)
        return None if problem is None else note(f"{problem}.")

    def table(self, df: pd.DataFrame, **kwargs: Any) -> HtmlFragment:
        """An escaped HTML table with this report's phone masking and time zone."""
        kwargs.setdefault("mask_phone_numbers", self.mask_phone_numbers)
        kwargs.setdefault("timezone", self.timezone)
        kwargs.setdefault("download_name", f"{df.attrs.get('query', 'table')} {self.start} {self.end}")
        return html_table(df, **kwargs)


# The parameters that name a message, and the column of reports/message_types.sql that lists their values.
MESSAGE_PARAMETERS = {"message_type": "message type", "message_name": "message shell"}


def unknown_message(known: pd.DataFrame, message_type: str | None, message_name: str | None) -> str | None:
    """``No message type 'X' in this warehouse; known: A, B`` when a named type or shell is not in
    ``known`` (the message_types query), else None. The runner refuses such a run; a notebook notes it."""
    for column, wanted in (("message_type", message_type), ("message_name", message_name)):
        names = sorted(set(known[column].dropna()))
        if wanted is not None and wanted not in names:
            what = MESSAGE_PARAMETERS[column]
            return f"No {what} {wanted!r} in this warehouse; known: {', '.join(names) or 'none'}"
    return None


def open_report(
    start_date: str | dt.date | None,
    end_date: str | dt.date | None,
    *,
    sender_code_id: int | None = None,
    timezone: str | None = None,
    database: str | os.PathLike[str] | None = None,
    config: str | os.PathLike[str] | None = None,
    mask_phone_numbers: bool = True,
    today: dt.date | None = None,
    compare: str | None = None,
) -> ReportContext:
    """Resolve the parameters and open the warehouse read-only (database None: the configured one).

    ``timezone`` None means the business time zone from the config; relative date words are read in
    it. The marts' dates are always business dates, whatever zone times are shown in. ``compare``
    None means the config's ``alerts.compare``.
    """
    from lrreport import api
    from lrreport.reports.params import resolve_dates

    settings = api.settings(database, config)
    compare = report_alerts.check_compare(compare, settings)
    tz = api.check_timezone(timezone or settings.business.timezone)
    start, end = resolve_dates(start_date, end_date, tz, today=today)
    con = api.connect(database, config, timezone=tz)
    sc = None if sender_code_id in (None, "") else int(sender_code_id)
    ctx = ReportContext(
        settings=settings, con=con, start=start, end=end, timezone=tz, sender_code_id=sc,
        mask_phone_numbers=bool(mask_phone_numbers), freshness=read_freshness(con), compare=compare,
    )
    counts = ctx.query("period_counts").iloc[0].to_dict()
    ctx.counts = {k: int(v or 0) for k, v in counts.items()}
    return ctx
