{# Aggregates and arithmetic whose spelling differs between engines, dispatched per adapter. #}
{# The continuous percentile p (0-1) of expr over the rows where `condition` holds (an aggregate). #}
{% macro lr_percentile(expr, p, condition='TRUE') -%}
    {{ adapter.dispatch('lr_percentile', 'lrreport')(expr, p, condition) }}
{%- endmacro %}
{% macro default__lr_percentile(expr, p, condition) -%}
    quantile_cont({{ expr }}, {{ p }}) FILTER (WHERE {{ condition }})
{%- endmacro %}
{# Spark's percentile is exact and interpolates linearly, as quantile_cont does. #}
{% macro spark__lr_percentile(expr, p, condition) -%}
    percentile({{ expr }}, {{ p }}) FILTER (WHERE {{ condition }})
{%- endmacro %}

{# a // b for whole numbers, the same on every engine. #}
{% macro lr_int_div(a, b) -%}
    CAST(floor(({{ a }}) / ({{ b }})) AS BIGINT)
{%- endmacro %}

{# The greatest / least of several columns taken together, compared in the order given (first
   column first), as one struct whose fields are `names` (default: the columns' own names). An
   aggregate: the latest send per order is lr_max_struct(['sent_at', 'send_id', ...]). #}
{% macro lr_max_struct(columns, names=none) -%}
    {{ adapter.dispatch('lr_extreme_struct', 'lrreport')('max', columns, names or columns) }}
{%- endmacro %}
{% macro lr_min_struct(columns, names=none) -%}
    {{ adapter.dispatch('lr_extreme_struct', 'lrreport')('min', columns, names or columns) }}
{%- endmacro %}
{% macro default__lr_extreme_struct(fn, columns, names) -%}
    {{ fn }}({ {%- for c in columns %}{{ lr_quote(names[loop.index0]) }}: {{ c }}{{ ', ' if not loop.last }}{% endfor -%} })
{%- endmacro %}
{% macro spark__lr_extreme_struct(fn, columns, names) -%}
    {{ fn }}(named_struct({%- for c in columns %}{{ lr_quote(names[loop.index0]) }}, {{ c }}{{ ', ' if not loop.last }}{% endfor -%}))
{%- endmacro %}

{# How a model that is a view on DuckDB is materialized: on Spark every model is a Parquet table in
   the lake, since a view lives only in the catalog of one session and DuckDB reads the lake. #}
{% macro lr_view() -%}
    {{ return(adapter.dispatch('lr_view', 'lrreport')()) }}
{%- endmacro %}
{% macro default__lr_view() -%}
    {{ return('view') }}
{%- endmacro %}
{% macro spark__lr_view() -%}
    {{ return('table') }}
{%- endmacro %}
