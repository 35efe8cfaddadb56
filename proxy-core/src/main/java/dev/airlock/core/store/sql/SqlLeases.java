package dev.airlock.core.store.sql;

import dev.airlock.core.store.FetchLeases;

import java.time.Instant;

/**
 * Fetch leases in table {@code fetch_leases}: one conditional upsert takes or renews a lease, so
 * two processes racing for one file cannot both get it (SQLite and PostgreSQL spell it alike).
 */
public final class SqlLeases implements FetchLeases {

    private final Jdbc jdbc;

    public SqlLeases(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public boolean claimFetch(String key, String holder, Instant now, Instant until) {
        return jdbc.update("INSERT INTO fetch_leases (lease_key, holder, expires_at) VALUES (?,?,?) ON CONFLICT (lease_key) "
                + "DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at "
                + "WHERE fetch_leases.holder = excluded.holder OR fetch_leases.expires_at <= ?", ps -> {
                    ps.setString(1, key);
                    ps.setString(2, holder);
                    ps.setLong(3, until.toEpochMilli());
                    ps.setLong(4, now.toEpochMilli());
                }) == 1;
    }

    @Override
    public void releaseFetch(String key, String holder) {
        jdbc.update("DELETE FROM fetch_leases WHERE lease_key = ? AND holder = ?", ps -> {
            ps.setString(1, key);
            ps.setString(2, holder);
        });
    }
}
