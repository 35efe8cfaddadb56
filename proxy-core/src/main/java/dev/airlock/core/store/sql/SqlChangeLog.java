package dev.airlock.core.store.sql;

import dev.airlock.core.store.Change;
import dev.airlock.core.store.ChangeLog;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/** The change log in table {@code changes}; the other stores call {@link #record} inside their own transactions. */
public final class SqlChangeLog implements ChangeLog {

    private final Jdbc jdbc;
    private final Clock clock;
    private final String origin;

    public SqlChangeLog(Jdbc jdbc, Clock clock, String origin) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.origin = origin;
    }

    /** Appends a change; call inside the transaction that makes it. */
    void record(String kind, String ecosystem, String packageName, String ref) {
        jdbc.update("INSERT INTO changes (origin, kind, ecosystem, package, ref, at) VALUES (?,?,?,?,?,?)", ps -> {
            ps.setString(1, origin);
            ps.setString(2, kind);
            ps.setString(3, ecosystem);
            ps.setString(4, packageName);
            ps.setString(5, ref);
            ps.setLong(6, clock.millis());
        });
        jdbc.locked(c -> {
            jdbc.dialect().announceChange(c);
            return null;
        });
    }

    @Override
    public List<Change> changesAfter(long after, int limit) {
        return jdbc.query("SELECT id, origin, kind, ecosystem, package, ref, at FROM changes WHERE id > ? ORDER BY id LIMIT ?", ps -> {
            ps.setLong(1, after);
            ps.setInt(2, limit);
        }, rs -> new Change(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                Instant.ofEpochMilli(rs.getLong(7))));
    }

    @Override
    public long latestChange() {
        return jdbc.first("SELECT coalesce(max(id), 0) FROM changes", ps -> { }, rs -> rs.getLong(1)).orElse(0L);
    }

    @Override
    public long oldestChange() {
        return jdbc.first("SELECT coalesce(min(id), 0) FROM changes", ps -> { }, rs -> rs.getLong(1)).orElse(0L);
    }

    @Override
    public int pruneChanges(Instant before) {
        // The newest entry is kept whatever its age: a follower starting later then finds its mark
        // in the log's ids instead of an empty table (AUTOINCREMENT goes on counting).
        return jdbc.update("DELETE FROM changes WHERE at < ? AND id < (SELECT max(id) FROM changes)",
                ps -> ps.setLong(1, before.toEpochMilli()));
    }

    @Override
    public String origin() {
        return origin;
    }
}
