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

from lrreport.reports.labels import readable

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
TITLE_WIDTH = 40  # characters of a title line: a 16 px title fits a 390 px phone at about 42
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
        # a little space between tick labels and the axes, so the two zeros at the origin never touch
        xaxis=dict(automargin=True, ticklabelstandoff=4),
        yaxis=dict(automargin=True, rangemode="tozero", ticklabelstandoff=4),
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
    """A figure in the template; a long title wraps (plotly never does) with room made above."""
    layout.setdefault("height", DEFAULT_HEIGHT)  # explicit, so the HTML div is sized before drawing
    wrapped = _wrap(title, TITLE_WIDTH)
    extra = 20 * wrapped.count("<br>")
    fig = go.Figure()
    fig.update_layout(template=TEMPLATE, title_text=wrapped, **layout)
    if extra:
        fig.update_layout(margin_t=56 + extra, height=int(layout["height"]) + extra)
    return fig


def _count_axis(fig: go.Figure, axis: str, top: float, title: str | None = None) -> None:
    """Ticks of a count axis on whole numbers: plotly would put 0.5 steps (drawn "500m" by the SI
    format) on a small range, so up to 10 the step is set; larger counts get SI suffixes (1.2k)."""
    update = fig.update_yaxes if axis == "y" else fig.update_xaxes
    settings: dict[str, object] = {"tickformat": "~s" if top >= 10_000 else ",d", "rangemode": "tozero"}
    if top < 10:
        settings.update(tick0=0, dtick=1 if top <= 5 else 2)
    if title is not None:
        settings["title_text"] = title
    update(**settings)


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


def _bars_height(labels: list[str], base: int = 90) -> int:
    """Height of a horizontal bar chart whose category labels wrap: each bar gets room for its lines
    (``base`` holds the title, the axis and a legend if any)."""
    return max(240, base + sum(max(40, 20 * (label.count("<br>") + 1) + 12) for label in labels))


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
            x=part["day"], y=part[value], name=_category(readable(category, key), 30),
            marker_color=_colour(i), marker_pattern_shape=_pattern(i),
            hovertemplate="%{x|%a %d %b}: %{y:,}<extra>%{fullData.name}</extra>",
        )
    top = float(df.groupby("day")[value].sum().max())
    _count_axis(fig, "y", top, value_label or value.replace("_", " "))
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
    labels = [_category(readable("error_code", c), 20) for c in codes]
    fig = _figure(title, showlegend=False, height=_bars_height(labels))
    fig.add_bar(
        y=labels, x=counts.values, orientation="h", marker_color=_colour(5), text=counts.values,
        texttemplate="%{x:,}", textposition="outside", cliponaxis=False,
        customdata=[html.escape(c) for c in codes],
        hovertemplate="%{customdata}: %{x:,}<extra></extra>",
    )
    top = float(counts.max())
    _count_axis(fig, "x", top)
    # room on the right for the count written past the longest bar
    fig.update_xaxes(range=[0, top * 1.3], autorange=False)
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


def _revenue_bars(fig: go.Figure, labels: list[str], df: pd.DataFrame) -> None:
    """Horizontal bars of link and post-send revenue per label, stacked; a pattern tells them apart
    besides the colour, the legend names them as the rules read."""
    series = (("link_revenue", "link", ""), ("post_send_revenue", "post_send", "/"))
    for i, (col, rule, pattern) in enumerate(series):
        name = html.escape(str(readable("rule", rule)))
        fig.add_bar(
            y=labels, x=df[col].fillna(0), name=name, orientation="h", marker_color=_colour(i),
            marker_pattern_shape=pattern, hovertemplate="%{y}: %{x:,.2f}<extra>" + name + "</extra>",
        )
    fig.update_xaxes(tickformat="~s")


def revenue_by_type(df: pd.DataFrame, currency: str = "USD", title: str | None = None) -> go.Figure | None:
    """Attributed revenue per message type, link vs post-send stacked, the largest on top.

    ``df`` has ``message_type``, ``link_revenue``, ``post_send_revenue``.
    """
    if _empty(df, "link_revenue", "post_send_revenue"):
        return None
    df = df.assign(_total=df["link_revenue"].fillna(0) + df["post_send_revenue"].fillna(0))
    df = df.sort_values("_total")
    labels = [_category(t, 22) for t in df["message_type"]]
    fig = _figure(title or f"Attributed revenue by message type ({currency})", barmode="stack",
                  height=_bars_height(labels, base=150))
    _revenue_bars(fig, labels, df)
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
    _count_axis(fig, "y", float(df["n"].max()), "messages")
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
    _count_axis(fig, "y", float(df["subscribers"].max()), "subscribers")
    fig.update_yaxes(rangemode="normal")
    fig.update_xaxes(tickformat="%d %b")
    return fig


def list_changes(df: pd.DataFrame, grain: str = "day", title: str | None = None) -> go.Figure | None:
    """New subscriptions (up) and unsubscribes (down) per day or per week, with the net change as a line.

    ``df`` has ``day`` (the week's Monday when ``grain`` is ``week``), ``new_subscriptions`` and
    ``unsubscribes``, summed over the lists to show. Weekly bars span their week and say so.
    """
    if _empty(df, "new_subscriptions", "unsubscribes"):
        return None
    weekly = grain == "week"
    df = df.groupby("day", as_index=False)[["new_subscriptions", "unsubscribes"]].sum()
    when = "week of %{x|%d %b}" if weekly else "%{x|%a %d %b}"
    per = "per week" if weekly else "per day"
    title = title or f"New subscriptions and unsubscribes {per}" + (" (from Monday)" if weekly else "")
    fig = _figure(title, barmode="relative")
    # a weekly bar starts on its Monday and spans six days of the seven (a gap between weeks)
    bar = dict(xperiod=7 * 86_400_000, xperiodalignment="start", width=6 * 86_400_000) if weekly else {}
    fig.add_bar(x=df["day"], y=df["new_subscriptions"], name="new subscriptions", marker_color=_colour(2),
                hovertemplate=when + ": +%{y:,}<extra></extra>", **bar)
    fig.add_bar(x=df["day"], y=-df["unsubscribes"], name="unsubscribes", marker_color=_colour(5),
                marker_pattern_shape="/", hovertemplate=when + ": -%{y:,}<extra></extra>", **bar)
    fig.add_scatter(x=df["day"], y=df["new_subscriptions"] - df["unsubscribes"], name="net change",
                    mode="lines+markers", line=dict(color=_colour(7), width=2),
                    hovertemplate=when + ": %{y:+,}<extra>net change</extra>",
                    **({"xperiod": bar["xperiod"], "xperiodalignment": "middle"} if weekly else {}))
    top = float(max(df["new_subscriptions"].max(), df["unsubscribes"].max()))
    _count_axis(fig, "y", top, f"contacts {per}")
    fig.update_yaxes(rangemode="normal")
    fig.update_xaxes(tickformat="%d %b")
    if weekly:  # ticks on the weeks' Mondays, where the bars start
        step = -(-len(df) // 6)
        fig.update_xaxes(tick0=df["day"].min(), dtick=step * 7 * 86_400_000)
    return fig


def window_comparison(df: pd.DataFrame, currency: str = "USD", title: str | None = None) -> go.Figure | None:
    """Attributed revenue under several click / view windows (one bar each, first on top), link vs
    post-send stacked; horizontal so that the window names fit a phone.

    ``df`` has ``window`` (label, in display order), ``link_revenue``, ``post_send_revenue``.
    """
    if _empty(df, "link_revenue", "post_send_revenue"):
        return None
    labels = [_category(w, 24) for w in df["window"]]
    fig = _figure(title or f"Attributed revenue by attribution window ({currency})", barmode="stack",
                  height=_bars_height(labels, base=150))
    _revenue_bars(fig, labels, df)
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=labels[::-1])
    return fig


def share_bars(
    df: pd.DataFrame, label: str, value: str, title: str, value_format: str = ",.2f"
) -> go.Figure | None:
    """Horizontal bars of ``value`` per ``label`` with each bar's share of the total written on it."""
    if _empty(df, value):
        return None
    df = df.sort_values(value)
    total = float(df[value].fillna(0).sum()) or 1.0
    labels = [_category(readable(label, v), 22) for v in df[label]]
    text = [f"{v / total:.0%}" for v in df[value].fillna(0)]
    fig = _figure(title, showlegend=False, height=_bars_height(labels, base=80))
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

