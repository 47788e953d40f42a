"""The SMS v1 routes the simulator answers, as plain functions from a request to a status and body.

Paths, query parameters, field names, envelopes, status codes and error bodies follow Listrak's
published spec (``listrak-sms-openapi.json``). HTTP, tokens and faults live in
``lrreport.sim.server``; this module only knows what Listrak would answer.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import random
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import unquote

import numpy as np

from lrreport.sim.index import MerchantIndex, Slice

DEFAULT_COUNT = 1000
MAX_COUNT = 5000
INT32_MAX = 2**31 - 1
_EPOCH = datetime(1970, 1, 1)
_COUPON_TAG = re.compile(r"(\{\{|\[\[|\[|\{|%%)\s*coupon", re.IGNORECASE)
_PHONE_CHARS = re.compile(r"\+?[\d\s().-]+")


@dataclass(frozen=True)
class ApiRequest:
    """One call to the API: the path below ``/sms/v1``, query (names lower-cased), content type, body."""

    method: str
    path: str
    query: dict[str, str]
    content_type: str = ""
    body: bytes = b""


@dataclass
class ApiResponse:
    """What the API answers: an HTTP status, a JSON body and extra headers."""

    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SentMessage:
    """One Send Transactional Message call the simulator accepted (201)."""

    sender_code_id: int
    phone_list_id: int
    transactional_message_id: int
    phone_number: str
    message_content: str
    resource_id: str
    received_at: float  # time.time()


class ApiError(Exception):
    """Ends a request with a Listrak error body."""

    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.response = error_response(status, error, message)


def error_response(
    status: int, error: str, message: str, headers: dict[str, str] | None = None
) -> ApiResponse:
    """A Listrak ``Error`` body: ``{"status", "error", "message"}``."""
    return ApiResponse(status, {"status": status, "error": error, "message": message}, headers or {})


def _invalid(name: str) -> ApiError:
    return ApiError(400, "ERROR_INVALID_PARAMETER", f"An invalid value was supplied for {name}.")


def _not_found(names: str) -> ApiError:
    return ApiError(
        404,
        "ERROR_UNABLE_TO_LOCATE_RESOURCE",
        f"Unable to locate a resource associated with the {names} supplied.",
    )


def normalize_phone(raw: object) -> str | None:
    """Digits with country code (a 10-digit number is taken as US), or None when not a phone number."""
    if not isinstance(raw, str) or not _PHONE_CHARS.fullmatch(raw.strip()):
        return None
    digits = re.sub(r"\D", "", raw)
    if len(digits) == 10:
        digits = "1" + digits
    if not 11 <= len(digits) <= 15 or digits[0] == "0":
        return None
    return digits


def parse_date_bound(value: str, name: str, *, end: bool) -> int:
    """A date filter bound as epoch nanoseconds; an end bound is returned exclusive.

    ``YYYY-MM-DD`` starts at midnight and, as an end, covers the whole day;
    ``YYYY-MM-DDTHH:MM:SS`` is that second and, as an end, includes the whole second.
    """
    text = value.strip()
    try:
        if len(text) == 10:
            moment = datetime.combine(date.fromisoformat(text), datetime.min.time())
            step = timedelta(days=1)
        elif len(text) == 19 and text[10] == "T":
            moment = datetime.strptime(text, "%Y-%m-%dT%H:%M:%S")
            step = timedelta(seconds=1)
        else:
            raise ValueError(text)
    except ValueError:
        raise _invalid(name) from None
    if end:
        moment += step
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1000


def _int_param(value: str, name: str) -> int:
    if not re.fullmatch(r"[+-]?\d{1,10}", value or ""):
        raise _invalid(name)
    number = int(value)
    if not -INT32_MAX - 1 <= number <= INT32_MAX:
        raise _invalid(name)
    return number


def _bool_param(query: dict[str, str], name: str, default: bool) -> bool:
    value = query.get(name.lower())
    if value is None or value == "":
        return default
    if value.lower() == "true":
        return True
    if value.lower() == "false":
        return False
    raise _invalid(name)


def _count_param(query: dict[str, str]) -> int:
    value = query.get("count")
    if value is None or value == "":
        return DEFAULT_COUNT
    if not re.fullmatch(r"\d{1,9}", value.strip()):
        raise _invalid("count")
    count = int(value)
    if not 1 <= count <= MAX_COUNT:
        raise _invalid("count")
    return count


@dataclass(frozen=True)
class _Route:
    method: str
    pattern: re.Pattern[str]
    template: str
    handler: Callable[..., ApiResponse]


def _compile(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{\w+\})", template)
    regex = "".join(f"(?P<{p[1:-1]}>[^/]+)" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(f"^{regex}/?$", re.IGNORECASE)


class ListrakApi:
    """The SMS v1 API over one merchant: route lookup, parameter checks, paging and the Send route."""

    def __init__(self, index: MerchantIndex, *, seed: int = 0) -> None:
        self.index = index
        self.repeat_cursor_after_pages: int | None = None
        self.sends: list[SentMessage] = []
        self._lock = threading.Lock()
        self._rng = random.Random(seed)
        self._cursor_salt = hashlib.sha256(f"lrreport-sim-{seed}".encode()).hexdigest()[:8]
        r = self._routes = []
        for method, template, handler in (
            ("GET", "/ShortCode", self.sender_codes),
            ("GET", "/ShortCode/{senderCodeId}", self.sender_code),
            ("GET", "/ShortCode/{senderCodeId}/PhoneList", self.phone_lists),
            ("GET", "/ShortCode/{senderCodeId}/PhoneList/{phoneListId}", self.phone_list),
            ("GET", "/ShortCode/{senderCodeId}/PhoneList/{phoneListId}/TransactionalMessage", self.shells),
            (
                "GET",
                "/ShortCode/{senderCodeId}/PhoneList/{phoneListId}/TransactionalMessage/"
                "{transactionalMessageId}",
                self.shell,
            ),
            (
                "POST",
                "/ShortCode/{senderCodeId}/PhoneList/{phoneListId}/TransactionalMessage/"
                "{transactionalMessageId}/Message",
                self.send,
            ),
            ("GET", "/ShortCode/{senderCodeId}/PhoneList/{phoneListId}/Contact", self.list_contacts),
            ("GET", "/ShortCode/{senderCodeId}/Contact/{phoneNumber}", self.contact),
            ("GET", "/ShortCode/{senderCodeId}/Contact/{phoneNumber}/PhoneList", self.contact_lists),
            ("GET", "/ShortCode/{senderCodeId}/OptOut", self.optouts),
            ("GET", "/ShortCode/{senderCodeId}/SegmentationField", self.profile_fields),
            ("GET", "/ShortCode/{senderCodeId}/SegmentationField/{segmentationFieldId}", self.profile_field),
        ):
            r.append(_Route(method, _compile(template), template, handler))

    # -- dispatch -------------------------------------------------------------------------------

    def resolve(
        self, method: str, path: str
    ) -> tuple[Callable[..., ApiResponse], dict[str, str]] | ApiResponse:
        """The handler and path parameters for a call, or the 404 / 405 error it gets."""
        allowed = []
        for route in self._routes:
            match = route.pattern.match(path)
            if match:
                if route.method == method:
                    return route.handler, {k: unquote(v) for k, v in match.groupdict().items()}
                allowed.append(route.method)
        if allowed:
            return error_response(
                405,
                "ERROR_UNSUPPORTED_METHOD",
                f"The requested resource does not support http method '{method}'.",
                {"Allow": ", ".join(sorted(set(allowed)))},
            )
        return error_response(404, "ERROR_UNKNOWN_ROUTE", "No route matches the supplied URI.")

    def call(
        self, handler: Callable[..., ApiResponse], params: dict[str, str], request: ApiRequest
    ) -> ApiResponse:
        """Run a resolved handler, turning ``ApiError`` into its error body."""
        try:
            return handler(request, **params)
        except ApiError as exc:
            return exc.response

    # -- lookups ---------------------------------------------------------------------------------

    def _sc(self, value: str) -> int:
        sc = _int_param(value, "senderCodeId")
        if sc not in self.index.sender_codes:
            raise _not_found("senderCodeId")
        return sc

    def _pl(self, sc: int, value: str) -> int:
        pl = _int_param(value, "phoneListId")
        if (sc, pl) not in self.index.phone_lists:
            raise _not_found("senderCodeId and phoneListId")
        return pl

    def _phone(self, value: str) -> str:
        phone = normalize_phone(value)
        if phone is None:
            raise ApiError(
                400, "ERROR_INVALID_PHONE_NUMBER", "The phoneNumber supplied is in an invalid format."
            )
        return phone

    # -- envelopes and paging --------------------------------------------------------------------

    @staticmethod
    def _collection(data: list[dict[str, Any]], next_cursor: str | None = None) -> ApiResponse:
        return ApiResponse(200, {"status": 200, "nextPageCursor": next_cursor, "data": data})

    def _cursor(self, query: dict[str, str], scope: str) -> tuple[int, int, str]:
        """(offset, page number, request cursor) from ``cursor``; a cursor only fits its own query."""
        raw = query.get("cursor") or "Start"
        if raw.lower() == "start":
            return 0, 1, raw
        try:
            text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode("ascii")
            fingerprint, offset, page = text.split(".")
            if fingerprint != self._fingerprint(scope):
                raise ValueError(raw)
            return int(offset), int(page), raw
        except (ValueError, binascii.Error, UnicodeDecodeError):
            raise _invalid("cursor") from None

    def _fingerprint(self, scope: str) -> str:
        return hashlib.sha256(f"{self._cursor_salt}|{scope}".encode()).hexdigest()[:10]

    def _encode_cursor(self, scope: str, offset: int, page: int) -> str:
        text = f"{self._fingerprint(scope)}.{offset}.{page}"
        return base64.urlsafe_b64encode(text.encode("ascii")).decode("ascii").rstrip("=")

    def _paged(
        self, request: ApiRequest, scope: str, total: int, render: Callable[[int, int], list[dict[str, Any]]]
    ) -> ApiResponse:
        """One page of a collection of ``total`` items; ``render(offset, count)`` makes its records."""
        count = _count_param(request.query)
        offset, page, asked = self._cursor(request.query, scope)
        data = render(offset, count) if offset < total else []
        end = offset + len(data)
        next_cursor = self._encode_cursor(scope, end, page + 1) if end < total else None
        repeat_from = self.repeat_cursor_after_pages
        if next_cursor is not None and repeat_from is not None and page >= repeat_from and page > 1:
            next_cursor = asked  # the server bug: the next page is "the page you just asked for"
        return self._collection(data, next_cursor)

    def _paged_rows(
        self,
        request: ApiRequest,
        scope: str,
        rows: Slice,
        records: Callable[[np.ndarray], list[dict[str, Any]]],
    ) -> ApiResponse:
        return self._paged(request, scope, len(rows), lambda offset, count: records(rows.page(offset, count)))

    def _paged_list(self, request: ApiRequest, scope: str, items: list[dict[str, Any]]) -> ApiResponse:
        return self._paged(request, scope, len(items), lambda offset, count: items[offset : offset + count])

    # -- read routes -----------------------------------------------------------------------------

    def sender_codes(self, request: ApiRequest) -> ApiResponse:
        """GET /ShortCode: every sender code (Collection[SenderCode])."""
        return self._collection(list(self.index.sender_codes.values()))

    def sender_code(self, request: ApiRequest, senderCodeId: str) -> ApiResponse:
        """GET /ShortCode/{senderCodeId}: Resource[SenderCode]."""
        sc = self._sc(senderCodeId)
        return ApiResponse(200, {"status": 200, "data": self.index.sender_codes[sc]})

    def phone_lists(self, request: ApiRequest, senderCodeId: str) -> ApiResponse:
        """GET /ShortCode/{id}/PhoneList?status=active|inactive: the sender code's lists, paged."""
        sc = self._sc(senderCodeId)
        status = (request.query.get("status") or "active").lower()
        if status not in ("active", "inactive"):
            raise _invalid("status")
        lists = [
            pl
            for (s, _), pl in self.index.phone_lists.items()
            if s == sc and str(pl.get("status") or "").lower() == status
        ]
        return self._paged_list(request, f"PhoneList|{sc}|{status}", lists)

    def phone_list(self, request: ApiRequest, senderCodeId: str, phoneListId: str) -> ApiResponse:
        """GET /ShortCode/{id}/PhoneList/{id}: the bare PhoneList object (the spec's schema)."""
        sc = self._sc(senderCodeId)
        pl = self._pl(sc, phoneListId)
        return ApiResponse(200, self.index.phone_lists[(sc, pl)])

    def shells(self, request: ApiRequest, senderCodeId: str, phoneListId: str) -> ApiResponse:
        """GET .../PhoneList/{id}/TransactionalMessage: the list's message shells."""
        sc = self._sc(senderCodeId)
        pl = self._pl(sc, phoneListId)
        return self._collection(list(self.index.merchant.shells.get((sc, pl), [])))

    def shell(
        self, request: ApiRequest, senderCodeId: str, phoneListId: str, transactionalMessageId: str
    ) -> ApiResponse:
        """GET .../TransactionalMessage/{id}: the bare TransactionalMessage object (the spec's schema)."""
        sc = self._sc(senderCodeId)
        pl = self._pl(sc, phoneListId)
        tm = _int_param(transactionalMessageId, "transactionalMessageId")
        shell = self.index.shells.get((sc, pl, tm))
        if shell is None:
            raise _not_found("senderCodeId, phoneListId, and transactionalMessageId")
        return ApiResponse(200, shell)

    def list_contacts(self, request: ApiRequest, senderCodeId: str, phoneListId: str) -> ApiResponse:
        """GET .../PhoneList/{id}/Contact: members by opt-out state and subscribe date, paged."""
        sc = self._sc(senderCodeId)
        pl = self._pl(sc, phoneListId)
        q = request.query
        opted_out = _bool_param(q, "optedOut", False)
        start = q.get("startsubscribedate") or None
        end = q.get("endsubscribedate") or None
        start_ns = parse_date_bound(start, "startSubscribeDate", end=False) if start else None
        end_ns = parse_date_bound(end, "endSubscribeDate", end=True) if end else None
        rows = self.index.list_contacts(sc, pl, opted_out, start_ns, end_ns)
        scope = f"Contact|{sc}|{pl}|{opted_out}|{start_ns}|{end_ns}"
        return self._paged_rows(request, scope, rows, self.index.sms_contacts)

    def contact(self, request: ApiRequest, senderCodeId: str, phoneNumber: str) -> ApiResponse:
        """GET /ShortCode/{id}/Contact/{phone}: Resource[SMSContactSubscriptionDetails]."""
        sc = self._sc(senderCodeId)
        rows = self.index.contact_rows(sc, self._phone(phoneNumber))
        if not len(rows):
            raise _not_found("senderCodeId and phoneNumber")
        return ApiResponse(200, {"status": 200, "data": self.index.contact_details(rows)})

    def contact_lists(self, request: ApiRequest, senderCodeId: str, phoneNumber: str) -> ApiResponse:
        """GET /ShortCode/{id}/Contact/{phone}/PhoneList: the phone's list subscriptions, paged."""
        sc = self._sc(senderCodeId)
        phone = self._phone(phoneNumber)
        rows = self.index.contact_rows(sc, phone)
        if not len(rows):
            raise _not_found("senderCodeId and phoneNumber")
        rows = np.sort(rows)
        return self._paged_rows(
            request, f"ContactList|{sc}|{phone}", Slice(rows, 0, len(rows)), self.index.subscriptions
        )

    def optouts(self, request: ApiRequest, senderCodeId: str) -> ApiResponse:
        """GET /ShortCode/{id}/OptOut?startDate&endDate: the sender code's opt-outs, oldest first, paged."""
        sc = self._sc(senderCodeId)
        q = request.query
        start = q.get("startdate") or None
        end = q.get("enddate") or None
        start_ns = parse_date_bound(start, "startDate", end=False) if start else None
        end_ns = parse_date_bound(end, "endDate", end=True) if end else None
        rows = self.index.optouts(sc, start_ns, end_ns)
        return self._paged_rows(request, f"OptOut|{sc}|{start_ns}|{end_ns}", rows, self.index.optout_records)

    def profile_fields(self, request: ApiRequest, senderCodeId: str) -> ApiResponse:
        """GET /ShortCode/{id}/SegmentationField: Collection[PhoneAttribute]."""
        sc = self._sc(senderCodeId)
        return self._collection(list(self.index.merchant.profile_fields.get(sc, [])))

    def profile_field(self, request: ApiRequest, senderCodeId: str, segmentationFieldId: str) -> ApiResponse:
        """GET /ShortCode/{id}/SegmentationField/{id}: Resource[PhoneAttribute]."""
        sc = self._sc(senderCodeId)
        field_id = _int_param(segmentationFieldId, "segmentationFieldId")
        found = self.index.profile_fields.get((sc, field_id))
        if found is None:
            raise _not_found("senderCodeId and segmentationFieldId")
        return ApiResponse(200, {"status": 200, "data": found})

    # -- the Send route --------------------------------------------------------------------------

    def send(
        self, request: ApiRequest, senderCodeId: str, phoneListId: str, transactionalMessageId: str
    ) -> ApiResponse:
        """POST .../TransactionalMessage/{id}/Message: 201 ResourceCreated or Listrak's error."""
        if request.content_type.split(";")[0].strip().lower() != "application/json":
            raise ApiError(
                415,
                "ERROR_UNSUPPORTED_CONTENT_TYPE",
                "The request Content-Type is not supported; use application/json.",
            )
        sc = _int_param(senderCodeId, "SenderCodeId")
        pl = _int_param(phoneListId, "phoneListId")
        tm = _int_param(transactionalMessageId, "transactionalMessageId")
        names = "phoneListId, transactionalMessageId, and SenderCodeId"
        if sc not in self.index.sender_codes or (sc, pl) not in self.index.phone_lists:
            raise _not_found(names)
        if (sc, pl, tm) not in self.index.shells:
            raise ApiError(
                404,
                "ERROR_TRANSACTIONAL_MESSAGE_NOT_FOUND",
                "The transactionalMessageId supplied does not exist on the phoneListId supplied.",
            )
        try:
            body = json.loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise ApiError(
                400, "ERROR_MALFORMED_REQUEST_BODY", "The request body is not valid JSON."
            ) from None
        if not isinstance(body, dict):
            raise ApiError(400, "ERROR_MALFORMED_REQUEST_BODY", "The request body must be a JSON object.")
        fields = {k.lower(): v for k, v in body.items()}
        if str(self.index.phone_lists[(sc, pl)].get("status") or "").lower() == "inactive":
            raise ApiError(400, "ERROR_LIST_INACTIVE", "The list supplied is inactive.")
        phone = normalize_phone(fields.get("phonenumber"))
        if phone is None:
            raise ApiError(
                400, "ERROR_INVALID_PHONE_NUMBER", "The phoneNumber supplied is in an invalid format."
            )
        content = fields.get("messagecontent")
        if not isinstance(content, str) or not content.strip():
            raise ApiError(400, "ERROR_TRANSACTIONAL_MESSAGE_EMPTY_MESSAGE", "The message content is empty.")
        if _COUPON_TAG.search(content):
            raise ApiError(
                400,
                "ERROR_TRANSACTIONAL_MESSAGE_CONTENT_COUPON_CODE",
                "Transactional message content cannot contain coupon code tags.",
            )
        if phone in self.index.banned:
            raise ApiError(
                400, "ERROR_BANNED_PHONE_NUMBER", "The phoneNumber supplied is banned on this sender code."
            )
        if phone in self.index.suspended:
            raise ApiError(
                400,
                "ERROR_PHONE_NUMBER_SUSPENDED",
                "The phoneNumber supplied has had its service temporarily suspended.",
            )
        idx = self.index
        member = [int(i) for i in idx.contact_rows(sc, phone) if idx.c_pl[i] == pl]
        if not member or idx.c_opted_out[member[0]]:
            raise ApiError(
                400,
                "ERROR_PHONE_NUMBER_NOT_SUBSCRIBED",
                "The phoneNumber supplied is not subscribed to the list supplied.",
            )
        if idx.c_pending_doi[member[0]] or idx.c_pending_age[member[0]]:
            raise ApiError(
                400,
                "ERROR_PENDING_PHONE_NUMBER",
                "The phoneNumber supplied is pending a double opt-in on the list supplied.",
            )
        with self._lock:
            resource_id = str(uuid.UUID(int=self._rng.getrandbits(128), version=4))
            self.sends.append(SentMessage(sc, pl, tm, phone, content, resource_id, time.time()))
        return ApiResponse(201, {"status": 201, "resourceId": resource_id})
