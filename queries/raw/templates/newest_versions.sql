{#- newest_wins: temp table _new with the newest good row of each key (the last file of the load,
    and within a file the last row). -#}
{% import 'raw/templates/columns.sql' as col %}
CREATE OR REPLACE TEMP TABLE _new AS
SELECT {{ col.names(table, 't') }}, t._file_idx, t._row
FROM _typed AS t
WHERE t._ok
QUALIFY row_number() OVER (PARTITION BY {{ col.key_list(table, 't') }}
                           ORDER BY t._file_idx DESC, t._row DESC) = 1;
