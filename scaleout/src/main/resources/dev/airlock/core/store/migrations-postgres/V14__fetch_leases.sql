-- The PostgreSQL form of the embedded store's migrations/V14__fetch_leases.sql, at the same version: 64-bit
-- integers where SQLite's are 64-bit anyway, identity columns for its AUTOINCREMENT.
-- One upstream fetch per file across replicas on one database: the replica that fetches a file
-- holds its row, renewed while the download runs, until the file is indexed. A replica that dies
-- holds it no longer than expires_at; another then takes over.
CREATE TABLE fetch_leases (
    lease_key  TEXT    NOT NULL PRIMARY KEY,
    holder     TEXT    NOT NULL,
    expires_at BIGINT NOT NULL
);
