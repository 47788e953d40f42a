{#- SQL fragments of the declared columns (Column / RawTable in the declaration reader), shared by
    the loader's statements beside this file. s: the staged text row, t: the parsed row. -#}

{#- The column's text as staged. -#}
{% macro text(c) %}s.{{ c.name | ident }}{% endmacro %}

{#- The typed value from the staged text: the override, the parsed text, the fallback, first not NULL. -#}
{% macro parse(c) -%}
{% set value = "coalesce(" ~ text(c) ~ ", '')" if c.parse == 'content' else 'lr_' ~ c.parse ~ '(' ~ text(c) ~ ')' %}
{% set parts = [c.override, value, c.fallback] | select | list %}
{{ 'coalesce(' ~ parts | join(', ') ~ ')' if parts | length > 1 else parts[0] }}
{%- endmacro %}

{#- The value test without the checks: parsed (or empty where allowed), or the declared `ok`. -#}
{% macro own_ok(c) -%}
{% set value = 't.' ~ c.name | ident %}
{% set given = 'coalesce(lr_' ~ c.parse ~ '_valid(' ~ value ~ '), FALSE)' if c.validated else value ~ ' IS NOT NULL' %}
{% if c.ok is not none %}
{{ 'coalesce(' ~ c.ok ~ ', TRUE)' }}
{%- elif c.required %}
{{ given }}
{%- elif c.never_fails %}
TRUE
{%- else %}
{{ '(' ~ given ~ ' OR t.' ~ c.blank_flag ~ (' OR t._phone_pending' if c.parse == 'phone' else '') ~ ')' }}
{%- endif %}
{%- endmacro %}

{#- True when the column's value is acceptable: its own test and every declared check. -#}
{% macro ok(c) -%}
{{ own_ok(c) }}{% for check in c.checks %} AND coalesce({{ check.rule }}, TRUE){% endfor %}
{%- endmacro %}

{#- Why the column fails, NULL when it does not. -#}
{% macro reason(c) -%}
{% set own = own_ok(c) %}
{% set problem = 'NULL' if c.never_fails else 'lr_' ~ c.parse ~ '_problem(' ~ text(c) ~ ')' %}
CASE WHEN contains({{ text(c) }}, chr(0)) THEN 'contains a NUL byte (is the file corrupted?)'
{{- ' ' }}WHEN NOT ({{ own }}) AND lr_blank({{ text(c) }}) THEN {{ c.missing | literal }}
{{- ' ' }}WHEN NOT ({{ own }}) THEN {{ problem }}
{%- for check in c.checks %} WHEN NOT coalesce({{ check.rule }}, TRUE) THEN {{ check.reason | literal }}{% endfor %} END
{%- endmacro %}

{#- True when the parsed row passes every rule of every file column. -#}
{% macro row_ok(table) -%}
NOT t._nul
{%- for c in table.columns if c.from_file and c.can_fail %}{{ '\n       AND ' }}{{ ok(c) }}{% endfor %}
{%- endmacro %}

{#- The key columns, optionally of an alias. -#}
{% macro key_list(table, alias='') -%}
{% for k in table.key %}{{ alias ~ '.' if alias else '' }}{{ k | ident }}{{ ', ' if not loop.last else '' }}{% endfor %}
{%- endmacro %}

{#- True when rows `left` and `right` have the same key. -#}
{% macro key_match(table, left, right) -%}
{% for k in table.key %}{{ left }}.{{ k | ident }} = {{ right }}.{{ k | ident }}{{ ' AND ' if not loop.last else '' }}{% endfor %}
{%- endmacro %}

{#- True when rows `left` and `right` hold the same values in every declared column. -#}
{% macro same_row(table, left, right) -%}
{% for c in table.columns %}{{ left }}.{{ c.name | ident }} IS NOT DISTINCT FROM {{ right }}.{{ c.name | ident }}{{ '\n      AND ' if not loop.last else '' }}{% endfor %}
{%- endmacro %}

{#- A list of the declared columns' names, optionally of an alias. -#}
{% macro names(table, alias='') -%}
{% for c in table.columns %}{{ alias ~ '.' if alias else '' }}{{ c.name | ident }}{{ ', ' if not loop.last else '' }}{% endfor %}
{%- endmacro %}
