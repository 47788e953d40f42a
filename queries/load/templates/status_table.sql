{#- One raw table's rows for `lrreport status`: how many, the range of its date column, the last load. -#}
SELECT
    count(*),
{% if date_column %}
    min({{ date_column | ident }}), max({{ date_column | ident }}),
{% else %}
    NULL, NULL,
{% endif %}
    max(_loaded_at)
FROM raw.{{ name | ident }};
