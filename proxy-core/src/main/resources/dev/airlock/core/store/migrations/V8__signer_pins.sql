-- The first signer seen in a scope (a Maven groupId's first OpenPGP key), trusted on first use:
-- a later release in that scope signed by another key is held as "signing key changed".
CREATE TABLE signer_pins (
    ecosystem  TEXT    NOT NULL,
    scope      TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    signer     TEXT    NOT NULL,
    first_seen INTEGER NOT NULL,
    PRIMARY KEY (ecosystem, scope, kind)
)
