"""Mailing scheduled reports, against a real SMTP server on loopback (aiosmtpd, started here).

Success (the message, its attachment and its body), a server that refuses (5xx), one that drops the
connection, STARTTLS with a certificate of a CA made in the test, login, and the bookkeeping in
``meta.schedule_runs``: a failed mailing is tried again by the next run, a mailed report never again.
"""

from __future__ import annotations

import email
import email.policy
import json
import socket
import ssl
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from lrreport.config import SmtpSettings, load_settings
from lrreport.reports import delivery
from lrreport.reports.alerts import alerts
from lrreport.reports.schedule import run_due
from lrreport.reports.tables import OVERVIEW_METRICS, format_value
from lrreport.warehouse import metric_registry
from lrreport.warehouse.metrics import kpis

from .conftest import NOTEBOOKS, make_warehouse, run_cli

UTC = ZoneInfo("UTC")
PASSWORD = "s3cret-smtp-pw-7781"  # what the test server accepts; must never show anywhere


class Inbox:
    """An aiosmtpd handler that keeps what it receives; ``mode`` makes it accept, refuse or drop."""

    def __init__(self) -> None:
        self.mode = "accept"  # accept | refuse (554 on DATA) | drop (close the connection on DATA)
        self.drops_left = 0  # with mode accept: drop this many connections first
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.tries = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201 - aiosmtpd's hook
        self.tries += 1
        if self.mode == "drop" or self.drops_left > 0:
            self.drops_left = max(0, self.drops_left - 1)
            server.transport.close()
            return "421 closing"
        if self.mode == "refuse":
            return "554 5.7.1 Message rejected by policy"
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    """A plain SMTP server on 127.0.0.1 (no TLS, no login)."""
    inbox, port = Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[Inbox, int, Path]]:
    """An SMTP server that requires STARTTLS (a certificate of a CA made here) and a login."""
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(server_context)
    ca_file = tmp_path / "test-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))

    def authenticator(server, session, envelope, mechanism, auth_data):  # noqa: ANN001, ANN202
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"reports@example.test" and (
            auth_data.password == PASSWORD.encode()
        )
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself

    inbox, port = Inbox(), _free_port()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, tls_context=server_context, require_starttls=True,
        authenticator=authenticator, auth_required=True, auth_require_tls=True,
    )  # fmt: skip
    controller.start()
    try:
        yield inbox, port, ca_file
    finally:
        controller.stop()


def _config(
    tmp_path: Path, port: int, *, notebook: str, params: str, database: Path, extra: str = ""
) -> Path:
    cfg = tmp_path / "lrreport.toml"
    cfg.write_text(
        f"""
[warehouse]
database = "{database}"
[reports]
output_dir = "{tmp_path / "reports"}"
[smtp]
host = "127.0.0.1"
port = {port}
starttls = false
sender = "lrreport@example.test"
retry_delay_s = 0.05
timeout_s = 10
{extra}

[schedules.weekly]
notebook = "{notebook}"
cron = "0 7 * * MON"
params = {params}
email_to = ["ana@example.test", "ben@example.test"]
""",
        encoding="utf-8",
    )
    return cfg


def _mail_columns(database: Path) -> list[tuple]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute(
            "SELECT status, email_status, email_attempts, emailed_at IS NOT NULL, email_error "
            "FROM meta.schedule_runs ORDER BY slot_at, attempt"
        ).fetchall()
    finally:
        con.close()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# --- success: the overview of the demo warehouse, mailed after it is published ------------------


def test_schedule_mails_the_published_report_with_its_key_numbers_once(
    demo_warehouse_copy, smtp_server, tmp_path: Path
) -> None:
    inbox, port = smtp_server
    db = demo_warehouse_copy.database
    cfg = _config(tmp_path, port, notebook="overview", database=db,
                  params='{ start_date = "2026-11-09", end_date = "2026-11-15" }')  # fmt: skip
    code, out, err = run_cli("--config", str(cfg), "schedule", "run", "--now", "2026-11-16T14:00:00Z")
    assert code == 0, out + err
    assert "weekly: ran" in out and "weekly: mailed to ana@example.test, ben@example.test (try 1)" in out

    (message,) = inbox.messages
    assert inbox.envelopes == [("lrreport@example.test", ["ana@example.test", "ben@example.test"])]
    assert message["Subject"] == "Transactional SMS overview: 2026-11-09 to 2026-11-15"
    assert message["To"] == "ana@example.test, ben@example.test"
    # the attachment is the published HTML, byte for byte
    (published,) = (tmp_path / "reports" / "weekly").glob("2*/overview.html")
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "weekly_2026-11-09_2026-11-15.html"
    assert attachment.get_content_type() == "text/html"
    assert attachment.get_payload(decode=True) == published.read_bytes()

    # the body: every overview tile's number as the registry's KPI query gives it, then and before
    body = message.get_body(("plain",)).get_content()
    settings = load_settings(cfg)
    con = duckdb.connect(str(db), read_only=True)
    try:
        now = kpis(con, settings, datetime(2026, 11, 9).date(), datetime(2026, 11, 15).date()).iloc[-1]
        before = kpis(con, settings, datetime(2026, 11, 2).date(), datetime(2026, 11, 8).date()).iloc[-1]
        flags = alerts(con, settings, datetime(2026, 11, 9).date(), datetime(2026, 11, 15).date())
    finally:
        con.close()
    registry = metric_registry.load()
    assert "Mon 9 Nov 2026 to Sun 15 Nov 2026 (7 days), dates in America/New_York." in body
    assert "Key numbers (in brackets: the previous 7 days):" in body
    for name in OVERVIEW_METRICS:
        metric = registry[name]
        shown = format_value(now[name], metric.kind), format_value(before[name], metric.kind)
        line = f"  {metric.label}: {shown[0]} ({shown[1]})"
        assert line in body.splitlines(), (line, body)
    assert now["attempts"] > 1000  # a real week of the demo merchant, not an empty period
    for flag in flags:
        assert flag.text in body
    assert ("Flags: none." in body) == (not flags)
    assert "Opt-out rate (24 h)" in body and "Klaviyo SMS campaigns" in body  # a comparable benchmark
    assert "click_rate" not in body

    assert _mail_columns(db) == [("ok", "sent", 1, True, None)]
    # later runs: not due, and the report that went is never mailed again
    code, out, _ = run_cli("--config", str(cfg), "schedule", "run", "--now", "2026-11-16T14:05:00Z")
    assert code == 0 and "weekly: not due" in out and "mailed" not in out
    assert len(inbox.messages) == 1 and inbox.tries == 1


# --- failures, retries and the bookkeeping -----------------------------------------------------


def _quick_config(tmp_path: Path, port: int, extra: str = "") -> Path:
    db = make_warehouse(tmp_path / "wh.duckdb")
    return _config(tmp_path, port, notebook=str(NOTEBOOKS / "figures.ipynb"), database=db,
                   params='{ start_date = "2025-01-05", end_date = "2025-01-11", figures = 1 }',
                   extra=extra)  # fmt: skip


def test_a_refusing_server_is_recorded_and_the_next_run_mails_it_once(smtp_server, tmp_path: Path) -> None:
    inbox, port = smtp_server
    inbox.mode = "refuse"
    cfg = _quick_config(tmp_path, port)
    db = tmp_path / "wh.duckdb"
    code, out, err = run_cli("--config", str(cfg), "schedule", "run", "--now", "2025-03-10T12:00:00Z")
    assert code == 1 and "weekly: ran" in out
    assert "mailing to ana@example.test, ben@example.test FAILED after try 1 (8 more tries" in err
    assert "answered 554 5.7.1 Message rejected by policy" in err
    assert inbox.tries == 1  # a 5xx is not tried again within the run
    ((status, mail, tries, sent, error),) = _mail_columns(db)
    assert (status, mail, tries, sent) == ("ok", "failed", 1, False) and "554" in error

    inbox.mode = "accept"
    code, out, err = run_cli("--config", str(cfg), "schedule", "run", "--now", "2025-03-10T12:05:00Z")
    assert code == 0, out + err
    assert "weekly: not due" in out and "weekly: mailed to ana@example.test, ben@example.test (try 2)" in out
    assert _mail_columns(db) == [("ok", "sent", 2, True, None)]
    code, out, _ = run_cli("--config", str(cfg), "schedule", "run", "--now", "2025-03-10T12:10:00Z")
    assert code == 0 and "mailed" not in out
    assert len(inbox.messages) == 1
    body = inbox.messages[0].get_body(("plain",)).get_content()
    # this tiny warehouse has no marts: the body says so instead of inventing numbers
    assert "Key numbers: not available (the marts are not built yet" in body


def test_a_dropped_connection_is_tried_again_within_the_run(smtp_server, tmp_path: Path) -> None:
    inbox, port = smtp_server
    inbox.drops_left = 1
    cfg = _quick_config(tmp_path, port)
    (outcome,) = run_due(load_settings(cfg), at("2025-03-10 12:00"))
    assert outcome.action == "ran" and not outcome.mail_failed
    assert outcome.mailed == "mailed to ana@example.test, ben@example.test (try 2)"
    assert inbox.tries == 2 and len(inbox.messages) == 1
    assert _mail_columns(tmp_path / "wh.duckdb") == [("ok", "sent", 2, True, None)]


def test_a_server_that_always_drops_uses_the_tries_of_a_run_then_of_later_runs(
    smtp_server, tmp_path: Path
) -> None:
    inbox, port = smtp_server
    inbox.mode = "drop"
    cfg = _quick_config(tmp_path, port, extra="attempts_per_run = 2\nmax_attempts = 3")
    settings = load_settings(cfg)
    (first,) = run_due(settings, at("2025-03-10 12:00"))
    assert first.mail_failed and "FAILED after try 2 (1 more try on later runs)" in (first.mailed or "")
    assert "closed the connection" in (first.mailed or "")
    (second,) = run_due(settings, at("2025-03-10 12:05"))
    assert second.mail_failed and "FAILED after try 3 (no tries left)" in (second.mailed or "")
    (third,) = run_due(settings, at("2025-03-10 12:10"))
    assert third.mailed is None and not third.mail_failed  # bounded: nothing more is tried
    assert inbox.tries == 3 and inbox.messages == []
    ((_, mail, tries, _, error),) = _mail_columns(tmp_path / "wh.duckdb")
    assert (mail, tries) == ("failed", 3) and "closed the connection" in error


def test_no_mail_before_the_report_is_published(smtp_server, tmp_path: Path) -> None:
    inbox, port = smtp_server
    db = make_warehouse(tmp_path / "wh.duckdb")
    cfg = _config(tmp_path, port, notebook=str(NOTEBOOKS / "figures.ipynb"), database=db,
                  params='{ start_date = "2025-01-05", end_date = "2025-01-11", fail = true }')  # fmt: skip
    (outcome,) = run_due(load_settings(cfg), at("2025-03-10 12:00"))
    assert outcome.action == "failed" and outcome.mailed is None
    assert inbox.tries == 0
    assert _mail_columns(db)[0][:3] == ("failed", None, 0)


# --- STARTTLS and login ------------------------------------------------------------------------


def _tls_settings(tmp_path: Path, port: int, ca_file: Path | None):  # noqa: ANN202
    cfg = _quick_config(tmp_path, port)
    settings = load_settings(cfg)
    smtp = SmtpSettings(host="127.0.0.1", port=port, starttls=True, user="reports@example.test",
                        ca_file=str(ca_file or ""), retry_delay_s=0.05, timeout_s=10)  # fmt: skip
    return replace(settings, smtp=smtp)


def test_starttls_with_a_private_ca_and_login(tls_server, tmp_path: Path, monkeypatch) -> None:
    inbox, port, ca_file = tls_server
    monkeypatch.setenv("LRREPORT_SMTP_PASSWORD", PASSWORD)
    settings = _tls_settings(tmp_path, port, ca_file)
    (outcome,) = run_due(settings, at("2025-03-10 12:00"))
    assert outcome.mailed == "mailed to ana@example.test, ben@example.test (try 1)", outcome
    (message,) = inbox.messages
    assert message["From"] == "reports@example.test"  # no [smtp] sender: the login
    assert [a.get_filename() for a in message.iter_attachments()] == ["weekly_2025-01-05_2025-01-11.html"]


def test_an_untrusted_certificate_and_a_wrong_password_fail_without_showing_it(
    tls_server, tmp_path: Path, monkeypatch
) -> None:
    inbox, port, ca_file = tls_server
    monkeypatch.setenv("LRREPORT_SMTP_PASSWORD", "not-the-password-1234")
    settings = _tls_settings(tmp_path, port, None)
    (outcome,) = run_due(settings, at("2025-03-10 12:00"))
    assert outcome.mail_failed and "TLS certificate is not trusted" in (outcome.mailed or "")
    assert "set [smtp] ca_file" in (outcome.mailed or "")

    trusted = replace(settings, smtp=replace(settings.smtp, ca_file=str(ca_file)))
    (outcome,) = run_due(trusted, at("2025-03-10 12:05"))
    assert outcome.mail_failed and "refused the login of reports@example.test: 535" in (outcome.mailed or "")
    assert inbox.messages == []
    # neither password shows in what was printed or recorded
    stored = json.dumps(_mail_columns(tmp_path / "wh.duckdb"), default=str)
    for secret in (PASSWORD, "not-the-password-1234"):
        assert secret not in stored and secret not in (outcome.mailed or "")

    monkeypatch.delenv("LRREPORT_SMTP_PASSWORD")
    (outcome,) = run_due(trusted, at("2025-03-10 12:10"))
    assert "[smtp] user is set but LRREPORT_SMTP_PASSWORD is not" in (outcome.mailed or "")


def test_a_server_without_starttls_is_refused_when_starttls_is_asked(smtp_server, tmp_path: Path) -> None:
    inbox, port = smtp_server
    settings = load_settings(_quick_config(tmp_path, port))
    settings = replace(settings, smtp=replace(settings.smtp, starttls=True))
    (outcome,) = run_due(settings, at("2025-03-10 12:00"))
    assert outcome.mail_failed and "does not offer STARTTLS" in (outcome.mailed or "")
    assert inbox.tries == 0


def test_config_refuses_email_without_a_server_and_bad_addresses(tmp_path: Path) -> None:
    cfg = tmp_path / "lrreport.toml"
    cfg.write_text('[schedules.w]\nnotebook = "overview"\ncron = "0 7 * * MON"\nemail_to = ["a@b.test"]\n')
    code, _, err = run_cli("--config", str(cfg), "schedule", "show")
    assert code == 1 and "[schedules.w]: email_to is set but [smtp] host is empty" in err
    cfg.write_text('[smtp]\nhost = "x"\n[schedules.w]\nnotebook = "overview"\ncron = "0 7 * * MON"\n'
                   'email_to = ["not an address"]\n')  # fmt: skip
    code, _, err = run_cli("--config", str(cfg), "schedule", "show")
    assert code == 1 and "email_to holds what is not an email address: 'not an address'" in err


def test_compose_refuses_a_folder_without_a_published_report(tmp_path: Path) -> None:
    (tmp_path / "report.json").write_text(json.dumps({"report": "x", "html": None}))
    with pytest.raises(delivery.DeliveryError, match="holds no published HTML report"):
        delivery.compose(load_settings(env={}), tmp_path, ("a@b.test",), "body", message_id="<x@y>")
