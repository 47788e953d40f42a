"""Words computed from the numbers: a report's header and a sentence or two per section.

Nothing here is hand-written per dataset: every sentence is built from the values passed in, so the
narrative stays true when the data changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from lrreport.reports.labels import readable
from lrreport.reports.tables import HtmlFragment, _missing, esc, format_value, fragment
from lrreport.warehouse.freshness import Freshness, format_lag

_HEADER_STYLE = """<style>
.lr-header{margin:0 0 1rem}
.lr-header h1{font-size:1.6rem;margin:.2rem 0 .4rem;line-height:1.25}
.lr-header dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem .8rem;margin:0;font-size:.9rem}
.lr-header dt{color:#4a5058}
.lr-header dd{margin:0;overflow-wrap:anywhere}
p.lr-narrative{font-size:1rem;line-height:1.5;max-width:48rem}
.lr-stale{margin:.4rem 0 .6rem;padding:.5rem .75rem;border-left:4px solid #b35900;background:#fff4e5;
max-width:48rem;line-height:1.45}
</style>"""


# ---------------------------------------------------------------------------------------------- periods


def format_date(day: dt.date) -> str:
    """``2024-05-07`` -> ``Tue 7 May 2024``."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def describe_period(start: dt.date, end: dt.date) -> str:
    """The inclusive date range in words: ``Mon 1 Apr 2024 to Sun 7 Apr 2024 (7 days)``."""
    days = (end - start).days + 1
    if days == 1:
        return f"{format_date(start)} (1 day)"
    return f"{format_date(start)} to {format_date(end)} ({days} days)"


def previous_label(start: dt.date, end: dt.date) -> str:
    """How the comparison period is named on tiles: ``previous 7 days``."""
    days = (end - start).days + 1
    return "previous day" if days == 1 else f"previous {days} days"


def format_timestamp(ts: Any, timezone: str) -> str:
    """A moment in ``timezone`` with the zone named: ``2024-05-31 23:58 EDT (America/New_York)``."""
    if ts is None or _missing(ts):
        return "no data yet"
    stamp = pd.Timestamp(ts)
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize("UTC")
    local = stamp.tz_convert(ZoneInfo(timezone))
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()} ({timezone})"


# ---------------------------------------------------------------------------------------------- header


def freshness_text(source: Freshness, timezone: str) -> str:
    """``to 2026-11-15 18:58 EST (America/New_York), latest send`` or ``not loaded``."""
    if source.data_until is None:
        return "not loaded"
    return f"to {format_timestamp(source.data_until, timezone)}, {source.basis}"


def stale_warning(
    stale: Sequence[Freshness], period_end: dt.datetime, timezone: str
) -> str | None:
    """The warning at the top of a report whose sources end before its period does, naming each and
    how far short it falls; None when none does. ``period_end`` is the instant the period ends (or now)."""
    if not stale:
        return None
    named = "; ".join(
        f"{s.label} data ends {format_timestamp(s.data_until, timezone)} "
        f"({format_lag(period_end - s.data_until)} before)"
        for s in stale
    )
    text = (f"Incomplete data: the period runs to {format_timestamp(period_end, timezone)}, but {named}. "
            "Counts after that are missing, not low.")
    if any(s.source == "send_log" for s in stale):
        text += (" Coverage and the orders that did not get a message count only messages due before "
                 "the send log ends.")
    return text


def header(
    title: str,
    start: dt.date,
    end: dt.date,
    *,
    timezone: str,
    freshness: Sequence[Freshness] = (),
    warning: str | None = None,
    sender_code_id: int | None = None,
    generated_at: dt.datetime | None = None,
    extra: Mapping[str, Any] | None = None,
    mask_phone_numbers: bool | None = None,
) -> HtmlFragment:
    """The report's title, a warning when its data falls short of the period, its parameters in words,
    how far each source's data reaches and the generation time, zones named.

    ``freshness`` is marts.source_freshness (lrreport.warehouse.freshness); ``extra`` adds
    notebook-specific parameters (``{"Message type": "Order Confirmation"}``).
    """
    generated = generated_at or dt.datetime.now(dt.UTC)
    rows: list[tuple[str, str]] = [
        ("Period", describe_period(start, end)),
        ("Sender code", "all sender codes" if sender_code_id is None else f"sender code {sender_code_id}"),
    ]
    rows += [(str(k), "all" if v is None else str(v)) for k, v in (extra or {}).items()]
    rows.append(("Time zone", f"dates and times in {timezone}"))
    rows += [(f"{s.label} data", freshness_text(s, timezone)) for s in freshness]
    rows.append(("Generated", format_timestamp(generated, timezone)))
    if mask_phone_numbers is not None:
        rows.append(("Phone numbers", "masked" if mask_phone_numbers else "shown in full"))
    items = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in rows)
    alert = f'<p class="lr-stale" role="alert">{esc(warning)}</p>' if warning else ""
    markup = f'{_HEADER_STYLE}<header class="lr-header"><h1>{esc(title)}</h1>{alert}<dl>{items}</dl></header>'
    return fragment(markup, f"header: {title}")


def paragraph(sentences: str | Sequence[str]) -> HtmlFragment:
    """Sentences as one escaped paragraph."""
    text = sentences if isinstance(sentences, str) else " ".join(s for s in sentences if s)
    return fragment(f'{_HEADER_STYLE}<p class="lr-narrative">{esc(text)}</p>', "narrative")


# ---------------------------------------------------------------------------------------------- sentences


def _num(value: Any) -> float | None:
    return None if value is None or _missing(value) else float(value)


def _relative(cur: float, prev: float | None) -> str:
    """``up 12% on`` / ``down 3.4% on`` / ``level with`` the previous period."""
    if prev is None or prev == 0:
        return ""
    pct = (cur - prev) / abs(prev) * 100
    if abs(pct) < 0.5:
        return "level with"
    return f"{'up' if pct > 0 else 'down'} {abs(pct):.0f}% on" if abs(pct) >= 10 else (
        f"{'up' if pct > 0 else 'down'} {abs(pct):.1f}% on"
    )


def _rate_move(name: str, cur: float, prev: float | None) -> str:
    """``Acceptance fell 2.1 points to 96.4%`` / ``Acceptance held at 99.0%``."""
    now = format_value(cur, "rate")
    if prev is None:
        return f"{name} was {now}"
    points = (cur - prev) * 100
    if abs(points) < 0.05:
        return f"{name} held at {now}"
    return f"{name} {'rose' if points > 0 else 'fell'} {abs(points):.1f} points to {now}"


def overview_summary(
    current: Mapping[str, Any],
    previous: Mapping[str, Any] | None,
    *,
    currency: str = "USD",
    period: str = "previous period",
    optout_alarm: float | None = None,
) -> str:
    """Two or three sentences on volume, acceptance, revenue and opt-outs, from two ``kpis`` total rows.

    ``optout_alarm`` None: the default of ``[alerts] optout_rate_max``.
    """
    from lrreport.config import AlertSettings

    optout_alarm = AlertSettings().optout_rate_max if optout_alarm is None else optout_alarm
    prev = previous or {}
    attempts = _num(current.get("attempts")) or 0.0
    if attempts == 0:
        return "No send attempts in this period."
    sentences = []
    rate = _num(current.get("acceptance_rate"))
    move = _relative(attempts, _num(prev.get("attempts")))
    volume = f"{format_value(attempts)} send attempts" + (f", {move} the {period}" if move else "")
    if rate is not None:
        sentences.append(f"{_rate_move('Acceptance', rate, _num(prev.get('acceptance_rate')))} on {volume}.")
    else:
        sentences.append(f"{volume[0].upper()}{volume[1:]}.")
    revenue = _num(current.get("attributed_revenue")) or 0.0
    per_send = _num(current.get("revenue_per_accepted_send"))
    if revenue > 0:
        move = _relative(revenue, _num(prev.get("attributed_revenue")))
        text = f"Messages were credited with {format_value(revenue, 'money', currency)} of orders"
        if per_send is not None:
            text += f" ({format_value(per_send, 'money_cents', currency)} per accepted send)"
        sentences.append(text + (f", {move} the {period}." if move else "."))
    else:
        sentences.append("No revenue was attributed to messages.")
    optout = _num(current.get("optout_rate"))
    if optout is not None:
        text = f"{format_value(optout, 'rate')} of accepted sends were followed by an opt-out within 24 hours"
        if optout >= optout_alarm:
            alarm = format_value(optout_alarm, "rate")
            text += f", at or above the {alarm} level that puts carrier filtering at risk"
        sentences.append(text + ".")
    return " ".join(sentences)


def timeliness_summary(df: pd.DataFrame, target_s: float) -> str:
    """Coverage first (how many orders got their message at all), then the speed of those sent:
    which message types meet the target at p90 and the slowest one, from the timeliness query.

    Speed alone would overstate: "within 60 s for 90%" counts only the orders that got a message.
    """
    if df is None or df.empty or df["orders_with_phone"].fillna(0).sum() == 0:
        return "No order-triggered messages were due in this period."
    due = float(df["orders_with_phone"].fillna(0).sum())
    covered = float(df["covered"].fillna(0).sum())
    parts = [f"{format_value(covered / due, 'rate')} of orders with a phone number got their message "
             f"({format_value(covered)} of {format_value(due)})"]
    rated = df[df["orders_with_phone"].fillna(0) > 0]
    low = rated.sort_values(["coverage", "message_type"]).iloc[0]
    if len(rated) > 1 and low["coverage"] < covered / due:
        parts[0] += f"; lowest: {low['message_type']}, {format_value(low['coverage'], 'rate')}"
    parts[0] += "."
    sent = df.dropna(subset=["p90_s"])
    if sent.empty:
        parts.append("None of them was sent, so there is no speed to report.")
        return " ".join(parts)
    slowest = sent.sort_values(["p90_s", "message_type"]).iloc[-1]
    if (sent["p90_s"] <= target_s).all():
        which = "every message type" if len(sent) > 1 else str(slowest["message_type"])
        parts.append(f"Of the messages sent, {which} went out within {target_s:g} s of the order event "
                     f"for 90% (slowest p90: {slowest['p90_s']:,.0f} s).")
    else:
        parts.append(f"Of the messages sent, {slowest['message_type']} is the slowest: 90% went out within "
                     f"{slowest['p90_s']:,.0f} s of the order event, against a target of {target_s:g} s.")
    return " ".join(parts)


def revenue_summary(df: pd.DataFrame, currency: str = "USD") -> str:
    """The message type that earned most, and the link vs post-send split, from revenue_by_type."""
    if df is None or df.empty:
        return "No revenue was attributed to messages in this period."
    link = float(df["link_revenue"].fillna(0).sum())
    post = float(df["post_send_revenue"].fillna(0).sum())
    total = link + post
    if total <= 0:
        return "No revenue was attributed to messages in this period."
    totals = df.assign(_t=df["link_revenue"].fillna(0) + df["post_send_revenue"].fillna(0))
    top = totals.sort_values("_t").iloc[-1]
    return (
        f"{top['message_type']} earned the most ({format_value(top['_t'], 'money', currency)}, "
        f"{top['_t'] / total:.0%} of attributed revenue). Link clicks account for {link / total:.0%} "
        f"and post-send (view) attribution for {post / total:.0%}."
    )


def ga4_summary(df: pd.DataFrame, currency: str = "USD") -> str:
    """Click-through and conversion in words, from ga4_by_type (GA4 sessions, not Listrak clicks)."""
    if df is None or df.empty or df["sessions"].isna().all():
        return ("No GA4 data is loaded for this period, so there is no click-through: "
                "run `lrreport extract ga4` (Listrak's API reports no clicks).")
    sessions = float(df["sessions"].fillna(0).sum())
    accepted = float(df["accepted_sends"].fillna(0).sum())
    bought = float(df["ga4_transactions"].fillna(0).sum())
    if sessions <= 0:
        return "GA4 counted no sessions from SMS links in this period."
    rate = f", {sessions / accepted:.1%} of accepted sends" if accepted else ""
    top = df.sort_values("click_through_rate", na_position="first").iloc[-1]
    best = (f" {top['message_type']} has the highest click-through ({top['click_through_rate']:.1%})."
            if not _missing(top["click_through_rate"]) else "")
    return (
        f"GA4 counted {sessions:,.0f} sessions from SMS links{rate}; {bought / sessions:.1%} of them ended "
        f"in a purchase ({format_value(df['ga4_revenue'].fillna(0).sum(), 'money', currency)}).{best}"
    )


def optout_summary(df: pd.DataFrame) -> str:
    """Total opt-outs and the leading reason, from the optouts_daily query."""
    if df is None or df.empty or df["optouts"].fillna(0).sum() == 0:
        return "No opt-outs in this period."
    by_reason = df.groupby("reason")["optouts"].sum().sort_values()
    total = int(by_reason.sum())
    lead = readable("reason", by_reason.index[-1])
    return (
        f"{total:,} opt-out{'s' if total != 1 else ''} in the period; the most common reason is "
        f"\u201c{lead}\u201d ({by_reason.iloc[-1] / total:.0%})."
    )


def errors_summary(df: pd.DataFrame, attempts: float | None) -> str:
    """Failed attempts, their share and the most frequent error code, from the error_codes query."""
    failed = 0 if df is None or df.empty else int(df["attempts"].fillna(0).sum())
    if failed == 0:
        return "No failed attempts in this period."
    by_code = df.groupby("error_code")["attempts"].sum().sort_values()
    share = f" ({failed / attempts:.1%} of attempts)" if attempts else ""
    return (
        f"{failed:,} attempts failed{share}; the most frequent error is {by_code.index[-1]} "
        f"({by_code.iloc[-1] / failed:.0%} of failures)."
    )


def no_data_note(start: dt.date, end: dt.date, freshness: Sequence[Freshness], timezone: str) -> str:
    """What to say when the period holds no data: the period and how far each source does reach."""
    loaded = [s for s in freshness if s.data_until is not None]
    reach = "The warehouse holds no data yet." if not loaded else "The data reaches: " + "; ".join(
        f"{s.label} {freshness_text(s, timezone)}" for s in loaded
    ) + "."
    return f"No data in this period ({describe_period(start, end)}). {reach}"


# ---------------------------------------------------------------------------------------------- definitions


def definitions(settings: Any, timezone: str, latency_target_s: float | None = None) -> HtmlFragment:
    """Every metric of the reports in plain words, with the windows and the time zone actually used."""
    business_tz = settings.business.timezone
    target = latency_target_s if latency_target_s is not None else settings.reports.latency_target_s
    from lrreport.warehouse import metric_registry

    registry = metric_registry.load()

    def metric(name: str) -> tuple[str, str]:
        return registry[name].term, registry[name].describe(settings)

    entries = [
        metric("attempts"),
        metric("accepted"),
        metric("acceptance_rate"),
        ("Error code", "Listrak's error (e.g. ERROR_PHONE_NUMBER_NOT_SUBSCRIBED) for an attempt that "
                       "was not accepted; the HTTP status when there was none."),
        metric("unique_recipients"),
        metric("segments"),
        # p50 and p90 are the registry's latency_p50_s / latency_p90_s; p99 and the target are the
        # timeliness table's own.
        ("Timeliness (p50 / p90 / p99)", "Seconds from the order event (placed, shipped, delivered) to "
                                         "the first accepted send of the matching message: half, 90% "
                                         f"and 99% of messages went out within that time. Target: "
                                         f"{target:g} s."),
        metric("coverage"),
        metric("link_revenue"),
        metric("post_send_revenue"),
        metric("attributed_revenue"),
        metric("revenue_per_accepted_send"),
        metric("optout_rate"),
        metric("click_through_rate"),
        metric("conversion_rate"),
        metric("ga4_revenue"),
        metric("average_order_value"),
        ("Unmapped", "SMS-tagged orders whose campaign names no message shell (map them with "
                     "[attribution] campaign_map)."),
        ("Time zone", f"Days are calendar days in {business_tz} (the business time zone): sends are "
                      "dated by when they were sent, revenue by when the order was placed, opt-outs "
                      "within the window by the day of the send they are credited to, timeliness and "
                      f"coverage by the day of the order event. Times are shown in {timezone}."),
    ]
    items = "".join(f"<dt>{esc(term)}</dt><dd>{esc(text)}</dd>" for term, text in entries)
    style = (
        "<style>.lr-defs{display:grid;grid-template-columns:minmax(8rem,max-content) 1fr;gap:.35rem 1rem;"
        "font-size:.9rem;max-width:52rem}.lr-defs dt{font-weight:600}.lr-defs dd{margin:0}"
        "@media (max-width:36rem){.lr-defs{grid-template-columns:1fr}.lr-defs dd{margin-bottom:.4rem}}"
        "</style>"
    )
    return fragment(f'{style}<dl class="lr-defs">{items}</dl>', "definitions")
