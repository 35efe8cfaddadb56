package dev.airlock.core.store.sql;

import dev.airlock.core.ecosystem.RegistryKey;
import dev.airlock.core.store.Change;
import dev.airlock.core.store.Ledgers;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Content readings ({@code content_facts}), registry keys ({@code registry_keys}) and signers
 * ({@code signer_keys}) trusted on first use; each new reading or pin is a change, since it can
 * change a decision.
 */
public final class SqlLedgers implements Ledgers {

    private final Jdbc jdbc;
    private final SqlChangeLog changes;

    public SqlLedgers(Jdbc jdbc, SqlChangeLog changes) {
        this.jdbc = jdbc;
        this.changes = changes;
    }

    @Override
    public void putContentFacts(String ecosystem, String packageName, String version, String filename, String sha256, String factsJson,
                                Instant at) {
        jdbc.inTransaction(c -> {
            jdbc.update(jdbc.dialect().upsert("content_facts", "ecosystem, package, version, filename, sha256, facts, read_at",
                    "ecosystem, package, filename"), ps -> {
                        ps.setString(1, ecosystem);
                        ps.setString(2, packageName);
                        ps.setString(3, version);
                        ps.setString(4, filename);
                        ps.setString(5, sha256);
                        ps.setString(6, factsJson);
                        ps.setLong(7, at.toEpochMilli());
                    });
            changes.record(Change.CONTENT, ecosystem, packageName, version);
            return null;
        });
    }

    @Override
    public Map<String, Map<String, String>> contentFacts(String ecosystem, String packageName) {
        Map<String, Map<String, String>> out = new HashMap<>();
        jdbc.query("SELECT version, filename, facts FROM content_facts WHERE ecosystem=? AND package=?", ps -> {
            ps.setString(1, ecosystem);
            ps.setString(2, packageName);
        }, rs -> List.of(rs.getString(1), rs.getString(2), rs.getString(3)))
                .forEach(r -> out.computeIfAbsent(r.get(0), k -> new TreeMap<>()).put(r.get(1), r.get(2)));
        return out;
    }

    @Override
    public List<RegistryKey> pinnedKeys(String ecosystem) {
        return jdbc.query("SELECT keyid, spki, expires FROM registry_keys WHERE ecosystem=?", ps -> ps.setString(1, ecosystem),
                rs -> new RegistryKey(rs.getString(1), rs.getString(2), Jdbc.instant(rs, 3)));
    }

    @Override
    public RegistryKey pinKey(String ecosystem, RegistryKey key, Instant now) {
        jdbc.inTransaction(c -> {
            int added = jdbc.update(jdbc.dialect().insertIgnore("registry_keys", "ecosystem, keyid, spki, expires, first_seen", "ecosystem, keyid"),
                    ps -> {
                        ps.setString(1, ecosystem);
                        ps.setString(2, key.keyid());
                        ps.setString(3, key.spki());
                        Jdbc.setInstant(ps, 4, key.expires());
                        ps.setLong(5, now.toEpochMilli());
                    });
            int expired = 0;
            if (key.expires() != null) {
                // A registry sets a key's expiry when it rotates it: learn it, only ever earlier.
                expired = jdbc.update("UPDATE registry_keys SET expires=? WHERE ecosystem=? AND keyid=? AND spki=? "
                        + "AND (expires IS NULL OR expires > ?)", ps -> {
                            ps.setLong(1, key.expires().toEpochMilli());
                            ps.setString(2, ecosystem);
                            ps.setString(3, key.keyid());
                            ps.setString(4, key.spki());
                            ps.setLong(5, key.expires().toEpochMilli());
                        });
            }
            if (added + expired > 0) {
                changes.record(Change.CONTENT, ecosystem, null, "key:" + key.keyid());
            }
            return null;
        });
        return pinnedKeys(ecosystem).stream().filter(k -> k.keyid().equals(key.keyid())).findFirst().orElse(key);
    }

    @Override
    public List<String> learnSigner(String ecosystem, String scope, String kind, String signer, Instant now) {
        return jdbc.inTransaction(c -> {
            List<String> known = jdbc.query("SELECT signer FROM signer_keys WHERE ecosystem=? AND scope=? AND kind=? ORDER BY first_seen, signer",
                    ps -> {
                        ps.setString(1, ecosystem);
                        ps.setString(2, scope);
                        ps.setString(3, kind);
                    }, rs -> rs.getString(1));
            if (!known.contains(signer)) {
                jdbc.update(jdbc.dialect().insertIgnore("signer_keys", "ecosystem, scope, kind, signer, first_seen", "ecosystem, scope, kind, signer"),
                        ps -> {
                            ps.setString(1, ecosystem);
                            ps.setString(2, scope);
                            ps.setString(3, kind);
                            ps.setString(4, signer);
                            ps.setLong(5, now.toEpochMilli());
                        });
                changes.record(Change.CONTENT, ecosystem, null, "signer:" + scope);
            }
            return List.copyOf(known);
        });
    }
}
