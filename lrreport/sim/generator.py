"""A deterministic, seeded synthetic merchant: what Listrak holds for one retailer's SMS program.

``generate_merchant(spec)`` builds the sender codes, lists, message shells, profile fields,
contacts and opt-outs the simulator serves. ``build_story(spec)`` returns the same merchant plus
the arrays ``lrreport.sim.files`` needs to write the merchant's own send log and orders so that both
tell one story (the send log's phones are the list's contacts; some opt-outs follow a send).
Everything is vectorised numpy/pyarrow, so a million contacts still take seconds.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from lrreport.config import DEFAULT_MESSAGE_TYPES
from lrreport.sim.merchant import CONTACT_COLUMNS, OPTOUT_COLUMNS, Merchant

MS_MINUTE = 60_000
MS_HOUR = 3_600_000
MS_DAY = 86_400_000
MS_YEAR = 365 * MS_DAY
NEVER = np.iinfo(np.int64).max  # "not opted out" as an int64 millisecond time

# The nine shells of Listrak's transactional SMS guide, in shell-id order.
SHELL_NAMES: tuple[str, ...] = DEFAULT_MESSAGE_TYPES

OPTOUT_REASONS = (
    "Campaign",
    "DeliveryFailure",
    "PermanentError",
    "Deactivated",
    "Admin",
    "API",
    "Import",
    "Workflow",
)
_OPTOUT_REASON_P = (0.72, 0.07, 0.05, 0.08, 0.03, 0.03, 0.01, 0.01)

# Real US area codes (a spread of large metros); exchanges are checked with phonenumbers once.
_AREA_CODES = (
    201,
    205,
    206,
    212,
    213,
    214,
    215,
    216,
    267,
    281,
    301,
    303,
    305,
    310,
    312,
    313,
    314,
    317,
    323,
    404,
    412,
    415,
    469,
    470,
    480,
    503,
    512,
    602,
    609,
    612,
    614,
    617,
    646,
    678,
    702,
    704,
    713,
    718,
    720,
    727,
    732,
    754,
    773,
    786,
    813,
    817,
    832,
    847,
    858,
    908,
    917,
    919,
    929,
    954,
    972,
    980,
)

FIRST_NAMES = (
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Chris",
    "Karen",
    "Daniel",
    "Lisa",
    "Matthew",
    "Nancy",
    "Anthony",
    "Betty",
    "Mark",
    "Sandra",
    "Steven",
    "Ashley",
    "Andrew",
    "Emily",
    "Joshua",
    "Michelle",
    "Kevin",
    "Amanda",
    "Brian",
    "Melissa",
    "Jose",
    "Stephanie",
    "Maria",
    "Luis",
    "Sofia",
    "Aaliyah",
    "Mateo",
    "Priya",
    "Wei",
    "Fatima",
    "Diego",
    "Chloe",
    "Olivia",
    "Noah",
    "Emma",
    "Liam",
    "Ava",
    "Ethan",
    "Mia",
    "Lucas",
    "Harper",
    "Jamal",
    "Keisha",
    "Hannah",
)
LAST_NAMES = (
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Patel",
    "Kim",
    "Chen",
    "Shah",
    "Okafor",
    "Murphy",
    "Cohen",
    "Reyes",
    "Brooks",
)
EMAIL_DOMAINS = (
    "gmail.com",
    "yahoo.com",
    "icloud.com",
    "outlook.com",
    "hotmail.com",
    "aol.com",
    "comcast.net",
    "proton.me",
)

_BRANDS = (
    ("Larkspur & Reed", "larkspurandreed.com", "47392"),
    ("Larkspur & Reed Outlet", "lroutlet.com", "58214"),
    ("Reed Home", "reedhome.com", "36150"),
    ("Larkspur Kids", "larkspurkids.com", "61877"),
)


@dataclass(frozen=True)
class MerchantSpec:
    """Sizes and seed of a synthetic merchant; the same spec always gives the same merchant and files."""

    seed: int = 7
    end_date: date | None = None  # last day of history; None: today in UTC
    days: int = 60  # days of orders and sends ending at end_date
    contacts: int = 30_000  # contacts on each sender code's transactional list
    orders_per_day: int = 250  # average orders per day across sender codes
    sender_codes: int = 1
    sends: int | None = None  # target size of the send log; overrides orders_per_day when set
    history_years: float = 4.0  # the lists were started this long before end_date
    now: datetime | None = None  # the simulator's clock: no event at or after it; None: the current time

    def __post_init__(self) -> None:
        if self.days < 1:
            raise ValueError("MerchantSpec.days must be at least 1")
        if self.contacts < 100:
            raise ValueError("MerchantSpec.contacts must be at least 100")
        if not 1 <= self.sender_codes <= len(_BRANDS):
            raise ValueError(f"MerchantSpec.sender_codes must be between 1 and {len(_BRANDS)}")
        if self.orders_per_day < 0 or (self.sends is not None and self.sends < 0):
            raise ValueError("MerchantSpec sizes must not be negative")

    def resolved_end_date(self) -> date:
        """``end_date``, or today in UTC when it is not set."""
        return self.end_date or self.clock().date()

    def clock(self) -> datetime:
        """The simulator's "now" (UTC): the history stops there, even on a day it has only begun."""
        return (self.now or datetime.now(UTC)).astimezone(UTC)


def demo_spec(end_date: date | None = None, seed: int = 7) -> MerchantSpec:
    """The default demo merchant: 60 days, ~250 orders a day, 30k contacts (a few seconds to build)."""
    return MerchantSpec(seed=seed, end_date=end_date)


@dataclass
class SenderStory:
    """One sender code's arrays that the file writer needs (transactional list, sorted by subscribe time)."""

    index: int
    short_code_id: int
    list_id: int
    shell_ids: np.ndarray  # int64, in SHELL_NAMES order
    brand: str
    domain: str
    phones: np.ndarray  # int64 11-digit numbers of the transactional list's contacts
    sub_ms: np.ndarray  # int64 subscribe time (ms since epoch, UTC)
    unsub_ms: np.ndarray  # int64 opt-out time, NEVER when subscribed
    suspended: np.ndarray  # bool
    first_idx: np.ndarray  # int index into FIRST_NAMES
    emails: pa.Array  # string
    outsiders: np.ndarray  # int64 valid phones on no list of this sender code
    banned: np.ndarray  # int64
    anchor_idx: np.ndarray  # contact positions whose STOP follows an order confirmation
    anchor_optout_ms: np.ndarray  # int64 opt-out times of those contacts
    anchor_order_ms: np.ndarray  # int64 times of the orders placed just before those opt-outs


@dataclass
class Story:
    """The merchant plus the per-sender-code arrays its files are derived from."""

    spec: MerchantSpec
    merchant: Merchant
    senders: list[SenderStory]
    window_start_ms: int
    window_end_ms: int  # exclusive: midnight UTC after end_date, or the clock when that is earlier
    malformed: tuple[str, ...] = field(default=())


def generate_merchant(spec: MerchantSpec) -> Merchant:
    """The deterministic synthetic merchant for ``spec`` (same seed and end_date, same merchant)."""
    return build_story(spec).merchant


def build_story(spec: MerchantSpec) -> Story:
    """Build the merchant and the arrays the file writer shares with it."""
    end = spec.resolved_end_date()
    history_end_ms = _ms(datetime(end.year, end.month, end.day, tzinfo=UTC)) + MS_DAY
    window_start_ms = history_end_ms - spec.days * MS_DAY
    # Nothing lies after the clock (a history ending today stops now); the shape of the history is
    # drawn up to midnight all the same, so a spec's merchant does not shift with the time of day.
    window_end_ms = min(history_end_ms, _ms(spec.clock()))
    sender_codes: list[dict[str, Any]] = []
    phone_lists: dict[int, list[dict[str, Any]]] = {}
    shells: dict[tuple[int, int], list[dict[str, Any]]] = {}
    profile_fields: dict[int, list[dict[str, Any]]] = {}
    contact_frames: list[pa.Table] = []
    optout_frames: list[pa.Table] = []
    suspended: set[str] = set()
    banned: set[str] = set()
    senders: list[SenderStory] = []
    for i in range(spec.sender_codes):
        sc, lists, sc_shells, fields_, contacts, optouts, story = _sender_code(
            spec, i, window_start_ms, history_end_ms, window_end_ms
        )
        sender_codes.append(sc)
        phone_lists[sc["shortCodeId"]] = lists
        shells.update(sc_shells)
        profile_fields[sc["shortCodeId"]] = fields_
        contact_frames.append(contacts)
        optout_frames.append(optouts)
        suspended.update(str(p) for p in story.phones[story.suspended])
        banned.update(str(p) for p in story.banned)
        senders.append(story)
    merchant = Merchant(
        sender_codes=sender_codes,
        phone_lists=phone_lists,
        shells=shells,
        profile_fields=profile_fields,
        contacts=_to_pandas(pa.concat_tables(contact_frames), CONTACT_COLUMNS),
        optouts=_to_pandas(pa.concat_tables(optout_frames), OPTOUT_COLUMNS),
        suspended_phones=suspended,
        banned_phones=banned,
    )
    return Story(spec, merchant, senders, window_start_ms, window_end_ms, malformed_phones(spec.seed))


# --------------------------------------------------------------------------- dimensions


def _ms(dt: datetime) -> int:
    return int(dt.timestamp() * 1000)


def _iso_s(ms: int) -> str:
    """Listrak's timestamp style: ``YYYY-MM-DDTHH:MM:SS`` in UTC without an offset."""
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _sender_code_record(i: int) -> dict[str, Any]:
    brand, _domain, code = _BRANDS[i]
    base = 100 * i
    return {
        "shortCodeId": 1001 + i,
        "code": code,
        "country": "US",
        "merchantName": brand,
        "emailListId": 334455 + i,
        "emailListName": f"{brand} Newsletter",
        "externalEventId": 7201 + base,
        "externalEventName": "SMS Subscribe",
        "phoneNumberSegmentationFieldGroupId": 9101 + base,
        "phoneNumberSegmentationFieldGroupName": "SMS",
        "phoneNumberSegmentationFieldId": 9102 + base,
        "phoneNumberSegmentationFieldName": "Phone Number",
        "acquisitionSourceSegmentationFieldGroupId": 9101 + base,
        "acquisitionSourceSegmentationFieldGroupName": "SMS",
        "acquisitionSourceSegmentationFieldId": 9103 + base,
        "acquisitionSourceSegmentationFieldName": "Acquisition Source",
    }


def _phone_list(
    list_id: int, name: str, created_ms: int, status: str, list_type: str, double_opt_in: bool
) -> dict[str, Any]:
    return {
        "phoneListId": list_id,
        "phoneListName": name,
        "createDate": _iso_s(created_ms),
        "status": status,
        "smsListType": list_type,
        "messageLimit": 0,
        "messageLimitTimeFrame": "None",
        "requireDoubleOptIn": double_opt_in,
        "requireAgeGate": False,
    }


def _profile_fields(i: int) -> list[dict[str, Any]]:
    base = 8801 + 100 * i
    rows = (
        ("Preferred Store", "Text", 100),
        ("Loyalty Tier", "Text", 20),
        ("Loyalty Points", "Number", None),
        ("Marketing Consent", "Checkbox", None),
        ("Last Order Date", "Date", None),
    )
    return [
        {
            "segmentationFieldId": base + k,
            "segmentationFieldName": name,
            "dataType": dtype,
            "maxLength": max_len,
            "statusFlag": "Active",
        }
        for k, (name, dtype, max_len) in enumerate(rows)
    ]


# --------------------------------------------------------------------------- phones


@functools.lru_cache(maxsize=1)
def _valid_prefixes() -> np.ndarray:
    """Seven-digit US prefixes (area code, exchange, first line digit) that phonenumbers accepts.

    Validity of US numbers is decided by their leading digits, so checking one number per prefix
    covers every number built from it (the tests check every phone). Fixed seed: the pool never changes.
    """
    import phonenumbers

    rng = np.random.default_rng(20240501)
    out: list[int] = []
    for area in _AREA_CODES:
        exchanges = rng.choice(np.arange(200, 1000), size=10, replace=False)
        for exch in exchanges:
            if exch % 100 == 11 or exch in (555, 950, 958, 959, 976):
                continue
            for digit in range(10):
                prefix = area * 10_000 + int(exch) * 10 + digit
                if phonenumbers.is_valid_number(phonenumbers.parse(f"+1{prefix}500", None)):
                    out.append(prefix)
    return np.array(sorted(out), dtype=np.int64)


def _draw_phones(rng: np.random.Generator, n: int, exclude: np.ndarray | None = None) -> np.ndarray:
    """``n`` distinct valid 11-digit US numbers (leading 1), none in ``exclude``."""
    prefixes = _valid_prefixes()
    got = np.empty(0, dtype=np.int64)
    while len(got) < n:
        k = int((n - len(got)) * 1.05) + 16
        cand = (
            10_000_000_000 + prefixes[rng.integers(len(prefixes), size=k)] * 1000 + rng.integers(1000, size=k)
        )
        cand = np.concatenate([got, cand])
        _, first = np.unique(cand, return_index=True)
        cand = cand[np.sort(first)]
        if exclude is not None and len(exclude):
            cand = cand[~np.isin(cand, exclude)]
        got = cand
    return got[:n]


def malformed_phones(seed: int) -> tuple[str, ...]:
    """Strings a checkout form lets through that are not phone numbers (ERROR_INVALID_PHONE_NUMBER)."""
    rng = np.random.default_rng([seed, 99])
    out = []
    for k in range(40):
        a, e, line = int(rng.integers(201, 990)), int(rng.integers(200, 999)), int(rng.integers(0, 10000))
        kind = k % 5
        if kind == 0:
            out.append(f"{a}-{e}-{line // 10:03d}")  # a digit short
        elif kind == 1:
            out.append(f"{e}-{line:04d}")  # no area code
        elif kind == 2:
            out.append(f"+1 ({a}) {e}-{line:04d}{k % 10}")  # a digit too many
        elif kind == 3:
            out.append(f"123{e}{line:04d}")  # area code 123 does not exist
        else:
            out.append(f"({a}) {e}-{line // 100:02d}")
    return tuple(out)


# --------------------------------------------------------------------------- contacts


def _concat(*parts: Any) -> pa.Array:
    """Element-wise string concatenation of pyarrow arrays and Python string constants."""
    return pc.binary_join_element_wise(*parts, "")


def _strs(values: tuple[str, ...], idx: np.ndarray) -> pa.Array:
    return pa.array(values, pa.string()).take(pa.array(idx))


def _sender_code(
    spec: MerchantSpec, i: int, window_start_ms: int, history_end_ms: int, clock_ms: int
) -> tuple[Any, ...]:
    rng = np.random.default_rng([spec.seed, 1, i])
    sc = _sender_code_record(i)
    sc_id = sc["shortCodeId"]
    brand, domain, _ = _BRANDS[i]
    end = history_end_ms  # the history's shape; every event is before clock_ms
    start = end - int(spec.history_years * MS_YEAR)
    list_ids = [2101 + 10 * i + k for k in range(4)]  # transactional, marketing, test, inactive
    promo_start = start + int(0.45 * (end - start))
    lists = [
        _phone_list(
            list_ids[0], f"{brand} Order Updates", start - 12 * MS_DAY, "Active", "Transactional", False
        ),
        _phone_list(list_ids[1], f"{brand} Offers & News", start - 12 * MS_DAY, "Active", "Marketing", True),
        _phone_list(list_ids[2], f"{brand} Internal Test", start - 11 * MS_DAY, "Active", "Test", False),
        _phone_list(
            list_ids[3],
            f"{brand} Holiday Sweepstakes",
            promo_start - 5 * MS_DAY,
            "Inactive",
            "Marketing",
            False,
        ),
    ]
    shell_ids = np.array([5001 + 100 * i + k for k in range(len(SHELL_NAMES))], dtype=np.int64)
    shells = {(sc_id, lid): [] for lid in list_ids}
    shells[(sc_id, list_ids[0])] = [
        {
            "transactionalMessageId": int(mid),
            "transactionalMessageName": name,
            "transactionalMessageStatus": "Active",
        }
        for mid, name in zip(shell_ids, SHELL_NAMES, strict=True)
    ]

    # People: the transactional list's contacts first, then marketing-only ones, then pending ones.
    n_tx = spec.contacts
    n_mkt_only = spec.contacts // 4
    n_pending = max(3, spec.contacts // 60)
    n = n_tx + n_mkt_only + n_pending
    phones = _draw_phones(rng, n)
    # Growth: subscribe-time density rises over the years (u ** (1/2.2)).
    base_sub = start + ((end - start) * rng.random(n) ** (1 / 2.2)).astype(np.int64)
    base_sub[n - n_pending :] = end - (rng.random(n_pending) * 40 * MS_DAY).astype(np.int64)
    base_sub = np.minimum(base_sub, clock_ms - MS_MINUTE) // 1000 * 1000  # Listrak keeps whole seconds
    # Opt-outs: a steady hazard (mean 14 years) plus some who stop within days of joining.
    tto = rng.exponential(14 * MS_YEAR, n)
    quick = rng.random(n) < 0.03
    tto[quick] = rng.exponential(2 * MS_DAY, quick.sum())
    opt_ms = (base_sub + tto.astype(np.int64) + MS_MINUTE) // 1000 * 1000
    opted = opt_ms < clock_ms
    opted[n - n_pending :] = False
    opt_ms = np.where(opted, opt_ms, NEVER)
    reason = rng.choice(len(OPTOUT_REASONS), size=n, p=_OPTOUT_REASON_P)
    suspended = np.zeros(n, dtype=bool)
    susp_pick = np.flatnonzero(~opted[:n_tx])
    susp_pick = susp_pick[rng.random(len(susp_pick)) < 0.002]
    suspended[susp_pick] = True

    first_idx = rng.integers(len(FIRST_NAMES), size=n)
    last_idx = rng.integers(len(LAST_NAMES), size=n)
    first = _strs(FIRST_NAMES, first_idx)
    last = _strs(LAST_NAMES, last_idx)
    num = rng.integers(1, 999, size=n)
    num_s = pc.if_else(pa.array(rng.random(n) < 0.6), pc.cast(pa.array(num), pa.string()), "")
    emails = _concat(
        pc.utf8_lower(first),
        ".",
        pc.utf8_lower(last),
        num_s,
        "@",
        _strs(EMAIL_DOMAINS, rng.integers(len(EMAIL_DOMAINS), size=n)),
    )
    postal = pc.utf8_lpad(pc.cast(pa.array(rng.integers(1001, 99951, size=n)), pa.string()), 5, "0")
    has_bday = rng.random(n) < 0.55
    bday_days = rng.integers(-5478, 13149, size=n)  # 1955-01-01 .. 2005-12-31 in days since epoch
    bday = np.where(has_bday, bday_days, np.iinfo(np.int64).min)

    # Memberships (person index, list position, subscribe time).
    members: list[tuple[np.ndarray, int, np.ndarray]] = []
    tx = np.arange(n_tx)
    members.append((tx, 0, base_sub[:n_tx]))
    mkt_of_tx = tx[rng.random(n_tx) < 0.55]
    later = base_sub[mkt_of_tx] + rng.exponential(45 * MS_DAY, len(mkt_of_tx)).astype(np.int64)
    cap = np.minimum(opt_ms[mkt_of_tx], clock_ms) - MS_MINUTE
    between = base_sub[mkt_of_tx] + ((cap - base_sub[mkt_of_tx]) * rng.random(len(mkt_of_tx))).astype(
        np.int64
    )
    mkt_sub = np.where(later < cap, later, np.maximum(between, base_sub[mkt_of_tx])) // 1000 * 1000
    others = np.arange(n_tx, n)
    members.append((np.concatenate([mkt_of_tx, others]), 1, np.concatenate([mkt_sub, base_sub[others]])))
    testers = np.flatnonzero(~opted[:n_tx] & ~suspended[:n_tx] & (base_sub[:n_tx] < window_start_ms))[:6]
    members.append((testers, 2, base_sub[testers]))
    sweep = np.flatnonzero(
        (rng.random(n) < 0.03) & (base_sub < promo_start + 50 * MS_DAY) & (opt_ms > promo_start + 50 * MS_DAY)
    )
    sweep = sweep[sweep < n - n_pending]
    sweep_sub = np.maximum(base_sub[sweep], promo_start) + (rng.random(len(sweep)) * 50 * MS_DAY).astype(
        np.int64
    )
    # a short history can put the promotion's end after end_date: nobody subscribes in the future
    sweep_sub = np.minimum(np.minimum(sweep_sub, opt_ms[sweep] - MS_MINUTE), clock_ms - MS_MINUTE)
    sweep_sub = sweep_sub // 1000 * 1000
    members.append((sweep, 3, sweep_sub))

    pending = np.zeros(n, dtype=bool)
    pending[n - n_pending :] = True
    contact_tables = []
    for people, pos, sub in members:
        unsub = opt_ms[people]
        opted_m = unsub < clock_ms
        pend = pending[people] & (pos == 1)
        contact_tables.append(
            pa.table(
                {
                    "short_code_id": pa.array(np.full(len(people), sc_id, dtype=np.int64)),
                    "phone_list_id": pa.array(np.full(len(people), list_ids[pos], dtype=np.int64)),
                    "phone_number": pc.cast(pa.array(phones[people]), pa.string()),
                    "email_address": emails.take(pa.array(people)),
                    "first_name": first.take(pa.array(people)),
                    "last_name": last.take(pa.array(people)),
                    "postal_code": postal.take(pa.array(people)),
                    "birthday": _ts(bday[people] * MS_DAY, bday[people] == np.iinfo(np.int64).min),
                    "subscribe_date": _ts(sub, np.zeros(len(people), dtype=bool)),
                    "unsubscribe_date": _ts(unsub, ~opted_m),
                    "opted_out": pa.array(opted_m),
                    "pending_double_opt_in": pa.array(pend),
                    "pending_age_gate": pa.array(np.zeros(len(people), dtype=bool)),
                    "pending_date": _ts(sub, ~pend),
                }
            )
        )
    contacts = pa.concat_tables(contact_tables)

    who = np.flatnonzero(opted)
    who = who[np.argsort(opt_ms[who], kind="stable")]
    optouts = pa.table(
        {
            "short_code_id": pa.array(np.full(len(who), sc_id, dtype=np.int64)),
            "phone_number": pc.cast(pa.array(phones[who]), pa.string()),
            "opt_out_date": _ts(opt_ms[who], np.zeros(len(who), dtype=bool)),
            "opt_out_reason": _strs(OPTOUT_REASONS, reason[who]),
        }
    )

    # Opt-outs that follow a send: in-window STOPs of transactional contacts whose order confirmation
    # came minutes to hours earlier (the file writer places an order just before each).
    cand = np.flatnonzero(
        opted[:n_tx] & (reason[:n_tx] == 0) & ~suspended[:n_tx] & (opt_ms[:n_tx] >= window_start_ms + MS_DAY)
    )
    lead = np.exp(rng.uniform(np.log(10 * MS_MINUTE), np.log(20 * MS_HOUR), len(cand))).astype(np.int64)
    keep = (rng.random(len(cand)) < 0.65) & (base_sub[cand] < opt_ms[cand] - lead - MS_HOUR)
    anchor_people = cand[keep]
    anchor_opt = opt_ms[anchor_people]
    anchor_order = (anchor_opt - lead[keep]) // 1000 * 1000

    # The file writer works on the transactional list sorted by subscribe time.
    order = np.argsort(base_sub[:n_tx], kind="stable")
    pos_of = np.empty(n_tx, dtype=np.int64)
    pos_of[order] = np.arange(n_tx)
    outsiders = _draw_phones(rng, max(50, n_tx // 8), exclude=phones)
    banned_phones = outsiders[:12]
    story = SenderStory(
        index=i,
        short_code_id=sc_id,
        list_id=list_ids[0],
        shell_ids=shell_ids,
        brand=brand,
        domain=domain,
        phones=phones[:n_tx][order],
        sub_ms=base_sub[:n_tx][order],
        unsub_ms=opt_ms[:n_tx][order],
        suspended=suspended[:n_tx][order],
        first_idx=first_idx[:n_tx][order],
        emails=emails.slice(0, n_tx).take(pa.array(order)),
        outsiders=outsiders[12:],
        banned=banned_phones,
        anchor_idx=pos_of[anchor_people],
        anchor_optout_ms=anchor_opt,
        anchor_order_ms=anchor_order,
    )
    return sc, lists, shells, _profile_fields(i), contacts, optouts, story


def _ts(ms: np.ndarray, null: np.ndarray) -> pa.Array:
    """int64 milliseconds -> naive timestamp[ns] array (Listrak dates carry no offset)."""
    values = np.where(null, 0, ms).astype("datetime64[ms]").astype("datetime64[ns]")
    return pa.array(values, type=pa.timestamp("ns"), mask=null)


def _to_pandas(table: pa.Table, columns: tuple[str, ...]) -> pd.DataFrame:
    df = table.select(list(columns)).to_pandas()
    for col in columns:
        if pa.types.is_timestamp(table.schema.field(col).type):
            df[col] = df[col].astype("datetime64[ns]")
    return df
