-- The PostgreSQL form of the embedded store's migrations/V7__registry_keys.sql, at the same version: 64-bit
-- integers where SQLite's are 64-bit anyway, identity columns for its AUTOINCREMENT.
-- Keys registries sign releases with, pinned on first use: a later document naming the same key
-- id with other key material is not believed.
CREATE TABLE registry_keys (
    ecosystem  TEXT    NOT NULL,
    keyid      TEXT    NOT NULL,
    spki       TEXT    NOT NULL,
    expires    BIGINT,
    first_seen BIGINT NOT NULL,
    PRIMARY KEY (ecosystem, keyid)
)
