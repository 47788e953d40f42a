{#- One reject per broken rule of each bad row of _typed: column, the value as given, and why. -#}
{% import 'raw/templates/columns.sql' as col %}
{% set entries = [] %}
{% for c in table.columns if c.from_file %}
{% do entries.append("{'column_name': " ~ c.name | literal ~ ", 'value': " ~ col.text(c) ~ ", 'reason': " ~ col.reason(c) ~ "}") %}
{% endfor %}
-- generated from {{ table.source }} by queries/raw/templates/rejects.sql
CREATE OR REPLACE TEMP TABLE _rejects AS
SELECT _file_idx, _row, p.column_name, p.value, p.reason
FROM (
    SELECT t._file_idx, t._row, unnest([
            {{ entries | join(',\n            ') }}
        ]) AS p
    FROM (SELECT * FROM _typed WHERE NOT _ok) AS t
    INNER JOIN _stage AS s
        ON s._file_idx = t._file_idx AND lr_row(s.rowid, s._file_idx) = t._row
) AS problems
WHERE p.reason IS NOT NULL
ORDER BY _file_idx, _row;
