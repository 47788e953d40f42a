{# What a generic test reads from the model it tests (dbt's get_where_subquery, overridden here).
   On an incremental `dbt build` (what `lrreport build` runs), a model that recomputed only some
   keys (macros/incremental.sql) is tested on those keys' rows only: every other row is one the
   last build tested and this build left alone. So a day's build tests a day's rows. Everything is
   tested by `dbt test` / `lrreport test`, by a full refresh, by the build after one that did not
   pass whole (its rows may never have passed), and by tests that compare whole tables (meta
   lr_whole_table). A uniqueness test on such a model must include its key, as all of ours do:
   then any duplicate has a recomputed key. #}
{% macro get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- do conditions.append('(' ~ where ~ ')') -%}
    {%- endif -%}
    {%- set recomputed = lr_recomputed_rows(relation) -%}
    {%- if recomputed -%}
        {%- do conditions.append(recomputed) -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- do return('(SELECT * FROM ' ~ relation ~ ' WHERE ' ~ conditions | join(' AND ') ~ ') AS dbt_subquery') -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}

{# The condition picking the rows of `relation` this build recomputed, or '' for all of them. Only
   when the build before this one passed whole (meta.lr_tested names it). Rows recomputed are:
   - an incremental model's: its keys in meta.lr_affected__<model>, if it ran in this build; for a
     test that looks at each row alone (lr_not_null, not_null, accepted_values, lr_expression_is_true,
     and a relationship: each child row's parent), the rows this build wrote (_build_id, a constant
     DuckDB answers from the newest row groups instead of a semi-join over the whole table);
   - a view's declared with meta lr_rows_follow: <model>: that model's recomputed keys (a view over
     an incremental model, tested after it);
   - a staged raw table's declared with meta lr_new_by_load: <key>: every row sharing a key with a
     row of a load the last passed build had not seen (so a duplicate of an old key is still found);
     for a test that looks at each row alone, just the rows of those loads.
   `row_local` says whether the test looks at each row alone; by default, from the generic test's
   name. #}
{% macro lr_recomputed_rows(relation, row_local=none) -%}
    {%- if not execute or flags.WHICH != 'build' or flags.FULL_REFRESH or target.type != 'duckdb'
          or relation.identifier is none or (config.get('meta') or {}).get('lr_whole_table', false) -%}
        {%- do return('') -%}
    {%- endif -%}
    {%- set meta = {} -%}
    {%- set node = graph.nodes.get('model.' ~ project_name ~ '.' ~ relation.identifier) -%}
    {%- if node -%}
        {%- do meta.update(node.config.meta or {}) -%}
        {%- do meta.update({'lr_incremental': node.config.materialized == 'incremental'}) -%}
    {%- endif -%}
    {%- set leader = meta.get('lr_rows_follow', relation.identifier) -%}
    {%- set by_load = meta.get('lr_new_by_load') -%}
    {%- if not (meta.get('lr_incremental') or meta.get('lr_rows_follow') or by_load) -%}
        {%- do return('') -%}  {#- every row is rebuilt: all are tested #}
    {%- endif -%}
    {%- set query -%}
        SELECT
            (
                SELECT c.column_name FROM duckdb_columns() AS c
                WHERE c.database_name = current_database() AND c.schema_name = 'meta'
                  AND c.table_name = {{ lr_quote('lr_affected__' ~ leader) }}
            ) AS key_column,
            EXISTS (
                SELECT 1 FROM {{ lr_meta('lr_model_state') }}
                WHERE model = {{ lr_quote(leader) }}
                  AND built_at >= CAST({{ lr_quote(run_started_at.isoformat()) }} AS TIMESTAMPTZ)
            ) AS leader_ran,
            coalesce((SELECT max(invocation_id) FROM {{ lr_meta('lr_tested') }}) = (
                SELECT invocation_id FROM {{ lr_meta('lr_builds') }}
                WHERE invocation_id <> {{ lr_quote(invocation_id) }}
                ORDER BY started_at DESC LIMIT 1
            ), FALSE) AS previous_passed,
            EXISTS (
                SELECT 1 FROM duckdb_columns() AS c
                WHERE c.database_name = current_database() AND c.schema_name = {{ lr_quote(relation.schema) }}
                  AND c.table_name = {{ lr_quote(relation.identifier) }} AND c.column_name = '_build_id'
            ) AS has_build_id
    {%- endset -%}
    {%- set row = run_query(query).rows[0] -%}
    {%- if not row['previous_passed'] -%}
        {%- do return('') -%}
    {%- endif -%}
    {#- a test that looks at each row alone (a child row's parent included) needs only those rows -#}
    {%- if row_local is none -%}
        {%- set row_local = (model.test_metadata or {}).get('name') in (
            'lr_not_null', 'not_null', 'accepted_values', 'lr_expression_is_true', 'relationships', 'lr_relationship') -%}
    {%- endif -%}
    {%- if by_load -%}
        {%- set new_loads = '_load_id NOT IN (SELECT t.load_id FROM ' ~ lr_meta('lr_tested') ~ ' AS t)' -%}
        {%- if row_local -%}
            {%- do return(new_loads) -%}  {#- the new loads' rows #}
        {%- endif -%}
        {%- do return(by_load ~ ' IN (SELECT n.' ~ by_load ~ ' FROM ' ~ relation ~ ' AS n WHERE n.' ~ new_loads ~ ')') -%}
    {%- elif row['key_column'] and row['leader_ran'] and row_local and row['has_build_id'] -%}
        {%- do return('_build_id = ' ~ lr_build_id()) -%}  {#- the rows this build wrote: the newest row groups #}
    {%- elif row['key_column'] and row['leader_ran'] -%}
        {%- do return(adapter.quote(row['key_column']) ~ ' IN (SELECT * FROM ' ~ lr_meta('lr_affected__' ~ leader) ~ ')') -%}
    {%- endif -%}
    {%- do return('') -%}
{%- endmacro %}

{# For a singular test that checks each row of `relation` alone (with the rows it joins, which
   change only with it): the rows this build recomputed, as a subquery to alias, or the relation. #}
{% macro lr_rows_to_test(relation) -%}
    {#- (`execute` checked here too: sqlfluff's lint renders it false, and a dbt `return` from the
        inner macro would otherwise end this one with nothing) -#}
    {%- set recomputed = lr_recomputed_rows(relation, row_local=true) if execute else '' -%}
    {{- ('(SELECT * FROM ' ~ relation ~ ' WHERE ' ~ recomputed ~ ')') if recomputed else relation -}}
{%- endmacro %}
