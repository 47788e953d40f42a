-- Insert one batch of opt-outs (lr_batch: phone numbers already E.164) that are not stored yet;
-- key (short_code_id, phone_number, opt_out_date). optOutDate is kept as Listrak gives it (no
-- offset). Returns the number of rows inserted.
INSERT INTO raw.listrak_optouts
WITH b AS (
    SELECT short_code_id, phone_number, CAST(opt_out_date AS TIMESTAMP) AS opt_out_date,
           opt_out_reason, _load_id, _loaded_at, _source_file
    FROM lr_batch
    QUALIFY row_number() OVER (PARTITION BY short_code_id, phone_number, opt_out_date) = 1
)
SELECT b.*
FROM b
WHERE NOT EXISTS (
    SELECT 1 FROM raw.listrak_optouts AS t
    WHERE t.short_code_id = b.short_code_id
      AND t.phone_number = b.phone_number
      AND t.opt_out_date = b.opt_out_date);
