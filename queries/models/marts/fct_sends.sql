-- Grain: one row per Send Transactional Message attempt.
-- Key: send_id.
-- Purpose: every attempt with its business date, hour and weekday (var timezone), its shell and
-- type, acceptance, error, the order it is about, what it cost (characters as sent, encoding,
-- septets or UTF-16 units, segments: counted once, by the loader) and whether the phone opted out
-- afterwards (later_opted_out: an opt-out of the same sender code at or after sent_at) or within
-- the opt-out window credited to this very send (optout_credited). The message text, the phone as
-- written and Listrak's resource id stay in staging.stg_sends (join on send_id): no report reads
-- them by the send, and copying them here would double the largest columns (at 10M sends the two
-- ids alone were a third of writing this table).
-- Incremental: recomputes lr_affected_sends() (new sends, and the sends of phones whose opt-out
-- credit can move).
{{ lr_incremental('send_id', 'lr_affected_sends') }}
WITH sends AS (
    SELECT *
    FROM {{ ref('stg_sends') }}
    {% if is_incremental() -%}
    WHERE send_id IN ({{ lr_affected_keys(lr_affected_sends) }})
    {%- endif %}
),

optouts AS (
    SELECT
        sender_code_id,
        phone_number,
        opted_out_at,
        credited_send_id
    FROM {{ ref('int_optouts') }}
),

last_optout AS (
    SELECT
        sender_code_id,
        phone_number,
        max(opted_out_at) AS last_opted_out_at
    FROM optouts
    GROUP BY sender_code_id, phone_number
),

credited AS (
    SELECT DISTINCT credited_send_id AS send_id
    FROM optouts
    WHERE credited_send_id IS NOT NULL
)

SELECT
    s.send_id,
    s.sent_at,
    {{ lr_local_date('s.sent_at') }} AS sent_date,
    {{ lr_local_hour('s.sent_at') }} AS sent_hour,
    {{ lr_local_isodow('s.sent_at') }} AS sent_isodow,
    s.sender_code_id,
    s.phone_list_id,
    s.transactional_message_id,
    m.message_name,
    m.message_type,
    s.phone_number,
    s.accepted,
    s.http_status,
    s.error_code,
    s.order_id,
    s.characters,
    s.encoding,
    s.segment_units,
    s.segments,
    s.has_link,
    s.latency_ms,
    coalesce(lo.last_opted_out_at >= s.sent_at, FALSE) AS later_opted_out,
    c.send_id IS NOT NULL AS optout_credited,
    s._load_id,
    s._source_file,
    {{ lr_build_id() }} AS _build_id
FROM sends AS s
LEFT JOIN {{ ref('int_messages') }} AS m
    ON
        s.sender_code_id = m.sender_code_id
        AND s.phone_list_id = m.phone_list_id
        AND s.transactional_message_id = m.transactional_message_id
LEFT JOIN last_optout AS lo
    ON s.sender_code_id = lo.sender_code_id AND s.phone_number = lo.phone_number
LEFT JOIN credited AS c ON s.send_id = c.send_id
