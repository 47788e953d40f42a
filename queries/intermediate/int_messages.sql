-- Grain: one row per message shell: every shell Listrak knows plus any shell id seen only in sends.
-- Key: (sender_code_id, phone_list_id, transactional_message_id).
-- Purpose: each shell's name, message type (settings.messages.types, else the name itself), the
-- order column that triggers it (settings.messages.triggers) and the key campaigns match on.
WITH seen AS (
    SELECT DISTINCT sender_code_id, phone_list_id, transactional_message_id
    FROM staging.stg_sends
),
shells AS (
    SELECT
        coalesce(m.sender_code_id, s.sender_code_id) AS sender_code_id,
        coalesce(m.phone_list_id, s.phone_list_id) AS phone_list_id,
        coalesce(m.transactional_message_id, s.transactional_message_id) AS transactional_message_id,
        m.message_name,
        m.message_status,
        m.transactional_message_id IS NOT NULL AS known_to_listrak
    FROM staging.stg_messages AS m
    FULL OUTER JOIN seen AS s
        ON m.sender_code_id = s.sender_code_id
        AND m.phone_list_id = s.phone_list_id
        AND m.transactional_message_id = s.transactional_message_id
),
types AS (
    SELECT macros.name_key(shell_name) AS shell_key, min(message_type) AS message_type
    FROM settings.message_types
    GROUP BY 1
),
triggers AS (
    SELECT macros.name_key(message_type) AS type_key, min(trigger_column) AS trigger_column
    FROM settings.triggers
    GROUP BY 1
),
named AS (
    SELECT
        shells.*,
        coalesce(shells.message_name, 'Message ' || shells.transactional_message_id) AS name,
        macros.name_key(coalesce(shells.message_name, 'Message ' || shells.transactional_message_id)) AS name_key
    FROM shells
)
SELECT
    n.sender_code_id,
    n.phone_list_id,
    pl.phone_list_name,
    n.transactional_message_id,
    n.name AS message_name,
    coalesce(t.message_type, n.name) AS message_type,
    tr.trigger_column,
    n.name_key,
    n.message_status,
    n.known_to_listrak
FROM named AS n
LEFT JOIN types AS t ON t.shell_key = n.name_key
LEFT JOIN triggers AS tr ON tr.type_key = macros.name_key(coalesce(t.message_type, n.name))
LEFT JOIN staging.stg_phone_lists AS pl
    ON pl.sender_code_id = n.sender_code_id AND pl.phone_list_id = n.phone_list_id
