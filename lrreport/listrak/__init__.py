"""Listrak SMS REST API client: OAuth2, retries, pagination, typed errors and a recording sender."""

from lrreport.listrak.auth import ListrakAuth
from lrreport.listrak.client import ListrakClient, format_date
from lrreport.listrak.errors import (
    ListrakAuthError,
    ListrakError,
    ListrakNotFoundError,
    ListrakPaginationError,
    ListrakRequestError,
    ListrakRetryError,
    ListrakTransportError,
)
from lrreport.listrak.retry import RetryPolicy, parse_retry_after
from lrreport.listrak.sender import RecordingSender, SendRecord

__all__ = [
    "ListrakAuth",
    "ListrakAuthError",
    "ListrakClient",
    "ListrakError",
    "ListrakNotFoundError",
    "ListrakPaginationError",
    "ListrakRequestError",
    "ListrakRetryError",
    "ListrakTransportError",
    "RecordingSender",
    "RetryPolicy",
    "SendRecord",
    "format_date",
    "parse_retry_after",
]
