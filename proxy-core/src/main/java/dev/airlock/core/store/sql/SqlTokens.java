package dev.airlock.core.store.sql;

import dev.airlock.core.store.Change;
import dev.airlock.core.store.TokenRecord;
import dev.airlock.core.store.TokenStore;

import java.time.Instant;
import java.util.List;

/** Admin tokens in table {@code admin_tokens}; every token created or revoked is a change. */
public final class SqlTokens implements TokenStore {

    private final Jdbc jdbc;
    private final SqlChangeLog changes;

    public SqlTokens(Jdbc jdbc, SqlChangeLog changes) {
        this.jdbc = jdbc;
        this.changes = changes;
    }

    @Override
    public void putToken(TokenRecord t) {
        jdbc.inTransaction(c -> {
            jdbc.update("INSERT INTO admin_tokens (name, role, token_hash, created_at, expires_at, revoked_at) VALUES (?,?,?,?,?,NULL)", ps -> {
                ps.setString(1, t.name());
                ps.setString(2, t.role());
                ps.setString(3, t.tokenHash());
                ps.setLong(4, t.createdAt().toEpochMilli());
                Jdbc.setInstant(ps, 5, t.expiresAt());
            });
            changes.record(Change.TOKEN, null, null, t.name());
            return null;
        });
    }

    @Override
    public List<TokenRecord> tokens() {
        return jdbc.query("SELECT name, role, token_hash, created_at, expires_at, revoked_at FROM admin_tokens ORDER BY created_at, name",
                ps -> { }, rs -> new TokenRecord(rs.getString(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)),
                        Jdbc.instant(rs, 5), Jdbc.instant(rs, 6)));
    }

    @Override
    public boolean revokeToken(String name, Instant at) {
        return jdbc.inTransaction(c -> {
            boolean revoked = jdbc.update("UPDATE admin_tokens SET revoked_at=? WHERE name=? AND revoked_at IS NULL", ps -> {
                ps.setLong(1, at.toEpochMilli());
                ps.setString(2, name);
            }) == 1;
            if (revoked) {
                changes.record(Change.TOKEN, null, null, name);
            }
            return revoked;
        });
    }
}
