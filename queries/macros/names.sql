{# How names are matched: UTM campaigns, shell names and message types are equal when they are
   equal with case and punctuation ignored ("Order_Confirmation" = "order-confirmation"). #}
{% macro lr_name_key(expr) -%}
    {{ adapter.dispatch('lr_name_key', 'lrreport')(expr) }}
{%- endmacro %}

{% macro default__lr_name_key(expr) -%}
    nullif(regexp_replace(lower(trim({{ expr }})), '[^\pL\pN]', '', 'g'), '')
{%- endmacro %}
{# Spark: Java regexes replace every match; a backslash in a literal is doubled. #}
{% macro spark__lr_name_key(expr) -%}
    nullif(regexp_replace(lower(trim({{ expr }})), '[^\\pL\\pN]', ''), '')
{%- endmacro %}

{# A string literal, quotes doubled. #}
{% macro lr_quote(value) -%}
    '{{ value | string | replace("'", "''") }}'
{%- endmacro %}

{# A dict var as a relation of two text columns: (key_name, value_name). Empty dicts give no row. #}
{% macro lr_mapping(mapping, key_name, value_name) -%}
    {%- if mapping | length == 0 -%}
    SELECT CAST(NULL AS {{ dbt.type_string() }}) AS {{ key_name }}, CAST(NULL AS {{ dbt.type_string() }}) AS {{ value_name }}
    WHERE 1 = 0
    {%- else -%}
    {%- for key, value in mapping.items() %}
    {% if not loop.first %}UNION ALL {% endif %}SELECT {{ lr_quote(key) }} AS {{ key_name }}, {{ lr_quote(value) }} AS {{ value_name }}
    {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{# The triggered message types (var triggers), one row per type as names are matched: its key,
   its name as configured and the order column whose time triggers it. #}
{% macro lr_trigger_map() -%}
    SELECT
        {{ lr_name_key('message_type') }} AS type_key,
        min(message_type) AS message_type,
        min(trigger_column) AS trigger_column
    FROM ({{ lr_mapping(var('triggers'), 'message_type', 'trigger_column') }}) AS t
    GROUP BY {{ lr_name_key('message_type') }}
{%- endmacro %}

{# How a UTM campaign names a message shell, for orders and GA4 sessions alike: through var
   campaign_map when the campaign is listed there (names matched by lr_name_key), else the campaign
   itself. lr_campaign_map() is the map as a relation (campaign_key, shell_key); join it as `cm` on
   lr_name_key(campaign) = cm.campaign_key, then lr_campaign_shell_key(campaign) is the key to match
   int_messages.name_key on. #}
{% macro lr_campaign_map() -%}
    SELECT
        {{ lr_name_key('utm_campaign') }} AS campaign_key,
        min({{ lr_name_key('shell_name') }}) AS shell_key
    FROM ({{ lr_mapping(var('campaign_map'), 'utm_campaign', 'shell_name') }}) AS m
    GROUP BY 1
{%- endmacro %}

{% macro lr_campaign_shell_key(campaign) -%}
    coalesce(cm.shell_key, {{ lr_name_key(campaign) }})
{%- endmacro %}
