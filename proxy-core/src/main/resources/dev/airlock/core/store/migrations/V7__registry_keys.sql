-- Keys registries sign releases with, pinned on first use: a later document naming the same key
-- id with other key material is not believed.
CREATE TABLE registry_keys (
    ecosystem  TEXT    NOT NULL,
    keyid      TEXT    NOT NULL,
    spki       TEXT    NOT NULL,
    expires    INTEGER,
    first_seen INTEGER NOT NULL,
    PRIMARY KEY (ecosystem, keyid)
)
