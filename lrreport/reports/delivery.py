"""Mail a published report: the HTML attached, the key numbers, flags and benchmarks in the body.

The message is put together from the published folder (``report.json`` and the HTML), so nothing
is mailed before the report is published. The key numbers are the overview's tiles
(``tables.OVERVIEW_METRICS``), read with the metric registry's KPI query for the report's period and
sender code, the same numbers the report shows. Sending uses ``smtplib`` with ``[smtp]``: STARTTLS
(verified against the system's CAs plus ``ca_file``), login as ``user`` with the password from
``LRREPORT_SMTP_PASSWORD`` only. One call of :func:`send` is one try; :func:`deliver` makes several,
waiting between them, and tells a failure worth another try (dropped connection, timeout, a 4xx
answer) from one that is not (5xx, refused login, an untrusted certificate).
"""

from __future__ import annotations

import datetime as dt
import json
import smtplib
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from typing import Any

import duckdb

from lrreport._exceptions import LrreportError
from lrreport.config import SMTP_PASSWORD_ENV, Secret, Settings, smtp_password_from_env
from lrreport.reports import alerts as report_alerts
from lrreport.reports import benchmarks
from lrreport.reports.data import kpi_totals
from lrreport.reports.narrative import describe_period
from lrreport.reports.tables import OVERVIEW_METRICS, format_value
from lrreport.warehouse import metric_registry


class DeliveryError(LrreportError):
    """One try at mailing a report failed; ``transient`` tells whether trying again may help."""

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


@dataclass(frozen=True)
class DeliveryResult:
    """How the tries of one :func:`deliver` call went."""

    sent: bool
    attempts: int
    error: str | None = None  # the last failure (or, when sent, recipients the server refused)


# ---------------------------------------------------------------------------------------------- the body


def read_report(folder: Path) -> dict[str, Any]:
    """The ``report.json`` of a published report folder."""
    return json.loads((folder / "report.json").read_text(encoding="utf-8"))


def summary_text(con: duckdb.DuckDBPyConnection | None, settings: Settings, meta: dict[str, Any]) -> str:
    """The mail body: the period, the key numbers against the comparison period, flags, benchmarks.

    ``con`` reads the report's warehouse (None: key numbers left out, saying why).
    """
    lines = [str(meta.get("title") or meta.get("report") or "lrreport report")]
    if not (meta.get("start") and meta.get("end")):
        return "\n".join([*lines, "", _ATTACHED])
    start, end = dt.date.fromisoformat(meta["start"]), dt.date.fromisoformat(meta["end"])
    params = meta.get("parameters") or {}
    sender = params.get("sender_code_id")
    sender = None if sender in (None, "") else int(sender)
    lines.append(f"{describe_period(start, end)}, dates in {meta.get('timezone')}"
                 + (f", sender code {sender}" if sender is not None else "") + ".")
    if con is None:
        return "\n".join([*lines, "", "Key numbers: the warehouse could not be read.", "", _ATTACHED])
    currency = settings.business.currency
    try:
        compare = report_alerts.check_compare(params.get("compare"), settings)
        before = report_alerts.comparison_period(start, end, compare)
        current = kpi_totals(con, settings, start, end, sender)
        previous = kpi_totals(con, settings, *before, sender)
        flags = report_alerts.alerts(con, settings, start, end, sender_code_id=sender, compare=compare)
    except LrreportError as exc:
        return "\n".join([*lines, "", f"Key numbers: not available ({exc}).", "", _ATTACHED])
    registry = metric_registry.load()
    label = report_alerts.comparison_label(start, end, compare)
    lines += ["", f"Key numbers (in brackets: the {label}):"]
    for name in OVERVIEW_METRICS:
        metric = registry[name]
        now = format_value(current.get(name), metric.kind, currency)  # type: ignore[arg-type]
        was = format_value(previous.get(name), metric.kind, currency)  # type: ignore[arg-type]
        lines.append(f"  {metric.label}: {now} ({was})")
    lines += ["", f"Flags ({len(flags)}):" if flags else "Flags: none."]
    lines += [f"  - {flag.text}" for flag in flags]
    shown = benchmarks.lines(current, currency)
    if shown:
        lines += ["", "Published benchmarks:"] + [f"  - {line}" for line in shown]
    return "\n".join([*lines, "", _ATTACHED])


_ATTACHED = "The full report is attached: one HTML file that opens in any browser, offline."


def compose(
    settings: Settings, folder: Path, recipients: tuple[str, ...], body: str, *, message_id: str
) -> EmailMessage:
    """The message for the published report in ``folder``: ``body`` as text, its HTML attached."""
    meta = read_report(folder)
    html_name = meta.get("html")
    if not html_name or not (folder / html_name).is_file():
        raise DeliveryError(f"{folder} holds no published HTML report to mail", transient=False)
    message = EmailMessage()
    period = f" {meta['start']} to {meta['end']}" if meta.get("start") and meta.get("end") else ""
    message["Subject"] = f"{meta.get('title') or meta.get('report')}:{period}".rstrip(":")
    message["From"] = sender_address(settings)
    message["To"] = ", ".join(recipients)
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = message_id
    message.set_content(body)
    stem = str(meta.get("report") or Path(html_name).stem) + (
        f"_{meta['start']}_{meta['end']}" if meta.get("start") and meta.get("end") else ""
    )
    message.add_attachment(
        (folder / html_name).read_bytes(), maintype="text", subtype="html", filename=f"{stem}.html"
    )
    return message


def sender_address(settings: Settings) -> str:
    """The From address: ``[smtp] sender``, else the login user, else lrreport@<this host>."""
    smtp = settings.smtp
    if smtp.sender:
        return smtp.sender
    if "@" in smtp.user:
        return smtp.user
    return f"lrreport@{socket.getfqdn() or 'localhost'}"


# ---------------------------------------------------------------------------------------------- sending


def _tls_context(settings: Settings) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if settings.smtp.ca_file:
        try:
            context.load_verify_locations(cafile=str(Path(settings.smtp.ca_file).expanduser()))
        except (OSError, ssl.SSLError) as exc:
            raise DeliveryError(f"[smtp] ca_file {settings.smtp.ca_file}: {exc}", transient=False) from None
    return context


def _answer(exc: smtplib.SMTPResponseException) -> str:
    raw = exc.smtp_error
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return f"{exc.smtp_code} {' '.join(text.split())}"


def send(settings: Settings, message: EmailMessage, *, password: Secret | None = None) -> list[str]:
    """One try at handing ``message`` to the SMTP server; returns the recipients it refused.

    Raises DeliveryError (``transient`` set when trying again may help).
    """
    smtp = settings.smtp
    where = f"SMTP server {smtp.host}:{smtp.port}"
    password = password if password is not None else smtp_password_from_env()
    if smtp.user and not password:
        raise DeliveryError(f"[smtp] user is set but {SMTP_PASSWORD_ENV} is not", transient=False)
    recipients = [a.strip() for a in str(message["To"]).split(",") if a.strip()]
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_s) as server:
            server.ehlo()
            if smtp.starttls:
                if not server.has_extn("starttls"):
                    raise DeliveryError(f"{where} does not offer STARTTLS ([smtp] starttls = true)",
                                        transient=False)
                server.starttls(context=_tls_context(settings))
                server.ehlo()
            if smtp.user:
                server.login(smtp.user, password.reveal())  # type: ignore[union-attr]
            refused = server.send_message(message, from_addr=sender_address(settings), to_addrs=recipients)
    except DeliveryError:
        raise
    except smtplib.SMTPAuthenticationError as exc:
        text = f"{where} refused the login of {smtp.user}: {_answer(exc)}"
        raise DeliveryError(text, transient=False) from None
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        detail = "; ".join(f"{who}: {code}" for who, (code, _) in exc.recipients.items())
        raise DeliveryError(
            f"{where} refused every recipient ({detail})", transient=all(400 <= c < 500 for c in codes)
        ) from None
    except smtplib.SMTPResponseException as exc:
        transient = 400 <= exc.smtp_code < 500
        raise DeliveryError(f"{where} answered {_answer(exc)}", transient=transient) from None
    except smtplib.SMTPServerDisconnected as exc:
        text = str(exc) or "before answering"
        raise DeliveryError(f"{where} closed the connection: {text}", transient=True) from None
    except ssl.SSLCertVerificationError as exc:
        raise DeliveryError(
            f"{where}: its TLS certificate is not trusted ({exc.verify_message}); "
            "set [smtp] ca_file to trust a private CA", transient=False,
        ) from None
    except (smtplib.SMTPException, OSError) as exc:  # refused, reset, timed out, TLS failures
        raise DeliveryError(f"{where}: {type(exc).__name__}: {exc}", transient=True) from None
    return sorted(refused)


def deliver(
    settings: Settings,
    message: EmailMessage,
    *,
    attempts: int,
    on_attempt: Callable[[bool, str | None], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> DeliveryResult:
    """Up to ``attempts`` tries of :func:`send`, waiting ``retry_delay_s`` (doubling) between them.

    ``on_attempt(sent, error)`` is called after each try, so every one is recorded as it happens. A
    failure that trying again cannot mend ends the tries at once.
    """
    delay = settings.smtp.retry_delay_s
    error: str | None = None
    for attempt in range(1, attempts + 1):
        try:
            refused = send(settings, message)
        except DeliveryError as exc:
            error = str(exc)
            if on_attempt is not None:
                on_attempt(False, error)
            if not exc.transient or attempt == attempts:
                return DeliveryResult(False, attempt, error)
            sleep(delay)
            delay *= 2
            continue
        note = f"the server refused {', '.join(refused)}" if refused else None
        if on_attempt is not None:
            on_attempt(True, note)
        return DeliveryResult(True, attempt, note)
    return DeliveryResult(False, 0, error)
