"""Extract GA4 sessions from SMS links into ``raw.ga4_sessions``: one runReport, paged, per run.

The report asks for the sessions whose source and medium are the ones Listrak tags SMS links with
(``[attribution] utm_source`` / ``utm_medium``, default ``listrak`` / ``sms``), by date, campaign
and content, with sessions, users, engaged sessions, transactions and purchase revenue. Runs are
incremental by date: the next run starts ``[ga4] lookback_days`` before the last day read, because
GA4 keeps revising a day for about 72 hours. Every page is read before anything is written; then the
days covered are replaced, and their coverage (``raw.ga4_days``), the state and the run's
``meta.loads`` record written, in one transaction, so a run is atomic (a kill leaves the warehouse
as it was); rows GA4 did not revise are left as they are, so a rerun changes nothing that GA4 did
not change.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.compute as pc

from lrreport._exceptions import LrreportError
from lrreport.config import ConfigError, Settings
from lrreport.extract.batches import batch_schema
from lrreport.extract.ga4_client import Ga4Client, Page
from lrreport.sqlfiles import read_sql
from lrreport.warehouse.db import connect

DIMENSIONS = ("date", "sessionCampaignName", "sessionManualAdContent")
METRICS = ("sessions", "totalUsers", "engagedSessions", "transactions", "purchaseRevenue")
STATE_KEY = "resume_from"
BATCH_SCHEMA = batch_schema("ga4_sessions", with_meta=True)
REVENUE = BATCH_SCHEMA.field("purchase_revenue").type


class Ga4ExtractError(LrreportError):
    """The GA4 extraction cannot run as asked (no property, bad dates, a malformed answer)."""


@dataclass
class Ga4Result:
    """What one GA4 extraction did."""

    load_id: str
    property_id: str
    start: date
    end: date
    status: str = "ok"
    rows_in: int = 0
    rows_changed: int = 0  # rows not stored exactly so before (0 on a rerun GA4 did not revise)
    rows_removed: int = 0  # stored rows of the days read that GA4 revised or no longer has
    pages: int = 0
    duration_s: float = 0.0
    quota: dict[str, Any] = field(default_factory=dict)  # propertyQuota of the last page
    time_zone: str = ""
    currency: str = ""
    warnings: list[str] = field(default_factory=list)


def report_body(settings: Settings, start: date, end: date) -> dict[str, Any]:
    """The runReport request: SMS-link sessions by date, campaign and content, in a stable order."""
    tags = settings.attribution

    def exact(name: str, value: str) -> dict[str, Any]:
        return {
            "filter": {
                "fieldName": name,
                "stringFilter": {"matchType": "EXACT", "value": value, "caseSensitive": False},
            }
        }

    return {
        "dateRanges": [{"startDate": start.isoformat(), "endDate": end.isoformat()}],
        "dimensions": [{"name": d} for d in DIMENSIONS],
        "metrics": [{"name": m} for m in METRICS],
        "dimensionFilter": {
            "andGroup": {
                "expressions": [
                    exact("sessionSource", tags.utm_source),
                    exact("sessionMedium", tags.utm_medium),
                ]
            }
        },
        # paging by offset needs one order on every page
        "orderBys": [{"dimension": {"dimensionName": d}} for d in DIMENSIONS],
        "keepEmptyRows": False,
        "returnPropertyQuota": True,
    }


FIELDS = ("date", "campaign", "content", *METRICS)  # one text column per value of a row


def _texts(page: Page, path: str) -> list[list[str]]:
    """The page's rows as text columns (FIELDS order), checked against the headers it declares."""
    dims = [h.get("name") for h in page.body.get("dimensionHeaders", [])]
    mets = [h.get("name") for h in page.body.get("metricHeaders", [])]
    if dims != list(DIMENSIONS) or mets != list(METRICS):
        raise Ga4ExtractError(f"GA4 answered other columns than asked for ({dims} {mets}) from {path}")
    try:
        values = [[v["value"] for v in r["dimensionValues"] + r["metricValues"]] for r in page.rows]
    except (KeyError, TypeError):
        raise Ga4ExtractError(f"GA4 answered a row without its values from {path}") from None
    if any(len(v) != len(FIELDS) for v in values):
        raise Ga4ExtractError(f"GA4 answered a row of another width than its headers from {path}")
    return [list(column) for column in zip(*values, strict=True)] if values else [[] for _ in FIELDS]


def _typed(texts: list[list[str]], path: str) -> dict[str, pa.Array]:
    """Text columns parsed in bulk: dates (YYYYMMDD), integer counts, revenue rounded to the cent."""
    try:
        day = pc.strptime(pa.array(texts[0], pa.string()), format="%Y%m%d", unit="s").cast(pa.date32())
        counts = [pa.array(column, pa.string()).cast(pa.int64()) for column in texts[3:7]]
        revenue = pc.round(
            pa.array(texts[7], pa.string()).cast(pa.decimal128(38, 10)), 2, round_mode="half_towards_infinity"
        ).cast(REVENUE)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise Ga4ExtractError(f"GA4 answered a malformed value from {path}: {exc}") from None
    return {
        "report_date": day,
        "campaign": pa.array(texts[1], pa.string()),
        "content": pa.array(texts[2], pa.string()),
        **dict(zip(("sessions", "total_users", "engaged_sessions", "transactions"), counts, strict=True)),
        "purchase_revenue": revenue,
    }


class Ga4Extraction:
    """One run of ``lrreport extract ga4`` (see the module docstring)."""

    def __init__(
        self,
        settings: Settings,
        client: Ga4Client,
        *,
        since: date | None = None,
        until: date | None = None,
        full: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self.settings = settings
        self.client = client
        self.since, self.full = since, full
        self.until = until or datetime.now(ZoneInfo(settings.business.timezone)).date()
        self.progress = progress or (lambda done, total: None)
        self.state_source = f"ga4.{settings.ga4.property_id}"

    def start_date(self, con: Any) -> date:
        """--since, else the saved state (unless --full), else [ga4] history_start."""
        if self.since is not None:
            return self.since
        history = date.fromisoformat(self.settings.ga4.history_start)
        if not self.full:
            saved = self.saved_state(con)
            if saved is not None:
                return max(history, saved)
        return history

    def saved_state(self, con: Any) -> date | None:
        """The day the next run starts from, as the last run left it (None before the first)."""
        rows = con.execute(read_sql("extract/state_get"), [self.state_source, STATE_KEY]).fetchall()
        return date.fromisoformat(rows[0][0]) if rows and rows[0][0] else None

    def run(self, con: Any, result: Ga4Result, record: Callable[[], None]) -> None:
        """Read every page, then write the changes with coverage, state and the run's record
        (``record``, called inside the transaction) in one transaction."""
        if result.start > result.end:
            raise Ga4ExtractError(f"the start date {result.start} is after the end date {result.end}")
        body = report_body(self.settings, result.start, result.end)
        texts: list[list[str]] = [[] for _ in FIELDS]
        meta: dict[str, Any] = {}
        ga4 = self.settings.ga4
        for page in self.client.pages(body, ga4.page_size, ga4.concurrency):
            for column, values in zip(texts, _texts(page, self.client.url), strict=True):
                column.extend(values)
            meta = page.body.get("metadata") or meta
            result.quota = page.body.get("propertyQuota") or result.quota
            result.pages += 1
            result.rows_in += len(page.rows)
            self.progress(result.rows_in, page.row_count)
        result.time_zone = str(meta.get("timeZone") or "")
        result.currency = str(meta.get("currencyCode") or self.settings.business.currency)
        if result.time_zone and result.time_zone != self.settings.business.timezone:
            result.warnings.append(
                f"the GA4 property reports days in {result.time_zone}, the business days are "
                f"{self.settings.business.timezone}: daily GA4 numbers shift against the sends"
            )
        self._write(con, result, _typed(texts, self.client.url), record)

    def _write(
        self, con: Any, result: Ga4Result, columns: dict[str, pa.Array], record: Callable[[], None]
    ) -> None:
        n = result.rows_in
        loaded_at = datetime.now(UTC)
        source = f"POST {self.client.url}"
        batch = pa.Table.from_pydict(
            {
                "property_id": [result.property_id] * n,
                **columns,
                "currency": [result.currency] * n,
                "property_time_zone": [result.time_zone] * n,
                "_load_id": [result.load_id] * n,
                "_loaded_at": [loaded_at] * n,
                "_source_file": [source] * n,
            },
            schema=BATCH_SCHEMA,
        )
        scope = pa.table(
            {
                "property_id": [result.property_id],
                "start_date": pa.array([result.start], pa.date32()),
                "end_date": pa.array([result.end], pa.date32()),
                "_load_id": [result.load_id],
                "_loaded_at": pa.array([loaded_at], pa.timestamp("us", tz="UTC")),
            }
        )
        resume = result.end - timedelta(days=self.settings.ga4.lookback_days)
        con.register("lr_batch", batch)
        con.register("lr_range", scope)
        con.begin()
        try:
            result.rows_removed = int(con.execute(read_sql("extract/ga4_delete_changed")).fetchall()[0][0])
            result.rows_changed = int(con.execute(read_sql("extract/ga4_insert_new")).fetchall()[0][0])
            con.execute(read_sql("extract/ga4_days_insert")).fetchall()
            saved = self.saved_state(con)
            if saved is None or saved < resume:  # never moves backwards
                con.execute(
                    read_sql("extract/state_set"), [self.state_source, STATE_KEY, resume.isoformat()]
                )
            record()
            con.commit()
        except BaseException:
            con.rollback()
            raise
        finally:
            con.unregister("lr_batch")
            con.unregister("lr_range")


def _record_load(con: Any, result: Ga4Result, started_at: datetime, detail: str | None) -> None:
    con.execute(
        read_sql("extract/ga4_record_load"),
        [
            result.load_id,
            started_at,
            datetime.now(UTC),
            result.duration_s,
            result.rows_in,
            result.rows_changed,
            result.status,
            detail,
            None,
        ],
    )


def extract_ga4(
    settings: Settings,
    *,
    since: date | None = None,
    until: date | None = None,
    full: bool = False,
    progress: Callable[[int, int], None] | None = None,
    client_options: dict[str, Any] | None = None,
) -> Ga4Result:
    """Run one GA4 extraction into ``settings``' warehouse and record it in ``meta.loads``.

    Raises Ga4Error (Ga4AuthError, Ga4QuotaError) or Ga4ExtractError after recording the failed
    run; nothing of a failed run is written but that record.
    """
    if not settings.ga4.property_id:
        raise ConfigError(
            f"{settings.source}: [ga4] property_id is not set (the numeric id in GA4's Admin > "
            "Property details)"
        )
    started_at = datetime.now(UTC)
    t0 = time.perf_counter()
    con, client = _open_both(settings, client_options)
    with client:
        try:
            job = Ga4Extraction(settings, client, since=since, until=until, full=full, progress=progress)
            result = Ga4Result(uuid.uuid4().hex, settings.ga4.property_id, job.start_date(con), job.until)

            def record_ok() -> None:
                result.duration_s = time.perf_counter() - t0
                _record_load(con, result, started_at, None)

            try:
                job.run(con, result, record_ok)
            except BaseException as exc:
                result.status = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
                result.duration_s = time.perf_counter() - t0
                _record_load(con, result, started_at, f"{type(exc).__name__}: {exc}"[:2000])
                raise
            return result
        finally:
            con.close()


def _open_both(settings: Settings, client_options: dict[str, Any] | None) -> tuple[Any, Ga4Client]:
    """The warehouse and the client, opened side by side: DuckDB opens and migrates the file mostly
    outside the GIL while Python parses the service account's key (together about 60 ms of a
    year's 0.3 s). A key that fails leaves no warehouse behind that this run created."""
    created = not settings.database_path.exists()
    with ThreadPoolExecutor(1, thread_name_prefix="lrreport-open") as opener:
        opening = opener.submit(connect, settings, create=True)
        try:
            client = Ga4Client(settings.ga4, **(client_options or {}))
        except BaseException:
            if opening.exception() is None:
                opening.result().close()
                if created:
                    settings.database_path.unlink(missing_ok=True)
            raise
        try:
            return opening.result(), client
        except BaseException:
            client.close()
            raise
