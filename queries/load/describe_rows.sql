-- The columns of the rows handed to the loader by Python (registered as _rows_in).
DESCRIBE SELECT * FROM _rows_in;
