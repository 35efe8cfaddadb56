-- The PostgreSQL form of the embedded store's migrations/V3__file_digests.sql, at the same version: 64-bit
-- integers where SQLite's are 64-bit anyway, identity columns for its AUTOINCREMENT.
-- Digests Airlock computed over a cached file besides SHA-256 (which names the blob), for
-- repositories whose clients ask for checksum files (Maven's .sha1, .md5, .sha512):
-- "SHA-1=<hex> MD5=<hex> ...", always of the bytes Airlock serves.
ALTER TABLE artifacts ADD COLUMN digests TEXT;
