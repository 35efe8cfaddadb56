-- The PostgreSQL form of the embedded store's migrations/V10__signer_keys.sql, at the same version: 64-bit
-- integers where SQLite's are 64-bit anyway, identity columns for its AUTOINCREMENT.
-- Every signer seen in a scope (a Maven groupId's OpenPGP keys), learnt on first use: one groupId
-- is signed by many release managers' keys, so a scope holds a set, not one pinned key. A key new
-- to a scope that had keys already is a finding for the policy (held for young releases only).
CREATE TABLE signer_keys (
    ecosystem  TEXT    NOT NULL,
    scope      TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    signer     TEXT    NOT NULL,
    first_seen BIGINT NOT NULL,
    PRIMARY KEY (ecosystem, scope, kind, signer)
);
INSERT INTO signer_keys (ecosystem, scope, kind, signer, first_seen)
    SELECT ecosystem, scope, kind, signer, first_seen FROM signer_pins;
DROP TABLE signer_pins;
