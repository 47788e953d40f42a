{#- The stored versions of the keys in _new are removed (the newer one is inserted). -#}
{% import 'raw/templates/columns.sql' as col %}
DELETE FROM {{ table.table }} AS o WHERE EXISTS (SELECT 1 FROM _new AS n WHERE {{ col.key_match(table, 'o', 'n') }});
