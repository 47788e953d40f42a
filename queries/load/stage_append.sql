-- Add the rows of the file just read to the batch (columns matched by name, file order kept).
INSERT INTO _stage BY NAME SELECT * FROM _file;
