{#- _ok tested again on the rows whose phone Python has just normalised (load/phone_rule). -#}
{% import 'raw/templates/columns.sql' as col %}
UPDATE _typed AS t SET _ok = {{ col.row_ok(table) }}
WHERE t.phone_raw IN (SELECT p.raw FROM _phones AS p);
