{# Incremental builds. Which raw rows are new to a model is decided by what was loaded since
   that model last built, never by the rows' own timestamps: every raw row carries the _load_id
   of the load that wrote it, and each incremental model records (in its post-hook, inside its
   own transaction) the loads it has processed in meta.lr_model_loads. A send log for last week
   loaded today is new; a failed build marks nothing, so the next build picks the rows up again.
   A model also records a fingerprint of what it depends on besides raw rows (the vars and the
   message shells of int_messages); when that changes, every row counts as new. Each model then
   recomputes the keys its new rows can affect (its header says which) and replaces them: the
   pre-hook deletes those keys, the model inserts them again. #}

{% macro lr_meta(name) -%}
    {{ api.Relation.create(database=target.database if target.database is defined else none, schema='meta',
                               identifier=name) }}
{%- endmacro %}

{# The raw tables whose _load_id the models follow. #}
{% macro lr_raw_tables() -%}
    {{ return(['sends', 'orders', 'listrak_optouts', 'listrak_contacts', 'listrak_transactional_messages',
               'listrak_phone_lists', 'listrak_sender_codes']) }}
{%- endmacro %}

{# What besides raw rows the models depend on, as one text: the vars, the shells and the version
   of the rules (raise it when a macro changes what a model computes from the same rows, e.g. what
   macros/attribution.sql credits, so that a warehouse built under the old rules is redone; 2: the
   click window dates the click; 3: seconds between two instants exact to the microsecond). #}
{% macro lr_fingerprint() -%}
    {%- set settings = {'attribution_rules': 3} -%}
    {%- for name in ['timezone', 'currency', 'optout_timezone', 'utm_source', 'utm_medium', 'click_window_days',
                     'view_window_hours', 'optout_window_hours', 'campaign_map', 'message_types', 'triggers'] -%}
        {%- do settings.update({name: var(name)}) -%}
    {%- endfor -%}
    {{ dbt.hash(lr_quote(tojson(settings, sort_keys=true)) ~ " || coalesce((SELECT " ~ lr_sorted_listagg(
        "concat_ws('|', sender_code_id, phone_list_id, transactional_message_id, message_name, message_type, "
        ~ "trigger_column, name_key)", "';'", "sender_code_id, phone_list_id, transactional_message_id")
        ~ " FROM " ~ ref('int_messages') ~ "), '')") }}
{%- endmacro %}

{# The texts of `expr` joined by `sep` in a fixed order (`order_by`, columns), as one aggregate. #}
{% macro lr_sorted_listagg(expr, sep, order_by) -%}
    {{ adapter.dispatch('lr_sorted_listagg', 'lrreport')(expr, sep, order_by) }}
{%- endmacro %}
{% macro default__lr_sorted_listagg(expr, sep, order_by) -%}
    {{ dbt.listagg(expr, sep, 'ORDER BY ' ~ order_by) }}
{%- endmacro %}
{# Spark's collect_list keeps no order: sort (key columns, text) structs, then keep the texts. #}
{% macro spark__lr_sorted_listagg(expr, sep, order_by) -%}
    array_join(transform(array_sort(collect_list(struct({{ order_by }}, CAST({{ expr }} AS STRING) AS lr_text))),
        x -> x.lr_text), {{ sep }})
{%- endmacro %}

{# True for a raw row this model has not processed yet (or for every row when its inputs changed). #}
{% macro lr_is_new(load_id='_load_id') -%}
    ({{ load_id }} NOT IN (SELECT load_id FROM {{ lr_meta('lr_model_loads') }} WHERE model = {{ lr_quote(this.identifier) }})
     OR {{ lr_inputs_changed() }})
{%- endmacro %}

{# Whether the vars or the shells changed since this model last built, decided once when the model
   is rendered (a literal in the SQL: a subquery beside every row test would be evaluated per row). #}
{% macro lr_inputs_changed() -%}
    {%- if execute -%}
        {%- set query -%}
            SELECT coalesce((SELECT max(fingerprint) FROM {{ lr_meta('lr_model_state') }}
                             WHERE model = {{ lr_quote(this.identifier) }}), '') <> {{ lr_fingerprint() }}
        {%- endset -%}
        {{ 'TRUE' if run_query(query).columns[0].values()[0] else 'FALSE' }}
    {%- else -%}
        FALSE
    {%- endif -%}
{%- endmacro %}

{# Pre-hook: delete the keys the model is about to insert again (only on an incremental run).
   On DuckDB the keys are computed once into meta.lr_affected__<model> (one column, named as the
   model's key): the model reads them from there (lr_affected_keys), and the published snapshot
   replaces just those keys of its copy (lrreport/warehouse/snapshot.py). A run that is not
   incremental drops the table, so a stale one never describes it. #}
{% macro lr_delete_affected(key, affected_sql) -%}
    {{ adapter.dispatch('lr_delete_affected', 'lrreport')(key, affected_sql) }}
{%- endmacro %}

{% macro default__lr_delete_affected(key, affected_sql) -%}
    {%- if is_incremental() -%}
    DELETE FROM {{ this }} WHERE {{ key }} IN ({{ affected_sql }})
    {%- else -%}
    SELECT 1
    {%- endif -%}
{%- endmacro %}

{% macro duckdb__lr_delete_affected(key, affected_sql) -%}
    {%- set keys = lr_affected_relation() -%}
    {%- if is_incremental() -%}
    CREATE OR REPLACE TABLE {{ keys }} AS SELECT DISTINCT a.k AS {{ key }} FROM ({{ affected_sql }}) AS a (k);
    DELETE FROM {{ this }} WHERE {{ key }} IN (SELECT {{ key }} FROM {{ keys }})
    {%- else -%}
    DROP TABLE IF EXISTS {{ keys }}
    {%- endif -%}
{%- endmacro %}

{% macro lr_affected_relation() -%}
    {{ lr_meta('lr_affected__' ~ this.identifier) }}
{%- endmacro %}

{# The keys this incremental run recomputes, for the model's own WHERE: the pre-hook's table on
   DuckDB, the `affected` macro (passed itself, not its name) run again elsewhere. #}
{% macro lr_affected_keys(affected) -%}
    {{ adapter.dispatch('lr_affected_keys', 'lrreport')(affected) }}
{%- endmacro %}

{% macro default__lr_affected_keys(affected) -%}
    {{ affected() }}
{%- endmacro %}

{% macro duckdb__lr_affected_keys(affected) -%}
    SELECT * FROM {{ lr_affected_relation() }}
{%- endmacro %}

{# Post-hook: record the loads present at the start of this build and the fingerprint as processed. #}
{% macro lr_mark_processed() -%}
    {{ adapter.dispatch('lr_mark_processed', 'lrreport')() }}
{%- endmacro %}
{% macro default__lr_mark_processed() -%}
    DELETE FROM {{ lr_meta('lr_model_loads') }} WHERE model = {{ lr_quote(this.identifier) }};
    INSERT INTO {{ lr_meta('lr_model_loads') }} (model, load_id)
    SELECT {{ lr_quote(this.identifier) }}, load_id FROM {{ lr_meta('lr_build_loads') }};
    DELETE FROM {{ lr_meta('lr_model_state') }} WHERE model = {{ lr_quote(this.identifier) }};
    INSERT INTO {{ lr_meta('lr_model_state') }} (model, fingerprint, built_at)
    VALUES ({{ lr_quote(this.identifier) }}, {{ lr_fingerprint() }}, {{ dbt.current_timestamp() }})
{%- endmacro %}

{# Spark over Parquet cannot delete rows: the rows to keep are copied aside and written back over
   the table (one rewrite of the model per increment), then the model appends the recomputed keys. #}
{% macro spark__lr_delete_affected(key, affected_sql) -%}
    {%- if is_incremental() and execute -%}
    {%- set keep = api.Relation.create(schema=this.schema, identifier=this.identifier ~ '__lr_keep') -%}
    {%- do run_query('DROP TABLE IF EXISTS ' ~ keep) -%}
    {%- do run_query('CREATE TABLE ' ~ keep ~ ' USING parquet '
        ~ lr_spark_location('_staging', this.identifier ~ '__lr_keep')
        ~ ' AS SELECT * FROM ' ~ this ~ ' AS t WHERE NOT EXISTS (SELECT 1 FROM (' ~ affected_sql
        ~ ') AS a (k) WHERE a.k = t.' ~ key ~ ')') -%}
    {%- do run_query('INSERT OVERWRITE TABLE ' ~ this ~ ' SELECT * FROM ' ~ keep) -%}
    {%- do run_query('DROP TABLE ' ~ keep) -%}
    {%- endif -%}
    SELECT 1
{%- endmacro %}

{# Spark: the model's partitions of the meta tables (partitioned by model) are replaced. #}
{% macro spark__lr_mark_processed() -%}
    {%- set fingerprint = lr_fingerprint() -%}  {#- also at parse time: it names int_messages as a dependency -#}
    {%- if execute -%}
    {%- do run_query('INSERT OVERWRITE TABLE ' ~ lr_meta('lr_model_loads') ~ ' PARTITION (model = '
        ~ lr_quote(this.identifier) ~ ') SELECT DISTINCT load_id FROM ' ~ lr_meta('lr_build_loads')) -%}
    {%- do run_query('INSERT OVERWRITE TABLE ' ~ lr_meta('lr_model_state') ~ ' PARTITION (model = '
        ~ lr_quote(this.identifier) ~ ') SELECT ' ~ fingerprint ~ ', ' ~ dbt.current_timestamp()) -%}
    {%- endif -%}
    SELECT 1
{%- endmacro %}

{# The config every incremental model shares: `key` names the rows that `affected` (the name of a
   macro of affected.sql) says to recompute; the pre-hook deletes them, the model inserts them. #}
{% macro lr_incremental(key, affected) -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ lr_delete_affected('" ~ key ~ "', " ~ affected ~ "()) }}",
        post_hook="{{ lr_mark_processed() }}"
    ) }}
{%- endmacro %}

{# The build that wrote a row (dbt's invocation id), a column of the large incremental models: an
   increment rewrites just the rows it recomputes, so their data tests can read this build's rows by
   a constant, which DuckDB answers from the newest row groups (macros/tests/where_subquery.sql). #}
{% macro lr_build_id() -%}
    {{ lr_quote(invocation_id) }}
{%- endmacro %}

{# The longest window in which a send can earn an order (click or view), in hours. #}
{% macro lr_max_credit_hours() -%}
    {{ [var('click_window_days') | int * 24, var('view_window_hours') | int] | max }}
{%- endmacro %}
