-- Every distinct phone text of the staged batch, normalised once each in Python (lrreport.extract.phones).
SELECT DISTINCT phone_number
FROM _stage
WHERE phone_number IS NOT NULL AND trim(phone_number) <> '';
