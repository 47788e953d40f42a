{# Time rules, in one place: timestamps are UTC (TIMESTAMPTZ) underneath; days, hours and
   weekdays are taken in the business time zone (var timezone). Engine-specific forms are
   dispatched so that the same models run on another adapter. #}

{# The wall-clock time of a UTC instant in the business time zone (a zone-less timestamp). #}
{% macro lr_local(ts, zone=none) -%}
    {{ adapter.dispatch('lr_local', 'lrreport')(ts, zone or var('timezone')) }}
{%- endmacro %}
{% macro default__lr_local(ts, zone) -%}
    timezone({{ lr_quote(zone) }}, {{ ts }})
{%- endmacro %}
{% macro spark__lr_local(ts, zone) -%}
    from_utc_timestamp({{ ts }}, {{ lr_quote(zone) }})
{%- endmacro %}

{# The business date of a UTC instant. #}
{% macro lr_local_date(ts) -%}
    CAST({{ lr_local(ts) }} AS DATE)
{%- endmacro %}

{# The instant a zone-less wall-clock time means in `zone` (Listrak's optOutDate). #}
{% macro lr_from_local(ts, zone) -%}
    {{ adapter.dispatch('lr_from_local', 'lrreport')(ts, zone) }}
{%- endmacro %}
{% macro default__lr_from_local(ts, zone) -%}
    timezone({{ lr_quote(zone) }}, {{ ts }})
{%- endmacro %}
{% macro spark__lr_from_local(ts, zone) -%}
    to_utc_timestamp({{ ts }}, {{ lr_quote(zone) }})
{%- endmacro %}

{# Hour of day 0-23 and ISO weekday 1 (Monday) - 7 of a UTC instant in the business time zone. #}
{% macro lr_local_hour(ts) -%}
    CAST(hour({{ lr_local(ts) }}) AS TINYINT)
{%- endmacro %}
{% macro lr_local_isodow(ts) -%}
    {{ adapter.dispatch('lr_local_isodow', 'lrreport')(ts) }}
{%- endmacro %}
{% macro default__lr_local_isodow(ts) -%}
    CAST(isodow({{ lr_local(ts) }}) AS TINYINT)
{%- endmacro %}
{% macro spark__lr_local_isodow(ts) -%}
    CAST(weekday({{ lr_local(ts) }}) + 1 AS TINYINT)
{%- endmacro %}

{# Seconds from instant `a` to instant `b` (fractional). #}
{% macro lr_seconds_between(a, b) -%}
    {{ adapter.dispatch('lr_seconds_between', 'lrreport')(a, b) }}
{%- endmacro %}
{% macro default__lr_seconds_between(a, b) -%}
    {#- whole microseconds, then seconds: epoch(b) - epoch(a) subtracts two doubles near 1.7e9 and
        was off by up to 1e-7 s (14.275000095 for 14.275), which a comparison with Spark found -#}
    (CAST(date_diff('microsecond', {{ a }}, {{ b }}) AS DOUBLE) / 1000000)
{%- endmacro %}
{% macro spark__lr_seconds_between(a, b) -%}
    (CAST(unix_micros({{ b }}) - unix_micros({{ a }}) AS DOUBLE) / 1000000)
{%- endmacro %}

{# An instant plus a whole number of hours or days (windows); exact to the microsecond (dbt's
   spark__dateadd goes through whole seconds). #}
{% macro lr_add_hours(ts, hours) -%}
    {{ adapter.dispatch('lr_add_interval', 'lrreport')(ts, 'hour', hours) }}
{%- endmacro %}
{% macro lr_add_days(ts, days) -%}
    {{ adapter.dispatch('lr_add_interval', 'lrreport')(ts, 'day', days) }}
{%- endmacro %}
{% macro default__lr_add_interval(ts, part, n) -%}
    {{ dbt.dateadd(part, n, ts) }}
{%- endmacro %}
{% macro spark__lr_add_interval(ts, part, n) -%}
    timestampadd({{ part | upper }}, {{ n }}, {{ ts }})
{%- endmacro %}

{# The days from `first` to `last` (DATEs) inclusive, one row each, as column `day`. #}
{% macro lr_day_series(first, last) -%}
    {{ adapter.dispatch('lr_day_series', 'lrreport')(first, last) }}
{%- endmacro %}
{% macro default__lr_day_series(first, last) -%}
    CAST(unnest(generate_series({{ first }}, {{ last }}, INTERVAL 1 DAY)) AS DATE)
{%- endmacro %}
{% macro spark__lr_day_series(first, last) -%}
    explode(sequence({{ first }}, {{ last }}, INTERVAL 1 DAY))
{%- endmacro %}

{# The type of an instant (a UTC timestamp with its zone). #}
{% macro lr_type_instant() -%}
    {{ adapter.dispatch('lr_type_instant', 'lrreport')() }}
{%- endmacro %}
{% macro default__lr_type_instant() -%}
    TIMESTAMPTZ
{%- endmacro %}
{% macro spark__lr_type_instant() -%}
    TIMESTAMP
{%- endmacro %}

