-- The latest event in the warehouse (a send, an order or an opt-out), for a report's "data as of".
-- Grain: one row. Read from the marts so that it matches what the report shows.
SELECT greatest(
    (SELECT max(sent_at) FROM marts.fct_sends),
    (SELECT max(ordered_at) FROM marts.fct_orders),
    (SELECT max(opted_out_at) FROM marts.fct_optouts)
) AS data_as_of
