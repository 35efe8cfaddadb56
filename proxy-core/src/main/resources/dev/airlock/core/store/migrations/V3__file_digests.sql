-- Digests Airlock computed over a cached file besides SHA-256 (which names the blob), for
-- repositories whose clients ask for checksum files (Maven's .sha1, .md5, .sha512):
-- "SHA-1=<hex> MD5=<hex> ...", always of the bytes Airlock serves.
ALTER TABLE artifacts ADD COLUMN digests TEXT;
