"""Settings: file, environment and defaults, and the promise that secrets never print."""

from __future__ import annotations

import logging
import pickle
from pathlib import Path

import pytest
from click.testing import CliRunner

from lrreport.cli import cli
from lrreport.config import (
    DEFAULT_API_BASE_URL,
    DEFAULT_TOKEN_URL,
    ConfigError,
    Secret,
    credentials_from_env,
    load_settings,
)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_point_at_listrak(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = load_settings(env={})
    assert settings.listrak.token_url == DEFAULT_TOKEN_URL
    assert settings.listrak.api_base_url == DEFAULT_API_BASE_URL
    assert settings.source == "built-in defaults"
    assert settings.messages.triggers["Order Confirmation"] == "ordered_at"


def test_file_then_env_overrides(tmp_path):
    cfg = write(
        tmp_path / "lr.toml",
        """
[listrak]
api_base_url = "http://127.0.0.1:9/sms/v1"
sender_codes = [12, 34]
[warehouse]
database = "from-file.duckdb"
[business]
timezone = "Europe/London"
[[schedules]]
name = "daily"
notebook = "overview"
cron = "0 7 * * *"
params = { start_date = "yesterday", end_date = "yesterday" }
""",
    )
    settings = load_settings(cfg, env={})
    assert settings.listrak.api_base_url == "http://127.0.0.1:9/sms/v1"
    assert settings.listrak.sender_codes == (12, 34)
    assert settings.business.timezone == "Europe/London"
    assert settings.schedules[0].params["start_date"] == "yesterday"
    assert settings.database_path == Path("from-file.duckdb")

    env = {
        "LISTRAK_API_BASE_URL": "http://127.0.0.1:10/sms/v1",
        "LISTRAK_TOKEN_URL": "http://127.0.0.1:10/OAuth2/Token",
        "LRREPORT_DATABASE": "from-env.duckdb",
    }
    settings = load_settings(cfg, env=env)
    assert settings.listrak.api_base_url.endswith(":10/sms/v1")
    assert settings.listrak.token_url.endswith(":10/OAuth2/Token")
    assert settings.database_path == Path("from-env.duckdb")
    assert settings.with_database("cli.duckdb").database_path == Path("cli.duckdb")


def test_config_path_from_env(tmp_path):
    cfg = write(tmp_path / "x.toml", '[business]\ncurrency = "EUR"\n')
    assert load_settings(env={"LRREPORT_CONFIG": str(cfg)}).business.currency == "EUR"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[listrak]\ntoken = 1\n", "unknown setting(s) token"),
        ("[nonsense]\n", "unknown section(s) nonsense"),
        ("[listrak]\ntimeout_s = 'slow'\n", "[listrak].timeout_s: expected a number"),
        ("[business]\ntimezone = 'Mars/Olympus'\n", "not an IANA time zone"),
        ("[listrak]\npage_size = 9000\n", "page_size must be between 1 and 5000"),
        ("[[schedules]]\nname = 'a'\n", "[[schedules]] #1"),
        ("not = [toml", "not valid TOML"),
    ],
)
def test_bad_config_is_a_clear_error(tmp_path, text, fragment):
    cfg = write(tmp_path / "bad.toml", text)
    with pytest.raises(ConfigError) as info:
        load_settings(cfg, env={})
    assert fragment in str(info.value)
    assert str(cfg) in str(info.value)


def test_explicit_missing_config_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.toml", env={})


def test_missing_credentials_named():
    with pytest.raises(ConfigError, match="LISTRAK_CLIENT_SECRET") as info:
        credentials_from_env({"LISTRAK_CLIENT_ID": "abc"})
    assert "LISTRAK_CLIENT_ID and" not in str(info.value)


def test_secret_never_shows(caplog):
    raw = "s3cr3t-value-that-must-not-leak"
    creds = credentials_from_env({"LISTRAK_CLIENT_ID": "id", "LISTRAK_CLIENT_SECRET": raw})
    shown = [str(creds), repr(creds), f"{creds.client_secret}", f"{creds.client_secret!r}", str([creds])]
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("test").warning("creds %s %r", creds, creds.client_secret)
    shown.append(caplog.text)
    assert all(raw not in text for text in shown)
    assert creds.client_secret.reveal() == raw
    assert Secret(raw) == creds.client_secret
    assert raw.encode() not in pickle.dumps(str(creds))


def test_cli_reports_config_errors(tmp_path):
    cfg = write(tmp_path / "bad.toml", "[warehouse]\ndatabase = 3\n")
    result = CliRunner().invoke(cli, ["--config", str(cfg), "status"])
    assert result.exit_code != 0
    assert "[warehouse].database: expected a string" in result.output
