{# Every build is recorded in meta.lr_builds: 'running' when it starts, then 'ok' or 'failed'
   with the first failing node. A build that was killed stays 'running'. Reports refuse to
   publish while the newest build is not 'ok', since its marts may mix two builds. #}

{% macro lr_start_build() -%}
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
    {%- if execute and flags.WHICH in ('build', 'run', 'seed', 'snapshot') -%}
    {%- set failed = [] -%}
    {%- for r in results if r.status in ('error', 'fail', 'runtime error', 'skipped') and r.node.resource_type == 'model' -%}
        {%- do failed.append(r) -%}
    {%- endfor -%}
    {%- if failed -%}
    UPDATE {{ lr_meta('lr_builds') }}
    SET status = 'failed', finished_at = {{ dbt.current_timestamp() }},
        failed_node = {{ lr_quote(failed[0].node.original_file_path) }},
        message = {{ lr_quote((failed[0].message or '')[:2000]) }}
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
