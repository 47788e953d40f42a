{# The sources whose freshness the reports' header and `lrreport status` show: one line each, in
   the order shown. (name, label, basis: what dates it in words, relation, the SQL aggregate over
   the relation giving the latest moment its data covers). A source read from files is as fresh as
   its latest event; an extracted one as its last good extraction (meta.loads), or as far as its
   incremental state reached (meta.extract_state: the updated_at Shopify's orders were read to).
   A relation that does not exist yet (a source not set up) shows as not loaded. The send log's
   line also decides which order messages are due (marts.fct_order_messages.is_due). Add a
   source with one line. #}
{% macro lr_freshness_sources() -%}
    {%- set loads = lr_meta_relation('loads') -%}
    {%- set state = lr_meta_relation('extract_state') -%}
    {%- set instant = lr_type_instant() | trim -%}
    {{ return([
        ('send_log', 'Send log', 'latest send', ref('fct_sends'), 'max(sent_at)'),
        ('orders', 'Orders', 'latest order', ref('fct_orders'), 'max(ordered_at)'),
        ('listrak', 'Listrak extract', 'last extraction', loads,
         "max(finished_at) FILTER (WHERE source = 'listrak' AND status = 'ok')"),
        ('ga4', 'GA4', 'last extraction', loads,
         "max(finished_at) FILTER (WHERE source = 'ga4' AND status = 'ok')"),
        ('shopify', 'Shopify', 'orders updated up to', state,
         "max(TRY_CAST(value AS " ~ instant ~ ")) FILTER (WHERE source LIKE 'shopify.orders.%' AND key = 'updated_at')"),
    ]) }}
{%- endmacro %}

{# One of lrreport's own meta tables (the loads, the extraction state) as a relation. On Spark it is
   the lake's copy, in a catalog without databases. #}
{% macro lr_meta_relation(identifier) -%}
    {{ return(adapter.dispatch('lr_meta_relation', 'lrreport')(identifier)) }}
{%- endmacro %}
{% macro default__lr_meta_relation(identifier) -%}
    {{ return(api.Relation.create(database=target.database, schema='meta', identifier=identifier)) }}
{%- endmacro %}
{% macro spark__lr_meta_relation(identifier) -%}
    {{ return(api.Relation.create(schema='meta', identifier=identifier)) }}
{%- endmacro %}
