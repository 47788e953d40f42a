"""Extract Listrak SMS data into the raw tables: sender codes, lists and message shells as
snapshots; list contacts (subscribed and opted out) from subscribe-date windows; opt-outs
incrementally by opt-out date.

Contacts carry no subscribe date in the API, but the route filters on it: each window (a day or an
ISO week) is one call sequence, and the window's start becomes the contact's ``subscribe_date``, so
the number of calls grows with the windows, not the contacts. Each batch of windows is written in
one transaction together with the state it reaches (``meta.extract_state``: the end of what was
covered minus ``extract.lookback_days``), so an interrupted run leaves whole batches and the next
run resumes from the state. Sender codes and lists are pulled concurrently; pages of one route are
read in order; the rows are inserted in bulk from Arrow tables.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pyarrow as pa

from lrreport._exceptions import LrreportError
from lrreport.config import Credentials, Settings
from lrreport.extract.batches import batch_schema
from lrreport.listrak import ListrakClient, ListrakError
from lrreport.sqlfiles import read_sql
from lrreport.warehouse.db import connect

log = logging.getLogger("lrreport.extract.listrak")

BATCH_ROWS = 50_000  # write a batch once it holds this many rows ...
BATCH_WINDOWS = 64  # ... or covers this many windows
TARGETS = (
    "raw.listrak_sender_codes",
    "raw.listrak_phone_lists",
    "raw.listrak_transactional_messages",
    "raw.listrak_contacts",
    "raw.listrak_optouts",
)
STATE_KEY = "resume_from"


class ExtractError(LrreportError):
    """The extraction cannot run as asked (unknown sender code, bad dates ...)."""


@dataclass
class ExtractResult:
    """What one extraction did: rows received and written per raw table, calls, time, windows."""

    load_id: str
    status: str = "ok"
    rows_in: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TARGETS, 0))
    rows_loaded: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TARGETS, 0))
    windows: int = 0
    batches: int = 0
    duration_s: float = 0.0
    sender_codes: list[int] = field(default_factory=list)

    @property
    def total_in(self) -> int:
        return sum(self.rows_in.values())

    @property
    def total_loaded(self) -> int:
        return sum(self.rows_loaded.values())


# -- windows -------------------------------------------------------------------------------------


def windows(start: date, end: date, unit: str) -> list[tuple[date, date]]:
    """Inclusive date windows covering ``start``..``end``: days, ISO weeks (Monday to Sunday) or
    calendar months, aligned so that a re-read gives every contact the same window start."""
    if end < start:
        return []
    if unit == "day":
        first = start
    elif unit == "week":
        first = start - timedelta(days=start.weekday())
    elif unit == "month":
        first = start.replace(day=1)
    else:
        raise ValueError(f"window unit must be day, week or month, got {unit!r}")
    out = []
    ws = first
    while ws <= end:
        if unit == "day":
            nxt = ws + timedelta(days=1)
        elif unit == "week":
            nxt = ws + timedelta(days=7)
        else:
            nxt = (ws.replace(day=28) + timedelta(days=4)).replace(day=1)
        out.append((ws, min(nxt - timedelta(days=1), end)))
        ws = nxt
    return out


def _parse_day(value: Any) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


# -- arrow batches ---------------------------------------------------------------------------------

_TS = pa.timestamp("us", tz="UTC")
SENDER_CODE_SCHEMA = batch_schema("listrak_sender_codes")
PHONE_LIST_SCHEMA = batch_schema("listrak_phone_lists", as_text=("create_date",))  # cast by the insert
SHELL_SCHEMA = batch_schema("listrak_transactional_messages")
CONTACT_SCHEMA = batch_schema("listrak_contacts")
OPTOUT_SCHEMA = batch_schema("listrak_optouts", as_text=("opt_out_date",))  # cast by the insert
CONTACT_FIELDS = ("phoneNumber", "emailAddress", "firstName", "lastName", "postalCode", "optedOut")
OPTOUT_FIELDS = ("phoneNumber", "optOutDate", "optOutReason")


class Columns:
    """Column lists a batch is collected into, page by page, before one Arrow table is built."""

    def __init__(self, schema: pa.Schema) -> None:
        self.schema = schema
        self.data: dict[str, list[Any]] = {name: [] for name in schema.names}
        self.rows = 0

    def extend(self, **columns: list[Any]) -> None:
        n = None
        for name, values in columns.items():
            self.data[name].extend(values)
            n = len(values)
        self.rows += n or 0

    def keep_last_per_key(self, key: str, prefer: str | None = None) -> None:
        """Drop rows whose ``key`` repeats (one batch saw a record twice), keeping the last one, or
        the last one whose ``prefer`` column is true."""
        values = self.data[key]
        if len(set(values)) == len(values):
            return
        chosen: dict[Any, int] = {}
        flags = self.data[prefer] if prefer else None
        for i, value in enumerate(values):
            j = chosen.get(value)
            if j is None or not flags or flags[i] or not flags[j]:
                chosen[value] = i
        keep = sorted(chosen.values())
        self.data = {name: [col[i] for i in keep] for name, col in self.data.items()}
        self.rows = len(keep)

    def table(self, load_id: str, loaded_at: datetime, source: str) -> pa.Table:
        arrays = [pa.array(self.data[f.name], type=f.type) for f in self.schema]
        table = pa.Table.from_arrays(arrays, schema=self.schema)
        n = table.num_rows
        return (
            table.append_column("_load_id", pa.array([load_id] * n, pa.string()))
            .append_column("_loaded_at", pa.array([loaded_at] * n, _TS))
            .append_column("_source_file", pa.array([source] * n, pa.string()))
        )


def e164(phone: Any) -> str | None:
    """Listrak's phone (digits with the country code) as E.164: ``+`` and the digits."""
    if phone is None:
        return None
    text = str(phone)
    if text.isdigit():
        return "+" + text
    digits = "".join(ch for ch in text if ch.isdigit())
    return "+" + digits if digits else None


def _contact_columns(cols: Columns, sc: int, pl: int, page: list[dict[str, Any]], ws: date, we: date) -> None:
    n = len(page)
    cols.extend(
        short_code_id=[sc] * n,
        phone_list_id=[pl] * n,
        phone_number=[e164(r.get("phoneNumber")) for r in page],
        email_address=[r.get("emailAddress") for r in page],
        first_name=[r.get("firstName") for r in page],
        last_name=[r.get("lastName") for r in page],
        postal_code=[r.get("postalCode") for r in page],
        opted_out=[r.get("optedOut") for r in page],
        subscribe_date=[ws] * n,
        window_start=[ws] * n,
        window_end=[we] * n,
    )


def _optout_columns(cols: Columns, sc: int, page: list[dict[str, Any]]) -> None:
    n = len(page)
    cols.extend(
        short_code_id=[sc] * n,
        phone_number=[e164(r.get("phoneNumber")) for r in page],
        opt_out_date=[r.get("optOutDate") for r in page],
        opt_out_reason=[r.get("optOutReason") for r in page],
    )


@dataclass
class Batch:
    """Rows of consecutive windows of one route, with the state they let the next run resume from."""

    kind: str  # "contacts" | "optouts"
    columns: Columns
    source: str  # the API route, for _source_file
    state_source: str  # meta.extract_state.source
    resume_from: date
    windows: int


# -- the extraction ------------------------------------------------------------------------------


class ListrakExtraction:
    """One run of ``lrreport extract listrak`` (see the module docstring)."""

    def __init__(
        self,
        settings: Settings,
        client: ListrakClient,
        con: duckdb.DuckDBPyConnection,
        *,
        since: date | None = None,
        until: date | None = None,
        sender_codes: tuple[int, ...] = (),
        full: bool = False,
        progress: Callable[[int, int], None] | None = None,
        batch_rows: int = BATCH_ROWS,
        batch_windows: int = BATCH_WINDOWS,
    ) -> None:
        self.settings = settings
        self.batch_rows = batch_rows
        self.batch_windows = batch_windows
        self.client = client
        self.con = con
        self.since = since
        self.until = until or datetime.now(ZoneInfo(settings.extract.optout_timezone)).date()
        if since is not None and since > self.until:
            raise ExtractError(f"--since {since} is after --until {self.until}")
        self.history_start = date.fromisoformat(settings.extract.history_start)
        self.wanted = tuple(sender_codes) or tuple(settings.listrak.sender_codes)
        self.full = full
        self.lookback = timedelta(days=settings.extract.lookback_days)
        self.progress = progress or (lambda done, total: None)
        self.result = ExtractResult(load_id=uuid.uuid4().hex)
        self.loaded_at = datetime.now(UTC)
        self.stop = threading.Event()
        self.base = settings.listrak.api_base_url.rstrip("/")

    # -- public ---------------------------------------------------------------------------------
    def run(self) -> ExtractResult:
        """Pull everything and write it; returns the counts. Raises on a fatal error."""
        codes = self._sender_codes()
        self.result.sender_codes = [int(c["shortCodeId"]) for c in codes]
        workers = max(1, self.settings.listrak.concurrency)
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lrreport-extract") as pool:
            try:
                lists = self._dimensions(pool, codes)
                self._windowed(pool, lists)
            except BaseException:
                self.stop.set()
                raise
        return self.result

    # -- dimensions ------------------------------------------------------------------------------
    def _sender_codes(self) -> list[dict[str, Any]]:
        codes = self.client.sender_codes()
        self.result.rows_in["raw.listrak_sender_codes"] += len(codes)
        if not self.wanted:
            return codes
        by_id = {int(c["shortCodeId"]): c for c in codes}
        missing = [sc for sc in self.wanted if sc not in by_id]
        if missing:
            raise ExtractError(
                f"sender code(s) {', '.join(map(str, missing))} not found in this Listrak account "
                f"(it has: {', '.join(map(str, sorted(by_id))) or 'none'})"
            )
        return [by_id[sc] for sc in self.wanted]

    def _dimensions(self, pool: ThreadPoolExecutor, codes: list[dict[str, Any]]) -> dict[int, list[dict]]:
        """Lists and shells of every sender code, concurrently; one snapshot transaction per code."""
        list_futures = {
            int(c["shortCodeId"]): (
                pool.submit(self.client.phone_lists, int(c["shortCodeId"]), "active"),
                pool.submit(self.client.phone_lists, int(c["shortCodeId"]), "inactive"),
            )
            for c in codes
        }
        lists = {sc: a.result() + b.result() for sc, (a, b) in list_futures.items()}
        shell_futures = {
            (sc, int(pl["phoneListId"])): pool.submit(
                self.client.transactional_messages, sc, int(pl["phoneListId"])
            )
            for sc, pls in lists.items()
            for pl in pls
        }
        shells = {key: f.result() for key, f in shell_futures.items()}
        for code in codes:
            sc = int(code["shortCodeId"])
            self._write_snapshot(code, lists[sc], {k: v for k, v in shells.items() if k[0] == sc})
        return lists

    def _write_snapshot(self, code: dict[str, Any], lists: list[dict], shells: dict[tuple, list]) -> None:
        sc = int(code["shortCodeId"])
        codes_cols = Columns(SENDER_CODE_SCHEMA)
        codes_cols.extend(
            short_code_id=[sc],
            code=[code.get("code")],
            country=[code.get("country")],
            merchant_name=[code.get("merchantName")],
            email_list_id=[code.get("emailListId")],
            email_list_name=[code.get("emailListName")],
        )
        list_cols = Columns(PHONE_LIST_SCHEMA)
        list_cols.extend(
            short_code_id=[sc] * len(lists),
            phone_list_id=[int(pl["phoneListId"]) for pl in lists],
            phone_list_name=[pl.get("phoneListName") for pl in lists],
            create_date=[pl.get("createDate") for pl in lists],
            status=[pl.get("status") for pl in lists],
            sms_list_type=[pl.get("smsListType") for pl in lists],
            require_double_opt_in=[pl.get("requireDoubleOptIn") for pl in lists],
            require_age_gate=[pl.get("requireAgeGate") for pl in lists],
        )
        shell_cols = Columns(SHELL_SCHEMA)
        for (_, pl), items in sorted(shells.items()):
            shell_cols.extend(
                short_code_id=[sc] * len(items),
                phone_list_id=[pl] * len(items),
                transactional_message_id=[int(s["transactionalMessageId"]) for s in items],
                transactional_message_name=[s.get("transactionalMessageName") for s in items],
                transactional_message_status=[s.get("transactionalMessageStatus") for s in items],
            )
        scope = pa.table({"short_code_id": pa.array([sc], pa.int32())})
        parts = (
            (
                "raw.listrak_sender_codes",
                "extract/listrak_sender_codes",
                codes_cols,
                f"GET {self.base}/ShortCode",
            ),
            (
                "raw.listrak_phone_lists",
                "extract/listrak_phone_lists",
                list_cols,
                f"GET {self.base}/ShortCode/{sc}/PhoneList",
            ),
            (
                "raw.listrak_transactional_messages",
                "extract/listrak_transactional_messages",
                shell_cols,
                f"GET {self.base}/ShortCode/{sc}/PhoneList/{{phoneListId}}/TransactionalMessage",
            ),
        )
        con = self.con
        con.begin()
        try:
            con.register("lr_scope", scope)
            for target, sql, cols, source in parts:
                con.register("lr_batch", cols.table(self.result.load_id, self.loaded_at, source))
                con.execute(read_sql(sql))
                con.unregister("lr_batch")
                if target != "raw.listrak_sender_codes":
                    self.result.rows_in[target] += cols.rows
                self.result.rows_loaded[target] += cols.rows
            con.unregister("lr_scope")
            con.commit()
        except BaseException:
            con.rollback()
            raise

    # -- contacts and opt-outs -------------------------------------------------------------------
    def _start(self, state_source: str, floor: date) -> date:
        """Where a windowed route starts: --since, else the state (unless --full), else history."""
        if self.since is not None:
            return self.since
        if not self.full:
            resume = self._state(state_source)
            if resume is not None:
                return max(resume, floor)
        return floor

    def _state(self, state_source: str) -> date | None:
        row = self.con.execute(read_sql("extract/state_get"), [state_source, STATE_KEY]).fetchone()
        return _parse_day(row[0]) if row else None

    def _windowed(self, pool: ThreadPoolExecutor, lists: dict[int, list[dict]]) -> None:
        tasks: list[tuple[Callable[..., None], tuple, int]] = []
        unit = self.settings.extract.subscribe_window
        for sc, pls in lists.items():
            created = [d for d in (_parse_day(pl.get("createDate")) for pl in pls) if d]
            sc_floor = max(self.history_start, min(created)) if created else self.history_start
            for pl in pls:
                pl_id = int(pl["phoneListId"])
                floor = max(self.history_start, _parse_day(pl.get("createDate")) or self.history_start)
                state = f"listrak.contacts.{sc}.{pl_id}"
                wins = windows(self._start(state, floor), self.until, unit)
                tasks.append((self._contacts_task, (sc, pl_id, wins, state), len(wins)))
            state = f"listrak.optouts.{sc}"
            wins = windows(self._start(state, sc_floor), self.until, "month")
            tasks.append((self._optouts_task, (sc, wins, state), len(wins)))
        total = sum(n for _, _, n in tasks)
        done = 0
        self.progress(0, total)
        out: queue.Queue[Batch | int] = queue.Queue(maxsize=2 * max(1, self.settings.listrak.concurrency))
        futures: list[Future[None]] = [pool.submit(fn, out, *args) for fn, args, _ in tasks]
        while True:
            self._raise_first_failure(futures)
            try:
                item = out.get(timeout=0.05)
            except queue.Empty:
                if all(f.done() for f in futures) and out.empty():
                    # a task may have failed since the check above: its error must not pass as the end
                    self._raise_first_failure(futures)
                    break
                continue
            if isinstance(item, int):
                done += item
                self.progress(done, total)
            else:
                self._write_batch(item)

    def _raise_first_failure(self, futures: list[Future[None]]) -> None:
        failed = [f for f in futures if f.done() and f.exception() is not None]
        if failed:
            self.stop.set()
            raise failed[0].exception()  # type: ignore[misc]

    def _put(self, out: queue.Queue, item: Batch | int) -> None:
        while not self.stop.is_set():
            try:
                out.put(item, timeout=0.1)
                return
            except queue.Full:
                continue
        raise _Stopped()

    def _contacts_task(
        self, out: queue.Queue, sc: int, pl: int, wins: list[tuple[date, date]], state: str
    ) -> None:
        source = f"GET {self.base}/ShortCode/{sc}/PhoneList/{pl}/Contact"
        cols, n_windows = Columns(CONTACT_SCHEMA), 0
        try:
            for ws, we in wins:
                for opted_out in (False, True):
                    for page in self.client.iter_contact_pages(
                        sc, pl, opted_out=opted_out, start_subscribe_date=ws, end_subscribe_date=we
                    ):
                        if self.stop.is_set():
                            raise _Stopped()
                        _contact_columns(cols, sc, pl, page, ws, we)
                n_windows += 1
                self._put(out, 1)
                if cols.rows >= self.batch_rows or n_windows >= self.batch_windows or (ws, we) == wins[-1]:
                    self._put(out, Batch("contacts", cols, source, state, we - self.lookback, n_windows))
                    cols, n_windows = Columns(CONTACT_SCHEMA), 0
        except _Stopped:
            return

    def _optouts_task(self, out: queue.Queue, sc: int, wins: list[tuple[date, date]], state: str) -> None:
        source = f"GET {self.base}/ShortCode/{sc}/OptOut"
        cols, n_windows = Columns(OPTOUT_SCHEMA), 0
        try:
            for ws, we in wins:
                for page in self.client.iter_optout_pages(sc, start_date=ws, end_date=we):
                    if self.stop.is_set():
                        raise _Stopped()
                    _optout_columns(cols, sc, page)
                n_windows += 1
                self._put(out, 1)
                if cols.rows >= self.batch_rows or n_windows >= self.batch_windows or (ws, we) == wins[-1]:
                    self._put(out, Batch("optouts", cols, source, state, we - self.lookback, n_windows))
                    cols, n_windows = Columns(OPTOUT_SCHEMA), 0
        except _Stopped:
            return

    def _write_batch(self, batch: Batch) -> None:
        """Rows and state of one batch in one transaction; the state never moves backwards."""
        target = f"raw.listrak_{batch.kind}"
        con = self.con
        received = batch.columns.rows
        if batch.kind == "contacts":  # one batch is one list: the phone is the key
            batch.columns.keep_last_per_key("phone_number", prefer="opted_out")
        table = batch.columns.table(self.result.load_id, self.loaded_at, batch.source)
        con.begin()
        try:
            written = 0
            if table.num_rows:
                con.register("lr_batch", table)
                row = con.execute(read_sql(f"extract/listrak_{batch.kind}")).fetchone()
                con.unregister("lr_batch")
                written = int(row[0]) if row else 0
            old_day = self._state(batch.state_source)
            if old_day is None or batch.resume_from > old_day:
                con.execute(
                    read_sql("extract/state_set"),
                    [batch.state_source, STATE_KEY, batch.resume_from.isoformat()],
                )
            con.commit()
        except BaseException:
            con.rollback()
            raise
        self.result.rows_in[target] += received
        self.result.rows_loaded[target] += written
        self.result.windows += batch.windows
        self.result.batches += 1


class _Stopped(Exception):
    """Raised inside a worker when the extraction is being abandoned."""


def record_load(
    con: duckdb.DuckDBPyConnection, result: ExtractResult, started_at: datetime, detail: str | None
) -> None:
    """Write (or overwrite) the meta.loads row of an extraction."""
    finished = datetime.now(UTC)
    con.execute(
        read_sql("extract/listrak_record_load"),
        [
            result.load_id,
            ",".join(TARGETS),
            started_at,
            finished,
            result.duration_s,
            result.total_in,
            result.total_loaded,
            result.status,
            detail,
            None,
        ],
    )


def extract_listrak(
    settings: Settings,
    credentials: Credentials,
    *,
    since: date | None = None,
    until: date | None = None,
    sender_codes: tuple[int, ...] = (),
    full: bool = False,
    progress: Callable[[int, int], None] | None = None,
    client_options: dict[str, Any] | None = None,
    batch_rows: int = BATCH_ROWS,
    batch_windows: int = BATCH_WINDOWS,
) -> ExtractResult:
    """Run one extraction into ``settings``' warehouse and record it in ``meta.loads``.

    Raises ListrakError (ListrakAuthError for credentials problems) or ExtractError after
    recording the failed run; batches committed before the failure stay.
    """
    started_at = datetime.now(UTC)
    t0 = time.perf_counter()
    con = connect(settings, create=True)
    try:
        with ListrakClient(settings.listrak, credentials, **(client_options or {})) as client:
            job = ListrakExtraction(
                settings,
                client,
                con,
                since=since,
                until=until,
                sender_codes=sender_codes,
                full=full,
                progress=progress,
                batch_rows=batch_rows,
                batch_windows=batch_windows,
            )
            try:
                result = job.run()
            except BaseException as exc:
                job.result.status = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
                job.result.duration_s = time.perf_counter() - t0
                record_load(con, job.result, started_at, f"{type(exc).__name__}: {exc}"[:2000])
                raise
        result.duration_s = time.perf_counter() - t0
        record_load(con, result, started_at, None)
        return result
    finally:
        con.close()


def iter_state(con: duckdb.DuckDBPyConnection) -> Iterator[tuple[str, str, str]]:
    """(source, key, value) of the Listrak extraction state, for messages and tests."""
    yield from con.execute(
        "SELECT source, key, value FROM meta.extract_state WHERE source LIKE 'listrak.%' ORDER BY 1, 2"
    ).fetchall()


__all__ = ["ExtractError", "ExtractResult", "ListrakError", "extract_listrak", "windows"]
