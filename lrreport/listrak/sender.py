"""The recording sender: sends transactional SMS through Listrak and records every attempt in a
JSONL send log (the send-log columns the loader reads), so a merchant sending through lrreport
gets its send and result data for free.

Record format (one JSON object per line, in ``<log_dir>/sends-YYYY-MM-DD.jsonl``, UTC day)::

    send_id, sent_at (ISO 8601 UTC with offset), sender_code_id, phone_list_id,
    transactional_message_id, phone_number (as given), message_content, http_status,
    resource_id (on 201, else null), error_code (Listrak's error, else null), order_id, latency_ms

An attempt that got no HTTP answer (connection refused or dropped, timeout) is recorded with
``http_status`` 599 and ``error_code`` ``CLIENT_NETWORK_ERROR``.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from lrreport.listrak.client import ListrakClient
from lrreport.listrak.errors import ListrakAuthError, ListrakError, ListrakRetryError, ListrakTransportError
from lrreport.listrak.retry import RETRYABLE_STATUSES
from lrreport.listrak.sendlog import SendLogWriter

log = logging.getLogger("lrreport.listrak")

NETWORK_ERROR_STATUS = 599  # no HTTP answer: recorded with this status ...
NETWORK_ERROR_CODE = "CLIENT_NETWORK_ERROR"  # ... and this error code


@dataclass(frozen=True)
class SendRecord:
    """One Send Transactional Message attempt, as written to the send log."""

    send_id: str
    sent_at: str
    sender_code_id: int
    phone_list_id: int
    transactional_message_id: int
    phone_number: str
    message_content: str
    http_status: int
    resource_id: str | None
    error_code: str | None
    order_id: str | None
    latency_ms: float

    @property
    def accepted(self) -> bool:
        """Listrak accepted the message (HTTP 201)."""
        return self.http_status == 201

    def to_dict(self) -> dict[str, Any]:
        """The record as the send log's columns."""
        return asdict(self)


class RecordingSender:
    """Sends through a :class:`ListrakClient` and appends every attempt to the send log."""

    def __init__(self, client: ListrakClient, log_dir: str | os.PathLike[str]) -> None:
        self.client = client
        self.writer = SendLogWriter(log_dir)

    def send_transactional_message(
        self,
        sender_code_id: int,
        phone_list_id: int,
        transactional_message_id: int,
        phone_number: str,
        message_content: str,
        order_id: str | None = None,
        *,
        retry_send: bool = False,
    ) -> SendRecord:
        """Send one message and record it; returns the record of the last attempt.

        Listrak's refusals (4xx/5xx) and network failures come back as a record with
        ``accepted`` False; only a fatal credentials problem raises (after being recorded).
        With ``retry_send`` a 429/5xx/no-answer attempt is repeated with the client's backoff
        (each attempt its own record) at the risk of a duplicate message.
        """
        policy = self.client.policy
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            record, exc = self._attempt(
                int(sender_code_id), int(phone_list_id), int(transactional_message_id),
                phone_number, message_content, order_id,
            )
            if isinstance(exc, ListrakAuthError):
                raise exc
            retryable = record.http_status in RETRYABLE_STATUSES or record.http_status == NETWORK_ERROR_STATUS
            if not (retry_send and retryable) or attempt >= policy.max_attempts:
                return record
            wait = policy.delay(attempt, getattr(exc, "retry_after", None))
            if time.monotonic() - started + wait > policy.deadline_s:
                return record
            log.info("Send to list %s message %s answered %s; retry %d in %.2f s", phone_list_id,
                     transactional_message_id, record.http_status, attempt, wait)
            time.sleep(wait)

    def _attempt(
        self, sc: int, list_id: int, msg_id: int, phone: str, content: str, order_id: str | None
    ) -> tuple[SendRecord, ListrakError | None]:
        now = datetime.now(UTC)
        t0 = time.perf_counter()
        status, resource_id, error_code, failure = 201, None, None, None
        try:
            resource_id = self.client.send_transactional_message(sc, list_id, msg_id, phone, content) or None
        except (ListrakTransportError, ListrakRetryError) as exc:
            failure = exc
            if exc.status is None:
                status, error_code = NETWORK_ERROR_STATUS, NETWORK_ERROR_CODE
            else:
                status, error_code = exc.status, exc.error
        except ListrakAuthError as exc:
            failure = exc
            status, error_code = exc.status or 401, exc.error or "ERROR_UNAUTHORIZED"
        except ListrakError as exc:
            failure = exc
            status, error_code = exc.status or NETWORK_ERROR_STATUS, exc.error
        latency_ms = round((time.perf_counter() - t0) * 1000, 1)
        record = SendRecord(
            send_id=uuid.uuid4().hex,
            sent_at=now.isoformat(timespec="microseconds"),
            sender_code_id=sc,
            phone_list_id=list_id,
            transactional_message_id=msg_id,
            phone_number=str(phone),
            message_content=content,
            http_status=status,
            resource_id=resource_id,
            error_code=error_code,
            order_id=order_id or None,
            latency_ms=latency_ms,
        )
        self.writer.append(record.to_dict(), now.date())
        return record, failure
