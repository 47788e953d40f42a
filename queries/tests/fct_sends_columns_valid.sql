-- Send columns within their domains: accepted means HTTP 201, an encoding is GSM-7 or UCS-2,
-- non-empty content takes at least one segment and empty content none, segments fit the units
-- (160/153 septets, 70/67 code units), hours 0-23, ISO weekdays 1-7, sent_date and sent_at set.
SELECT send_id, accepted, http_status, encoding, characters, segment_units, segments, sent_hour, sent_isodow
FROM {{ lr_rows_to_test(ref('fct_sends')) }}  -- on an increment, the sends this build wrote
WHERE accepted IS DISTINCT FROM (http_status = 201)
    OR encoding NOT IN ('GSM-7', 'UCS-2') OR encoding IS NULL
    OR (characters > 0) IS DISTINCT FROM (segments >= 1)
    OR (characters = 0 AND segments <> 0)
    OR segment_units < characters
    OR (encoding = 'GSM-7' AND segments <> CASE WHEN segment_units = 0 THEN 0
        WHEN segment_units <= 160 THEN 1 ELSE {{ lr_int_div('segment_units + 152', 153) }}
    END)
    OR (encoding = 'UCS-2' AND segments <> CASE WHEN segment_units = 0 THEN 0
        WHEN segment_units <= 70 THEN 1 ELSE {{ lr_int_div('segment_units + 66', 67) }}
    END)
    OR sent_hour NOT BETWEEN 0 AND 23 OR sent_isodow NOT BETWEEN 1 AND 7
    OR sent_date IS NULL OR sent_at IS NULL
