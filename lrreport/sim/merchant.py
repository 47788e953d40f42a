"""The synthetic merchant the simulator serves: what Listrak would hold for one account.

``lrreport.sim.generator`` builds it deterministically from a seed; ``lrreport.sim.server`` serves
it over HTTP; the same generator writes the merchant's own files (send log, orders) so that server
and files tell one story. Dimension records are kept exactly as Listrak's API spells them (the
spec's field names), so the server can serve them as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

# Columns of Merchant.contacts: one row per (short_code_id, phone_list_id, phone_number).
CONTACT_COLUMNS = (
    "short_code_id",  # int
    "phone_list_id",  # int
    "phone_number",  # str, digits with country code, no '+': 11 digits for the US
    "email_address",  # str
    "first_name",  # str
    "last_name",  # str
    "postal_code",  # str
    "birthday",  # datetime64 or NaT
    "subscribe_date",  # datetime64[ns], UTC, naive
    "unsubscribe_date",  # datetime64[ns] or NaT
    "opted_out",  # bool
    "pending_double_opt_in",  # bool
    "pending_age_gate",  # bool
    "pending_date",  # datetime64 or NaT
)

# Columns of Merchant.optouts: one row per opt-out event of a sender code.
OPTOUT_COLUMNS = (
    "short_code_id",  # int
    "phone_number",  # str, as in contacts
    "opt_out_date",  # datetime64[ns], UTC, naive (Listrak sends it without an offset)
    "opt_out_reason",  # one of OptOutContact.optOutReason's enum
)


@dataclass
class Merchant:
    """Everything the simulator serves for one Listrak account."""

    sender_codes: list[dict[str, Any]]  # SenderCode objects
    phone_lists: dict[int, list[dict[str, Any]]]  # shortCodeId -> PhoneList objects
    shells: dict[tuple[int, int], list[dict[str, Any]]]  # (shortCodeId, phoneListId) -> TransactionalMessage
    profile_fields: dict[int, list[dict[str, Any]]]  # shortCodeId -> PhoneAttribute objects
    contacts: pd.DataFrame  # CONTACT_COLUMNS
    optouts: pd.DataFrame  # OPTOUT_COLUMNS
    suspended_phones: set[str] = field(default_factory=set)  # Send answers ERROR_PHONE_NUMBER_SUSPENDED
    banned_phones: set[str] = field(default_factory=set)  # Send answers ERROR_BANNED_PHONE_NUMBER
