{# Generic test on a model: none of `columns` is NULL in any row. dbt's not_null is one test per
   column, and each test costs dbt about 20 ms of its own work beside the query (201 of them were 4 s
   of every build: DECISIONLOG.md); this is one test and one scan per model. Fails with a row per
   column that holds a NULL: the column and how many rows. #}
{% test lr_not_null(model, columns) -%}
WITH counted AS (
    SELECT
    {%- for column in columns %}
        count(*) - count({{ column }}) AS nulls_{{ loop.index }}{{ ',' if not loop.last }}
    {%- endfor %}
    FROM {{ model }}
)
{%- for column in columns %}
SELECT {{ lr_quote(column) }} AS null_column, nulls_{{ loop.index }} AS null_rows FROM counted
WHERE nulls_{{ loop.index }} > 0
{%- if not loop.last %}
UNION ALL
{%- endif %}
{%- endfor %}
{%- endtest %}
