{#- The loads whose rows differ between a relation of the warehouse and its snapshot copy
    (lrreport/warehouse/snapshot.py, BY_LOAD): rows change only with their load, and a load id is
    written by one load only, so a load with as many rows on both sides has the same rows. -#}
SELECT coalesce(w._load_id, t._load_id) AS load_id
FROM (SELECT _load_id, count(*) AS n FROM {{ source }} GROUP BY _load_id) AS w
FULL OUTER JOIN (SELECT _load_id, count(*) AS n FROM {{ target }} GROUP BY _load_id) AS t
    ON w._load_id = t._load_id
WHERE w.n IS DISTINCT FROM t.n
ORDER BY 1;
