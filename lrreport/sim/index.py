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


def _ns(series: pd.Series | None, n: int) -> np.ndarray:
    """Timestamps as int64 nanoseconds since the epoch (UTC); NaT and a missing column are ``_NAT``."""
    if series is None:
        return np.full(n, _NAT, dtype=np.int64)
    values = pd.to_datetime(series)
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    return values.to_numpy(dtype="datetime64[ns]").astype(np.int64)


def iso(ns: np.ndarray) -> list[str | None]:
    """int64 nanoseconds -> ``YYYY-MM-DDTHH:MM:SS`` strings, truncated to the second (None for NaT)."""
    ok = ns != _NAT
    text = np.datetime_as_string((np.where(ok, ns, 0) // 1_000_000_000).astype("datetime64[s]"), unit="s")
    return [t if good else None for t, good in zip(text.tolist(), ok.tolist(), strict=True)]


def _text(series: pd.Series | None, n: int) -> np.ndarray:
    """A text column as an object array with "" for missing values (spec strings are not nullable)."""
    if series is None:
        return np.full(n, "", dtype=object)
    values = series.to_numpy(dtype=object, na_value="")
    if len(values) and not isinstance(values[0], str):
        values = np.array([str(v) for v in values], dtype=object)
    return values


def _bool(series: pd.Series | None, n: int) -> np.ndarray:
    if series is None:
        return np.zeros(n, dtype=bool)
    return series.fillna(False).astype(bool).to_numpy()


def phone_key(phones: object) -> np.ndarray:
    """Digit-only phone numbers as int64 sort/search keys (-1 for anything else)."""
    text = np.asarray(phones, dtype=object)
    try:
        if all(len(t) <= 18 for t in text.tolist()):
            return text.astype("U18").astype(np.int64)  # the fast path: digit strings
    except (TypeError, ValueError):
        pass
    values = pd.to_numeric(pd.Series(text, dtype=object), errors="coerce")
    return values.fillna(-1).to_numpy(dtype=np.int64)


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
        self.c_birthday_ns = _ns(col("birthday"), n)
        self.c_sub_ns = _ns(df["subscribe_date"], n)
        self.c_unsub_ns = _ns(col("unsubscribe_date"), n)
        self.c_pending_ns = _ns(col("pending_date"), n)
        self.c_opted_out = _bool(col("opted_out"), n)
        self.c_pending_doi = _bool(col("pending_double_opt_in"), n)
        self.c_pending_age = _bool(col("pending_age_gate"), n)
        keys = phone_key(self.c_phone)

        # Groups (sender code, list, opted out), each sorted by subscribe date then phone number.
        order = np.lexsort((keys, self.c_sub_ns, self.c_opted_out, self.c_pl, self.c_sc))
        self._contact_groups: dict[tuple[int, int, bool], tuple[np.ndarray, np.ndarray]] = {}
        if n:
            group = np.stack([self.c_sc[order], self.c_pl[order], self.c_opted_out[order].astype(np.int64)])
            change = np.flatnonzero((np.diff(group, axis=1) != 0).any(axis=0)) + 1
            for chunk in np.split(order, change):
                first = chunk[0]
                key = (int(self.c_sc[first]), int(self.c_pl[first]), bool(self.c_opted_out[first]))
                self._contact_groups[key] = (chunk, self.c_sub_ns[chunk])

        # Phone lookup: rows sorted by (sender code, phone, list), found by binary search.
        self._phone_order = np.lexsort((self.c_pl, keys, self.c_sc))
        self._phone_sorted_sc = self.c_sc[self._phone_order]
        self._phone_sorted = keys[self._phone_order]

    def contact_rows(self, sc: int, phone: str) -> np.ndarray:
        """Row positions of one phone number's list memberships on a sender code (by list id)."""
        key = int(phone_key([phone])[0])
        lo = np.searchsorted(self._phone_sorted_sc, sc, side="left")
        hi = np.searchsorted(self._phone_sorted_sc, sc, side="right")
        phones = self._phone_sorted[lo:hi]
        a = lo + np.searchsorted(phones, key, side="left")
        b = lo + np.searchsorted(phones, key, side="right")
        return self._phone_order[a:b]

    def list_contacts(
        self, sc: int, pl: int, opted_out: bool, start_ns: int | None, end_ns: int | None
    ) -> Slice:
        """Contacts of a list with that opted-out state, subscribed in ``[start_ns, end_ns)``."""
        rows, sub = self._contact_groups.get((sc, pl, opted_out), (np.empty(0, np.int64), np.empty(0)))
        lo = 0 if start_ns is None else int(np.searchsorted(sub, start_ns, side="left"))
        hi = len(rows) if end_ns is None else int(np.searchsorted(sub, end_ns, side="left"))
        return Slice(rows, lo, max(lo, hi))

    def sms_contacts(self, rows: np.ndarray) -> list[dict[str, Any]]:
        """List members as ``SMSContact`` records, built column-wise for a whole page."""
        columns = (
            self.c_phone[rows].tolist(),
            self.c_email[rows].tolist(),
            self.c_first[rows].tolist(),
            self.c_last[rows].tolist(),
            iso(self.c_birthday_ns[rows]),
            self.c_postal[rows].tolist(),
            self.c_opted_out[rows].tolist(),
        )
        return [
            {
                "phoneNumber": p,
                "emailAddress": e,
                "firstName": f,
                "lastName": la,
                "birthday": b,
                "postalCode": z,
                "optedOut": o,
                "segmentationFieldValues": [],
            }
            for p, e, f, la, b, z, o in zip(*columns, strict=True)
        ]

    def contact_details(self, rows: np.ndarray) -> dict[str, Any]:
        """A phone's memberships on a sender code folded into one ``SMSContactSubscriptionDetails``.

        Opted out when every membership is; subscribed since the earliest subscription; the
        unsubscribe date is the latest one when opted out.
        """
        first = int(rows[np.argmin(self.c_sub_ns[rows])])
        opted_out = bool(self.c_opted_out[rows].all())
        unsub = iso(self.c_unsub_ns[rows].max(keepdims=True))[0] if opted_out else None
        (record,) = self.sms_contacts(np.array([first]))
        record["optedOut"] = opted_out
        return {"subscribeDate": iso(self.c_sub_ns[[first]])[0], "unsubscribeDate": unsub, **record}

    def subscriptions(self, rows: np.ndarray) -> list[dict[str, Any]]:
        """Memberships as ``ContactListSubscription`` records."""
        out = []
        columns = (
            rows.tolist(),
            iso(self.c_sub_ns[rows]),
            iso(self.c_unsub_ns[rows]),
            iso(self.c_pending_ns[rows]),
        )
        for i, sub, unsub, pending_date in zip(*columns, strict=True):
            doi, age = bool(self.c_pending_doi[i]), bool(self.c_pending_age[i])
            state = "Unsubscribed" if self.c_opted_out[i] else ("Pending" if doi or age else "Subscribed")
            out.append(
                {
                    "phoneListId": int(self.c_pl[i]),
                    "subscriptionState": state,
                    "subscribeDate": sub,
                    "unsubscribeDate": unsub,
                    "pendingDate": pending_date,
                    "pendingDoubleOptIn": doi,
                    "pendingAgeGate": age,
                }
            )
        return out

    # -- opt-outs -------------------------------------------------------------------------------

    def _index_optouts(self, df: pd.DataFrame) -> None:
        n = len(df)
        self.o_sc = df["short_code_id"].to_numpy(dtype=np.int64)
        self.o_phone = _text(df["phone_number"], n)
        self.o_ns = _ns(df["opt_out_date"], n)
        self.o_reason = _text(df["opt_out_reason"], n)
        order = np.lexsort((phone_key(self.o_phone), self.o_ns, self.o_sc))
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

    def optout_records(self, rows: np.ndarray) -> list[dict[str, Any]]:
        """Opt-outs as ``OptOutContact`` records."""
        columns = (self.o_phone[rows].tolist(), iso(self.o_ns[rows]), self.o_reason[rows].tolist())
        return [
            {"phoneNumber": p, "optOutDate": d, "optOutReason": r} for p, d, r in zip(*columns, strict=True)
        ]
