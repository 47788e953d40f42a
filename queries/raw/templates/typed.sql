{#- Every staged row parsed once into _typed, with _ok when it passes every rule. skip: SQL over the
    staged text s true for rows to leave out; nul_check: look for NUL characters in every column. -#}
{% import 'raw/templates/columns.sql' as col %}
{% set file_columns = table.columns | selectattr('from_file') | list %}
{% set any_nul = [] %}
{% for c in file_columns %}
{% do any_nul.append('contains(' ~ col.text(c) ~ ', chr(0))') %}
{% endfor %}
{% set items = ['s._file_idx', 'lr_row(s.rowid, s._file_idx) AS _row'] %}
{% do items.append(('coalesce(' ~ any_nul | join(' OR ') ~ ', FALSE)' if nul_check else 'FALSE') ~ ' AS _nul') %}
{% for c in file_columns %}
{% do items.append(col.parse(c) ~ ' AS ' ~ c.name | ident) %}
{% if c.parse == 'phone' %}
{% do items.append(col.text(c) ~ ' AS phone_raw') %}
{% do items.append('lr_phone_national(' ~ col.text(c) ~ ') IS NULL AND NOT lr_blank(' ~ col.text(c) ~ ') AS _phone_pending') %}
{% endif %}
{% if c.blank_flagged %}
{% do items.append('lr_blank(' ~ col.text(c) ~ ') AS ' ~ c.blank_flag) %}
{% endif %}
{% endfor %}
{% do items.extend(table.derived) %}
-- generated from {{ table.source }} by queries/raw/templates/typed.sql
CREATE OR REPLACE TEMP TABLE _typed AS
SELECT t.*,
       {{ col.row_ok(table) }} AS _ok
FROM (
    SELECT {{ items | join(',\n           ') }}
    FROM _stage AS s
{% if skip %}
    QUALIFY NOT coalesce({{ skip }}, FALSE)
{% endif %}
) AS t;
