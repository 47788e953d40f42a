{#- Rows of _new identical to the stored version need no rewrite: reloading is a no-op. -#}
{% import 'raw/templates/columns.sql' as col %}
DELETE FROM _new AS n
WHERE EXISTS (
    SELECT 1 FROM {{ table.table }} AS o
    WHERE {{ col.key_match(table, 'o', 'n') }}
      AND {{ col.same_row(table, 'o', 'n') }}
);
