{#- The declared raw table, created with its schema when missing; the load's metadata columns last. -#}
{% set cols = [] %}
{% for c in table.columns %}
{% do cols.append('    ' ~ c.name | ident ~ ' ' ~ c.type ~ (' NOT NULL' if c.not_null else '')) %}
{% endfor %}
{% for name, type in table.meta_columns %}
{% do cols.append('    ' ~ name | ident ~ ' ' ~ type ~ ' NOT NULL') %}
{% endfor %}
CREATE SCHEMA IF NOT EXISTS {{ table.schema }};
CREATE TABLE IF NOT EXISTS {{ table.table }} (
{{ cols | join(',\n') }}
);
