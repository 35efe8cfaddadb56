-- The PostgreSQL form of the embedded store's migrations/V4__metadata_source.sql, at the same version: 64-bit
-- integers where SQLite's are 64-bit anyway, identity columns for its AUTOINCREMENT.
-- Which upstream root answered for a metadata document (several may be configured) and the
-- URL the document finally came from, after redirects: relative links in a stored copy resolve
-- against it after a restart, and conditional requests go only to the root that gave the copy.
ALTER TABLE metadata_state ADD COLUMN requested_url TEXT;
ALTER TABLE metadata_state ADD COLUMN document_url TEXT
