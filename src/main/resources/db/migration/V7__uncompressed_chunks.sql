-- Stored files are mostly compressed already (xlsx) or large text that PostgreSQL's own compression
-- handles slowly; storing chunks as they are makes keeping an upload several times faster.
ALTER TABLE stored_file_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
