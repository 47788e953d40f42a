# ruff: noqa: E501  (hand-worked expected rows read best one per line)
"""The hand-made golden dataset: a few sends, orders, opt-outs and contacts with every edge case.

Business time zone America/New_York (EST = UTC-5 in January). Phones: A, B, C, D. Sender code 1 has
list 10 with shells 101 Order Confirmation (OC), 102 Shipping Confirmation (SC), 103 Delivery
Confirmation (DC), 104 Loyalty Points (type "Loyalty Membership Points Earned" via
messages.types, called LP below); sender code 2 has list 20 with shell 201 Payment Due (PD).
Settings: attribution.campaign_map lp_jan -> Loyalty Points; everything else default (30-day
click window, 24-hour view and opt-out windows, utm listrak / sms).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pandas as pd

from lrreport.config import LoadSettings
from lrreport.sqlfiles import read_sql

A, B, C, D = "+15550000001", "+15550000002", "+15550000003", "+15550000004"
LOADED = datetime(2024, 2, 1, tzinfo=UTC)
CONFIG_TOML = """
[messages.types]
"Loyalty Points" = "Loyalty Membership Points Earned"

[attribution.campaign_map]
lp_jan = "Loyalty Points"
"""
OC, SC, DC = "Order Confirmation", "Shipping Confirmation", "Delivery Confirmation"
LP, PD = "Loyalty Membership Points Earned", "Payment Due"


def ts(text: str) -> datetime:
    """A UTC timestamp from 'YYYY-MM-DD HH:MM:SS'."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def d(text: str) -> date:
    return date.fromisoformat(text)


# send_id, sent_at (UTC), sender code, list, shell, phone, content, http status, error, order_id col
SENDS = [
    # 24 h before O1 exactly: outside O1's view window (half-open upper bound).
    ("S00", "2024-01-09 15:00:00", 1, 10, 104, A, "Points: 5", 201, None, None),
    # O1's own confirmation, sent at the very instant of the order; order id only in the content
    # (found by the regex). Never credited with O1.
    ("S01", "2024-01-10 15:00:00", 1, 10, 101, A, "Your order #LR1001 is confirmed.", 201, None, None),
    # A link: "Shipped: " (9) + 22 for the short link = 31 characters.
    ("S02", "2024-01-11 14:00:30", 1, 10, 102, A, "Shipped: https://track.example.com/abc?x=1", 201, None, "LR1001"),
    # Extension characters { } count two septets: 25 characters, 27 septets. S03 failed, S04 retried.
    ("S03", "2024-01-13 18:00:10", 1, 10, 103, A, "Delivered {order #LR1001}", 400,
     "ERROR_PHONE_NUMBER_SUSPENDED", "LR1001"),
    ("S04", "2024-01-13 18:01:00", 1, 10, 103, A, "Delivered {order #LR1001}", 201, None, "LR1001"),
    # 04:30 UTC on Jan 5 is 23:30 EST on Jan 4: dated Jan 4.
    ("S10", "2024-01-05 04:30:00", 1, 10, 104, B, "Points: 10", 201, None, None),
    # Two sends at the same instant: the greatest send_id (S12) wins O2's link credit.
    ("S11", "2024-01-14 12:00:00", 1, 10, 104, B, "Points: 10", 201, None, None),
    ("S12", "2024-01-14 12:00:00", 1, 10, 104, B, "Points: 10", 201, None, None),
    # UCS-2 (an emoji outside the BMP = 2 code units): 25 characters, 26 units, 1 segment.
    ("S13", "2024-01-15 04:30:45", 1, 10, 101, B, "Order #LR1002 confirmed \U0001F600", 201, None, None),
    # Exactly 30 days before O3: outside the click window; one second later: inside.
    ("S20", "2023-12-21 12:00:00", 1, 10, 101, C, "Your order #LR0999 is confirmed.", 201, None, "LR0999"),
    ("S21", "2023-12-21 12:00:01", 1, 10, 101, C, "Your order #LR0998 is confirmed.", 201, None, "LR0998"),
    # 80 euro signs = 160 septets = 1 segment; one more character = 161 septets = 2 segments of 153.
    ("S22", "2024-01-20 12:00:05", 1, 10, 101, C, "\u20ac" * 80, 201, None, "LR1003"),
    ("S23", "2024-01-20 13:00:20", 1, 10, 101, C, "\u20ac" * 80 + "a", 201, None, "LR1004"),
    # 71 Cyrillic letters: UCS-2, 71 units > 70 -> 2 segments of 67.
    ("S30", "2024-01-23 15:00:00", 1, 10, 104, A, "\u0451" * 71, 201, None, None),
    # 160 GSM characters = 1 segment; 161 = 2.
    ("S31", "2024-01-23 10:00:00", 1, 10, 102, A, "x" * 160, 201, None, "LR1001"),
    ("S32", "2024-01-23 15:02:00", 1, 10, 101, A, "x" * 161, 201, None, "LR1007"),
    ("S40", "2024-01-25 11:00:00", 1, 10, 104, B, "Points: 3", 201, None, None),
    # Empty content: 0 characters, GSM-7, 0 segments (and Listrak refused it).
    ("S41", "2024-01-25 12:00:10", 1, 10, 101, B, "", 400, "ERROR_TRANSACTIONAL_MESSAGE_EMPTY_MESSAGE", "LR1008"),
    ("S50", "2024-01-24 12:00:00", 2, 20, 201, A, "Payment due", 201, None, None),
    # Not a phone number: kept with phone NULL.
    ("S51", "2024-01-24 13:00:00", 1, 10, 101, None, "Your order #LR9999 is confirmed.", 400,
     "ERROR_INVALID_PHONE_NUMBER", None),
]

# order_id, ordered_at (UTC), total, phone, status, refunded_total, utm source/medium/campaign,
# shipped_at, delivered_at[, visited_at (UTC)]
ORDERS = [
    ("LR1001", "2024-01-10 15:00:00", "100.00", A, "placed", None, None, None, None,
     "2024-01-11 14:00:00", "2024-01-13 18:00:00"),
    # 23:30 EST on Jan 14; refunded without refunded_total -> fully refunded, net 0.
    ("LR1002", "2024-01-15 04:30:00", "80.00", B, "refunded", None, "listrak", "sms", "lp_jan", None, None),
    # Shipped at 23:59:59 EST on Jan 20 and no shipping message: missed.
    ("LR1003", "2024-01-20 12:00:00", "50.00", C, "placed", None, "listrak", "sms", "order_confirmation",
     "2024-01-21 04:59:59", None),
    ("LR1004", "2024-01-20 13:00:00", "40.00", C, "cancelled", None, "listrak", "sms", "order_confirmation",
     None, None),
    # No phone: credited to the Order Confirmation shell without a send.
    ("LR1005", "2024-01-21 10:00:00", "30.00", None, "placed", None, "listrak", "sms", "Order Confirmation!",
     None, None),
    # Midnight EST exactly; partly refunded (70 - 20 = 50); campaign names no shell -> unmapped.
    ("LR1006", "2024-01-22 05:00:00", "70.00", D, "refunded", "20.00", "listrak", "sms", "spring-sale",
     None, None),
    ("LR1007", "2024-01-23 15:00:00", "60.00", A, "placed", None, None, None, None, None, None),
    # SMS-tagged (case differs), campaign unmapped, but a send within 24 h: post-send wins.
    ("LR1008", "2024-01-25 12:00:00", "25.00", B, "placed", None, "Listrak", "SMS", "spring-sale", None, None),
    # The click window (30 days). Both orders come after the send log ends (S41, Jan 25 12:00:10):
    # their confirmations are not due yet, so they are neither covered nor missed.
    # Tagged lp_jan; B's latest Loyalty Points send S40 (Jan 25 11:00) is 32 days 1 h old and no
    # visit time: outside the click window; no send in the 24 h before: not credited.
    ("LR1009", "2024-02-26 12:00:00", "45.00", B, "placed", None, "listrak", "sms", "lp_jan", None, None),
    # Tagged order_confirmation, visit at 15:30: the click is the visit, 30 min before the order, so
    # it is credited to A's latest OC send before the visit, S32 (Jan 23 15:02), 34 days old.
    ("LR1010", "2024-02-26 16:00:00", "35.00", A, "placed", None, "listrak", "sms", "order_confirmation",
     None, None, "2024-02-26 15:30:00"),
]

# sender code, phone, opt_out_date (naive, read as UTC), reason
OPTOUTS = [
    (1, A, "2024-01-24 14:59:59", "Campaign"),  # 23h58m after S32 (sc 1): credited to S32
    (1, B, "2024-01-26 11:00:00", "API"),  # exactly 24 h after S40: not credited
    (2, A, "2024-01-24 12:00:00", "Campaign"),  # at S50's instant (sc 2): credited to S50
    (1, D, "2024-01-23 04:00:00", "Admin"),  # 23:00 EST Jan 22, no send to D: not credited
]

# sender code, list, phone, subscribe_date
CONTACTS = [
    (1, 10, A, "2024-01-01"),
    (1, 10, B, "2024-01-02"),
    (1, 10, C, "2024-01-02"),
    (1, 10, D, "2024-01-03"),
    (2, 20, A, "2024-01-20"),
]

SHELLS = [
    (1, 10, 101, OC),
    (1, 10, 102, SC),
    (1, 10, 103, DC),
    (1, 10, 104, "Loyalty Points"),
    (2, 20, 201, PD),
]
LISTS = [(1, 10, "Transactional"), (2, 20, "Billing")]


def _meta(n: int, source: str) -> dict[str, list]:
    return {"_load_id": ["golden"] * n, "_loaded_at": [LOADED] * n, "_source_file": [source] * n}


def frames() -> dict[str, pd.DataFrame]:
    """The raw tables' rows, every column present, keyed by raw table name."""
    sends = pd.DataFrame(
        {
            "send_id": [s[0] for s in SENDS],
            "sent_at": [ts(s[1]) for s in SENDS],
            "sender_code_id": [s[2] for s in SENDS],
            "phone_list_id": [s[3] for s in SENDS],
            "transactional_message_id": [s[4] for s in SENDS],
            "phone_number": [s[5] for s in SENDS],
            "phone_raw": [s[5] if s[5] else "12345" for s in SENDS],
            "message_content": [s[6] for s in SENDS],
            "http_status": [s[7] for s in SENDS],
            "resource_id": [f"r-{s[0]}" if s[7] == 201 else None for s in SENDS],
            "error_code": [s[8] for s in SENDS],
            "order_id": [s[9] for s in SENDS],
            "latency_ms": [None] * len(SENDS),
            **_meta(len(SENDS), "sends.csv"),
        }
    )
    orders = pd.DataFrame(
        {
            "order_id": [o[0] for o in ORDERS],
            "ordered_at": [ts(o[1]) for o in ORDERS],
            "order_total": [Decimal(o[2]) for o in ORDERS],
            "phone_number": [o[3] for o in ORDERS],
            "email": [None] * len(ORDERS),
            "currency": ["USD"] * len(ORDERS),
            "status": [o[4] for o in ORDERS],
            "refunded_total": [Decimal(o[5]) if o[5] else None for o in ORDERS],
            "landing_url": [None] * len(ORDERS),
            "utm_source": [o[6] for o in ORDERS],
            "utm_medium": [o[7] for o in ORDERS],
            "utm_campaign": [o[8] for o in ORDERS],
            "utm_content": [None] * len(ORDERS),
            "shipped_at": [ts(o[9]) if o[9] else None for o in ORDERS],
            "delivered_at": [ts(o[10]) if o[10] else None for o in ORDERS],
            "visited_at": [ts(o[11]) if len(o) > 11 else None for o in ORDERS],
            **_meta(len(ORDERS), "orders.csv"),
        }
    )
    optouts = pd.DataFrame(
        {
            "short_code_id": [o[0] for o in OPTOUTS],
            "phone_number": [o[1] for o in OPTOUTS],
            "opt_out_date": [datetime.fromisoformat(o[2]) for o in OPTOUTS],
            "opt_out_reason": [o[3] for o in OPTOUTS],
            **_meta(len(OPTOUTS), "/ShortCode/{id}/OptOut"),
        }
    )
    contacts = pd.DataFrame(
        {
            "short_code_id": [c[0] for c in CONTACTS],
            "phone_list_id": [c[1] for c in CONTACTS],
            "phone_number": [c[2] for c in CONTACTS],  # the extractor stores E.164
            "email_address": [None] * len(CONTACTS),
            "first_name": [None] * len(CONTACTS),
            "last_name": [None] * len(CONTACTS),
            "postal_code": [None] * len(CONTACTS),
            "opted_out": [False] * len(CONTACTS),
            "subscribe_date": [d(c[3]) for c in CONTACTS],
            "window_start": [d(c[3]) for c in CONTACTS],
            "window_end": [d(c[3]) for c in CONTACTS],
            **_meta(len(CONTACTS), "/ShortCode/{id}/PhoneList/{id}/Contact"),
        }
    )
    shells = pd.DataFrame(
        {
            "short_code_id": [s[0] for s in SHELLS],
            "phone_list_id": [s[1] for s in SHELLS],
            "transactional_message_id": [s[2] for s in SHELLS],
            "transactional_message_name": [s[3] for s in SHELLS],
            "transactional_message_status": ["Active"] * len(SHELLS),
            **_meta(len(SHELLS), "/ShortCode/{id}/PhoneList/{id}/TransactionalMessage"),
        }
    )
    lists = pd.DataFrame(
        {
            "short_code_id": [x[0] for x in LISTS],
            "phone_list_id": [x[1] for x in LISTS],
            "phone_list_name": [x[2] for x in LISTS],
            "create_date": [datetime(2023, 1, 1)] * len(LISTS),
            "status": ["Active"] * len(LISTS),
            "sms_list_type": ["Transactional"] * len(LISTS),
            "require_double_opt_in": [False] * len(LISTS),
            "require_age_gate": [False] * len(LISTS),
            **_meta(len(LISTS), "/ShortCode/{id}/PhoneList"),
        }
    )
    return {
        "sends": sends,
        "orders": orders,
        "listrak_optouts": optouts,
        "listrak_contacts": contacts,
        "listrak_transactional_messages": shells,
        "listrak_phone_lists": lists,
    }


def fill(con) -> None:  # noqa: ANN001 - a DuckDB connection with the raw schema in place
    """Insert the golden rows into the raw tables."""
    con.execute(read_sql("load/sms_macros"))
    for table, frame in frames().items():
        con.register("golden_rows", frame)
        if table == "sends":  # what the loader derives once per send: facts, order id from the content
            con.execute(
                "INSERT INTO raw.sends BY NAME SELECT * REPLACE (coalesce(order_id, nullif(regexp_extract("
                "message_content, ?, 1), '')) AS order_id), unnest(lr_sms_facts(message_content)) "
                "FROM golden_rows",
                [LoadSettings().order_id_regex],
            )
        else:
            con.execute(f"INSERT INTO raw.{table} BY NAME SELECT * FROM golden_rows")
        con.unregister("golden_rows")
