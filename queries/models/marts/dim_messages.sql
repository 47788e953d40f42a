-- Grain: one row per message shell (sender code, SMS list, transactional message).
-- Key: (sender_code_id, phone_list_id, transactional_message_id).
-- Purpose: the shells with their list name, message type and trigger column, for labels and filters.
{{ config(materialized=lr_view()) }}
SELECT
    sender_code_id,
    phone_list_id,
    phone_list_name,
    transactional_message_id,
    message_name,
    message_type,
    trigger_column,
    message_status,
    known_to_listrak
FROM {{ ref('int_messages') }}
