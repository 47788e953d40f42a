-- Grain: one row per declared source (macros/freshness.sql), in its order.
-- Key: source.
-- Purpose: the one definition of how far each source's data reaches (data_until, UTC; NULL when
-- nothing was loaded from it), read by the reports' header and warning, `lrreport status` and
-- its --max-staleness check, and by fct_order_messages to tell which messages were due.
{{ config(materialized=lr_view()) }}
{%- set instant = lr_type_instant() | trim -%}
{% for name, label, basis, relation, until in lr_freshness_sources() %}
{%- set data_until = "CAST(NULL AS " ~ instant ~ ")" %}
{%- if not execute or adapter.get_relation(relation.database, relation.schema, relation.identifier) %}
{%- set data_until = "(SELECT CAST(" ~ until ~ " AS " ~ instant ~ ") FROM " ~ relation ~ ")" %}
{%- endif %}
{%- if not loop.first %}
UNION ALL
{%- endif %}
SELECT
    {{ loop.index }} AS position,
    {{ lr_quote(name) }} AS source,
    {{ lr_quote(label) }} AS label,
    {{ lr_quote(basis) }} AS basis,
    {{ data_until }} AS data_until
{%- endfor %}
