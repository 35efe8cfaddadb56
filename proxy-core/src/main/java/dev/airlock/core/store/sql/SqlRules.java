package dev.airlock.core.store.sql;

import dev.airlock.core.store.Change;
import dev.airlock.core.store.RuleRecord;
import dev.airlock.core.store.RuleStore;

import java.time.Instant;
import java.util.List;

/** Run-time rules in table {@code policy_rules}; every rule added or removed is a change. */
public final class SqlRules implements RuleStore {

    private final Jdbc jdbc;
    private final SqlChangeLog changes;

    public SqlRules(Jdbc jdbc, SqlChangeLog changes) {
        this.jdbc = jdbc;
        this.changes = changes;
    }

    @Override
    public RuleRecord addRule(String kind, String pattern, String reason, String addedBy, Instant at) {
        return jdbc.inTransaction(c -> {
            long id = jdbc.insertReturningKey("INSERT INTO policy_rules (kind, pattern, reason, added_by, added_at) VALUES (?,?,?,?,?)", "id",
                    ps -> {
                        ps.setString(1, kind);
                        ps.setString(2, pattern);
                        ps.setString(3, reason);
                        ps.setString(4, addedBy);
                        ps.setLong(5, at.toEpochMilli());
                    });
            changes.record(Change.RULE, null, null, Long.toString(id));
            return new RuleRecord(id, kind, pattern, reason, addedBy, at, null);
        });
    }

    @Override
    public List<RuleRecord> rules() {
        return jdbc.query("SELECT id, kind, pattern, reason, added_by, added_at FROM policy_rules WHERE removed_at IS NULL ORDER BY id",
                ps -> { }, rs -> new RuleRecord(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        Instant.ofEpochMilli(rs.getLong(6)), null));
    }

    @Override
    public boolean removeRule(long id, Instant at) {
        return jdbc.inTransaction(c -> {
            boolean removed = jdbc.update("UPDATE policy_rules SET removed_at=? WHERE id=? AND removed_at IS NULL", ps -> {
                ps.setLong(1, at.toEpochMilli());
                ps.setLong(2, id);
            }) == 1;
            if (removed) {
                changes.record(Change.RULE, null, null, Long.toString(id));
            }
            return removed;
        });
    }
}
