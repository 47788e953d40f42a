"""Settings: one TOML file for what is not secret, environment variables for credentials.

Precedence, highest first: command-line options, environment variables (``LISTRAK_TOKEN_URL``,
``LISTRAK_API_BASE_URL``, ``LRREPORT_DATABASE``, ``GA4_KEY_FILE``), the TOML file (``--config`` /
``LRREPORT_CONFIG`` / ``./lrreport.toml``), built-in defaults. Credentials come only from
``LISTRAK_CLIENT_ID`` and ``LISTRAK_CLIENT_SECRET`` and are wrapped so that they never print; GA4's
are a key file whose path is configured and whose contents are never shown.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lrreport._exceptions import LrreportError

DEFAULT_TOKEN_URL = "https://auth.listrak.com/OAuth2/Token"
DEFAULT_API_BASE_URL = "https://api.listrak.com/sms/v1"
DEFAULT_CONFIG_NAME = "lrreport.toml"
DEFAULT_GA4_BASE_URL = "https://analyticsdata.googleapis.com"
SMTP_PASSWORD_ENV = "LRREPORT_SMTP_PASSWORD"
COMPARE_CHOICES = ("previous", "year")  # what a report's numbers are compared with
_ADDRESS = re.compile(r"[^@\s<>]+@[^@\s<>]+")

# The nine message shells of Listrak's transactional SMS guide, which double as message types.
DEFAULT_MESSAGE_TYPES = (
    "Order Confirmation",
    "Shipping Confirmation",
    "Shipping Updates",
    "Delivery Confirmation",
    "Payment Due",
    "Membership Renewal",
    "Buy Online Pick-up In-Store Order Confirmation",
    "Order Out for Delivery",
    "Loyalty Membership Points Earned",
)


class ConfigError(LrreportError):
    """A setting is missing or invalid; the message names the setting and where it came from."""


class Secret:
    """A string that never shows itself in ``str``, ``repr``, f-strings or tracebacks."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class Credentials:
    client_id: str
    client_secret: Secret

    def __repr__(self) -> str:
        return f"Credentials(client_id={self.client_id!r}, client_secret=********)"


@dataclass(frozen=True)
class ListrakSettings:
    token_url: str = DEFAULT_TOKEN_URL
    api_base_url: str = DEFAULT_API_BASE_URL
    sender_codes: tuple[int, ...] = ()  # empty: every sender code the account has
    timeout_s: float = 30.0
    max_retries: int = 6
    retry_deadline_s: float = 300.0
    page_size: int = 5000
    concurrency: int = 4


@dataclass(frozen=True)
class Ga4Settings:
    property_id: str = ""  # the GA4 property's numeric id (Admin > Property details)
    key_file: str = ""  # service-account key file (JSON); env GA4_KEY_FILE wins
    base_url: str = DEFAULT_GA4_BASE_URL
    lookback_days: int = 3  # GA4 keeps processing a day for up to ~72 hours: re-read the last days
    history_start: str = "2020-10-14"  # first date a full extraction asks for (GA4's launch)
    page_size: int = 10_000  # rows per runReport call (GA4 allows up to 250,000)
    concurrency: int = 4  # pages asked for at once after the first (GA4 allows 10 per property)
    timeout_s: float = 60.0
    max_retries: int = 6
    retry_deadline_s: float = 300.0


@dataclass(frozen=True)
class ShopifySettings:
    shop: str = ""  # the shop's handle ("my-store") or its myshopify.com domain
    api_version: str = "2026-10"  # Admin API version, YYYY-MM
    base_url: str = ""  # empty: https://{shop}.myshopify.com; a test points it at a local simulator
    timeout_s: float = 60.0
    poll_interval_s: float = 2.0  # between looks at a running bulk operation
    max_wait_s: float = 6 * 3600.0  # give up on a bulk operation that runs longer than this


@dataclass(frozen=True)
class WarehouseSettings:
    database: str = "lrreport.duckdb"
    memory_limit: str = ""  # DuckDB memory_limit, empty for DuckDB's default
    threads: int = 0  # 0: DuckDB's default
    # The Parquet lake (a folder or an fsspec URL): raw tables written beside the DuckDB file, and
    # the marts when the models run on Spark (engine = "spark"). See lrreport/lake/.
    lake: str = ""
    engine: str = "duckdb"  # duckdb | spark: where `lrreport build` runs the models
    spark_profiles_dir: str = ""  # a folder with the dbt profiles.yml of a Spark cluster or Databricks
    spark_target: str = ""  # the target of that profile; empty: its default
    lock_wait_s: float = 600.0  # how long a command waits for another writer to finish


@dataclass(frozen=True)
class BusinessSettings:
    timezone: str = "America/New_York"
    default_region: str = "US"  # region for phone numbers written without a country code
    currency: str = "USD"


@dataclass(frozen=True)
class ExtractSettings:
    lookback_days: int = 3  # incremental extraction re-reads this many days for late data
    subscribe_window: str = "week"  # "day" or "week": size of the subscribe-date windows
    history_start: str = "2015-01-01"  # first date a full extraction asks for
    optout_timezone: str = "UTC"  # Listrak's optOutDate carries no offset


@dataclass(frozen=True)
class LoadSettings:
    # finds the order a message is about when the send log has no order_id: "order #LR1000123"
    order_id_regex: str = r"(?i)\border\s*(?:#|no\.|number|id)\s*:?\s*([A-Z0-9-]*[0-9][A-Z0-9-]*)"
    max_rejects: int = 0  # a load with more rejected rows than this exits non-zero
    sends_columns: dict[str, str] = field(default_factory=dict)  # old name -> send-log column
    orders_columns: dict[str, str] = field(default_factory=dict)  # old name -> orders column
    # the file's status word -> placed / cancelled / refunded, over lrreport.extract.values.ORDER_STATUSES
    order_statuses: dict[str, str] = field(default_factory=dict)
    source_timezone: str = "UTC"  # IANA zone of file times written without an offset
    date_order: str = "MDY"  # how to read an ambiguous date like 03/04/2026: MDY or DMY
    earliest_year: int = 2000  # times before this year or after latest_year are rejected
    latest_year: int = 2100


@dataclass(frozen=True)
class AttributionSettings:
    utm_source: str = "listrak"
    utm_medium: str = "sms"
    click_window_days: int = 30
    view_window_hours: int = 24
    optout_window_hours: int = 24
    campaign_map: dict[str, str] = field(default_factory=dict)  # utm_campaign -> shell name


@dataclass(frozen=True)
class MessageSettings:
    # shell name -> message type; names not listed are their own type
    types: dict[str, str] = field(default_factory=dict)
    # message type -> order column whose time triggers it
    triggers: dict[str, str] = field(
        default_factory=lambda: {
            "Order Confirmation": "ordered_at",
            "Shipping Confirmation": "shipped_at",
            "Delivery Confirmation": "delivered_at",
        }
    )


@dataclass(frozen=True)
class SenderSettings:
    log_dir: str = "send-log"  # where the recording sender appends its JSONL send log


@dataclass(frozen=True)
class ReportSettings:
    output_dir: str = "reports"
    kernel: str = "lrreport"  # kernelspec for papermill; "lrreport" is installed for this Python on first use
    cell_timeout_s: int = 600
    run_timeout_s: int = 1800
    latency_target_s: int = 60  # timeliness target drawn on the overview
    stale_after_minutes: int = 60  # a source ending longer than this before the period is named in a warning


@dataclass(frozen=True)
class SmtpSettings:
    """Where scheduled reports are mailed from; the password comes from LRREPORT_SMTP_PASSWORD only."""

    host: str = ""  # empty: no mail server (a schedule with email_to is then refused)
    port: int = 587
    starttls: bool = True  # upgrade the connection with STARTTLS before logging in
    user: str = ""  # empty: no login
    sender: str = ""  # the From address; empty: user, else lrreport@<this host>
    ca_file: str = ""  # a CA bundle to trust besides the system's (a private or self-signed server)
    timeout_s: float = 30.0
    attempts_per_run: int = 3  # tries within one `schedule run` when the server fails or drops us
    retry_delay_s: float = 10.0  # wait before the second try, doubled for each one after
    max_attempts: int = 9  # tries over all runs; later `schedule run`s retry until then


@dataclass(frozen=True)
class AlertSettings:
    """The thresholds of the report flags and `lrreport metrics --alerts`."""

    compare: str = "previous"  # "previous": the period of equal length before; "year": a year before
    optout_rate_max: float = 0.02  # per message type, at or over: Klaviyo's "critical" unsubscribe level
    acceptance_drop_points: float = 2.0  # acceptance falling by more points than this vs the comparison
    # message type -> p90 timeliness target in seconds; types not listed: reports.latency_target_s
    latency_targets_s: dict[str, float] = field(default_factory=dict)
    min_accepted: int = 50  # message types with fewer accepted sends in the period are not flagged


@dataclass(frozen=True)
class ScheduleSettings:
    name: str
    notebook: str
    cron: str
    params: dict[str, Any] = field(default_factory=dict)
    output_dir: str = ""
    keep: int = 30  # how many reports of this schedule to keep
    max_attempts: int = 3  # runs of one slot: a failed slot is retried by the next `schedule run`
    email_to: tuple[str, ...] = ()  # mail each published report to these addresses ([smtp])


@dataclass(frozen=True)
class Settings:
    listrak: ListrakSettings = field(default_factory=ListrakSettings)
    ga4: Ga4Settings = field(default_factory=Ga4Settings)
    shopify: ShopifySettings = field(default_factory=ShopifySettings)
    warehouse: WarehouseSettings = field(default_factory=WarehouseSettings)
    business: BusinessSettings = field(default_factory=BusinessSettings)
    extract: ExtractSettings = field(default_factory=ExtractSettings)
    load: LoadSettings = field(default_factory=LoadSettings)
    attribution: AttributionSettings = field(default_factory=AttributionSettings)
    messages: MessageSettings = field(default_factory=MessageSettings)
    sender: SenderSettings = field(default_factory=SenderSettings)
    reports: ReportSettings = field(default_factory=ReportSettings)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    alerts: AlertSettings = field(default_factory=AlertSettings)
    schedules: tuple[ScheduleSettings, ...] = ()
    source: str = "built-in defaults"  # where the file settings came from, for messages

    @property
    def database_path(self) -> Path:
        return Path(self.warehouse.database).expanduser()

    def with_database(self, path: str | os.PathLike[str] | None) -> Settings:
        """The same settings pointed at another DuckDB file (``--database``)."""
        if not path:
            return self
        return replace(self, warehouse=replace(self.warehouse, database=str(path)))

    def with_lake(self, lake: str | os.PathLike[str] | None, engine: str | None = None) -> Settings:
        """The same settings with another lake (``--lake``) and/or engine (``--engine``)."""
        warehouse = replace(self.warehouse, lake=str(lake) if lake else self.warehouse.lake)
        return replace(self, warehouse=replace(warehouse, engine=engine or warehouse.engine))


def credentials_from_env(env: dict[str, str] | None = None) -> Credentials:
    """Read ``LISTRAK_CLIENT_ID`` / ``LISTRAK_CLIENT_SECRET``; a clear error names what is missing."""
    env = os.environ if env is None else env
    missing = [name for name in ("LISTRAK_CLIENT_ID", "LISTRAK_CLIENT_SECRET") if not env.get(name)]
    if missing:
        raise ConfigError(
            f"Listrak credentials missing: set {' and '.join(missing)} in the environment "
            "(create an SMS integration in Listrak's Integration Management to get them)."
        )
    return Credentials(env["LISTRAK_CLIENT_ID"], Secret(env["LISTRAK_CLIENT_SECRET"]))


def shopify_token_from_env(env: dict[str, str] | None = None) -> Secret:
    """Read ``SHOPIFY_ACCESS_TOKEN`` (a custom app's Admin API access token); never printed."""
    env = os.environ if env is None else env
    if not env.get("SHOPIFY_ACCESS_TOKEN"):
        raise ConfigError(
            "Shopify access token missing: set SHOPIFY_ACCESS_TOKEN in the environment (the Admin API "
            "access token of a custom app with the read_orders scope)."
        )
    return Secret(env["SHOPIFY_ACCESS_TOKEN"])


def smtp_password_from_env(env: dict[str, str] | None = None) -> Secret | None:
    """The SMTP password from ``LRREPORT_SMTP_PASSWORD`` (None when unset), wrapped so it never prints."""
    value = (os.environ if env is None else env).get(SMTP_PASSWORD_ENV)
    return Secret(value) if value else None


def _build(cls: type, raw: dict[str, Any], where: str) -> Any:
    """Make dataclass ``cls`` from a TOML table, rejecting unknown keys and wrong types."""
    known = {f.name: f for f in fields(cls)}
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise ConfigError(f"{where}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(known)}")
    values: dict[str, Any] = {}
    defaults = cls(name="", notebook="", cron="") if cls is ScheduleSettings else cls()
    for name, value in raw.items():
        default = getattr(defaults, name)
        if isinstance(default, tuple):
            if not isinstance(value, list):
                raise ConfigError(f"{where}.{name}: expected a list, got {value!r}")
            value = tuple(value)
        elif isinstance(default, bool) and not isinstance(value, bool):
            raise ConfigError(f"{where}.{name}: expected true or false, got {value!r}")
        elif isinstance(default, int | float) and not isinstance(default, bool):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ConfigError(f"{where}.{name}: expected a number, got {value!r}")
            value = type(default)(value)
        elif isinstance(default, str) and not isinstance(value, str):
            raise ConfigError(f"{where}.{name}: expected a string, got {value!r}")
        elif isinstance(default, dict) and not isinstance(value, dict):
            raise ConfigError(f"{where}.{name}: expected a table, got {value!r}")
        values[name] = value
    try:
        return cls(**values)
    except TypeError as exc:  # a required key of a schedule is missing
        raise ConfigError(f"{where}: {exc}") from None


def _validate(settings: Settings) -> None:
    for where, tz in (
        ("business.timezone", settings.business.timezone),
        ("extract.optout_timezone", settings.extract.optout_timezone),
        ("load.source_timezone", settings.load.source_timezone),
    ):
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"{settings.source}: {where} = {tz!r} is not an IANA time zone") from None
    if settings.load.date_order not in ("MDY", "DMY"):
        raise ConfigError(f"{settings.source}: load.date_order must be 'MDY' or 'DMY'")
    if settings.extract.subscribe_window not in ("day", "week"):
        raise ConfigError(f"{settings.source}: extract.subscribe_window must be 'day' or 'week'")
    if settings.warehouse.engine not in ("duckdb", "spark"):
        raise ConfigError(f"{settings.source}: warehouse.engine must be 'duckdb' or 'spark'")
    if not re.fullmatch(r"20[0-9]{2}-(01|04|07|10)|unstable", settings.shopify.api_version):
        raise ConfigError(
            f"{settings.source}: shopify.api_version must be a Shopify API version like 2026-10 "
            f"(YYYY-MM, quarterly), got {settings.shopify.api_version!r}"
        )
    if not 1 <= settings.listrak.page_size <= 5000:
        raise ConfigError(f"{settings.source}: listrak.page_size must be between 1 and 5000")
    if not 1 <= settings.ga4.page_size <= 250_000:
        raise ConfigError(f"{settings.source}: ga4.page_size must be between 1 and 250000")
    if not 1 <= settings.ga4.concurrency <= 10:
        raise ConfigError(f"{settings.source}: ga4.concurrency must be between 1 and 10")
    if settings.ga4.property_id and not settings.ga4.property_id.isdigit():
        raise ConfigError(f"{settings.source}: ga4.property_id must be the property's numeric id")
    if settings.alerts.compare not in COMPARE_CHOICES:
        raise ConfigError(f"{settings.source}: alerts.compare must be one of {', '.join(COMPARE_CHOICES)}")
    for kind, target in settings.alerts.latency_targets_s.items():
        if isinstance(target, bool) or not isinstance(target, int | float) or target <= 0:
            raise ConfigError(f"{settings.source}: alerts.latency_targets_s.{kind} must be seconds > 0")
    for schedule in settings.schedules:
        where = f"{settings.source} [schedules.{schedule.name}]"
        if schedule.max_attempts < 1:
            raise ConfigError(f"{where}: max_attempts must be at least 1")
        bad = [a for a in schedule.email_to if not isinstance(a, str) or not _ADDRESS.fullmatch(a.strip())]
        if bad:
            raise ConfigError(f"{where}: email_to holds what is not an email address: {bad[0]!r}")
        if schedule.email_to and not settings.smtp.host:
            raise ConfigError(f"{where}: email_to is set but [smtp] host is empty")
    names = [s.name for s in settings.schedules]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ConfigError(f"{settings.source}: schedule names must be unique: {', '.join(dupes)}")


def load_settings(
    path: str | os.PathLike[str] | None = None, env: dict[str, str] | None = None
) -> Settings:
    """Load settings from ``path`` (or ``LRREPORT_CONFIG``, or ``./lrreport.toml`` when present).

    A path that was asked for explicitly and does not exist is an error; the implicit
    ``./lrreport.toml`` is optional.
    """
    env = os.environ if env is None else env
    explicit = path or env.get("LRREPORT_CONFIG")
    config_path = Path(explicit).expanduser() if explicit else Path(DEFAULT_CONFIG_NAME)
    raw: dict[str, Any] = {}
    source = "built-in defaults"
    if config_path.is_file():
        try:
            raw = tomllib.loads(config_path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{config_path}: not valid TOML: {exc}") from None
        source = str(config_path)
    elif explicit:
        raise ConfigError(f"config file {config_path} does not exist")

    sections = {f.name: f for f in fields(Settings) if f.name not in ("schedules", "source")}
    unknown = sorted(set(raw) - set(sections) - {"schedules"})
    if unknown:
        raise ConfigError(f"{source}: unknown section(s) {', '.join(unknown)}; known: {', '.join(sections)}")
    kwargs: dict[str, Any] = {"source": source}
    for name, f in sections.items():
        table = raw.get(name, {})
        if not isinstance(table, dict):
            raise ConfigError(f"{source}: [{name}] must be a table")
        cls = f.default_factory  # type: ignore[misc]
        assert callable(cls) and is_dataclass(cls)
        kwargs[name] = _build(cls, table, f"{source} [{name}]")  # type: ignore[arg-type]
    schedules = raw.get("schedules", [])
    if isinstance(schedules, dict):  # [schedules.NAME] tables: the name is the key
        schedules = [{"name": name, **table} if isinstance(table, dict) else table
                     for name, table in schedules.items()]
    if not isinstance(schedules, list) or not all(isinstance(s, dict) for s in schedules):
        raise ConfigError(f"{source}: schedules must be tables: [schedules.NAME] or [[schedules]]")
    kwargs["schedules"] = tuple(
        _build(ScheduleSettings, s, f"{source} [[schedules]] #{i + 1}") for i, s in enumerate(schedules)
    )
    settings = Settings(**kwargs)

    listrak = settings.listrak
    if env.get("LISTRAK_TOKEN_URL"):
        listrak = replace(listrak, token_url=env["LISTRAK_TOKEN_URL"])
    if env.get("LISTRAK_API_BASE_URL"):
        listrak = replace(listrak, api_base_url=env["LISTRAK_API_BASE_URL"])
    settings = replace(settings, listrak=listrak).with_database(env.get("LRREPORT_DATABASE"))
    if env.get("GA4_KEY_FILE"):
        settings = replace(settings, ga4=replace(settings.ga4, key_file=env["GA4_KEY_FILE"]))
    _validate(settings)
    return settings
