-- dim_messages has one row per shell (sender code, list, message id), so joins to it never fan out.
SELECT sender_code_id, phone_list_id, transactional_message_id, count(*) AS rows
FROM marts.dim_messages
GROUP BY ALL
HAVING count(*) > 1 OR sender_code_id IS NULL OR phone_list_id IS NULL OR transactional_message_id IS NULL
