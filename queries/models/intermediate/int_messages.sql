-- Grain: one row per message shell: every shell Listrak knows plus any shell id seen only in sends.
-- Key: (sender_code_id, phone_list_id, transactional_message_id).
-- Purpose: each shell's name, message type (var message_types, else the name itself), the order
-- column that triggers it (var triggers) and the key campaigns match on (lr_name_key).
WITH seen AS (
    SELECT DISTINCT
        sender_code_id,
        phone_list_id,
        transactional_message_id
    FROM {{ ref('stg_sends') }}
),

shells AS (
    SELECT
        coalesce(m.sender_code_id, s.sender_code_id) AS sender_code_id,
        coalesce(m.phone_list_id, s.phone_list_id) AS phone_list_id,
        coalesce(m.transactional_message_id, s.transactional_message_id) AS transactional_message_id,
        m.message_name,
        m.message_status,
        m.transactional_message_id IS NOT NULL AS known_to_listrak
    FROM {{ ref('stg_messages') }} AS m
    FULL OUTER JOIN seen AS s
        ON
            m.sender_code_id = s.sender_code_id
            AND m.phone_list_id = s.phone_list_id
            AND m.transactional_message_id = s.transactional_message_id
),

type_map AS (
    SELECT
        {{ lr_name_key('shell_name') }} AS shell_key,
        min(message_type) AS message_type
    FROM ({{ lr_mapping(var('message_types'), 'shell_name', 'message_type') }}) AS m
    GROUP BY 1
),

trigger_map AS (
    {{ lr_trigger_map() }}
),

named AS (
    SELECT
        shells.*,
        coalesce(shells.message_name, 'Message ' || shells.transactional_message_id) AS name
    FROM shells
),

typed AS (
    SELECT
        named.*,
        {{ lr_name_key('named.name') }} AS name_key,
        coalesce(tm.message_type, named.name) AS message_type
    FROM named
    LEFT JOIN type_map AS tm ON {{ lr_name_key('named.name') }} = tm.shell_key
)

SELECT
    t.sender_code_id,
    t.phone_list_id,
    pl.phone_list_name,
    t.transactional_message_id,
    t.name AS message_name,
    t.message_type,
    tr.trigger_column,
    t.name_key,
    t.message_status,
    t.known_to_listrak
FROM typed AS t
LEFT JOIN trigger_map AS tr ON {{ lr_name_key('t.message_type') }} = tr.type_key
LEFT JOIN {{ ref('stg_phone_lists') }} AS pl
    ON t.sender_code_id = pl.sender_code_id AND t.phone_list_id = pl.phone_list_id
