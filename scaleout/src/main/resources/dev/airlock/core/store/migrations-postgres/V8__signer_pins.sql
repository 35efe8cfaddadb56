-- The PostgreSQL form of the embedded store's migrations/V8__signer_pins.sql, at the same version: 64-bit
-- integers where SQLite's are 64-bit anyway, identity columns for its AUTOINCREMENT.
-- The first signer seen in a scope (a Maven groupId's first OpenPGP key), trusted on first use:
-- a later release in that scope signed by another key is held as "signing key changed".
CREATE TABLE signer_pins (
    ecosystem  TEXT    NOT NULL,
    scope      TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    signer     TEXT    NOT NULL,
    first_seen BIGINT NOT NULL,
    PRIMARY KEY (ecosystem, scope, kind)
)
