-- Upsert one batch of list contacts (lr_batch, as the API spells the phone: digits with country
-- code) on the key (short_code_id, phone_list_id, phone_number): a contact already stored with the
-- same values is left alone, a changed one is replaced, a new one is inserted. The last statement
-- returns the number of rows written.
CREATE OR REPLACE TEMP TABLE lr_contacts AS
SELECT short_code_id, phone_list_id,
       '+' || regexp_replace(phone_number, '[^0-9]', '', 'g') AS phone_number,
       email_address, first_name, last_name, postal_code, opted_out, subscribe_date,
       window_start, window_end, _load_id, _loaded_at, _source_file
FROM lr_batch
-- a contact seen twice in one batch (it opted out between two calls): keep the opted-out, newest one
QUALIFY row_number() OVER (
    PARTITION BY short_code_id, phone_list_id, regexp_replace(phone_number, '[^0-9]', '', 'g')
    ORDER BY opted_out DESC, window_start DESC) = 1;

DELETE FROM raw.listrak_contacts t
USING lr_contacts b
WHERE t.short_code_id = b.short_code_id
  AND t.phone_list_id = b.phone_list_id
  AND t.phone_number = b.phone_number
  AND (t.email_address IS DISTINCT FROM b.email_address
       OR t.first_name IS DISTINCT FROM b.first_name
       OR t.last_name IS DISTINCT FROM b.last_name
       OR t.postal_code IS DISTINCT FROM b.postal_code
       OR t.opted_out IS DISTINCT FROM b.opted_out
       OR t.subscribe_date IS DISTINCT FROM b.subscribe_date);

INSERT INTO raw.listrak_contacts
SELECT b.*
FROM lr_contacts b
WHERE NOT EXISTS (
    SELECT 1 FROM raw.listrak_contacts t
    WHERE t.short_code_id = b.short_code_id
      AND t.phone_list_id = b.phone_list_id
      AND t.phone_number = b.phone_number);
