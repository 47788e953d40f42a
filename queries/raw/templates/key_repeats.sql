{#- How many rows of `relation` may repeat a key: distinct hashes are far cheaper to count than
    distinct strings; a collision only takes the exact, slower insert. -#}
{% import 'raw/templates/columns.sql' as col %}
SELECT count(*) - count(DISTINCT hash({{ col.key_list(table) }})) FROM {{ relation }};
