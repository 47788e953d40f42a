"""Published benchmarks beside our numbers, read from the one data file that keeps them.

``benchmarks.toml`` (next to this module) holds each benchmark with its publisher, source and date
and the registry metric it can be read against. Only benchmarks whose metric the registry has, and
for which the period has a value, are shown, each saying how far the two numbers are comparable.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from lrreport._exceptions import LrreportError
from lrreport.reports.tables import HtmlFragment, _missing, format_value, html_table

DATA_FILE = Path(__file__).resolve().parent / "benchmarks.toml"


class BenchmarkError(LrreportError):
    """The benchmarks file is malformed."""


@dataclass(frozen=True)
class Benchmark:
    metric: str
    publisher: str
    program: str
    statement: str
    source: str
    published: str
    comparable: str
    value: float | None = None
    low: float | None = None
    high: float | None = None
    kind: str = "rate"

    def verdict(self, ours: float) -> str:
        """Where our number lies: ``within the range``, ``above``, ``below`` (plain words)."""
        low = self.value if self.value is not None else self.low
        high = self.value if self.value is not None else self.high
        if low is not None and ours < low:
            return "below"
        if high is not None and ours > high:
            return "above"
        return "at" if self.value is not None else "within"


@cache
def _load(path: str) -> tuple[Benchmark, ...]:
    with open(path, "rb") as handle:
        document = tomllib.load(handle)
    out = []
    for i, entry in enumerate(document.get("benchmark", []), start=1):
        try:
            out.append(Benchmark(**entry))
        except TypeError as exc:
            raise BenchmarkError(f"{path}: benchmark #{i}: {exc}") from None
    return tuple(out)


def published(path: Path | None = None) -> tuple[Benchmark, ...]:
    """Every benchmark of the data file, in its order."""
    return _load(str(path or DATA_FILE))


def beside(kpis: Mapping[str, Any], path: Path | None = None) -> list[tuple[Benchmark, str, float]]:
    """(benchmark, our metric's label, our value) for each benchmark comparable with a number we have."""
    from lrreport.warehouse import metric_registry

    registry = metric_registry.load()
    out = []
    for bench in published(path):
        if bench.metric not in registry.metrics:
            continue
        ours = kpis.get(bench.metric)
        if ours is None or _missing(ours):
            continue
        out.append((bench, registry[bench.metric].label, float(ours)))
    return out


def lines(kpis: Mapping[str, Any], currency: str = "USD", path: Path | None = None) -> list[str]:
    """One plain-text line per shown benchmark (the email summary)."""
    return [
        f"{label} {format_value(ours, bench.kind, currency)} is {bench.verdict(ours)} {bench.publisher} "
        f"{bench.program}: {bench.statement} ({bench.source}, {bench.published}; {bench.comparable})."
        for bench, label, ours in beside(kpis, path)
    ]


def frame(kpis: Mapping[str, Any], currency: str = "USD", path: Path | None = None) -> pd.DataFrame:
    """The shown benchmarks as a table (our metric, ours, where it lies, the benchmark, source)."""
    return pd.DataFrame(
        [
            {
                "metric": label,
                "ours": format_value(ours, bench.kind, currency),
                "ours_against_it": bench.verdict(ours),
                "benchmark": f"{bench.publisher} {bench.program}: {bench.statement}",
                "how_comparable": bench.comparable,
                "source": f"{bench.source}, {bench.published}",
            }
            for bench, label, ours in beside(kpis, path)
        ],
        columns=["metric", "ours", "ours_against_it", "benchmark", "how_comparable", "source"],
    )


def table(kpis: Mapping[str, Any], currency: str = "USD", path: Path | None = None) -> HtmlFragment:
    """The shown benchmarks as an HTML table for a report (a note when none is comparable)."""
    return html_table(
        frame(kpis, currency, path), mask_phone_numbers=False,
        labels={"ours_against_it": "ours against it", "how_comparable": "how comparable"},
        empty_note="No published benchmark is comparable with the numbers of this report.",
    )
