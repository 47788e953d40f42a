"""Fixtures for the simulator tests: a small hand-built merchant with known facts, and servers on it."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import numpy as np
import pandas as pd
import pytest

from lrreport.sim.merchant import CONTACT_COLUMNS, OPTOUT_COLUMNS, Merchant
from lrreport.sim.server import RunningSimulator, run_simulator

SC = 101  # the sender code of the small merchant
SC2 = 102  # a second sender code with no contacts
TX_LIST = 2001  # transactional list
MKT_LIST = 2002  # marketing list
OLD_LIST = 2003  # inactive list
SHELLS = (3001, 3002, 3003)
N_TX = 2500  # contacts on the transactional list (subscribed and opted out)
N_OPTOUTS = 700

# Phones with a known state on the transactional list, for the Send route.
SUBSCRIBED = "15550000000"
OPTED_OUT = "15550000001"
PENDING = "15550000002"
SUSPENDED = "15550000003"
BANNED = "15550000004"
MARKETING_ONLY = "15559990000"


def _sender_code(sc: int, code: str) -> dict:
    return {
        "shortCodeId": sc,
        "code": code,
        "country": "US",
        "merchantName": "Small Test Store",
        "emailListId": 77,
        "emailListName": "Main",
        "externalEventId": 5,
        "externalEventName": "SMS",
        "phoneNumberSegmentationFieldGroupId": 1,
        "phoneNumberSegmentationFieldGroupName": "SMS",
        "phoneNumberSegmentationFieldId": 2,
        "phoneNumberSegmentationFieldName": "Phone",
        "acquisitionSourceSegmentationFieldGroupId": 1,
        "acquisitionSourceSegmentationFieldGroupName": "SMS",
        "acquisitionSourceSegmentationFieldId": 3,
        "acquisitionSourceSegmentationFieldName": "Source",
    }


def _list(pl: int, name: str, status: str, kind: str) -> dict:
    return {
        "phoneListId": pl,
        "phoneListName": name,
        "createDate": "2023-01-05T10:00:00",
        "status": status,
        "smsListType": kind,
        "messageLimit": 0,
        "messageLimitTimeFrame": "",
        "requireDoubleOptIn": False,
        "requireAgeGate": False,
    }


def small_merchant() -> Merchant:
    """A merchant small enough to reason about: every count in the tests follows from this code."""
    rng = np.random.default_rng(3)
    base = pd.Timestamp("2024-01-01")
    # Transactional list: N_TX contacts subscribed one every 30 minutes (2024-01-01 00:00 onwards).
    sub = base + pd.to_timedelta(np.arange(N_TX) * 30, unit="min")
    phones = [f"1555{1000000 + i:07d}" for i in range(N_TX)]
    opted = np.arange(N_TX) % 5 == 4  # every fifth opted out
    tx = pd.DataFrame(
        {
            "short_code_id": SC,
            "phone_list_id": TX_LIST,
            "phone_number": phones,
            "email_address": [f"c{i}@example.com" for i in range(N_TX)],
            "first_name": "Ann",
            "last_name": "Lee",
            "postal_code": "19103",
            "birthday": pd.NaT,
            "subscribe_date": sub,
            "unsubscribe_date": np.where(opted, sub + pd.Timedelta(days=3), pd.NaT),
            "opted_out": opted,
            "pending_double_opt_in": False,
            "pending_age_gate": False,
            "pending_date": pd.NaT,
        }
    )
    special = pd.DataFrame(
        {
            "short_code_id": SC,
            "phone_list_id": TX_LIST,
            "phone_number": [SUBSCRIBED, OPTED_OUT, PENDING, SUSPENDED, BANNED],
            "email_address": ["s@example.com", None, "p@example.com", "u@example.com", "b@example.com"],
            "first_name": "Sam",
            "last_name": "Poe",
            "postal_code": None,
            "birthday": [pd.Timestamp("1990-05-01"), pd.NaT, pd.NaT, pd.NaT, pd.NaT],
            "subscribe_date": pd.Timestamp("2023-06-01 12:00:00"),
            "unsubscribe_date": [pd.NaT, pd.Timestamp("2023-07-01"), pd.NaT, pd.NaT, pd.NaT],
            "opted_out": [False, True, False, False, False],
            "pending_double_opt_in": [False, False, True, False, False],
            "pending_age_gate": False,
            "pending_date": [pd.NaT, pd.NaT, pd.Timestamp("2023-06-01 12:00:00"), pd.NaT, pd.NaT],
        }
    )
    marketing = pd.DataFrame(
        {
            "short_code_id": SC,
            "phone_list_id": MKT_LIST,
            "phone_number": [SUBSCRIBED, MARKETING_ONLY],
            "email_address": "m@example.com",
            "first_name": "Max",
            "last_name": "Ray",
            "postal_code": "10001",
            "birthday": pd.NaT,
            "subscribe_date": pd.Timestamp("2023-02-01 08:30:00"),
            "unsubscribe_date": pd.NaT,
            "opted_out": False,
            "pending_double_opt_in": False,
            "pending_age_gate": False,
            "pending_date": pd.NaT,
        }
    )
    contacts = pd.concat([tx, special, marketing], ignore_index=True)[list(CONTACT_COLUMNS)]
    # Shuffle so the server cannot rely on the input order.
    contacts = contacts.sample(frac=1.0, random_state=5).reset_index(drop=True)

    reasons = [
        "Campaign",
        "Admin",
        "DeliveryFailure",
        "Import",
        "API",
        "Deactivated",
        "PermanentError",
        "Workflow",
    ]
    optouts = pd.DataFrame(
        {
            "short_code_id": SC,
            "phone_number": [f"1556{2000000 + i:07d}" for i in range(N_OPTOUTS)],
            # one opt-out every 2 hours from 2024-02-01 00:00
            "opt_out_date": pd.Timestamp("2024-02-01") + pd.to_timedelta(np.arange(N_OPTOUTS) * 2, unit="h"),
            "opt_out_reason": [reasons[i % len(reasons)] for i in range(N_OPTOUTS)],
        }
    )[list(OPTOUT_COLUMNS)]
    optouts = optouts.sample(frac=1.0, random_state=int(rng.integers(100))).reset_index(drop=True)

    shells = [
        {
            "transactionalMessageId": tm,
            "transactionalMessageName": name,
            "transactionalMessageStatus": "Active",
        }
        for tm, name in zip(
            SHELLS, ("Order Confirmation", "Shipping Confirmation", "Payment Due"), strict=True
        )
    ]
    return Merchant(
        sender_codes=[_sender_code(SC, "12345"), _sender_code(SC2, "67890")],
        phone_lists={
            SC: [
                _list(TX_LIST, "Transactional", "Active", "Transactional"),
                _list(MKT_LIST, "Marketing", "Active", "Marketing"),
                _list(OLD_LIST, "Old test list", "Inactive", "Test"),
            ],
            SC2: [],
        },
        shells={(SC, TX_LIST): shells, (SC, MKT_LIST): [], (SC, OLD_LIST): []},
        profile_fields={
            SC: [
                {
                    "segmentationFieldId": 11,
                    "segmentationFieldName": "Favourite store",
                    "dataType": "Text",
                    "maxLength": 50,
                    "statusFlag": "Active",
                },
                {
                    "segmentationFieldId": 12,
                    "segmentationFieldName": "Joined",
                    "dataType": "Date",
                    "maxLength": None,
                    "statusFlag": "Active",
                },
            ],
            SC2: [],
        },
        contacts=contacts,
        optouts=optouts,
        suspended_phones={SUSPENDED},
        banned_phones={BANNED},
    )


@pytest.fixture(scope="session")
def merchant() -> Merchant:
    return small_merchant()


@pytest.fixture(scope="session")
def sim(merchant: Merchant) -> Iterator[RunningSimulator]:
    """One simulator for the read-only tests of the session (tests that change it use their own)."""
    with run_simulator(merchant) as running:
        yield running


def fetch_token(running: RunningSimulator) -> str:
    response = httpx.post(
        running.token_url,
        data={
            "grant_type": "client_credentials",
            "client_id": running.client_id,
            "client_secret": running.client_secret,
        },
    )
    response.raise_for_status()
    return response.json()["access_token"]


@pytest.fixture(scope="session")
def api(sim: RunningSimulator) -> Iterator[httpx.Client]:
    """An httpx client on the session simulator's API base URL, with a valid token."""
    token = fetch_token(sim)
    with httpx.Client(base_url=sim.api_base_url, headers={"Authorization": f"Bearer {token}"}) as client:
        yield client
