"""``ListrakClient``: typed access to every Listrak SMS read route that matters for reporting, plus
the Send Transactional Message route, over one thread-safe httpx client with OAuth2, retries and
cursor pagination."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

import httpx

from lrreport.config import Credentials, ListrakSettings
from lrreport.listrak.auth import AUTH_ADVICE, ListrakAuth, _error_fields
from lrreport.listrak.errors import (
    ListrakAuthError,
    ListrakError,
    ListrakNotFoundError,
    ListrakRequestError,
    ListrakRetryError,
    ListrakTransportError,
)
from lrreport.listrak.models import (
    CONTACT,
    CONTACT_DETAILS,
    CONTACT_LIST,
    OPT_OUT,
    PHONE_LIST,
    PROFILE_FIELD,
    SENDER_CODE,
    TRANSACTIONAL_MESSAGE,
    Model,
)
from lrreport.listrak.paging import check_count, iter_pages
from lrreport.listrak.retry import (
    EXT_ATTEMPTS,
    EXT_POLICY,
    NOT_SENT_ERRORS,
    RETRYABLE_STATUSES,
    RetryPolicy,
    RetryTransport,
    describe,
    parse_retry_after,
)

log = logging.getLogger("lrreport.listrak")

Page = list[dict[str, Any]]
DateLike = date | datetime | str | None


def format_date(value: DateLike) -> str | None:
    """A date query parameter as Listrak takes it: ``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM:SS``."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            raise ValueError(f"Listrak date filters carry no offset; pass a naive datetime, got {value}")
        return value.strftime("%Y-%m-%dT%H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"):
        try:
            datetime.strptime(text, fmt)
            return text
        except ValueError:
            continue
    raise ValueError(f"date filter {value!r} is not YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS")


def phone_path(phone_number: str) -> str:
    """A phone number as a path segment: Listrak's digits with country code (``+`` and separators
    dropped), URL-quoted."""
    text = str(phone_number).strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    if text and all(ch.isdigit() or ch in "+-(). " for ch in text) and digits:
        text = digits
    return quote(text, safe="")


def unwrap_resource(body: Any) -> dict[str, Any]:
    """One resource from either envelope ``{"status", "data": {...}}`` or the bare object the spec
    shows for some routes."""
    if isinstance(body, dict) and isinstance(body.get("data"), dict) and set(body) <= {"status", "data"}:
        return body["data"]
    if isinstance(body, dict):
        return body
    raise ListrakError("expected a JSON object")


class ListrakClient:
    """Thread-safe client for Listrak's SMS REST API (use as a context manager).

    Options: ``max_retries`` / ``deadline_s`` / ``backoff_base_s`` / ``backoff_cap_s`` (retry policy),
    ``timeout_s``, ``token_refresh_margin_s``, ``max_connections``, ``transport`` (an inner httpx
    transport, e.g. for a proxy set-up).
    """

    def __init__(
        self,
        settings: ListrakSettings,
        credentials: Credentials,
        *,
        max_retries: int | None = None,
        deadline_s: float | None = None,
        backoff_base_s: float = 0.5,
        backoff_cap_s: float = 30.0,
        timeout_s: float | None = None,
        token_refresh_margin_s: float = 60.0,
        max_connections: int | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.policy = RetryPolicy(
            max_attempts=1 + (settings.max_retries if max_retries is None else max_retries),
            base_s=backoff_base_s,
            cap_s=backoff_cap_s,
            deadline_s=settings.retry_deadline_s if deadline_s is None else deadline_s,
        )
        timeout = httpx.Timeout(settings.timeout_s if timeout_s is None else timeout_s)
        conns = max_connections or max(10, 2 * settings.concurrency)
        limits = httpx.Limits(max_connections=conns, max_keepalive_connections=conns)
        headers = {"Accept": "application/json", "User-Agent": "lrreport (+listrak sms reporting)"}
        self._token_http = httpx.Client(
            transport=RetryTransport(httpx.HTTPTransport(), self.policy, service="Listrak"),
            timeout=timeout,
            headers=headers,
        )
        self.auth = ListrakAuth(
            settings.token_url, credentials, self._token_http, refresh_margin_s=token_refresh_margin_s
        )
        inner = transport or httpx.HTTPTransport(limits=limits)
        self._http = httpx.Client(
            base_url=settings.api_base_url.rstrip("/") + "/",
            transport=RetryTransport(inner, self.policy, service="Listrak"),
            auth=self.auth,
            timeout=timeout,
            headers=headers,
        )
        self.page_size = check_count(settings.page_size)

    def __repr__(self) -> str:
        return f"ListrakClient(api_base_url={self.settings.api_base_url!r})"

    def __enter__(self) -> ListrakClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pools."""
        self._http.close()
        self._token_http.close()

    # -- plumbing -------------------------------------------------------------------------------
    def _request(
        self, method: str, path: str, *, params: dict[str, Any] | None = None,
        json: Any = None, mode: str | None = None,
    ) -> httpx.Response:
        params = {k: v for k, v in (params or {}).items() if v is not None}
        request = self._http.build_request(method, path.lstrip("/"), params=params, json=json)
        if mode:
            request.extensions[EXT_POLICY] = mode
        route = describe(request)
        try:
            response = self._http.send(request)
        except ListrakError:
            raise
        except httpx.TransportError as exc:
            attempts = getattr(exc, "lrreport_attempts", 1)
            if method == "GET" or mode == "send-retry":
                raise ListrakRetryError(
                    f"no answer after {attempts} attempt(s) ({type(exc).__name__})",
                    attempts=attempts, route=route,
                ) from None
            raise ListrakTransportError(
                f"no answer ({type(exc).__name__})",
                delivered_maybe=not isinstance(exc, NOT_SENT_ERRORS),
                route=route,
            ) from None
        if response.is_success:
            return response
        raise self._error(response, route)

    def _error(self, response: httpx.Response, route: str) -> ListrakError:
        status = response.status_code
        error, message = _error_fields(response)
        message = message or response.reason_phrase or "request failed"
        if status == 401 or error in ("ERROR_UNAUTHORIZED", "ERROR_INVALID_CREDENTIALS"):
            return ListrakAuthError(
                f"Listrak refused a freshly issued access token ({message})",
                status=status, error=error, route=route, detail=AUTH_ADVICE,
            )
        if status == 404:
            return ListrakNotFoundError(message, status=status, error=error, route=route)
        attempts = response.extensions.get(EXT_ATTEMPTS, 1)
        if status in RETRYABLE_STATUSES and (attempts > 1 or response.request.method == "GET"):
            return ListrakRetryError(
                f"{message} (gave up after {attempts} attempt(s))",
                attempts=attempts, status=status, error=error, route=route,
            )
        if 400 <= status < 500 and status not in RETRYABLE_STATUSES:
            return ListrakRequestError(message, status=status, error=error, route=route)
        exc = ListrakError(message, status=status, error=error, route=route)
        exc.retry_after = parse_retry_after(response.headers.get("Retry-After"))
        return exc

    def _get_json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        response = self._request("GET", path, params=params)
        try:
            return response.json()
        except ValueError:
            raise ListrakError(
                "answered with a body that is not JSON", status=response.status_code,
                route=describe(response.request),
            ) from None

    def _get_one(self, path: str, model: Model) -> dict[str, Any]:
        body = self._get_json(path)
        try:
            record = unwrap_resource(body)
        except ListrakError:
            raise ListrakError("expected one resource as a JSON object", route=f"GET {path}") from None
        return model.parse(record, f"GET {path}")

    def _pages(
        self, path: str, model: Model, params: dict[str, Any] | None = None, *, paged: bool = True,
        count: int | None = None,
    ) -> Iterator[Page]:
        base = dict(params or {})
        if paged:
            base["count"] = check_count(count if count is not None else self.page_size)

        def fetch(cursor: str | None) -> Any:
            query = dict(base)
            if cursor is not None:
                query["cursor"] = cursor
            return self._get_json(path, query)

        pages = iter_pages(fetch, f"GET {path}", first_cursor="Start" if paged else None)
        for number, page in enumerate(pages, start=1):
            yield [model.parse(record, f"GET {path} page {number}") for record in page]

    def _all(
        self, path: str, model: Model, params: dict[str, Any] | None = None, *, paged: bool = True
    ) -> Page:
        rows: Page = []
        for page in self._pages(path, model, params, paged=paged):
            rows.extend(page)
        return rows

    # -- sender codes ---------------------------------------------------------------------------
    def sender_codes(self) -> Page:
        """Every sender code (short code) of the account: ``GET /ShortCode``."""
        return self._all("ShortCode", SENDER_CODE, paged=False)

    def sender_code(self, sender_code_id: int) -> dict[str, Any]:
        """One sender code: ``GET /ShortCode/{id}``."""
        return self._get_one(f"ShortCode/{int(sender_code_id)}", SENDER_CODE)

    # -- lists and message shells -----------------------------------------------------------------
    def phone_lists(self, sender_code_id: int, status: str = "active") -> Page:
        """The SMS lists of a sender code with the given status (``active`` or ``inactive``)."""
        if status not in ("active", "inactive"):
            raise ValueError(f"list status must be 'active' or 'inactive', got {status!r}")
        return self._all(f"ShortCode/{int(sender_code_id)}/PhoneList", PHONE_LIST, {"status": status})

    def phone_list(self, sender_code_id: int, phone_list_id: int) -> dict[str, Any]:
        """One SMS list."""
        return self._get_one(f"ShortCode/{int(sender_code_id)}/PhoneList/{int(phone_list_id)}", PHONE_LIST)

    def transactional_messages(self, sender_code_id: int, phone_list_id: int) -> Page:
        """The transactional message shells of a list."""
        return self._all(
            f"ShortCode/{int(sender_code_id)}/PhoneList/{int(phone_list_id)}/TransactionalMessage",
            TRANSACTIONAL_MESSAGE,
            paged=False,
        )

    def transactional_message(
        self, sender_code_id: int, phone_list_id: int, transactional_message_id: int
    ) -> dict[str, Any]:
        """One transactional message shell."""
        return self._get_one(
            f"ShortCode/{int(sender_code_id)}/PhoneList/{int(phone_list_id)}"
            f"/TransactionalMessage/{int(transactional_message_id)}",
            TRANSACTIONAL_MESSAGE,
        )

    # -- contacts ---------------------------------------------------------------------------------
    def iter_contact_pages(
        self,
        sender_code_id: int,
        phone_list_id: int,
        *,
        opted_out: bool = False,
        start_subscribe_date: DateLike = None,
        end_subscribe_date: DateLike = None,
        count: int | None = None,
    ) -> Iterator[Page]:
        """Pages of a list's contacts (``optedOut`` and subscribe-date filters), one page at a time."""
        params = {
            "optedOut": "true" if opted_out else "false",
            "startSubscribeDate": format_date(start_subscribe_date),
            "endSubscribeDate": format_date(end_subscribe_date),
        }
        return self._pages(
            f"ShortCode/{int(sender_code_id)}/PhoneList/{int(phone_list_id)}/Contact", CONTACT, params,
            count=count,
        )

    def contact(self, sender_code_id: int, phone_number: str) -> dict[str, Any]:
        """One contact with its subscribe / unsubscribe dates."""
        path = f"ShortCode/{int(sender_code_id)}/Contact/{phone_path(phone_number)}"
        return self._get_one(path, CONTACT_DETAILS)

    def contact_lists(self, sender_code_id: int, phone_number: str) -> Page:
        """A contact's list subscriptions (state, subscribe / unsubscribe / pending dates)."""
        return self._all(
            f"ShortCode/{int(sender_code_id)}/Contact/{phone_path(phone_number)}/PhoneList", CONTACT_LIST
        )

    # -- opt-outs ---------------------------------------------------------------------------------
    def iter_optout_pages(
        self,
        sender_code_id: int,
        *,
        start_date: DateLike = None,
        end_date: DateLike = None,
        count: int | None = None,
    ) -> Iterator[Page]:
        """Pages of a sender code's opt-outs, optionally between ``start_date`` and ``end_date``."""
        params = {"startDate": format_date(start_date), "endDate": format_date(end_date)}
        return self._pages(f"ShortCode/{int(sender_code_id)}/OptOut", OPT_OUT, params, count=count)

    # -- profile fields ---------------------------------------------------------------------------
    def profile_fields(self, sender_code_id: int) -> Page:
        """The profile (segmentation) fields of a sender code's company."""
        return self._all(f"ShortCode/{int(sender_code_id)}/SegmentationField", PROFILE_FIELD, paged=False)

    def profile_field(self, sender_code_id: int, segmentation_field_id: int) -> dict[str, Any]:
        """One profile field."""
        return self._get_one(
            f"ShortCode/{int(sender_code_id)}/SegmentationField/{int(segmentation_field_id)}", PROFILE_FIELD
        )

    # -- sending ----------------------------------------------------------------------------------
    def send_transactional_message(
        self,
        sender_code_id: int,
        phone_list_id: int,
        transactional_message_id: int,
        phone_number: str,
        message_content: str,
        *,
        retry_send: bool = False,
    ) -> str:
        """Send one transactional SMS; returns Listrak's ``resourceId`` or raises a ListrakError.

        Without ``retry_send`` the POST is repeated only when it provably never left (connection
        refused); with it, also after 429/5xx/timeouts, at the risk of a duplicate message.
        """
        response = self._request(
            "POST",
            f"ShortCode/{int(sender_code_id)}/PhoneList/{int(phone_list_id)}"
            f"/TransactionalMessage/{int(transactional_message_id)}/Message",
            json={"phoneNumber": str(phone_number), "messageContent": message_content},
            mode="send-retry" if retry_send else "send",
        )
        try:
            body = response.json()
        except ValueError:
            body = {}
        resource_id = body.get("resourceId") if isinstance(body, dict) else None
        return str(resource_id) if resource_id is not None else ""
