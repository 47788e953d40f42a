{#- The declared columns of `relation` (alias n) inserted by name, with the load's metadata.
    new_keys: only the rows whose key is not stored yet; first_of_repeats: of keys repeated in the
    batch, the first row (file order, then row order). -#}
{% import 'raw/templates/columns.sql' as col %}
INSERT INTO {{ table.table }} ({{ col.names(table) }}, {% for name, _ in table.meta_columns %}{{ name | ident }}{{ ', ' if not loop.last else '' }}{% endfor %})
SELECT {{ col.names(table, 'n') }},
       getvariable('load_id'), getvariable('loaded_at'), lr_source_file(n._file_idx)
FROM {{ relation }} AS n
{%- if new_keys %}{{ '\n' }}WHERE NOT EXISTS (SELECT 1 FROM {{ table.table }} AS r WHERE {{ col.key_match(table, 'r', 'n') }}){% endif %}
{%- if first_of_repeats %}{{ '\n' }}QUALIFY row_number() OVER (PARTITION BY {{ col.key_list(table, 'n') }} ORDER BY n._file_idx, n._row) = 1{% endif %};
