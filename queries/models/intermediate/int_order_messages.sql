-- Grain: one row per order and triggered message type, for orders whose trigger column is set
-- (var triggers: Order Confirmation <- ordered_at, Shipping Confirmation <- shipped_at, Delivery
-- Confirmation <- delivered_at by default). Cancelled orders included.
-- Key: (order_id, message_type).
-- Purpose: timeliness and coverage: the first accepted send of that type about the order (its
-- order_id; earliest sent_at, then smallest send_id), the delay from the trigger in seconds, and
-- whether the order got the message at all. marts.fct_order_messages adds whether the message
-- was due before the send log ends (which moves with every load, so it is not stored here).
-- Incremental: recomputes every row of lr_affected_order_messages() (new or changed orders and
-- the orders new sends are about).
{{ lr_incremental('order_id', 'lr_affected_order_messages') }}
WITH trigger_map AS (
    {{ lr_trigger_map() }}
),

orders AS (
    SELECT
        order_id,
        ordered_at,
        shipped_at,
        delivered_at,
        has_phone,
        status
    FROM {{ ref('int_orders') }}
    {% if is_incremental() -%}
    WHERE order_id IN ({{ lr_affected_keys(lr_affected_order_messages) }})
    {%- endif %}
),

order_triggers AS (
    SELECT
        o.order_id,
        t.message_type,
        t.type_key,
        t.trigger_column,
        CASE t.trigger_column
            WHEN 'ordered_at' THEN o.ordered_at
            WHEN 'shipped_at' THEN o.shipped_at
            WHEN 'delivered_at' THEN o.delivered_at
        END AS trigger_at,
        o.has_phone,
        o.status AS order_status
    FROM orders AS o
    CROSS JOIN trigger_map AS t
),

-- The message types that have a trigger, keyed once per type instead of once per send.
triggered_types AS (
    SELECT DISTINCT
        m.message_type,
        t.type_key
    FROM {{ ref('int_messages') }} AS m
    INNER JOIN trigger_map AS t ON {{ lr_name_key('m.message_type') }} = t.type_key
),

-- The first accepted send of each triggered type about each order: the least (sent_at, send_id).
first_sends AS (
    SELECT
        s.order_id,
        tt.type_key,
        {{ lr_min_struct(['s.sent_at', 's.send_id', 's.sender_code_id'],
                         ['sent_at', 'send_id', 'sender_code_id']) }} AS earliest
    FROM {{ ref('fct_sends') }} AS s
    INNER JOIN triggered_types AS tt ON s.message_type = tt.message_type
    WHERE
        s.accepted
        AND s.order_id IS NOT NULL
        {% if is_incremental() -%}
        -- the recomputed keys themselves, not the orders CTE: a semi-join on a small table that
        -- DuckDB plans from the keys' side, instead of hashing every accepted send
        AND s.order_id IN ({{ lr_affected_keys(lr_affected_order_messages) }})
        {%- endif %}
    GROUP BY s.order_id, tt.type_key
)

SELECT
    ot.order_id,
    ot.message_type,
    ot.trigger_column,
    ot.trigger_at,
    {{ lr_local_date('ot.trigger_at') }} AS trigger_date,
    ot.has_phone,
    ot.order_status,
    -- earliest is a struct column of first_sends: earliest.send_id is its field, not a table's column
    fs.earliest.send_id AS first_send_id,  -- noqa: RF01
    fs.earliest.sent_at AS first_sent_at,  -- noqa: RF01
    fs.earliest.sender_code_id,  -- noqa: RF01
    {{ lr_seconds_between('ot.trigger_at', 'fs.earliest.sent_at') }} AS delay_s,
    fs.earliest.send_id IS NOT NULL AS got_message,  -- noqa: RF01
    {{ lr_build_id() }} AS _build_id
FROM order_triggers AS ot
LEFT JOIN first_sends AS fs ON ot.order_id = fs.order_id AND ot.type_key = fs.type_key
WHERE ot.trigger_at IS NOT NULL
