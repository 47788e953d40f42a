-- Distribution of the delay from the order event to the first accepted send, in bins of $bin_s seconds;
-- delays of $max_s or more share one last bin (overflow). Grain: bin.
-- Params: $start, $end (trigger dates), $sender_code_id, $message_type, $bin_s, $max_s.
WITH binned AS (
    SELECT least(floor(greatest(delay_s, 0) / $bin_s) * $bin_s, $max_s) AS bin_start
    FROM marts.fct_order_messages
    WHERE got_message
      AND trigger_date BETWEEN $start AND $end
      AND ($sender_code_id IS NULL OR sender_code_id = $sender_code_id)
      AND ($message_type IS NULL OR message_type = $message_type)
)
SELECT
    bin_start::DOUBLE AS bin_start,
    (bin_start + $bin_s)::DOUBLE AS bin_end,
    bin_start >= $max_s AS overflow,
    count(*) AS n
FROM binned
GROUP BY bin_start
ORDER BY bin_start
