# ruff: noqa: E501  (hand-worked expected rows read best one per line)
"""Every mart value on the golden dataset (tests/models/golden_data.py), worked out by hand.

Dates are business dates in America/New_York (UTC-5 in January); OC/SC/DC/LP/PD are the message
types named in golden_data. Each expected row carries the reasoning in a comment.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.models.golden_data import DC, LP, OC, PD, SC, A, B, C, D, ts


def rows(con, sql: str) -> list[tuple]:  # noqa: ANN001
    return con.execute(sql).fetchall()


def day(text: str) -> date:
    return date.fromisoformat(text)


def test_dim_messages(golden_con) -> None:  # noqa: ANN001
    # Five shells from Listrak; Loyalty Points typed via messages.types; triggers by default for
    # OC / SC / DC only.
    assert rows(golden_con, "SELECT * FROM marts.dim_messages ORDER BY ALL") == [
        (1, 10, "Transactional", 101, OC, OC, "ordered_at", "Active", True),
        (1, 10, "Transactional", 102, SC, SC, "shipped_at", "Active", True),
        (1, 10, "Transactional", 103, DC, DC, "delivered_at", "Active", True),
        (1, 10, "Transactional", 104, "Loyalty Points", LP, None, "Active", True),
        (2, 20, "Billing", 201, PD, PD, None, "Active", True),
    ]


def test_fct_sends(golden_con) -> None:  # noqa: ANN001
    got = rows(
        golden_con,
        """SELECT send_id, sent_date, sent_hour, sent_isodow, sender_code_id, phone_list_id,
                  transactional_message_id, message_type, phone_number, accepted, http_status,
                  error_code, order_id, characters, encoding, segment_units, segments, has_link,
                  later_opted_out, optout_credited
           FROM marts.fct_sends ORDER BY send_id""",
    )
    # later_opted_out: A opted out of sender code 1 at 2024-01-24 14:59:59Z (all of A's sc-1 sends
    # are before), B of sc 1 at 2024-01-26 11:00Z (all of B's), A of sc 2 at S50's instant; C and
    # D (no sends) never. optout_credited: S32 (latest sc-1 send to A within 24 h of A's opt-out)
    # and S50 (sc 2, opt-out at its very instant).
    assert got == [
        # 10:00 EST Tuesday; "Points: 5" = 9 GSM characters.
        ("S00", day("2024-01-09"), 10, 2, 1, 10, 104, LP, A, True, 201, None, None, 9, "GSM-7", 9, 1, False,
         True, False),
        # order id found in the content by the regex; 32 characters.
        ("S01", day("2024-01-10"), 10, 3, 1, 10, 101, OC, A, True, 201, None, "LR1001", 32, "GSM-7", 32, 1,
         False, True, False),
        # "Shipped: " (9) + link as 22 = 31 characters; has a link.
        ("S02", day("2024-01-11"), 9, 4, 1, 10, 102, SC, A, True, 201, None, "LR1001", 31, "GSM-7", 31, 1,
         True, True, False),
        # { and } are extension characters: 25 characters, 27 septets; refused by Listrak.
        ("S03", day("2024-01-13"), 13, 6, 1, 10, 103, DC, A, False, 400, "ERROR_PHONE_NUMBER_SUSPENDED",
         "LR1001", 25, "GSM-7", 27, 1, False, True, False),
        ("S04", day("2024-01-13"), 13, 6, 1, 10, 103, DC, A, True, 201, None, "LR1001", 25, "GSM-7", 27, 1,
         False, True, False),
        # 04:30Z on Jan 5 = 23:30 EST on Thursday Jan 4.
        ("S10", day("2024-01-04"), 23, 4, 1, 10, 104, LP, B, True, 201, None, None, 10, "GSM-7", 10, 1, False,
         True, False),
        ("S11", day("2024-01-14"), 7, 7, 1, 10, 104, LP, B, True, 201, None, None, 10, "GSM-7", 10, 1, False,
         True, False),
        ("S12", day("2024-01-14"), 7, 7, 1, 10, 104, LP, B, True, 201, None, None, 10, "GSM-7", 10, 1, False,
         True, False),
        # UCS-2: 24 BMP characters + one emoji (2 code units) = 25 characters, 26 units, 1 segment;
        # 23:30:45 EST Sunday Jan 14.
        ("S13", day("2024-01-14"), 23, 7, 1, 10, 101, OC, B, True, 201, None, "LR1002", 25, "UCS-2", 26, 1,
         False, True, False),
        ("S20", day("2023-12-21"), 7, 4, 1, 10, 101, OC, C, True, 201, None, "LR0999", 32, "GSM-7", 32, 1,
         False, False, False),
        ("S21", day("2023-12-21"), 7, 4, 1, 10, 101, OC, C, True, 201, None, "LR0998", 32, "GSM-7", 32, 1,
         False, False, False),
        # 80 x EUR sign (extension) = 160 septets: exactly one segment.
        ("S22", day("2024-01-20"), 7, 6, 1, 10, 101, OC, C, True, 201, None, "LR1003", 80, "GSM-7", 160, 1,
         False, False, False),
        # 161 septets: ceil(161 / 153) = 2 segments.
        ("S23", day("2024-01-20"), 8, 6, 1, 10, 101, OC, C, True, 201, None, "LR1004", 81, "GSM-7", 161, 2,
         False, False, False),
        # 71 Cyrillic letters: UCS-2, 71 > 70 units -> ceil(71 / 67) = 2 segments.
        ("S30", day("2024-01-23"), 10, 2, 1, 10, 104, LP, A, True, 201, None, None, 71, "UCS-2", 71, 2, False,
         True, False),
        # 160 GSM characters: 1 segment; 161: 2.
        ("S31", day("2024-01-23"), 5, 2, 1, 10, 102, SC, A, True, 201, None, "LR1001", 160, "GSM-7", 160, 1,
         False, True, False),
        ("S32", day("2024-01-23"), 10, 2, 1, 10, 101, OC, A, True, 201, None, "LR1007", 161, "GSM-7", 161, 2,
         False, True, True),
        ("S40", day("2024-01-25"), 6, 4, 1, 10, 104, LP, B, True, 201, None, None, 9, "GSM-7", 9, 1, False,
         True, False),
        # Empty content: 0 characters, GSM-7, 0 segments.
        ("S41", day("2024-01-25"), 7, 4, 1, 10, 101, OC, B, False, 400,
         "ERROR_TRANSACTIONAL_MESSAGE_EMPTY_MESSAGE", "LR1008", 0, "GSM-7", 0, 0, False, True, False),
        ("S50", day("2024-01-24"), 7, 3, 2, 20, 201, PD, A, True, 201, None, None, 11, "GSM-7", 11, 1, False,
         True, True),
        # Not a phone number: phone NULL, never "later opted out"; order id from the content.
        ("S51", day("2024-01-24"), 8, 3, 1, 10, 101, OC, None, False, 400, "ERROR_INVALID_PHONE_NUMBER",
         "LR9999", 32, "GSM-7", 32, 1, False, False, False),
    ]
    # The rest of the columns come straight from the raw rows; the phone as written and Listrak's
    # resource id stay in the staged send log.
    assert rows(
        golden_con,
        "SELECT count(*) FROM marts.fct_sends AS f JOIN raw.sends AS r USING (send_id) "
        "JOIN staging.stg_sends AS s USING (send_id) "
        "WHERE f.sent_at = r.sent_at AND f.segments = r.segments AND f.has_link = r.has_link "
        "AND s.resource_id IS NOT DISTINCT FROM r.resource_id AND s.phone_raw = r.phone_raw "
        "AND f.latency_ms IS NULL "
        "AND f.message_name = CASE f.transactional_message_id WHEN 104 THEN 'Loyalty Points' "
        "ELSE f.message_type END",
    ) == [(20,)]


def test_fct_order_attribution(golden_con) -> None:  # noqa: ANN001
    got = rows(
        golden_con,
        """SELECT order_id, ordered_at, order_date, status, phone_number, currency, net_revenue, rule,
                  send_id, sender_code_id, phone_list_id, transactional_message_id, message_name,
                  message_type, sent_at, utm_campaign
           FROM marts.fct_order_attribution ORDER BY order_id""",
    )
    assert got == [
        # LR1001 (not SMS-tagged): S01 is about LR1001 itself (never credited although sent at the
        # order's instant) and S00 is exactly 24 h before (outside the half-open view window): no row.
        # LR1002: campaign lp_jan -> Loyalty Points via campaign_map; S11 and S12 tie at
        # 2024-01-14 12:00Z -> greatest send_id S12 (S10 is earlier). Refunded without a
        # refunded_total: net 0. 23:30 EST -> dated Jan 14.
        ("LR1002", ts("2024-01-15 04:30:00"), day("2024-01-14"), "refunded", B, "USD", Decimal("0.00"), "link",
         "S12", 1, 10, 104, "Loyalty Points", LP, ts("2024-01-14 12:00:00"), "lp_jan"),
        # LR1003: "order_confirmation" matches the OC shell ignoring case/punctuation; S20 is exactly
        # 30 days before (excluded), S21 one second later (included) -> S21.
        ("LR1003", ts("2024-01-20 12:00:00"), day("2024-01-20"), "placed", C, "USD", Decimal("50.00"), "link",
         "S21", 1, 10, 101, OC, OC, ts("2023-12-21 12:00:01"), "order_confirmation"),
        # LR1004 is cancelled: no row. LR1005 has no phone: credited to the OC shell without a send.
        ("LR1005", ts("2024-01-21 10:00:00"), day("2024-01-21"), "placed", None, "USD", Decimal("30.00"), "link",
         None, 1, 10, 101, OC, OC, None, "Order Confirmation!"),
        # LR1006: "spring-sale" names no shell and D got no send: unmapped at net 70 - 20 = 50;
        # 05:00Z = midnight EST -> Jan 22.
        ("LR1006", ts("2024-01-22 05:00:00"), day("2024-01-22"), "refunded", D, "USD", Decimal("50.00"),
         "unmapped", None, None, None, None, None, None, None, "spring-sale"),
        # LR1007 (untagged): S30 at the order's instant (included) is later than S31 (05:00 EST).
        ("LR1007", ts("2024-01-23 15:00:00"), day("2024-01-23"), "placed", A, "USD", Decimal("60.00"),
         "post_send", "S30", 1, 10, 104, "Loyalty Points", LP, ts("2024-01-23 15:00:00"), None),
        # LR1008: tagged (Listrak / SMS, case ignored) but unmapped campaign; S40 one hour before
        # -> post-send takes precedence over unmapped.
        ("LR1008", ts("2024-01-25 12:00:00"), day("2024-01-25"), "placed", B, "USD", Decimal("25.00"),
         "post_send", "S40", 1, 10, 104, "Loyalty Points", LP, ts("2024-01-25 11:00:00"), "spring-sale"),
        # LR1009: lp_jan -> Loyalty Points; B's latest LP send S40 (Jan 25 11:00Z) is 32 days 1 h before
        # the order (> 30-day click window) and no visit dates the click: outside the click window,
        # named with S40 but not credited; no send to B in the 24 h before, so no post-send either.
        ("LR1009", ts("2024-02-26 12:00:00"), day("2024-02-26"), "placed", B, "USD", Decimal("45.00"),
         "outside_click_window", "S40", 1, 10, 104, "Loyalty Points", LP, ts("2024-01-25 11:00:00"), "lp_jan"),
        # LR1010: the visit (15:30Z) is the click, 30 min before the order: credited by link to A's latest
        # OC send at or before the visit, S32 (Jan 23 15:02Z), although S32 is 34 days old.
        ("LR1010", ts("2024-02-26 16:00:00"), day("2024-02-26"), "placed", A, "USD", Decimal("35.00"), "link",
         "S32", 1, 10, 101, OC, OC, ts("2024-01-23 15:02:00"), "order_confirmation"),
    ]


def test_fct_orders(golden_con) -> None:  # noqa: ANN001
    got = rows(
        golden_con,
        """SELECT order_id, order_date, status, phone_number, has_phone, currency, order_total,
                  refunded_total, net_revenue, utm_source, utm_medium, utm_campaign, is_sms_tagged,
                  attribution_rule
           FROM marts.fct_orders ORDER BY order_id""",
    )
    m = Decimal
    assert got == [
        ("LR1001", day("2024-01-10"), "placed", A, True, "USD", m("100.00"), None, m("100.00"), None, None, None,
         False, None),
        ("LR1002", day("2024-01-14"), "refunded", B, True, "USD", m("80.00"), None, m("0.00"), "listrak", "sms",
         "lp_jan", True, "link"),
        ("LR1003", day("2024-01-20"), "placed", C, True, "USD", m("50.00"), None, m("50.00"), "listrak", "sms",
         "order_confirmation", True, "link"),
        # Cancelled: net 0, never attributed.
        ("LR1004", day("2024-01-20"), "cancelled", C, True, "USD", m("40.00"), None, m("0.00"), "listrak", "sms",
         "order_confirmation", True, None),
        ("LR1005", day("2024-01-21"), "placed", None, False, "USD", m("30.00"), None, m("30.00"), "listrak", "sms",
         "Order Confirmation!", True, "link"),
        ("LR1006", day("2024-01-22"), "refunded", D, True, "USD", m("70.00"), m("20.00"), m("50.00"), "listrak",
         "sms", "spring-sale", True, "unmapped"),
        ("LR1007", day("2024-01-23"), "placed", A, True, "USD", m("60.00"), None, m("60.00"), None, None, None,
         False, "post_send"),
        ("LR1008", day("2024-01-25"), "placed", B, True, "USD", m("25.00"), None, m("25.00"), "Listrak", "SMS",
         "spring-sale", True, "post_send"),
        ("LR1009", day("2024-02-26"), "placed", B, True, "USD", m("45.00"), None, m("45.00"), "listrak", "sms",
         "lp_jan", True, "outside_click_window"),
        ("LR1010", day("2024-02-26"), "placed", A, True, "USD", m("35.00"), None, m("35.00"), "listrak", "sms",
         "order_confirmation", True, "link"),
    ]


def test_fct_order_messages_and_missing(golden_con) -> None:  # noqa: ANN001
    got = rows(
        golden_con,
        """SELECT order_id, message_type, trigger_column, trigger_at, trigger_date, has_phone, order_status,
                  first_send_id, first_sent_at, sender_code_id, delay_s, got_message
           FROM marts.fct_order_messages ORDER BY order_id, message_type""",
    )
    assert got == [
        # S03 (delivery) failed; the first accepted is S04, 60 s after delivered_at.
        ("LR1001", DC, "delivered_at", ts("2024-01-13 18:00:00"), day("2024-01-13"), True, "placed", "S04",
         ts("2024-01-13 18:01:00"), 1, 60.0, True),
        # The confirmation sent at the order's instant: 0 s.
        ("LR1001", OC, "ordered_at", ts("2024-01-10 15:00:00"), day("2024-01-10"), True, "placed", "S01",
         ts("2024-01-10 15:00:00"), 1, 0.0, True),
        # S02 30 s after shipping; the later resend S31 does not count.
        ("LR1001", SC, "shipped_at", ts("2024-01-11 14:00:00"), day("2024-01-11"), True, "placed", "S02",
         ts("2024-01-11 14:00:30"), 1, 30.0, True),
        ("LR1002", OC, "ordered_at", ts("2024-01-15 04:30:00"), day("2024-01-14"), True, "refunded", "S13",
         ts("2024-01-15 04:30:45"), 1, 45.0, True),
        ("LR1003", OC, "ordered_at", ts("2024-01-20 12:00:00"), day("2024-01-20"), True, "placed", "S22",
         ts("2024-01-20 12:00:05"), 1, 5.0, True),
        # Shipped 23:59:59 EST: trigger date Jan 20; no shipping message -> missed.
        ("LR1003", SC, "shipped_at", ts("2024-01-21 04:59:59"), day("2024-01-20"), True, "placed", None, None,
         None, None, False),
        # Cancelled orders are included.
        ("LR1004", OC, "ordered_at", ts("2024-01-20 13:00:00"), day("2024-01-20"), True, "cancelled", "S23",
         ts("2024-01-20 13:00:20"), 1, 20.0, True),
        ("LR1005", OC, "ordered_at", ts("2024-01-21 10:00:00"), day("2024-01-21"), False, "placed", None, None,
         None, None, False),
        ("LR1006", OC, "ordered_at", ts("2024-01-22 05:00:00"), day("2024-01-22"), True, "refunded", None, None,
         None, None, False),
        ("LR1007", OC, "ordered_at", ts("2024-01-23 15:00:00"), day("2024-01-23"), True, "placed", "S32",
         ts("2024-01-23 15:02:00"), 1, 120.0, True),
        # The only attempt about LR1008 (S41) was refused.
        ("LR1008", OC, "ordered_at", ts("2024-01-25 12:00:00"), day("2024-01-25"), True, "placed", None, None,
         None, None, False),
        ("LR1009", OC, "ordered_at", ts("2024-02-26 12:00:00"), day("2024-02-26"), True, "placed", None, None,
         None, None, False),
        ("LR1010", OC, "ordered_at", ts("2024-02-26 16:00:00"), day("2024-02-26"), True, "placed", None, None,
         None, None, False),
    ]
    # Due: the order got the message, or its trigger came at or before the send log's last send
    # (S41, 2024-01-25 12:00:10Z). LR1008's confirmation was due at 12:00:00, ten seconds before the
    # log ends; LR1009 and LR1010 come a month after it: not due, neither covered nor missed.
    assert rows(golden_con, "SELECT order_id FROM marts.fct_order_messages WHERE NOT is_due ORDER BY 1") == [
        ("LR1009",),
        ("LR1010",),
    ]
    # Orders with a phone that missed a due message (LR1005 has no phone, so it is not "missed").
    assert rows(golden_con, "SELECT order_id, message_type FROM marts.missing_order_messages ORDER BY ALL") == [
        ("LR1003", SC),
        ("LR1006", OC),
        ("LR1008", OC),
    ]


def test_agg_timeliness_daily(golden_con) -> None:  # noqa: ANN001
    got = rows(golden_con, "SELECT * FROM marts.agg_timeliness_daily ORDER BY day, message_type")
    # (day, type, orders, orders_with_phone, covered, coverage, messaged, p50, p90, p99)
    assert got == [
        (day("2024-01-10"), OC, 1, 1, 1, 1.0, 1, 0.0, 0.0, 0.0),
        (day("2024-01-11"), SC, 1, 1, 1, 1.0, 1, 30.0, 30.0, 30.0),
        (day("2024-01-13"), DC, 1, 1, 1, 1.0, 1, 60.0, 60.0, 60.0),
        (day("2024-01-14"), OC, 1, 1, 1, 1.0, 1, 45.0, 45.0, 45.0),
        # Delays 5 and 20: continuous p50 = 12.5, p90 = 5 + 0.9 * 15 = 18.5, p99 = 5 + 0.99 * 15 = 19.85.
        (day("2024-01-20"), OC, 2, 2, 2, 1.0, 2, 12.5, 18.5, 19.85),
        (day("2024-01-20"), SC, 1, 1, 0, 0.0, 0, None, None, None),
        # LR1005 has no phone: no denominator, coverage NULL.
        (day("2024-01-21"), OC, 1, 0, 0, None, 0, None, None, None),
        (day("2024-01-22"), OC, 1, 1, 0, 0.0, 0, None, None, None),
        (day("2024-01-23"), OC, 1, 1, 1, 1.0, 1, 120.0, 120.0, 120.0),
        (day("2024-01-25"), OC, 1, 1, 0, 0.0, 0, None, None, None),
        # Feb 26: LR1009 and LR1010 were not due (after the send log ends): no row.
    ]


def test_agg_sends_daily(golden_con) -> None:  # noqa: ANN001
    got = rows(golden_con, "SELECT * FROM marts.agg_sends_daily ORDER BY day, sender_code_id, message_type")
    # (day, sc, type, attempts, accepted, failed, acceptance_rate, unique_recipients, segments,
    #  multi_segment_sends, ucs2_sends, link_sends, later_opted_out_sends, optout_credited_sends)
    assert got == [
        (day("2023-12-21"), 1, OC, 2, 2, 0, 1.0, 1, 2, 0, 0, 0, 0, 0),  # S20, S21 to C
        (day("2024-01-04"), 1, LP, 1, 1, 0, 1.0, 1, 1, 0, 0, 0, 1, 0),  # S10
        (day("2024-01-09"), 1, LP, 1, 1, 0, 1.0, 1, 1, 0, 0, 0, 1, 0),  # S00
        (day("2024-01-10"), 1, OC, 1, 1, 0, 1.0, 1, 1, 0, 0, 0, 1, 0),  # S01
        (day("2024-01-11"), 1, SC, 1, 1, 0, 1.0, 1, 1, 0, 0, 1, 1, 0),  # S02 (link)
        (day("2024-01-13"), 1, DC, 2, 1, 1, 0.5, 1, 1, 0, 0, 0, 1, 0),  # S03 refused, S04
        (day("2024-01-14"), 1, LP, 2, 2, 0, 1.0, 1, 2, 0, 0, 0, 2, 0),  # S11, S12 to B
        (day("2024-01-14"), 1, OC, 1, 1, 0, 1.0, 1, 1, 0, 1, 0, 1, 0),  # S13 UCS-2
        (day("2024-01-20"), 1, OC, 2, 2, 0, 1.0, 1, 3, 1, 0, 0, 0, 0),  # S22 (1) + S23 (2)
        (day("2024-01-23"), 1, LP, 1, 1, 0, 1.0, 1, 2, 1, 1, 0, 1, 0),  # S30
        (day("2024-01-23"), 1, OC, 1, 1, 0, 1.0, 1, 2, 1, 0, 0, 1, 1),  # S32, credited
        (day("2024-01-23"), 1, SC, 1, 1, 0, 1.0, 1, 1, 0, 0, 0, 1, 0),  # S31
        (day("2024-01-24"), 1, OC, 1, 0, 1, 0.0, 0, 0, 0, 0, 0, 0, 0),  # S51 refused
        (day("2024-01-24"), 2, PD, 1, 1, 0, 1.0, 1, 1, 0, 0, 0, 1, 1),  # S50, credited
        (day("2024-01-25"), 1, LP, 1, 1, 0, 1.0, 1, 1, 0, 0, 0, 1, 0),  # S40
        (day("2024-01-25"), 1, OC, 1, 0, 1, 0.0, 0, 0, 0, 0, 0, 0, 0),  # S41 refused
    ]


def test_agg_errors_daily(golden_con) -> None:  # noqa: ANN001
    assert rows(golden_con, "SELECT * FROM marts.agg_errors_daily ORDER BY ALL") == [
        (day("2024-01-13"), 1, DC, 400, "ERROR_PHONE_NUMBER_SUSPENDED", 1),
        (day("2024-01-24"), 1, OC, 400, "ERROR_INVALID_PHONE_NUMBER", 1),
        (day("2024-01-25"), 1, OC, 400, "ERROR_TRANSACTIONAL_MESSAGE_EMPTY_MESSAGE", 1),
    ]


def test_agg_revenue_daily(golden_con) -> None:  # noqa: ANN001
    got = rows(
        golden_con,
        "SELECT day, sender_code_id, message_type, link_orders, link_revenue, post_send_orders, "
        "post_send_revenue, attributed_revenue, accepted_sends, revenue_per_accepted_send "
        "FROM marts.agg_revenue_daily ORDER BY day, sender_code_id, message_type",
    )
    z = Decimal("0.00")
    assert got == [
        # Days with accepted sends but no revenue: 0 revenue, 0 per send (NULL without accepted sends).
        (day("2023-12-21"), 1, OC, 0, z, 0, z, z, 2, 0.0),
        (day("2024-01-04"), 1, LP, 0, z, 0, z, z, 1, 0.0),
        (day("2024-01-09"), 1, LP, 0, z, 0, z, z, 1, 0.0),
        (day("2024-01-10"), 1, OC, 0, z, 0, z, z, 1, 0.0),
        (day("2024-01-11"), 1, SC, 0, z, 0, z, z, 1, 0.0),
        (day("2024-01-13"), 1, DC, 0, z, 0, z, z, 1, 0.0),
        # LR1002 (link, net 0) dated by its order date Jan 14.
        (day("2024-01-14"), 1, LP, 1, z, 0, z, z, 2, 0.0),
        (day("2024-01-14"), 1, OC, 0, z, 0, z, z, 1, 0.0),
        # LR1003 (link 50) over S22 + S23: 25 per accepted send.
        (day("2024-01-20"), 1, OC, 1, Decimal("50.00"), 0, z, Decimal("50.00"), 2, 25.0),
        # LR1005 (link 30 to the shell) on a day without OC sends.
        (day("2024-01-21"), 1, OC, 1, Decimal("30.00"), 0, z, Decimal("30.00"), 0, None),
        (day("2024-01-23"), 1, LP, 0, z, 1, Decimal("60.00"), Decimal("60.00"), 1, 60.0),  # LR1007
        (day("2024-01-23"), 1, OC, 0, z, 0, z, z, 1, 0.0),
        (day("2024-01-23"), 1, SC, 0, z, 0, z, z, 1, 0.0),
        (day("2024-01-24"), 1, OC, 0, z, 0, z, z, 0, None),
        (day("2024-01-24"), 2, PD, 0, z, 0, z, z, 1, 0.0),
        (day("2024-01-25"), 1, LP, 0, z, 1, Decimal("25.00"), Decimal("25.00"), 1, 25.0),  # LR1008
        (day("2024-01-25"), 1, OC, 0, z, 0, z, z, 0, None),
        # LR1010 (link 35, OC); LR1009 is outside the click window: no revenue row.
        (day("2024-02-26"), 1, OC, 1, Decimal("35.00"), 0, z, Decimal("35.00"), 0, None),
    ]


def test_agg_store_revenue_daily(golden_con) -> None:  # noqa: ANN001
    m = Decimal
    got = rows(golden_con, "SELECT * FROM marts.agg_store_revenue_daily ORDER BY day")
    # (day, orders, net_revenue, sms_tagged, attributed_orders, attributed_revenue, unmapped_orders,
    #  unmapped_revenue, attributed_share); LR1004 (cancelled) left out of Jan 20.
    assert got == [
        (day("2024-01-10"), 1, m("100.00"), 0, 0, m("0.00"), 0, m("0.00"), 0.0),
        (day("2024-01-14"), 1, m("0.00"), 1, 1, m("0.00"), 0, m("0.00"), None),  # no revenue: no share
        (day("2024-01-20"), 1, m("50.00"), 1, 1, m("50.00"), 0, m("0.00"), 1.0),
        (day("2024-01-21"), 1, m("30.00"), 1, 1, m("30.00"), 0, m("0.00"), 1.0),
        (day("2024-01-22"), 1, m("50.00"), 1, 0, m("0.00"), 1, m("50.00"), 0.0),
        (day("2024-01-23"), 1, m("60.00"), 0, 1, m("60.00"), 0, m("0.00"), 1.0),
        (day("2024-01-25"), 1, m("25.00"), 1, 1, m("25.00"), 0, m("0.00"), 1.0),
        # LR1009 (45, outside the click window: tagged, not attributed) and LR1010 (35, link): 35 / 80.
        (day("2024-02-26"), 2, m("80.00"), 2, 1, m("35.00"), 0, m("0.00"), 0.4375),
    ]


def test_fct_optouts_and_daily(golden_con) -> None:  # noqa: ANN001
    got = rows(
        golden_con,
        "SELECT sender_code_id, phone_number, opted_out_at, opt_out_date, reason, credited_send_id, "
        "message_type, sent_at, sent_date FROM marts.fct_optouts ORDER BY sender_code_id, opted_out_at",
    )
    assert got == [
        # 04:00Z Jan 23 = 23:00 EST Jan 22; no send to D.
        (1, D, ts("2024-01-23 04:00:00"), day("2024-01-22"), "Admin", None, None, None, None),
        # Within 24 h after S30 (15:00Z) and S32 (15:02Z): the latest, S32; S50 is sender code 2.
        (1, A, ts("2024-01-24 14:59:59"), day("2024-01-24"), "Campaign", "S32", OC, ts("2024-01-23 15:02:00"),
         day("2024-01-23")),
        # Exactly 24 h after S40 (outside); S41 was refused: not credited.
        (1, B, ts("2024-01-26 11:00:00"), day("2024-01-26"), "API", None, None, None, None),
        # At S50's very instant (inside).
        (2, A, ts("2024-01-24 12:00:00"), day("2024-01-24"), "Campaign", "S50", PD, ts("2024-01-24 12:00:00"),
         day("2024-01-24")),
    ]
    assert rows(golden_con, "SELECT * FROM marts.agg_optouts_daily ORDER BY ALL") == [
        (day("2024-01-22"), 1, "Admin", None, 1),
        (day("2024-01-24"), 1, "Campaign", OC, 1),
        (day("2024-01-24"), 2, "Campaign", PD, 1),
        (day("2024-01-26"), 1, "API", None, 1),
    ]


def test_agg_list_health_daily(golden_con) -> None:  # noqa: ANN001
    got = rows(golden_con, "SELECT * FROM marts.agg_list_health_daily ORDER BY sender_code_id, day")
    # List 10 (sc 1): A Jan 1, B and C Jan 2, D Jan 3; unsubscribes D Jan 22, A Jan 24, B Jan 26
    # (opt-out dates in EST). List 20 (sc 2): A Jan 20, unsubscribed Jan 24. Every day in between.
    changes_10 = {"2024-01-01": (1, 0), "2024-01-02": (2, 0), "2024-01-03": (1, 0), "2024-01-22": (0, 1),
                  "2024-01-24": (0, 1), "2024-01-26": (0, 1)}
    expected = []
    total = 0
    for n in range(1, 27):
        key = f"2024-01-{n:02d}"
        new, unsub = changes_10.get(key, (0, 0))
        total += new - unsub
        expected.append((day(key), 1, 10, "Transactional", new, unsub, new - unsub, total))
    expected += [
        (day("2024-01-20"), 2, 20, "Billing", 1, 0, 1, 1),
        (day("2024-01-21"), 2, 20, "Billing", 0, 0, 0, 1),
        (day("2024-01-22"), 2, 20, "Billing", 0, 0, 0, 1),
        (day("2024-01-23"), 2, 20, "Billing", 0, 0, 0, 1),
        (day("2024-01-24"), 2, 20, "Billing", 0, 1, -1, 0),
    ]
    assert got == expected
    assert got[25][-1] == 1  # list 10 ends with one subscriber (C)
