"""``lrreport report ...``, ``schedule ...`` and ``lab``."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click

from lrreport.clikit import database_option
from lrreport.config import Settings
from lrreport.lake.options import engine_option
from lrreport.lake.reader import readable

NOTEBOOKS_HELP = "Folder of notebooks [env LRREPORT_NOTEBOOKS; default: lrreport's notebooks/]."


def _notebooks_option(func: Any) -> Any:
    return click.option(
        "--notebooks",
        "notebook_dir",
        envvar="LRREPORT_NOTEBOOKS",
        type=click.Path(file_okay=False, exists=True, path_type=Path),
        default=None,
        help=NOTEBOOKS_HELP,
    )(func)


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


class _CellProgress:
    """A rich progress bar over notebook cells when stdout is a terminal; silent otherwise."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.progress: Any = None
        self.task: Any = None

    def __enter__(self) -> _CellProgress:
        if sys.stdout.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

            self.progress = Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
            )
            self.progress.start()
            self.task = self.progress.add_task(self.label, total=None)
        return self

    def __call__(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress.update(self.task, completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()


@click.group()
def report() -> None:
    """Run the notebooks with papermill and publish them as HTML."""


@report.command("run")
@click.argument("name")
@click.option(
    "-p", "--param", "params", multiple=True, metavar="KEY=VALUE", help="Notebook parameter (repeat)."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder [default: reports.output_dir, ./reports].",
)
@_notebooks_option
@database_option
@engine_option
def report_run(
    name: str, params: tuple[str, ...], output: Path | None, notebook_dir: Path | None, settings: Settings
) -> None:
    """Validate parameters, execute notebook NAME and publish it as HTML.

    Dates are ISO (2025-03-01, inclusive) or relative words: today, yesterday, last_7_days,
    last_30_days, last_N_days, last_full_week, month_to_date, last_month. Example:

        lrreport report run overview -p start_date=last_full_week -p end_date=last_full_week
    """
    from lrreport.reports.params import ParameterError, parse_assignments
    from lrreport.reports.runner import run_report

    settings = readable(settings)  # on Spark: the marts in the lake, read with DuckDB
    try:
        given = parse_assignments(params)
        with _CellProgress(f"running {name}") as progress:
            result = run_report(
                settings,
                name,
                given,
                output_dir=output,
                notebook_dir=notebook_dir,
                check=False,
                on_cell=progress,
            )
    except ParameterError as exc:
        _fail(f"{exc} (nothing was run)", code=2)
        return
    if not result.ok:
        click.echo(f"Report {result.report} FAILED: {result.error}", err=True)
        click.echo(f"Executed notebook kept for debugging: {result.ipynb}", err=True)
        click.echo(f"Details: {result.folder / 'error.txt'}", err=True)
        sys.exit(1)
    period = f" for {result.start} to {result.end}" if result.start else ""
    click.echo(f"Report {result.report}{period} written in {result.duration_s:.1f} s:")
    click.echo(f"  {result.html}")
    click.echo(f"  index: {result.folder.parent.parent / 'index.html'}")


@report.command("list")
@_notebooks_option
def report_list(notebook_dir: Path | None) -> None:
    """The notebooks and their parameters, read from the notebooks themselves."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from lrreport.reports.params import ParameterError
    from lrreport.reports.runner import list_notebooks

    try:
        infos = list_notebooks(notebook_dir)
    except (ParameterError, FileNotFoundError) as exc:
        _fail(str(exc))
        return
    console = Console(width=None if sys.stdout.isatty() else 120)
    if not infos:
        console.print("No notebooks found.")
    for info in infos:
        table = Table(title=Text(f"{info.name}: {info.title}"), title_justify="left", show_lines=False)
        table.add_column("parameter", style="bold")
        table.add_column("type")
        table.add_column("default")
        table.add_column("meaning")
        for p in info.parameters:
            kind = p.type + (" or None" if p.optional and p.type not in ("any",) else "")
            table.add_row(*(Text(v) for v in (p.name, kind, p.default_text, p.help)))
        console.print(table)
        console.print(f"  run: lrreport report run {info.name} -p key=value ...\n", highlight=False)


@click.group()
def schedule() -> None:
    """Reports that run on a schedule ([[schedules]] in lrreport.toml)."""


def _parse_now(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO date-time") from None
    return when if when.tzinfo else when.replace(tzinfo=ZoneInfo("UTC"))


@schedule.command("run")
@click.option("--only", multiple=True, metavar="NAME", help="Run only these schedules (repeat).")
@click.option(
    "--now", "now_text", default=None, metavar="ISO", help="Pretend it is this time (UTC unless an offset)."
)
@_notebooks_option
@database_option
def schedule_run(
    only: tuple[str, ...], now_text: str | None, notebook_dir: Path | None, settings: Settings
) -> None:
    """Run every schedule that is due (safe to call from cron every few minutes)."""
    from lrreport.reports.schedule import ScheduleError, run_due

    def report(outcome: Any) -> None:
        slot = f" (slot {outcome.slot_at:%Y-%m-%d %H:%M} UTC)" if outcome.slot_at else ""
        if outcome.slot_at and outcome.attempt > 1:
            slot = slot[:-1] + f", try {outcome.attempt})"
        if outcome.action == "ran":
            click.echo(f"{outcome.schedule}: ran{slot} -> {outcome.output}")
        elif outcome.action == "failed":
            click.echo(f"{outcome.schedule}: FAILED{slot}: {outcome.error}", err=True)
        elif outcome.action == "not_due":
            click.echo(f"{outcome.schedule}: not due")
        else:
            click.echo(f"{outcome.schedule}: skipped, {outcome.error or 'slot already claimed'}")
        if outcome.mailed:
            click.echo(f"{outcome.schedule}: {outcome.mailed}", err=outcome.mail_failed)

    if not settings.schedules:
        click.echo("No schedules configured ([[schedules]] in lrreport.toml).")
        return
    try:
        outcomes = run_due(
            settings,
            _parse_now(now_text),
            only=list(only) or None,
            notebook_dir=notebook_dir,
            on_outcome=report,
        )
    except ScheduleError as exc:
        _fail(str(exc))
        return
    if any(o.action == "failed" or o.mail_failed for o in outcomes):
        sys.exit(1)


@schedule.command("show")
@click.option("--now", "now_text", default=None, metavar="ISO", help="Pretend it is this time.")
@database_option
def schedule_show(now_text: str | None, settings: Settings) -> None:
    """The schedules with their last and next runs."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from lrreport.reports.schedule import ScheduleError, states

    if not settings.schedules:
        click.echo("No schedules configured ([[schedules]] in lrreport.toml).")
        return
    try:
        rows = states(settings, _parse_now(now_text))
    except ScheduleError as exc:
        _fail(str(exc))
        return
    tz = ZoneInfo(settings.business.timezone)

    def local(when: datetime | None) -> str:
        return f"{when.astimezone(tz):%Y-%m-%d %H:%M %Z}" if when else "-"

    table = Table(title=f"Schedules (times in {settings.business.timezone})", title_justify="left")
    for col in ("name", "notebook", "cron", "last slot", "last status", "finished", "next run", "output"):
        table.add_column(col, overflow="fold")
    for st in rows:
        last = st.last
        status = last.status if last else "never run"
        if last and last.attempt > 1:
            status += f" (try {last.attempt})"
        if last and last.error:
            status += f": {last.error[:80]}"
        if last and last.email_status:
            status += f"; mail {last.email_status}"
            status += f": {last.email_error[:80]}" if last.email_error else ""
        next_run = "due now" if st.due_slot else local(st.next_slot)
        if st.due_slot and st.due_attempt > 1:
            next_run += f" (try {st.due_attempt} of {st.schedule.max_attempts})"
        values = (
            st.schedule.name,
            st.schedule.notebook,
            st.schedule.cron,
            local(last.slot_at if last else None),
            status,
            local(last.finished_at if last else None),
            next_run,
            (last.output or "-") if last else "-",
        )
        table.add_row(*(Text(v) for v in values))  # Text: no rich markup in names, paths, errors
    Console(width=None if sys.stdout.isatty() else 160).print(table)


@schedule.command("install")
@click.option("--every", "every_minutes", type=click.IntRange(1, 59), default=5, show_default=True)
@database_option
def schedule_install(every_minutes: int, settings: Settings) -> None:
    """Print a crontab line and a systemd service + timer that run `schedule run`."""
    from lrreport.reports.schedule import install_text

    click.echo(install_text(settings, every_minutes=every_minutes))


def lab_command(
    settings: Settings, notebook_dir: Path, port: int | None, no_browser: bool, extra: tuple[str, ...]
) -> tuple[list[str], dict[str, str]]:
    """The JupyterLab command line and the environment additions ``lrreport lab`` uses."""
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={notebook_dir}"]
    if port:
        cmd.append(f"--ServerApp.port={port}")
    if no_browser:
        cmd.append("--no-browser")
    cmd.extend(extra)
    env = {
        "LRREPORT_DATABASE": str(settings.database_path.expanduser().resolve()),
        # the kernels Lab starts find this interpreter (and lrreport) first
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
    }
    if Path(settings.source).is_file():
        env["LRREPORT_CONFIG"] = str(Path(settings.source).resolve())
    return cmd, env


@click.command(context_settings={"ignore_unknown_options": True})
@click.option("--port", type=int, default=None, help="Port for JupyterLab [default: Jupyter's].")
@click.option("--no-browser", is_flag=True, help="Do not open a web browser.")
@click.option("--dry-run", is_flag=True, help="Print the command and environment instead of starting Lab.")
@_notebooks_option
@click.argument("extra", nargs=-1, type=click.UNPROCESSED)
@database_option
def lab(
    port: int | None,
    no_browser: bool,
    dry_run: bool,
    notebook_dir: Path | None,
    extra: tuple[str, ...],
    settings: Settings,
) -> None:
    """Open JupyterLab on the notebooks, with LRREPORT_DATABASE set (extra args go to Jupyter)."""
    from lrreport.reports.display import lab_renderer_installed
    from lrreport.reports.runner import ensure_kernel, notebooks_dir

    directory = (notebook_dir or notebooks_dir()).resolve()
    cmd, env = lab_command(settings, directory, port, no_browser, extra)
    if not lab_renderer_installed():
        click.echo(
            "Warning: JupyterLab's plotly renderer (jupyterlab-plotly, shipped with plotly) was not found; "
            "charts will not draw in Lab. Reinstall plotly in this environment.",
            err=True,
        )
    if dry_run:
        for key in sorted(env):
            if key != "PATH":
                click.echo(f"{key}={shlex.quote(env[key])}")
        click.echo(shlex.join(cmd))
        return
    ensure_kernel(settings.reports.kernel)
    if not settings.database_path.exists():
        click.echo(
            f"Note: {settings.database_path} does not exist yet; notebooks will fail until it does.", err=True
        )
    sys.exit(subprocess.call(cmd, env={**os.environ, **env}))
