-- Grain: one row per send attempt.
-- Key: send_id.
-- Purpose: the narrow form of each attempt that attribution, timeliness and opt-out credit join
-- on: its shell's name and type, whether Listrak accepted it (HTTP 201), the phone, and the
-- order it is about (the order_id column, else found in the content with
-- settings.load.order_id_regex). Content and segment counts live in marts.fct_sends only, so
-- the wide rows are written once. Timestamps UTC; business dates are added in the marts.
SELECT
    s.send_id,
    s.sent_at,
    s.sender_code_id,
    s.phone_list_id,
    s.transactional_message_id,
    m.message_name,
    m.message_type,
    s.phone_number,
    s.http_status = 201 AS accepted,
    macros.send_order_id(s.order_id, s.message_content, getvariable('lr_order_id_regex')) AS order_id
FROM staging.stg_sends AS s
LEFT JOIN intermediate.int_messages AS m
    ON m.sender_code_id = s.sender_code_id
    AND m.phone_list_id = s.phone_list_id
    AND m.transactional_message_id = s.transactional_message_id
