{# Generic test: every row of the model whose `columns` are all set has a row in `to` with
   equal `to_columns` (pairwise, in order; default the same names) among the rows of `to` that
   satisfy `to_where`: a composite foreign key, optionally to a subset of the parent (e.g. only
   accepted sends) and with further columns that must agree. Fails with the orphaned rows. #}
{% test lr_relationship(model, columns, to, to_columns=none, to_where='true') -%}
{%- set to_columns = to_columns or columns -%}
WITH parent AS (
    SELECT {{ to_columns | join(', ') }}
    FROM {{ to }}
    WHERE {{ to_where }}
)

{# Only the compared columns of the model: with `*`, DuckDB materialises every column once dbt
   wraps the test in a count (1.3 s instead of 0.1 s on 10M sends). Two shapes, the same orphans
   (a parent row repeated only repeats matched rows, which the WHERE drops), because DuckDB plans
   them differently (6.3M first sends against 10M sends):
   - some rows of the model (a subquery: an increment's rows, where_subquery.sql): NOT EXISTS, which
     DuckDB runs from the few child keys and their ranges (0.23 s against 0.73 s as a left join);
   - the whole model: a left join kept where nothing matched (1.1 s against 2.7 s as NOT EXISTS,
     whose distinct of every child key then costs more than the join). #}
{%- if model is string %}
SELECT {% for c in columns %}child.{{ c }}{% if not loop.last %}, {% endif %}{% endfor %}
FROM (SELECT {{ columns | join(', ') }} FROM {{ model }}) AS child
WHERE
    {% for c in columns %}child.{{ c }} IS NOT NULL AND {% endfor %}NOT EXISTS (
        SELECT 1
        FROM parent
        WHERE {% for c in columns %}parent.{{ to_columns[loop.index0] }} = child.{{ c }}{% if not loop.last %} AND {% endif %}{% endfor %}
    )
{%- else %}
SELECT {% for c in columns %}child.{{ c }}{% if not loop.last %}, {% endif %}{% endfor %}
FROM {{ model }} AS child
LEFT JOIN parent
    ON {% for c in columns %}parent.{{ to_columns[loop.index0] }} = child.{{ c }}{% if not loop.last %} AND {% endif %}{% endfor %}
WHERE {% for c in columns %}child.{{ c }} IS NOT NULL AND {% endfor %}parent.{{ to_columns[0] }} IS NULL
{%- endif %}
{%- endtest %}
