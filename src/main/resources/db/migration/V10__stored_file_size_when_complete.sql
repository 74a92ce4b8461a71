-- A stored file's size is recorded when its last chunk is: NULL marks a file still being stored
-- (an upload is stored while its diff is computed), or one whose storing a stopped server cut short.
ALTER TABLE stored_files ALTER COLUMN size DROP NOT NULL, ALTER COLUMN size DROP DEFAULT;
