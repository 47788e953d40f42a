{# The sources whose freshness the reports' header and `lrreport status` show: one line each, in
   the order shown. (name, label, basis: what dates it in words, relation, the SQL aggregate over
   the relation giving the latest moment its data covers). A source read from files is as fresh as
   its latest event; an extracted one as its last good extraction (meta.loads), or as far as its
   incremental state reached (meta.extract_state: the updated_at Shopify's orders were read to).
   A relation that does not exist yet (a source not set up) shows as not loaded. The send log's
   line also decides which order messages are due (marts.fct_order_messages.is_due). Add a
   source with one line. #}
{% macro lr_freshness_sources() -%}
    {#- on Spark the lake's copies, in a catalog without databases (as lr_meta) -#}
    {%- set database = target.database if target.database is defined else none -%}
    {%- set loads = api.Relation.create(database=database, schema='meta', identifier='loads') -%}
    {%- set state = api.Relation.create(database=database, schema='meta', identifier='extract_state') -%}
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
