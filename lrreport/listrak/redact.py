"""Keep credentials out of log output: a registry of secret strings and a logging filter that
masks them in any record of the HTTP libraries and of lrreport, as a second line of defence behind
never logging bodies or headers in the first place."""

from __future__ import annotations

import logging
import threading

MASK = "********"
# Loggers whose records are scrubbed; httpcore logs from its child loggers, so each is named.
_LOGGERS = (
    "lrreport",
    "lrreport.listrak",
    "lrreport.extract.listrak",
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "tenacity",
)

_lock = threading.Lock()
_secrets: set[str] = set()
_installed = False


def register_secret(value: str) -> None:
    """Remember ``value`` (a client secret or an access token) so log records never show it."""
    if value and len(value) >= 4:
        with _lock:
            _secrets.add(value)
    _install()


def redact(text: str) -> str:
    """``text`` with every registered secret replaced by a mask."""
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites a record's message with every registered secret masked; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not _secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is not ours to fix here
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def _install() -> None:
    global _installed
    with _lock:
        if _installed:
            return
        _installed = True
    flt = RedactingFilter()
    for name in _LOGGERS:
        logging.getLogger(name).addFilter(flt)
