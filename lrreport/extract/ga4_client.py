"""A GA4 Data API client: service-account auth and ``runReport`` with paging and retries.

The key file (the JSON a Google Cloud service account downloads) is read by ``google-auth``, which
signs the JWT grant and exchanges it at the key file's ``token_uri``; its HTTP goes through the
same httpx client as the reports, so both get lrreport's retry policy (429 / RESOURCE_EXHAUSTED,
5xx, timeouts and dropped connections, with backoff and ``Retry-After``). Nothing here prints or
logs the key or the access token; errors name the key file, never its contents.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from google.auth import exceptions as google_exceptions
from google.auth import transport as google_transport
from google.oauth2 import service_account

from lrreport._exceptions import LrreportError
from lrreport.config import Ga4Settings
from lrreport.listrak.retry import EXT_POLICY, RetryPolicy, RetryTransport

log = logging.getLogger("lrreport.extract.ga4")

SCOPE = "https://www.googleapis.com/auth/analytics.readonly"
_KEY_FIELDS = ("client_email", "private_key", "token_uri")


class Ga4Error(LrreportError):
    """A GA4 call failed for good (after retries where a retry could help)."""


class Ga4AuthError(Ga4Error):
    """The key file is unusable or Google (or the property) refused the service account."""


class Ga4QuotaError(Ga4Error):
    """The property's quota stayed exhausted (429 RESOURCE_EXHAUSTED) through every retry."""


@dataclass(frozen=True)
class Page:
    """One runReport answer: its rows, the total ``rowCount`` and the rest of the body."""

    rows: list[dict[str, Any]]
    row_count: int
    body: dict[str, Any]


def load_credentials(key_file: str) -> service_account.Credentials:
    """Service-account credentials from ``key_file`` (path), with the read-only Analytics scope."""
    if not key_file:
        raise Ga4AuthError(
            "no GA4 service-account key file: set [ga4] key_file in the config or GA4_KEY_FILE "
            "in the environment (see the README, 'Connecting GA4')"
        )
    path = Path(key_file).expanduser()
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise Ga4AuthError(f"GA4 key file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise Ga4AuthError(f"GA4 key file {path} cannot be read ({type(exc).__name__})") from None
    except ValueError:
        raise Ga4AuthError(
            f"GA4 key file {path} is not JSON (download the service account's JSON key)"
        ) from None
    missing = [name for name in _KEY_FIELDS if not isinstance(info, dict) or not info.get(name)]
    if missing or info.get("type") != "service_account":
        what = f"lacks {', '.join(missing)}" if missing else "is not a service-account key"
        raise Ga4AuthError(f"GA4 key file {path} {what} (type must be service_account)")
    try:
        return service_account.Credentials.from_service_account_info(info, scopes=[SCOPE])
    except (ValueError, TypeError):  # the private key does not parse; its text is never shown
        raise Ga4AuthError(f"GA4 key file {path}: its private_key is not a valid PEM key") from None


class _Response(google_transport.Response):
    def __init__(self, response: httpx.Response) -> None:
        self._response = response

    @property
    def status(self) -> int:
        return self._response.status_code

    @property
    def headers(self) -> Mapping[str, str]:
        return self._response.headers

    @property
    def data(self) -> bytes:
        return self._response.content


class _Request(google_transport.Request):
    """google-auth's transport over our httpx client (so the token call gets the retry policy)."""

    def __init__(self, client: httpx.Client) -> None:
        self._client = client

    def __call__(
        self,
        url: str,
        method: str = "GET",
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> _Response:
        try:
            response = self._client.request(
                method,
                url,
                content=body,
                headers=dict(headers or {}),
                timeout=timeout if timeout is not None else self._client.timeout,
                extensions={EXT_POLICY: "idempotent"},
            )
        except httpx.HTTPError as exc:
            raise google_exceptions.TransportError(
                f"{type(exc).__name__} calling the token endpoint"
            ) from None
        return _Response(response)


def _google_error(response: httpx.Response) -> tuple[str, str]:
    """(status, message) of a Google error body ``{"error": {"code", "message", "status"}}``."""
    try:
        error = response.json().get("error") or {}
    except ValueError:
        return "", response.text[:200]
    if isinstance(error, str):  # the token route's OAuth form
        return error, str(response.json().get("error_description", ""))
    return str(error.get("status", "")), str(error.get("message", ""))


class Ga4Client:
    """``runReport`` for one property, authenticated as the key file's service account."""

    def __init__(
        self,
        settings: Ga4Settings,
        *,
        transport: httpx.BaseTransport | None = None,
        policy: RetryPolicy | None = None,
    ) -> None:
        self.settings = settings
        self.credentials = load_credentials(settings.key_file)
        self.policy = policy or RetryPolicy(
            max_attempts=settings.max_retries + 1, deadline_s=settings.retry_deadline_s
        )
        inner = transport or httpx.HTTPTransport(retries=0)
        self._http = httpx.Client(
            transport=RetryTransport(inner, self.policy, service="GA4"),
            timeout=settings.timeout_s,
            headers={"User-Agent": "lrreport"},
        )
        self._auth_request = _Request(self._http)
        self.url = f"{settings.base_url.rstrip('/')}/v1beta/properties/{settings.property_id}:runReport"

    def __enter__(self) -> Ga4Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def _token(self, renew: bool = False) -> str:
        if renew or not self.credentials.valid:
            try:
                self.credentials.refresh(self._auth_request)
            except google_exceptions.RefreshError as exc:
                reason = exc.args[0] if exc.args else exc
                raise Ga4AuthError(
                    f"Google refused the service account of {self.settings.key_file}: {reason}"
                ) from None
            except google_exceptions.TransportError as exc:
                raise Ga4Error(f"the GA4 token endpoint could not be reached: {exc}") from None
        return str(self.credentials.token)

    def run_report(self, body: dict[str, Any]) -> Page:
        """One runReport call; a 401 renews the token once, other failures raise typed errors."""
        for attempt in (1, 2):
            try:
                response = self._http.post(
                    self.url,
                    json=body,
                    headers={"Authorization": f"Bearer {self._token(renew=attempt > 1)}"},
                    extensions={EXT_POLICY: "idempotent"},  # a report can be asked for again
                )
            except httpx.HTTPError as exc:
                raise Ga4Error(f"GA4 runReport failed after retries: {type(exc).__name__}: {exc}") from None
            if response.status_code != 401 or attempt == 2:
                break
        if response.status_code == 200:
            data = response.json()
            return Page(data.get("rows") or [], int(data.get("rowCount") or 0), data)
        status, message = _google_error(response)
        where = f"property {self.settings.property_id}"
        if response.status_code == 429:
            raise Ga4QuotaError(
                f"GA4 quota of {where} exhausted ({status or 'HTTP 429'}: {message}); hourly quotas "
                "refill within the hour, daily ones at midnight Pacific time"
            )
        if response.status_code in (401, 403):
            raise Ga4AuthError(
                f"GA4 refused {where} ({status}: {message}); give the service account "
                f"{self.credentials.service_account_email} the Viewer role on the property"
            )
        raise Ga4Error(
            f"GA4 runReport on {where} failed with HTTP {response.status_code} {status}: {message}"
        )

    def pages(self, body: dict[str, Any], page_size: int, concurrency: int = 1) -> Iterator[Page]:
        """Every page of a report, in order: the first gives ``rowCount``, the other offsets (every
        ``page_size`` rows up to it) are then asked for ``concurrency`` at a time (GA4 allows 10
        concurrent requests per property). A page shorter than promised means the report changed."""
        first = self.run_report({**body, "offset": 0, "limit": page_size})
        yield first
        total = first.row_count
        if total and not first.rows:
            raise Ga4Error(f"GA4 answered no rows of {total}: the report changed while it was read")
        offsets = range(len(first.rows), total, page_size)

        def fetch(offset: int) -> Page:
            page = self.run_report({**body, "offset": offset, "limit": page_size})
            if len(page.rows) != min(page_size, total - offset) or page.row_count != total:
                raise Ga4Error(
                    f"GA4 answered {len(page.rows)} rows of {page.row_count} at offset {offset} "
                    f"(expected {min(page_size, total - offset)} of {total}): the report changed "
                    "while it was read; run again"
                )
            return page

        with ThreadPoolExecutor(max(1, concurrency), thread_name_prefix="lrreport-ga4") as pool:
            yield from pool.map(fetch, offsets)
