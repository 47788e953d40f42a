{# Generic test: `expression` holds (is true, not false or NULL) on every row of the model.
   Fails with the rows where it does not. #}
{% test lr_expression_is_true(model, expression) -%}
SELECT *
FROM {{ model }}
WHERE NOT coalesce(({{ expression }}), false)
{%- endtest %}
