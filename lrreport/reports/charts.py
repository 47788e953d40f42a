"""Plotly figure builders the notebooks use, in a colour-blind-safe template that reads on a phone.

Every builder takes a small DataFrame (one query of the marts) and returns a ``plotly`` Figure, or
``None`` when there is nothing to draw, so that ``show`` can put a "no data" note in its place.
Colours follow the Okabe-Ito palette; where colour separates series that matter (link vs post-send,
good vs bad), a pattern, a dash or a label carries the same meaning.
"""

from __future__ import annotations

import html
import math

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

TEMPLATE = "lrreport"

# Okabe & Ito (2008), "Color Universal Design": distinguishable with the common colour-vision deficiencies.
OKABE_ITO = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)
# Sequential scale for heatmaps: perceptually uniform and readable with colour-vision deficiencies.
SEQUENTIAL = "Cividis"
TARGET_COLOUR = "#D55E00"
DEFAULT_HEIGHT = 380
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def register_template() -> str:
    """Register the ``lrreport`` plotly template (Okabe-Ito, phone-friendly layout); return its name."""
    base = pio.templates["plotly_white"]
    template = go.layout.Template(base)
    template.layout.update(
        colorway=list(OKABE_ITO),
        font=dict(family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", size=13),
        title=dict(x=0, xanchor="left", font=dict(size=16)),
        autosize=True,  # no fixed width: the figure follows its container (phone or desktop)
        height=DEFAULT_HEIGHT,
        margin=dict(l=8, r=8, t=56, b=8),
        legend=dict(orientation="h", x=0, xanchor="left", y=-0.18, yanchor="top", title_text=""),
        hoverlabel=dict(namelength=-1),
        xaxis=dict(automargin=True),
        yaxis=dict(automargin=True, rangemode="tozero"),
        colorscale=dict(sequential=SEQUENTIAL),
    )
    pio.templates[TEMPLATE] = template
    return TEMPLATE


register_template()


def _empty(df: pd.DataFrame | None, *columns: str) -> bool:
    """True when there is nothing to draw: no rows, or the value columns hold only nulls/zeros."""
    if df is None or df.empty:
        return True
    if not columns:
        return False
    values = df[list(columns)].apply(pd.to_numeric, errors="coerce").fillna(0)
    return bool((values == 0).all().all())


def _figure(title: str, **layout: object) -> go.Figure:
    layout.setdefault("height", DEFAULT_HEIGHT)  # explicit, so the HTML div is sized before drawing
    fig = go.Figure()
    fig.update_layout(template=TEMPLATE, title_text=html.escape(title), **layout)
    return fig


def _colour(i: int) -> str:
    return OKABE_ITO[i % len(OKABE_ITO)]


def _pattern(i: int) -> str:
    """A fill pattern for series beyond the eight colours, so no two series look the same."""
    return ("", "/", "x", ".")[(i // len(OKABE_ITO)) % 4]


def _label(value: object) -> str:
    """Category text for an axis or a legend, escaped (plotly renders a subset of HTML in labels)."""
    missing = value is None or (isinstance(value, float) and math.isnan(value))
    return html.escape("(none)" if missing else str(value))


def _wrap(label: str, width: int = 18) -> str:
    """An escaped label broken into lines of about ``width`` characters, so long names fit a phone."""
    words, lines, line = label.split(" "), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "<br>".join(html.escape(part) for part in lines)


def _category(value: object, width: int = 18) -> str:
    missing = value is None or (isinstance(value, float) and math.isnan(value))
    return _wrap("(none)" if missing else str(value), width)


def _legend_height(n: int, base: int = DEFAULT_HEIGHT) -> int:
    """Taller figures for many series: the legend wraps to several lines on a narrow screen."""
    return base + 18 * max(0, n - 3)


def daily_stack(
    df: pd.DataFrame, category: str, value: str, title: str, value_label: str | None = None
) -> go.Figure | None:
    """Stacked daily bars of ``value`` per ``category``; ``df`` has ``day``, ``category``, ``value``."""
    if _empty(df, value):
        return None
    groups = list(df.groupby(category, sort=True, dropna=False))
    fig = _figure(title, barmode="stack", height=_legend_height(len(groups)))
    for i, (key, part) in enumerate(groups):
        fig.add_bar(
            x=part["day"], y=part[value], name=_label(key), marker_color=_colour(i),
            marker_pattern_shape=_pattern(i),
            hovertemplate="%{x|%a %d %b}: %{y:,}<extra>%{fullData.name}</extra>",
        )
    fig.update_yaxes(title_text=value_label or value.replace("_", " "), tickformat="~s")
    fig.update_xaxes(tickformat="%d %b")
    return fig


def daily_volume(df: pd.DataFrame, value: str = "attempts", title: str | None = None) -> go.Figure | None:
    """Stacked daily bars per message type; ``df`` has ``day``, ``message_type`` and ``value``."""
    title = title or f"Daily {value.replace('_', ' ')} by message type"
    return daily_stack(df, "message_type", value, title)


def errors_over_time(
    df: pd.DataFrame, title: str = "Failed attempts per day by error code"
) -> go.Figure | None:
    """Stacked daily bars per error code; ``df`` has ``day``, ``error_code``, ``attempts``."""
    return daily_stack(df, "error_code", "attempts", title, "failed attempts")


def error_codes(df: pd.DataFrame, title: str = "Errors by code") -> go.Figure | None:
    """Horizontal bars of failed attempts per error code, the most frequent on top, count on each bar.

    ``df`` has ``error_code`` and ``attempts`` (more rows per code, e.g. per message type, are summed).
    Labels drop the ``ERROR_`` prefix and wrap; the hover shows the code as Listrak spells it.
    """
    if _empty(df, "attempts"):
        return None
    counts = df.groupby("error_code", dropna=False)["attempts"].sum().sort_values()
    codes = ["(none)" if c is None or c != c else str(c) for c in counts.index]
    labels = [_wrap(c.removeprefix("ERROR_").replace("_", " "), 20) for c in codes]
    fig = _figure(title, showlegend=False, height=max(240, 90 + 44 * len(labels)))
    fig.add_bar(
        y=labels, x=counts.values, orientation="h", marker_color=_colour(5), text=counts.values,
        texttemplate="%{x:,}", textposition="outside", cliponaxis=False,
        customdata=[html.escape(c) for c in codes],
        hovertemplate="%{customdata}: %{x:,}<extra></extra>",
    )
    fig.update_xaxes(tickformat="~s")
    fig.update_yaxes(categoryorder="array", categoryarray=labels)
    return fig


def timeliness(df: pd.DataFrame, target_s: float | None = None, title: str | None = None) -> go.Figure | None:
    """p50 / p90 / p99 delay from order event to message per type, with a dashed target line.

    ``df`` has ``message_type``, ``p50_s``, ``p90_s``, ``p99_s`` (seconds).
    """
    cols = ["p50_s", "p90_s", "p99_s"]
    if df is None or df.empty or df[cols].isna().all().all():
        return None
    df = df.dropna(subset=cols, how="all")
    fig = _figure(title or "Time from order event to message", barmode="group")
    labels = [_category(t, 14) for t in df["message_type"]]
    for i, (col, name) in enumerate(zip(cols, ("median (p50)", "p90", "p99"), strict=True)):
        fig.add_bar(
            x=labels, y=df[col], name=name, marker_color=_colour(i),
            marker_pattern_shape=("", "/", "x")[i],
            hovertemplate="%{x}: %{y:,.1f} s<extra>" + name + "</extra>",
        )
    if target_s is not None:
        # A dashed trace rather than a shape: it works on log axes and gets a legend entry (not colour only).
        fig.add_scatter(
            x=labels, y=[target_s] * len(labels), name=f"target {target_s:g} s", mode="lines+markers",
            line=dict(color=TARGET_COLOUR, dash="dash", width=2),
            marker=dict(symbol="line-ew", size=36, line=dict(color=TARGET_COLOUR, width=2)),
            hovertemplate=f"target {target_s:g} s<extra></extra>",
        )
    values = df[cols].to_numpy(dtype=float)
    positive = values[values > 0]
    wide = positive.size > 0 and positive.max() / positive.min() > 50  # p99 dwarfs p50: log scale
    fig.update_yaxes(
        title_text="seconds (log scale)" if wide else "seconds", type="log" if wide else "linear"
    )
    return fig


def revenue_by_type(df: pd.DataFrame, currency: str = "USD", title: str | None = None) -> go.Figure | None:
    """Attributed revenue per message type, link vs post-send stacked (pattern tells them apart too).

    ``df`` has ``message_type``, ``link_revenue``, ``post_send_revenue``.
    """
    if _empty(df, "link_revenue", "post_send_revenue"):
        return None
    df = df.assign(_total=df["link_revenue"].fillna(0) + df["post_send_revenue"].fillna(0))
    df = df.sort_values("_total")
    labels = [_category(t, 22) for t in df["message_type"]]
    fig = _figure(title or f"Attributed revenue by message type ({currency})", barmode="stack",
                  height=max(280, 90 + 46 * len(labels)))
    for i, (col, name, pattern) in enumerate(
        (("link_revenue", "link click", ""), ("post_send_revenue", "post-send (view)", "/"))
    ):
        fig.add_bar(
            y=labels, x=df[col].fillna(0), name=name, orientation="h", marker_color=_colour(i),
            marker_pattern_shape=pattern,
            hovertemplate="%{y}: %{x:,.2f}<extra>" + name + "</extra>",
        )
    fig.update_xaxes(tickformat="~s")
    return fig


def optouts_by_reason(df: pd.DataFrame, title: str = "Opt-outs by reason") -> go.Figure | None:
    """Daily opt-outs stacked by reason; ``df`` has ``day``, ``reason``, ``optouts``."""
    return daily_stack(df, "reason", "optouts", title, "opt-outs")


def hour_weekday_heatmap(
    df: pd.DataFrame, value: str = "sends_per_day", title: str | None = None, timezone: str | None = None
) -> go.Figure | None:
    """Average attempts per occurrence of each weekday (y) and hour of day (x), so a weekday that
    occurs five times in the period does not look busier than one that occurs four times.

    ``df`` has ``sent_isodow`` (1=Mon), ``sent_hour``, ``value`` (already per day) and ``days`` (how
    often the weekday occurs in the period; shown on hover).
    """
    if _empty(df, value):
        return None
    grid = (
        df.pivot_table(index="sent_isodow", columns="sent_hour", values=value, aggfunc="sum")
        .reindex(index=range(1, 8), columns=range(24))
        .fillna(0)
    )
    days = df.groupby("sent_isodow")["days"].max().reindex(range(1, 8))
    hover_days = [
        [f"{int(n) if n == n else 0} {name}s"] * 24 for name, n in zip(WEEKDAY_NAMES, days, strict=True)
    ]
    fig = _figure(title or "Attempts per day by hour and weekday (average)", height=340)
    fig.add_heatmap(
        z=grid.values, x=[f"{h:02d}" for h in range(24)], y=list(WEEKDAYS), colorscale=SEQUENTIAL,
        customdata=hover_days, colorbar=dict(title=dict(text="per day"), thickness=10),
        hovertemplate="%{y} %{x}:00: %{z:,.1f} a day (average of %{customdata})<extra></extra>",
    )
    fig.update_yaxes(autorange="reversed", rangemode="normal")
    zone = f" ({timezone})" if timezone else ""
    fig.update_xaxes(title_text=f"hour of day{zone}", tickmode="linear", dtick=3)
    return fig


def latency_histogram(
    df: pd.DataFrame, target_s: float | None = None, title: str | None = None, unit: str = "s"
) -> go.Figure | None:
    """Pre-binned distribution of delays: ``df`` has ``bin_start``, ``bin_end``, ``n`` and optionally
    ``overflow`` (the last bin holds everything from its start on; it is hatched and labelled so)."""
    if _empty(df, "n"):
        return None
    overflow = df["overflow"].fillna(False).astype(bool) if "overflow" in df else pd.Series(False, df.index)
    widths = df["bin_end"] - df["bin_start"]
    labels = [
        f"\u2265 {start:,.0f} {unit}" if over else f"{start:,.0f}\u2013{end:,.0f} {unit}"
        for start, end, over in zip(df["bin_start"], df["bin_end"], overflow, strict=True)
    ]
    fig = _figure(title or "Delay from order event to message", bargap=0.02, showlegend=False)
    fig.add_bar(
        x=df["bin_start"] + widths / 2, y=df["n"], width=widths, name="messages", text=labels,
        textposition="none", marker_color=[_colour(5) if o else _colour(0) for o in overflow],
        marker_pattern_shape=["/" if o else "" for o in overflow],
        hovertemplate="%{text}: %{y:,}<extra></extra>",
    )
    if target_s is not None:
        fig.add_vline(
            x=target_s, line_dash="dash", line_color=TARGET_COLOUR, line_width=2,
            annotation_text=f"target {target_s:g} {unit}", annotation_position="top right",
        )
    fig.update_xaxes(title_text=f"delay ({unit})", rangemode="tozero")
    fig.update_yaxes(title_text="messages")
    return fig


def list_health(df: pd.DataFrame, title: str = "Subscribers per list") -> go.Figure | None:
    """Subscribers over time per list (lines, one dash style each); ``df``: ``day``, ``list_name``,
    ``subscribers``."""
    if df is None or df.empty or df["subscribers"].isna().all():
        return None
    fig = _figure(title)
    dashes = ("solid", "dash", "dot", "dashdot", "longdash")
    groups = list(df.groupby("list_name", sort=True, dropna=False))
    fig.update_layout(height=_legend_height(len(groups)))
    for i, (name, part) in enumerate(groups):
        fig.add_scatter(
            x=part["day"], y=part["subscribers"], name=_label(name), mode="lines",
            line=dict(color=_colour(i), dash=dashes[i % len(dashes)], width=2.5),
            hovertemplate="%{x|%a %d %b}: %{y:,}<extra>%{fullData.name}</extra>",
        )
    fig.update_yaxes(title_text="subscribers", tickformat="~s", rangemode="normal")
    fig.update_xaxes(tickformat="%d %b")
    return fig


def list_changes(df: pd.DataFrame, title: str = "New subscriptions and unsubscribes") -> go.Figure | None:
    """Daily new subscriptions (up) and unsubscribes (down) with the net change as a line.

    ``df`` has ``day``, ``new_subscriptions``, ``unsubscribes`` (summed over the lists to show).
    """
    if _empty(df, "new_subscriptions", "unsubscribes"):
        return None
    df = df.groupby("day", as_index=False)[["new_subscriptions", "unsubscribes"]].sum()
    fig = _figure(title, barmode="relative")
    fig.add_bar(x=df["day"], y=df["new_subscriptions"], name="new subscriptions", marker_color=_colour(2),
                hovertemplate="%{x|%d %b}: +%{y:,}<extra></extra>")
    fig.add_bar(x=df["day"], y=-df["unsubscribes"], name="unsubscribes", marker_color=_colour(5),
                marker_pattern_shape="/", hovertemplate="%{x|%d %b}: %{y:,}<extra></extra>")
    fig.add_scatter(x=df["day"], y=df["new_subscriptions"] - df["unsubscribes"], name="net change",
                    mode="lines+markers", line=dict(color=_colour(7), width=2))
    fig.update_yaxes(title_text="contacts", rangemode="normal")
    fig.update_xaxes(tickformat="%d %b")
    return fig


def window_comparison(df: pd.DataFrame, currency: str = "USD", title: str | None = None) -> go.Figure | None:
    """Attributed revenue under several click / view windows, link vs post-send side by side.

    ``df`` has ``window`` (label, in display order), ``link_revenue``, ``post_send_revenue``.
    """
    if _empty(df, "link_revenue", "post_send_revenue"):
        return None
    labels = [_category(w, 14) for w in df["window"]]
    fig = _figure(title or f"Attributed revenue by attribution window ({currency})", barmode="stack")
    for i, (col, name, pattern) in enumerate(
        (("link_revenue", "link click", ""), ("post_send_revenue", "post-send (view)", "/"))
    ):
        fig.add_bar(
            x=labels, y=df[col].fillna(0), name=name, marker_color=_colour(i), marker_pattern_shape=pattern,
            hovertemplate="%{x}: %{y:,.2f}<extra>" + name + "</extra>",
        )
    fig.update_yaxes(title_text=currency, tickformat="~s")
    fig.update_xaxes(type="category")
    return fig


def share_bars(
    df: pd.DataFrame, label: str, value: str, title: str, value_format: str = ",.2f"
) -> go.Figure | None:
    """Horizontal bars of ``value`` per ``label`` with each bar's share of the total written on it."""
    if _empty(df, value):
        return None
    df = df.sort_values(value)
    total = float(df[value].fillna(0).sum()) or 1.0
    labels = [_category(v, 22) for v in df[label]]
    text = [f"{v / total:.0%}" for v in df[value].fillna(0)]
    fig = _figure(title, showlegend=False, height=max(240, 80 + 38 * len(labels)))
    fig.add_bar(
        y=labels, x=df[value], orientation="h", text=text, textposition="auto",
        marker_color=[_colour(i) for i in range(len(labels))],
        hovertemplate="%{y}: %{x:" + value_format + "} (%{text})<extra></extra>",
    )
    return fig


def show(fig: go.Figure | None, note: str = "No data in this period.") -> None:
    """Display ``fig`` through ``lrreport.reports.display.show``, or ``note`` when it is None."""
    if fig is None:
        from IPython.display import display

        from lrreport.reports.tables import note as note_html

        display(note_html(note))
        return
    from lrreport.reports.display import show as display_show

    display_show(fig)

