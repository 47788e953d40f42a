{# Generic test: the model has as many rows as `compare_model` (with a unique key and a
   relationship to it, the two hold the same keys). Fails with one row giving both counts. Always of
   the whole model (macros/tests/where_subquery.sql). #}
{% test lr_equal_rowcount(model, compare_model) -%}
{{ config(meta={'lr_whole_table': true}) }}
SELECT n_model, n_compare
FROM (
    SELECT
        (SELECT count(*) FROM {{ model }}) AS n_model,
        (SELECT count(*) FROM {{ compare_model }}) AS n_compare
) AS counts
WHERE n_model <> n_compare
{%- endtest %}
