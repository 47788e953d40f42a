-- Grain: one row per SMS list and day, every day from the list's first to its last activity.
-- Key: (day, sender_code_id, phone_list_id).
-- Purpose: list growth: new subscriptions (contacts by subscribe_date, as extracted), unsubscribes
-- (a contact's first opt-out on its sender code on or after its subscribe date, dated in the
-- business time zone), net change and the running total of subscribers.
WITH contacts AS (
    SELECT sender_code_id, phone_list_id, phone_number, subscribe_date
    FROM {{ ref('stg_contacts') }}
    WHERE subscribe_date IS NOT NULL
),

optouts AS (
    SELECT
        sender_code_id,
        phone_number,
        {{ lr_local_date('opted_out_at') }} AS opt_out_day
    FROM {{ ref('int_optouts') }}
),

unsubscribes AS (
    SELECT c.sender_code_id, c.phone_list_id, c.phone_number, min(o.opt_out_day) AS day
    FROM contacts AS c
    INNER JOIN optouts AS o
        ON o.sender_code_id = c.sender_code_id
            AND o.phone_number = c.phone_number
            AND o.opt_out_day >= c.subscribe_date
    GROUP BY c.sender_code_id, c.phone_list_id, c.phone_number
),

events AS (
    SELECT sender_code_id, phone_list_id, subscribe_date AS day, 1 AS new_subscriptions, 0 AS unsubscribes
    FROM contacts
    UNION ALL
    SELECT sender_code_id, phone_list_id, day, 0 AS new_subscriptions, 1 AS unsubscribes
    FROM unsubscribes
),

daily AS (
    SELECT
        sender_code_id,
        phone_list_id,
        day,
        sum(new_subscriptions) AS new_subscriptions,
        sum(unsubscribes) AS unsubscribes
    FROM events
    GROUP BY sender_code_id, phone_list_id, day
),

bounds AS (
    SELECT sender_code_id, phone_list_id, min(day) AS first_day, max(day) AS last_day
    FROM daily
    GROUP BY sender_code_id, phone_list_id
),

days AS (
    SELECT
        sender_code_id,
        phone_list_id,
        {{ lr_day_series('first_day', 'last_day') }} AS day
    FROM bounds
),

dense AS (
    SELECT
        d.day,
        d.sender_code_id,
        d.phone_list_id,
        coalesce(x.new_subscriptions, 0) AS new_subscriptions,
        coalesce(x.unsubscribes, 0) AS unsubscribes
    FROM days AS d
    LEFT JOIN daily AS x
        ON x.sender_code_id = d.sender_code_id AND x.phone_list_id = d.phone_list_id AND x.day = d.day
)

SELECT
    d.day,
    d.sender_code_id,
    d.phone_list_id,
    pl.phone_list_name,
    CAST(d.new_subscriptions AS BIGINT) AS new_subscriptions,
    CAST(d.unsubscribes AS BIGINT) AS unsubscribes,
    CAST(d.new_subscriptions - d.unsubscribes AS BIGINT) AS net_change,
    CAST(sum(d.new_subscriptions - d.unsubscribes) OVER (
        PARTITION BY d.sender_code_id, d.phone_list_id ORDER BY d.day ROWS UNBOUNDED PRECEDING
    ) AS BIGINT) AS subscribers
FROM dense AS d
LEFT JOIN {{ ref('stg_phone_lists') }} AS pl
    ON pl.sender_code_id = d.sender_code_id AND pl.phone_list_id = d.phone_list_id
