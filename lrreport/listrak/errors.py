"""Typed errors of the Listrak client: each carries the HTTP status, Listrak's ``error`` code and
``message``, and the route (method and path, never the query string or a credential)."""

from __future__ import annotations

from lrreport._exceptions import LrreportError


class ListrakError(LrreportError):
    """A Listrak API call failed; ``status`` is the HTTP status (None when no answer came back)."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        error: str | None = None,
        route: str | None = None,
        detail: str | None = None,
    ) -> None:
        self.status = status
        self.error = error  # Listrak's error code, e.g. ERROR_UNABLE_TO_LOCATE_RESOURCE
        self.message = message  # Listrak's message, or ours when Listrak gave none
        self.route = route  # "GET /sms/v1/ShortCode/12" (no query, no secrets)
        self.detail = detail  # extra advice for a person
        self.retry_after: float | None = None  # the server's Retry-After, when it gave one
        super().__init__(self._text())

    def _text(self) -> str:
        parts = []
        if self.route:
            parts.append(self.route)
        head = " ".join(p for p in (f"HTTP {self.status}" if self.status else "", self.error or "") if p)
        if head:
            parts.append(head)
        text = ": ".join(parts + [self.message]) if parts else self.message
        return f"{text}. {self.detail}" if self.detail else text

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status!r}, error={self.error!r}, "
            f"route={self.route!r}, message={self.message!r})"
        )


class ListrakAuthError(ListrakError):
    """Fatal: Listrak refused the credentials or the token (wrong id/secret, paused integration,
    IP address not whitelisted). Retrying does not help; a person must act."""


class ListrakNotFoundError(ListrakError):
    """The route exists but the resource does not (404, ERROR_UNABLE_TO_LOCATE_RESOURCE ...)."""


class ListrakRequestError(ListrakError):
    """Listrak refused the request as invalid (400, 405, 415): a bug or a bad argument, not transient."""


class ListrakRetryError(ListrakError):
    """A transient failure (429, 5xx, timeout, dropped connection) outlasted the retry budget."""

    def __init__(self, message: str, *, attempts: int, **kwargs: object) -> None:
        self.attempts = attempts
        super().__init__(message, **kwargs)  # type: ignore[arg-type]


class ListrakTransportError(ListrakError):
    """No answer came back (connection refused or dropped, timeout) and the call was not retried,
    e.g. a Send that may already have been delivered."""

    def __init__(self, message: str, *, delivered_maybe: bool, **kwargs: object) -> None:
        self.delivered_maybe = delivered_maybe  # False when the request never left this machine
        super().__init__(message, **kwargs)  # type: ignore[arg-type]


class ListrakPaginationError(ListrakError):
    """Listrak handed back a page cursor it had given before: following it would loop forever."""
