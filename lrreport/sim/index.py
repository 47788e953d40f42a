"""Fast lookups over a ``Merchant`` for the simulator: sorted numpy indexes and spec-shaped records.

Contacts and opt-outs are sorted once, per (sender code, list, opted-out) group and per sender
code, so a date filter is two binary searches and a page is an array slice, whatever the size of
the list. Records come out with the spec's field names and Listrak's timestamp style
(``YYYY-MM-DDTHH:MM:SS``, UTC, no offset).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from lrreport.sim.merchant import Merchant

_NAT = np.iinfo(np.int64).min


def _ns(series: pd.Series) -> np.ndarray:
    """Timestamps as int64 nanoseconds since the epoch (UTC); NaT stays ``_NAT``."""
    values = pd.to_datetime(series)
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    return values.to_numpy(dtype="datetime64[ns]").astype(np.int64)


def _iso(ns: np.ndarray) -> np.ndarray:
    """int64 nanoseconds -> object array of ``YYYY-MM-DDTHH:MM:SS`` strings (None for NaT)."""
    out = np.full(len(ns), None, dtype=object)
    ok = ns != _NAT
    if ok.any():
        seconds = (ns[ok] // 1_000_000_000).astype("datetime64[s]")
        out[ok] = np.datetime_as_string(seconds, unit="s").astype(object)
    return out


def _text(series: pd.Series | None, n: int) -> np.ndarray:
    """A text column as an object array with "" for missing values (spec strings are not nullable)."""
    if series is None:
        return np.full(n, "", dtype=object)
    values = series.astype(object).to_numpy()
    missing = pd.isna(series).to_numpy()
    values = np.array([str(v) for v in values], dtype=object) if len(values) else values
    values[missing] = ""
    return values


def _bool(series: pd.Series | None, n: int) -> np.ndarray:
    if series is None:
        return np.zeros(n, dtype=bool)
    return series.fillna(False).astype(bool).to_numpy()


@dataclass(frozen=True)
class Slice:
    """Rows of one sorted group that pass a date filter: ``rows[lo:hi]`` are row positions."""

    rows: np.ndarray
    lo: int
    hi: int

    def __len__(self) -> int:
        return self.hi - self.lo

    def page(self, offset: int, count: int) -> np.ndarray:
        start = self.lo + offset
        return self.rows[start : min(start + count, self.hi)]


class MerchantIndex:
    """Read-only views of a merchant the server answers from; built once, shared by all threads."""

    def __init__(self, merchant: Merchant) -> None:
        self.merchant = merchant
        self.sender_codes = {int(sc["shortCodeId"]): sc for sc in merchant.sender_codes}
        self.phone_lists = {
            (int(sc), int(pl["phoneListId"])): pl
            for sc, lists in merchant.phone_lists.items()
            for pl in lists
        }
        self.shells = {
            (int(sc), int(pl), int(tm["transactionalMessageId"])): tm
            for (sc, pl), shells in merchant.shells.items()
            for tm in shells
        }
        self.profile_fields = {
            (int(sc), int(f["segmentationFieldId"])): f
            for sc, fields in merchant.profile_fields.items()
            for f in fields
        }
        self._index_contacts(merchant.contacts)
        self._index_optouts(merchant.optouts)
        self.suspended = {str(p) for p in merchant.suspended_phones}
        self.banned = {str(p) for p in merchant.banned_phones}

    # -- contacts -------------------------------------------------------------------------------

    def _index_contacts(self, df: pd.DataFrame) -> None:
        n = len(df)
        col = df.get
        self.c_sc = df["short_code_id"].to_numpy(dtype=np.int64)
        self.c_pl = df["phone_list_id"].to_numpy(dtype=np.int64)
        self.c_phone = _text(df["phone_number"], n)
        self.c_email = _text(col("email_address"), n)
        self.c_first = _text(col("first_name"), n)
        self.c_last = _text(col("last_name"), n)
        self.c_postal = _text(col("postal_code"), n)
        self.c_birthday = _iso(_ns(df["birthday"])) if "birthday" in df else np.full(n, None, object)
        self.c_sub_ns = _ns(df["subscribe_date"])
        self.c_sub = _iso(self.c_sub_ns)
        unsub_ns = _ns(df["unsubscribe_date"]) if "unsubscribe_date" in df else np.full(n, _NAT)
        self.c_unsub_ns = unsub_ns
        self.c_unsub = _iso(unsub_ns)
        pending_ns = _ns(df["pending_date"]) if "pending_date" in df else np.full(n, _NAT)
        self.c_pending = _iso(pending_ns)
        self.c_opted_out = _bool(col("opted_out"), n)
        self.c_pending_doi = _bool(col("pending_double_opt_in"), n)
        self.c_pending_age = _bool(col("pending_age_gate"), n)

        # Groups (sender code, list, opted out), each sorted by subscribe date then phone number.
        phone_key = self.c_phone.astype("U32") if n else np.array([], dtype="U32")
        order = np.lexsort((phone_key, self.c_sub_ns, self.c_opted_out, self.c_pl, self.c_sc))
        self._contact_groups: dict[tuple[int, int, bool], tuple[np.ndarray, np.ndarray]] = {}
        if n:
            keys = np.stack([self.c_sc[order], self.c_pl[order], self.c_opted_out[order].astype(np.int64)])
            change = np.flatnonzero((np.diff(keys, axis=1) != 0).any(axis=0)) + 1
            for chunk in np.split(order, change):
                first = chunk[0]
                key = (int(self.c_sc[first]), int(self.c_pl[first]), bool(self.c_opted_out[first]))
                self._contact_groups[key] = (chunk, self.c_sub_ns[chunk])

        # Phone lookup per sender code: phones sorted, binary search.
        by_phone = np.lexsort((self.c_pl, phone_key, self.c_sc))
        self._phone_order = by_phone
        self._phone_sorted_sc = self.c_sc[by_phone]
        self._phone_sorted = phone_key[by_phone]

    def contact_rows(self, sc: int, phone: str) -> np.ndarray:
        """Row positions of one phone number's list memberships on a sender code (by list id)."""
        lo = np.searchsorted(self._phone_sorted_sc, sc, side="left")
        hi = np.searchsorted(self._phone_sorted_sc, sc, side="right")
        phones = self._phone_sorted[lo:hi]
        a = lo + np.searchsorted(phones, phone, side="left")
        b = lo + np.searchsorted(phones, phone, side="right")
        return self._phone_order[a:b]

    def list_contacts(
        self, sc: int, pl: int, opted_out: bool, start_ns: int | None, end_ns: int | None
    ) -> Slice:
        """Contacts of a list with that opted-out state, subscribed in ``[start_ns, end_ns)``."""
        rows, sub = self._contact_groups.get((sc, pl, opted_out), (np.empty(0, np.int64), np.empty(0)))
        lo = 0 if start_ns is None else int(np.searchsorted(sub, start_ns, side="left"))
        hi = len(rows) if end_ns is None else int(np.searchsorted(sub, end_ns, side="left"))
        return Slice(rows, lo, max(lo, hi))

    def sms_contact(self, i: int) -> dict[str, Any]:
        """One list member as an ``SMSContact``."""
        return {
            "phoneNumber": self.c_phone[i],
            "emailAddress": self.c_email[i],
            "firstName": self.c_first[i],
            "lastName": self.c_last[i],
            "birthday": self.c_birthday[i],
            "postalCode": self.c_postal[i],
            "optedOut": bool(self.c_opted_out[i]),
            "segmentationFieldValues": [],
        }

    def contact_details(self, rows: np.ndarray) -> dict[str, Any]:
        """A phone's memberships on a sender code folded into one ``SMSContactSubscriptionDetails``.

        Opted out when every membership is; subscribed since the earliest subscription; the
        unsubscribe date is the latest one when opted out.
        """
        first = int(rows[np.argmin(self.c_sub_ns[rows])])
        opted_out = bool(self.c_opted_out[rows].all())
        unsub = None
        if opted_out:
            latest = int(rows[np.argmax(self.c_unsub_ns[rows])])
            unsub = self.c_unsub[latest]
        record = self.sms_contact(first)
        record["optedOut"] = opted_out
        return {"subscribeDate": self.c_sub[first], "unsubscribeDate": unsub, **record}

    def subscription(self, i: int) -> dict[str, Any]:
        """One membership as a ``ContactListSubscription``."""
        pending = bool(self.c_pending_doi[i] or self.c_pending_age[i])
        state = "Unsubscribed" if self.c_opted_out[i] else ("Pending" if pending else "Subscribed")
        return {
            "phoneListId": int(self.c_pl[i]),
            "subscriptionState": state,
            "subscribeDate": self.c_sub[i],
            "unsubscribeDate": self.c_unsub[i],
            "pendingDate": self.c_pending[i],
            "pendingDoubleOptIn": bool(self.c_pending_doi[i]),
            "pendingAgeGate": bool(self.c_pending_age[i]),
        }

    # -- opt-outs -------------------------------------------------------------------------------

    def _index_optouts(self, df: pd.DataFrame) -> None:
        n = len(df)
        self.o_sc = df["short_code_id"].to_numpy(dtype=np.int64)
        self.o_phone = _text(df["phone_number"], n)
        self.o_ns = _ns(df["opt_out_date"])
        self.o_date = _iso(self.o_ns)
        self.o_reason = _text(df["opt_out_reason"], n)
        phone_key = self.o_phone.astype("U32") if n else np.array([], dtype="U32")
        order = np.lexsort((phone_key, self.o_ns, self.o_sc))
        self._optout_groups: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        if n:
            change = np.flatnonzero(np.diff(self.o_sc[order]) != 0) + 1
            for chunk in np.split(order, change):
                self._optout_groups[int(self.o_sc[chunk[0]])] = (chunk, self.o_ns[chunk])

    def optouts(self, sc: int, start_ns: int | None, end_ns: int | None) -> Slice:
        """Opt-outs of a sender code dated in ``[start_ns, end_ns)``, oldest first."""
        rows, ns = self._optout_groups.get(sc, (np.empty(0, np.int64), np.empty(0)))
        lo = 0 if start_ns is None else int(np.searchsorted(ns, start_ns, side="left"))
        hi = len(rows) if end_ns is None else int(np.searchsorted(ns, end_ns, side="left"))
        return Slice(rows, lo, max(lo, hi))

    def optout(self, i: int) -> dict[str, Any]:
        """One opt-out as an ``OptOutContact``."""
        return {
            "phoneNumber": self.o_phone[i],
            "optOutDate": self.o_date[i],
            "optOutReason": self.o_reason[i],
        }
