"""What dbt puts in the Jinja context, emulated for sqlfluff's jinja templater (.sqlfluff).

sqlfluff renders the dbt models with its own stand-ins for ref/source/config/is_incremental;
this adds the rest our macros use (var with the defaults of queries/dbt_project.yml, adapter.dispatch,
dbt.* cross-database macros, api.Relation, target, flags, tojson), so that lint sees SQL shaped like
dbt's. Lint only: nothing here runs in a build.
"""

import json as _json
from pathlib import Path as _Path

import jinja2 as _jinja2
import yaml as _yaml

_PROJECT = _Path(__file__).resolve().parents[2] / "queries" / "dbt_project.yml"
_VARS = (_yaml.safe_load(_PROJECT.read_text()) or {}).get("vars", {}) if _PROJECT.exists() else {}


def var(name, default=None):
    """dbt's var(): the project default (dicts stay dicts, so lr_mapping renders its UNION)."""
    return _VARS.get(name, default)


def tojson(value, **kwargs):
    return _json.dumps(value, **kwargs)


class _Adapter:
    @_jinja2.pass_context
    def dispatch(self, context, macro_name, macro_namespace=None):
        return context.get("default__" + macro_name) or context[macro_name]


class _Dbt:
    """The dbt.* macros the models call, rendered as DuckDB SQL."""

    @staticmethod
    def type_string():
        return "VARCHAR"

    @staticmethod
    def current_timestamp():
        return "now()"

    @staticmethod
    def dateadd(datepart, interval, from_date_or_timestamp):
        # A query parameter passed in as the interval ('$click_window_hours' in analyses/) lints as a name.
        interval = str(interval).lstrip("$")
        return f"({from_date_or_timestamp} + INTERVAL ({interval}) {datepart})"

    @staticmethod
    def hash(field):
        return f"md5(CAST({field} AS VARCHAR))"

    @staticmethod
    def listagg(measure, delimiter_text="','", order_by_clause=None, limit_num=None):
        order = f" {order_by_clause}" if order_by_clause else ""
        return f"string_agg({measure}, {delimiter_text}{order})"


class _Relation:
    @staticmethod
    def create(database=None, schema=None, identifier=None, **kwargs):
        return ".".join(str(p) for p in (schema, identifier) if p)


class _Api:
    Relation = _Relation


class _Target:
    database = "lrreport"
    schema = "main"
    name = "duckdb"
    type = "duckdb"


class _Flags:
    WHICH = "build"
    FULL_REFRESH = False


adapter = _Adapter()
dbt = _Dbt()
api = _Api()
target = _Target()
flags = _Flags()
execute = False  # as while dbt parses: no query runs (lr_inputs_changed renders FALSE)
invocation_id = "00000000-0000-0000-0000-000000000000"
