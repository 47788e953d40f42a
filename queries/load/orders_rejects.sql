-- One reject per broken rule of each bad order row: column, the value as given, and why.
CREATE OR REPLACE TEMP TABLE _rejects AS
SELECT _file_idx, _row, column_name, value, reason
FROM (
    SELECT _file_idx, _row, 'order_id' AS column_name, order_id AS value,
           lr_missing(order_id) AS reason
    FROM _bad
    UNION ALL
    SELECT _file_idx, _row, 'ordered_at', ordered_at,
           coalesce(lr_missing(ordered_at), lr_ts_problem(ordered_at))
    FROM _bad
    UNION ALL
    SELECT _file_idx, _row, 'order_total', order_total,
           coalesce(lr_missing(order_total), lr_money_problem(order_total))
    FROM _bad
    UNION ALL
    SELECT _file_idx, _row, 'refunded_total', refunded_total,
           coalesce(lr_money_problem(refunded_total),
                    CASE WHEN lr_money(refunded_total) > lr_money(order_total)
                         THEN 'refund exceeds order_total' END)
    FROM _bad
    UNION ALL
    SELECT _file_idx, _row, 'phone_number', phone_number,
           CASE WHEN lr_text(phone_number) IS NOT NULL AND _e164 IS NULL THEN 'not a phone number' END
    FROM _bad
    UNION ALL
    SELECT _file_idx, _row, 'status', status,
           CASE WHEN lr_order_status(status) = '?'
                THEN 'unknown status (expected placed, cancelled or refunded)' END
    FROM _bad
    UNION ALL
    SELECT _file_idx, _row, 'currency', currency,
           CASE WHEN NOT regexp_full_match(lr_text(currency), '[A-Za-z]{3}')
                THEN 'not a three-letter currency code' END
    FROM _bad
    UNION ALL
    SELECT _file_idx, _row, 'shipped_at', shipped_at, lr_ts_problem(shipped_at)
    FROM _bad
    UNION ALL
    SELECT _file_idx, _row, 'delivered_at', delivered_at, lr_ts_problem(delivered_at)
    FROM _bad
    UNION ALL
    SELECT _file_idx, _row, 'visited_at', visited_at, lr_ts_problem(visited_at)
    FROM _bad
) AS problems
WHERE reason IS NOT NULL;
