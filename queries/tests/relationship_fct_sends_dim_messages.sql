-- Every send's shell is in dim_messages and every send has a message type: no send lost in reports by type.
SELECT s.send_id, s.sender_code_id, s.phone_list_id, s.transactional_message_id, s.message_type
FROM marts.fct_sends AS s
LEFT JOIN marts.dim_messages AS m
    ON m.sender_code_id = s.sender_code_id
    AND m.phone_list_id = s.phone_list_id
    AND m.transactional_message_id = s.transactional_message_id
WHERE m.transactional_message_id IS NULL OR s.message_type IS NULL
