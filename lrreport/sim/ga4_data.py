"""What the simulated merchant's GA4 property holds: sessions and purchases per day and traffic source.

Derived from the same story as the send log and the orders file (``lrreport.sim.files``), so the
three agree the way real systems do: SMS sessions come from accepted sends that carry a link (a
share of them is tapped, per message type), purchases are the merchant's own orders by their UTM
tags, minus the ones GA4 never sees (a deterministic ~9% of buyers decline analytics cookies or
block the tag), and every other traffic source is there too, so a client has to filter. Days are
the property's days (America/New_York, the demo business time zone). The most recent days are not
final: ``served_frame`` scales them down as GA4's processing delay would.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from lrreport.sim.files import _SMS_CONTENT, merchant_tables
from lrreport.sim.generator import SHELL_NAMES, MerchantSpec, build_story

PROPERTY_TIME_ZONE = "America/New_York"
CURRENCY = "USD"
DIMENSIONS = ("date", "sessionSource", "sessionMedium", "sessionCampaignName", "sessionManualAdContent")
METRICS = ("sessions", "totalUsers", "engagedSessions", "transactions", "purchaseRevenue")
# Share of accepted sends with a link whose link is tapped, per message type (SHELL_NAMES order):
# around the 14-16% click-through Listrak publishes for transactional SMS.
CTR = np.array([0.14, 0.19, 0.12, 0.09, 0.11, 0.10, 0.16, 0.21, 0.08])
USER_SHARE = 0.92  # users per session (a few tap twice)
ENGAGED_SHARE = 0.63  # sessions that count as engaged
LOST_PURCHASES_PCT = 9  # orders whose buyer GA4 never sees (consent declined, tag blocked)
# GA4's processing delay: the share of a day's final numbers served when it is 0, 1, 2 days old.
NOT_FINAL = (0.55, 0.8, 0.93)
# Sessions per purchase for traffic whose sessions the story does not simulate (e-mail, ads ...).
_SESSIONS_PER_ORDER = 24


def property_frame(spec: MerchantSpec) -> pd.DataFrame:
    """Final GA4 numbers for the merchant: one row per DIMENSIONS value (``date`` as YYYYMMDD)."""
    story = build_story(spec)
    shell_type = {int(sid): mtype for sd in story.senders for mtype, sid in enumerate(sd.shell_ids.tolist())}
    link_sends: list[pd.DataFrame] = []
    purchases: list[pd.DataFrame] = []
    for sends, orders in merchant_tables(story):
        link_sends.append(_link_sends(sends, shell_type))
        purchases.append(_purchases(orders))
    sms = _sms_sessions(pd.concat(link_sends).groupby(["date", "mtype"], as_index=False).sum(), spec.seed)
    bought = pd.concat(purchases).groupby(list(DIMENSIONS), as_index=False).sum()
    frame = bought.merge(sms, on=list(DIMENSIONS), how="outer")
    frame[["transactions", "purchaseRevenue"]] = frame[["transactions", "purchaseRevenue"]].fillna(0)
    other = frame["sessions"].isna()
    frame.loc[other, "sessions"] = frame.loc[other, "transactions"] * _SESSIONS_PER_ORDER
    frame["sessions"] = np.maximum(frame["sessions"], frame["transactions"]).astype("int64")
    rng = np.random.default_rng([spec.seed, 4])
    frame = frame.sort_values(list(DIMENSIONS), ignore_index=True)
    frame["totalUsers"] = np.maximum(rng.binomial(frame["sessions"], USER_SHARE), frame["transactions"] > 0)
    frame["engagedSessions"] = np.maximum(
        rng.binomial(frame["sessions"], ENGAGED_SHARE), frame["transactions"]
    )
    frame["engagedSessions"] = frame["engagedSessions"].astype("int64")
    frame["transactions"] = frame["transactions"].astype("int64")
    frame["purchaseRevenue"] = frame["purchaseRevenue"].round(2)
    # GA4 has no row for a combination without any event (keepEmptyRows is about filters, not this)
    return frame.loc[frame["sessions"] > 0, list(DIMENSIONS + METRICS)].reset_index(drop=True)


def served_frame(final: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """What GA4 shows on ``as_of`` (the property's today): nothing after it, the last days partial;
    each row's day as a ``datetime.date`` in column ``_day``."""
    days = pd.to_datetime(final["date"], format="%Y%m%d").dt.date
    frame = final[days <= as_of].copy()
    frame["_day"] = days[days <= as_of].to_numpy()
    age = np.array([(as_of - d).days for d in frame["_day"]], dtype=np.int64)
    for lag, share in enumerate(NOT_FINAL):
        rows = age == lag
        if not rows.any():
            continue
        for metric in ("sessions", "totalUsers", "engagedSessions", "transactions"):
            frame.loc[rows, metric] = np.floor(frame.loc[rows, metric] * share).astype("int64")
        frame.loc[rows, "purchaseRevenue"] = (frame.loc[rows, "purchaseRevenue"] * share).round(2)
    return frame.reset_index(drop=True)


def default_as_of(spec: MerchantSpec) -> date:
    """The day after the merchant's last day: every simulated day is in, the last three not final."""
    return spec.resolved_end_date() + timedelta(days=1)


def _local_day(ts: pa.Array) -> pd.Series:
    return pd.Series(ts.to_pandas()).dt.tz_convert(PROPERTY_TIME_ZONE).dt.strftime("%Y%m%d")


def _link_sends(sends: pa.Table, shell_type: dict[int, int]) -> pd.DataFrame:
    keep = pc.and_(
        pc.equal(sends["http_status"], 201), pc.match_substring(sends["message_content"], "https://")
    )
    picked = sends.filter(keep)
    ids = picked["transactional_message_id"].to_numpy()
    return pd.DataFrame(
        {
            "date": _local_day(picked["sent_at"].combine_chunks()),
            "mtype": np.array([shell_type[int(i)] for i in ids], dtype=np.int64),
            "n": np.ones(len(ids), dtype=np.int64),
        }
    )


def _purchases(orders: pa.Table) -> pd.DataFrame:
    ids = orders["order_id"].to_pylist()
    seen = np.array([_hash_pct(i) >= LOST_PURCHASES_PCT for i in ids], dtype=bool)
    frame = pd.DataFrame(
        {
            "date": _local_day(orders["ordered_at"].combine_chunks()),
            "sessionSource": orders["utm_source"].to_pandas().fillna("(direct)"),
            "sessionMedium": orders["utm_medium"].to_pandas().fillna("(none)"),
            "sessionCampaignName": orders["utm_campaign"].to_pandas().fillna("(direct)"),
            "sessionManualAdContent": orders["utm_content"].to_pandas().fillna("(not set)"),
            "transactions": np.ones(len(ids), dtype=np.int64),
            "purchaseRevenue": orders["order_total"].to_pandas().astype("float64"),
        }
    )[seen]
    return frame


def _sms_sessions(counts: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Sessions from SMS links per day and message type: a seeded share of the link sends."""
    counts = counts.sort_values(["date", "mtype"], ignore_index=True)
    rng = np.random.default_rng([seed, 3])
    mtype = counts["mtype"].to_numpy()
    return pd.DataFrame(
        {
            "date": counts["date"],
            "sessionSource": "listrak",
            "sessionMedium": "sms",
            "sessionCampaignName": np.array(SHELL_NAMES, dtype=object)[mtype],
            "sessionManualAdContent": np.array(_SMS_CONTENT, dtype=object)[mtype],
            "sessions": rng.binomial(counts["n"].to_numpy(), CTR[mtype]).astype("float64"),
        }
    )


def _hash_pct(text: str) -> int:
    return hashlib.blake2b(text.encode(), digest_size=4).digest()[0] * 100 // 256
