{# Every build is recorded in meta.lr_builds: 'running' when it starts, then 'ok' or 'failed'
   with the first failing node. A build that was killed stays 'running'. Reports refuse to
   publish while the newest build is not 'ok', since its marts may mix two builds. #}

{% macro lr_start_build() -%}
    {{ adapter.dispatch('lr_start_build', 'lrreport')() }}
{%- endmacro %}

{% macro default__lr_start_build() -%}
    {%- if execute -%}
    CREATE SCHEMA IF NOT EXISTS meta;
    CREATE TABLE IF NOT EXISTS {{ lr_meta('lr_builds') }} (
        invocation_id VARCHAR PRIMARY KEY,
        started_at TIMESTAMPTZ NOT NULL,
        finished_at TIMESTAMPTZ,
        status VARCHAR NOT NULL,
        command VARCHAR,
        full_refresh BOOLEAN,
        failed_node VARCHAR,
        message VARCHAR
    );
    CREATE TABLE IF NOT EXISTS {{ lr_meta('lr_model_loads') }} (model VARCHAR NOT NULL, load_id VARCHAR NOT NULL);
    CREATE TABLE IF NOT EXISTS {{ lr_meta('lr_model_state') }} (
        model VARCHAR NOT NULL, fingerprint VARCHAR NOT NULL, built_at TIMESTAMPTZ NOT NULL
    );
    CREATE TABLE IF NOT EXISTS {{ lr_meta('lr_tested') }} (invocation_id VARCHAR NOT NULL, load_id VARCHAR NOT NULL);
    CREATE OR REPLACE TABLE {{ lr_meta('lr_build_loads') }} AS
    {% for table in lr_raw_tables() -%}
    {% if not loop.first %}UNION {% endif %}SELECT DISTINCT _load_id AS load_id FROM {{ source('raw', table) }}
    {% endfor -%};
    {%- if flags.WHICH in ('build', 'run', 'seed', 'snapshot') %}
    INSERT INTO {{ lr_meta('lr_builds') }} (invocation_id, started_at, status, command, full_refresh)
    VALUES ({{ lr_quote(invocation_id) }}, {{ dbt.current_timestamp() }}, 'running', {{ lr_quote(flags.WHICH) }},
            {{ 'true' if flags.FULL_REFRESH else 'false' }});
    {%- endif %}
    {%- endif -%}
{%- endmacro %}

{% macro lr_finish_build(results) -%}
    {{ adapter.dispatch('lr_finish_build', 'lrreport')(results) }}
{%- endmacro %}

{# The first model that failed (or was skipped) in this invocation, or none. #}
{% macro lr_failed_model(results) -%}
    {%- for r in results if r.status in ('error', 'fail', 'runtime error', 'skipped') and r.node.resource_type == 'model' -%}
        {%- if loop.first %}{{ return(r) }}{% endif -%}
    {%- endfor -%}
    {{ return(none) }}
{%- endmacro %}

{% macro default__lr_finish_build(results) -%}
    {%- if execute and flags.WHICH in ('build', 'run', 'seed', 'snapshot') -%}
    {%- set failed = lr_failed_model(results) -%}
    {%- if failed -%}
    UPDATE {{ lr_meta('lr_builds') }}
    SET status = 'failed', finished_at = {{ dbt.current_timestamp() }},
        failed_node = {{ lr_quote(failed.node.original_file_path) }},
        message = {{ lr_quote((failed.message or '')[:2000]) }}
    WHERE invocation_id = {{ lr_quote(invocation_id) }}
    {%- else -%}
    UPDATE {{ lr_meta('lr_builds') }} SET status = 'ok', finished_at = {{ dbt.current_timestamp() }}
    WHERE invocation_id = {{ lr_quote(invocation_id) }}
    {%- set passed = results | rejectattr('status', 'in', ['success', 'pass']) | list | length == 0 -%}
    {%- if flags.WHICH == 'build' and passed and not invocation_args_dict.get('select') %};
    {#- every model built and every test passed: the loads of this build are tested (tests/where_subquery.sql) #}
    DELETE FROM {{ lr_meta('lr_tested') }};
    INSERT INTO {{ lr_meta('lr_tested') }} (invocation_id, load_id)
    SELECT {{ lr_quote(invocation_id) }}, load_id FROM {{ lr_meta('lr_build_loads') }}
    {%- endif -%}
    {%- endif -%}
    {%- else -%}
    SELECT 1
    {%- endif -%}
{%- endmacro %}

{# Spark over Parquet has no UPDATE, DELETE or multi-statement hooks: the meta tables live in the lake
   (var lake), partitioned by what the DuckDB forms delete or update by, and a statement replaces a
   partition (INSERT OVERWRITE ... PARTITION) instead. Each statement runs on its own.
   Before a build on Spark (its own dbt invocation, so that dbt's list of relations sees them): the
   lake's tables declared to the catalog (var lake_tables, from lrreport.lake.spark.lake_ddl) and the
   meta tables in the lake. Partitions are what the lake's folders hold, not a list kept in the
   catalog: lrreport writes raw partitions from outside Spark. #}
{% macro lr_declare_lake() -%}
    {%- do run_query('SET spark.sql.hive.manageFilesourcePartitions = false') -%}
    {%- for statement in var('lake_tables', []) -%}
    {%- do run_query(statement) -%}
    {%- endfor -%}
    {%- do run_query('CREATE SCHEMA IF NOT EXISTS meta') -%}
    {%- for name, columns, partition in lr_spark_meta_tables() -%}
    {%- if var('lake', '') -%}{%- do run_query('DROP TABLE IF EXISTS ' ~ lr_meta(name)) -%}{%- endif -%}
    {%- do run_query('CREATE TABLE IF NOT EXISTS ' ~ lr_meta(name) ~ ' (' ~ columns ~ ') USING parquet'
        ~ (' PARTITIONED BY (' ~ partition ~ ')' if partition else '') ~ ' ' ~ lr_spark_location('meta', name)) -%}
    {%- endfor -%}
{%- endmacro %}

{% macro spark__lr_start_build() -%}
    {%- if execute -%}
    {%- set loads -%}
    INSERT OVERWRITE TABLE {{ lr_meta('lr_build_loads') }}
    {% for table in lr_raw_tables() -%}
    {% if not loop.first %}UNION {% endif %}SELECT DISTINCT _load_id AS load_id FROM {{ source('raw', table) }}
    {% endfor -%}
    {%- endset -%}
    {%- do run_query(loads) -%}
    {%- if flags.WHICH in ('build', 'run', 'seed', 'snapshot') -%}
    {%- do run_query(lr_spark_build_row('running', none)) -%}
    {%- endif -%}
    {%- endif -%}
    SELECT 1
{%- endmacro %}

{% macro spark__lr_finish_build(results) -%}
    {%- if execute and flags.WHICH in ('build', 'run', 'seed', 'snapshot') -%}
    {%- set failed = lr_failed_model(results) -%}
    {%- do run_query(lr_spark_build_row('failed' if failed else 'ok', failed)) -%}
    {%- endif -%}
    SELECT 1
{%- endmacro %}

{# The meta tables on Spark: name, columns, partition column (the key their rows are replaced by). #}
{% macro lr_spark_meta_tables() -%}
    {{ return([
        ('lr_builds', 'started_at TIMESTAMP, finished_at TIMESTAMP, status STRING, command STRING, '
            ~ 'full_refresh BOOLEAN, failed_node STRING, message STRING, invocation_id STRING', 'invocation_id'),
        ('lr_model_loads', 'load_id STRING, model STRING', 'model'),
        ('lr_model_state', 'fingerprint STRING, built_at TIMESTAMP, model STRING', 'model'),
        ('lr_build_loads', 'load_id STRING', none),
    ]) }}
{%- endmacro %}

{# This invocation's row of meta.lr_builds, written whole (its partition replaced). #}
{% macro lr_spark_build_row(status, failed) -%}
    INSERT OVERWRITE TABLE {{ lr_meta('lr_builds') }} PARTITION (invocation_id = {{ lr_quote(invocation_id) }})
    SELECT
        TIMESTAMP {{ lr_quote(run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f')) }},
        {{ 'CAST(NULL AS TIMESTAMP)' if status == 'running' else dbt.current_timestamp() }},
        {{ lr_quote(status) }},
        {{ lr_quote(flags.WHICH) }},
        {{ 'true' if flags.FULL_REFRESH else 'false' }},
        {{ lr_quote(failed.node.original_file_path) if failed else 'CAST(NULL AS STRING)' }},
        {{ lr_quote((failed.message or '')[:2000]) if failed else 'CAST(NULL AS STRING)' }}
{%- endmacro %}

{# Where a table lives in the lake: <lake>/<schema>/<name> (nothing without a lake: the catalog's
   own place, as on a Databricks workspace with managed tables). #}
{% macro lr_spark_location(schema, name) -%}
    {%- if var('lake', '') -%}LOCATION {{ lr_quote(var('lake') ~ '/' ~ schema ~ '/' ~ name) }}{%- endif -%}
{%- endmacro %}

{# dbt-spark's own location clause, pointed at the lake for every model. #}
{% macro spark__location_clause() -%}
    {%- if var('lake', '') %}
    location '{{ var("lake") }}/{{ model.schema }}/{{ model.alias }}'
    {%- endif %}
{%- endmacro %}
