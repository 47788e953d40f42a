{# The sources whose freshness the reports' header and `lrreport status` show: one line each, in
   the order shown. (name, label, basis: what dates it in words, relation, the SQL aggregate over
   the relation giving the latest moment its data covers). A source read from files is as fresh as
   its latest event; an extracted one as its last good extraction (meta.loads). A relation that
   does not exist yet (a source not set up) shows as not loaded. The send log's line also decides
   which order messages are due (marts.fct_order_messages.is_due). Add a source with one line. #}
{% macro lr_freshness_sources() -%}
    {%- set loads = api.Relation.create(database=target.database, schema='meta', identifier='loads') -%}
    {{ return([
        ('send_log', 'Send log', 'latest send', ref('fct_sends'), 'max(sent_at)'),
        ('orders', 'Orders', 'latest order', ref('fct_orders'), 'max(ordered_at)'),
        ('listrak', 'Listrak extract', 'last extraction', loads,
         "max(finished_at) FILTER (WHERE source = 'listrak' AND status = 'ok')"),
        ('ga4', 'GA4', 'last extraction', loads,
         "max(finished_at) FILTER (WHERE source = 'ga4' AND status = 'ok')"),
        ('shopify', 'Shopify', 'last extraction', loads,
         "max(finished_at) FILTER (WHERE source = 'shopify' AND status = 'ok')"),
    ]) }}
{%- endmacro %}
