-- How much data the report period holds: send attempts, orders and opt-outs on business dates in
-- [$start, $end]. Grain: one row. Used to say "no data in this period" instead of drawing empty charts.
SELECT
    (SELECT count(*) FROM marts.fct_sends
      WHERE sent_date BETWEEN $start AND $end
        AND ($sender_code_id IS NULL OR sender_code_id = $sender_code_id)) AS sends,
    (SELECT count(*) FROM marts.fct_orders WHERE order_date BETWEEN $start AND $end) AS orders,
    (SELECT count(*) FROM marts.fct_optouts
      WHERE opt_out_date BETWEEN $start AND $end
        AND ($sender_code_id IS NULL OR sender_code_id = $sender_code_id)) AS optouts
