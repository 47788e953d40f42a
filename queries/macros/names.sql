-- Small helpers the models share for names and phone numbers.
CREATE SCHEMA IF NOT EXISTS macros;

-- A name with case and punctuation ignored: how UTM campaigns, shell names and message types
-- are matched ("Order_Confirmation", "order-confirmation" and "Order Confirmation" are equal).
CREATE OR REPLACE MACRO macros.name_key(name) AS
    nullif(regexp_replace(lower(trim(name)), '[^\pL\pN]', '', 'g'), '');

-- A phone number in E.164: kept when it starts with '+', else its digits with a '+' in front
-- (Listrak writes US numbers as 11 digits with the country code and no '+'). Blank is NULL.
CREATE OR REPLACE MACRO macros.e164(phone) AS
    CASE
        WHEN phone IS NULL OR trim(phone) = '' THEN NULL
        WHEN starts_with(phone, '+') THEN phone
        ELSE '+' || regexp_replace(phone, '[^0-9]', '', 'g')
    END;

-- A UTM parameter from a landing URL (URL-decoded), for orders whose utm_* columns are empty.
CREATE OR REPLACE MACRO macros.url_param(url, name) AS
    nullif(url_decode(replace(regexp_extract(url, '[?&]' || name || '=([^&#]*)', 1), '+', ' ')), '');

-- The order a send is about: its order_id column, else the first capture of the order-id regex
-- (settings.load.order_id_regex) in the content.
CREATE OR REPLACE MACRO macros.send_order_id(order_id, content, pattern) AS
    coalesce(order_id, nullif(regexp_extract(content, pattern, 1), ''));
