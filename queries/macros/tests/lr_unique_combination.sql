{# Generic test: the combination of `columns` is unique in the model (a composite key). NULLs
   compare equal here (GROUP BY), so a NULL part of a key counts too; pair it with lr_not_null on
   the columns that must be set. Fails with one row per duplicated combination. #}
{% test lr_unique_combination(model, columns) -%}
SELECT
    {{ columns | join(', ') }},
    count(*) AS n_rows
FROM {{ model }}
GROUP BY {{ columns | join(', ') }}
HAVING count(*) > 1
{%- endtest %}
