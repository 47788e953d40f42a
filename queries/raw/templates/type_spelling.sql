{#- How DuckDB spells a declared type (DECIMAL(18, 2) -> DECIMAL(18,2)), to compare with the warehouse's. -#}
SELECT typeof(CAST(NULL AS {{ type }}));
