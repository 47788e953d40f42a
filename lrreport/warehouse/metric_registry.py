"""The metric registry: ``queries/models/marts/_metrics.yml`` read, and compiled to the KPI query.

The YAML is dbt's semantic layer format (semantic models over the marts with measures and
dimensions; metrics of type simple, ratio and derived), with lrreport's extras under
``config: meta:`` (kind, direction, dating ...; the file's header lists them). dbt checks it at
parse time; MetricFlow is not needed: :func:`Registry.kpi_sql` compiles the one query
``lrreport metrics`` runs, one CTE per semantic model with ``GROUPING SETS`` and the ratio and
derived metrics on top, so every KPI, its label, format and dating are defined once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml

from lrreport._exceptions import LrreportError
from lrreport.sqlfiles import queries_dir

REGISTRY_FILE = Path("models") / "marts" / "_metrics.yml"
KINDS = ("count", "rate", "money", "money_cents", "seconds")
DIRECTIONS = ("up", "down", "neutral")
GROUPINGS = ("message_type", "day", "sender_code")
_REF = re.compile(r"""ref\(\s*['"]([A-Za-z0-9_]+)['"]\s*\)""")
_SENDER = "($sender_code_id IS NULL OR {column} = $sender_code_id)"


class RegistryError(LrreportError):
    """The registry file is inconsistent (an unknown measure, metric, kind ...)."""


@dataclass(frozen=True)
class Measure:
    name: str
    model: str  # semantic model name
    agg: str
    expr: str
    percentile: float | None = None
    by_sender_code: bool = True  # False: neither filtered nor split by sender code

    def sql(self, sender_filter: str | None) -> str:
        """The aggregate over the model's rows; ``sender_filter`` limits this measure's rows."""
        expr = f"({self.expr})"
        if sender_filter is not None:
            expr = f"CASE WHEN {sender_filter} THEN {expr} END"
        if self.agg == "sum":
            return f"sum({expr})"
        if self.agg == "count":
            return f"count({expr})"
        if self.agg == "count_distinct":
            return f"count(DISTINCT {expr})"
        if self.agg == "percentile":
            return f"quantile_cont({expr}, {self.percentile})"
        if self.agg in ("min", "max"):
            return f"{self.agg}({expr})"
        if self.agg == "average":
            return f"avg({expr})"
        raise RegistryError(f"measure {self.name}: aggregation {self.agg!r} is not supported")


@dataclass(frozen=True)
class SemanticModel:
    name: str
    mart: str  # table or view in schema marts
    date_column: str  # the agg_time_dimension: what its metrics are dated by
    dating: str  # the dating rule in words
    dimensions: dict[str, str]  # dimension name -> SQL expression
    measures: tuple[Measure, ...]
    row_filter: str | None = None
    skip_null_group: bool = False

    def group_expr(self, by: str) -> str:
        if by == "day":
            return f"CAST({self.date_column} AS VARCHAR)"
        if by not in self.dimensions:
            raise RegistryError(f"semantic model {self.name} has no dimension {by!r}")
        return f"CAST({self.dimensions[by]} AS VARCHAR)"


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    description: str
    type: Literal["simple", "ratio", "derived"]
    kind: str
    direction: str
    term: str
    kpi: bool = True
    measure: str | None = None
    fill_nulls_with: Any = None
    numerator: str | None = None
    denominator: str | None = None
    expr: str | None = None
    inputs: tuple[str, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def better(self) -> Literal["up", "down"] | None:
        """The tiles' "which way is better": up, down or None (neutral)."""
        return None if self.direction == "neutral" else self.direction  # type: ignore[return-value]

    def describe(self, settings: Any = None) -> str:
        """The description with the configured windows and UTM tags filled in."""
        return self.description.format_map(_placeholders(settings))


def _placeholders(settings: Any = None) -> dict[str, Any]:
    from lrreport.config import AttributionSettings

    attribution = getattr(settings, "attribution", None) or AttributionSettings()
    return {
        "click_window_days": attribution.click_window_days,
        "view_window_hours": attribution.view_window_hours,
        "optout_window_hours": attribution.optout_window_hours,
        "utm_source": attribution.utm_source,
        "utm_medium": attribution.utm_medium,
    }


def _meta(node: dict[str, Any]) -> dict[str, Any]:
    return dict(((node.get("config") or {}).get("meta") or {}) | (node.get("meta") or {}))


@dataclass(frozen=True)
class Registry:
    models: dict[str, SemanticModel]
    metrics: dict[str, Metric]  # in file order: the column order of `lrreport metrics`

    # ------------------------------------------------------------------------------------ lookups

    @property
    def kpis(self) -> tuple[Metric, ...]:
        """The metrics that are columns of ``lrreport metrics``, in order."""
        return tuple(m for m in self.metrics.values() if m.kpi)

    def __getitem__(self, name: str) -> Metric:
        return self.metrics[name]

    def measure(self, name: str) -> Measure:
        for model in self.models.values():
            for measure in model.measures:
                if measure.name == name:
                    return measure
        raise RegistryError(f"no measure {name!r}")

    def inputs(self, name: str) -> tuple[str, ...]:
        """The metrics a ratio or derived metric is computed from (none for a simple one)."""
        metric = self.metrics[name]
        if metric.type == "ratio":
            return (metric.numerator or "", metric.denominator or "")
        return metric.inputs

    def dating(self, name: str) -> tuple[tuple[str, str, str], ...]:
        """How a metric is dated: (mart, date column, rule in words) of every model it reads."""
        metric = self.metrics[name]
        if metric.type == "simple":
            model = self.models[self.measure(metric.measure or "").model]
            return ((model.mart, model.date_column, model.dating),)
        seen: dict[tuple[str, str, str], None] = {}
        for part in self.inputs(name):
            seen.update(dict.fromkeys(self.dating(part)))
        return tuple(seen)

    # ------------------------------------------------------------------------------------ compiler

    def _metric_sql(self, name: str, column: dict[str, str]) -> str:
        metric = self.metrics[name]
        if metric.type == "simple":
            sql = column[metric.measure or ""]
            return sql if metric.fill_nulls_with is None else f"coalesce({sql}, {metric.fill_nulls_with!r})"
        if metric.type == "ratio":
            num = self._metric_sql(metric.numerator or "", column)
            den = self._metric_sql(metric.denominator or "", column)
            return f"CAST({num} AS DOUBLE) / nullif({den}, 0)"
        expr = metric.expr or ""
        parts = {n: self._metric_sql(n, column) for n in metric.inputs}
        return re.sub(
            r"\b[A-Za-z_][A-Za-z0-9_]*\b", lambda m: f"({parts[m[0]]})" if m[0] in parts else m[0], expr
        )

    def kpi_sql(self, by: str | None = None) -> str:
        """The KPI query: one row per group of ``by`` (if given) and a ``total`` row from the detail.

        Parameters ``$start``, ``$end`` (inclusive business dates) and ``$sender_code_id`` (or NULL).
        """
        if by is not None and by not in GROUPINGS:
            raise RegistryError(f"grouping must be one of {', '.join(GROUPINGS)}, not {by!r}")
        needed = self._needed_measures()
        ctes: list[str] = []
        column: dict[str, str] = {}  # measure -> SQL in the final SELECT
        group_sources: list[str] = []
        joins: list[str] = []
        used = [m for m in self.models.values() if needed & {x.name for x in m.measures}]
        for index, model in enumerate(used):
            alias = f"m{index}"
            cte = f"{alias}_{model.name}"
            measures = [m for m in model.measures if m.name in needed]
            sender = _SENDER.format(column=model.dimensions.get("sender_code", "sender_code_id"))
            whole = all(m.by_sender_code for m in measures)
            where = [f"{model.date_column} BETWEEN $start AND $end"]
            if model.row_filter:
                where.append(f"({model.row_filter})")
            if whole:
                where.append(sender)
            grp = model.group_expr(by) if by else "CAST(NULL AS VARCHAR)"
            head = "grouping(grp) = 1 AS is_total,\n        grp" if by else "true AS is_total,\n        grp"
            group_by = "\n    GROUP BY GROUPING SETS ((grp), ())" if by else "\n    GROUP BY ALL"
            aggregates = ",\n        ".join(
                f"{m.sql(None if whole or not m.by_sender_code else sender)} AS {m.name}" for m in measures
            )
            ctes.append(
                f"{cte} AS (\n    SELECT\n        {head},\n        {aggregates}\n"
                f"    FROM (SELECT {grp} AS grp, * FROM marts.{model.mart}\n"
                f"          WHERE {' AND '.join(where)}) AS detail{group_by}\n)"
            )
            source = f"SELECT is_total, grp FROM {cte}"
            if model.skip_null_group:
                source += " WHERE is_total OR grp IS NOT NULL"
            group_sources.append(source)
            joins.append(
                f"LEFT JOIN {cte} AS {alias} ON {alias}.is_total = g.is_total"
                f" AND {alias}.grp IS NOT DISTINCT FROM g.grp"
            )
            for m in measures:
                if by == "sender_code" and not m.by_sender_code:
                    # not split by sender code: every sender code's value is the total (when it has rows)
                    column[m.name] = (
                        f"CASE WHEN {alias}.is_total IS NOT NULL THEN "
                        f"(SELECT {m.name} FROM {cte} WHERE is_total) END"
                    )
                else:
                    column[m.name] = f"{alias}.{m.name}"
        selects = [
            "CASE WHEN g.is_total THEN 'total' ELSE coalesce(g.grp, '(none)') END AS \"group\"",
            *(f"{self._metric_sql(m.name, column)} AS {m.name}" for m in self.kpis),
        ]
        union = "\n    UNION\n    ".join([*group_sources, "SELECT true, NULL"])
        return (
            "WITH " + ",\n".join(ctes) + f",\ngroups AS (\n    {union}\n)\n"
            "SELECT\n    " + ",\n    ".join(selects) + "\nFROM groups AS g\n" + "\n".join(joins)
            + ("\n" if by else "\nWHERE g.is_total\n") + "ORDER BY g.is_total, g.grp\n"
        )

    def _needed_measures(self) -> set[str]:
        needed: set[str] = set()

        def visit(name: str) -> None:
            metric = self.metrics[name]
            if metric.type == "simple":
                needed.add(metric.measure or "")
            for part in self.inputs(name):
                visit(part)

        for metric in self.kpis:
            visit(metric.name)
        return needed


# ---------------------------------------------------------------------------------------------- loading


def parse(document: dict[str, Any]) -> Registry:
    """A registry from the YAML document (dbt's ``semantic_models`` and ``metrics``)."""
    models: dict[str, SemanticModel] = {}
    for node in document.get("semantic_models") or []:
        meta = _meta(node)
        ref = _REF.search(str(node.get("model", "")))
        if ref is None:
            raise RegistryError(f"semantic model {node.get('name')}: model must be ref('...')")
        date_column = (node.get("defaults") or {}).get("agg_time_dimension")
        dims = {d["name"]: d.get("expr") or d["name"] for d in node.get("dimensions") or []}
        if not date_column or date_column not in dims:
            raise RegistryError(f"semantic model {node['name']}: agg_time_dimension must name a dimension")
        measures = tuple(
            Measure(
                name=m["name"],
                model=node["name"],
                agg=m["agg"],
                expr=str(m.get("expr") or m["name"]),
                percentile=(m.get("agg_params") or {}).get("percentile"),
                by_sender_code=_meta(m).get("by_sender_code", True),
            )
            for m in node.get("measures") or []
        )
        models[node["name"]] = SemanticModel(
            name=node["name"],
            mart=ref.group(1),
            date_column=dims[date_column],
            dating=str(meta.get("dating", "")),
            dimensions=dims,
            measures=measures,
            row_filter=meta.get("row_filter"),
            skip_null_group=meta.get("null_group") == "skip",
        )
    metrics: dict[str, Metric] = {}
    for node in document.get("metrics") or []:
        meta = _meta(node)
        params = node.get("type_params") or {}
        measure = params.get("measure")
        if isinstance(measure, str):
            measure = {"name": measure}
        metrics[node["name"]] = Metric(
            name=node["name"],
            label=str(node.get("label", "")),
            description=" ".join(str(node.get("description", "")).split()),
            type=node["type"],
            kind=str(meta.get("kind", "")),
            direction=str(meta.get("direction", "")),
            term=str(meta.get("term") or node.get("label", "")),
            kpi=bool(meta.get("kpi", True)),
            measure=(measure or {}).get("name"),
            fill_nulls_with=(measure or {}).get("fill_nulls_with"),
            numerator=_metric_name(params.get("numerator")),
            denominator=_metric_name(params.get("denominator")),
            expr=params.get("expr"),
            inputs=tuple(_metric_name(m) or "" for m in params.get("metrics") or []),
            meta=meta,
        )
    registry = Registry(models, metrics)
    _check(registry)
    return registry


def _metric_name(value: Any) -> str | None:
    if value is None:
        return None
    return value["name"] if isinstance(value, dict) else str(value)


def _check(registry: Registry) -> None:
    for metric in registry.metrics.values():
        if metric.kind not in KINDS:
            raise RegistryError(f"metric {metric.name}: kind {metric.kind!r} is not one of {KINDS}")
        if metric.direction not in DIRECTIONS:
            raise RegistryError(f"metric {metric.name}: direction {metric.direction!r} not in {DIRECTIONS}")
        if metric.type == "simple":
            registry.measure(metric.measure or "")
        elif metric.type in ("ratio", "derived"):
            for part in registry.inputs(metric.name):
                if part not in registry.metrics:
                    raise RegistryError(f"metric {metric.name}: unknown input metric {part!r}")
        else:
            raise RegistryError(f"metric {metric.name}: type {metric.type!r} is not simple, ratio or derived")


def registry_path() -> Path:
    return queries_dir() / REGISTRY_FILE


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> Registry:
    with open(path, encoding="utf-8") as handle:
        return parse(yaml.safe_load(handle) or {})


def load(path: Path | None = None) -> Registry:
    """The registry (cached while the file does not change)."""
    file = path or registry_path()
    return _load(str(file), file.stat().st_mtime)
