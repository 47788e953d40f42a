-- Upsert one batch of one list's contacts (lr_batch: phone numbers already E.164, one row per
-- phone) on the key (short_code_id, phone_list_id, phone_number): a contact stored with the same
-- values is left alone, a changed one is replaced, a new one inserted. The last statement returns
-- the number of rows written.
DELETE FROM raw.listrak_contacts t
USING lr_batch b
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
FROM lr_batch AS b
WHERE NOT EXISTS (
    SELECT 1 FROM raw.listrak_contacts AS t
    WHERE t.short_code_id = b.short_code_id
      AND t.phone_list_id = b.phone_list_id
      AND t.phone_number = b.phone_number);
