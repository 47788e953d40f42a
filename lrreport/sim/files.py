"""The synthetic merchant's own files: a send log and an orders export, consistent with the simulator.

Orders arrive day by day; each triggers the messages a real store sends (order, shipping, delivery,
pick-up), sends answer like Listrak would for the merchant's contacts, some recipients click a link
and order again (UTM-tagged landing URLs), and the opt-outs the simulator serves follow some of these
sends. Every day is generated from its own seeded random stream with numpy/pyarrow and written in
chunks, so 10 million sends take flat memory and the files do not depend on the chunk size.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lrreport.extract.sources import ORDERS, SENDS
from lrreport.sim.generator import (
    FIRST_NAMES,
    MS_DAY,
    MS_HOUR,
    MS_MINUTE,
    SHELL_NAMES,
    MerchantSpec,
    SenderStory,
    Story,
    build_story,
)

# The loader's columns are the file contract; the generator writes all of them but latency_ms,
# which only lrreport's recording sender can know, and the order name and visit time, which a shop's
# own export gives (the Shopify simulator serves them).
SEND_COLUMNS = tuple(c for c in SENDS.columns if c != "latency_ms")
ORDER_COLUMNS = tuple(c for c in ORDERS.columns if c not in ("order_name", "visited_at", "cancelled_at"))
FORMATS = ("csv", "jsonl", "parquet")

# Message types by shell position (SHELL_NAMES order).
OC, SC, SU, DC, PAY, MEMB, BOPIS, OFD, LOYAL = range(9)
# Orders are simulated from this many days before the window, so its first days already carry the
# shipping and delivery messages of earlier orders (only rows inside the window are written).
WARMUP_DAYS = 8
# Average send-log rows per order at the default mix; turns MerchantSpec.sends into orders per day.
SENDS_PER_ORDER = 3.5

# Where an order's phone comes from.
K_CONTACT, K_OUTSIDER, K_MALFORMED, K_BANNED, K_NONE = range(5)
_KIND_P = (0.79, 0.052, 0.012, 0.006, 0.14)
# Order traffic sources: (utm_source, utm_medium, utm_campaign, utm_content) or None for no UTM.
S_DIRECT, S_SMS_LINK, S_SMS_UNMAPPED, S_EMAIL, S_CPC, S_SOCIAL, S_ORGANIC, S_DIRECT_URL = range(8)
_SOURCE_P = (0.25, 0.0, 0.005, 0.2, 0.22, 0.1, 0.105, 0.12)
_UNMAPPED_CAMPAIGNS = ("VIP Early Access", "Spring Sale Text Blast", "Back in Stock Alert")
_EMAIL_CAMPAIGNS = ("Weekly Newsletter", "New Arrivals", "Cart Reminder")
_CPC_CAMPAIGNS = ("brand_search", "shopping_pmax", "nonbrand_home_decor")
_SOCIAL_CAMPAIGNS = ("spring_lookbook", "retargeting_dpa")
_LANDING_PATHS = (
    "/",
    "/collections/new-arrivals",
    "/products/linen-button-down",
    "/products/stoneware-mug-set",
    "/collections/sale",
    "/products/wool-throw-blanket",
    "/account/orders",
    "/rewards",
)
# utm_content the shells' links carry, per message type
_SMS_CONTENT = (
    "order_details",
    "track_package",
    "carrier_update",
    "review_request",
    "pay_now",
    "renew_membership",
    "store_details",
    "live_tracking",
    "rewards_balance",
)
_CLICK_P = np.array([0.012, 0.02, 0.012, 0.025, 0.006, 0.03, 0.01, 0.01, 0.05])
_VIEW_P = 0.008
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_STORES = ("King of Prussia", "Cherry Hill", "Bala Cynwyd", "Princeton", "Wilmington", "Ardmore")
_CARRIERS = ("UPS", "USPS", "FedEx")
_ETAS = ("by 8 PM", "between 2 PM and 6 PM", "by end of day", "before noon")
# Orders per hour of the day in the business time zone (America/New_York).
_HOUR_W = np.array(
    [
        1.2,
        0.7,
        0.4,
        0.3,
        0.3,
        0.4,
        0.9,
        1.8,
        2.8,
        3.6,
        4.2,
        4.6,
        5.2,
        5.4,
        5.0,
        4.8,
        4.7,
        5.0,
        5.6,
        6.3,
        6.8,
        6.4,
        4.6,
        2.6,
    ]
)
_WEEKDAY_F = (1.0, 0.97, 0.98, 1.0, 1.05, 0.92, 1.08)  # Monday .. Sunday

# Message templates per type: {name} placeholders; everything else is literal text.
_TEMPLATES: dict[int, tuple[str, ...]] = {
    OC: (
        "{brand}: Thanks, {first}! We got your order #{order} and are getting it ready. Details: {order_url}",
        "[{brand}] Order #{order} confirmed. We’ll text you when it ships. View order: {order_url}",
        "{brand}: Hi {first}, thank you for shopping with us! Your order #{order} has been received and is "
        "being processed. We will text tracking details as soon as it ships. Questions? Visit {order_url} "
        "or reply HELP. Reply STOP to opt out.",
        "🎉 {first}, your {brand} order #{order} is confirmed! Track it anytime: {order_url}",
        "{brand}: Order #{order} received, {first}. We'll text tracking info when it ships.",
    ),
    SC: (
        "{brand}: Good news, {first}! Order #{order} has shipped via {carrier}. Track it: {track_url}",
        "📦 Your order #{order} is on its way! Track your package: {track_url} ~{brand}",
        "{brand}: Your order #{order} has shipped! Carrier: {carrier}. Estimated delivery {date}. Track your "
        "package at {track_url}. Need to make a change? Visit {order_url}. Reply STOP to opt out.",
    ),
    SU: (
        "{brand}: Heads up, {first} – there’s a carrier delay on order #{order}. New estimated delivery: "
        "{date}. Latest: {track_url}",
        "[{brand}] Update on order #{order}: your package is in transit with {carrier}. {track_url}",
    ),
    DC: (
        "{brand}: Order #{order} was delivered. Enjoy, {first}! Not quite right? Start a return: "
        "https://www.{domain}/returns",
        "Delivered ✅ Your order #{order} has arrived. Love it? Leave a review: "
        "https://www.{domain}/reviews/{order}",
        "{brand}: Your order #{order} was delivered today. If you do not see it, check around your door or "
        "with neighbors, then tell us at https://www.{domain}/help/missing-package within 48 hours and we "
        "will make it right. Reply STOP to opt out.",
    ),
    PAY: (
        "{brand}: a payment of ${amount} on your {brand} credit account is due {date}. Pay online: "
        "https://www.{domain}/account/billing",
        "Reminder from {brand}: ${amount} due {date}. Pay now at https://www.{domain}/pay ~ Reply STOP to "
        "opt out",
    ),
    MEMB: (
        "{brand}: {first}, your Insider membership renews on {date} for $49.00. Manage it here: "
        "https://www.{domain}/account/membership",
        "[{brand} Insider] Your membership renews {date}. Keep free shipping & 2x points! Renew: "
        "https://www.{domain}/insider",
    ),
    BOPIS: (
        "{brand}: {first}, your pick-up order #{order} is ready at {store}. Bring your ID and this text. "
        "Details: {order_url}",
        "[{brand}] Order #{order} is ready for pickup at {store} {curbside available}. Hours & directions: "
        "https://www.{domain}/stores",
    ),
    OFD: (
        "{brand}: Order #{order} is out for delivery today! Track: {track_url}",
        "{first}, your {brand} package for order #{order} is out for delivery and should arrive {eta}. "
        "{track_url}",
        "{brand}: Order #{order} is out for delivery today.",
    ),
    LOYAL: (
        "{brand}: You just earned {pts} points! Your balance is {bal} pts. See rewards: "
        "https://www.{domain}/rewards",
        "🌟 {first}, {pts} points were added to your {brand} Rewards. Balance: {bal} pts. "
        "https://www.{domain}/rewards",
        "{brand} Rewards: +{pts} pts [balance {bal}]. 500 pts = $5 off here or €5 off in our EU shop: "
        "https://www.{domain}/rewards",
    ),
}
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class MerchantFiles:
    """Paths of the files written, with their row counts."""

    sends: Path
    orders: Path
    send_rows: int
    order_rows: int


def write_merchant_files(
    spec: MerchantSpec,
    out_dir: str | os.PathLike[str],
    fmt: str = "csv",
    compress: bool = False,
    *,
    progress: bool | None = None,
    chunk_rows: int = 400_000,
) -> MerchantFiles:
    """Write the merchant's send log and orders file (``sends.<fmt>``, ``orders.<fmt>``) to ``out_dir``.

    Same spec, same bytes. ``compress`` gzips csv/jsonl. Files appear only when complete.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if compress and fmt == "parquet":
        raise ValueError("parquet files are compressed already; --gzip applies to csv and jsonl")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    suffix = f".{fmt}" + (".gz" if compress else "")
    show = sys.stdout.isatty() if progress is None else progress
    sends_path, orders_path = out / f"sends{suffix}", out / f"orders{suffix}"
    with _Writer(sends_path, fmt, compress) as sends_w, _Writer(orders_path, fmt, compress) as orders_w:
        for sends, orders in merchant_tables(build_story(spec), chunk_rows=chunk_rows, progress=show):
            sends_w.write(sends)
            orders_w.write(orders)
    return MerchantFiles(sends_path, orders_path, sends_w.rows, orders_w.rows)


def merchant_tables(
    story: Story, *, chunk_rows: int = 400_000, progress: bool = False
) -> Iterator[tuple[pa.Table, pa.Table]]:
    """The merchant's send log and orders as (sends, orders) Arrow tables, chunk by chunk: what
    ``write_merchant_files`` writes, for the simulators that serve the same story (GA4)."""
    sim = _Simulation(story)
    for _ in _with_progress(sim.days(), story.spec.days + WARMUP_DAYS, progress):
        if sim.buffered_rows >= chunk_rows:
            yield sim.flush()
    yield sim.flush()


def _with_progress(items: Any, total: int, show: bool) -> Any:
    if not show:
        yield from items
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task("writing merchant files (days)", total=total)
        for item in items:
            yield item
            bar.advance(task)


# --------------------------------------------------------------------------- the day-by-day story


class _Rows:
    """Parallel numpy arrays (one row per order or send); FIELDS names them."""

    FIELDS: tuple[str, ...] = ()

    def __init__(self, **arrays: np.ndarray) -> None:
        self.__dict__.update(arrays)

    def __len__(self) -> int:
        return len(self.t)

    @classmethod
    def concat(cls, parts: list[Any]) -> Any:
        return cls(**{f: np.concatenate([getattr(p, f) for p in parts]) for f in cls.FIELDS})

    def take(self, idx: np.ndarray) -> Any:
        return type(self)(**{f: getattr(self, f)[idx] for f in self.FIELDS})


class _Orders(_Rows):
    """Orders waiting to be placed: when, by which phone, from which traffic source."""

    FIELDS = ("t", "kind", "cidx", "pval", "fmt", "source", "campaign", "forced")


class _PlacedOrders(_Rows):
    """Placed orders with everything the orders file shows."""

    FIELDS = (
        "sender",
        "gday",
        "t",
        "ids",
        "cents",
        "status",
        "refunded",
        "shipped",
        "ship_t",
        "delivered",
        "deliv_t",
        "kind",
        "cidx",
        "pval",
        "fmt",
        "source",
        "campaign",
        "path",
        "no_email",
    )


class _Sends(_Rows):
    """Send attempts; ``key`` seeds each row's cosmetic choices (template, ids) independently of chunking."""

    FIELDS = (
        "sender",
        "gday",
        "mtype",
        "t",
        "kind",
        "cidx",
        "pval",
        "fmt",
        "order_num",
        "forced",
        "carrier",
        "deliv_t",
        "store",
        "key",
        "status",
        "error",
        "empty",
    )


def _empty_orders() -> _Orders:
    z = np.zeros(0, dtype=np.int64)
    return _Orders(t=z, kind=z, cidx=z, pval=z, fmt=z, source=z, campaign=z, forced=np.zeros(0, dtype=bool))


class _Simulation:
    """Generates the story day by day and buffers numpy rows until the writer asks for tables."""

    def __init__(self, story: Story) -> None:
        self.story = story
        self.spec = story.spec
        self.end = story.window_end_ms
        self.start = story.window_start_ms
        total = float(self.spec.orders_per_day)
        if self.spec.sends is not None:
            total = self.spec.sends / (self.spec.days * SENDS_PER_ORDER)
        weights = np.array([1 / (i + 1) for i in range(len(story.senders))])
        self.opd = total * weights / weights.sum()
        self.next_order = 1_000_001
        self.queues: list[dict[int, list[_Orders]]] = [{} for _ in story.senders]
        self.malformed = pa.array(story.malformed, pa.string())
        self.tz = ZoneInfo("America/New_York")
        self.anchor_day = [(s.anchor_order_ms - self.start) // MS_DAY for s in story.senders]
        self.sends: list[_Sends] = []
        self.orders: list[_PlacedOrders] = []
        self.buffered_rows = 0

    def days(self) -> Any:
        """Generate each day in turn (yielding its index); rows accumulate until ``flush``."""
        for d in range(-WARMUP_DAYS, self.spec.days):
            for sender in self.story.senders:
                self._day(sender, d)
            yield d

    def flush(self) -> tuple[pa.Table, pa.Table]:
        """The buffered rows as (sends, orders) tables, each sorted by day generated, then time."""
        sends = _Sends.concat(self.sends) if self.sends else None
        orders = _PlacedOrders.concat(self.orders) if self.orders else None
        self.sends, self.orders, self.buffered_rows = [], [], 0
        s_table = (
            self._sends_table(sends.take(np.lexsort((sends.t, sends.gday)))) if sends else _empty_sends()
        )
        o_table = (
            self._orders_table(orders.take(np.lexsort((orders.t, orders.gday))))
            if orders
            else _empty_orders_table()
        )
        return s_table, o_table

    # -- one day of one sender code
    def _day(self, sender: SenderStory, d: int) -> None:
        seed = self.spec.seed
        rng = np.random.default_rng([seed, 2, sender.index, d + WARMUP_DAYS])
        day_start = self.start + d * MS_DAY
        day_date = datetime.fromtimestamp(day_start / 1000, UTC).date()
        offset = datetime(day_date.year, day_date.month, day_date.day, 12, tzinfo=self.tz).utcoffset()
        assert offset is not None
        local_midnight = day_start - int(offset.total_seconds() * 1000)  # UTC ms of local midnight
        factor = _WEEKDAY_F[day_date.weekday()] * (0.9 + 0.2 * d / max(1, self.spec.days - 1))
        n = int(rng.poisson(self.opd[sender.index] * factor))
        base = self._base_orders(rng, sender, n, local_midnight)
        self._daily_messages(rng, sender, d, day_start)
        anchors = np.flatnonzero(self.anchor_day[sender.index] == d)
        parts = [base]
        if len(anchors):
            k = len(anchors)
            parts.append(
                _Orders(
                    t=sender.anchor_order_ms[anchors],
                    kind=np.full(k, K_CONTACT),
                    cidx=sender.anchor_idx[anchors],
                    pval=np.zeros(k, dtype=np.int64),
                    fmt=rng.integers(4, size=k),
                    source=rng.choice([S_DIRECT, S_EMAIL, S_ORGANIC], size=k),
                    campaign=np.zeros(k, dtype=np.int64),
                    forced=np.ones(k, dtype=bool),
                )
            )
        parts.extend(self.queues[sender.index].pop(d, []))
        orders = _Orders.concat(parts)
        round_no = 0
        while len(orders):
            orders = orders.take(np.argsort(orders.t, kind="stable"))
            rrng = np.random.default_rng([seed, 3, sender.index, d + WARMUP_DAYS, round_no])
            followups = self._round(rrng, sender, d, orders)
            same_day = (followups.t - self.start) // MS_DAY == d
            self._queue(sender, followups.take(np.flatnonzero(~same_day)), d)
            orders = followups.take(np.flatnonzero(same_day))
            round_no += 1

    def _queue(self, sender: SenderStory, orders: _Orders, d: int) -> None:
        """Keep orders for the later day they fall on (orders past the window are never placed)."""
        day = (orders.t - self.start) // MS_DAY
        ok = (orders.t < self.end) & (day > d)
        for one in np.unique(day[ok]):
            self.queues[sender.index].setdefault(int(one), []).append(orders.take(np.flatnonzero(day == one)))

    def _pick_contacts(self, rng: np.random.Generator, sender: SenderStory, t: np.ndarray) -> np.ndarray:
        """Contacts subscribed before ``t``; most orders avoid those who have opted out since."""
        k = np.maximum(np.searchsorted(sender.sub_ms, t, side="right"), 1)
        idx = (rng.random(len(t)) * k).astype(np.int64)
        retry = (sender.unsub_ms[idx] <= t) & (rng.random(len(t)) < 0.92)
        idx2 = (rng.random(len(t)) * k).astype(np.int64)
        return np.where(retry, idx2, idx)

    def _base_orders(
        self, rng: np.random.Generator, sender: SenderStory, n: int, local_midnight: int
    ) -> _Orders:
        hours = rng.choice(24, size=n, p=_HOUR_W / _HOUR_W.sum())
        t = local_midnight + hours * MS_HOUR + (rng.random(n) * MS_HOUR).astype(np.int64)
        t = t // 1000 * 1000
        kind = rng.choice(5, size=n, p=_KIND_P)
        cidx = np.where(kind == K_CONTACT, self._pick_contacts(rng, sender, t), -1)
        pval = np.zeros(n, dtype=np.int64)
        out_i = kind == K_OUTSIDER
        pval[out_i] = sender.outsiders[rng.integers(len(sender.outsiders), size=int(out_i.sum()))]
        ban_i = kind == K_BANNED
        pval[ban_i] = sender.banned[rng.integers(len(sender.banned), size=int(ban_i.sum()))]
        mal_i = kind == K_MALFORMED
        pval[mal_i] = rng.integers(len(self.malformed), size=int(mal_i.sum()))
        return _Orders(
            t=t,
            kind=kind,
            cidx=cidx,
            pval=pval,
            fmt=rng.choice(4, size=n, p=(0.35, 0.25, 0.15, 0.25)),
            source=rng.choice(8, size=n, p=_SOURCE_P),
            campaign=rng.integers(3, size=n),
            forced=np.zeros(n, dtype=bool),
        )

    def _round(self, rng: np.random.Generator, sender: SenderStory, d: int, o: _Orders) -> _Orders:
        """Place ``o``; buffer the orders and the sends they trigger; return the follow-up orders."""
        n = len(o)
        ids = self.next_order + np.arange(n, dtype=np.int64)
        self.next_order += n
        cents = np.clip(np.round(rng.lognormal(np.log(72), 0.62, n) * 100), 800, 250_000).astype(np.int64)
        u = rng.random(n)
        status = np.where(u < 0.04, 1, np.where(u < 0.10, 2, 0))  # placed, cancelled, refunded
        refunded = np.where(
            (status == 2) & (rng.random(n) < 0.5), np.round(cents * rng.uniform(0.15, 0.8, n)), -1
        ).astype(np.int64)
        pickup = rng.random(n) < 0.12
        ships = ~pickup & (status != 1)
        ship_t = o.t + (6 * MS_HOUR + rng.gamma(2.0, 10 * MS_HOUR, n)).astype(np.int64)
        deliv_t = ship_t + (MS_DAY * (0.6 + rng.gamma(2.0, 1.1, n))).astype(np.int64)
        ship_t, deliv_t = ship_t // 1000 * 1000, deliv_t // 1000 * 1000
        shipped = ships & (ship_t < self.end)
        delivered = shipped & (deliv_t < self.end)
        has_phone = o.kind != K_NONE
        placed = _PlacedOrders(
            sender=np.full(n, sender.index),
            gday=np.full(n, d),
            t=o.t,
            ids=ids,
            cents=cents,
            status=status,
            refunded=refunded,
            shipped=shipped,
            ship_t=ship_t,
            delivered=delivered,
            deliv_t=deliv_t,
            kind=o.kind,
            cidx=o.cidx,
            pval=o.pval,
            fmt=o.fmt,
            source=o.source,
            campaign=o.campaign,
            path=rng.integers(len(_LANDING_PATHS), size=n),
            no_email=rng.random(n) < 0.03,
        )
        # warm-up orders are not in the file, nor orders after the simulator's clock
        placed = placed.take(np.flatnonzero((o.t >= self.start) & (o.t < self.end)))
        self.orders.append(placed)
        self.buffered_rows += len(placed)

        ev_type, ev_t, ev_o = [], [], []

        def add(mask: np.ndarray, mtype: int, when: np.ndarray) -> None:
            idx = np.flatnonzero(mask & has_phone)
            ev_type.append(np.full(len(idx), mtype))
            ev_t.append(when[idx])
            ev_o.append(idx)

        lat = np.where(o.forced, rng.lognormal(np.log(3000), 0.5, n), _latency(rng, n)).astype(np.int64)
        add((rng.random(n) > 0.006) | o.forced, OC, o.t + lat)
        add(pickup & (status != 1), BOPIS, o.t + rng.uniform(MS_HOUR, 5 * MS_HOUR, n).astype(np.int64))
        add(shipped & (rng.random(n) > 0.01), SC, ship_t + _latency(rng, n))
        su_t = ship_t + ((deliv_t - ship_t) * rng.uniform(0.3, 0.8, n)).astype(np.int64)
        add(shipped & (rng.random(n) < 0.22), SU, su_t)
        ofd_t = np.maximum(
            deliv_t - rng.uniform(2 * MS_HOUR, 9 * MS_HOUR, n).astype(np.int64), ship_t + MS_HOUR
        )
        add(delivered & (rng.random(n) < 0.75), OFD, ofd_t)
        add(delivered & (rng.random(n) > 0.02), DC, deliv_t + _latency(rng, n))
        etype = np.concatenate(ev_type)
        et = np.concatenate(ev_t).astype(np.int64)
        eo = np.concatenate(ev_o)
        inside = et < self.end
        etype, et, eo = etype[inside], et[inside], eo[inside]
        m = len(et)
        sends = _Sends(
            sender=np.full(m, sender.index),
            gday=np.full(m, d),
            mtype=etype,
            t=et,
            kind=o.kind[eo],
            cidx=o.cidx[eo],
            pval=o.pval[eo],
            fmt=o.fmt[eo],
            order_num=ids[eo],
            forced=o.forced[eo] & (etype == OC),
            carrier=ids[eo] % 3,
            deliv_t=np.where(delivered[eo], deliv_t[eo], et + 3 * MS_DAY),
            store=(ids[eo] * 7) % len(_STORES),
            key=_keys(rng, m),
            status=np.zeros(m, dtype=np.int64),
            error=np.zeros(m, dtype=np.int64),
            empty=np.zeros(m, dtype=bool),
        )
        return self._emit(rng, sender, sends)

    def _daily_messages(self, rng: np.random.Generator, sender: SenderStory, d: int, day_start: int) -> None:
        """Loyalty points, payment reminders and renewals: sent in daily batches, not tied to an order."""
        scale = self.opd[sender.index]
        counts = {
            LOYAL: rng.poisson(0.1 * scale),
            PAY: rng.poisson(0.015 * scale),
            MEMB: rng.poisson(0.012 * scale),
        }
        types = np.concatenate([np.full(c, m) for m, c in counts.items()]).astype(np.int64)
        m = len(types)
        t = day_start + 14 * MS_HOUR + (rng.random(m) * 100 * MS_MINUTE).astype(np.int64)
        t = np.where(types == LOYAL, t + 4 * MS_HOUR, t)
        cidx = self._pick_contacts(rng, sender, t)
        z = np.zeros(m, dtype=np.int64)
        sends = _Sends(
            sender=np.full(m, sender.index),
            gday=np.full(m, d),
            mtype=types,
            t=t,
            kind=np.full(m, K_CONTACT),
            cidx=cidx,
            pval=z,
            fmt=rng.integers(4, size=m),
            order_num=np.full(m, -1),
            forced=np.zeros(m, dtype=bool),
            carrier=z,
            deliv_t=t + np.where(types == PAY, 5, 7) * MS_DAY,
            store=z,
            key=_keys(rng, m),
            status=z,
            error=z,
            empty=np.zeros(m, dtype=bool),
        )
        followups = self._emit(rng, sender, sends.take(np.flatnonzero(t < self.end)))
        # Same-day follow-ups are placed with today's orders (queued before the day's queue is read).
        day = (followups.t - self.start) // MS_DAY
        ok = (followups.t < self.end) & (day >= d)
        for one in np.unique(day[ok]):
            self.queues[sender.index].setdefault(int(one), []).append(
                followups.take(np.flatnonzero(ok & (day == one)))
            )

    # -- sends: status and follow-up orders
    def _emit(self, rng: np.random.Generator, sender: SenderStory, s: _Sends) -> _Orders:
        m = len(s)
        if m == 0:
            return _empty_orders()
        status, error = _answer(sender, s)
        # Occasional server errors (the integration retries those seconds later) and empty contents.
        boom = (rng.random(m) < 0.003) & ~s.forced
        empty = (rng.random(m) < 0.0012) & ~s.forced & ~boom
        retry = s.take(np.flatnonzero(boom))
        retry.t = retry.t + rng.uniform(2_000, 45_000, len(retry)).astype(np.int64)
        retry.key = _keys(rng, len(retry))
        retry.status, retry.error = _answer(sender, retry)
        s.status = np.where(boom, 500, np.where(empty & (status == 201), 400, status))
        s.error = np.where(boom, 3, np.where(empty & (error == 0), 4, error))
        s.empty = empty
        all_s = _Sends.concat([s, retry])
        all_s = all_s.take(np.flatnonzero((all_s.t >= self.start) & (all_s.t < self.end)))
        self.sends.append(all_s)
        self.buffered_rows += len(all_s)
        return self._followups(rng, all_s, all_s.status == 201)

    def _followups(self, rng: np.random.Generator, s: _Sends, accepted: np.ndarray) -> _Orders:
        m = len(s)
        click = accepted & (rng.random(m) < _CLICK_P[s.mtype]) & _HAS_LINK_ANY[s.mtype]
        view = accepted & ~click & (rng.random(m) < _VIEW_P)
        delay_click = np.minimum(rng.lognormal(np.log(2 * MS_HOUR), 1.4, m), 7 * MS_DAY)
        delay_view = rng.uniform(30 * MS_MINUTE, 20 * MS_HOUR, m)
        idx = np.flatnonzero(click | view)
        is_click = click[idx]
        t = s.t[idx] + np.where(is_click, delay_click[idx], delay_view[idx]).astype(np.int64)
        k = len(idx)
        return _Orders(
            t=t // 1000 * 1000,
            kind=np.full(k, K_CONTACT),
            cidx=s.cidx[idx],
            pval=np.zeros(k, dtype=np.int64),
            fmt=rng.integers(4, size=k),
            source=np.where(
                is_click, S_SMS_LINK, rng.choice([S_DIRECT, S_DIRECT_URL, S_ORGANIC, S_CPC], size=k)
            ),
            campaign=np.where(is_click, s.mtype[idx], rng.integers(3, size=k)),
            forced=np.zeros(k, dtype=bool),
        )

    # -- tables
    def _per_sender(self, sender_idx: np.ndarray, attr: str, rows: np.ndarray) -> np.ndarray:
        """Look up a per-sender-code array (e.g. phones) for each row's position ``rows``."""
        out = np.zeros(len(rows), dtype=getattr(self.story.senders[0], attr).dtype)
        for sd in self.story.senders:
            sel = sender_idx == sd.index
            out[sel] = getattr(sd, attr)[rows[sel]]
        return out

    def _numbers(self, rows: Any) -> np.ndarray:
        contact = self._per_sender(rows.sender, "phones", np.maximum(rows.cidx, 0))
        return np.where(rows.kind == K_CONTACT, contact, rows.pval)

    def _sends_table(self, s: _Sends) -> pa.Table:
        m = len(s)
        senders = self.story.senders
        phone = _phone_strings(s, self._numbers(s), self.malformed)
        content = pc.if_else(pa.array(s.empty), "", self._content(s))
        order_id = _concat("LR", pc.cast(pa.array(s.order_num), pa.string()))
        keep_order = (s.order_num >= 0) & (_mix(s.key, 2) % np.uint64(100) >= 20)
        order_id = pc.if_else(pa.array(keep_order), order_id, pa.nulls(m, pa.string()))
        send_id = _concat("snd_", _hex(s.key, 16))
        send_id = pc.if_else(
            pa.array(_mix(s.key, 1) % np.uint64(100) >= 4), send_id, pa.nulls(m, pa.string())
        )
        sc_ids = np.array([sd.short_code_id for sd in senders], dtype=np.int32)
        list_ids = np.array([sd.list_id for sd in senders], dtype=np.int32)
        shell_ids = np.stack([sd.shell_ids for sd in senders]).astype(np.int32)
        return pa.table(
            {
                "send_id": send_id,
                "sent_at": pa.array(s.t, pa.int64()).cast(_TS),
                "sender_code_id": pa.array(sc_ids[s.sender]),
                "phone_list_id": pa.array(list_ids[s.sender]),
                "transactional_message_id": pa.array(shell_ids[s.sender, s.mtype]),
                "phone_number": phone,
                "message_content": content,
                "http_status": pa.array(s.status.astype(np.int16)),
                "resource_id": pc.if_else(pa.array(s.status == 201), _uuid(s.key), pa.nulls(m, pa.string())),
                "error_code": pa.array(_ERRORS, pa.string()).take(pa.array(s.error)),
                "order_id": order_id,
            }
        )

    def _content(self, s: _Sends) -> pa.Array:
        m = len(s)
        variant = _mix(s.key, 5)
        n_templates = np.array([len(_TEMPLATES[t]) for t in range(9)], dtype=np.uint64)
        variant = (variant % n_templates[s.mtype]).astype(np.int64)
        first = np.where(
            s.kind == K_CONTACT,
            self._per_sender(s.sender, "first_idx", np.maximum(s.cidx, 0)),
            s.order_num % len(FIRST_NAMES),
        )
        result: list[pa.Array] = []
        positions: list[np.ndarray] = []
        for mtype, templates in _TEMPLATES.items():
            for v, template in enumerate(templates):
                idx = np.flatnonzero((s.mtype == mtype) & (variant == v))
                if not len(idx):
                    continue
                parts: list[Any] = []
                for k, piece in enumerate(_PLACEHOLDER.split(template)):
                    if k % 2 == 0:
                        if piece:
                            parts.append(piece)
                    else:
                        parts.append(self._value(piece, idx, s, first))
                if not any(isinstance(p, pa.Array) for p in parts):
                    result.append(pa.array(["".join(parts)] * len(idx), pa.string()))
                else:
                    result.append(_concat(*parts))
                positions.append(idx)
        if not positions:
            return pa.array([], pa.string())
        pos = np.concatenate(positions)
        inverse = np.empty(m, dtype=np.int64)
        inverse[pos] = np.arange(m)
        return pa.concat_arrays(result).take(pa.array(inverse))

    def _value(self, name: str, idx: np.ndarray, s: _Sends, first: np.ndarray) -> Any:
        """One placeholder's values for the sends at ``idx`` (a pyarrow array, or literal text)."""
        senders = self.story.senders
        sender = s.sender[idx]
        key = s.key[idx]
        if name == "brand":
            return pa.array([sd.brand for sd in senders], pa.string()).take(pa.array(sender))
        if name == "domain":
            return pa.array([sd.domain for sd in senders], pa.string()).take(pa.array(sender))
        order = _concat("LR", pc.cast(pa.array(s.order_num[idx]), pa.string()))
        if name == "first":
            return pa.array(FIRST_NAMES, pa.string()).take(pa.array(first[idx]))
        if name == "order":
            return order
        if name == "order_url":
            return _concat("https://www.", self._value("domain", idx, s, first), "/account/orders/", order)
        if name == "carrier":
            return pa.array(_CARRIERS, pa.string()).take(pa.array(s.carrier[idx]))
        if name == "track_url":
            h = _mix(s.order_num[idx].astype(np.uint64), 7 + self.spec.seed)
            ups = _concat("https://www.ups.com/track?tracknum=1Z", pc.utf8_upper(_hex(h, 16)))
            usps = _concat(
                "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400",
                _digits((h % np.uint64(10**18)).astype(np.int64), 18),
            )
            fedex = _concat(
                "https://www.fedex.com/fedextrack/?trknbr=",
                _digits((h % np.uint64(10**12)).astype(np.int64), 12),
            )
            return pc.choose(pa.array(s.carrier[idx].astype(np.int8)), ups, usps, fedex)
        if name == "date":
            when = s.deliv_t[idx].astype("datetime64[ms]")
            month = when.astype("datetime64[M]")
            day = (when.astype("datetime64[D]") - month).astype(np.int64) + 1
            names = pa.array(_MONTHS, pa.string()).take(pa.array(month.astype(np.int64) % 12))
            return _concat(names, " ", _digits(day, 2))
        if name == "store":
            return pa.array(_STORES, pa.string()).take(pa.array(s.store[idx]))
        if name == "eta":
            return pa.array(_ETAS, pa.string()).take(
                pa.array((_mix(key, 11) % np.uint64(len(_ETAS))).astype(np.int64))
            )
        if name == "amount":
            return _money((_mix(key, 12) % np.uint64(57_500)).astype(np.int64) + 2_500)
        if name == "pts":
            return pc.cast(pa.array((_mix(key, 13) % np.uint64(390)).astype(np.int64) + 10), pa.string())
        if name == "bal":
            return pc.cast(pa.array((_mix(key, 14) % np.uint64(4600)).astype(np.int64) + 400), pa.string())
        return "{" + name + "}"  # a literal brace group such as {curbside available}

    def _orders_table(self, o: _PlacedOrders) -> pa.Table:
        n = len(o)
        domains = pa.array([sd.domain for sd in self.story.senders], pa.string()).take(pa.array(o.sender))
        phone = _phone_strings(o, self._numbers(o), self.malformed)
        phone = pc.if_else(
            pa.array((o.kind == K_NONE) | (o.kind == K_MALFORMED)), pa.nulls(n, pa.string()), phone
        )
        emails = [sd.emails for sd in self.story.senders]
        email = pa.array([""] * n, pa.string()) if n == 0 else None
        if n:
            offsets = np.cumsum([0] + [len(e) for e in emails[:-1]])
            all_emails = pa.concat_arrays(
                [e if isinstance(e, pa.Array) else e.combine_chunks() for e in emails]
            )
            email = all_emails.take(pa.array(offsets[o.sender] + np.maximum(o.cidx, 0)))
        guest = _concat("guest", pc.cast(pa.array(o.ids % 99_991), pa.string()), "@example.com")
        email = pc.if_else(pa.array(o.kind == K_CONTACT), email, guest)
        email = pc.if_else(pa.array(o.no_email), pa.nulls(n, pa.string()), email)
        src, med, camp, cont = _utm(o)
        path = pa.array(_LANDING_PATHS, pa.string()).take(pa.array(o.path))
        base_url = _concat("https://www.", domains, path)
        query = _concat(
            "?utm_source=",
            src,
            "&utm_medium=",
            med,
            "&utm_campaign=",
            _url_quote(camp),
            pc.if_else(pc.is_null(cont), "", _concat("&utm_content=", cont)),
        )
        landing = pc.if_else(pc.is_valid(src), _concat(base_url, query), base_url)
        landing = pc.if_else(pa.array(o.source == S_DIRECT), pa.nulls(n, pa.string()), landing)
        dec = pa.decimal128(18, 2)
        return pa.table(
            {
                "order_id": _concat("LR", pc.cast(pa.array(o.ids), pa.string())),
                "ordered_at": pa.array(o.t, pa.int64()).cast(_TS),
                "order_total": pa.array(o.cents / 100).cast(dec),
                "phone_number": phone,
                "email": email,
                "currency": pa.array(["USD"] * n, pa.string()),
                "status": pa.array(("placed", "cancelled", "refunded"), pa.string()).take(pa.array(o.status)),
                "refunded_total": pa.array(np.maximum(o.refunded, 0) / 100, mask=o.refunded < 0).cast(dec),
                "landing_url": landing,
                "utm_source": src,
                "utm_medium": med,
                "utm_campaign": camp,
                "utm_content": cont,
                "shipped_at": pa.array(o.ship_t, pa.int64(), mask=~o.shipped).cast(_TS),
                "delivered_at": pa.array(o.deliv_t, pa.int64(), mask=~o.delivered).cast(_TS),
            }
        )


def _keys(rng: np.random.Generator, m: int) -> np.ndarray:
    return rng.integers(0, 2**63, size=m, dtype=np.int64).view(np.uint64)


def _mix(key: np.ndarray, salt: int) -> np.ndarray:
    """splitmix64 of ``key ^ salt``: independent pseudo-random uint64 per row and salt."""
    with np.errstate(over="ignore"):
        z = key.astype(np.uint64) ^ np.uint64((salt * 0x9E3779B97F4A7C15) % 2**64)
        z = z + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


# --------------------------------------------------------------------------- sends helpers


_ERRORS = (
    None,
    "ERROR_PHONE_NUMBER_NOT_SUBSCRIBED",
    "ERROR_INVALID_PHONE_NUMBER",
    "ERROR_UNHANDLED_EXCEPTION",
    "ERROR_TRANSACTIONAL_MESSAGE_EMPTY_MESSAGE",
    "ERROR_PHONE_NUMBER_SUSPENDED",
    "ERROR_BANNED_PHONE_NUMBER",
)
_HAS_LINK_ANY = np.array([any("url" in t or "https://" in t for t in _TEMPLATES[m]) for m in range(9)])


def _answer(sender: SenderStory, s: _Sends) -> tuple[np.ndarray, np.ndarray]:
    """What Listrak answers for each send: (http_status, index into _ERRORS)."""
    m = len(s)
    c = np.maximum(s.cidx, 0)
    contact = s.kind == K_CONTACT
    subscribed = contact & (sender.sub_ms[c] <= s.t) & (s.t < sender.unsub_ms[c])
    suspended = contact & sender.suspended[c]
    error = np.full(m, 1)  # not subscribed
    error = np.where(s.kind == K_MALFORMED, 2, error)
    error = np.where(s.kind == K_BANNED, 6, error)
    error = np.where(subscribed, 0, error)
    error = np.where(suspended, 5, error)
    return np.where(error == 0, 201, 400), error


def _latency(rng: np.random.Generator, n: int) -> np.ndarray:
    """Milliseconds from trigger to send: seconds mostly, minutes sometimes, hours rarely."""
    u = rng.random(n)
    lat = rng.lognormal(np.log(3500), 0.8, n)
    lat = np.where(u > 0.955, rng.uniform(60e3, 900e3, n), lat)
    lat = np.where(u > 0.992, rng.uniform(900e3, 3 * MS_HOUR, n), lat)
    lat = np.where(u > 0.998, rng.uniform(3 * MS_HOUR, 30 * MS_HOUR, n), lat)
    return lat.astype(np.int64)


def _concat(*parts: Any) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def _hex(values: np.ndarray, width: int) -> pa.Array:
    """uint64 values as fixed-width lowercase hex strings (vectorised)."""
    shifts = np.arange(width - 1, -1, -1, dtype=np.uint64) * np.uint64(4)
    nibbles = (values[:, None] >> shifts[None, :]) & np.uint64(15)
    chars = _HEX[nibbles.astype(np.int64)]
    return pa.array(np.ascontiguousarray(chars).view(f"S{width}").ravel(), pa.binary()).cast(pa.string())


def _uuid(key: np.ndarray) -> pa.Array:
    """A version-4-style UUID per row, derived from the row's key."""
    a, b = _hex(_mix(key, 3), 16), _hex(_mix(key, 4), 16)
    return _concat(
        pc.utf8_slice_codeunits(a, 0, 8),
        "-",
        pc.utf8_slice_codeunits(a, 8, 12),
        "-4",
        pc.utf8_slice_codeunits(a, 13, 16),
        "-a",
        pc.utf8_slice_codeunits(b, 1, 4),
        "-",
        pc.utf8_slice_codeunits(b, 4, 16),
    )


def _digits(values: np.ndarray, width: int) -> pa.Array:
    return pc.utf8_lpad(pc.cast(pa.array(values, pa.int64()), pa.string()), width, "0")


def _phone_strings(rows: Any, number: np.ndarray, malformed: pa.Array) -> pa.Array:
    """Phones as the merchant's systems write them: four common formats; malformed text as is."""
    if len(rows) == 0:
        return pa.array([], pa.string())
    number = np.where((rows.kind == K_MALFORMED) | (rows.kind == K_NONE), 12155550100, number)
    ten = number - 10_000_000_000
    area, exch, line = (
        _digits(ten // 10_000_000, 3),
        _digits(ten // 10_000 % 1000, 3),
        _digits(ten % 10_000, 4),
    )
    formats = [
        _concat("(", area, ") ", exch, "-", line),
        _concat("+1", area, exch, line),
        _concat(area, ".", exch, ".", line),
        _concat("1", area, exch, line),
    ]
    out = pc.choose(pa.array(rows.fmt.astype(np.int8)), *formats)
    bad = malformed.take(pa.array(np.where(rows.kind == K_MALFORMED, rows.pval, 0)))
    return pc.if_else(pa.array(rows.kind == K_MALFORMED), bad, out)


def _money(cents: np.ndarray) -> pa.Array:
    return _concat(pc.cast(pa.array(cents // 100), pa.string()), ".", _digits(cents % 100, 2))


def _utm(o: _Orders) -> tuple[pa.Array, pa.Array, pa.Array, pa.Array]:
    """utm_source, utm_medium, utm_campaign, utm_content per order from its traffic source."""
    n = len(o)
    src = np.full(n, None, dtype=object)
    med = np.full(n, None, dtype=object)
    camp = np.full(n, None, dtype=object)
    cont = np.full(n, None, dtype=object)

    def put(
        mask: np.ndarray, s: str, m: str, campaigns: tuple[str, ...], contents: tuple[str, ...] | None
    ) -> None:
        if not mask.any():
            return
        src[mask], med[mask] = s, m
        camp[mask] = np.array(campaigns, dtype=object)[o.campaign[mask] % len(campaigns)]
        if contents is not None:
            cont[mask] = np.array(contents, dtype=object)[o.campaign[mask] % len(contents)]

    put(o.source == S_SMS_LINK, "listrak", "sms", SHELL_NAMES, _SMS_CONTENT)
    put(o.source == S_SMS_UNMAPPED, "listrak", "sms", _UNMAPPED_CAMPAIGNS, ("shop_now",))
    put(o.source == S_EMAIL, "listrak", "email", _EMAIL_CAMPAIGNS, ("hero_image", "product_grid"))
    put(o.source == S_CPC, "google", "cpc", _CPC_CAMPAIGNS, None)
    put(o.source == S_SOCIAL, "facebook", "paid_social", _SOCIAL_CAMPAIGNS, ("carousel",))
    # Direct visits and organic search carry no UTM tags.
    return tuple(pa.array(a, pa.string()) for a in (src, med, camp, cont))  # type: ignore[return-value]


def _url_quote(camp: pa.Array) -> pa.Array:
    """Percent-encode campaign names for a URL (a handful of distinct values)."""
    uniques = pc.unique(camp).drop_null().to_pylist()
    if not uniques:
        return pc.if_else(pc.is_null(camp), "", camp)
    mapping = pa.array(uniques, pa.string())
    quoted = pa.array([quote(u, safe="") for u in uniques], pa.string())
    return pc.fill_null(quoted.take(pc.index_in(camp, mapping)), "")


def _empty_sends() -> pa.Table:
    return pa.table(
        {
            "send_id": pa.array([], pa.string()),
            "sent_at": pa.array([], pa.timestamp("ms", tz="UTC")),
            "sender_code_id": pa.array([], pa.int32()),
            "phone_list_id": pa.array([], pa.int32()),
            "transactional_message_id": pa.array([], pa.int32()),
            "phone_number": pa.array([], pa.string()),
            "message_content": pa.array([], pa.string()),
            "http_status": pa.array([], pa.int16()),
            "resource_id": pa.array([], pa.string()),
            "error_code": pa.array([], pa.string()),
            "order_id": pa.array([], pa.string()),
        }
    )


def _empty_orders_table() -> pa.Table:
    return pa.table({c: pa.array([], t) for c, t in _ORDER_TYPES.items()})


_TS = pa.timestamp("ms", tz="UTC")
_ORDER_TYPES = {
    "order_id": pa.string(),
    "ordered_at": _TS,
    "order_total": pa.decimal128(18, 2),
    "phone_number": pa.string(),
    "email": pa.string(),
    "currency": pa.string(),
    "status": pa.string(),
    "refunded_total": pa.decimal128(18, 2),
    "landing_url": pa.string(),
    "utm_source": pa.string(),
    "utm_medium": pa.string(),
    "utm_campaign": pa.string(),
    "utm_content": pa.string(),
    "shipped_at": _TS,
    "delivered_at": _TS,
}


# --------------------------------------------------------------------------- writers


class _Writer:
    """Streams tables to one csv / jsonl / parquet file (gzip optional); the file appears when closed."""

    def __init__(self, path: Path, fmt: str, compress: bool) -> None:
        self.path, self.fmt, self.compress = path, fmt, compress
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        os.close(fd)
        self.tmp = Path(tmp)
        self.rows = 0
        self._sink: Any = None
        self._writer: Any = None
        self._duck: Any = None

    def __enter__(self) -> _Writer:
        return self

    def write(self, table: pa.Table) -> None:
        if table.num_rows == 0 and self._writer is not None:
            return
        if self.fmt == "parquet":
            import pyarrow.parquet as pq

            if self._writer is None:
                self._writer = pq.ParquetWriter(self.tmp, table.schema, compression="zstd")
            self._writer.write_table(table, row_group_size=256_000)
        else:
            table = _as_text_times(table)
            if self._sink is None:
                self._sink = (
                    pa.CompressedOutputStream(str(self.tmp), "gzip")
                    if self.compress
                    else pa.OSFile(str(self.tmp), "wb")
                )
            if self.fmt == "csv":
                import pyarrow.csv as pcsv

                if self._writer is None:
                    self._writer = pcsv.CSVWriter(self._sink, table.schema)
                self._writer.write_table(table)
            else:
                self._sink.write(_jsonl_bytes(self, table))
        self.rows += table.num_rows

    def __exit__(self, exc_type: Any, *exc: Any) -> None:
        try:
            if self._writer is not None:
                self._writer.close()
            if self._sink is not None:
                self._sink.close()
            if self._duck is not None:
                self._duck.close()
        finally:
            if exc_type is None:
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(self.tmp, 0o666 & ~umask)
                os.replace(self.tmp, self.path)
            else:
                self.tmp.unlink(missing_ok=True)


def _as_text_times(table: pa.Table) -> pa.Table:
    """Timestamps as ISO 8601 text with a Z (milliseconds for sends, seconds for orders)."""
    cols = []
    for name, col in zip(table.column_names, table.columns, strict=True):
        if pa.types.is_timestamp(col.type):
            # pc.strftime is slow (microseconds a row); a cast to text is ISO with a space.
            unit = "ms" if name == "sent_at" else "s"
            text = pc.cast(pc.cast(col, pa.timestamp(unit), safe=False), pa.string())
            col = _concat(pc.utf8_replace_slice(text, 10, 11, "T"), pa.scalar("Z"))
        cols.append(col)
    return pa.table(cols, names=table.column_names)


def _jsonl_bytes(writer: _Writer, table: pa.Table) -> bytes:
    """One JSON object per line, written by DuckDB's JSON writer (fast, correct escaping)."""
    import duckdb

    if writer._duck is None:
        writer._duck = duckdb.connect()
    tmp = writer.tmp.with_name(writer.tmp.name + ".part")
    con = writer._duck
    con.register("chunk", table)
    try:
        con.execute(f"COPY (SELECT * FROM chunk) TO '{tmp}' (FORMAT JSON)")
        return tmp.read_bytes()
    finally:
        con.unregister("chunk")
        tmp.unlink(missing_ok=True)
