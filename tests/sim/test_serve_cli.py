"""``lrreport sim serve`` as a person runs it: a real process, printed URLs that work, Ctrl-C stops it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import httpx
import pytest
from click.testing import CliRunner

from lrreport.cli import cli
from lrreport.sim.serve import parse_faults


def read_until(proc: subprocess.Popen, marker: str, timeout_s: float = 90) -> str:
    out = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        out.append(line)
        if marker in line:
            return "".join(out)
    proc.kill()
    raise AssertionError("serve did not print its banner:\n" + "".join(out) + proc.stderr.read())


def test_serve_prints_working_urls_and_stops_on_ctrl_c():
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "lrreport.cli",
            "sim",
            "serve",
            "--port",
            "0",
            "--contacts",
            "400",
            "--client-id",
            "me",
            "--client-secret",
            "pasted-secret",
            "--token-ttl",
            "120",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        banner = read_until(proc, "Ctrl-C")
        token_url = re.search(r"export LISTRAK_TOKEN_URL=(\S+)", banner)[1]
        api_base = re.search(r"export LISTRAK_API_BASE_URL=(\S+)", banner)[1]
        assert token_url.startswith("http://127.0.0.1:") and api_base.endswith("/sms/v1")
        assert (
            "export LISTRAK_CLIENT_ID=me" in banner and "export LISTRAK_CLIENT_SECRET=pasted-secret" in banner
        )
        token = httpx.post(
            token_url,
            data={"grant_type": "client_credentials", "client_id": "me", "client_secret": "pasted-secret"},
        ).json()
        assert token["expires_in"] == 120
        codes = httpx.get(
            api_base + "/ShortCode", headers={"Authorization": f"Bearer {token['access_token']}"}
        )
        assert codes.status_code == 200 and codes.json()["data"]
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
        assert "stopping" in proc.stdout.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_serve_refuses_bad_fault_options():
    result = CliRunner().invoke(cli, ["sim", "serve", "--faults", "teapot=1"])
    assert result.exit_code == 2 and "rate_limit" in result.output
    result = CliRunner().invoke(cli, ["sim", "serve", "--faults", "rate_limit=2"])
    assert result.exit_code == 2 and "between 0 and 1" in result.output


def test_parse_faults():
    config = parse_faults(
        "rate_limit=0.1, server_error=0.05,slow_s=2,expire_token_after_calls=5,apply_to_token=yes"
    )
    assert (config.rate_limit, config.server_error, config.slow_s) == (0.1, 0.05, 2.0)
    assert config.expire_token_after_calls == 5 and config.apply_to_token is True
    assert parse_faults("") is None
    with pytest.raises(Exception, match="not a number"):
        parse_faults("drop=lots")
