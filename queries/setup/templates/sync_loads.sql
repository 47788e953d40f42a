{#- Bring the snapshot copy `target` level with `source` in the rows of `loads` (changed_loads.sql):
    drop the copy's rows the warehouse no longer has, by (key, _load_id), and add the ones it lacks.
    The loads are constants, so both sides skip the row groups of every other load. -#}
{% set among = loads | map('literal') | join(', ') %}
DELETE FROM {{ target }} AS t
WHERE
    t._load_id IN ({{ among }})
    AND NOT EXISTS (
        SELECT 1 FROM {{ source }} AS w
        WHERE w._load_id IN ({{ among }}) AND w.{{ key | ident }} = t.{{ key | ident }} AND w._load_id = t._load_id
    );
INSERT INTO {{ target }}
SELECT * FROM {{ source }} AS w
WHERE
    w._load_id IN ({{ among }})
    AND NOT EXISTS (
        SELECT 1 FROM {{ target }} AS t
        WHERE t._load_id IN ({{ among }}) AND t.{{ key | ident }} = w.{{ key | ident }} AND t._load_id = w._load_id
    );
