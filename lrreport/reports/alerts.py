"""Comparisons and alerts: which period a report's numbers are set against, and the flags they raise.

``compare`` is ``previous`` (the period of equal length just before) or ``year`` (the same dates a
year before). The flags, each read from the metric registry's KPIs per message type
(``lrreport.warehouse.metrics.kpis``) and each threshold set once in ``[alerts]``:

- an opt-out rate at or over ``optout_rate_max`` (default 2%, the level Klaviyo calls critical);
- an acceptance rate that fell by more than ``acceptance_drop_points`` against the comparison period;
- a p90 timeliness over the message type's target (``latency_targets_s``, else
  ``reports.latency_target_s``).

Message types with fewer than ``min_accepted`` accepted sends (or attempts, for acceptance) in the
period raise none, so a handful of sends cannot flag. The report headers show them
(:func:`flags_fragment`) and ``lrreport metrics --alerts`` prints them and exits non-zero.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

import duckdb
import pandas as pd

from lrreport._exceptions import LrreportError
from lrreport.config import COMPARE_CHOICES, Settings
from lrreport.reports import data, narrative
from lrreport.reports.tables import HtmlFragment, esc, format_value, fragment

TOTAL = "total"


class AlertError(LrreportError):
    """An unknown comparison (``compare``) was asked for."""


@dataclass(frozen=True)
class Alert:
    """One flag: which rule fired for which message type, the value and the limit it crossed."""

    rule: str  # optout_rate, acceptance_drop, latency
    group: str  # the message type, or "total"
    metric: str  # the registry metric it reads
    value: float
    limit: float
    reference: float | None  # the comparison period's value (acceptance_drop)
    text: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# ---------------------------------------------------------------------------------------------- periods


def check_compare(compare: str | None, settings: Settings) -> str:
    """``compare`` itself, or the configured default when None; an unknown value is an error."""
    value = settings.alerts.compare if compare in (None, "") else str(compare)
    if value not in COMPARE_CHOICES:
        raise AlertError(f"compare must be one of {', '.join(COMPARE_CHOICES)}, not {value!r}")
    return value


def _year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def comparison_period(start: dt.date, end: dt.date, compare: str) -> tuple[dt.date, dt.date]:
    """The period a report's numbers are compared with: ``previous`` or the same dates a ``year`` before."""
    if compare == "year":
        return _year_before(start), _year_before(end)
    return data.previous_period(start, end)


def comparison_label(start: dt.date, end: dt.date, compare: str) -> str:
    """How the comparison period is named: ``previous 7 days`` / ``same days a year before``."""
    if compare == "year":
        return "same days a year before"
    return narrative.previous_label(start, end)


# ---------------------------------------------------------------------------------------------- rules


def _value(row: pd.Series | None, column: str) -> float | None:
    if row is None or column not in row or pd.isna(row[column]):
        return None
    return float(row[column])


def evaluate(
    current: pd.DataFrame, comparison: pd.DataFrame, settings: Settings, *, compared_with: str
) -> list[Alert]:
    """The flags of two ``kpis(by="message_type")`` tables (this period, the comparison period)."""
    rules = settings.alerts
    before = {str(r["group"]): r for _, r in comparison.iterrows()}
    out: list[Alert] = []
    for _, row in current.iterrows():
        group = str(row["group"])
        accepted = _value(row, "accepted") or 0.0
        attempts = _value(row, "attempts") or 0.0
        if group != TOTAL and accepted >= rules.min_accepted:
            rate = _value(row, "optout_rate")
            if rate is not None and rate >= rules.optout_rate_max:
                optouts = _value(row, "optouts_24h") or 0.0
                out.append(Alert(
                    "optout_rate", group, "optout_rate", rate, rules.optout_rate_max, None,
                    f"Opt-out rate of {group} is {format_value(rate, 'rate')} ({optouts:,.0f} of "
                    f"{accepted:,.0f} accepted sends), at or over the "
                    f"{format_value(rules.optout_rate_max, 'rate')} limit.",
                ))  # fmt: skip
            p90 = _value(row, "latency_p90_s")
            target = float(rules.latency_targets_s.get(group, settings.reports.latency_target_s))
            if p90 is not None and p90 > target:
                out.append(Alert(
                    "latency", group, "latency_p90_s", p90, target, None,
                    f"Timeliness of {group}: 90% of its messages went out within {p90:,.0f} s of the "
                    f"order event, over its {target:g} s target.",
                ))  # fmt: skip
        prev_row = before.get(group)
        cur_rate, prev_rate = _value(row, "acceptance_rate"), _value(prev_row, "acceptance_rate")
        # points to 1e-9: 98% - 96% is 2.0000000000000018 in floating point, not a fall of over 2
        fall = None if cur_rate is None or prev_rate is None else round((prev_rate - cur_rate) * 100, 9)
        if (
            fall is not None and fall > rules.acceptance_drop_points and attempts >= rules.min_accepted
            and (_value(prev_row, "attempts") or 0.0) >= rules.min_accepted
        ):  # fmt: skip
            name = "all message types" if group == TOTAL else group
            out.append(Alert(
                "acceptance_drop", group, "acceptance_rate", cur_rate, rules.acceptance_drop_points,
                prev_rate,
                f"Acceptance of {name} fell {fall:.1f} points to "
                f"{format_value(cur_rate, 'rate')} against the {compared_with} "
                f"({format_value(prev_rate, 'rate')}); the limit is a fall of "
                f"{rules.acceptance_drop_points:g} points.",
            ))  # fmt: skip
    return out


def alerts(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    start: dt.date,
    end: dt.date,
    *,
    sender_code_id: int | None = None,
    compare: str | None = None,
) -> list[Alert]:
    """The flags for ``start``..``end`` (business dates, inclusive) against the comparison period."""
    from lrreport.warehouse.metrics import kpis

    compare = check_compare(compare, settings)
    before = comparison_period(start, end, compare)
    current = kpis(con, settings, start, end, by="message_type", sender_code_id=sender_code_id)
    previous = kpis(con, settings, *before, by="message_type", sender_code_id=sender_code_id)
    return evaluate(current, previous, settings, compared_with=comparison_label(start, end, compare))


# ---------------------------------------------------------------------------------------------- display

_STYLE = """<style>
.lr-flags{border-left:4px solid #b3261e;background:#fdf3f2;padding:.5rem .8rem;margin:0 0 1rem;
font-size:.95rem;max-width:52rem}
.lr-flags ul{margin:.3rem 0 0;padding-left:1.2rem}
.lr-flags.lr-none{border-left-color:#2e7d32;background:#f2f8f2}
</style>"""


def flags_fragment(flags: list[Alert], settings: Settings) -> HtmlFragment:
    """The flags as a block for a report's header; when none fired, one line saying what was checked."""
    rules = settings.alerts
    if not flags:
        text = (
            f"No flags: every message type's opt-out rate is under "
            f"{format_value(rules.optout_rate_max, 'rate')}, acceptance fell by no more than "
            f"{rules.acceptance_drop_points:g} points and timeliness met its targets."
        )
        return fragment(f'{_STYLE}<section class="lr-flags lr-none">{esc(text)}</section>', "flags: none")
    items = "".join(f"<li>{esc(a.text)}</li>" for a in flags)
    title = f"{len(flags)} flag{'s' if len(flags) != 1 else ''}"
    markup = (
        f'{_STYLE}<section class="lr-flags" role="alert"><strong>{esc(title)}</strong>'
        f"<ul>{items}</ul></section>"
    )
    return fragment(markup, f"flags: {len(flags)}")
