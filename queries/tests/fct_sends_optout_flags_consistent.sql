-- A send credited with an opt-out was accepted and its phone did opt out afterwards.
SELECT send_id, accepted, later_opted_out, optout_credited
FROM {{ ref('fct_sends') }}
WHERE optout_credited AND NOT (accepted AND later_opted_out)
