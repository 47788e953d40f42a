-- Grain: one row per business day, sender code, message type, HTTP status and error code of the
-- attempts Listrak did not accept.
-- Key: (day, sender_code_id, message_type, http_status, error_code).
-- Purpose: the error breakdown: which errors, how often, for which messages.
-- Incremental: recomputes the days of lr_affected_sends().
{{ lr_incremental('day', 'lr_affected_send_days') }}
SELECT
    sent_date AS day,
    sender_code_id,
    message_type,
    http_status,
    coalesce(error_code, 'HTTP ' || http_status) AS error_code,
    count(*) AS attempts
FROM {{ ref('fct_sends') }}
WHERE
    NOT accepted
    {% if is_incremental() -%}
    AND sent_date IN ({{ lr_affected_keys(lr_affected_send_days) }})
    {%- endif %}
GROUP BY sent_date, sender_code_id, message_type, http_status, coalesce(error_code, 'HTTP ' || http_status)
